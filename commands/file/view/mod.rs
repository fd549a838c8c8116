//! `file view` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod activelog;

#[derive(Debug, Subcommand)]
pub enum FileViewCommands {
    Activelog(activelog::FileViewActivelogArgs),
}

pub fn run(ctx: &mut Ctx, cmd: FileViewCommands) -> CmdResult {
    match cmd {
        FileViewCommands::Activelog(a) => activelog::cmd_file_view_activelog(ctx, a),
    }
}
