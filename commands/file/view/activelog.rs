//! `file view activelog`: a log file, paged as other long output is.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::logs;

/// Show a log file of this node
///
/// FILE is a file under the log directory, as file list activelog shows it (`serve.log`,
/// `orchestration-audit/audit.log.1`). On a terminal the output pages; `q` at the pager stops.
/// `..`, absolute paths and symbolic links are refused.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:file view activelog orchestration-audit/audit.log")]
pub struct FileViewActivelogArgs {
    /// The log file, under the log directory
    #[arg(value_name = "FILE")]
    pub file: String,
}

pub fn cmd_file_view_activelog(ctx: &mut Ctx, args: FileViewActivelogArgs) -> CmdResult {
    let root = ctx.node.root().to_path_buf();
    let cancel = ctx.node.cancel.clone();
    let mut failed = None;
    let r = logs::view(
        &root,
        &args.file,
        &cancel,
        &mut super::super::line_sink(&mut ctx.ui, &mut failed, false),
    );
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(r?)
}
