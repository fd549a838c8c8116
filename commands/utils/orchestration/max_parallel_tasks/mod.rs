//! `utils orchestration max-parallel-tasks` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod reset_to_default;

#[derive(Debug, Subcommand)]
pub enum OrchestrationMaxParallelTasksCommands {
    ResetToDefault(reset_to_default::UtilsOrchestrationMaxParallelTasksResetToDefaultArgs),
}

pub fn run(ctx: &mut Ctx, cmd: OrchestrationMaxParallelTasksCommands) -> CmdResult {
    match cmd {
        OrchestrationMaxParallelTasksCommands::ResetToDefault(a) => {
            reset_to_default::cmd_utils_orchestration_max_parallel_tasks_reset_to_default(ctx, a)
        }
    }
}
