//! `utils orchestration` menu (Cloud Connect, Cisco's 15.0 SU1 name): resetting the settings of
//! the cluster's orchestration runs (`utils set` / `utils show orchestration` set and show them).

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod max_parallel_tasks;

#[derive(Debug, Subcommand)]
pub enum UtilsOrchestrationCommands {
    /// How many independent groups a run does at once
    #[command(subcommand)]
    MaxParallelTasks(max_parallel_tasks::OrchestrationMaxParallelTasksCommands),
}

pub fn run(ctx: &mut Ctx, cmd: UtilsOrchestrationCommands) -> CmdResult {
    match cmd {
        UtilsOrchestrationCommands::MaxParallelTasks(c) => max_parallel_tasks::run(ctx, c),
    }
}
