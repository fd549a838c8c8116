//! `utils dbreplication status` (Cisco's name): the publisher's and the subscriber's replicated
//! state compared kind by kind through digests, so a pair that differs is found before the
//! publisher is lost.

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::replication_check::{self, Comparison};
use crate::output::{kv_block, plain_table};

/// Compare the replicated state of both Cloud Connect nodes: per kind equal or DIFFERENT, and what differs
///
/// Each node computes a digest of every replicated kind (application users with their hashes,
/// inventory versions, onboarded hosts, the image-repository setting with digests of its
/// credential and CA file, the SMTP setting, subscribers and password, the signers, the
/// shared settings and the hub token, the publisher's trust/ certificates) and one per item, keyed
/// with the cluster secret: no secret is sent or shown. This node asks the other for its
/// digests and names what is only on one side or differs. Exit status 1 when anything differs
/// (utils dbreplication repair sends the subscriber the publisher's whole state) or when the
/// other node cannot be asked. The result is recorded for utils dbreplication runtimestate.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils dbreplication status\n  $ ccadmin utils dbreplication status --output json"
)]
pub struct UtilsDbreplicationStatusArgs {}

pub fn cmd_utils_dbreplication_status(
    ctx: &mut Ctx,
    _args: UtilsDbreplicationStatusArgs,
) -> CmdResult {
    let c = replication_check::status(&mut ctx.node)?;
    render(ctx, &c)?;
    verdict(&c)
}

/// The comparison on stdout, as text or JSON (shared with `repair`).
pub fn render(ctx: &mut Ctx, c: &Comparison) -> CmdResult {
    if ctx.ui.json_output() {
        ctx.ui.json(c)?;
        return Ok(());
    }
    let mark = |n: &str| {
        if n == c.this_node {
            format!("{n} (this node)")
        } else {
            n.to_owned()
        }
    };
    ctx.ui.line(&kv_block(&[
        (
            "Publisher",
            format!("{} (at change {})", mark(&c.publisher), c.publisher_change),
        ),
        (
            "Subscriber",
            format!(
                "{} (at change {})",
                mark(&c.subscriber),
                c.subscriber_change
            ),
        ),
        ("Checked at", format!("{} UTC", c.checked_at)),
    ]))?;
    let rows: Vec<Vec<String>> = c
        .kinds
        .iter()
        .map(|k| {
            vec![
                k.kind.clone(),
                if k.equal { "equal" } else { "DIFFERENT" }.to_owned(),
                k.publisher_items.to_string(),
                k.subscriber_items.to_string(),
                if k.equal {
                    "-".to_owned()
                } else {
                    replication_check::describe(k, replication_check::SHOWN)
                },
            ]
        })
        .collect();
    ctx.ui.line(&plain_table(
        &["KIND", "RESULT", "PUBLISHER", "SUBSCRIBER", "WHAT DIFFERS"],
        &rows,
    ))?;
    if let Some(n) = c.behind() {
        ctx.ui.line(&format!(
            "The subscriber has {n} change(s) to apply yet: differences may be changes in flight."
        ))?;
    }
    ctx.ui.line(if c.equal {
        "Both nodes hold the same replicated state."
    } else {
        "The nodes differ."
    })?;
    Ok(())
}

/// Exit status 1 when the nodes differ (the comparison is on stdout already).
pub fn verdict(c: &Comparison) -> CmdResult {
    if c.equal {
        return Ok(());
    }
    let mut e = CommandError::failed(format!(
        "the Cloud Connect nodes differ in: {}",
        c.different().join(", ")
    ));
    if c.behind().is_some() {
        e = e.with_hint("the subscriber is behind: run the status again in a moment (utils dbreplication runtimestate shows its lag)");
    }
    Err(e.with_hint(
        "utils dbreplication repair sends the subscriber the publisher's whole state, then compares again",
    ))
}
