//! `utils applicationuser delete NAME`, confirmed unless `--yes`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::users;

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
    users::check_existing(&mut ctx.node, &args.name)?;
    if !ctx.confirm(&format!("Delete application user {}", args.name))? {
        ctx.ui.status("Nothing deleted.");
        return Ok(());
    }
    users::delete(&mut ctx.node, &args.name)?;
    ctx.ui
        .status(&format!("Application user {} deleted.", args.name));
    Ok(())
}
