//! `utils upgrade-manager` menu (Cloud Connect): upgrades from the downloaded artifacts.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod list;
pub mod rollback;
pub mod switch_forward;
pub mod upgrade;

#[derive(Debug, Subcommand)]
pub enum UpgradeManagerCommands {
    List(list::UtilsUpgradeManagerListArgs),
    Rollback(rollback::UtilsUpgradeManagerRollbackArgs),
    SwitchForward(switch_forward::UtilsUpgradeManagerSwitchForwardArgs),
    Upgrade(upgrade::UtilsUpgradeManagerUpgradeArgs),
}

impl UpgradeManagerCommands {
    pub fn changes_state(&self) -> bool {
        !matches!(self, UpgradeManagerCommands::List(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: UpgradeManagerCommands) -> CmdResult {
    match cmd {
        UpgradeManagerCommands::List(a) => list::cmd_utils_upgrade_manager_list(ctx, a),
        UpgradeManagerCommands::Rollback(a) => rollback::cmd_utils_upgrade_manager_rollback(ctx, a),
        UpgradeManagerCommands::SwitchForward(a) => {
            switch_forward::cmd_utils_upgrade_manager_switch_forward(ctx, a)
        }
        UpgradeManagerCommands::Upgrade(a) => upgrade::cmd_utils_upgrade_manager_upgrade(ctx, a),
    }
}
