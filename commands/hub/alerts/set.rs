//! `hub alerts set`: how many minutes a node is offline before it is alerted, or the hour (UTC)
//! of the daily digest.

use clap::{Args, ValueEnum};

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{Kind, OpError};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Setting {
    /// Minutes a node is offline (three missed polls) before it is alerted (1 to 10080)
    OfflineAfter,
    /// The hour of the daily digest, UTC (0 to 23)
    DigestHour,
}

/// Set offline-after MINUTES (default 60) or digest-hour H (UTC, default 7)
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  ccadmin hub alerts set offline-after 30\n  ccadmin hub alerts set digest-hour 6"
)]
pub struct HubAlertsSetArgs {
    #[arg(value_enum)]
    pub setting: Setting,
    pub value: u64,
}

pub fn cmd_hub_alerts_set(ctx: &mut Ctx, at: &mut HubAt, args: HubAlertsSetArgs) -> CmdResult {
    match args.setting {
        Setting::OfflineAfter => {
            at.hub.set_offline_after(args.value)?;
            ctx.ui.status(&format!(
                "A node offline for {} minutes is alerted.",
                args.value
            ));
        }
        Setting::DigestHour => {
            let hour = u8::try_from(args.value).map_err(|_| {
                OpError::new(Kind::Invalid, "digest-hour must be an hour 0-23 (UTC)")
            })?;
            at.hub.set_digest_hour(hour)?;
            ctx.ui
                .status(&format!("The daily digest is sent at {hour:02}:00 UTC."));
        }
    }
    Ok(())
}
