//! `utils show software-download`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software_download::{self, Bandwidth};
use crate::output::kv_block;

/// Show the software download: its daily time, bandwidth, last run and next run
///
/// The time and the bandwidth are the cluster's (utils set software-download); the last run
/// is this node's (scheduled by ccadmin serve, or utils initiate software-download); the next
/// run is when the daily time next comes.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils show software-download")]
pub struct UtilsShowSoftwareDownloadArgs {}

pub fn cmd_utils_show_software_download(
    ctx: &mut Ctx,
    _args: UtilsShowSoftwareDownloadArgs,
) -> CmdResult {
    let o = software_download::overview(&mut ctx.node, jiff::Timestamp::now())?;
    if ctx.ui.json_output() {
        ctx.ui.json(&o)?;
        return Ok(());
    }
    let time = if o.time_unreadable {
        format!(
            "{} daily (default: the stored time cannot be read here; set it again on the publisher)",
            o.time
        )
    } else if o.time_set {
        format!("{} daily", o.time)
    } else {
        format!("{} daily (default: not set)", o.time)
    };
    let last = match &o.last_run {
        Some(l) => format!("{} UTC, {}: {}", l.at, l.trigger, l.message),
        None => "none on this node".to_owned(),
    };
    ctx.ui.line(&kv_block(&[
        ("Download time", time),
        (
            "Time zone",
            o.time_zone
                .clone()
                .unwrap_or_else(|| "this node's time zone".to_owned()),
        ),
        ("Bandwidth", Bandwidth(o.bandwidth_kbps).to_string()),
        ("Last run", last),
        (
            "Next run",
            o.next_run.clone().unwrap_or_else(|| "none".to_owned()),
        ),
    ]))?;
    Ok(())
}
