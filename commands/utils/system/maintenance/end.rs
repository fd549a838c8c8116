//! `utils system maintenance end` (Cloud Connect; ccadmin's own): pick nodes of a product the
//! signed maintenance set supports (flags, or a menu), confirm, and take each node out of
//! maintenance mode without restarting it; a line per node and a summary.

use clap::Args;
use serde_json::json;

use super::{finish, lines, list, nodes, run_action};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::maintenance::{Action, HostResult};
use crate::orchestration_ui::Selection;

/// Take inventory nodes out of maintenance mode
///
/// On a real CCE node maintenance mode ends when the node restarts after the work; this brings
/// a node back without a restart (work called off, or done without one). Only nodes of a
/// product the signed maintenance.json has commands for are offered. Nodes come from the flags
/// or, with none, from a menu (a node, all nodes, the nodes of side A or B). After a yes/no
/// question (--yes in batches) each node is taken out of maintenance; each gets a line:
/// Maintenance ended, Not in maintenance, or Failed and why. Holds the orchestration lock and
/// the cluster's run; recorded in the run history and the audit log. Exit status 0 all nodes
/// good, 3 some failed, 1 all failed.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system maintenance end\n  $ ccadmin utils system maintenance end --node pg1a.example.com --yes"
)]
pub struct UtilsSystemMaintenanceEndArgs {
    #[command(flatten)]
    pub select: Selection,
    /// Run although the other Cloud Connect node cannot be asked whether it runs an
    /// orchestration (you know it is down); the run records it
    #[arg(long)]
    pub peer_down: bool,
    /// Pass over a lease of another run not known to be finished on the node, and group
    /// members that cannot be asked for theirs (only when you know that run is over)
    #[arg(long)]
    pub break_leases: bool,
}

pub fn cmd_utils_system_maintenance_end(
    ctx: &mut Ctx,
    args: UtilsSystemMaintenanceEndArgs,
) -> CmdResult {
    let Some((_, hosts)) = nodes(ctx, &args.select, false)? else {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    };
    list(ctx, &hosts);
    if !ctx.confirm(&format!("Take {} node(s) out of maintenance", hosts.len()))? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let report = run_action(ctx, Action::End, hosts, (args.peer_down, args.break_leases))?;
    let (ended, not_in, failed) = (
        report.count(HostResult::Ended),
        report.count(HostResult::NotInMaintenance),
        report.count(HostResult::Failed),
    );
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "run": report.run,
            "result": report.overall(),
            "ended": ended,
            "already": not_in,
            "failed": failed,
            "hosts": report.hosts,
        }))?;
    } else {
        ctx.ui.line(&lines(
            &report,
            &format!("Maintenance: {ended} node(s) taken out of maintenance, {not_in} not in maintenance, {failed} failed"),
        ))?;
    }
    finish(&report, "maintenance end")
}
