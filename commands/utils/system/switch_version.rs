//! `utils system switch-version` (VOS): make the inactive version the active one.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software;

/// Switch this VOS node to its inactive version (the active one becomes inactive)
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system switch-version --yes")]
pub struct UtilsSystemSwitchVersionArgs {}

pub fn cmd_utils_system_switch_version(
    ctx: &mut Ctx,
    _args: UtilsSystemSwitchVersionArgs,
) -> CmdResult {
    let now = software::local(&mut ctx.node)?;
    let Some(inactive) = now.inactive.clone() else {
        return Err(crate::errors::CommandError::failed(
            "there is no inactive version to switch to",
        ));
    };
    if !ctx.confirm(&format!(
        "Active version {}, inactive version {inactive}. Switch to {inactive}",
        now.version
    ))? {
        ctx.ui.status("Nothing was switched.");
        return Ok(());
    }
    let installed = software::switch_version(&mut ctx.node)?;
    ctx.ui
        .status(&format!("The active version is now {}.", installed.version));
    crate::commands::show::version::render(ctx, "Active", &installed)
}
