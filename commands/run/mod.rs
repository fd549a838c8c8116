//! `run` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod sql;

#[derive(Debug, Subcommand)]
pub enum RunCommands {
    Sql(sql::RunSqlArgs),
}

pub fn run(ctx: &mut Ctx, cmd: RunCommands) -> CmdResult {
    match cmd {
        RunCommands::Sql(args) => sql::cmd_run_sql(ctx, args),
    }
}
