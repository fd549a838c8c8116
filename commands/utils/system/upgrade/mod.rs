//! `utils system upgrade` menu: on VOS, install what Cloud Connect transferred, remove a patch;
//! on either role, this node's upgrade status (`status`); on Cloud Connect, cancel its own
//! upgrade from the hub before it switches (`cancel`).

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod cancel;
pub mod initiate;
pub mod rollback_patch;
pub mod status;

#[derive(Debug, Subcommand)]
pub enum UpgradeCommands {
    Cancel(cancel::UtilsSystemUpgradeCancelArgs),
    Initiate(initiate::UtilsSystemUpgradeInitiateArgs),
    RollbackPatch(rollback_patch::UtilsSystemUpgradeRollbackPatchArgs),
    Status(status::UtilsSystemUpgradeStatusArgs),
}

/// How long an emulated VOS node's install or patch removal takes
/// (`CCADMIN_EMULATE_INSTALL_SECONDS`, 0 to 3600; labs and fault tests: a real node takes its
/// time on its own).
fn emulated_install_time(ctx: &Ctx) -> std::time::Duration {
    ctx.env
        .get("CCADMIN_EMULATE_INSTALL_SECONDS")
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && (0.0..=3600.0).contains(s))
        .map(std::time::Duration::from_secs_f64)
        .unwrap_or_default()
}

pub fn run(ctx: &mut Ctx, cmd: UpgradeCommands) -> CmdResult {
    match cmd {
        UpgradeCommands::Cancel(a) => cancel::cmd_utils_system_upgrade_cancel(ctx, a),
        UpgradeCommands::Initiate(a) => initiate::cmd_utils_system_upgrade_initiate(ctx, a),
        UpgradeCommands::RollbackPatch(a) => {
            rollback_patch::cmd_utils_system_upgrade_rollback_patch(ctx, a)
        }
        UpgradeCommands::Status(a) => status::cmd_utils_system_upgrade_status(ctx, a),
    }
}
