//! `utils patch-manager install PATCH`: a verified patch on the Windows hosts of its product,
//! one node at a time, side A before side B.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::ops::install::{self, Choice, Result_};
use crate::output::plain_table;

/// Install a verified patch on the Windows hosts of its product, one node at a time
///
/// The patch must be listed as verified by `utils patch-manager list`. Each node, side A
/// before side B: log in with this node's key (a host key known_hosts does not hold is
/// refused: run test-connection first), transfer the file over SFTP, run the manifest's
/// silent command line. The run stops after --max-fail failed nodes; every result is recorded
/// and mailed to the subscribers. Exit status: 0 all installed, 3 some failed, 1 none.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils patch-manager install ES5.exe\n  admin:utils patch-manager install ES5.exe --side A --yes"
)]
pub struct UtilsPatchManagerInstallArgs {
    /// The patch (its file name, as the list shows it)
    #[arg(value_name = "PATCH")]
    pub patch: String,
    /// Only this host (repeat for more)
    #[arg(long, value_name = "NAME")]
    pub node: Vec<String>,
    /// Only the hosts of this side (A or B)
    #[arg(long, value_name = "A|B")]
    pub side: Option<String>,
    /// Go on after this many failed nodes
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_fail: usize,
}

pub fn cmd_utils_patch_manager_install(
    ctx: &mut Ctx,
    args: UtilsPatchManagerInstallArgs,
) -> CmdResult {
    let choice = Choice {
        nodes: args.node.clone(),
        side: args.side.clone(),
    };
    let plan = install::plan(&mut ctx.node, &args.patch, &choice)?;
    let names: Vec<String> = plan
        .nodes
        .iter()
        .map(|r| format!("{} (side {})", r.name, r.side))
        .collect();
    ctx.ui.err_text(&format!(
        "{} {} (signed by {}) on {} node(s), one at a time:\n  {}\n",
        plan.manifest.product,
        plan.manifest.version,
        plan.signer,
        plan.nodes.len(),
        names.join("\n  ")
    ));
    let question = if plan.manifest.reboot {
        "The patch restarts each node. Install it"
    } else {
        "Install it"
    };
    if !ctx.confirm(question)? {
        ctx.ui.status("Nothing was installed.");
        return Ok(());
    }
    let actor = ctx.actor.clone();
    let ui = &mut ctx.ui;
    let report = install::install(&mut ctx.node, &plan, &actor, args.max_fail, &mut |r| {
        ui.status(&format!(
            "{}: {:?} ({:.1}s) {}",
            r.host, r.result, r.seconds, r.detail
        ));
    })?;
    let done = report
        .nodes
        .iter()
        .filter(|r| r.result == Result_::Installed)
        .count();
    if ctx.ui.json_output() {
        ctx.ui
            .json(&json!({ "run": report.run, "nodes": report.nodes, "installed": done }))?;
    } else {
        ctx.ui.line(&plain_table(
            &install::TABLE,
            &install::table(&report.nodes),
        ))?;
    }
    let total = report.nodes.len();
    if done == total {
        Ok(())
    } else if done == 0 {
        Err(CommandError::failed(format!(
            "the patch was installed on none of {total} node(s)"
        ))
        .with_hint("fix the cause named for each node, then run the install again"))
    } else {
        Err(CommandError::new(
            ErrorKind::Partial,
            format!("the patch was installed on {done} of {total} node(s)"),
        )
        .with_hint(
            "the nodes not done are named above; run the install again for them with --node",
        ))
    }
}
