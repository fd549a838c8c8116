//! `utils patch-manager ms-patches install` (Cloud Connect; Cisco's command): pick Windows nodes
//! (flags, or a menu), ask each for its pending Microsoft updates (the nodes without any are
//! left out and said so), confirm the install and the restarts it may bring, and install every
//! pending update one node at a time with the signed per-product commands; a line per node
//! with the KB numbers it installed, and a summary.

use clap::Args;
use serde_json::json;

use super::{finish, remaining, windows_nodes};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::ms_patches::{self, Action, HostResult};
use crate::orchestration_ui::Selection;

/// Install the pending Microsoft updates of the inventory's Windows nodes
///
/// Nodes come from the flags or, with none, from a menu (a Windows node, a group, all Windows
/// nodes, the Windows nodes of side A or B). Each is asked for its pending updates; the ones
/// without are left out. After two questions (install, and the restarts the updates may ask
/// for; --yes answers both in batches) each node's pending updates are installed with the
/// commands the signed ms-patches.json gives for its product, one node at a time; each node
/// gets a line with the KB numbers installed, or why it failed. Holds the orchestration lock
/// and the cluster's run; recorded in the run history and the audit log. Exit status 0 all
/// nodes good, 3 some failed, 1 all failed.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager ms-patches install\n  $ ccadmin utils patch-manager ms-patches install --side A --yes"
)]
pub struct UtilsPatchManagerMsPatchesInstallArgs {
    #[command(flatten)]
    pub select: Selection,
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

pub fn cmd_utils_patch_manager_ms_patches_install(
    ctx: &mut Ctx,
    args: UtilsPatchManagerMsPatchesInstallArgs,
) -> CmdResult {
    let Some(hosts) = windows_nodes(ctx, &args.select)? else {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    };
    ctx.ui.err_text(&format!(
        "Pending Microsoft updates of {} Windows node(s):\n",
        hosts.len()
    ));
    let (hosts, left_out, pending) = remaining(ctx, hosts, Action::Install)?;
    if pending == 0 {
        if !hosts.is_empty() {
            return Err(CommandError::failed(format!(
                "no Windows node that could be asked has pending Microsoft updates; {} could not be asked",
                hosts.len()
            ))
            .with_hint("fix the cause named for each node and run the command again"));
        }
        if ctx.ui.json_output() {
            ctx.ui.json(&json!({
                "run": null, "result": "Nothing to do", "installed": 0, "kbs": 0,
                "failed": 0, "left_out": left_out, "hosts": [],
            }))?;
        } else {
            ctx.ui.line("Microsoft updates: no chosen Windows node has pending updates; nothing was installed")?;
        }
        return Ok(());
    }
    let rows: Vec<&crate::inventory::model::HostRow> = hosts.iter().collect();
    let Some(maintenance) =
        crate::orchestration_ui::maintenance_choice(ctx, &rows, args.maintenance)?
    else {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    };
    if !ctx.confirm(&format!(
        "Install the pending Microsoft updates on {} Windows node(s)",
        hosts.len()
    ))? || !ctx
        .confirm("The Windows nodes restart, one at a time, when an update asks for it. Continue")?
    {
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
        Action::Install,
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
                HostResult::UpToDate => "No pending updates",
                _ => "Installed",
            };
            ui.borrow_mut()
                .status(&format!("[{done}/{total}] {}: {what}", h.host))
        },
        &mut |host, what| ui.borrow_mut().status(&format!("{host}: {what}")),
    )?;
    let installed = report.count(HostResult::Installed);
    let failed = report.failed();
    let kbs: usize = report.hosts.iter().map(|h| h.kbs.len()).sum();
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "run": report.run,
            "result": report.overall(),
            "installed": installed,
            "kbs": kbs,
            "failed": failed,
            "left_out": left_out,
            "hosts": report.hosts,
        }))?;
    } else {
        let mut text = String::new();
        for h in &report.hosts {
            let kbs: Vec<String> = h.kbs.iter().map(|k| k.to_string()).collect();
            let line = match (&h.error, h.result) {
                (Some(why), HostResult::Interrupted) => format!(
                    "Interrupted: {why}; its change may still run on it: run the same command again to settle it"
                ),
                (Some(why), _) => format!("Failed: {why}"),
                (None, HostResult::UpToDate) => "No pending updates".to_owned(),
                (None, _) if kbs.is_empty() => "Installed (no new KB listed)".to_owned(),
                (None, _) => format!("Installed {}", kbs.join(", ")),
            };
            text.push_str(&format!("{}: {line}\n", h.host));
        }
        text.push_str(&format!(
            "Microsoft updates: {installed} node(s) updated, {kbs} KB(s) installed, {failed} failed, {} left out without pending updates",
            left_out.len()
        ));
        ctx.ui.line(&text)?;
    }
    finish(&report, "the install of Microsoft updates")
}
