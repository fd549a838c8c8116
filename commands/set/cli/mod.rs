//! `set cli` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod pagination;

#[derive(Debug, Subcommand)]
pub enum SetCliCommands {
    Pagination(pagination::SetCliPaginationArgs),
}

pub fn run(ctx: &mut Ctx, cmd: SetCliCommands) -> CmdResult {
    match cmd {
        SetCliCommands::Pagination(args) => pagination::cmd_set_cli_pagination(ctx, args),
    }
}
