//! `hub cluster postpone`: skip the cluster's next upgrade window, once.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::hub::when;

/// Skip the cluster's next upgrade window, once
#[derive(Debug, Args)]
pub struct HubClusterPostponeArgs {
    pub name: String,
}

pub fn cmd_hub_cluster_postpone(
    ctx: &mut Ctx,
    at: &mut HubAt,
    args: HubClusterPostponeArgs,
) -> CmdResult {
    let c = at.hub.postpone(&args.name, &ctx.actor, at.now)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "cluster": c })).map_err(failed)?;
    } else {
        ctx.ui
            .line(&format!(
                "{}: the next upgrade is postponed to {}",
                c.display_name,
                when(c.next_upgrade.start, &c.schedule.time_zone)
            ))
            .map_err(failed)?;
    }
    Ok(())
}
