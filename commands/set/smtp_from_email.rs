//! `set smtp-from-email ADDRESS`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Set the sender address of notification mails
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:set smtp-from-email ccadmin@example.com")]
pub struct SetSmtpFromEmailArgs {
    /// The address mails come from (name@domain)
    #[arg(value_name = "ADDRESS")]
    pub email: String,
}

pub fn cmd_set_smtp_from_email(ctx: &mut Ctx, args: SetSmtpFromEmailArgs) -> CmdResult {
    notify::set_from(&mut ctx.node, &args.email)?;
    ctx.ui
        .status(&format!("SMTP sender address set to {}.", args.email));
    Ok(())
}
