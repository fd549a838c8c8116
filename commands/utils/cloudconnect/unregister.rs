//! `utils cloudconnect unregister`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::cloudconnect::{self, HubTold};

/// Unregister this Cloud Connect cluster from its hub: no more automatic upgrades
///
/// The hub is told to forget the cluster (when it answers) and the registration and its
/// token are removed from both nodes. Runs on the publisher. A registered cluster refuses every
/// consent link, so this is how it moves to another hub: unregister, then Add Cloud Connect on
/// the new hub.
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
        crate::output::one_line(&reg.display_name),
        reg.hub
    ))? {
        ctx.ui.line("Nothing was changed.")?;
        return Ok(());
    }
    let name = crate::output::one_line(&reg.display_name).into_owned();
    match cloudconnect::unregister(&mut ctx.node)? {
        HubTold::Forgot => ctx.ui.status(&format!("{name} is unregistered from {}.", reg.hub)),
        HubTold::ForgotAlready => ctx.ui.status(&format!(
            "{name} is unregistered here; the hub {} had forgotten it already (it was unregistered there): nothing is left to do.",
            reg.hub
        )),
        HubTold::NotTold(why) => ctx.ui.status(&format!(
            "{name} is unregistered here; the hub {} was not told ({why}): unregister it there too (Settings, Unregister).",
            reg.hub
        )),
    }
    Ok(())
}
