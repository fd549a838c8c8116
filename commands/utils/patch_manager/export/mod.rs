//! `utils patch-manager export` menu: the deployment's patch levels written to an SFTP server.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod status;

#[derive(Debug, Subcommand)]
pub enum ExportCommands {
    Status(status::UtilsPatchManagerExportStatusArgs),
}

pub fn run(ctx: &mut Ctx, cmd: ExportCommands) -> CmdResult {
    match cmd {
        ExportCommands::Status(a) => status::cmd_utils_patch_manager_export_status(ctx, a),
    }
}
