//! `hub account` menu: the accounts of the people who use the hub's pages and API.

use clap::Subcommand;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod add;
pub mod delete;
pub mod list;

#[derive(Debug, Subcommand)]
pub enum AccountCommands {
    Add(add::HubAccountAddArgs),
    List(list::HubAccountListArgs),
    Delete(delete::HubAccountDeleteArgs),
}

pub fn run(ctx: &mut Ctx, at: &mut HubAt, cmd: AccountCommands) -> CmdResult {
    match cmd {
        AccountCommands::Add(a) => add::cmd_hub_account_add(ctx, at, a),
        AccountCommands::List(a) => list::cmd_hub_account_list(ctx, at, a),
        AccountCommands::Delete(a) => delete::cmd_hub_account_delete(ctx, at, a),
    }
}
