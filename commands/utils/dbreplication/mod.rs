//! `utils dbreplication` menu (the VOS name): the replication between the Cloud Connect
//! publisher and its subscriber.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod runtimestate;

#[derive(Debug, Subcommand)]
pub enum DbreplicationCommands {
    Runtimestate(runtimestate::UtilsDbreplicationRuntimestateArgs),
}

pub fn run(ctx: &mut Ctx, cmd: DbreplicationCommands) -> CmdResult {
    match cmd {
        DbreplicationCommands::Runtimestate(a) => {
            runtimestate::cmd_utils_dbreplication_runtimestate(ctx, a)
        }
    }
}
