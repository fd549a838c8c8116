//! `utils applicationuser delete NAME`, confirmed unless `--yes`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Delete an application user
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils applicationuser delete olduser --yes")]
pub struct UtilsApplicationuserDeleteArgs {
    /// Name of the application user
    #[arg(value_name = "NAME")]
    pub name: String,
}

pub fn cmd_utils_applicationuser_delete(
    ctx: &mut Ctx,
    args: UtilsApplicationuserDeleteArgs,
) -> CmdResult {
    super::check_name(&args.name)?;
    let missing = || {
        CommandError::failed(format!("there is no application user {}", args.name))
            .with_hint("list them with: utils applicationuser list")
    };
    if ctx.db()?.app_user_hash(&args.name)?.is_none() {
        return Err(missing());
    }
    if !ctx.confirm(&format!("Delete application user {}", args.name))? {
        ctx.ui.status("Nothing deleted.");
        return Ok(());
    }
    if !ctx.db()?.delete_app_user(&args.name)? {
        return Err(missing());
    }
    ctx.ui
        .status(&format!("Application user {} deleted.", args.name));
    Ok(())
}
