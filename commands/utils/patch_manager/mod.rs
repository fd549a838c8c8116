//! `utils patch-manager` menu (Cloud Connect): the downloaded patches and who may sign them,
//! and the Windows nodes' Microsoft updates.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod export;
pub mod install;
pub mod list;
pub mod ms_patches;
pub mod rollback;
pub mod signer;

#[derive(Debug, Subcommand)]
pub enum PatchManagerCommands {
    /// Write the deployment's patch levels to an SFTP server
    #[command(subcommand)]
    Export(export::ExportCommands),
    Install(install::UtilsPatchManagerInstallArgs),
    List(list::UtilsPatchManagerListArgs),
    /// Microsoft updates of the Windows nodes: install the pending ones, or remove one
    #[command(subcommand)]
    MsPatches(ms_patches::MsPatchesCommands),
    Rollback(rollback::UtilsPatchManagerRollbackArgs),
    /// The publishers whose signatures on patches this cluster trusts
    #[command(subcommand)]
    Signer(signer::SignerCommands),
}

impl PatchManagerCommands {
    pub fn changes_state(&self) -> bool {
        match self {
            PatchManagerCommands::List(_) | PatchManagerCommands::Export(_) => false,
            PatchManagerCommands::Install(_)
            | PatchManagerCommands::Rollback(_)
            | PatchManagerCommands::MsPatches(_) => true,
            PatchManagerCommands::Signer(c) => c.changes_state(),
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: PatchManagerCommands) -> CmdResult {
    match cmd {
        PatchManagerCommands::Export(c) => export::run(ctx, c),
        PatchManagerCommands::List(a) => list::cmd_utils_patch_manager_list(ctx, a),
        PatchManagerCommands::Install(a) => install::cmd_utils_patch_manager_install(ctx, a),
        PatchManagerCommands::MsPatches(c) => ms_patches::run(ctx, c),
        PatchManagerCommands::Rollback(a) => rollback::cmd_utils_patch_manager_rollback(ctx, a),
        PatchManagerCommands::Signer(c) => signer::run(ctx, c),
    }
}
