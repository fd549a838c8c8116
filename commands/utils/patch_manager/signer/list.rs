//! `utils patch-manager signer list`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::signing;
use crate::output::plain_table;

/// List the trusted signers of patches with their key ids
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils patch-manager signer list")]
pub struct UtilsPatchManagerSignerListArgs {}

pub fn cmd_utils_patch_manager_signer_list(
    ctx: &mut Ctx,
    _args: UtilsPatchManagerSignerListArgs,
) -> CmdResult {
    let list = signing::signers(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "signers": list }))?;
        return Ok(());
    }
    if list.is_empty() {
        ctx.ui.line("No signer is trusted: every patch is refused (utils patch-manager signer add NAME FILE).")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| vec![s.name.clone(), s.key_id.clone(), s.public_key.clone()])
        .collect();
    ctx.ui
        .line(&plain_table(&["NAME", "KEY ID", "PUBLIC KEY"], &rows))?;
    Ok(())
}
