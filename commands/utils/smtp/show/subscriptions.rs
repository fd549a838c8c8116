//! `utils smtp show subscriptions`: who receives notifications, and the mails waiting.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;
use crate::output::plain_table;

/// Show the subscribed addresses, and the mails this node has not delivered yet
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils smtp show subscriptions")]
pub struct UtilsSmtpShowSubscriptionsArgs {}

pub fn cmd_utils_smtp_show_subscriptions(
    ctx: &mut Ctx,
    _args: UtilsSmtpShowSubscriptionsArgs,
) -> CmdResult {
    let notify::Subscriptions {
        subscribers,
        waiting: outbox,
    } = notify::subscriptions(&mut ctx.node)?;
    if ctx.ui.json_output() {
        let waiting: Vec<_> = outbox
            .iter()
            .map(|m| json!({ "id": m.id, "queued_at": m.queued_at, "subject": m.subject, "attempts": m.attempts, "last_error": m.last_error, "next_attempt_at": m.next_attempt_at }))
            .collect();
        ctx.ui
            .json(&json!({ "subscribers": subscribers, "outbox": waiting }))?;
        return Ok(());
    }
    if subscribers.is_empty() {
        ctx.ui
            .line("No address is subscribed (utils smtp subscribe ADDRESS,...).")?;
    } else {
        ctx.ui.line(&format!(
            "Subscribed addresses:\n  {}",
            subscribers.join("\n  ")
        ))?;
    }
    if !outbox.is_empty() {
        let rows: Vec<Vec<String>> = outbox
            .iter()
            .map(|m| {
                vec![
                    m.queued_at.clone(),
                    m.subject.clone(),
                    m.attempts.to_string(),
                    m.next_attempt_at.clone(),
                    m.last_error.clone().unwrap_or_default(),
                ]
            })
            .collect();
        ctx.ui.line(&format!(
            "\n{} mail(s) waiting to be delivered by ccadmin serve:\n{}",
            outbox.len(),
            plain_table(
                &[
                    "QUEUED (UTC)",
                    "SUBJECT",
                    "ATTEMPTS",
                    "NEXT (UTC)",
                    "LAST ERROR"
                ],
                &rows
            )
        ))?;
    }
    Ok(())
}
