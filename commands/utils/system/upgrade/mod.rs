//! `utils system upgrade` menu (VOS): install what Cloud Connect transferred, remove a patch.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod initiate;
pub mod rollback_patch;
pub mod status;

#[derive(Debug, Subcommand)]
pub enum UpgradeCommands {
    Initiate(initiate::UtilsSystemUpgradeInitiateArgs),
    RollbackPatch(rollback_patch::UtilsSystemUpgradeRollbackPatchArgs),
    Status(status::UtilsSystemUpgradeStatusArgs),
}

pub fn run(ctx: &mut Ctx, cmd: UpgradeCommands) -> CmdResult {
    match cmd {
        UpgradeCommands::Initiate(a) => initiate::cmd_utils_system_upgrade_initiate(ctx, a),
        UpgradeCommands::RollbackPatch(a) => {
            rollback_patch::cmd_utils_system_upgrade_rollback_patch(ctx, a)
        }
        UpgradeCommands::Status(a) => status::cmd_utils_system_upgrade_status(ctx, a),
    }
}
