//! `utils deployment show` menu: the orchestration runs.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod history;
pub mod in_progress;

#[derive(Debug, Subcommand)]
pub enum DeploymentShowCommands {
    InProgress(in_progress::UtilsDeploymentShowInProgressArgs),
    History(history::UtilsDeploymentShowHistoryArgs),
}

pub fn run(ctx: &mut Ctx, cmd: DeploymentShowCommands) -> CmdResult {
    match cmd {
        DeploymentShowCommands::InProgress(a) => {
            in_progress::cmd_utils_deployment_show_in_progress(ctx, a)
        }
        DeploymentShowCommands::History(a) => history::cmd_utils_deployment_show_history(ctx, a),
    }
}
