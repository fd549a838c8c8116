//! `utils system inventory export`: the current inventory as inventory.conf on an SFTP server,
//! written atomically (the remote file is the old one or the complete new one, never partial).

use clap::Args;

use super::{sftp_session, transfer_bar, SftpArgs};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::inventory;

/// Write the current inventory as inventory.conf to an SFTP server
///
/// Prompts for what the flags do not give: SFTP Server, SFTP User, SFTP User's Password and
/// SFTP Directory. The file is uploaded under a temporary name and renamed into place.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system inventory export\n  $ ccadmin utils system inventory export --sftp-server sftp.lab:2222 --sftp-user cc --sftp-password-file pw --sftp-directory /inventory"
)]
pub struct UtilsSystemInventoryExportArgs {
    #[command(flatten)]
    pub sftp: SftpArgs,
}

pub fn cmd_utils_system_inventory_export(
    ctx: &mut Ctx,
    args: UtilsSystemInventoryExportArgs,
) -> CmdResult {
    let (conn, target) = sftp_session(ctx, &args.sftp)?;
    let bar = transfer_bar(ctx, "Uploading inventory.conf");
    let mut progress = |done: u64, total: Option<u64>| {
        bar.set_length(total.unwrap_or(done));
        bar.set_position(done);
    };
    let result = inventory::export(&mut ctx.node, &conn, &target, &mut progress);
    bar.finish_and_clear();
    let path = result?;
    ctx.ui.status(&format!(
        "Inventory is exported to the SFTP server location {path}"
    ));
    Ok(())
}
