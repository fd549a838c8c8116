//! `hub alerts show`: the alerts, newest first, a page of 50 at a time, with where each one's
//! mail stands.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::plain_table;

/// The alerts, newest first (50 a page)
#[derive(Debug, Args)]
pub struct HubAlertsShowArgs {
    /// The page (1 is the newest)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub page: u64,
}

pub fn cmd_hub_alerts_show(ctx: &mut Ctx, at: &mut HubAt, args: HubAlertsShowArgs) -> CmdResult {
    let list = at.hub.alerts(args.page)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!(list)).map_err(failed)?;
        return Ok(());
    }
    if list.alerts.is_empty() {
        ctx.ui.line("No alert has been raised.").map_err(failed)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .alerts
        .iter()
        .map(|a| {
            vec![
                a.raised_at.clone(),
                a.kind.clone(),
                crate::text::terminal_safe(&a.text).into_owned(),
                a.mail.state.clone(),
            ]
        })
        .collect();
    ctx.ui
        .line(&format!(
            "{}\nPage {} of {} ({} alerts)",
            plain_table(&["RAISED (UTC)", "KIND", "ALERT", "MAIL"], &rows),
            list.page,
            list.pages,
            list.total
        ))
        .map_err(failed)?;
    Ok(())
}
