//! The software download's schedule, throttle and runs, as Cisco's 12.6(2) console has them:
//! `utils set software-download time HH:MM` (the daily time, in the cluster's time zone),
//! `utils set software-download bandwidth N` (KB/s, 0 unlimited), `utils initiate
//! software-download` (a run now) and `utils show software-download`.
//!
//! The time and the bandwidth are cluster settings (`shared.*` keys: the settings trigger logs
//! them on the publisher and they replicate to the subscriber, so no migration is needed); the
//! time is stored with the time zone it is read in, the publisher's unless one is given, so
//! both nodes download at the same instant. The last run is each node's own (a node-local key):
//! each node downloads into its own `artifacts/`. `ccadmin serve` reads the schedule again while
//! it waits ([`schedule`]), and every download reads the bandwidth when it starts.

use std::num::NonZeroU64;
use std::str::FromStr;

use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::artifacts::{self, Event, Scheduled};
use super::schedule::Schedule;
use super::{Kind, Node, OpError, OpResult};

/// The daily time and its zone (`HH:MM` or `HH:MM ZONE`), replicated.
const TIME_KEY: &str = "shared.software-download.time";
/// KB/s, replicated; absent or 0 is unlimited.
const BANDWIDTH_KEY: &str = "shared.software-download.bandwidth";
/// This node's last run (JSON), node-local.
const LAST_RUN_KEY: &str = "software-download.last-run";

/// The time `ccadmin serve` downloads at when none is set (its `--download-schedule` default).
pub const DEFAULT_TIME: DailyTime = DailyTime { hour: 2, minute: 0 };
/// The highest bandwidth that can be set: 10 GiB/s.
pub const MAX_KBPS: u64 = 10 * 1024 * 1024;
/// The lowest bandwidth that is not unlimited. A throttled read waits between the chunks the
/// network delivers (up to about 400 KiB each); at 64 KB/s a wait stays well inside the read
/// timeout, and an artifact of several GiB still arrives within days.
pub const MIN_KBPS: u64 = 64;

/// A time of day, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyTime {
    pub hour: u8,
    pub minute: u8,
}

/// Why a text is not a time of day (`utils set software-download time`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not two numbers around a colon.
    #[error("expected the time as HH:MM (24-hour clock), e.g. 02:00")]
    NotHhMm,
    /// The hour or the minute is out of its range.
    #[error(
        "the hour must be 00 to 23 and the minute 00 to 59 (HH:MM, 24-hour clock, e.g. 02:00)"
    )]
    OutOfRange,
}

impl FromStr for DailyTime {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<DailyTime, TimeError> {
        let (h, m) = s.trim().split_once(':').ok_or(TimeError::NotHhMm)?;
        let digits = |t: &str, max_len: usize| {
            (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse::<u8>().ok())
                .flatten()
        };
        let (Some(hour), Some(minute)) = (digits(h, 2), digits(m, 2).filter(|_| m.len() == 2))
        else {
            return Err(TimeError::NotHhMm);
        };
        if hour > 23 || minute > 59 {
            return Err(TimeError::OutOfRange);
        }
        Ok(DailyTime { hour, minute })
    }
}

impl std::fmt::Display for DailyTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// A download's throttle in KB/s (1 KB = 1024 bytes); 0 is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bandwidth(pub u64);

/// Why a text is not a bandwidth (`utils set software-download bandwidth`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BandwidthError {
    #[error("expected a whole number of KB/s: 0 (unlimited) or {MIN_KBPS} to {MAX_KBPS}")]
    NotANumber,
    #[error("a bandwidth other than 0 (unlimited) must be {MIN_KBPS} to {MAX_KBPS} KB/s")]
    OutOfRange,
}

impl FromStr for Bandwidth {
    type Err = BandwidthError;

    fn from_str(s: &str) -> Result<Bandwidth, BandwidthError> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BandwidthError::NotANumber);
        }
        match s.parse::<u64>() {
            Ok(0) => Ok(Bandwidth(0)),
            Ok(n) if (MIN_KBPS..=MAX_KBPS).contains(&n) => Ok(Bandwidth(n)),
            _ => Err(BandwidthError::OutOfRange),
        }
    }
}

