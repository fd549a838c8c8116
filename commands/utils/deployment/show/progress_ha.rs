//! `utils deployment show progress-HA`: the other Cloud Connect node's own view of its running
//! orchestration operation (Cisco's "remote node snapshot").

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate as install;

/// Show the other Cloud Connect node's view of its running orchestration operation
///
/// Asks the other node of this Cloud Connect cluster, over the cluster's channel, for its
/// newest run and whether it still runs there: what an administrator on this node needs
/// when the operation was started on the other one.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils deployment show progress-HA")]
pub struct UtilsDeploymentShowProgressHaArgs {}

pub fn cmd_utils_deployment_show_progress_ha(
    ctx: &mut Ctx,
    _args: UtilsDeploymentShowProgressHaArgs,
) -> CmdResult {
    let p = install::progress_ha(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!(p))?;
        return Ok(());
    }
    ctx.ui
        .line(&format!("Remote node snapshot ({}):", p.node))?;
    match (p.run, p.state) {
        (Some(run), Some(state)) => super::in_progress::render(ctx, &run, state),
        _ => {
            ctx.ui.line(&format!(
                "No orchestration operation has run on {}.",
                p.node
            ))?;
            Ok(())
        }
    }
}
