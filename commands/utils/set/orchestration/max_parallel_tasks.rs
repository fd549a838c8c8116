//! `utils set orchestration max-parallel-tasks N`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate;

/// Set how many independent groups (VOS clusters, Windows pairs) a run does at once
///
/// Never two nodes of one group: a cluster or a pair keeps a member up. 1 (the default) is
/// one node at a time across the deployment. `--parallel-groups` overrides it for one run.
/// Set on the publisher; replicated.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils set orchestration max-parallel-tasks 4")]
pub struct UtilsSetOrchestrationMaxParallelTasksArgs {
    /// Groups at once (1 to 64)
    #[arg(value_name = "N")]
    pub n: usize,
}

pub fn cmd_utils_set_orchestration_max_parallel_tasks(
    ctx: &mut Ctx,
    args: UtilsSetOrchestrationMaxParallelTasksArgs,
) -> CmdResult {
    orchestrate::set_max_parallel(&mut ctx.node, args.n)?;
    ctx.ui
        .status(&format!("max-parallel-tasks is now {}.", args.n));
    Ok(())
}
