//! `utils system maintenance` menu (Cloud Connect; Cisco's command): put nodes in maintenance
//! mode, take them out, and show their state. What the leaves share lives here: the menu of
//! the nodes that support maintenance mode, each run's lines, and its exit status. The work is
//! in `ops::maintenance`.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::inventory::model::HostRow;
use crate::ops::maintenance::{self, HostResult, Report, Set};
use crate::ops::orchestrate::Choice;
use crate::orchestration_ui::{numbered, Selection, SELECTION_FLAGS};

pub mod end;
pub mod initiate;
pub mod status;

#[derive(Debug, Subcommand)]
pub enum MaintenanceCommands {
    Initiate(initiate::UtilsSystemMaintenanceInitiateArgs),
    End(end::UtilsSystemMaintenanceEndArgs),
    Status(status::UtilsSystemMaintenanceStatusArgs),
}

impl MaintenanceCommands {
    pub fn changes_state(&self) -> bool {
        !matches!(self, MaintenanceCommands::Status(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: MaintenanceCommands) -> CmdResult {
    match cmd {
        MaintenanceCommands::Initiate(a) => initiate::cmd_utils_system_maintenance_initiate(ctx, a),
        MaintenanceCommands::End(a) => end::cmd_utils_system_maintenance_end(ctx, a),
        MaintenanceCommands::Status(a) => status::cmd_utils_system_maintenance_status(ctx, a),
    }
}

const MENU: [&str; 4] = [
    "A node",
    "All nodes",
    "All Side A nodes",
    "All Side B nodes",
];

/// The flags as a choice (the side checked).
fn given(sel: &Selection) -> CmdResult<Choice> {
    if let Some(s) = &sel.side {
        if !s.eq_ignore_ascii_case("A") && !s.eq_ignore_ascii_case("B") {
            return Err(CommandError::usage(format!("side '{s}' is not A or B")));
        }
    }
    Ok(Choice {
        nodes: sel.node.clone(),
        group: sel.group.clone(),
        side: sel.side.clone(),
        platform: sel.platform,
        all: sel.all,
    })
}

/// The signed set and the chosen nodes of a product it supports: from the flags, else from
/// the menu (a terminal's prompt or the batch's next lines); with `all_by_default`, no flag
/// means every such node (no menu). `None`: the administrator quit the menu (`q`).
pub(crate) fn nodes(
    ctx: &mut Ctx,
    sel: &Selection,
    all_by_default: bool,
) -> CmdResult<Option<(Set, Vec<HostRow>)>> {
    // The role, the set and an inventory without such nodes are refused before the menu.
    let (set, able) = maintenance::chosen(&mut ctx.node, &Choice::default())?;
    let mut choice = given(sel)?;
    if choice.is_empty() && all_by_default {
        choice.all = true;
    }
    if choice.is_empty() {
        let products: Vec<&str> = set.keys().map(String::as_str).collect();
        ctx.ui.err_text(&format!(
            "Nodes that support maintenance mode ({}):\n",
            products.join(", ")
        ));
        let Some(picked) = numbered(ctx, "Please select an option", &MENU, SELECTION_FLAGS)? else {
            return Ok(None);
        };
        match picked {
            0 => {
                let items: Vec<String> = able
                    .iter()
                    .map(|r| format!("{} ({}, side {})", r.name, r.product, r.side))
                    .collect();
                let Some(i) = numbered(ctx, "Select the node", &items, SELECTION_FLAGS)? else {
                    return Ok(None);
                };
                choice.nodes = vec![able[i].name.clone()];
            }
            1 => choice.all = true,
            n => choice.side = Some(if n == 2 { "A" } else { "B" }.into()),
        }
    }
    Ok(Some(maintenance::chosen(&mut ctx.node, &choice)?))
}

/// The chosen nodes, listed on stderr before the question.
pub(crate) fn list(ctx: &mut Ctx, hosts: &[HostRow]) {
    let list: String = hosts
        .iter()
        .map(|h| format!("  {} ({}, side {})\n", h.name, h.product, h.side))
        .collect();
    ctx.ui.err_text(&format!(
        "Maintenance mode of {} node(s):\n{list}",
        hosts.len()
    ));
}

/// Run `action` on `hosts`, a progress line on stderr as each node ends.
pub(crate) fn run_action(
    ctx: &mut Ctx,
    action: maintenance::Action,
    hosts: Vec<HostRow>,
    (peer_down, break_leases): (bool, bool),
) -> CmdResult<Report> {
    let actor = ctx.actor.clone();
    let total = hosts.len();
    let mut done = 0;
    let ui = &mut ctx.ui;
    Ok(maintenance::run::run(
        &mut ctx.node,
        action,
        hosts,
        &actor,
        maintenance::run::Options {
            peer_down,
            break_leases,
        },
        &mut |h| {
            done += 1;
            ui.status(&format!(
                "[{done}/{total}] {}: {}",
                h.host,
                h.result.label()
            ))
        },
    )?)
}

/// Each node's line (`HOST: In maintenance`, `HOST: Failed: WHY`) and the summary.
pub(crate) fn lines(report: &Report, summary: &str) -> String {
    let mut text = String::new();
    for h in &report.hosts {
        match &h.error {
            Some(why) => text.push_str(&format!("{}: Failed: {why}\n", h.host)),
            None => text.push_str(&format!("{}: {}\n", h.host, h.result.label())),
        }
    }
    text.push_str(summary);
    text
}

/// The exit status of a run: 0 when no node failed, 3 when some did and others did not, 1
/// when all failed.
pub(crate) fn finish(report: &Report, what: &str) -> CmdResult {
    let failed: Vec<&str> = report
        .hosts
        .iter()
        .filter(|h| h.result == HostResult::Failed)
        .map(|h| h.host.as_str())
        .collect();
    crate::orchestration_ui::failed_on(
        what,
        &failed,
        report.hosts.len(),
        "fix the cause named for each node and run the command again (nodes already in the state asked for are not touched)",
    )
}
