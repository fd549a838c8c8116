//! `utils patch-manager list`: the downloaded patches, whether each can be trusted, and the
//! inventory hosts of its product.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::patches::{self, ArtifactKind};
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
    render(ctx, ArtifactKind::Patch)
}

/// The downloaded artifacts of one kind (patches here, upgrades for `utils upgrade-manager
/// list`); a refused manifest is listed with both, as nothing in it is trusted.
pub fn render(ctx: &mut Ctx, kind: ArtifactKind) -> CmdResult {
    let list: Vec<patches::Patch> = patches::list(&mut ctx.node)?
        .into_iter()
        .filter(|p| p.patch.as_ref().is_none_or(|m| m.kind == kind) || !p.usable())
        .collect();
    let (noun, key) = match kind {
        ArtifactKind::Patch => ("patch", "patches"),
        ArtifactKind::Upgrade => ("upgrade", "upgrades"),
    };
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ key: list }))?;
        return Ok(());
    }
    if list.is_empty() {
        ctx.ui.line(&format!(
            "No {noun} has been downloaded (utils image-repository download fetches them with their manifests)."
        ))?;
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
            if kind == ArtifactKind::Patch {
                "PATCH"
            } else {
                "UPGRADE"
            },
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
            "{refused} of {} {} refused: they will not be installed.",
            list.len(),
            if kind == ArtifactKind::Patch {
                "patch(es)"
            } else {
                "upgrade(s)"
            }
        ))?;
    }
    Ok(())
}
