//! `utils system onboard status`: this cluster's onboarding as recorded on its publisher.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::onboarding;
use crate::output::{kv_block, vos_table};

/// Show this cluster's onboarding: the cluster name, the Cloud Connect node, each member's state
///
/// Read from what onboarding recorded on this node; nothing is contacted. A member that failed
/// shows why; `utils system onboard update` finishes what is missing.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system onboard status")]
pub struct UtilsSystemOnboardStatusArgs {}

pub fn cmd_utils_system_onboard_status(
    ctx: &mut Ctx,
    _args: UtilsSystemOnboardStatusArgs,
) -> CmdResult {
    let st = onboarding::status(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&st)?;
        return Ok(());
    }
    ctx.ui.line(&kv_block(&[
        (
            "Cluster",
            st.cluster
                .clone()
                .unwrap_or_else(|| "(not onboarded)".into()),
        ),
        (
            "Cloud Connect node",
            st.cloud_connect.clone().unwrap_or_else(|| "(none)".into()),
        ),
    ]))?;
    let rows: Vec<Vec<String>> = st
        .members
        .iter()
        .map(|m| {
            vec![
                m.member.clone(),
                m.host_type.to_string(),
                m.status.clone(),
                m.keys.to_string(),
                m.detail.clone().unwrap_or_default(),
            ]
        })
        .collect();
    ctx.ui.line(&vos_table(
        &["member", "type", "state", "keys installed", "detail"],
        &rows,
    ))?;
    Ok(())
}
