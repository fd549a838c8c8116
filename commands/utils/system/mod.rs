//! `utils system` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod icm_services;
pub mod inventory;
pub mod maintenance;
pub mod onboard;
pub mod switch_version;
pub mod upgrade;

#[derive(Debug, Subcommand)]
pub enum SystemCommands {
    /// (Cloud Connect) The ICM services of the inventory's ICM hosts: start
    #[command(subcommand)]
    IcmServices(icm_services::IcmServicesCommands),
    /// The deployment inventory (inventory.conf): validate, show, export, import, history
    #[command(subcommand)]
    Inventory(inventory::InventoryCommands),
    /// (Cloud Connect) Maintenance mode of the inventory's nodes: initiate, end, status
    #[command(subcommand)]
    Maintenance(maintenance::MaintenanceCommands),
    /// Enrol this VOS cluster with Cloud Connect: trigger (initiate, restart), update, remove
    #[command(subcommand)]
    Onboard(onboard::OnboardCommands),
    SwitchVersion(switch_version::UtilsSystemSwitchVersionArgs),
    /// This node's upgrade status; on VOS also install a patch or an upgrade, remove a patch
    #[command(subcommand)]
    Upgrade(upgrade::UpgradeCommands),
}

impl SystemCommands {
    pub fn changes_state(&self) -> bool {
        match self {
            SystemCommands::IcmServices(_) => true,
            SystemCommands::Inventory(c) => c.changes_state(),
            SystemCommands::Maintenance(c) => c.changes_state(),
            SystemCommands::Onboard(c) => !matches!(c, onboard::OnboardCommands::Status(_)),
            SystemCommands::SwitchVersion(_) | SystemCommands::Upgrade(_) => true,
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: SystemCommands) -> CmdResult {
    match cmd {
        SystemCommands::IcmServices(c) => icm_services::run(ctx, c),
        SystemCommands::Inventory(c) => inventory::run(ctx, c),
        SystemCommands::Maintenance(c) => maintenance::run(ctx, c),
        SystemCommands::Onboard(c) => onboard::run(ctx, c),
        SystemCommands::SwitchVersion(a) => switch_version::cmd_utils_system_switch_version(ctx, a),
        SystemCommands::Upgrade(c) => upgrade::run(ctx, c),
    }
}
