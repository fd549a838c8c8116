//! `utils deployment export-status`: Cisco's 15.0 name of `utils patch-manager export status`,
//! the same command (its console half is `patch_manager::export::status::export_status`).

use clap::Args;

use crate::commands::utils::patch_manager::export::status::export_status;
use crate::commands::utils::system::inventory::SftpArgs;
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::patch_status::Format;
use crate::orchestration_ui::Selection;

/// Write the chosen nodes' versions and patch levels as a file to an SFTP server
///
/// The 15.0 name of `utils patch-manager export status`, the same command. Nodes come from the
/// flags or, with none, from a menu. Each node is read as `utils deployment show status` reads
/// it; the file, patch-status-YYYYMMDD-HHMMSS.txt (.json with --output json), is uploaded
/// under a temporary name and renamed into place; prompts for what the SFTP flags do not give,
/// as utils system inventory export does. Prints where the file was saved. Exit status 3 when
/// some nodes could not be read (the file says why per node).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils deployment export-status\n  $ ccadmin utils deployment export-status --group PG --output json --sftp-server sftp.lab --sftp-user cc --sftp-identity id_ed25519 --sftp-directory /exports"
)]
pub struct UtilsDeploymentExportStatusArgs {
    #[command(flatten)]
    pub select: Selection,
    #[command(flatten)]
    pub sftp: SftpArgs,
}

pub fn cmd_utils_deployment_export_status(
    ctx: &mut Ctx,
    args: UtilsDeploymentExportStatusArgs,
) -> CmdResult {
    let format = if ctx.ui.json_output() {
        Format::Json
    } else {
        Format::Text
    };
    export_status(ctx, &args.select, &args.sftp, format)
}
