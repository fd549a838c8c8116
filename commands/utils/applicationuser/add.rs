//! `utils applicationuser add NAME`: a new application user; the password is asked twice
//! without echo, or read from `--password-file`, and stored only as an argon2 hash.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::users;

/// Add an application user
///
/// Application users authenticate to this node's service (VOS nodes onboarding, Windows admins
/// fetching the Cloud Connect key). The password is asked twice without echo, or read from the
/// first line of --password-file, or from CCADMIN_APPLICATIONUSER_PASSWORD; only its argon2
/// hash is stored.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils applicationuser add ccadmin\n  Password: ********\n  Confirm Password: ********"
)]
pub struct UtilsApplicationuserAddArgs {
    /// Name of the application user
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Read the password from the first line of FILE instead of asking
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

pub fn cmd_utils_applicationuser_add(
    ctx: &mut Ctx,
    args: UtilsApplicationuserAddArgs,
) -> CmdResult {
    users::check_new(&mut ctx.node, &args.name)?;
    let password = super::new_password(ctx, &args.name, args.password_file.as_deref())?;
    users::add(&mut ctx.node, &args.name, &password)?;
    ctx.ui
        .status(&format!("Application user {} added.", args.name));
    Ok(())
}
