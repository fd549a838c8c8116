//! `utils image-repository download`: fetch, now, what the scheduled download would (rule R11 in
//! docs/rules.md#r11), under the orchestration lock, with a bar per file and a total on a terminal.

use std::time::Duration;

use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::artifacts::{self, Event};
use crate::ops::image_repository;
use crate::output::vos_table;

/// Download the artifacts the software choice allows, now
///
/// Lists the repository, keeps the files the software choice allows (folders named restricted
/// or unrestricted hold those builds; others are common), skips what is complete, and fetches
/// the rest through a .part file that resumes after a cut connection and is checked against
/// Artifactory's SHA-256 before it takes its final name.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils image-repository download --dry-run\n  admin:utils image-repository download"
)]
pub struct UtilsImageRepositoryDownloadArgs {
    /// List what would be fetched, fetch nothing
    #[arg(long)]
    pub dry_run: bool,
    /// How often to resume a download whose connection was cut
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub retries: u32,
    /// Seconds to wait before the first retry (doubling after each)
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub backoff: f64,
    /// Seconds to wait for the Artifactory at each step
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

fn style(t: &str) -> ProgressStyle {
    ProgressStyle::with_template(t).unwrap_or_else(|_| ProgressStyle::default_bar())
}

pub fn cmd_utils_image_repository_download(
    ctx: &mut Ctx,
    args: UtilsImageRepositoryDownloadArgs,
) -> CmdResult {
    let (setting, credential) = image_repository::load(&mut ctx.node)?;
    let art = image_repository::client(
        ctx.node.root(),
        &setting,
        credential,
        Duration::from_secs(args.timeout),
        &ctx.node.cancel,
    )?
    .with_bandwidth(crate::ops::software_download::bandwidth(&mut ctx.node)?.bytes_per_second());
    let _lock = if args.dry_run {
        None
    } else {
        Some(ctx.orchestration_lock("utils image-repository download")?)
    };
    let dir = ctx.node.root().join("artifacts");
    let plan = artifacts::plan(&art, setting.software, &dir)?;
    if args.dry_run {
        if ctx.ui.json_output() {
            ctx.ui.json(&plan)?;
            return Ok(());
        }
        let rows: Vec<Vec<String>> = plan
            .fetch
            .iter()
            .map(|f| vec![f.uri.clone(), f.size.to_string()])
            .collect();
        if !rows.is_empty() {
            ctx.ui
                .line(&vos_table(&["would download", "bytes"], &rows))?;
        }
        ctx.ui.line(&format!(
            "{} to download, {} already complete, {} excluded by the software choice ({}).",
            plan.fetch.len(),
            plan.complete.len(),
            plan.excluded,
            setting.software
        ))?;
        return Ok(());
    }
    let multi = MultiProgress::new();
    if !ctx.ui.stderr_tty || ctx.ui.quiet {
        multi.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let total_bytes: u64 = plan.fetch.iter().map(|f| f.size).sum();
    let total = multi.add(ProgressBar::new(total_bytes));
    total.set_style(style(
        "total {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ));
    let mut file_bar: Option<ProgressBar> = None;
    let mut before = 0u64;
    let mut done_files = 0u64;
    let cancel = ctx.node.cancel.clone();
    let backoff = Duration::from_secs_f64(args.backoff.clamp(0.0, 60.0));
    let result = artifacts::download(
        &art,
        &plan,
        &dir,
        args.retries,
        backoff,
        cancel.flag(),
        &mut |ev| match ev {
            Event::File { uri, size } => {
                let b = multi.insert_before(&total, ProgressBar::new(size));
                b.set_style(style("{msg} {bar:30} {bytes}/{total_bytes}"));
                b.set_message(crate::text::one_line(uri).into_owned());
                file_bar = Some(b);
            }
            Event::Bytes { done } => {
                if let Some(b) = &file_bar {
                    b.set_position(done);
                }
                total.set_position(before + done);
            }
            Event::Done => {
                if let Some(b) = file_bar.take() {
                    before += b.length().unwrap_or(0);
                    b.finish_and_clear();
                }
                done_files += 1;
            }
        },
    );
    total.finish_and_clear();
    // The node's download log keeps console downloads beside the scheduled ones.
    let _ = crate::ops::logs::record(
        ctx.node.root(),
        crate::ops::logs::Topic::Download,
        &match &result {
            Ok(s) => format!(
                "download at the console: {} artifact(s) downloaded ({} bytes), {} already complete",
                s.downloaded, s.bytes, s.already_complete
            ),
            Err(e) => format!("download at the console failed: {e}"),
        },
    );
    let summary = result?;
    if let Err(e) = artifacts::announce(&mut ctx.node, &plan, &summary) {
        ctx.ui
            .warn(&format!("the notification mail was not queued: {e}"));
    }
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "downloaded": summary.downloaded, "bytes": summary.bytes, "already_complete": summary.already_complete, "excluded": plan.excluded }))?;
    } else {
        ctx.ui.line(&format!(
            "{} artifact(s) downloaded ({} bytes), {} already complete, {} excluded by the software choice.",
            summary.downloaded, summary.bytes, summary.already_complete, plan.excluded
        ))?;
    }
    Ok(())
}
