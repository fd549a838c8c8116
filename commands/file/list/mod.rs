//! `file list` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod activelog;

#[derive(Debug, Subcommand)]
pub enum FileListCommands {
    Activelog(activelog::FileListActivelogArgs),
}

pub fn run(ctx: &mut Ctx, cmd: FileListCommands) -> CmdResult {
    match cmd {
        FileListCommands::Activelog(a) => activelog::cmd_file_list_activelog(ctx, a),
    }
}
