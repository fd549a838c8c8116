//! `utils node cluster remove HOST[:PORT]`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Remove a member of this VOS cluster
#[derive(Debug, Args)]
pub struct UtilsNodeClusterRemoveArgs {
    /// The member's host name as it was added
    #[arg(value_name = "HOST[:PORT]")]
    pub host: String,
}

pub fn cmd_utils_node_cluster_remove(ctx: &mut Ctx, args: UtilsNodeClusterRemoveArgs) -> CmdResult {
    if !ctx.db()?.remove_vos_member(&args.host)? {
        return Err(
            CommandError::failed(format!("{} is not a member of this cluster", args.host))
                .with_hint("see them with: utils node cluster list"),
        );
    }
    ctx.ui
        .status(&format!("Cluster member {} removed.", args.host));
    Ok(())
}
