//! `show` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod cert;
pub mod cli;

#[derive(Debug, Subcommand)]
pub enum ShowCommands {
    /// Certificates of this node
    #[command(subcommand)]
    Cert(cert::ShowCertCommands),
    /// Settings of the command-line interface
    #[command(subcommand)]
    Cli(cli::ShowCliCommands),
}

pub fn run(ctx: &mut Ctx, cmd: ShowCommands) -> CmdResult {
    match cmd {
        ShowCommands::Cli(c) => cli::run(ctx, c),
        ShowCommands::Cert(c) => cert::run(ctx, c),
    }
}