impl Bandwidth {
    /// What the Artifactory client is given: bytes a second, `None` for unlimited.
    pub fn bytes_per_second(self) -> Option<NonZeroU64> {
        NonZeroU64::new(self.0.saturating_mul(1024))
    }
}

impl std::fmt::Display for Bandwidth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            0 => f.write_str("unlimited"),
            n => write!(f, "{n} KB/s"),
        }
    }
}

/// The cluster's software-download setting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Setting {
    /// The daily time, if one was set.
    pub time: Option<DailyTime>,
    /// The IANA zone the time is read in; `None`: this node's zone.
    pub time_zone: Option<String>,
    pub bandwidth: Bandwidth,
    /// A time is stored but cannot be read (a publisher's value this node does not know how to
    /// read, e.g. a zone its time-zone database lacks): it counts as not set, and says so.
    pub unreadable: bool,
}

/// The longest zone name a stored time may carry (IANA names are far shorter).
const MAX_ZONE: usize = 64;

/// A stored `HH:MM [ZONE]`, read only when the time parses and the zone is a known IANA zone
/// (the value is replicated from the publisher: nothing else of it is kept or shown).
fn read_time(v: &str) -> Option<(DailyTime, Option<String>)> {
    let (t, zone) = match v.split_once(' ') {
        Some((t, z)) => (t, Some(z)),
        None => (v, None),
    };
    let t = t.parse::<DailyTime>().ok()?;
    match zone {
        None => Some((t, None)),
        Some(z) if z.len() <= MAX_ZONE && TimeZone::get(z).is_ok() => Some((t, Some(z.to_owned()))),
        Some(_) => None,
    }
}

/// The stored setting. A value that does not parse counts as not set and is flagged
/// [`Setting::unreadable`].
pub fn setting(node: &mut Node) -> OpResult<Setting> {
    let db = node.db()?;
    let stored = db.setting(TIME_KEY)?;
    let read = stored.as_deref().and_then(read_time);
    let unreadable = stored.is_some() && read.is_none();
    let (time, time_zone) = match read {
        Some((t, z)) => (Some(t), z),
        None => (None, None),
    };
    let bandwidth = db
        .setting(BANDWIDTH_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    Ok(Setting {
        time,
        time_zone,
        bandwidth,
        unreadable,
    })
}

/// The throttle every download of this node honours.
pub fn bandwidth(node: &mut Node) -> OpResult<Bandwidth> {
    Ok(setting(node)?.bandwidth)
}

/// This node's time zone by its IANA name, when the system names one.
fn system_zone() -> Option<String> {
    TimeZone::try_system()
        .ok()
        .and_then(|z| z.iana_name().map(str::to_owned))
}

/// `utils set software-download time HH:MM [--time-zone ZONE]` (publisher only; replicated):
/// the daily time, read in `zone` or else in this node's zone. Returns the setting stored.
pub fn set_time(node: &mut Node, time: DailyTime, zone: Option<&str>) -> OpResult<Setting> {
    node.require_cloud_connect(true)?;
    let zone = match zone {
        Some(z) => {
            let z = z.trim();
            let tz = TimeZone::get(z).map_err(|e| {
                OpError::new(
                    Kind::Invalid,
                    format!("'{}' is not a time zone: {e}", crate::text::one_line(z)),
                )
                .hint("give an IANA name such as Europe/Berlin, America/New_York or UTC")
            })?;
            // Stored by its canonical name (`europe/berlin` is kept as Europe/Berlin).
            Some(tz.iana_name().unwrap_or(z).to_owned())
        }
        None => system_zone(),
    };
    let value = match &zone {
        Some(z) => format!("{time} {z}"),
        None => time.to_string(),
    };
    node.db()?.set_setting(TIME_KEY, &value)?;
    super::cluster::changed(node);
    setting(node)
}

/// `utils set software-download bandwidth N` (publisher only; replicated).
pub fn set_bandwidth(node: &mut Node, bandwidth: Bandwidth) -> OpResult {
    node.require_cloud_connect(true)?;
    node.db()?
        .set_setting(BANDWIDTH_KEY, &bandwidth.0.to_string())?;
    super::cluster::changed(node);
    Ok(())
}

/// The schedule a stored time makes (daily, in its zone); `None` when no time is set, and
/// the service keeps its own `--download-schedule`.
pub fn schedule(node: &mut Node) -> OpResult<Option<Schedule>> {
    let s = setting(node)?;
    s.time.map(|t| daily(t, s.time_zone.as_deref())).transpose()
}

fn daily(t: DailyTime, zone: Option<&str>) -> OpResult<Schedule> {
    Schedule::parse(&format!("{} {} * * *", t.minute, t.hour), zone)
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `ccadmin serve`'s schedule (or its first run after start).
    Scheduled,
    /// `utils initiate software-download`.
    OnDemand,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Scheduled => "scheduled",
            Trigger::OnDemand => "on demand",
        }
    }
}

