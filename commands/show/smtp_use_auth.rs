//! `show smtp-use-auth`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Show whether this node logs in to the SMTP server
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:show smtp-use-auth")]
pub struct ShowSmtpUseAuthArgs {}

pub fn cmd_show_smtp_use_auth(ctx: &mut Ctx, _args: ShowSmtpUseAuthArgs) -> CmdResult {
    let c = notify::config(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "use_auth": c.use_auth }))?;
        return Ok(());
    }
    ctx.ui.line(&format!(
        "SMTP use auth : {}",
        if c.use_auth { "enabled" } else { "disabled" }
    ))?;
    Ok(())
}
