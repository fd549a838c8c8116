//! `file get` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod activelog;

#[derive(Debug, Subcommand)]
pub enum FileGetCommands {
    Activelog(activelog::FileGetActivelogArgs),
}

pub fn run(ctx: &mut Ctx, cmd: FileGetCommands) -> CmdResult {
    match cmd {
        FileGetCommands::Activelog(a) => activelog::cmd_file_get_activelog(ctx, a),
    }
}
