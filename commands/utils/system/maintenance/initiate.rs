//! `utils system maintenance initiate` (Cloud Connect; Cisco's command): pick nodes of a
//! product the signed maintenance set supports (flags, or a menu), ask the reason when a Router
//! or Rogger node is among them (`--reason`), confirm, and put each node in maintenance mode —
//! never one whose peer is in maintenance; a line per node and a summary.

use clap::Args;
use serde_json::json;

use super::{finish, lines, list, nodes, run_action};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::maintenance::{asks_reason, Action, HostResult, Reason};
use crate::orchestration_ui::Selection;
use crate::prompt::Field;

/// Put inventory nodes in maintenance mode
///
/// A node in maintenance fails over or shuts its services down gracefully, so the work on it
/// interrupts no call. Only nodes of a product the signed maintenance.json has commands for are
/// offered (Cisco: PG, CVP server, IdS, Finesse; Router and Rogger with a reason). Nodes come
/// from the flags or, with none, from a menu (a node, all nodes, the nodes of side A or B).
/// Router and Rogger nodes ask the reason (--reason). After a yes/no question (--yes in
/// batches) each node is put in maintenance; a node whose peer (the other side of its pair,
/// another member of its cluster) is in maintenance, or cannot be read, is refused. Each node
/// gets a line: In maintenance, Already in maintenance, or Failed and why. Holds the
/// orchestration lock and the cluster's run; recorded in the run history and the audit log.
/// Exit status 0 all nodes good, 3 some failed, 1 all failed, 2 a reason that is not one.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system maintenance initiate\n  $ ccadmin utils system maintenance initiate --node rgra.example.com --reason es-install --yes"
)]
pub struct UtilsSystemMaintenanceInitiateArgs {
    #[command(flatten)]
    pub select: Selection,
    /// Why (asked of Router and Rogger nodes): ms-updates-install, ms-updates-rollback,
    /// es-install, es-rollback, mr-install, mr-rollback, major-upgrade or other
    #[arg(long, value_name = "REASON")]
    pub reason: Option<String>,
    /// Run although the other Cloud Connect node cannot be asked whether it runs an
    /// orchestration (you know it is down); the run records it
    #[arg(long)]
    pub peer_down: bool,
    /// Pass over a lease of another run not known to be finished on the node, and group
    /// members that cannot be asked for theirs (only when you know that run is over)
    #[arg(long)]
    pub break_leases: bool,
}

fn reason(text: &str) -> CmdResult<Reason> {
    text.trim().parse().map_err(|e| {
        CommandError::usage(format!("'{}' is {e}", crate::text::one_line(text.trim())))
    })
}

/// The reason, from the list (a terminal's prompt or the batch's next line): its number or
/// its token; `None`: `q`.
fn ask_reason(ctx: &mut Ctx) -> CmdResult<Option<Reason>> {
    let text: String = Reason::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}) {}\n", i + 1, r.label()))
        .collect();
    ctx.ui.err_text(&format!(
        "Reason for the maintenance of Router/Rogger nodes:\n{text}"
    ));
    let n = Reason::ALL.len();
    let label = format!("Select the reason (1 - {n} or \"q\" )");
    loop {
        let answer = ctx.value(
            &Field {
                label: &label,
                flag: "--reason",
                env: None,
                default: None,
            },
            None,
        )?;
        if answer.eq_ignore_ascii_case("q") {
            return Ok(None);
        }
        let picked = match answer.parse::<usize>() {
            Ok(i) if (1..=n).contains(&i) => Some(Reason::ALL[i - 1]),
            _ => answer.parse().ok(),
        };
        match picked {
            Some(r) => return Ok(Some(r)),
            None if matches!(ctx.input, crate::prompt::Input::Terminal) => ctx
                .ui
                .err_text(&format!("Enter a number from 1 to {n}, or q.\n")),
            // The answer is not printed back.
            None => {
                return Err(CommandError::usage(format!(
                    "the answer is not a number from 1 to {n}, a reason or q"
                )))
            }
        }
    }
}

pub fn cmd_utils_system_maintenance_initiate(
    ctx: &mut Ctx,
    args: UtilsSystemMaintenanceInitiateArgs,
) -> CmdResult {
    // A --reason that is not one is refused before anything is asked.
    let given = args.reason.as_deref().map(reason).transpose()?;
    let Some((_, hosts)) = nodes(ctx, &args.select, false)? else {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    };
    list(ctx, &hosts);
    let why = match given {
        Some(r) => Some(r),
        None if hosts.iter().any(|h| asks_reason(&h.product)) => match ask_reason(ctx)? {
            Some(r) => Some(r),
            None => {
                ctx.ui.status("Nothing was changed.");
                return Ok(());
            }
        },
        None => None,
    };
    let question = match why {
        Some(r) => format!("Put {} node(s) in maintenance ({})", hosts.len(), r.label()),
        None => format!("Put {} node(s) in maintenance", hosts.len()),
    };
    if !ctx.confirm(&question)? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let report = run_action(
        ctx,
        Action::Initiate(why),
        hosts,
        (args.peer_down, args.break_leases),
    )?;
    let (entered, already, failed) = (
        report.count(HostResult::InMaintenance),
        report.count(HostResult::AlreadyInMaintenance),
        report.count(HostResult::Failed),
    );
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "run": report.run,
            "result": report.overall(),
            "reason": why,
            "entered": entered,
            "already": already,
            "failed": failed,
            "hosts": report.hosts,
        }))?;
    } else {
        ctx.ui.line(&lines(
            &report,
            &format!("Maintenance: {entered} node(s) put in maintenance, {already} already in maintenance, {failed} failed"),
        ))?;
    }
    finish(&report, "maintenance initiate")
}
