//! `utils show orchestration` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod max_parallel_tasks;

#[derive(Debug, Subcommand)]
pub enum ShowOrchestrationCommands {
    MaxParallelTasks(max_parallel_tasks::UtilsShowOrchestrationMaxParallelTasksArgs),
}

pub fn run(ctx: &mut Ctx, cmd: ShowOrchestrationCommands) -> CmdResult {
    match cmd {
        ShowOrchestrationCommands::MaxParallelTasks(a) => {
            max_parallel_tasks::cmd_utils_show_orchestration_max_parallel_tasks(ctx, a)
        }
    }
}
