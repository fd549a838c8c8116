//! `hub release list`: the published releases, newest first, withdrawn ones marked.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::plain_table;

/// The published releases, newest first
#[derive(Debug, Args)]
pub struct HubReleaseListArgs {}

pub fn cmd_hub_release_list(ctx: &mut Ctx, at: &mut HubAt, _args: HubReleaseListArgs) -> CmdResult {
    let list = at.hub.releases()?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "releases": list })).map_err(failed)?;
        return Ok(());
    }
    if list.is_empty() {
        ctx.ui
            .line("No release is published (ccadmin hub release add publishes one).")
            .map_err(failed)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|r| {
            vec![
                r.version.clone(),
                if r.urgent { "urgent" } else { "" }.into(),
                r.size.to_string(),
                r.sha256.clone(),
                r.added_at.clone(),
                match (&r.withdrawn_at, &r.withdrawn_by) {
                    (Some(at), Some(by)) => format!("{at} by {by}"),
                    _ => String::new(),
                },
                r.notes.lines().next().unwrap_or("").to_owned(),
            ]
        })
        .collect();
    ctx.ui
        .line(&plain_table(
            &[
                "VERSION",
                "URGENT",
                "BYTES",
                "SHA-256",
                "ADDED",
                "WITHDRAWN",
                "NOTES",
            ],
            &rows,
        ))
        .map_err(failed)?;
    Ok(())
}
