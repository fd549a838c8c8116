//! `hub alerts unsubscribe`: addresses (or `all`) that no longer receive the hub's alerts.

use clap::Args;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

/// Stop mailing the hub's alerts to these addresses (comma-separated, or all)
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  ccadmin hub alerts unsubscribe oncall@example.com")]
pub struct HubAlertsUnsubscribeArgs {
    #[arg(value_name = "ADDRESSES|all")]
    pub addresses: String,
}

pub fn cmd_hub_alerts_unsubscribe(
    ctx: &mut Ctx,
    at: &mut HubAt,
    args: HubAlertsUnsubscribeArgs,
) -> CmdResult {
    let n = at.hub.alert_unsubscribe(&args.addresses)?;
    ctx.ui.status(&format!(
        "{n} address(es) unsubscribed from the hub's alerts."
    ));
    Ok(())
}
