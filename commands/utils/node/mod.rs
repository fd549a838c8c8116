//! `utils node` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod cluster;
pub mod cluster_secret;
pub mod set;
pub mod show;

#[derive(Debug, Subcommand)]
pub enum NodeCommands {
    Show(show::UtilsNodeShowArgs),
    Set(set::UtilsNodeSetArgs),
    /// The other members of this VOS node's cluster
    #[command(subcommand)]
    Cluster(cluster::ClusterCommands),
    ClusterSecret(cluster_secret::UtilsNodeClusterSecretArgs),
}

impl NodeCommands {
    pub fn changes_state(&self) -> bool {
        match self {
            NodeCommands::Set(_) | NodeCommands::ClusterSecret(_) => true,
            NodeCommands::Cluster(c) => c.changes_state(),
            NodeCommands::Show(_) => false,
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: NodeCommands) -> CmdResult {
    match cmd {
        NodeCommands::Show(args) => show::cmd_utils_node_show(ctx, args),
        NodeCommands::Set(args) => set::cmd_utils_node_set(ctx, args),
        NodeCommands::Cluster(c) => cluster::run(ctx, c),
        NodeCommands::ClusterSecret(a) => cluster_secret::cmd_utils_node_cluster_secret(ctx, a),
    }
}
