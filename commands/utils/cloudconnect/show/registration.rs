//! `utils cloudconnect show registration`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::cloudconnect;
use crate::output::{kv_block, one_line};

/// Show this cluster's registration with a hub: hub, display name, state, last poll
///
/// A cluster is registered from the hub's Cloud Connect page (Add Cloud Connect), allowed on
/// the publisher's consent page. Each node polls the hub and installs the releases it offers in
/// the cluster's upgrade windows.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils cloudconnect show registration\n  $ ccadmin utils cloudconnect show registration --output json"
)]
pub struct UtilsCloudconnectShowRegistrationArgs {}

pub fn cmd_utils_cloudconnect_show_registration(
    ctx: &mut Ctx,
    _args: UtilsCloudconnectShowRegistrationArgs,
) -> CmdResult {
    let reg = cloudconnect::registration(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "registration": reg }))?;
        return Ok(());
    }
    match reg {
        None => ctx.ui.line(
            "This Cloud Connect cluster is not registered with a hub (Add Cloud Connect on the hub's Cloud Connect page registers it).",
        )?,
        // The hub chose the display name and said the state: each shown as one line.
        Some(r) => ctx.ui.line(&kv_block(
            &[
                ("Hub", r.hub),
                ("Hub id", r.hub_id),
                ("Hub certificate SHA-256", r.cert_sha256),
                ("Display name", r.display_name),
                ("Registered", r.registered_at),
                ("State", r.state),
                ("Last poll", r.last_poll.unwrap_or_else(|| "never".into())),
            ]
            .map(|(k, v)| (k, one_line(&v).into_owned())),
        ))?,
    }
    Ok(())
}
