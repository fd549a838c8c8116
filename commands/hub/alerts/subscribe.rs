//! `hub alerts subscribe`: addresses that receive the hub's alerts.

use clap::Args;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

/// Mail the hub's alerts to these addresses (comma-separated)
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  ccadmin hub alerts subscribe ops@example.com,oncall@example.com"
)]
pub struct HubAlertsSubscribeArgs {
    #[arg(value_name = "ADDRESSES")]
    pub addresses: String,
}

pub fn cmd_hub_alerts_subscribe(
    ctx: &mut Ctx,
    at: &mut HubAt,
    args: HubAlertsSubscribeArgs,
) -> CmdResult {
    let n = at.hub.alert_subscribe(&args.addresses)?;
    ctx.ui
        .status(&format!("{n} address(es) subscribed to the hub's alerts."));
    Ok(())
}
