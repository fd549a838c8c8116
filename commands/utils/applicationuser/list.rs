//! `utils applicationuser list`: names and dates, never a hash.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::vos_table;

/// List the application users
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils applicationuser list\n  $ ccadmin utils applicationuser list --output json"
)]
pub struct UtilsApplicationuserListArgs {}

pub fn cmd_utils_applicationuser_list(
    ctx: &mut Ctx,
    _args: UtilsApplicationuserListArgs,
) -> CmdResult {
    let users = crate::ops::users::list(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&users)?;
        return Ok(());
    }
    if users.is_empty() {
        ctx.ui
            .status("There are no application users. Add one with: utils applicationuser add NAME");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|u| {
            vec![
                u.name.clone(),
                if u.isstandard { "t" } else { "f" }.to_owned(),
                format!("{} UTC", u.created_at),
                format!("{} UTC", u.changed_at),
            ]
        })
        .collect();
    ctx.ui.line(&vos_table(
        &["name", "isstandard", "created", "password changed"],
        &rows,
    ))?;
    Ok(())
}
