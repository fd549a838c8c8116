//! `file tail` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod activelog;

#[derive(Debug, Subcommand)]
pub enum FileTailCommands {
    Activelog(activelog::FileTailActivelogArgs),
}

pub fn run(ctx: &mut Ctx, cmd: FileTailCommands) -> CmdResult {
    match cmd {
        FileTailCommands::Activelog(a) => activelog::cmd_file_tail_activelog(ctx, a),
    }
}
