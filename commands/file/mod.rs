//! `file` menu: the node's log files (`<state>/logs/`), read as Cisco's `file ... activelog`
//! commands read a VOS node's active logs. The work, and the rule that nothing outside the log
//! directory is reachable, are in `ops::logs`.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod get;
pub mod list;
pub mod search;
pub mod tail;
pub mod view;

#[derive(Debug, Subcommand)]
pub enum FileCommands {
    /// Send log files to an SFTP server
    #[command(subcommand)]
    Get(get::FileGetCommands),
    /// List log files and directories
    #[command(subcommand)]
    List(list::FileListCommands),
    /// Search log files for a text
    #[command(subcommand)]
    Search(search::FileSearchCommands),
    /// Show the last lines of a log file, and follow it
    #[command(subcommand)]
    Tail(tail::FileTailCommands),
    /// Show a log file
    #[command(subcommand)]
    View(view::FileViewCommands),
}

pub fn run(ctx: &mut Ctx, cmd: FileCommands) -> CmdResult {
    match cmd {
        FileCommands::Get(c) => get::run(ctx, c),
        FileCommands::List(c) => list::run(ctx, c),
        FileCommands::Search(c) => search::run(ctx, c),
        FileCommands::Tail(c) => tail::run(ctx, c),
        FileCommands::View(c) => view::run(ctx, c),
    }
}

/// Pass each line of a log to `ui` until its reader goes (`| head`, `q` at the pager); the
/// write error, if any, comes back so the command ends as output-closed.
pub fn line_sink<'a>(
    ui: &'a mut crate::output::Ui,
    failed: &'a mut Option<std::io::Error>,
    flush: bool,
) -> impl FnMut(&str) -> bool + 'a {
    move |l: &str| {
        let r = ui
            .line(l)
            .and_then(|()| if flush { ui.flush() } else { Ok(()) });
        match r {
            Ok(()) => true,
            Err(e) => {
                *failed = Some(e);
                false
            }
        }
    }
}
