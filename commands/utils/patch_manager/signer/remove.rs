//! `utils patch-manager signer remove NAME`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::signing;

/// Stop trusting a signer (publisher; replicates)
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils patch-manager signer remove cisco-patches")]
pub struct UtilsPatchManagerSignerRemoveArgs {
    /// The signer's name
    #[arg(value_name = "NAME")]
    pub name: String,
}

pub fn cmd_utils_patch_manager_signer_remove(
    ctx: &mut Ctx,
    args: UtilsPatchManagerSignerRemoveArgs,
) -> CmdResult {
    signing::remove(&mut ctx.node, &args.name)?;
    ctx.ui.status(&format!("Signer {} removed.", args.name));
    Ok(())
}
