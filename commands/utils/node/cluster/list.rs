//! `utils node cluster list`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::vos_table;

/// List the members of this VOS cluster
#[derive(Debug, Args)]
pub struct UtilsNodeClusterListArgs {}

pub fn cmd_utils_node_cluster_list(ctx: &mut Ctx, _args: UtilsNodeClusterListArgs) -> CmdResult {
    let members = crate::ops::onboarding::members::list(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&members)?;
        return Ok(());
    }
    if members.is_empty() {
        ctx.ui.status("This node has no other cluster members. Add them with: utils node cluster add HOST --user NAME");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            vec![
                m.host.clone(),
                m.user.clone(),
                m.authorized_keys.clone(),
                m.identity.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    ctx.ui.line(&vos_table(
        &["host", "user", "authorized_keys", "identity"],
        &rows,
    ))?;
    Ok(())
}
