//! `utils system upgrade cancel` (Cloud Connect): cancel this node's self-upgrade from its hub
//! before it switches. It either wins — the release is never switched to, its trial stopped,
//! its files removed, the hub told (its rollout stops for the cluster) — or is refused as too
//! late; the decision is `ops::upgrade_status::cancel`'s, taken under the lock the service's
//! switch takes.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::upgrade_status::cancel::{self, Outcome};
use crate::text::one_line;

/// Cancel this Cloud Connect node's upgrade from its hub before it switches
///
/// Cancels the upgrade the node service is downloading, verifying or trying beside the running
/// release, after a yes/no question (--yes in batches): the service stops it at its next
/// check (within seconds), stops the trial, removes the release and reports the upgrade failed
/// to the hub, which stops the cluster's rollout of that release until its next window; the
/// command waits (at most two minutes) until the service says it is cancelled. Refused when
/// nothing is in progress, or when it is too late: once the release proved healthy and the node
/// is switching to it, or switched (go back with utils cloudconnect switch-back).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system upgrade cancel\n  $ ccadmin utils system upgrade cancel --yes"
)]
pub struct UtilsSystemUpgradeCancelArgs {}

pub fn cmd_utils_system_upgrade_cancel(
    ctx: &mut Ctx,
    _args: UtilsSystemUpgradeCancelArgs,
) -> CmdResult {
    // Refused before the question when there is nothing to cancel (decided again, under the
    // lock, once confirmed).
    let seen = cancel::preview(&mut ctx.node)?;
    if !ctx.confirm(&format!(
        "Cancel this node's upgrade to {} (now {}; the node keeps {})",
        one_line(&seen.release),
        seen.state,
        one_line(&seen.from)
    ))? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let p = cancel::request(&mut ctx.node)?;
    ctx.ui.status(&format!(
        "{} the upgrade to {}; waiting for the node service to take it up (at most {} s).",
        if p.already {
            "A cancellation was requested already for"
        } else {
            "Cancellation requested for"
        },
        one_line(&p.release),
        cancel::WAIT.as_secs()
    ));
    let outcome = cancel::wait(&ctx.node, &p, cancel::WAIT)?;
    let next = format!(
        "The hub offers {0} again in the cluster's next upgrade window unless it is withdrawn there (ccadmin hub release withdraw {0}).",
        one_line(&p.release)
    );
    match outcome {
        Outcome::Cancelled { hub_told, detail } => {
            if ctx.ui.json_output() {
                ctx.ui.json(&json!({
                    "cancelled": true,
                    "release": p.release,
                    "from": p.from,
                    "was": p.state,
                    "hub_told": hub_told,
                    "detail": detail,
                }))?;
                return Ok(());
            }
            let mut text = format!(
                "The upgrade to {} was cancelled; this node keeps {}.",
                one_line(&p.release),
                one_line(&p.from)
            );
            if let Some(d) = detail {
                text.push_str(&format!("\nDetail: {}", one_line(&d)));
            }
            text.push('\n');
            text.push_str(&next);
            ctx.ui.line(&text)?;
        }
        Outcome::NotInstalled { state, detail } => {
            if ctx.ui.json_output() {
                ctx.ui.json(&json!({
                    "cancelled": false,
                    "release": p.release,
                    "from": p.from,
                    "state": state,
                    "detail": detail,
                }))?;
                return Ok(());
            }
            ctx.ui.line(&format!(
                "{} was not installed: it ended ({state}) before the cancellation was taken up: {}; this node keeps {}.",
                one_line(&p.release),
                one_line(detail.as_deref().unwrap_or("no detail")),
                one_line(&p.from)
            ))?;
        }
    }
    Ok(())
}
