//! `utils system icm-services start` (Cloud Connect; Cisco's command): pick ICM hosts (flags,
//! or a menu of the inventory's ICM hosts), confirm, and start each host's ICM services with
//! the signed per-product commands; one line per host (`Services started`, `Services running`
//! or why it failed) and a summary. The work is in `ops::icm_services`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::icm_services::{self, HostResult};
use crate::ops::orchestrate::Choice;
use crate::orchestration_ui::{numbered, Selection};

/// Start the ICM services of the inventory's ICM hosts
///
/// ICM hosts are the inventory's Windows hosts of ROUTER, LOGGER, ROGGER, PG and DISTRIBUTOR.
/// Hosts come from the flags or, with none, from a menu (an ICM host, all ICM hosts, the ICM
/// hosts of side A or B). After a yes/no question (--yes in batches) each host's services are
/// read and the ones not running started, with the commands the signed icm-services.json
/// gives for its product; each host gets a line: Services started, Services running, or why
/// it failed. Holds the orchestration lock and the cluster's run; recorded in the run history
/// and the audit log. Exit status 0 all hosts good, 3 some failed, 1 all failed.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system icm-services start\n  $ ccadmin utils system icm-services start --side A --yes"
)]
pub struct UtilsSystemIcmServicesStartArgs {
    #[command(flatten)]
    pub select: Selection,
    /// Run although the other Cloud Connect node cannot be asked whether it runs an
    /// orchestration (you know it is down); the run records it
    #[arg(long)]
    pub peer_down: bool,
}

const MENU: [&str; 4] = [
    "An ICM host",
    "All ICM hosts",
    "All Side A ICM hosts",
    "All Side B ICM hosts",
];

pub fn cmd_utils_system_icm_services_start(
    ctx: &mut Ctx,
    args: UtilsSystemIcmServicesStartArgs,
) -> CmdResult {
    // The role and an inventory without ICM hosts are refused before the menu.
    let icm = icm_services::chosen(&mut ctx.node, &Choice::default())?;
    let sel = &args.select;
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
        let names: Vec<String> = icm.iter().map(|r| r.name.clone()).collect();
        match menu(ctx, &names)? {
            Some(c) => c,
            None => {
                ctx.ui.status("Nothing was changed.");
                return Ok(());
            }
        }
    } else {
        given
    };
    let hosts = icm_services::chosen(&mut ctx.node, &choice)?;
    let list: Vec<String> = hosts
        .iter()
        .map(|h| format!("  {} ({}, side {})\n", h.name, h.product, h.side))
        .collect();
    ctx.ui.err_text(&format!(
        "ICM services on {} ICM host(s):\n{}",
        hosts.len(),
        list.concat()
    ));
    if !ctx.confirm(&format!(
        "Start the ICM services on {} ICM host(s)",
        hosts.len()
    ))? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let actor = ctx.actor.clone();
    let total = hosts.len();
    let mut done = 0;
    let ui = &mut ctx.ui;
    // Progress as each host ends (a start may take minutes); the lines follow on stdout.
    let report = icm_services::start(&mut ctx.node, hosts, &actor, args.peer_down, &mut |h| {
        done += 1;
        ui.status(&format!(
            "[{done}/{total}] {}: {}",
            h.host,
            h.result.label()
        ))
    })?;
    let (started, running, failed) = (
        report.count(HostResult::Started),
        report.count(HostResult::Running),
        report.count(HostResult::Failed),
    );
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "run": report.run,
            "result": report.overall(),
            "started": started,
            "running": running,
            "failed": failed,
            "hosts": report.hosts,
        }))?;
    } else {
        let mut text = String::new();
        for h in &report.hosts {
            match &h.error {
                Some(why) => text.push_str(&format!("{}: Failed: {why}\n", h.host)),
                None => text.push_str(&format!("{}: {}\n", h.host, h.result.label())),
            }
        }
        text.push_str(&format!(
            "ICM services: {started} host(s) started, {running} already running, {failed} failed"
        ));
        ctx.ui.line(&text)?;
    }
    if failed == 0 {
        return Ok(());
    }
    let names: Vec<&str> = report
        .hosts
        .iter()
        .filter(|h| h.result == HostResult::Failed)
        .map(|h| h.host.as_str())
        .collect();
    let message = format!(
        "the ICM services of {failed} of {} host(s) could not be started ({})",
        report.hosts.len(),
        names.join(", ")
    );
    crate::orchestration_ui::run_status(
        failed,
        report.hosts.len(),
        message,
        "fix the cause named for each host and run the command again (hosts whose services run are not touched)",
    )
}

/// The menu of ICM hosts (a terminal's prompt or the batch's next lines); `None`: `q`.
fn menu(ctx: &mut Ctx, names: &[String]) -> CmdResult<Option<Choice>> {
    let Some(picked) = numbered(ctx, "Please select an option", &MENU, FLAGS)? else {
        return Ok(None);
    };
    let mut choice = Choice::default();
    match picked {
        0 => {
            let Some(i) = numbered(ctx, "Select the ICM host", names, FLAGS)? else {
                return Ok(None);
            };
            choice.nodes = vec![names[i].clone()];
        }
        1 => choice.all = true,
        n => choice.side = Some(if n == 2 { "A" } else { "B" }.into()),
    }
    Ok(Some(choice))
}

/// The flags that choose ICM hosts without the menu.
const FLAGS: &str = "--node, --group, --all, --side";
