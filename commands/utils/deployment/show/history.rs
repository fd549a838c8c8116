//! `utils deployment show history`: every orchestration run, who ran it and how it ended.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate as install;
use crate::output::plain_table;

/// Show the orchestration runs of both Cloud Connect nodes: what, where, who, when, which nodes
/// and how each ended
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils deployment show history --limit 5")]
pub struct UtilsDeploymentShowHistoryArgs {
    /// How many runs, newest first
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

pub fn cmd_utils_deployment_show_history(
    ctx: &mut Ctx,
    args: UtilsDeploymentShowHistoryArgs,
) -> CmdResult {
    let runs = install::history(&mut ctx.node, args.limit)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "runs": runs }))?;
        return Ok(());
    }
    if runs.is_empty() {
        ctx.ui
            .line("No orchestration operation has run in this Cloud Connect cluster.")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            let count = |what: &str| r.steps.iter().filter(|s| s.result == what).count();
            vec![
                r.id.to_string(),
                r.started_at.clone(),
                r.node.clone(),
                r.actor.clone(),
                format!("{} {}", r.operation, r.subject),
                r.result.clone().unwrap_or_else(|| "not finished".into()),
                format!(
                    "{} done, {} already done, {} not applicable, {} failed, {} skipped",
                    count("Done"),
                    count("Already done"),
                    count("Not applicable"),
                    count("Failed") + count("Interrupted"),
                    count("Skipped")
                ),
            ]
        })
        .collect();
    ctx.ui.line(&plain_table(
        &[
            "RUN",
            "STARTED (UTC)",
            "CLOUD CONNECT",
            "BY",
            "OPERATION",
            "RESULT",
            "NODES",
        ],
        &rows,
    ))?;
    Ok(())
}
