//! `hub cluster schedule set`: change a cluster's schedule (what is not given stays); the change
//! is recorded with who made it.

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::hub::{describe, when};
use crate::ops::upgrade_window::ScheduleChange;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
}

/// Change the schedule (what is not given stays); clears a postponement
#[derive(Debug, Args)]
pub struct HubClusterScheduleSetArgs {
    pub name: String,
    #[arg(long, value_enum)]
    pub frequency: Option<Freq>,
    /// Weekly: the days, e.g. mon,thu
    #[arg(long, value_name = "DAYS", value_delimiter = ',')]
    pub days: Vec<String>,
    /// Monthly: the day of the month (1 to 28)
    #[arg(long, value_name = "N")]
    pub day: Option<u8>,
    /// The window's hour (0 to 23) on the zone's clock
    #[arg(long, value_name = "H")]
    pub hour: Option<u8>,
    /// IANA time zone, e.g. Europe/Berlin
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// The daily hour of urgent releases (0 to 23)
    #[arg(long, value_name = "H")]
    pub urgent_hour: Option<u8>,
}

pub fn cmd_hub_cluster_schedule_set(
    ctx: &mut Ctx,
    at: &mut HubAt,
    args: HubClusterScheduleSetArgs,
) -> CmdResult {
    let change = ScheduleChange {
        frequency: args.frequency.map(|f| {
            match f {
                Freq::Daily => "daily",
                Freq::Weekly => "weekly",
                Freq::Monthly => "monthly",
            }
            .to_owned()
        }),
        days: args.days,
        day: args.day,
        hour: args.hour,
        time_zone: args.time_zone,
        urgent_hour: args.urgent_hour,
    };
    let s = change.apply(&at.hub.cluster(&args.name, at.now)?.schedule)?;
    let c = at.hub.set_schedule(&args.name, s, &ctx.actor, at.now)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "cluster": c })).map_err(failed)?;
    } else {
        ctx.ui
            .line(&format!(
                "{}: {}; next upgrade {}",
                c.display_name,
                describe(&c.schedule),
                when(c.next_upgrade.start, &c.schedule.time_zone)
            ))
            .map_err(failed)?;
    }
    Ok(())
}
