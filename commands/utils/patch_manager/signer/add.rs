//! `utils patch-manager signer add NAME FILE`.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::signing;

/// Trust a publisher's minisign public key for patches (publisher; replicates)
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager signer add cisco-patches /tmp/minisign.pub"
)]
pub struct UtilsPatchManagerSignerAddArgs {
    /// A name for the signer (letters, digits, '-', '_', '.')
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The minisign public key file (minisign.pub)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn cmd_utils_patch_manager_signer_add(
    ctx: &mut Ctx,
    args: UtilsPatchManagerSignerAddArgs,
) -> CmdResult {
    let id = signing::add(&mut ctx.node, &args.name, &args.file)?;
    ctx.ui
        .status(&format!("Signer {} trusted: minisign key {id}.", args.name));
    Ok(())
}
