//! `utils set software-download time HH:MM [--time-zone ZONE]`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software_download::{self, DailyTime};

/// Set the daily time of the software download from the image repository
///
/// The node service (ccadmin serve) downloads the artifacts the software choice allows every
/// day at this time, read in the cluster's time zone: the one given, or else this node's. It
/// replaces serve's --download-schedule and --download-at, and a running service follows it
/// within seconds. Set on the publisher; replicated, so both nodes download at the same time.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils set software-download time 01:30\n  admin:utils set software-download time 23:00 --time-zone Europe/Berlin"
)]
pub struct UtilsSetSoftwareDownloadTimeArgs {
    /// The time of day, 24-hour clock (00:00 to 23:59)
    #[arg(value_name = "HH:MM", value_parser = clap::value_parser!(DailyTime), allow_hyphen_values = true)]
    pub time: DailyTime,
    /// The time zone the time is read in (IANA name, e.g. Europe/Berlin) [default: this node's]
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
}

pub fn cmd_utils_set_software_download_time(
    ctx: &mut Ctx,
    args: UtilsSetSoftwareDownloadTimeArgs,
) -> CmdResult {
    let s = software_download::set_time(&mut ctx.node, args.time, args.time_zone.as_deref())?;
    let zone = s.time_zone.as_deref().unwrap_or("this node's time zone");
    ctx.ui.status(&format!(
        "The software download now runs daily at {} ({zone}).",
        args.time
    ));
    Ok(())
}
