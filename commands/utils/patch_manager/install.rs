//! `utils patch-manager install PATCH`: a verified patch on the chosen nodes it applies to.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate::{self, Operation};
use crate::ops::patches::ArtifactKind;
use crate::orchestration_ui::{self, RunArgs, Selection};

/// Install a verified patch on the chosen nodes it applies to, one node of a cluster or pair at a time
///
/// The patch must be listed as verified by `utils patch-manager list`. Nodes come from the
/// flags or, with none, from a menu (a node, a group, all nodes, a side of the VOS or Windows
/// nodes). The plan is printed and confirmed (and the restart, when the patch restarts nodes).
/// Per node: log in with this node's key, read what it runs (a node that runs a version the
/// patch does not apply to is left alone), check the free space, transfer over SFTP, install
/// (VOS: utils system upgrade initiate; Windows: the manifest's silent command line, then wait
/// for the restart), read it again. The run stops after --max-fail failed nodes; run the
/// same command again to resume an interrupted run. Exit status: 0 all done, 3 some failed,
/// 1 none done.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager install ES5.exe\n  admin:utils patch-manager install ucos.es5.cop --group Finesse --yes\n  admin:utils patch-manager install ES5.exe --side A --platform Windows --dry-run"
)]
pub struct UtilsPatchManagerInstallArgs {
    /// The patch (its file name, as the list shows it)
    #[arg(value_name = "PATCH")]
    pub patch: String,
    #[command(flatten)]
    pub select: Selection,
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn cmd_utils_patch_manager_install(
    ctx: &mut Ctx,
    args: UtilsPatchManagerInstallArgs,
) -> CmdResult {
    let artifact = orchestrate::find_artifact(&mut ctx.node, &args.patch, ArtifactKind::Patch)?;
    let Some(choice) = orchestration_ui::choose(ctx, &args.select, true)? else {
        ctx.ui.status("Nothing was installed.");
        return Ok(());
    };
    orchestration_ui::execute(
        ctx,
        Operation::PatchInstall,
        Some(artifact),
        &choice,
        &args.run,
        false,
    )
}
