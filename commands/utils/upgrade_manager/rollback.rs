//! `utils upgrade-manager rollback`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate::Operation;
use crate::orchestration_ui::{self, RunArgs, Selection};

/// Switch the chosen VOS nodes back to their previous (inactive) version, publisher first, one node of a cluster at a time
///
/// The upgrade rollback: the inactive version kept by the upgrade becomes active again. Refused by the compatibility check when the result is not supported. "All nodes" is not offered.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils upgrade-manager rollback --group Finesse\n  admin:utils upgrade-manager rollback --side A --platform VOS --yes"
)]
pub struct UtilsUpgradeManagerRollbackArgs {
    #[command(flatten)]
    pub select: Selection,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn cmd_utils_upgrade_manager_rollback(
    ctx: &mut Ctx,
    args: UtilsUpgradeManagerRollbackArgs,
) -> CmdResult {
    let Some(choice) = orchestration_ui::choose(ctx, &args.select, false)? else {
        ctx.ui.status("Nothing was switched.");
        return Ok(());
    };
    orchestration_ui::show_versions(ctx, &choice)?;
    orchestration_ui::execute(ctx, Operation::Rollback, None, &choice, &args.run, false)
}
