//! `utils set orchestration` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod max_parallel_tasks;

#[derive(Debug, Subcommand)]
pub enum SetOrchestrationCommands {
    MaxParallelTasks(max_parallel_tasks::UtilsSetOrchestrationMaxParallelTasksArgs),
}

pub fn run(ctx: &mut Ctx, cmd: SetOrchestrationCommands) -> CmdResult {
    match cmd {
        SetOrchestrationCommands::MaxParallelTasks(a) => {
            max_parallel_tasks::cmd_utils_set_orchestration_max_parallel_tasks(ctx, a)
        }
    }
}
