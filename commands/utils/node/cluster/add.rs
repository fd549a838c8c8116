//! `utils node cluster add HOST[:PORT]`: a member of this VOS cluster.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::state::db::VosMember;

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
    crate::names::validate_host(&args.host)
        .map_err(|w| CommandError::usage(format!("{}: {w}", args.host)))?;
    crate::names::validate_user(&args.user)
        .map_err(|w| CommandError::usage(format!("--user {}: {w}", args.user)))?;
    let node = ctx.db()?.node()?;
    if node.role != crate::domain::Role::Vos {
        return Err(CommandError::failed(
            "cluster members belong to VOS nodes; this node is a Cloud Connect node",
        )
        .with_hint("utils node set --role vos --component ... first"));
    }
    let identity = match args.identity {
        Some(p) => Some(
            std::fs::canonicalize(&p)
                .map_err(|e| CommandError::failed(format!("cannot read {}: {e}", p.display())))?
                .display()
                .to_string(),
        ),
        None => None,
    };
    let member = VosMember {
        authorized_keys: args
            .authorized_keys
            .unwrap_or_else(|| format!("/home/{}/.ssh/authorized_keys", args.user)),
        host: args.host,
        user: args.user,
        identity,
    };
    ctx.db()?.set_vos_member(&member)?;
    ctx.ui
        .status(&format!("Cluster member {} saved.", member.host));
    Ok(())
}
