//! `utils patch-manager export status` (its 15.0 name is `utils deployment export-status`, the
//! same command): the chosen nodes' versions and patch levels, read from the nodes, written to
//! the SFTP server as `utils system inventory export` writes the inventory. The console half
//! both paths share is [`export_status`]; the work is in `ops::patch_status`.

use clap::Args;
use serde_json::json;

use crate::commands::utils::system::inventory::{sftp_session, transfer_bar, SftpArgs};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::ops::orchestrate::Choice;
use crate::ops::patch_status::{self, Format};
use crate::orchestration_ui::{self, Selection};

/// Write the chosen nodes' versions and patch levels as a file to an SFTP server
///
/// Nodes come from the flags or, with none, from a menu (a node, a group, all nodes, a side of
/// the VOS or Windows nodes). Each node is read as `utils deployment show status` reads it
/// (VOS: show version active over SSH; Windows: the signed catalogue's probe and ccadmin's
/// record). The file, patch-status-YYYYMMDD-HHMMSS.txt (.json with --output json), is
/// uploaded under a temporary name and renamed into place; prompts for what the SFTP flags do
/// not give, as utils system inventory export does. Prints where the file was saved. Exit
/// status 3 when some nodes could not be read (the file says why per node).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager export status\n  $ ccadmin utils patch-manager export status --all --sftp-server sftp.lab:2222 --sftp-user cc --sftp-password-file pw --sftp-directory /exports"
)]
pub struct UtilsPatchManagerExportStatusArgs {
    #[command(flatten)]
    pub select: Selection,
    #[command(flatten)]
    pub sftp: SftpArgs,
}

pub fn cmd_utils_patch_manager_export_status(
    ctx: &mut Ctx,
    args: UtilsPatchManagerExportStatusArgs,
) -> CmdResult {
    let format = if ctx.ui.json_output() {
        Format::Json
    } else {
        Format::Text
    };
    export_status(ctx, &args.select, &args.sftp, format)
}

/// Choose the nodes, check them against the inventory, connect to the SFTP server, read the
/// nodes, upload the file and print where it is (`--output json`: the location and the rows).
pub fn export_status(
    ctx: &mut Ctx,
    select: &Selection,
    sftp: &SftpArgs,
    format: Format,
) -> CmdResult {
    // An empty inventory is refused before the menu offers its nodes.
    patch_status::check_choice(&mut ctx.node, &Choice::default())?;
    let Some(choice) = orchestration_ui::choose(ctx, select, true)? else {
        ctx.ui.status("Nothing was exported.");
        return Ok(());
    };
    // A wrong choice is refused before the SFTP questions; the SFTP server before the nodes
    // are read (which takes a while).
    let chosen = patch_status::check_choice(&mut ctx.node, &choice)?;
    let (conn, target) = sftp_session(ctx, sftp)?;
    ctx.ui
        .status(&format!("Reading what {chosen} node(s) run..."));
    let now = jiff::Timestamp::now();
    let report = patch_status::read(&mut ctx.node, &choice, now)?;
    let file = patch_status::file_name(now, format);
    let text = patch_status::render(&report, format);
    let bar = transfer_bar(ctx, &format!("Uploading {file}"));
    let mut progress = |done: u64, total: Option<u64>| {
        bar.set_length(total.unwrap_or(done));
        bar.set_position(done);
    };
    let saved = patch_status::export(&ctx.node, &conn, &target, &file, &text, &mut progress);
    bar.finish_and_clear();
    let saved = saved?;
    let unreadable = report.unreadable();
    if format == Format::Json {
        ctx.ui.json(&json!({
            "location": saved.location,
            "file": saved.file,
            "unreadable": unreadable,
            "hosts": report.hosts,
        }))?;
    } else {
        ctx.ui.line(&format!(
            "Patch status of {} node(s) is exported to the SFTP server location {}",
            report.hosts.len(),
            saved.location
        ))?;
    }
    if unreadable > 0 {
        return Err(CommandError::new(
            ErrorKind::Partial,
            format!(
                "{unreadable} of {} node(s) could not be read; the file says why for each",
                report.hosts.len()
            ),
        )
        .with_hint("utils deployment test-connection checks the logins"));
    }
    Ok(())
}
