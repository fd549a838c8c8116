//! `utils node cluster` menu: the other members of this VOS node's cluster, as the publisher
//! reaches them over SSH for onboarding.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::output::vos_table;
use crate::state::db::VosMember;

#[derive(Debug, Subcommand)]
pub enum ClusterCommands {
    /// Add (or change) a member of this VOS cluster
    Add(UtilsNodeClusterAddArgs),
    /// Remove a member of this VOS cluster
    Remove(UtilsNodeClusterRemoveArgs),
    /// List the members of this VOS cluster
    List(UtilsNodeClusterListArgs),
}

impl ClusterCommands {
    pub fn changes_state(&self) -> bool {
        !matches!(self, ClusterCommands::List(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: ClusterCommands) -> CmdResult {
    match cmd {
        ClusterCommands::Add(a) => cmd_utils_node_cluster_add(ctx, a),
        ClusterCommands::Remove(a) => cmd_utils_node_cluster_remove(ctx, a),
        ClusterCommands::List(a) => cmd_utils_node_cluster_list(ctx, a),
    }
}

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
    if node.role != "vos" {
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

/// List the members of this VOS cluster
#[derive(Debug, Args)]
pub struct UtilsNodeClusterListArgs {}

pub fn cmd_utils_node_cluster_list(ctx: &mut Ctx, _args: UtilsNodeClusterListArgs) -> CmdResult {
    let members = ctx.db()?.vos_members()?;
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
