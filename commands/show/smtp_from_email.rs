//! `show smtp-from-email`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Show the sender address of notification mails
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:show smtp-from-email")]
pub struct ShowSmtpFromEmailArgs {}

pub fn cmd_show_smtp_from_email(ctx: &mut Ctx, _args: ShowSmtpFromEmailArgs) -> CmdResult {
    let c = notify::config(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "from_email": c.from_email }))?;
        return Ok(());
    }
    ctx.ui.line(&format!(
        "SMTP from email : {}",
        c.from_email.as_deref().unwrap_or("(not set)")
    ))?;
    Ok(())
}
