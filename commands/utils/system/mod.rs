//! `utils system` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod inventory;
pub mod onboard;
pub mod switch_version;
pub mod upgrade;

#[derive(Debug, Subcommand)]
pub enum SystemCommands {
    /// The deployment inventory (inventory.conf): validate, show, export, import, history
    #[command(subcommand)]
    Inventory(inventory::InventoryCommands),
    /// Enrol this VOS cluster with Cloud Connect: trigger (initiate, restart), update, remove
    #[command(subcommand)]
    Onboard(onboard::OnboardCommands),
    SwitchVersion(switch_version::UtilsSystemSwitchVersionArgs),
    /// Install a patch or an upgrade on this VOS node, or remove its newest patch
    #[command(subcommand)]
    Upgrade(upgrade::UpgradeCommands),
}

impl SystemCommands {
    pub fn changes_state(&self) -> bool {
        match self {
            SystemCommands::Inventory(c) => c.changes_state(),
            SystemCommands::Onboard(c) => !matches!(c, onboard::OnboardCommands::Status(_)),
            SystemCommands::SwitchVersion(_) | SystemCommands::Upgrade(_) => true,
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: SystemCommands) -> CmdResult {
    match cmd {
        SystemCommands::Inventory(c) => inventory::run(ctx, c),
        SystemCommands::Onboard(c) => onboard::run(ctx, c),
        SystemCommands::SwitchVersion(a) => switch_version::cmd_utils_system_switch_version(ctx, a),
        SystemCommands::Upgrade(c) => upgrade::run(ctx, c),
    }
}
