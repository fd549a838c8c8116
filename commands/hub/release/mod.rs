//! `hub release` menu: the ccadmin releases the hub offers.

use clap::Subcommand;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod add;
pub mod list;
pub mod withdraw;

#[derive(Debug, Subcommand)]
pub enum ReleaseCommands {
    Add(add::HubReleaseAddArgs),
    List(list::HubReleaseListArgs),
    Withdraw(withdraw::HubReleaseWithdrawArgs),
}

pub fn run(ctx: &mut Ctx, at: &mut HubAt, cmd: ReleaseCommands) -> CmdResult {
    match cmd {
        ReleaseCommands::Add(a) => add::cmd_hub_release_add(ctx, at, a),
        ReleaseCommands::List(a) => list::cmd_hub_release_list(ctx, at, a),
        ReleaseCommands::Withdraw(a) => withdraw::cmd_hub_release_withdraw(ctx, at, a),
    }
}