/// This node's last run, as `show` gives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LastRun {
    /// When it ended, UTC (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// `scheduled` or `on demand`.
    pub trigger: String,
    /// `downloaded`, `skipped`, `interrupted` or `failed`.
    pub result: String,
    /// What it did, or why it failed.
    pub message: String,
}

/// The sentence a run's result is told in (the service's log and `show`).
pub fn describe(result: &OpResult<Scheduled>) -> (&'static str, String) {
    match result {
        Ok(Scheduled::NotConfigured) => (
            "skipped",
            "skipped: the image repository is not configured".to_owned(),
        ),
        Ok(Scheduled::Done(sum)) => (
            "downloaded",
            format!(
                "{} artifact(s) downloaded ({} bytes), {} already complete",
                sum.downloaded, sum.bytes, sum.already_complete
            ),
        ),
        Err(e) if e.kind == Kind::Interrupted => (
            "interrupted",
            "stopped before the end; the next run resumes it".to_owned(),
        ),
        Err(e) => ("failed", crate::text::one_line(&e.to_string()).into_owned()),
    }
}

/// Refuse `utils initiate software-download` before it starts: on a VOS node, or without an
/// image repository.
pub fn ready(node: &mut Node) -> OpResult {
    node.require_cloud_connect(false)?;
    if node.db()?.image_repository()?.is_none() {
        return Err(super::image_repository::not_configured());
    }
    Ok(())
}

/// Run the download as the schedule does (the stored setting, the orchestration lock, the
/// bandwidth), reporting `progress`, and record the run as this node's last. `utils initiate`
/// refuses when the image repository is not configured; the schedule records a skip. A run
/// that found another download holding the lock did nothing and is not recorded.
pub fn run(
    node: &mut Node,
    trigger: Trigger,
    progress: &mut dyn FnMut(Event),
) -> OpResult<Scheduled> {
    let holder = match trigger {
        Trigger::Scheduled => "scheduled artifact download",
        Trigger::OnDemand => {
            ready(node)?;
            "utils initiate software-download"
        }
    };
    let result = artifacts::scheduled(node, holder, progress);
    if !matches!(&result, Err(e) if e.kind == Kind::Busy) {
        let (outcome, message) = describe(&result);
        let recorded = node.db().and_then(|db| {
            let last = LastRun {
                at: db.now()?,
                trigger: trigger.as_str().to_owned(),
                result: outcome.to_owned(),
                message,
            };
            let json = serde_json::to_string(&last).unwrap_or_default();
            Ok(db.set_setting(LAST_RUN_KEY, &json)?)
        });
        // A failed run is reported as it failed, recorded or not; a run that worked but could
        // not be recorded fails, so `show` never silently claims an older last run.
        if let (Err(e), Ok(_)) = (recorded, &result) {
            return Err(e);
        }
    }
    result
}

