//! `utils show` menu (Cloud Connect): settings of the cluster's orchestration.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod orchestration;

#[derive(Debug, Subcommand)]
pub enum UtilsShowCommands {
    /// How orchestration runs go
    #[command(subcommand)]
    Orchestration(orchestration::ShowOrchestrationCommands),
}

pub fn run(ctx: &mut Ctx, cmd: UtilsShowCommands) -> CmdResult {
    match cmd {
        UtilsShowCommands::Orchestration(c) => orchestration::run(ctx, c),
    }
}
