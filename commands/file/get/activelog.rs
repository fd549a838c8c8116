//! `file get activelog`: log files to an SFTP server, with the SFTP prompts of
//! `utils system inventory export`.

use clap::Args;

use crate::commands::utils::system::inventory::{sftp_session, transfer_bar, SftpArgs};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::logs;

/// Send log files of this node to an SFTP server
///
/// PATH is a file under the log directory, or a pattern in its last part naming several
/// (`orchestration-audit/audit.log*`: the audit log and its rotated files; quote it in your own
/// shell). Each file is written under its own name to a subdirectory of the SFTP directory
/// named after this node's host name (made if missing), so both nodes of a pair can send to
/// one directory: `DIR/HOSTNAME/serve.log`. Nothing on the server is ever replaced: a file of
/// that name already there is refused and left as it was (move or remove it first). Prompts
/// for what the flags do not give: SFTP Server, SFTP User, SFTP User's Password and SFTP
/// Directory, as utils system inventory export does. `..`, absolute paths and symbolic links
/// are refused.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Examples:\n  admin:file get activelog orchestration-audit/audit.log*\n  $ ccadmin file get activelog serve.log --sftp-server sftp.lab:2222 --sftp-user cc --sftp-password-file pw --sftp-directory /logs"
)]
pub struct FileGetActivelogArgs {
    /// The file, or a pattern of files, under the log directory
    #[arg(value_name = "PATH")]
    pub path: String,
    #[command(flatten)]
    pub sftp: SftpArgs,
}

pub fn cmd_file_get_activelog(ctx: &mut Ctx, args: FileGetActivelogArgs) -> CmdResult {
    // The files are found before anything is asked: a wrong name needs no SFTP password.
    let files = logs::files_to_get(ctx.node.root(), &args.path)?;
    let (conn, target) = sftp_session(ctx, &args.sftp)?;
    let bar = transfer_bar(ctx, &format!("Uploading {} file(s)", files.len()));
    let mut progress = |_: &str, done: u64, total: Option<u64>| {
        bar.set_length(total.unwrap_or(done));
        bar.set_position(done);
    };
    let result = logs::get(&mut ctx.node, &conn, &target, &args.path, &mut progress);
    bar.finish_and_clear();
    let sent = result?;
    for p in &sent {
        ctx.ui.status(&format!("Sent {p}"));
    }
    ctx.ui.status(&format!(
        "{} file(s) are transferred to the SFTP server location {}",
        sent.len(),
        target.location()
    ));
    Ok(())
}
