//! `utils system upgrade rollback-patch` (VOS): remove the newest patch of the active version.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software;

/// Remove the newest patch of the active version of this VOS node
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system upgrade rollback-patch --yes")]
pub struct UtilsSystemUpgradeRollbackPatchArgs {}

pub fn cmd_utils_system_upgrade_rollback_patch(
    ctx: &mut Ctx,
    _args: UtilsSystemUpgradeRollbackPatchArgs,
) -> CmdResult {
    let now = software::local(&mut ctx.node)?;
    let Some(latest) = now.patches.last() else {
        ctx.ui
            .status(&format!("No patch is installed on {}.", now.version));
        return crate::commands::show::version::render(ctx, "Active", &now);
    };
    if !ctx.confirm(&format!("Remove {} from {}", latest.name, now.version))? {
        ctx.ui.status("Nothing was removed.");
        return Ok(());
    }
    let takes = super::emulated_install_time(ctx);
    let (removed, installed) = software::rollback_patch(&mut ctx.node, takes)?;
    ctx.ui.status(&format!("{} removed.", removed.name));
    crate::commands::show::version::render(ctx, "Active", &installed)
}
