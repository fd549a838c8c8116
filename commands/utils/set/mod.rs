//! `utils set` menu (Cloud Connect): settings of the cluster's orchestration.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod orchestration;

#[derive(Debug, Subcommand)]
pub enum UtilsSetCommands {
    /// How orchestration runs go
    #[command(subcommand)]
    Orchestration(orchestration::SetOrchestrationCommands),
}

pub fn run(ctx: &mut Ctx, cmd: UtilsSetCommands) -> CmdResult {
    match cmd {
        UtilsSetCommands::Orchestration(c) => orchestration::run(ctx, c),
    }
}
