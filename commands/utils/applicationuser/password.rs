//! `utils applicationuser password NAME`: replace an application user's password.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Change an application user's password
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils applicationuser password ccadmin")]
pub struct UtilsApplicationuserPasswordArgs {
    /// Name of the application user
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Read the new password from the first line of FILE instead of asking
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

pub fn cmd_utils_applicationuser_password(
    ctx: &mut Ctx,
    args: UtilsApplicationuserPasswordArgs,
) -> CmdResult {
    super::check_name(&args.name)?;
    let missing = |n: &str| {
        CommandError::failed(format!("there is no application user {n}"))
            .with_hint("list them with: utils applicationuser list")
    };
    // Say so before asking for a password nobody can use.
    if ctx.db()?.app_user_hash(&args.name)?.is_none() {
        return Err(missing(&args.name));
    }
    let hash = super::new_password(ctx, &args.name, args.password_file.as_deref())?;
    if !ctx.db()?.set_app_user_hash(&args.name, &hash)? {
        return Err(missing(&args.name));
    }
    ctx.ui.status(&format!(
        "Password of application user {} changed.",
        args.name
    ));
    Ok(())
}
