//! `hub alerts` menu: who the hub's alerts are mailed to, when a node counts as offline for
//! long enough to alert, the hour of the daily digest, and the alerts themselves.
//!
//! The alerts have subscribed addresses of their own rather than the accounts' (which have
//! none): a team mailbox or a pager gateway can receive them without being a person who signs
//! in, and an account can be shared by no one who wants the mail — as the nodes' `utils smtp
//! subscribe`.

use clap::Subcommand;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod list;
pub mod set;
pub mod show;
pub mod subscribe;
pub mod unsubscribe;

#[derive(Debug, Subcommand)]
pub enum AlertsCommands {
    Subscribe(subscribe::HubAlertsSubscribeArgs),
    Unsubscribe(unsubscribe::HubAlertsUnsubscribeArgs),
    List(list::HubAlertsListArgs),
    Set(set::HubAlertsSetArgs),
    Show(show::HubAlertsShowArgs),
}

pub fn run(ctx: &mut Ctx, at: &mut HubAt, cmd: AlertsCommands) -> CmdResult {
    match cmd {
        AlertsCommands::Subscribe(a) => subscribe::cmd_hub_alerts_subscribe(ctx, at, a),
        AlertsCommands::Unsubscribe(a) => unsubscribe::cmd_hub_alerts_unsubscribe(ctx, at, a),
        AlertsCommands::List(a) => list::cmd_hub_alerts_list(ctx, at, a),
        AlertsCommands::Set(a) => set::cmd_hub_alerts_set(ctx, at, a),
        AlertsCommands::Show(a) => show::cmd_hub_alerts_show(ctx, at, a),
    }
}
