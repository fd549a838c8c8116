//! `utils system maintenance status` (Cloud Connect): the maintenance state of the nodes that
//! support maintenance mode, read from each node with the signed status command; read only.

use clap::Args;
use serde_json::json;

use super::nodes;
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::maintenance::{self, State};
use crate::orchestration_ui::Selection;

/// The maintenance state of inventory nodes
///
/// Each chosen node (all the nodes of a product the signed maintenance.json has commands for
/// when no flag is given) is read with its product's status command: a table of NODE, PRODUCT,
/// SIDE and STATE (In maintenance, Not in maintenance, or Unreadable and why). Read only:
/// nothing is locked, changed or recorded. Exit status 0 all read, 3 some could not be read,
/// 1 none could.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system maintenance status\n  $ ccadmin --output json utils system maintenance status --group PG1"
)]
pub struct UtilsSystemMaintenanceStatusArgs {
    #[command(flatten)]
    pub select: Selection,
}

pub fn cmd_utils_system_maintenance_status(
    ctx: &mut Ctx,
    args: UtilsSystemMaintenanceStatusArgs,
) -> CmdResult {
    let Some((set, hosts)) = nodes(ctx, &args.select, true)? else {
        return Ok(());
    };
    let lines = maintenance::status(&mut ctx.node, &set, hosts)?;
    let unreadable = lines.iter().filter(|l| l.state.is_none()).count();
    let inside = lines
        .iter()
        .filter(|l| l.state == Some(State::InMaintenance))
        .count();
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "in_maintenance": inside,
            "unreadable": unreadable,
            "hosts": lines,
        }))?;
    } else {
        let rows: Vec<Vec<String>> = lines
            .iter()
            .map(|l| {
                vec![
                    l.host.clone(),
                    l.product.clone(),
                    l.side.clone(),
                    match (&l.state, &l.error) {
                        (Some(s), _) => s.label().to_owned(),
                        (None, why) => format!("Unreadable: {}", why.as_deref().unwrap_or("")),
                    },
                ]
            })
            .collect();
        ctx.ui.line(&crate::output::plain_table(
            &["NODE", "PRODUCT", "SIDE", "STATE"],
            &rows,
        ))?;
    }
    let names: Vec<&str> = lines
        .iter()
        .filter(|l| l.state.is_none())
        .map(|l| l.host.as_str())
        .collect();
    crate::orchestration_ui::run_status(
        unreadable,
        lines.len(),
        format!(
            "the maintenance state of {unreadable} of {} node(s) could not be read ({})",
            lines.len(),
            names.join(", ")
        ),
        "fix the cause named for each node and run the command again",
    )
}
