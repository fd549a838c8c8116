//! `utils system inventory` menu, and what its SFTP commands share: the SFTP prompts and flags
//! (rule R9 in docs/rules.md#r9) and the host-key decision; the work is in `ops::inventory`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::clients::ssh::{Auth, Connection, Endpoint, SshError, UnknownHost};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::inventory::{self, SftpTarget};
use crate::prompt::{read_secret_file, Field, Input};

pub mod export;
pub mod history;
pub mod import;
pub mod remove_cluster;
pub mod show;
pub mod validate;

#[derive(Debug, Subcommand)]
pub enum InventoryCommands {
    Validate(validate::UtilsSystemInventoryValidateArgs),
    Show(show::UtilsSystemInventoryShowArgs),
    Export(export::UtilsSystemInventoryExportArgs),
    Import(import::UtilsSystemInventoryImportArgs),
    History(history::UtilsSystemInventoryHistoryArgs),
    RemoveCluster(remove_cluster::UtilsSystemInventoryRemoveClusterArgs),
}

impl InventoryCommands {
    pub fn changes_state(&self) -> bool {
        matches!(self, InventoryCommands::Import(a) if !a.dry_run)
            || matches!(self, InventoryCommands::RemoveCluster(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: InventoryCommands) -> CmdResult {
    match cmd {
        InventoryCommands::Validate(a) => validate::cmd_utils_system_inventory_validate(ctx, a),
        InventoryCommands::Show(a) => show::cmd_utils_system_inventory_show(ctx, a),
        InventoryCommands::Export(a) => export::cmd_utils_system_inventory_export(ctx, a),
        InventoryCommands::Import(a) => import::cmd_utils_system_inventory_import(ctx, a),
        InventoryCommands::History(a) => history::cmd_utils_system_inventory_history(ctx, a),
        InventoryCommands::RemoveCluster(a) => {
            remove_cluster::cmd_utils_system_inventory_remove_cluster(ctx, a)
        }
    }
}

/// The SFTP server, account and directory of `export` and `import`.
#[derive(Debug, Args)]
pub struct SftpArgs {
    /// SFTP server, HOST or HOST:PORT
    #[arg(long, value_name = "HOST[:PORT]")]
    pub sftp_server: Option<String>,
    /// SFTP user
    #[arg(long, value_name = "USER")]
    pub sftp_user: Option<String>,
    /// Read the SFTP user's password from the first line of FILE
    #[arg(long, value_name = "FILE", conflicts_with = "sftp_identity")]
    pub sftp_password_file: Option<PathBuf>,
    /// Log in with this private key instead of a password
    #[arg(long, value_name = "KEYFILE")]
    pub sftp_identity: Option<PathBuf>,
    /// Directory on the SFTP server: where inventory.conf is, or where files are sent
    #[arg(long, value_name = "DIR")]
    pub sftp_directory: Option<String>,
    /// Keep the SFTP password in this node's secret store, so later exports and imports to
    /// the same user@server do not ask for it
    #[arg(long, conflicts_with = "sftp_identity")]
    pub remember_password: bool,
    /// Trust an SFTP server whose host key is not known yet (check its fingerprint first)
    #[arg(long)]
    pub accept_new_host_key: bool,
    /// Seconds to wait for the SFTP server at each step
    #[arg(long, value_name = "SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

/// Ask for what is missing, then connect and authenticate. Returns the connection and where
/// it leads.
pub fn sftp_session(ctx: &mut Ctx, args: &SftpArgs) -> CmdResult<(Connection, SftpTarget)> {
    // The server, user and directory of the last export or import are the defaults.
    let last = inventory::last_sftp(&mut ctx.node)?;
    let server = ctx.value(
        &Field {
            label: "SFTP Server",
            flag: "--sftp-server",
            env: Some("CCADMIN_SFTP_SERVER"),
            default: last.server.as_deref(),
        },
        args.sftp_server.clone(),
    )?;
    let ep = Endpoint::parse(&server, 22).map_err(|why| {
        CommandError::usage(format!("SFTP server '{server}': {why}"))
            .with_hint("give HOST or HOST:PORT")
    })?;
    let user = ctx.value(
        &Field {
            label: "SFTP User",
            flag: "--sftp-user",
            env: Some("CCADMIN_SFTP_USER"),
            default: last.user.as_deref(),
        },
        args.sftp_user.clone(),
    )?;
    let mut from_store = false;
    let auth = match &args.sftp_identity {
        Some(k) => Auth::Key(k.clone()),
        None => {
            let mut given = match &args.sftp_password_file {
                Some(p) => Some(read_secret_file(ctx, p, "--sftp-password-file")?),
                None => None,
            };
            if given.is_none() && ctx.env.get("CCADMIN_SFTP_PASSWORD").is_none() {
                given = inventory::remembered_password(&mut ctx.node, &user, &ep)?;
                from_store = given.is_some();
                if from_store {
                    ctx.ui
                        .debug(&format!("Using the remembered password of {user}@{ep}"));
                }
            }
            let field = Field {
                label: "SFTP User's Password",
                flag: "--sftp-password-file",
                env: Some("CCADMIN_SFTP_PASSWORD"),
                default: None,
            };
            Auth::Password(ctx.secret(&field, given)?)
        }
    };
    let dir = ctx.value(
        &Field {
            label: "SFTP Directory",
            flag: "--sftp-directory",
            env: Some("CCADMIN_SFTP_DIRECTORY"),
            default: last.directory.as_deref(),
        },
        args.sftp_directory.clone(),
    )?;
    let target = SftpTarget {
        server: ep,
        user,
        auth,
        dir: inventory::normalize_dir(&dir),
        timeout: Duration::from_secs(args.timeout),
    };
    let known_hosts = inventory::known_hosts(&ctx.node)?;
    let cancel = ctx.node.cancel.clone();
    let accept = args.accept_new_host_key;
    let terminal = matches!(ctx.input, Input::Terminal);
    ctx.ui.debug(&format!(
        "Connecting to {} as {}",
        target.server, target.user
    ));
    let conn = {
        let mut decide = |u: &UnknownHost| -> Result<bool, SshError> {
            if accept {
                ctx.ui.warn(&format!(
                    "Permanently added '{}' ({}, {}) to the list of known hosts.",
                    u.name, u.key_type, u.fingerprint
                ));
                return Ok(true);
            }
            if !terminal {
                return Ok(false);
            }
            ctx.ui.err_text(&format!(
                "The authenticity of host '{}' can't be established.\n{} key fingerprint is {}.\n",
                u.name, u.key_type, u.fingerprint
            ));
            match ctx.ask_yes_no("Are you sure you want to continue connecting") {
                Ok(b) => Ok(b),
                Err(e) if e.kind == crate::errors::ErrorKind::Interrupted => {
                    Err(SshError::Interrupted)
                }
                Err(_) => Ok(false),
            }
        };
        inventory::connect(&known_hosts, &target, &mut decide, &cancel)
    };
    let conn = conn.map_err(|e| {
        let refused = e.kind == crate::ops::Kind::Refused;
        let c = CommandError::from(e);
        if refused && from_store {
            c.with_hint("the remembered SFTP password was refused: give the new one with --sftp-password-file FILE --remember-password")
        } else {
            c
        }
    })?;
    inventory::remember_sftp(&mut ctx.node, &target)?;
    if let (true, Auth::Password(pw)) = (args.remember_password, &target.auth) {
        let kind = inventory::remember_password(&mut ctx.node, &target.user, &target.server, pw)?;
        ctx.ui.status(&format!(
            "The password of {}@{} is remembered in the {kind} store.",
            target.user, target.server
        ));
    }
    Ok((conn, target))
}

/// A progress bar for transfers over 1 MiB, shown only on a terminal.
pub fn transfer_bar(ctx: &Ctx, what: &str) -> indicatif::ProgressBar {
    let bar = if ctx.ui.stderr_tty && !ctx.ui.quiet {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    bar
}
