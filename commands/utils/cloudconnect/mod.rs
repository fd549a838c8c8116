//! `utils cloudconnect` menu (Cloud Connect): this cluster's registration with a hub.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod show;
pub mod unregister;

#[derive(Debug, Subcommand)]
pub enum CloudconnectCommands {
    /// The cluster's registration with a hub
    #[command(subcommand)]
    Show(show::CloudconnectShowCommands),
    Unregister(unregister::UtilsCloudconnectUnregisterArgs),
}

impl CloudconnectCommands {
    pub fn changes_state(&self) -> bool {
        matches!(self, CloudconnectCommands::Unregister(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: CloudconnectCommands) -> CmdResult {
    match cmd {
        CloudconnectCommands::Show(c) => show::run(ctx, c),
        CloudconnectCommands::Unregister(a) => {
            unregister::cmd_utils_cloudconnect_unregister(ctx, a)
        }
    }
}
