//! `utils cloudconnect show` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod registration;

#[derive(Debug, Subcommand)]
pub enum CloudconnectShowCommands {
    Registration(registration::UtilsCloudconnectShowRegistrationArgs),
}

pub fn run(ctx: &mut Ctx, cmd: CloudconnectShowCommands) -> CmdResult {
    match cmd {
        CloudconnectShowCommands::Registration(a) => {
            registration::cmd_utils_cloudconnect_show_registration(ctx, a)
        }
    }
}
