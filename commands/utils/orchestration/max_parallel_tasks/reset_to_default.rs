//! `utils orchestration max-parallel-tasks reset-to-default` (Cisco's 15.0 SU1 command).

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate;

/// Reset how many independent groups a run does at once to the default (1)
///
/// Removes the cluster's setting made by `utils set orchestration max-parallel-tasks N`, so
/// runs do one group (VOS cluster, Windows pair) at a time again; `--parallel-groups` still
/// overrides it for one run. Reset on the publisher; replicated.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils orchestration max-parallel-tasks reset-to-default"
)]
pub struct UtilsOrchestrationMaxParallelTasksResetToDefaultArgs {}

pub fn cmd_utils_orchestration_max_parallel_tasks_reset_to_default(
    ctx: &mut Ctx,
    _args: UtilsOrchestrationMaxParallelTasksResetToDefaultArgs,
) -> CmdResult {
    let n = orchestrate::reset_max_parallel(&mut ctx.node)?;
    ctx.ui
        .status(&format!("max-parallel-tasks is now {n} (the default)."));
    Ok(())
}
