//! `utils deployment show in-progress`: the running operation with each node's result so far,
//! or the last one when nothing runs (for an administrator whose session dropped).

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::orchestrate::{self as install, RunState};
use crate::output::{kv_block, plain_table};
use crate::state::orchestration::Run;

/// Show the Cloud Connect cluster's running orchestration operation (started on either node)
/// and each node's result so far, or the last one
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils deployment show in-progress")]
pub struct UtilsDeploymentShowInProgressArgs {}

pub fn cmd_utils_deployment_show_in_progress(
    ctx: &mut Ctx,
    _args: UtilsDeploymentShowInProgressArgs,
) -> CmdResult {
    let found = install::in_progress(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&match &found {
            Some((run, state)) => json!({ "state": state, "run": run }),
            None => json!({ "state": null, "run": null }),
        })?;
        return Ok(());
    }
    let Some((run, state)) = found else {
        ctx.ui
            .line("No orchestration operation has run in this Cloud Connect cluster.")?;
        return Ok(());
    };
    render(ctx, &run, state)
}

/// A run as `show in-progress` and `show progress-HA` print it.
pub fn render(ctx: &mut Ctx, run: &Run, state: RunState) -> CmdResult {
    let state = match state {
        RunState::Running => "in progress".to_owned(),
        RunState::Interrupted => {
            "interrupted: its process is gone (run the command again)".to_owned()
        }
        RunState::Unknown => format!(
            "unknown: {} runs it and cannot be asked now (if it is down, the same command here resumes the run with --peer-down)",
            run.node
        ),
        RunState::Finished => format!(
            "finished {} UTC: {}",
            run.finished_at.clone().unwrap_or_default(),
            run.result.clone().unwrap_or_default()
        ),
    };
    let mut fields = vec![
        ("Operation", format!("{} {}", run.operation, run.subject)),
        ("Cloud Connect node", run.node.clone()),
        (
            "Started",
            format!("{} UTC by {}", run.started_at, run.actor),
        ),
        ("State", state),
    ];
    if !run.note.is_empty() {
        fields.push(("Note", run.note.clone()));
    }
    ctx.ui.line(&kv_block(&fields))?;
    let rows: Vec<Vec<String>> = run
        .steps
        .iter()
        .map(|s| {
            vec![
                s.host.clone(),
                s.side.clone(),
                s.from_version.clone(),
                s.to_version.clone(),
                s.result.to_string(),
                if s.result == install::RUNNING {
                    format!("since {}", s.ended_at)
                } else {
                    format!("{:.1}s", s.seconds)
                },
                s.detail.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        ctx.ui.line(&plain_table(&install::TABLE, &rows))?;
    }
    Ok(())
}
