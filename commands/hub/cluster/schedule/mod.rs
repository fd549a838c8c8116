//! `hub cluster schedule` menu: the cluster's automatic upgrade schedule.

use clap::Subcommand;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod set;

#[derive(Debug, Subcommand)]
pub enum ScheduleCommands {
    Set(set::HubClusterScheduleSetArgs),
}

pub fn run(ctx: &mut Ctx, at: &mut HubAt, cmd: ScheduleCommands) -> CmdResult {
    match cmd {
        ScheduleCommands::Set(a) => set::cmd_hub_cluster_schedule_set(ctx, at, a),
    }
}
