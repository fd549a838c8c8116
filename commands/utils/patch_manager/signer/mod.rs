//! `utils patch-manager signer` menu: trusted publisher keys (minisign).

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod add;
pub mod list;
pub mod remove;

#[derive(Debug, Subcommand)]
pub enum SignerCommands {
    Add(add::UtilsPatchManagerSignerAddArgs),
    List(list::UtilsPatchManagerSignerListArgs),
    Remove(remove::UtilsPatchManagerSignerRemoveArgs),
}

impl SignerCommands {
    pub fn changes_state(&self) -> bool {
        !matches!(self, SignerCommands::List(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: SignerCommands) -> CmdResult {
    match cmd {
        SignerCommands::Add(a) => add::cmd_utils_patch_manager_signer_add(ctx, a),
        SignerCommands::List(a) => list::cmd_utils_patch_manager_signer_list(ctx, a),
        SignerCommands::Remove(a) => remove::cmd_utils_patch_manager_signer_remove(ctx, a),
    }
}
