//! `utils smtp remove-config`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Remove the SMTP setting, its password and the subscriptions (confirmed; --yes skips)
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils smtp remove-config")]
pub struct UtilsSmtpRemoveConfigArgs {}

pub fn cmd_utils_smtp_remove_config(ctx: &mut Ctx, _args: UtilsSmtpRemoveConfigArgs) -> CmdResult {
    if !ctx.confirm("Remove the SMTP configuration and every subscription")? {
        ctx.ui.status("Nothing changed.");
        return Ok(());
    }
    notify::remove(&mut ctx.node)?;
    ctx.ui
        .status("SMTP configuration removed; no notification will be sent.");
    Ok(())
}
