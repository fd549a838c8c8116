//! `utils initiate software-download`: the scheduled download, now, in this command's process
//! (so it needs no running service, shows its progress and ends with its result), under the
//! orchestration lock that also keeps the service's scheduled run from starting beside it.

use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::artifacts::{Event, Scheduled};
use crate::ops::logs::{self, Topic};
use crate::ops::software_download::{self, Trigger};

/// Start the software download now, as the schedule would
///
/// Downloads what the software choice allows from the image repository into this node's
/// artifacts, at the bandwidth set (utils set software-download bandwidth), and records the
/// run as this node's last (utils show software-download). Stopped with Ctrl-C, it keeps what
/// arrived and the next run resumes it.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils initiate software-download")]
pub struct UtilsInitiateSoftwareDownloadArgs {}

pub fn cmd_utils_initiate_software_download(
    ctx: &mut Ctx,
    _args: UtilsInitiateSoftwareDownloadArgs,
) -> CmdResult {
    software_download::ready(&mut ctx.node)?;
    let bandwidth = software_download::bandwidth(&mut ctx.node)?;
    ctx.ui.status(&format!(
        "Starting the software download (bandwidth: {bandwidth}) ..."
    ));
    let bar = ProgressBar::new(0);
    if !ctx.ui.stderr_tty || ctx.ui.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let result = software_download::run(&mut ctx.node, Trigger::OnDemand, &mut |ev| match ev {
        Event::File { uri, size } => {
            bar.set_length(size);
            bar.set_position(0);
            bar.set_message(crate::text::one_line(uri).into_owned());
        }
        Event::Bytes { done } => bar.set_position(done),
        Event::Done => {}
    });
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let (_, told) = software_download::describe(&result);
    // The node's download log keeps this run beside the scheduled ones.
    let _ = logs::record(
        ctx.node.root(),
        Topic::Download,
        &match &result {
            Ok(_) => format!("download on demand: {told}"),
            Err(_) => format!("download on demand failed: {told}"),
        },
    );
    let sum = match result? {
        Scheduled::Done(sum) => sum,
        // `run` refuses an unconfigured repository before it starts.
        Scheduled::NotConfigured => {
            return Err(crate::ops::image_repository::not_configured().into())
        }
    };
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "downloaded": sum.downloaded,
            "bytes": sum.bytes,
            "already_complete": sum.already_complete,
            "bandwidth_kbps": bandwidth.0,
            "seconds": (seconds * 10.0).round() / 10.0,
        }))?;
    } else {
        ctx.ui.line(&format!("{told} in {seconds:.1} s."))?;
    }
    Ok(())
}
