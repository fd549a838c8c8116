//! `utils system upgrade initiate --file F` (VOS): install a patch or an upgrade from a local
//! file whose manifest lies beside it.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software;

/// Install a patch or an upgrade on this VOS node from a local file
///
/// The file's manifest (FILE.manifest.json) must lie beside it; the file must match the
/// manifest's SHA-256, be for this node's component, and apply to the active version. A patch
/// is added to the active version; an upgrade becomes the inactive version (the active one
/// with --switch-version). Running it again says what is installed already.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system upgrade initiate --file /home/ccorch/ucos.es5.cop --yes"
)]
pub struct UtilsSystemUpgradeInitiateArgs {
    /// The local file (a path on this node)
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,
    /// Switch to the new version once an upgrade is installed
    #[arg(long)]
    pub switch_version: bool,
}

pub fn cmd_utils_system_upgrade_initiate(
    ctx: &mut Ctx,
    args: UtilsSystemUpgradeInitiateArgs,
) -> CmdResult {
    if !ctx.confirm(&format!("Install {}", args.file.display()))? {
        ctx.ui.status("Nothing was installed.");
        return Ok(());
    }
    let takes = super::emulated_install_time(ctx);
    let (said, installed) =
        software::initiate(&mut ctx.node, &args.file, args.switch_version, takes)?;
    ctx.ui.status(&said);
    crate::commands::show::version::render(ctx, "Active", &installed)
}
