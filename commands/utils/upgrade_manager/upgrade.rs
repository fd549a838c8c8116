//! `utils upgrade-manager upgrade ARTIFACT`: a verified upgrade on the chosen nodes.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate::{self, Operation};
use crate::ops::patches::ArtifactKind;
use crate::orchestration_ui::{self, RunArgs, Selection};

/// Upgrade the chosen nodes to a verified downloaded version, publisher first, one node of a cluster or pair at a time
///
/// Refused when the compatibility check is on and the deployment would end in a combination
/// of versions its deploymentType does not support. VOS nodes install the new version as
/// their inactive version (utils system upgrade initiate) and switch to it with
/// --switch-version; Windows nodes run the manifest's silent installer. Run the same command
/// again to resume an interrupted run.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils upgrade-manager upgrade Finesse-12.6.2.cop --group Finesse --switch-version\n  admin:utils upgrade-manager upgrade Finesse-12.6.2.cop --all --dry-run"
)]
pub struct UtilsUpgradeManagerUpgradeArgs {
    /// The upgrade (its file name, as the list shows it)
    #[arg(value_name = "ARTIFACT")]
    pub artifact: String,
    /// Switch each VOS node to the new version once it is installed
    #[arg(long)]
    pub switch_version: bool,
    #[command(flatten)]
    pub select: Selection,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn cmd_utils_upgrade_manager_upgrade(
    ctx: &mut Ctx,
    args: UtilsUpgradeManagerUpgradeArgs,
) -> CmdResult {
    let artifact =
        orchestrate::find_artifact(&mut ctx.node, &args.artifact, ArtifactKind::Upgrade)?;
    let Some(choice) = orchestration_ui::choose(ctx, &args.select, true)? else {
        ctx.ui.status("Nothing was upgraded.");
        return Ok(());
    };
    orchestration_ui::execute(
        ctx,
        Operation::Upgrade,
        Some(artifact),
        &choice,
        &args.run,
        args.switch_version,
    )
}
