//! `utils dbreplication runtimestate`: the other Cloud Connect node, whether it answers, and
//! each replicated kind of state: when it last went out (publisher) or came in (subscriber),
//! and what waits to be sent with its failed attempts.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::cluster;
use crate::output::{kv_block, vos_table};

/// Show the replication between the Cloud Connect nodes: the other node, whether it answers, and each replicated kind
///
/// On the publisher: when each kind (application users, inventory, image repository) was last
/// sent to the subscriber, and what waits to be sent, with its failed attempts and last error.
/// On the subscriber: when each kind was last applied. The other node is asked `GET /health`.
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
    if ctx.ui.json_output() {
        ctx.ui.json(&st)?;
        return Ok(());
    }
    let other = match (&st.other_node, st.reachable, &st.reason) {
        (None, _, _) => "(none: no subscriber has joined)".to_owned(),
        (Some(h), Some(true), _) => format!("{h} (reachable)"),
        (Some(h), _, Some(why)) => format!("{h} (unreachable: {why})"),
        (Some(h), _, None) => h.clone(),
    };
    ctx.ui.line(&kv_block(&[
        ("Role", st.role.to_string()),
        ("Other node", other),
    ]))?;
    let rows: Vec<Vec<String>> = st
        .kinds
        .iter()
        .map(|k| {
            vec![
                k.kind.to_owned(),
                k.last
                    .as_ref()
                    .map(|t| format!("{t} UTC"))
                    .unwrap_or_else(|| "never".into()),
                if k.pending {
                    format!("pending ({} failed attempts)", k.attempts)
                } else {
                    "-".into()
                },
                k.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let last = if st.role == crate::domain::Role::Subscriber {
        "last applied"
    } else {
        "last sent"
    };
    ctx.ui
        .line(&vos_table(&["kind", last, "queue", "last error"], &rows))?;
    Ok(())
}
