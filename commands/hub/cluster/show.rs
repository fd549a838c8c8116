//! `hub cluster show`: one cluster, its nodes, its schedule and every recorded change of it.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::hub::{describe, when};
use crate::output::{kv_block, plain_table};

/// One cluster, its schedule and every recorded change of it
#[derive(Debug, Args)]
pub struct HubClusterShowArgs {
    pub name: String,
}

pub fn cmd_hub_cluster_show(ctx: &mut Ctx, at: &mut HubAt, args: HubClusterShowArgs) -> CmdResult {
    let name = args.name;
    let c = at.hub.cluster(&name, at.now)?;
    let changes = at.hub.schedule_changes(&name)?;
    let nodes = at.hub.nodes(&name)?;
    if ctx.ui.json_output() {
        let changes: Vec<_> = changes
            .iter()
            .map(|(at, who, old, new)| {
                json!({"at": at, "actor": who,
                    "old": serde_json::from_str::<serde_json::Value>(old).unwrap_or_default(),
                    "new": serde_json::from_str::<serde_json::Value>(new).unwrap_or_default()})
            })
            .collect();
        ctx.ui
            .json(&json!({ "cluster": c, "nodes": nodes, "schedule_changes": changes }))
            .map_err(failed)?;
        return Ok(());
    }
    let tz = &c.schedule.time_zone;
    let postponed = c
        .schedule
        .postponed
        .map(|p| format!("the window of {} is skipped", when(p, tz)))
        .unwrap_or_else(|| "no".into());
    ctx.ui
        .line(&kv_block(&[
            ("Cluster", c.display_name.clone()),
            ("Publisher", c.fqdn.clone()),
            ("Registered", c.registered_at.clone()),
            (
                "Last poll",
                c.last_poll.clone().unwrap_or_else(|| "never".into()),
            ),
            ("Schedule", describe(&c.schedule)),
            ("Postponed", postponed),
            ("Next upgrade", when(c.next_upgrade.start, tz)),
            ("Next urgent window", when(c.next_urgent.start, tz)),
            ("Schedule changes", changes.len().to_string()),
        ]))
        .map_err(failed)?;
    if !nodes.is_empty() {
        let rows: Vec<Vec<String>> = nodes
            .iter()
            .map(|n| {
                vec![
                    n.node.clone(),
                    n.version.clone(),
                    n.state.clone(),
                    n.last_poll.clone(),
                    n.detail.clone(),
                ]
            })
            .collect();
        ctx.ui
            .line(&plain_table(
                &["NODE", "VERSION", "STATE", "LAST POLL", "DETAIL"],
                &rows,
            ))
            .map_err(failed)?;
    }
    Ok(())
}
