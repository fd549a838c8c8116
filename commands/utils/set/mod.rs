//! `utils set` menu (Cloud Connect): settings of the cluster's orchestration and software
//! download.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod orchestration;
pub mod software_download;

#[derive(Debug, Subcommand)]
pub enum UtilsSetCommands {
    /// How orchestration runs go
    #[command(subcommand)]
    Orchestration(orchestration::SetOrchestrationCommands),
    /// When and how fast software is downloaded from the image repository
    #[command(subcommand)]
    SoftwareDownload(software_download::SetSoftwareDownloadCommands),
}

pub fn run(ctx: &mut Ctx, cmd: UtilsSetCommands) -> CmdResult {
    match cmd {
        UtilsSetCommands::Orchestration(c) => orchestration::run(ctx, c),
        UtilsSetCommands::SoftwareDownload(c) => software_download::run(ctx, c),
    }
}
