//! `utils cloudconnect` menu (Cloud Connect): this cluster's registration with a hub.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod show;
pub mod switch_back;
pub mod unregister;

#[derive(Debug, Subcommand)]
pub enum CloudconnectCommands {
    /// The cluster's registration with a hub
    #[command(subcommand)]
    Show(show::CloudconnectShowCommands),
    Unregister(unregister::UtilsCloudconnectUnregisterArgs),
    SwitchBack(switch_back::UtilsCloudconnectSwitchBackArgs),
}

impl CloudconnectCommands {
    pub fn changes_state(&self) -> bool {
        matches!(
            self,
            CloudconnectCommands::Unregister(_) | CloudconnectCommands::SwitchBack(_)
        )
    }
}

pub fn run(ctx: &mut Ctx, cmd: CloudconnectCommands) -> CmdResult {
    match cmd {
        CloudconnectCommands::Show(c) => show::run(ctx, c),
        CloudconnectCommands::Unregister(a) => {
            unregister::cmd_utils_cloudconnect_unregister(ctx, a)
        }
        CloudconnectCommands::SwitchBack(a) => {
            switch_back::cmd_utils_cloudconnect_switch_back(ctx, a)
        }
    }
}
