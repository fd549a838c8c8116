//! `utils applicationuser password NAME`: replace an application user's password.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::users;

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
    // Say so before asking for a password nobody can use.
    users::check_existing(&mut ctx.node, &args.name)?;
    let password = super::new_password(ctx, &args.name, args.password_file.as_deref())?;
    users::set_password(&mut ctx.node, &args.name, &password)?;
    ctx.ui.status(&format!(
        "Password of application user {} changed.",
        args.name
    ));
    Ok(())
}
