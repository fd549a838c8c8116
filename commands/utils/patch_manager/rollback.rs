//! `utils patch-manager rollback`: remove the newest patch of each chosen node.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate::Operation;
use crate::orchestration_ui::{self, RunArgs, Selection};

/// Remove the newest patch of each chosen node, one node of a cluster or pair at a time
///
/// Only the newest patch of a node is removed, and only when its publisher allows a rollback.
/// VOS nodes remove it themselves (utils system upgrade rollback-patch); Windows nodes run the
/// uninstall command line of the patch's verified manifest. "All nodes" is not offered.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager rollback --node cvp-a.example.com\n  admin:utils patch-manager rollback --group Finesse --yes"
)]
pub struct UtilsPatchManagerRollbackArgs {
    #[command(flatten)]
    pub select: Selection,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn cmd_utils_patch_manager_rollback(
    ctx: &mut Ctx,
    args: UtilsPatchManagerRollbackArgs,
) -> CmdResult {
    let Some(choice) = orchestration_ui::choose(ctx, &args.select, false)? else {
        ctx.ui.status("Nothing was removed.");
        return Ok(());
    };
    orchestration_ui::execute(
        ctx,
        Operation::PatchRollback,
        None,
        &choice,
        &args.run,
        false,
    )
}
