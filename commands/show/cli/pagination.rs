//! `show cli pagination`: `Automatic Pagination : On.` or `Off.`

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;

/// Show whether long output is paged in this session
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:show cli pagination")]
pub struct ShowCliPaginationArgs {}

pub fn cmd_show_cli_pagination(ctx: &mut Ctx, _args: ShowCliPaginationArgs) -> CmdResult {
    let on = ctx.ui.pagination;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "pagination": on }))?;
    } else {
        ctx.ui.line(&format!(
            "Automatic Pagination : {}.",
            if on { "On" } else { "Off" }
        ))?;
    }
    Ok(())
}
