//! `set smtp-user NAME`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Set the user name this node logs in to the SMTP server with
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:set smtp-user ccadmin-notify")]
pub struct SetSmtpUserArgs {
    /// The SMTP account
    #[arg(value_name = "NAME")]
    pub user: String,
}

pub fn cmd_set_smtp_user(ctx: &mut Ctx, args: SetSmtpUserArgs) -> CmdResult {
    notify::set_user(&mut ctx.node, &args.user)?;
    ctx.ui.status(&format!("SMTP user set to {}.", args.user));
    Ok(())
}