/// `utils show software-download`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    /// The daily time (`HH:MM`): the one set, or the default.
    pub time: String,
    /// Whether the time was set (`false`: the default, and `ccadmin serve`'s
    /// `--download-schedule` or `--download-at` when it was started with one).
    pub time_set: bool,
    /// The zone the time is read in; `null`: this node's zone.
    pub time_zone: Option<String>,
    /// KB/s; 0 is unlimited.
    pub bandwidth_kbps: u64,
    pub last_run: Option<LastRun>,
    /// The next scheduled run, in the schedule's zone (`YYYY-MM-DD HH:MM ZONE`).
    pub next_run: Option<String>,
    /// A time is stored that this node cannot read (it then follows the default).
    pub time_unreadable: bool,
}

pub fn overview(node: &mut Node, now: Timestamp) -> OpResult<Overview> {
    let s = setting(node)?;
    let last_run = node
        .db()?
        .setting(LAST_RUN_KEY)?
        .and_then(|v| serde_json::from_str(&v).ok());
    let time = s.time.unwrap_or(DEFAULT_TIME);
    let zone = if s.time.is_some() {
        s.time_zone.clone()
    } else {
        None
    };
    let next_run = daily(time, zone.as_deref()).ok().and_then(|sched| {
        let tz = match &zone {
            Some(z) => TimeZone::get(z).ok()?,
            None => TimeZone::try_system().unwrap_or(TimeZone::UTC),
        };
        let at = sched.next_after(now)?.to_zoned(tz);
        Some(at.strftime("%Y-%m-%d %H:%M %Z").to_string())
    });
    Ok(Overview {
        time: time.to_string(),
        time_set: s.time.is_some(),
        time_zone: zone,
        bandwidth_kbps: s.bandwidth.0,
        last_run,
        next_run,
        time_unreadable: s.unreadable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_of_day_is_hh_mm_on_a_24_hour_clock() {
        assert_eq!("02:00".parse(), Ok(DailyTime { hour: 2, minute: 0 }));
        assert_eq!("2:05".parse(), Ok(DailyTime { hour: 2, minute: 5 }));
        assert_eq!("23:59".parse::<DailyTime>().unwrap().to_string(), "23:59");
        for bad in ["25:99", "24:00", "12:60"] {
            assert_eq!(
                bad.parse::<DailyTime>(),
                Err(TimeError::OutOfRange),
                "{bad}"
            );
        }
        for bad in [
            "0200", "2", ":", "a:b", "12:5", "-1:00", "12:000", "", "+1:00",
        ] {
            assert_eq!(bad.parse::<DailyTime>(), Err(TimeError::NotHhMm), "{bad}");
        }
    }

    #[test]
    fn a_bandwidth_is_zero_or_within_its_range() {
        assert_eq!("0".parse(), Ok(Bandwidth(0)));
        assert_eq!("2048".parse(), Ok(Bandwidth(2048)));
        assert_eq!(Bandwidth(0).bytes_per_second(), None);
        assert_eq!(Bandwidth(2048).bytes_per_second().unwrap().get(), 2 << 20);
        assert_eq!(Bandwidth(0).to_string(), "unlimited");
        assert_eq!(Bandwidth(64).to_string(), "64 KB/s");
        for bad in ["63", "1", "10485761", "99999999999999999999999"] {
            assert_eq!(
                bad.parse::<Bandwidth>(),
                Err(BandwidthError::OutOfRange),
                "{bad}"
            );
        }
        for bad in ["", "-5", "1.5", "fast", "10k"] {
            assert_eq!(
                bad.parse::<Bandwidth>(),
                Err(BandwidthError::NotANumber),
                "{bad}"
            );
        }
    }

    /// The daily schedule of a time fires at that time in its zone, across a daylight-saving
    /// change too.
    #[test]
    fn a_daily_time_fires_at_that_time_in_its_zone() {
        let s = daily(
            DailyTime {
                hour: 1,
                minute: 30,
            },
            Some("Europe/Berlin"),
        )
        .unwrap();
        let t: Timestamp = "2026-03-28T12:00:00Z".parse().unwrap();
        let next = s.next_after(t).unwrap();
        assert_eq!(next.to_string(), "2026-03-29T00:30:00Z", "01:30 CET");
        let after = s.next_after(next).unwrap();
        assert_eq!(after.to_string(), "2026-03-29T23:30:00Z", "01:30 CEST");
    }
}
