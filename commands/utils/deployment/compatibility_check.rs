//! `utils deployment compatibility-check enable|disable|show`.

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::compatibility;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Action {
    /// Refuse upgrades and rollbacks to unsupported combinations (the default)
    Enable,
    /// Allow them
    Disable,
    /// Say whether the check is on
    Show,
}

/// Turn the compatibility check of upgrades and rollbacks on or off, or show it
///
/// With the check on, an upgrade or rollback that would leave the deployment in a combination
/// of versions not supported for its deploymentType is refused, naming the nodes and versions.
/// Enabled by default; changed on the publisher and replicated.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils deployment compatibility-check show\n  admin:utils deployment compatibility-check disable"
)]
pub struct UtilsDeploymentCompatibilityCheckArgs {
    /// enable, disable or show
    #[arg(value_enum)]
    pub action: Action,
}

impl UtilsDeploymentCompatibilityCheckArgs {
    pub fn changes_state(&self) -> bool {
        self.action != Action::Show
    }
}

pub fn cmd_utils_deployment_compatibility_check(
    ctx: &mut Ctx,
    args: UtilsDeploymentCompatibilityCheckArgs,
) -> CmdResult {
    match args.action {
        Action::Enable | Action::Disable => {
            let on = args.action == Action::Enable;
            compatibility::set(&mut ctx.node, on)?;
            ctx.ui.status(&format!(
                "Compatibility check {}.",
                if on { "enabled" } else { "disabled" }
            ));
        }
        Action::Show => {
            let on = compatibility::enabled(&mut ctx.node)?;
            let word = if on { "enabled" } else { "disabled" };
            if ctx.ui.json_output() {
                ctx.ui.json(&json!({ "compatibility_check": word }))?;
            } else {
                ctx.ui.line(&format!("Compatibility check : {word}"))?;
            }
        }
    }
    Ok(())
}
