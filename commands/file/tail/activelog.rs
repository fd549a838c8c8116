//! `file tail activelog`: the last lines of a log file, and with `--follow` the lines added to
//! it until Ctrl-C (which returns to the prompt).

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::logs;

/// Show the last lines of a log file, and with --follow the lines added to it
///
/// FILE is a file under the log directory (`serve.log`). With --follow the command keeps
/// showing each line as it is written, across the log's rotation, until Ctrl-C, which ends it
/// and returns to the prompt (a one-shot command exits 130). `..`, absolute paths and
/// symbolic links are refused.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Examples:\n  admin:file tail activelog serve.log\n  admin:file tail activelog serve.log --lines 50 --follow"
)]
pub struct FileTailActivelogArgs {
    /// The log file, under the log directory
    #[arg(value_name = "FILE")]
    pub file: String,
    /// How many of the last lines to show
    #[arg(short = 'n', long, value_name = "N", default_value_t = logs::TAIL_LINES as u64,
        value_parser = clap::value_parser!(u64).range(1..=logs::MAX_TAIL_LINES as u64))]
    pub lines: u64,
    /// Keep showing the lines added to the file until Ctrl-C
    #[arg(short = 'f', long)]
    pub follow: bool,
}

pub fn cmd_file_tail_activelog(ctx: &mut Ctx, args: FileTailActivelogArgs) -> CmdResult {
    let root = ctx.node.root().to_path_buf();
    let cancel = ctx.node.cancel.clone();
    if args.follow {
        // Lines come as they are written: never held back for a pager key or a full buffer.
        ctx.ui.no_paging();
    }
    let mut failed = None;
    let r = logs::tail(
        &root,
        &args.file,
        args.lines as usize,
        args.follow,
        &cancel,
        &mut super::super::line_sink(&mut ctx.ui, &mut failed, args.follow),
    );
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(r?)
}
