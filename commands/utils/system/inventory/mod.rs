//! `utils system inventory` menu, and what its SFTP commands share: the SFTP prompts and flags
//! (SPEC 5), the host-key decision, and the role check.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::clients::ssh::{self, Auth, Connection, Endpoint, SshError, UnknownHost};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::prompt::{read_secret_file, Field, Input};

pub mod export;
pub mod history;
pub mod import;
pub mod remove_cluster;
pub mod show;
pub mod validate;

#[derive(Debug, Subcommand)]
pub enum InventoryCommands {
    /// Check an inventory.conf file on this machine, reporting every problem
    Validate(validate::UtilsSystemInventoryValidateArgs),
    /// Show the current inventory
    Show(show::UtilsSystemInventoryShowArgs),
    /// Write the current inventory as inventory.conf to an SFTP server
    Export(export::UtilsSystemInventoryExportArgs),
    /// Replace the current inventory with inventory.conf from an SFTP server
    Import(import::UtilsSystemInventoryImportArgs),
    /// List the current and previous inventory versions
    History(history::UtilsSystemInventoryHistoryArgs),
    /// Forget an onboarded VOS cluster, whichever application user registered it
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

/// The file name on the SFTP server.
pub const FILE_NAME: &str = "inventory.conf";

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
    /// Directory on the SFTP server that holds inventory.conf
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

/// Cloud Connect commands refuse to run on a VOS node; `publisher_only` also on a subscriber.
pub fn require_cloud_connect(ctx: &mut Ctx, publisher_only: bool) -> CmdResult {
    let role = ctx.db()?.node()?.role;
    match role.as_str() {
        "vos" => Err(
            CommandError::failed("This command can only be run on a Cloud Connect node.")
                .with_hint("this node's role is vos (see utils node show)"),
        ),
        "subscriber" if publisher_only => Err(CommandError::failed(
            "This command can only be run on the publisher node.",
        )),
        _ => Ok(()),
    }
}

pub fn ssh_error(e: SshError) -> CommandError {
    match e {
        SshError::Interrupted => CommandError::interrupted(),
        e => {
            let hint = e.hint();
            let mut c = CommandError::failed(e.to_string());
            if let Some(h) = hint {
                c = c.with_hint(h);
            }
            c
        }
    }
}

/// Ask for what is missing, then connect and authenticate. Returns the connection, the
/// directory, and a description of the location for messages and the history (no secret).
pub fn sftp_session(ctx: &mut Ctx, args: &SftpArgs) -> CmdResult<(Connection, String, String)> {
    let server = ctx.value(
        &Field {
            label: "SFTP Server",
            flag: "--sftp-server",
            env: Some("CCADMIN_SFTP_SERVER"),
            default: None,
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
            default: None,
        },
        args.sftp_user.clone(),
    )?;
    // A remembered password is named by the account and server it opens.
    let remembered_as = format!("sftp:{user}@{ep}");
    let mut from_store = false;
    let auth = match &args.sftp_identity {
        Some(k) => Auth::Key(k.clone()),
        None => {
            let mut given = match &args.sftp_password_file {
                Some(p) => Some(read_secret_file(ctx, p, "--sftp-password-file")?),
                None => None,
            };
            if given.is_none() && ctx.env.get("CCADMIN_SFTP_PASSWORD").is_none() {
                let secrets = ctx.secrets()?;
                given = secrets.get(ctx.db()?, &remembered_as)?;
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
            default: None,
        },
        args.sftp_directory.clone(),
    )?;
    ctx.state.ensure()?;
    let known_hosts = ssh::HostKeys::new(ctx.state.root().join("known_hosts"));
    let accept = args.accept_new_host_key;
    let terminal = matches!(ctx.input, Input::Terminal);
    ctx.ui.debug(&format!("Connecting to {ep} as {user}"));
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
            Err(e) if e.kind == crate::errors::ErrorKind::Interrupted => Err(SshError::Interrupted),
            Err(_) => Ok(false),
        }
    };
    let conn = ssh::connect(
        &ep,
        &user,
        &auth,
        &known_hosts,
        &mut decide,
        Duration::from_secs(args.timeout),
    )
    .map_err(|e| {
        let refused = matches!(e, SshError::AuthFailed { .. });
        let c = ssh_error(e);
        if refused && from_store {
            c.with_hint("the remembered SFTP password was refused: give the new one with --sftp-password-file FILE --remember-password")
        } else {
            c
        }
    })?;
    if let (true, Auth::Password(pw)) = (args.remember_password, &auth) {
        let secrets = ctx.secrets()?;
        let kind = secrets.put(ctx.db()?, &remembered_as, pw)?;
        ctx.ui.status(&format!(
            "The password of {user}@{ep} is remembered in the {kind} store."
        ));
    }
    let dir = dir.trim_end_matches('/').to_owned();
    let dir = if dir.is_empty() { "/".to_owned() } else { dir };
    let location = format!(
        "sftp://{user}@{ep}{}{}",
        if dir.starts_with('/') { "" } else { "/" },
        dir
    );
    Ok((conn, dir, location))
}

/// The current inventory: the last import, its VOS part generated from onboarded clusters.
pub fn current(ctx: &mut Ctx) -> CmdResult<crate::inventory::Inventory> {
    let db = ctx.db()?;
    let inv = db.inventory()?;
    let onboarded = db.onboarded_hosts()?;
    Ok(crate::inventory::model::with_onboarded(inv, &onboarded))
}

/// `<dir>/inventory.conf`.
pub fn remote_path(dir: &str) -> String {
    format!("{}/{FILE_NAME}", dir.trim_end_matches('/'))
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
