//! `hub account delete`: remove an account and end its sessions.

use clap::Args;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

/// Remove an account and end its sessions
#[derive(Debug, Args)]
pub struct HubAccountDeleteArgs {
    pub name: String,
}

pub fn cmd_hub_account_delete(
    ctx: &mut Ctx,
    at: &mut HubAt,
    args: HubAccountDeleteArgs,
) -> CmdResult {
    at.hub.delete_account(&args.name)?;
    ctx.ui.status(&format!("Account {} deleted.", args.name));
    Ok(())
}
