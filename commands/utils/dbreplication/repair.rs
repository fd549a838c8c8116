//! `utils dbreplication repair` (Cisco's name): the publisher sends its subscriber the whole
//! replicated state now, then both nodes are compared again.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{cluster, replication_check};

use super::status::{render, verdict};

/// Send the subscriber the publisher's whole replicated state now, then compare both nodes (confirmed; --yes skips)
///
/// On the publisher the snapshot is sent in-process; on the subscriber the publisher is asked
/// to send it (over the cluster channel). What the subscriber holds of every replicated kind
/// is replaced by the publisher's. Then utils dbreplication status runs and is printed; the
/// exit status is 1 when the nodes still differ.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils dbreplication repair\n  $ ccadmin -y utils dbreplication repair --output json"
)]
pub struct UtilsDbreplicationRepairArgs {}

pub fn cmd_utils_dbreplication_repair(
    ctx: &mut Ctx,
    _args: UtilsDbreplicationRepairArgs,
) -> CmdResult {
    let other = cluster::other_node(&mut ctx.node)?;
    let question = match &other {
        Some(o) => format!(
            "Replace the replicated state of the subscriber with the publisher's whole state ({o} is the other node)"
        ),
        None => "Replace the replicated state of the subscriber with the publisher's whole state"
            .to_owned(),
    };
    if !ctx.confirm(&question)? {
        ctx.ui.status("Nothing changed.");
        return Ok(());
    }
    let repaired = replication_check::repair(&mut ctx.node)?;
    ctx.ui.status(&format!(
        "Repair: {} ({} to {}).",
        repaired.message, repaired.publisher, repaired.subscriber
    ));
    let c = replication_check::status(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "repair": repaired, "status": c }))?;
    } else {
        render(ctx, &c)?;
    }
    verdict(&c)
}
