//! `utils smtp subscribe a@x,b@y`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Send notifications to these addresses too
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils smtp subscribe ops@example.com,cc-admin@example.com"
)]
pub struct UtilsSmtpSubscribeArgs {
    /// Addresses separated by commas
    #[arg(value_name = "ADDRESS,...")]
    pub addresses: String,
}

pub fn cmd_utils_smtp_subscribe(ctx: &mut Ctx, args: UtilsSmtpSubscribeArgs) -> CmdResult {
    let given = notify::parse_list(&args.addresses)?.len();
    let n = notify::subscribe(&mut ctx.node, &args.addresses)?;
    ctx.ui.status(&format!(
        "{n} address(es) subscribed{}.",
        if n < given {
            format!(", {} already were", given - n)
        } else {
            String::new()
        }
    ));
    Ok(())
}
