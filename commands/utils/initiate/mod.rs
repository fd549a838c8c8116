//! `utils initiate` menu (Cloud Connect): start now what otherwise runs on a schedule.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod software_download;

#[derive(Debug, Subcommand)]
pub enum UtilsInitiateCommands {
    SoftwareDownload(software_download::UtilsInitiateSoftwareDownloadArgs),
}

pub fn run(ctx: &mut Ctx, cmd: UtilsInitiateCommands) -> CmdResult {
    match cmd {
        UtilsInitiateCommands::SoftwareDownload(a) => {
            software_download::cmd_utils_initiate_software_download(ctx, a)
        }
    }
}
