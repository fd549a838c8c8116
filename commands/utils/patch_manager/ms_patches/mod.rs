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
use crate::orchestration_ui::Selection;
use crate::prompt::Field;

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
    let failed = report.failed();
    if failed == 0 {
        return Ok(());
    }
    let names: Vec<&str> = report
        .hosts
        .iter()
        .filter(|h| matches!(h.result, HostResult::Failed | HostResult::Interrupted))
        .map(|h| h.host.as_str())
        .collect();
    let message = format!(
        "{what} failed on {failed} of {} node(s) ({})",
        report.hosts.len(),
        names.join(", ")
    );
    crate::orchestration_ui::run_status(
        failed,
        report.hosts.len(),
        message,
        "fix the cause named for each node and run the command again (nodes with nothing left to do are not touched)",
    )
}

/// The menu of Windows nodes; `None`: `q`.
fn menu(ctx: &mut Ctx, windows: &[HostRow]) -> CmdResult<Option<Choice>> {
    let text: String = MENU
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{}) {m}\n", i + 1))
        .collect();
    ctx.ui.err_text(&text);
    let label = format!("Please select an option (1 - {} or \"q\" )", MENU.len());
    let Some(picked) = pick(ctx, &label, MENU.len())? else {
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
            let list: String = items
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{}) {n}\n", i + 1))
                .collect();
            ctx.ui.err_text(&list);
            let label = format!("Select the Windows {what} (1 - {} or \"q\" )", items.len());
            let Some(i) = pick(ctx, &label, items.len())? else {
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

/// A number 1..=n, or `q` (`None`).
fn pick(ctx: &mut Ctx, label: &str, n: usize) -> CmdResult<Option<usize>> {
    loop {
        let answer = ctx.value(
            &Field {
                label,
                flag: "--node, --group, --all, --side",
                env: None,
                default: None,
            },
            None,
        )?;
        if answer.eq_ignore_ascii_case("q") {
            return Ok(None);
        }
        match answer.parse::<usize>() {
            Ok(i) if (1..=n).contains(&i) => return Ok(Some(i - 1)),
            _ if matches!(ctx.input, crate::prompt::Input::Terminal) => ctx
                .ui
                .err_text(&format!("Enter a number from 1 to {n}, or q.\n")),
            _ => {
                return Err(CommandError::usage(format!(
                    "the answer is not a number from 1 to {n} or q"
                )))
            }
        }
    }
}
