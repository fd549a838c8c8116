//! `hub account list`: the accounts and when each was made, never a hash.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::plain_table;

/// The accounts
#[derive(Debug, Args)]
pub struct HubAccountListArgs {}

pub fn cmd_hub_account_list(ctx: &mut Ctx, at: &mut HubAt, _args: HubAccountListArgs) -> CmdResult {
    let list = at.hub.accounts()?;
    if ctx.ui.json_output() {
        let list: Vec<_> = list
            .iter()
            .map(|(n, at)| json!({"name": n, "created_at": at}))
            .collect();
        ctx.ui.json(&json!({ "accounts": list })).map_err(failed)?;
    } else if list.is_empty() {
        ctx.ui
            .line("No account exists (ccadmin hub account add NAME adds one).")
            .map_err(failed)?;
    } else {
        let rows: Vec<Vec<String>> = list.into_iter().map(|(n, at)| vec![n, at]).collect();
        ctx.ui
            .line(&plain_table(&["ACCOUNT", "CREATED"], &rows))
            .map_err(failed)?;
    }
    Ok(())
}
