//! `set smtp-pswd`: the SMTP password, into the secret store.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;
use crate::prompt::{read_secret_file, Field};

/// Set the password of the SMTP user (kept in the secret store, never shown)
///
/// Asked twice without echo, or read from the first line of --password-file or from
/// CCADMIN_SMTP_PASSWORD.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:set smtp-pswd\n  SMTP Password: ********\n  Confirm SMTP Password: ********"
)]
pub struct SetSmtpPswdArgs {
    /// Read the password from the first line of FILE instead of asking
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

pub fn cmd_set_smtp_pswd(ctx: &mut Ctx, args: SetSmtpPswdArgs) -> CmdResult {
    let field = Field {
        label: "SMTP Password",
        flag: "--password-file",
        env: Some("CCADMIN_SMTP_PASSWORD"),
        default: None,
    };
    let given = match &args.password_file {
        Some(p) => Some(read_secret_file(ctx, p, "--password-file")?),
        None => None,
    };
    let password = ctx.new_secret(&field, given)?;
    notify::set_password(&mut ctx.node, &password)?;
    ctx.ui.status("SMTP password saved.");
    Ok(())
}
