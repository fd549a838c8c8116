//! `utils set software-download` menu (Cloud Connect): the daily time and the bandwidth of the
//! artifact download; the work is in `ops::software_download`.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod bandwidth;
pub mod time;

#[derive(Debug, Subcommand)]
pub enum SetSoftwareDownloadCommands {
    Time(time::UtilsSetSoftwareDownloadTimeArgs),
    Bandwidth(bandwidth::UtilsSetSoftwareDownloadBandwidthArgs),
}

pub fn run(ctx: &mut Ctx, cmd: SetSoftwareDownloadCommands) -> CmdResult {
    match cmd {
        SetSoftwareDownloadCommands::Time(a) => time::cmd_utils_set_software_download_time(ctx, a),
        SetSoftwareDownloadCommands::Bandwidth(a) => {
            bandwidth::cmd_utils_set_software_download_bandwidth(ctx, a)
        }
    }
}
