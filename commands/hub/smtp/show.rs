//! `hub smtp show`: the hub's SMTP server, whether a password is set (never the password),
//! and the alert mails not delivered yet.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;

/// The hub's SMTP server and the alert mails waiting to be delivered
#[derive(Debug, Args)]
pub struct HubSmtpShowArgs {}

pub fn cmd_hub_smtp_show(ctx: &mut Ctx, at: &mut HubAt, _args: HubSmtpShowArgs) -> CmdResult {
    let s = at.hub.alert_settings()?;
    if ctx.ui.json_output() {
        ctx.ui
            .json(&json!({"smtp": s.smtp, "password_set": s.password_set, "waiting": s.waiting}))
            .map_err(failed)?;
        return Ok(());
    }
    let c = &s.smtp;
    let mut text = format!(
        "SMTP host     : {}\nSMTP port     : {}\nSecurity      : {}\nFrom          : {}\nUser          : {}\nSMTP password : {}\n",
        c.host.as_deref().unwrap_or("(not set)"),
        c.port.map(|p| p.to_string()).unwrap_or_else(|| "(not set)".into()),
        c.security.map(|s| s.as_str()).unwrap_or("starttls"),
        c.from_email.as_deref().unwrap_or("(not set)"),
        c.user.as_deref().unwrap_or("(no login)"),
        if s.password_set { "set" } else { "not set" },
    );
    text.push_str(&format!("Waiting mails : {}\n", s.waiting.len()));
    for m in &s.waiting {
        text.push_str(&format!(
            "  {} queued {} UTC, {} attempt(s), next {} UTC{}\n",
            m.subject,
            m.queued_at,
            m.attempts,
            m.next_attempt_at,
            m.last_error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ));
    }
    ctx.ui.line(text.trim_end()).map_err(failed)?;
    Ok(())
}
