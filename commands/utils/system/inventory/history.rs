//! `utils system inventory history`: the current inventory version and the ones it replaced.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::vos_table;

/// List the current and previous inventory versions
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system inventory history")]
pub struct UtilsSystemInventoryHistoryArgs {}

pub fn cmd_utils_system_inventory_history(
    ctx: &mut Ctx,
    _args: UtilsSystemInventoryHistoryArgs,
) -> CmdResult {
    let versions = crate::ops::inventory::history(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&versions)?;
        return Ok(());
    }
    if versions.is_empty() {
        ctx.ui.status("No inventory has been imported yet.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            vec![
                format!("{}{}", v.version, if i == 0 { " (current)" } else { "" }),
                format!("{} UTC", v.created_at),
                v.actor.clone(),
                v.hosts.to_string(),
                v.deployment_type.clone(),
                v.source.clone(),
            ]
        })
        .collect();
    ctx.ui.line(&vos_table(
        &[
            "version",
            "imported",
            "by",
            "hosts",
            "deploymenttype",
            "source",
        ],
        &rows,
    ))?;
    Ok(())
}
