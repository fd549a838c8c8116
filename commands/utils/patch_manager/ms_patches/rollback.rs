//! `utils patch-manager ms-patches rollback` (Cloud Connect; Cisco's command): pick Windows
//! nodes (flags, or a menu), then a KB number (`--kb` or asked; `KB` and digits), ask each node
//! whether that update is installed (the others are left out and said so; installed nowhere:
//! refused), confirm, and remove it one node at a time with the signed per-product command; a
//! line per node.

use clap::Args;
use serde_json::json;

use super::{finish, remaining, windows_nodes};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::ms_patches::{self, Action, HostResult, Kb};
use crate::orchestration_ui::Selection;
use crate::prompt::Field;

/// Remove one Microsoft update from the inventory's Windows nodes where it is installed
///
/// Nodes come from the flags or, with none, from a menu (a Windows node, a group, all Windows
/// nodes, the Windows nodes of side A or B); then the update's KB number (--kb, or asked).
/// Each node is asked whether it is installed; the others are left out, and a KB installed on
/// none is refused. After a yes/no question (--yes in batches) it is removed with the command
/// the signed ms-patches.json gives for the node's product, one node at a time; each node gets
/// a line. Exit status 0 all nodes good, 3 some failed, 1 all failed, 2 a KB number that is
/// not one.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager ms-patches rollback\n  $ ccadmin utils patch-manager ms-patches rollback --all --kb KB5031356 --yes"
)]
pub struct UtilsPatchManagerMsPatchesRollbackArgs {
    #[command(flatten)]
    pub select: Selection,
    /// The update to remove: KB and its number (KB5031356)
    #[arg(long, value_name = "KB")]
    pub kb: Option<String>,
    /// Run although the other Cloud Connect node cannot be asked whether it runs an
    /// orchestration (you know it is down); the run records it
    #[arg(long)]
    pub peer_down: bool,
    /// Pass over hosts' leases of another run not known to be finished, and group members
    /// that cannot be asked for theirs (only when you know that run is over: its installer may
    /// still run)
    #[arg(long)]
    pub break_leases: bool,
    /// With maintenance mode (each node enters it before its updates change and leaves it
    /// after, its pair member never in it meanwhile) or without; asked when every chosen
    /// node's product supports it and this is not given
    #[arg(long, value_enum, value_name = "MODE")]
    pub maintenance: Option<crate::orchestration_ui::MaintenanceMode>,
}

fn kb(text: &str) -> CmdResult<Kb> {
    text.trim().parse().map_err(|e| {
        CommandError::usage(format!("'{}' is {e}", crate::text::one_line(text.trim())))
    })
}

pub fn cmd_utils_patch_manager_ms_patches_rollback(
    ctx: &mut Ctx,
    args: UtilsPatchManagerMsPatchesRollbackArgs,
) -> CmdResult {
    // A --kb that is not one is refused before anything is asked.
    let given = args.kb.as_deref().map(kb).transpose()?;
    let Some(hosts) = windows_nodes(ctx, &args.select)? else {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    };
    let kb = match given {
        Some(k) => k,
        None => kb(&ctx.value(
            &Field {
                label: "KB number of the update to remove (e.g. KB5031356)",
                flag: "--kb",
                env: None,
                default: None,
            },
            None,
        )?)?,
    };
    ctx.ui
        .err_text(&format!("{kb} on {} Windows node(s):\n", hosts.len()));
    let (hosts, left_out, installed) = remaining(ctx, hosts, Action::Remove(kb))?;
    if installed == 0 {
        let unasked = if hosts.is_empty() {
            String::new()
        } else {
            format!(" ({} could not be asked)", hosts.len())
        };
        return Err(CommandError::failed(format!(
            "{kb} is not installed on any chosen Windows node{unasked}; nothing was removed"
        ))
        .with_hint("see what each node lists above; choose the nodes where it is installed"));
    }
    let rows: Vec<&crate::inventory::model::HostRow> = hosts.iter().collect();
    let Some(maintenance) =
        crate::orchestration_ui::maintenance_choice(ctx, &rows, args.maintenance)?
    else {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    };
    if !ctx.confirm(&format!("Remove {kb} from {} Windows node(s)", hosts.len()))? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let actor = ctx.actor.clone();
    let total = hosts.len();
    let mut done = 0;
    // Two callbacks print status lines: each node's end, and what a node is waited for.
    let ui = std::cell::RefCell::new(&mut ctx.ui);
    let report = ms_patches::run(
        &mut ctx.node,
        Action::Remove(kb),
        hosts,
        &actor,
        ms_patches::RunOptions {
            peer_down: args.peer_down,
            break_leases: args.break_leases,
            maintenance,
        },
        &mut |h| {
            done += 1;
            let what = match h.result {
                HostResult::Failed => "Failed",
                HostResult::Interrupted => "Interrupted",
                HostResult::NotInstalled => "Not installed",
                _ => "Removed",
            };
            ui.borrow_mut()
                .status(&format!("[{done}/{total}] {}: {what}", h.host))
        },
        &mut |host, what| ui.borrow_mut().status(&format!("{host}: {what}")),
    )?;
    let removed = report.count(HostResult::Removed);
    let failed = report.failed();
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "run": report.run,
            "result": report.overall(),
            "kb": kb,
            "removed": removed,
            "failed": failed,
            "left_out": left_out,
            "hosts": report.hosts,
        }))?;
    } else {
        let mut text = String::new();
        for h in &report.hosts {
            let line = match (&h.error, h.result) {
                (Some(why), HostResult::Interrupted) => format!(
                    "Interrupted: {why}; its change may still run on it: run the same command again to settle it"
                ),
                (Some(why), _) => format!("Failed: {why}"),
                (None, HostResult::NotInstalled) => format!("{kb} not installed"),
                (None, _) => format!("Removed {kb}"),
            };
            text.push_str(&format!("{}: {line}\n", h.host));
        }
        text.push_str(&format!(
            "{kb}: removed from {removed} node(s), {failed} failed, {} left out where it is not installed",
            left_out.len()
        ));
        ctx.ui.line(&text)?;
    }
    finish(&report, &format!("the removal of {kb}"))
}
