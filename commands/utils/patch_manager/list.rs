//! `utils patch-manager list`: the downloaded patches, whether each can be trusted, and the
//! inventory hosts of its product.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::patches;
use crate::output::plain_table;

/// List the downloaded patches: what each is, whether its signature and file check out, and the hosts of its product
///
/// A patch is an artifact with a manifest beside it (NAME.manifest.json) signed with minisign
/// (NAME.manifest.json.minisig) by a trusted signer (utils patch-manager signer add); the
/// manifest's SHA-256 must match the file. Anything else is listed as REFUSED, with why.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager list\n  $ ccadmin utils patch-manager list --output json"
)]
pub struct UtilsPatchManagerListArgs {}

pub fn cmd_utils_patch_manager_list(ctx: &mut Ctx, _args: UtilsPatchManagerListArgs) -> CmdResult {
    let list = patches::list(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "patches": list }))?;
        return Ok(());
    }
    if list.is_empty() {
        ctx.ui.line(
            "No patch has been downloaded (utils image-repository download fetches them with their manifests).",
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            let m = p.patch.as_ref();
            vec![
                m.map_or_else(|| p.manifest.clone(), |m| m.file.clone()),
                m.map_or_else(String::new, |m| m.product.clone()),
                m.map_or_else(String::new, |m| m.version.clone()),
                m.map_or_else(String::new, |m| m.applies_to.join(",")),
                m.map_or_else(String::new, |m| {
                    format!(
                        "{}{}",
                        if m.reboot { "reboot" } else { "no reboot" },
                        if m.rollback { ", rollback" } else { "" }
                    )
                }),
                p.status.label(),
                if p.nodes.is_empty() {
                    "-".into()
                } else {
                    p.nodes.join(",")
                },
            ]
        })
        .collect();
    ctx.ui.line(&plain_table(
        &[
            "PATCH",
            "PRODUCT",
            "VERSION",
            "APPLIES TO",
            "NOTES",
            "STATUS",
            "HOSTS",
        ],
        &rows,
    ))?;
    let refused = list.iter().filter(|p| !p.usable()).count();
    if refused > 0 {
        ctx.ui.line(&format!(
            "{refused} of {} patch(es) refused: they will not be installed.",
            list.len()
        ))?;
    }
    Ok(())
}
