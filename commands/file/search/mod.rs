//! `file search` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod activelog;

#[derive(Debug, Subcommand)]
pub enum FileSearchCommands {
    Activelog(activelog::FileSearchActivelogArgs),
}

pub fn run(ctx: &mut Ctx, cmd: FileSearchCommands) -> CmdResult {
    match cmd {
        FileSearchCommands::Activelog(a) => activelog::cmd_file_search_activelog(ctx, a),
    }
}
