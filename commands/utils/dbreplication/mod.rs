//! `utils dbreplication` menu (the VOS name): the replication between the Cloud Connect
//! publisher and its subscriber.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod repair;
pub mod runtimestate;
pub mod status;

#[derive(Debug, Subcommand)]
pub enum DbreplicationCommands {
    Runtimestate(runtimestate::UtilsDbreplicationRuntimestateArgs),
    Status(status::UtilsDbreplicationStatusArgs),
    Repair(repair::UtilsDbreplicationRepairArgs),
}

pub fn run(ctx: &mut Ctx, cmd: DbreplicationCommands) -> CmdResult {
    match cmd {
        DbreplicationCommands::Runtimestate(a) => {
            runtimestate::cmd_utils_dbreplication_runtimestate(ctx, a)
        }
        DbreplicationCommands::Status(a) => status::cmd_utils_dbreplication_status(ctx, a),
        DbreplicationCommands::Repair(a) => repair::cmd_utils_dbreplication_repair(ctx, a),
    }
}
