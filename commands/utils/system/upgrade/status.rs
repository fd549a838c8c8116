//! `utils system upgrade status` (VOS): whether an install, a patch removal or a switch runs on
//! this node now — what Cloud Connect asks before it resumes an interrupted run here, so that it
//! never starts a second installer beside one still running.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software;
use crate::output::kv_block;

/// Show whether an upgrade or patch install runs on this VOS node now
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system upgrade status")]
pub struct UtilsSystemUpgradeStatusArgs {}

pub fn cmd_utils_system_upgrade_status(
    ctx: &mut Ctx,
    _args: UtilsSystemUpgradeStatusArgs,
) -> CmdResult {
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
