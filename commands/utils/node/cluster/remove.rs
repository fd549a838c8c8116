//! `utils node cluster remove HOST[:PORT]`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;

/// Remove a member of this VOS cluster
#[derive(Debug, Args)]
pub struct UtilsNodeClusterRemoveArgs {
    /// The member's host name as it was added
    #[arg(value_name = "HOST[:PORT]")]
    pub host: String,
}

pub fn cmd_utils_node_cluster_remove(ctx: &mut Ctx, args: UtilsNodeClusterRemoveArgs) -> CmdResult {
    crate::ops::onboarding::members::remove(&mut ctx.node, &args.host)?;
    ctx.ui
        .status(&format!("Cluster member {} removed.", args.host));
    Ok(())
}
