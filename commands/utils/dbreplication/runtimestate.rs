//! `utils dbreplication runtimestate`: each Cloud Connect node of the cluster with its place in
//! the replication's change log: whether it answers, the last change applied, how far behind
//! it is and since when, and the last failure to send it changes.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{cluster, replication_check};
use crate::output::{kv_block, vos_table};

/// Show the replication between the Cloud Connect nodes: per node, reachable, last change applied, lag and last error
///
/// The publisher numbers every change to cluster-wide state (application users, inventory,
/// onboarded clusters, image repository, trust/); the subscriber applies them in order. On the
/// publisher the subscriber's place comes from its own record; on the subscriber the publisher
/// is asked (over the cluster channel) for its newest change, so the lag is exact on both.
/// The last `utils dbreplication status` comparison made on this node (by the command or by
/// the publisher's service every hour) is shown with when it ran.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils dbreplication runtimestate\n  $ ccadmin utils dbreplication runtimestate --output json"
)]
pub struct UtilsDbreplicationRuntimestateArgs {}

pub fn cmd_utils_dbreplication_runtimestate(
    ctx: &mut Ctx,
    _args: UtilsDbreplicationRuntimestateArgs,
) -> CmdResult {
    let st = cluster::status(&mut ctx.node)?;
    let last = replication_check::last_check(&mut ctx.node)?;
    if ctx.ui.json_output() {
        // The replication's state, and this node's last comparison of both nodes.
        let mut v = serde_json::to_value(&st).map_err(std::io::Error::other)?;
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "last_check".into(),
                serde_json::to_value(&last).map_err(std::io::Error::other)?,
            );
        }
        ctx.ui.json(&v)?;
        return Ok(());
    }
    let known = |n: Option<i64>| n.map_or_else(|| "unknown".to_owned(), |n| n.to_string());
    ctx.ui.line(&kv_block(&[
        ("Role", st.role.to_string()),
        (
            "Cluster",
            st.cluster.clone().unwrap_or_else(|| "(none yet)".into()),
        ),
        ("Newest change", known(st.sequence)),
        (
            "Last status check",
            match &last {
                Some(l) => format!("{} UTC: {}", l.at, l.result),
                None => "never (utils dbreplication status)".into(),
            },
        ),
    ]))?;
    if let (Some(at), Some(why)) = (&st.epoch_changed_at, &st.epoch_changed_why) {
        // A restored node was found out: the publisher began a new history then.
        ctx.ui.line(&format!(
            "New history since {at} UTC: {}",
            crate::output::one_line(why)
        ))?;
    }
    if st.nodes.len() < 2 {
        ctx.ui.line(match st.role {
            crate::domain::Role::Publisher => "No subscriber has joined this publisher.",
            crate::domain::Role::Subscriber => "This subscriber names no publisher.",
            crate::domain::Role::Vos => "A VOS node takes no part in Cloud Connect replication.",
        })?;
    }
    let rows: Vec<Vec<String>> = st
        .nodes
        .iter()
        .map(|n| {
            vec![
                if n.this_node {
                    format!("{} (this node)", n.node)
                } else {
                    n.node.clone()
                },
                n.role.to_string(),
                match (n.reachable, &n.reason) {
                    (None, _) => "-".into(),
                    (Some(true), _) => "yes".into(),
                    (Some(false), Some(why)) => format!("no: {why}"),
                    (Some(false), None) => "no".into(),
                },
                known(n.applied),
                match (n.lag, &n.behind_since) {
                    (Some(0), _) => "0".into(),
                    (Some(l), Some(t)) => format!("{l} (since {t} UTC)"),
                    (l, _) => known(l),
                },
                match (&n.last_error, &n.retry_at) {
                    (Some(e), Some(at)) => {
                        format!("{e} ({} attempts; next at {at} UTC)", n.attempts)
                    }
                    (Some(e), None) => format!("{e} ({} attempts)", n.attempts),
                    (None, _) => "-".into(),
                },
            ]
        })
        .collect();
    if !rows.is_empty() {
        ctx.ui.line(&vos_table(
            &[
                "node",
                "role",
                "reachable",
                "last applied",
                "lag",
                "last error",
            ],
            &rows,
        ))?;
    }
    Ok(())
}
