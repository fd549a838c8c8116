//! `show cert` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod own;

#[derive(Debug, Subcommand)]
pub enum ShowCertCommands {
    Own(own::ShowCertOwnArgs),
}

pub fn run(ctx: &mut Ctx, cmd: ShowCertCommands) -> CmdResult {
    match cmd {
        ShowCertCommands::Own(a) => own::cmd_show_cert_own(ctx, a),
    }
}
