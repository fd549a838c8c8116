//! `utils node cluster` menu: the other members of this VOS node's cluster, as the publisher
//! reaches them over SSH for onboarding.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod add;
pub mod list;
pub mod remove;

#[derive(Debug, Subcommand)]
pub enum ClusterCommands {
    Add(add::UtilsNodeClusterAddArgs),
    Remove(remove::UtilsNodeClusterRemoveArgs),
    List(list::UtilsNodeClusterListArgs),
}

impl ClusterCommands {
    pub fn changes_state(&self) -> bool {
        !matches!(self, ClusterCommands::List(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: ClusterCommands) -> CmdResult {
    match cmd {
        ClusterCommands::Add(a) => add::cmd_utils_node_cluster_add(ctx, a),
        ClusterCommands::Remove(a) => remove::cmd_utils_node_cluster_remove(ctx, a),
        ClusterCommands::List(a) => list::cmd_utils_node_cluster_list(ctx, a),
    }
}
