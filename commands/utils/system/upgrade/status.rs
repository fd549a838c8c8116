//! `utils system upgrade status`: the state of this node's own upgrade, on either role.
//!
//! - VOS: whether an install, a patch removal or a switch runs on this node now — what Cloud
//!   Connect asks before it resumes an interrupted run here, so that it never starts a second
//!   installer beside one still running.
//! - Cloud Connect (Cisco's command for it there): this node's ccadmin upgrade from its hub as
//!   the service recorded it — offered, downloading (bytes of total, rate), verifying,
//!   switching, healthy, switched back or failed and why — and when it last changed.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{software, upgrade_status};
use crate::output::kv_block;
use crate::text::one_line;

/// Show this node's upgrade: on VOS whether an install runs now, on Cloud Connect its own
/// upgrade from the hub
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system upgrade status")]
pub struct UtilsSystemUpgradeStatusArgs {}

pub fn cmd_utils_system_upgrade_status(
    ctx: &mut Ctx,
    _args: UtilsSystemUpgradeStatusArgs,
) -> CmdResult {
    if ctx.node.identity()?.role.is_cloud_connect() {
        return self_upgrade(ctx);
    }
    let s = software::upgrade_status(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!(s))?;
        return Ok(());
    }
    let mut fields = vec![("State", s.state.to_owned())];
    if let (Some(c), Some(since)) = (&s.command, &s.since) {
        fields.push(("Running", format!("{c} since {since} UTC")));
    }
    ctx.ui.line(&kv_block(&fields))?;
    Ok(())
}

/// A Cloud Connect node's own upgrade from its hub.
fn self_upgrade(ctx: &mut Ctx) -> CmdResult {
    let s = upgrade_status::status(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!(s))?;
        return Ok(());
    }
    ctx.ui.line(&kv_block(&rows(&s)))?;
    Ok(())
}

/// The key/value rows of a Cloud Connect node's upgrade status.
fn rows(s: &upgrade_status::Status) -> Vec<(&'static str, String)> {
    let Some(version) = &s.version else {
        return vec![
            ("State", s.state.to_owned()),
            (
                "Detail",
                "no release from the hub has been offered to this node".into(),
            ),
        ];
    };
    let mut rows = vec![
        ("State", s.state.to_owned()),
        (
            "Release",
            format!(
                "{} (this node ran {})",
                one_line(version),
                one_line(s.from.as_deref().unwrap_or("?"))
            ),
        ),
    ];
    if let (Some(bytes), Some(total), Some(rate)) = (s.bytes, s.total, s.bytes_per_second) {
        let pct = bytes.saturating_mul(100).checked_div(total).unwrap_or(0);
        rows.push((
            "Downloaded",
            format!(
                "{bytes} of {total} bytes ({pct}%) at {:.1} KB/s",
                rate as f64 / 1024.0
            ),
        ));
    }
    if let Some(d) = &s.detail {
        rows.push(("Detail", one_line(d).into_owned()));
    }
    if s.service_running == Some(false) {
        rows.push((
            "Service",
            "not running: the node service stopped at this step; once started, its next poll in the window goes on".into(),
        ));
    }
    if let Some(at) = &s.changed_at {
        rows.push(("Last change", format!("{} UTC", one_line(at))));
    }
    rows
}
