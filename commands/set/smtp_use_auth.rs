//! `set smtp-use-auth enable|disable`.

use clap::{Args, ValueEnum};

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnableDisable {
    Enable,
    Disable,
}

/// Log in to the SMTP server (with smtp-user and smtp-pswd), or not
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:set smtp-use-auth enable")]
pub struct SetSmtpUseAuthArgs {
    /// enable or disable
    #[arg(value_enum)]
    pub state: EnableDisable,
}

pub fn cmd_set_smtp_use_auth(ctx: &mut Ctx, args: SetSmtpUseAuthArgs) -> CmdResult {
    let on = args.state == EnableDisable::Enable;
    notify::set_use_auth(&mut ctx.node, on)?;
    ctx.ui.status(&format!(
        "SMTP authentication {}.",
        if on { "enabled" } else { "disabled" }
    ));
    Ok(())
}
