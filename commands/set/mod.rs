//! `set` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod cli;

#[derive(Debug, Subcommand)]
pub enum SetCommands {
    /// Settings of the command-line interface
    #[command(subcommand)]
    Cli(cli::SetCliCommands),
}

pub fn run(ctx: &mut Ctx, cmd: SetCommands) -> CmdResult {
    match cmd {
        SetCommands::Cli(c) => cli::run(ctx, c),
    }
}
