//! `hub cluster` menu: the registered Cloud Connect clusters and their upgrade schedules.

use clap::Subcommand;

use super::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod add;
pub mod list;
pub mod postpone;
pub mod schedule;
pub mod show;
pub mod unregister;

#[derive(Debug, Subcommand)]
pub enum ClusterCommands {
    Add(add::HubClusterAddArgs),
    List(list::HubClusterListArgs),
    Show(show::HubClusterShowArgs),
    Unregister(unregister::HubClusterUnregisterArgs),
    /// The cluster's automatic upgrade schedule
    #[command(subcommand)]
    Schedule(schedule::ScheduleCommands),
    Postpone(postpone::HubClusterPostponeArgs),
}

pub fn run(ctx: &mut Ctx, at: &mut HubAt, cmd: ClusterCommands) -> CmdResult {
    match cmd {
        ClusterCommands::Add(a) => add::cmd_hub_cluster_add(ctx, at, a),
        ClusterCommands::List(a) => list::cmd_hub_cluster_list(ctx, at, a),
        ClusterCommands::Show(a) => show::cmd_hub_cluster_show(ctx, at, a),
        ClusterCommands::Unregister(a) => unregister::cmd_hub_cluster_unregister(ctx, at, a),
        ClusterCommands::Schedule(c) => schedule::run(ctx, at, c),
        ClusterCommands::Postpone(a) => postpone::cmd_hub_cluster_postpone(ctx, at, a),
    }
}
