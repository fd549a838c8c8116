//! `utils controlnode` menu: this Cloud Connect node's own credentials.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod key;

#[derive(Debug, Subcommand)]
pub enum ControlnodeCommands {
    Key(key::UtilsControlnodeKeyArgs),
}

pub fn run(ctx: &mut Ctx, cmd: ControlnodeCommands) -> CmdResult {
    match cmd {
        ControlnodeCommands::Key(a) => key::cmd_utils_controlnode_key(ctx, a),
    }
}
