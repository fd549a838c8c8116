//! `utils deployment show` menu: the orchestration runs.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod history;
pub mod in_progress;
pub mod progress_ha;
pub mod status;

#[derive(Debug, Subcommand)]
pub enum DeploymentShowCommands {
    InProgress(in_progress::UtilsDeploymentShowInProgressArgs),
    History(history::UtilsDeploymentShowHistoryArgs),
    #[command(name = "progress-HA", alias = "progress-ha")]
    ProgressHa(progress_ha::UtilsDeploymentShowProgressHaArgs),
    Status(status::UtilsDeploymentShowStatusArgs),
}

pub fn run(ctx: &mut Ctx, cmd: DeploymentShowCommands) -> CmdResult {
    match cmd {
        DeploymentShowCommands::InProgress(a) => {
            in_progress::cmd_utils_deployment_show_in_progress(ctx, a)
        }
        DeploymentShowCommands::History(a) => history::cmd_utils_deployment_show_history(ctx, a),
        DeploymentShowCommands::ProgressHa(a) => {
            progress_ha::cmd_utils_deployment_show_progress_ha(ctx, a)
        }
        DeploymentShowCommands::Status(a) => status::cmd_utils_deployment_show_status(ctx, a),
    }
}
