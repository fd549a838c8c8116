//! `utils node cluster add HOST[:PORT]`: a member of this VOS cluster.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::onboarding::members;

/// Add (or change) a member of this VOS cluster
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils node cluster add finesse-b.example.com --user ccorch --identity /home/admin/.ssh/platform_key"
)]
pub struct UtilsNodeClusterAddArgs {
    /// The member's host name, as Cloud Connect reaches it (HOST or HOST:PORT)
    #[arg(value_name = "HOST[:PORT]")]
    pub host: String,
    /// The member's orchestration account
    #[arg(long, value_name = "NAME")]
    pub user: String,
    /// That account's authorized_keys on the member [default: ~NAME/.ssh/authorized_keys]
    #[arg(long, value_name = "PATH")]
    pub authorized_keys: Option<String>,
    /// The private key this publisher logs in to the member with (the cluster's platform key)
    #[arg(long, value_name = "KEYFILE")]
    pub identity: Option<PathBuf>,
}

pub fn cmd_utils_node_cluster_add(ctx: &mut Ctx, args: UtilsNodeClusterAddArgs) -> CmdResult {
    let member = members::add(
        &mut ctx.node,
        members::NewMember {
            host: args.host,
            user: args.user,
            authorized_keys: args.authorized_keys,
            identity: args.identity,
        },
    )?;
    ctx.ui
        .status(&format!("Cluster member {} saved.", member.host));
    Ok(())
}
