//! `utils cloudconnect unregister`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::cloudconnect;

/// Unregister this Cloud Connect cluster from its hub: no more automatic upgrades
///
/// The hub is told to forget the cluster (when it answers) and the registration and its
/// token are removed from both nodes. Runs on the publisher.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils cloudconnect unregister")]
pub struct UtilsCloudconnectUnregisterArgs {}

pub fn cmd_utils_cloudconnect_unregister(
    ctx: &mut Ctx,
    _args: UtilsCloudconnectUnregisterArgs,
) -> CmdResult {
    let Some(reg) = cloudconnect::registration(&mut ctx.node)? else {
        ctx.ui
            .line("This Cloud Connect cluster is not registered with a hub.")?;
        return Ok(());
    };
    if !ctx.confirm(&format!(
        "Unregister {} from the hub {} (its nodes are no longer upgraded automatically)",
        reg.display_name, reg.hub
    ))? {
        ctx.ui.line("Nothing was changed.")?;
        return Ok(());
    }
    match cloudconnect::unregister(&mut ctx.node)? {
        Ok(()) => ctx.ui.status(&format!("{} is unregistered from {}.", reg.display_name, reg.hub)),
        Err(why) => ctx.ui.status(&format!(
            "{} is unregistered here; the hub {} was not told ({why}): unregister it there too (Settings, Unregister).",
            reg.display_name, reg.hub
        )),
    }
    Ok(())
}
