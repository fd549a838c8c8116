//! `utils upgrade-manager switch-forward`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate::Operation;
use crate::orchestration_ui::{self, RunArgs, Selection};

/// Switch the chosen VOS nodes to their newer inactive version, publisher first, one node of a cluster at a time
///
/// Shows each node's active and inactive version and confirms. Refused by the compatibility check when the result is not supported. "All nodes" is not offered.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils upgrade-manager switch-forward --group Finesse\n  admin:utils upgrade-manager switch-forward --side A --platform VOS --yes"
)]
pub struct UtilsUpgradeManagerSwitchForwardArgs {
    #[command(flatten)]
    pub select: Selection,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn cmd_utils_upgrade_manager_switch_forward(
    ctx: &mut Ctx,
    args: UtilsUpgradeManagerSwitchForwardArgs,
) -> CmdResult {
    let Some(choice) = orchestration_ui::choose(ctx, &args.select, false)? else {
        ctx.ui.status("Nothing was switched.");
        return Ok(());
    };
    orchestration_ui::show_versions(ctx, &choice)?;
    orchestration_ui::execute(
        ctx,
        Operation::SwitchForward,
        None,
        &choice,
        &args.run,
        false,
    )
}
