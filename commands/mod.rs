//! The command tree: one module per menu word, one file per leaf command, mirroring the menu
//! path (`utils node show` is `utils/node/show.rs`). Each leaf has its `Args` struct, whose doc
//! comments are the help text, and one `cmd_<path>(ctx, args)` function.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod file;
pub mod help;
pub mod hub;
pub mod run;
pub mod set;
pub mod show;
pub mod utils;

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// The node's log files: list, view, tail, search, send to SFTP (Cisco's activelog)
    #[command(subcommand)]
    File(file::FileCommands),
    Help(help::HelpArgs),
    /// Run a read-only query
    #[command(subcommand)]
    Run(run::RunCommands),
    /// Change a setting of this shell session, or of notification mails (SMTP)
    #[command(subcommand)]
    Set(set::SetCommands),
    /// Show settings of this shell session and of notification mails, this node's certificate
    #[command(subcommand)]
    Show(show::ShowCommands),
    /// Node, cluster and deployment utilities
    #[command(subcommand)]
    Utils(utils::UtilsCommands),
}

impl Commands {
    /// Whether the command changes state, and so goes into the audit log.
    pub fn changes_state(&self) -> bool {
        match self {
            Commands::File(_) | Commands::Help(_) | Commands::Run(_) | Commands::Show(_) => false,
            Commands::Set(c) => c.changes_state(),
            Commands::Utils(c) => c.changes_state(),
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: Commands) -> CmdResult {
    match cmd {
        Commands::File(c) => file::run(ctx, c),
        Commands::Help(args) => help::cmd_help(ctx, args),
        Commands::Run(c) => run::run(ctx, c),
        Commands::Set(c) => set::run(ctx, c),
        Commands::Show(c) => show::run(ctx, c),
        Commands::Utils(c) => utils::run(ctx, c),
    }
}
