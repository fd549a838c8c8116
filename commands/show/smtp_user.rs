//! `show smtp-user`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Show the SMTP user name, and whether its password is set (never the password)
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:show smtp-user")]
pub struct ShowSmtpUserArgs {}

pub fn cmd_show_smtp_user(ctx: &mut Ctx, _args: ShowSmtpUserArgs) -> CmdResult {
    let c = notify::config(&mut ctx.node)?;
    let set = notify::password_set(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui
            .json(&json!({ "user": c.user, "password_set": set }))?;
        return Ok(());
    }
    ctx.ui.line(&format!(
        "SMTP user     : {}\nSMTP password : {}",
        c.user.as_deref().unwrap_or("(not set)"),
        if set { "set" } else { "(not set)" }
    ))?;
    Ok(())
}
