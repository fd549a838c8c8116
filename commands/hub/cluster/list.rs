//! `hub cluster list`: the clusters, their next upgrade window and schedule.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::hub::{describe, when};
use crate::output::plain_table;

/// The clusters, their next upgrade window and schedule
#[derive(Debug, Args)]
pub struct HubClusterListArgs {
    /// Only clusters whose display name contains this text (any case)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
}

pub fn cmd_hub_cluster_list(ctx: &mut Ctx, at: &mut HubAt, args: HubClusterListArgs) -> CmdResult {
    let list = at.hub.clusters(args.search.as_deref(), at.now)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "clusters": list })).map_err(failed)?;
    } else if list.is_empty() {
        match &args.search {
            Some(s) => ctx.ui.line(&format!(
                "No Cloud Connect cluster's display name contains '{}'.",
                crate::output::terminal_safe(s)
            )),
            None => ctx.ui.line("No Cloud Connect cluster is registered (Add Cloud Connect on the hub's Cloud Connect page registers one)."),
        }
        .map_err(failed)?;
    } else {
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|c| {
                vec![
                    c.display_name.clone(),
                    c.fqdn.clone(),
                    when(c.next_upgrade.start, &c.schedule.time_zone),
                    describe(&c.schedule),
                ]
            })
            .collect();
        ctx.ui
            .line(&plain_table(
                &["CLUSTER", "PUBLISHER", "NEXT UPGRADE", "SCHEDULE"],
                &rows,
            ))
            .map_err(failed)?;
    }
    Ok(())
}
