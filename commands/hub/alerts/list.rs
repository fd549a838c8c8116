//! `hub alerts list`: the subscribed addresses and the alert settings.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;

/// The addresses the alerts are mailed to, the offline threshold and the digest's hour
#[derive(Debug, Args)]
pub struct HubAlertsListArgs {}

pub fn cmd_hub_alerts_list(ctx: &mut Ctx, at: &mut HubAt, _args: HubAlertsListArgs) -> CmdResult {
    let s = at.hub.alert_settings()?;
    if ctx.ui.json_output() {
        ctx.ui
            .json(&json!({
                "subscribers": s.subscribers, "offline_after": s.offline_after,
                "digest_hour": s.digest_hour, "waiting": s.waiting.len(),
            }))
            .map_err(failed)?;
        return Ok(());
    }
    let who = if s.subscribers.is_empty() {
        "nobody (ccadmin hub alerts subscribe ADDRESS)".to_owned()
    } else {
        s.subscribers.join(", ")
    };
    ctx.ui
        .line(&format!(
            "Subscribers   : {who}\nOffline after : {} minutes\nDaily digest  : {:02}:00 UTC\nWaiting mails : {}",
            s.offline_after,
            s.digest_hour,
            s.waiting.len()
        ))
        .map_err(failed)?;
    Ok(())
}
