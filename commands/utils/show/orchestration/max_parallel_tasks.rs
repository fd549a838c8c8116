//! `utils show orchestration max-parallel-tasks`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate;

/// Show how many independent groups (VOS clusters, Windows pairs) a run does at once
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils show orchestration max-parallel-tasks")]
pub struct UtilsShowOrchestrationMaxParallelTasksArgs {}

pub fn cmd_utils_show_orchestration_max_parallel_tasks(
    ctx: &mut Ctx,
    _args: UtilsShowOrchestrationMaxParallelTasksArgs,
) -> CmdResult {
    let n = orchestrate::max_parallel(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "max_parallel_tasks": n }))?;
    } else {
        ctx.ui.line(&format!("max-parallel-tasks : {n}"))?;
    }
    Ok(())
}
