//! `show cli` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod pagination;

#[derive(Debug, Subcommand)]
pub enum ShowCliCommands {
    Pagination(pagination::ShowCliPaginationArgs),
}

pub fn run(ctx: &mut Ctx, cmd: ShowCliCommands) -> CmdResult {
    match cmd {
        ShowCliCommands::Pagination(args) => pagination::cmd_show_cli_pagination(ctx, args),
    }
}
