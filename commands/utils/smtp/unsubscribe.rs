//! `utils smtp unsubscribe a@x,b@y|all`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Stop sending notifications to these addresses (all: to anyone)
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils smtp unsubscribe ops@example.com\n  admin:utils smtp unsubscribe all"
)]
pub struct UtilsSmtpUnsubscribeArgs {
    /// Addresses separated by commas, or all
    #[arg(value_name = "ADDRESS,...|all")]
    pub addresses: String,
}

pub fn cmd_utils_smtp_unsubscribe(ctx: &mut Ctx, args: UtilsSmtpUnsubscribeArgs) -> CmdResult {
    let n = notify::unsubscribe(&mut ctx.node, &args.addresses)?;
    ctx.ui.status(&format!("{n} address(es) unsubscribed."));
    Ok(())
}
