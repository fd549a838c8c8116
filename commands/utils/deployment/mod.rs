//! `utils deployment` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod compatibility_check;
pub mod export_status;
pub mod show;
pub mod test_connection;

#[derive(Debug, Subcommand)]
pub enum DeploymentCommands {
    CompatibilityCheck(compatibility_check::UtilsDeploymentCompatibilityCheckArgs),
    ExportStatus(export_status::UtilsDeploymentExportStatusArgs),
    /// What the nodes run, and the orchestration runs: the one in progress, the history
    #[command(subcommand)]
    Show(show::DeploymentShowCommands),
    TestConnection(test_connection::UtilsDeploymentTestConnectionArgs),
}

impl DeploymentCommands {
    pub fn changes_state(&self) -> bool {
        match self {
            DeploymentCommands::CompatibilityCheck(a) => a.changes_state(),
            DeploymentCommands::ExportStatus(_)
            | DeploymentCommands::TestConnection(_)
            | DeploymentCommands::Show(_) => false,
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: DeploymentCommands) -> CmdResult {
    match cmd {
        DeploymentCommands::CompatibilityCheck(a) => {
            compatibility_check::cmd_utils_deployment_compatibility_check(ctx, a)
        }
        DeploymentCommands::ExportStatus(a) => {
            export_status::cmd_utils_deployment_export_status(ctx, a)
        }
        DeploymentCommands::Show(c) => show::run(ctx, c),
        DeploymentCommands::TestConnection(a) => {
            test_connection::cmd_utils_deployment_test_connection(ctx, a)
        }
    }
}
