//! `utils patch-manager ms-patches` menu (Cloud Connect; Cisco's command): the Microsoft
//! updates of the inventory's Windows nodes, installed or one removed. What both leaves share
//! lives here: the Windows node menu, asking the chosen nodes for their updates (only the
//! nodes with something to do remain), and the exit status of a run. The work is in
//! `ops::ms_patches`.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::inventory::model::HostRow;
use crate::ops::ms_patches::{self, Action, HostResult, Report};
use crate::ops::orchestrate::Choice;
use crate::orchestration_ui::{numbered, Selection};

pub mod install;
pub mod rollback;

#[derive(Debug, Subcommand)]
pub enum MsPatchesCommands {
    Install(install::UtilsPatchManagerMsPatchesInstallArgs),
    Rollback(rollback::UtilsPatchManagerMsPatchesRollbackArgs),
}

pub fn run(ctx: &mut Ctx, cmd: MsPatchesCommands) -> CmdResult {
    match cmd {
        MsPatchesCommands::Install(a) => {
            install::cmd_utils_patch_manager_ms_patches_install(ctx, a)
        }
        MsPatchesCommands::Rollback(a) => {
            rollback::cmd_utils_patch_manager_ms_patches_rollback(ctx, a)
        }
    }
}

const MENU: [&str; 5] = [
    "A Windows node",
    "A Windows group (product / pair)",
    "All Windows nodes",
    "All Side A Windows nodes",
    "All Side B Windows nodes",
];

/// The chosen Windows nodes: from the flags, else from the menu (a terminal's prompt or the
/// batch's next lines). `None`: the administrator quit the menu (`q`).
pub(crate) fn windows_nodes(ctx: &mut Ctx, sel: &Selection) -> CmdResult<Option<Vec<HostRow>>> {
    // The role and an inventory without Windows nodes are refused before the menu.
    let windows = ms_patches::chosen(&mut ctx.node, &Choice::default())?;
    if let Some(s) = &sel.side {
        if !s.eq_ignore_ascii_case("A") && !s.eq_ignore_ascii_case("B") {
            return Err(CommandError::usage(format!("side '{s}' is not A or B")));
        }
    }
    let given = Choice {
        nodes: sel.node.clone(),
        group: sel.group.clone(),
        side: sel.side.clone(),
        platform: sel.platform,
        all: sel.all,
    };
    let choice = if given.is_empty() {
        match menu(ctx, &windows)? {
            Some(c) => c,
            None => return Ok(None),
        }
    } else {
        given
    };
    Ok(Some(ms_patches::chosen(&mut ctx.node, &choice)?))
}

/// Ask each node for its updates; the ones `action` applies to remain, with the ones that
/// could not be asked (their run says why). Each node left out is said on stderr.
pub(crate) fn remaining(
    ctx: &mut Ctx,
    hosts: Vec<HostRow>,
    action: Action,
) -> CmdResult<(Vec<HostRow>, Vec<String>, usize)> {
    let asked = ms_patches::ask(&mut ctx.node, hosts)?;
    let (mut keep, mut left_out, mut applies) = (Vec::new(), Vec::new(), 0);
    for a in asked {
        match &a.listing {
            Ok(l) if action.applies(l) => {
                applies += 1;
                let what = match action {
                    Action::Install => format!(
                        "{} pending update(s): {}",
                        l.pending.len(),
                        l.pending
                            .iter()
                            .map(|k| k.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Action::Remove(kb) => format!("{kb} installed"),
                };
                ctx.ui.err_text(&format!(
                    "  {} ({}, side {}): {what}\n",
                    a.row.name, a.row.product, a.row.side
                ));
                keep.push(a.row);
            }
            Ok(_) if a.leased => {
                // A run was stopped on it: the run settles it (waits for its installer,
                // takes it out of maintenance, gives its lease back).
                applies += 1;
                ctx.ui.err_text(&format!(
                    "  {} ({}, side {}): nothing left to do, but a stopped Microsoft updates run left it leased; taken to settle it\n",
                    a.row.name, a.row.product, a.row.side
                ));
                keep.push(a.row);
            }
            Ok(_) => {
                let why = match action {
                    Action::Install => "no pending Microsoft updates".to_owned(),
                    Action::Remove(kb) => format!("{kb} is not installed"),
                };
                ctx.ui
                    .err_text(&format!("  {}: {why}; left out\n", a.row.name));
                left_out.push(a.row.name);
            }
            Err(why) => {
                ctx.ui.err_text(&format!(
                    "  {} ({}, side {}): could not be asked: {why}\n",
                    a.row.name, a.row.product, a.row.side
                ));
                keep.push(a.row);
            }
        }
    }
    Ok((keep, left_out, applies))
}

/// The exit status of a run: 0 when no node failed, 3 when some did and others did not, 1
/// when all failed.
pub(crate) fn finish(report: &Report, what: &str) -> CmdResult {
    let failed: Vec<&str> = report
        .hosts
        .iter()
        .filter(|h| matches!(h.result, HostResult::Failed | HostResult::Interrupted))
        .map(|h| h.host.as_str())
        .collect();
    crate::orchestration_ui::failed_on(
        what,
        &failed,
        report.hosts.len(),
        "fix the cause named for each node and run the command again (nodes with nothing left to do are not touched)",
    )
}

/// The flags that choose Windows nodes without the menu.
const FLAGS: &str = "--node, --group, --all, --side";

/// The menu of Windows nodes; `None`: `q`.
fn menu(ctx: &mut Ctx, windows: &[HostRow]) -> CmdResult<Option<Choice>> {
    let Some(picked) = numbered(ctx, "Please select an option", &MENU, FLAGS)? else {
        return Ok(None);
    };
    let mut choice = Choice::default();
    match picked {
        0 | 1 => {
            let mut items: Vec<String> = Vec::new();
            for r in windows {
                let item = if picked == 0 { &r.name } else { &r.group };
                if picked == 1 && !items.contains(&r.product) {
                    items.push(r.product.clone());
                }
                if !items.contains(item) {
                    items.push(item.clone());
                }
            }
            let what = if picked == 0 { "node" } else { "group" };
            let question = format!("Select the Windows {what}");
            let Some(i) = numbered(ctx, &question, &items, FLAGS)? else {
                return Ok(None);
            };
            if picked == 0 {
                choice.nodes = vec![items[i].clone()];
            } else {
                choice.group = Some(items[i].clone());
            }
        }
        2 => choice.all = true,
        n => choice.side = Some(if n == 3 { "A" } else { "B" }.into()),
    }
    Ok(Some(choice))
}
