//! `utils show` menu (Cloud Connect): settings of the cluster's orchestration and software
//! download.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod orchestration;
pub mod software_download;

#[derive(Debug, Subcommand)]
pub enum UtilsShowCommands {
    /// How orchestration runs go
    #[command(subcommand)]
    Orchestration(orchestration::ShowOrchestrationCommands),
    SoftwareDownload(software_download::UtilsShowSoftwareDownloadArgs),
}

pub fn run(ctx: &mut Ctx, cmd: UtilsShowCommands) -> CmdResult {
    match cmd {
        UtilsShowCommands::Orchestration(c) => orchestration::run(ctx, c),
        UtilsShowCommands::SoftwareDownload(a) => {
            software_download::cmd_utils_show_software_download(ctx, a)
        }
    }
}
