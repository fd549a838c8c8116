//! `utils image-repository artifacts`: what has been downloaded to this node.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::vos_table;

/// List the artifacts downloaded to this node
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils image-repository artifacts")]
pub struct UtilsImageRepositoryArtifactsArgs {}

pub fn cmd_utils_image_repository_artifacts(
    ctx: &mut Ctx,
    _args: UtilsImageRepositoryArtifactsArgs,
) -> CmdResult {
    let list = crate::ops::artifacts::list_local(&ctx.node.root().join("artifacts"));
    if ctx.ui.json_output() {
        ctx.ui.json(&list)?;
        return Ok(());
    }
    if list.is_empty() {
        ctx.ui
            .status("No artifacts have been downloaded. Run: utils image-repository download");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| vec![a.path.clone(), a.size.to_string(), a.state.to_owned()])
        .collect();
    ctx.ui
        .line(&vos_table(&["artifact", "bytes", "state"], &rows))?;
    Ok(())
}
