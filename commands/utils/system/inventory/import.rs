//! `utils system inventory import`: download inventory.conf, validate all of it, show what would
//! change, ask, and replace the current inventory in one transaction (the old one is kept).

use clap::Args;
use serde_json::json;

use super::{sftp_session, transfer_bar, SftpArgs};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::inventory::{render_problems, Changes};
use crate::ops::inventory;
use crate::output::vos_table;

/// Replace the current inventory with inventory.conf from an SFTP server
///
/// The file is validated completely first; every problem is reported with its line and column
/// and nothing changes. A valid file's changes are shown (hosts added, removed, changed;
/// deployment name and type) and the replacement is confirmed. The previous inventory is kept
/// (utils system inventory history).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system inventory import\n  admin:utils system inventory import --dry-run"
)]
pub struct UtilsSystemInventoryImportArgs {
    #[command(flatten)]
    pub sftp: SftpArgs,
    /// Validate and show the changes, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

fn change_rows(c: &Changes) -> Vec<Vec<String>> {
    let row = |what: &str, r: &crate::inventory::model::HostRow, detail: String| {
        vec![
            what.to_owned(),
            r.platform.to_owned(),
            r.product.clone(),
            r.group.clone(),
            r.name.clone(),
            detail,
        ]
    };
    let mut rows = Vec::new();
    for r in &c.added {
        rows.push(row("added", r, format!("side {}, {}", r.side, r.detail)));
    }
    for r in &c.removed {
        rows.push(row("removed", r, String::new()));
    }
    for (old, new) in &c.changed {
        let mut what = Vec::new();
        if (&old.product, &old.group) != (&new.product, &new.group) {
            what.push(format!(
                "{}/{} -> {}/{}",
                old.product, old.group, new.product, new.group
            ));
        }
        if old.side != new.side {
            what.push(format!("side {} -> {}", old.side, new.side));
        }
        if old.detail != new.detail {
            what.push(format!("{} -> {}", old.detail, new.detail));
        }
        rows.push(row("changed", new, what.join(", ")));
    }
    rows
}

pub fn cmd_utils_system_inventory_import(
    ctx: &mut Ctx,
    args: UtilsSystemInventoryImportArgs,
) -> CmdResult {
    ctx.node.require_cloud_connect(true)?;
    let (conn, target) = sftp_session(ctx, &args.sftp)?;
    let bar = transfer_bar(ctx, "Downloading inventory.conf");
    let mut progress = |done: u64, total: Option<u64>| {
        bar.set_length(total.unwrap_or(done));
        bar.set_position(done);
    };
    let bytes = inventory::fetch(&ctx.node, &conn, &target, &mut progress);
    bar.finish_and_clear();
    drop(conn);
    let bytes = bytes?;
    let path = target.path();
    let location = target.location();
    let plan = match inventory::prepare_import(&mut ctx.node, &bytes)? {
        Ok(plan) => plan,
        Err(problems) => {
            ctx.ui.err_text(&render_problems(&path, &problems));
            return Err(CommandError::failed(format!(
                "{path} is not a valid inventory: {} problem(s); nothing was imported",
                problems.len()
            ))
            .with_hint("fix each problem at its line and column on the SFTP server, then run the import again"));
        }
    };
    let changes = &plan.changes;
    for why in &plan.ignored_vos {
        ctx.ui.warn(why);
    }
    const QUESTION: &str = "Do you want to replace the current inventory with the new inventory";
    if ctx.ui.json_output() {
        let imported = !changes.is_empty() && !args.dry_run && ctx.confirm(QUESTION)?;
        if imported {
            let actor = ctx.actor.clone();
            inventory::apply_import(&mut ctx.node, &plan, &actor, &location)?;
        }
        ctx.ui.json(&json!({ "source": location, "changes": changes, "ignored_vos": plan.ignored_vos, "imported": imported }))?;
        return Ok(());
    }
    if changes.is_empty() {
        ctx.ui.status(if plan.ignored_vos.is_empty() {
            "The inventory on the SFTP server is the same as the current inventory; nothing to import."
        } else {
            "Apart from the VOS changes above, which an import does not take, the inventory on the SFTP server is the same as the current inventory; nothing to import."
        });
        return Ok(());
    }
    let rows = change_rows(changes);
    if !rows.is_empty() {
        ctx.ui.line(&vos_table(
            &[
                "change",
                "platform",
                "product",
                "cluster/pair",
                "host",
                "detail",
            ],
            &rows,
        ))?;
    }
    if let Some((old, new)) = &changes.deployment_name {
        ctx.ui.line(&format!(
            "deploymentName: {} -> {}",
            old.as_deref().unwrap_or("(none)"),
            new.as_deref().unwrap_or("(none)")
        ))?;
    }
    if let Some((old, new)) = &changes.deployment_type {
        ctx.ui.line(&format!("deploymentType: {old} -> {new}"))?;
    }
    ctx.ui.line(&format!(
        "{} host(s) added, {} removed, {} changed.",
        changes.added.len(),
        changes.removed.len(),
        changes.changed.len()
    ))?;
    if args.dry_run {
        ctx.ui.status("Dry run: nothing was changed.");
        return Ok(());
    }
    if !ctx.confirm(QUESTION)? {
        ctx.ui.status("The current inventory was kept.");
        return Ok(());
    }
    let actor = ctx.actor.clone();
    inventory::apply_import(&mut ctx.node, &plan, &actor, &location)?;
    ctx.ui
        .status("Inventory is imported to Cloud Connect server");
    Ok(())
}
