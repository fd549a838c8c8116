//! `utils deployment` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod test_connection;

#[derive(Debug, Subcommand)]
pub enum DeploymentCommands {
    TestConnection(test_connection::UtilsDeploymentTestConnectionArgs),
}

pub fn run(ctx: &mut Ctx, cmd: DeploymentCommands) -> CmdResult {
    match cmd {
        DeploymentCommands::TestConnection(a) => {
            test_connection::cmd_utils_deployment_test_connection(ctx, a)
        }
    }
}
