//! `show smtp-host`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;
use crate::state::notify::Security;

/// Show the SMTP server notifications are sent through
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:show smtp-host")]
pub struct ShowSmtpHostArgs {}

pub fn cmd_show_smtp_host(ctx: &mut Ctx, _args: ShowSmtpHostArgs) -> CmdResult {
    let c = notify::config(&mut ctx.node)?;
    let security = c.security.unwrap_or(Security::Starttls);
    let port = c.port.unwrap_or(notify::default_port(security));
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "host": c.host, "port": c.host.as_ref().map(|_| port), "security": c.host.as_ref().map(|_| security) }))?;
        return Ok(());
    }
    ctx.ui.line(&match &c.host {
        Some(h) => format!("SMTP host : {h}:{port} ({})", security.as_str()),
        None => "SMTP host : (not set)".to_owned(),
    })?;
    Ok(())
}
