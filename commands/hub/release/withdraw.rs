//! `hub release withdraw`: a broken release is never offered again; who withdrew it when is
//! recorded.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;

/// Withdraw a release (a broken one): it is never offered again, and who withdrew it when
/// is recorded
#[derive(Debug, Args)]
pub struct HubReleaseWithdrawArgs {
    pub version: String,
}

pub fn cmd_hub_release_withdraw(
    ctx: &mut Ctx,
    at: &mut HubAt,
    args: HubReleaseWithdrawArgs,
) -> CmdResult {
    let r = at.hub.withdraw_release(&args.version, &ctx.actor, at.now)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "release": r })).map_err(failed)?;
    } else {
        ctx.ui.status(&format!(
            "Release {} is withdrawn ({} by {}); it will never be offered again.",
            r.version,
            r.withdrawn_at.as_deref().unwrap_or(""),
            r.withdrawn_by.as_deref().unwrap_or("")
        ));
    }
    Ok(())
}
