//! `utils system icm-services` menu (Cloud Connect): the ICM services of the inventory's ICM
//! hosts.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod start;

#[derive(Debug, Subcommand)]
pub enum IcmServicesCommands {
    Start(start::UtilsSystemIcmServicesStartArgs),
}

pub fn run(ctx: &mut Ctx, cmd: IcmServicesCommands) -> CmdResult {
    match cmd {
        IcmServicesCommands::Start(a) => start::cmd_utils_system_icm_services_start(ctx, a),
    }
}
