//! The options of `ccadmin serve` (the clap arguments) and the download schedule they name.
//! Kept apart from the service so the command-line surface reads in one place and the tree
//! (`cli.rs`) depends on this much of the service only.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::ops::schedule::Schedule;
use crate::ops::OpError;

/// Run the node service
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Example:\n  $ ccadmin serve --listen 0.0.0.0:8445 --download-schedule \"30 1 * * 6\" --time-zone Europe/Berlin"
)]
pub struct ServeArgs {
    /// Address and port to listen on
    #[arg(
        long,
        value_name = "ADDR:PORT",
        default_value = "0.0.0.0:8445",
        env = "CCADMIN_LISTEN"
    )]
    pub listen: SocketAddr,
    /// Seconds between cluster chores: a subscriber joining its publisher, replication retries
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub sync_interval: u64,
    /// When the artifact download runs: a cron schedule (minute hour day-of-month month
    /// day-of-week) read in --time-zone
    #[arg(long, value_name = "CRON", default_value = "0 2 * * *")]
    pub download_schedule: String,
    /// Daily artifact download at this time (short for --download-schedule "MM HH * * *")
    #[arg(long, value_name = "HH:MM", value_parser = parse_hhmm, conflicts_with = "download_schedule")]
    pub download_at: Option<(u32, u32)>,
    /// Time zone of the schedule (IANA name, e.g. Europe/Berlin) [default: the system's]
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// Seconds after start of the first artifact download
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub download_delay: u64,
    /// Seconds between polls of the hub the cluster is registered with (doubled after each
    /// failure, up to an hour)
    #[arg(long, value_name = "SECONDS", default_value_t = 300, env = "CCADMIN_HUB_POLL_INTERVAL", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub hub_poll_interval: u64,
    /// Seconds between comparisons of the publisher's replicated state with its subscriber's
    /// (utils dbreplication status); a difference is logged and mailed
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=604800))]
    pub replication_check_interval: u64,
    /// The release directory this node runs from (DIR/current -> DIR/releases/VERSION); a node
    /// with one installs the releases its hub offers
    #[arg(long, value_name = "DIR", env = "CCADMIN_RELEASE_ROOT")]
    pub release_root: Option<PathBuf>,
}

/// Why a `--download-at` value is not a time of day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HhmmError {
    /// No colon between the hour and the minute.
    #[error("expected HH:MM")]
    NoColon,
    /// The hour or the minute is not a number in its range.
    #[error("expected HH:MM, e.g. 02:00")]
    OutOfRange,
}

fn parse_hhmm(s: &str) -> Result<(u32, u32), HhmmError> {
    let (h, m) = s.split_once(':').ok_or(HhmmError::NoColon)?;
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h < 24 && m < 60 => Ok((h, m)),
        _ => Err(HhmmError::OutOfRange),
    }
}

impl ServeArgs {
    /// The download schedule the options name.
    pub fn schedule(&self) -> Result<Schedule, OpError> {
        let cron = match self.download_at {
            Some((h, m)) => format!("{m} {h} * * *"),
            None => self.download_schedule.clone(),
        };
        Schedule::parse(&cron, self.time_zone.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--download-at` takes a time of day, and says what it expected otherwise (the texts
    /// clap shows after the value).
    #[test]
    fn download_at_is_a_time_of_day() {
        assert_eq!(parse_hhmm("02:00"), Ok((2, 0)));
        assert_eq!(parse_hhmm("23:59"), Ok((23, 59)));
        assert_eq!(
            parse_hhmm("0200").unwrap_err().to_string(),
            "expected HH:MM"
        );
        for bad in ["24:00", "12:60", "a:b", ":"] {
            assert_eq!(
                parse_hhmm(bad).unwrap_err().to_string(),
                "expected HH:MM, e.g. 02:00",
                "{bad}"
            );
        }
    }
}
