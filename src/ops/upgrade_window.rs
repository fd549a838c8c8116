//! A Cloud Connect cluster's automatic upgrade schedule (issue 14, as Control Hub keeps it):
//! a frequency (every day, chosen weekdays, or a day of the month), a whole hour and an IANA
//! time zone give one-hour upgrade windows; a daily urgent hour gives the windows of urgent
//! releases. Postpone skips exactly the next regular window, once; changing the schedule clears
//! it. Windows are computed on the zone's wall clock (`ops::schedule`, cron in a zone), so
//! "03:00" stays 03:00 on both sides of a daylight-saving change; a wall time that does not
//! exist that day (02:30 when clocks jump from 02:00 to 03:00) falls at the first instant after
//! the gap. The clock is always passed in, so tests run years of windows in microseconds.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::schedule::Schedule;
use super::{Kind, OpError, OpResult};

/// How long a window lasts.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Sun,
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Sun,
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
    ];
    pub fn name(self) -> &'static str {
        ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][self as usize]
    }
    pub fn parse(s: &str) -> Option<Weekday> {
        let s = s.trim().to_ascii_lowercase();
        Weekday::ALL
            .into_iter()
            .find(|d| s == d.name() || (s.len() > 3 && d.name().starts_with(&s[..3])))
    }
}

/// When regular windows come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "frequency", rename_all = "kebab-case")]
pub enum Frequency {
    Daily,
    /// On each of these days (at least one).
    Weekly {
        days: Vec<Weekday>,
    },
    /// On this day of every month (1 to 28, so that every month has it).
    Monthly {
        day: u8,
    },
}

/// A cluster's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeSchedule {
    #[serde(flatten)]
    pub frequency: Frequency,
    /// The window's first hour on the zone's clock (0 to 23).
    pub hour: u8,
    /// IANA name.
    pub time_zone: String,
    /// The daily hour of urgent releases' windows (0 to 23).
    pub urgent_hour: u8,
    /// The start of the regular window that postpone skips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postponed: Option<Timestamp>,
}

/// One window: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Window {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// A change of a schedule as a person asks for it (the CLI's options, the settings page's
/// form, the JSON API's body): what is not given stays.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleChange {
    /// `daily`, `weekly` or `monthly`.
    #[serde(default)]
    pub frequency: Option<String>,
    /// Weekly: the days (`mon`, `tue`, ...).
    #[serde(default)]
    pub days: Vec<String>,
    /// Monthly: the day of the month.
    #[serde(default)]
    pub day: Option<u8>,
    #[serde(default)]
    pub hour: Option<u8>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub urgent_hour: Option<u8>,
}

impl ScheduleChange {
    /// `old` with this change made (checked when it is saved).
    pub fn apply(&self, old: &UpgradeSchedule) -> OpResult<UpgradeSchedule> {
        let mut s = old.clone();
        let days = self
            .days
            .iter()
            .map(|d| {
                Weekday::parse(d).ok_or_else(|| {
                    OpError::new(
                        Kind::Invalid,
                        format!("'{}' is not a weekday", d.escape_debug()),
                    )
                    .hint("give mon, tue, wed, thu, fri, sat or sun")
                })
            })
            .collect::<OpResult<Vec<_>>>()?;
        s.frequency = match (self.frequency.as_deref(), &s.frequency) {
            (Some("daily"), _) => Frequency::Daily,
            (Some("weekly"), _) => Frequency::Weekly { days },
            (Some("monthly"), _) => Frequency::Monthly {
                day: self.day.unwrap_or(1),
            },
            (Some(other), _) => {
                return Err(OpError::new(
                    Kind::Invalid,
                    format!("'{}' is not a frequency", other.escape_debug()),
                )
                .hint("give daily, weekly or monthly"))
            }
            (None, Frequency::Weekly { .. }) if !days.is_empty() => Frequency::Weekly { days },
            (None, Frequency::Monthly { .. }) if self.day.is_some() => Frequency::Monthly {
                day: self.day.unwrap_or(1),
            },
            (None, f) => f.clone(),
        };
        if let Some(h) = self.hour {
            s.hour = h;
        }
        if let Some(z) = &self.time_zone {
            s.time_zone = z.trim().to_owned();
        }
        if let Some(h) = self.urgent_hour {
            s.urgent_hour = h;
        }
        Ok(s)
    }
}

impl UpgradeSchedule {
    /// The schedule a cluster gets at registration (it cannot be switched off, only changed):
    /// every day at 03:00, urgent releases at 01:00, in `time_zone`.
    pub fn default_in(time_zone: &str) -> UpgradeSchedule {
        UpgradeSchedule {
            frequency: Frequency::Daily,
            hour: 3,
            time_zone: time_zone.to_owned(),
            urgent_hour: 1,
            postponed: None,
        }
    }

    /// Every field within its range, the zone a real IANA zone.
    pub fn check(&self) -> OpResult {
        let bad = |m: String| Err(OpError::new(Kind::Invalid, m));
        if self.hour > 23 || self.urgent_hour > 23 {
            return bad(format!(
                "hours are 0 to 23, not {} / {}",
                self.hour, self.urgent_hour
            ));
        }
        match &self.frequency {
            Frequency::Weekly { days } if days.is_empty() => {
                return bad("a weekly schedule needs at least one day".into())
            }
            Frequency::Monthly { day } if !(1..=28).contains(day) => {
                return bad(format!(
                    "the day of the month is 1 to 28 (every month has it), not {day}"
                ))
            }
            _ => {}
        }
        self.schedule(false).map(|_| ())
    }

    fn cron(&self, urgent: bool) -> String {
        if urgent {
            return format!("0 {} * * *", self.urgent_hour);
        }
        match &self.frequency {
            Frequency::Daily => format!("0 {} * * *", self.hour),
            Frequency::Weekly { days } => {
                let mut d: Vec<u8> = days.iter().map(|d| *d as u8).collect();
                d.sort_unstable();
                d.dedup();
                let list: Vec<String> = d.iter().map(u8::to_string).collect();
                format!("0 {} * * {}", self.hour, list.join(","))
            }
            Frequency::Monthly { day } => format!("0 {} {day} * *", self.hour),
        }
    }

    fn schedule(&self, urgent: bool) -> OpResult<Schedule> {
        Schedule::parse(&self.cron(urgent), Some(&self.time_zone))
    }

    /// The window open at `now`, else the next one; a postponed regular window is skipped.
    pub fn window(&self, now: Timestamp, urgent: bool) -> OpResult<Window> {
        let s = self.schedule(urgent)?;
        // The first start after (now - 1 h) is the open window's start, if one is open.
        let mut from = now - WINDOW;
        for _ in 0..1000 {
            let start = s
                .next_after(from)
                .ok_or_else(|| OpError::new(Kind::Invalid, "the schedule never opens a window"))?;
            if !urgent && Some(start) == self.postponed {
                from = start;
                continue;
            }
            return Ok(Window {
                start,
                end: start + WINDOW,
            });
        }
        Err(OpError::new(Kind::Invalid, "no window within 1,000 tries"))
    }

    /// Whether an upgrade (urgent or not) may run at `now`.
    pub fn open(&self, now: Timestamp, urgent: bool) -> OpResult<bool> {
        Ok(self.window(now, urgent)?.contains(now))
    }

    /// Skip the next regular window (the open one, if one is open), once: a second postpone
    /// while the first is still ahead is refused. The window that now comes next.
    pub fn postpone(&mut self, now: Timestamp) -> OpResult<Window> {
        if self.postponed.is_some_and(|p| p + WINDOW > now) {
            return Err(OpError::new(
                Kind::Refused,
                "the next upgrade is postponed already (postpone works once)",
            )
            .hint("change the schedule to move it further"));
        }
        let skipped = self.window(now, false)?;
        self.postponed = Some(skipped.start);
        self.window(now, false)
    }

    /// Replace the schedule; a postponement does not carry over.
    pub fn replace(&mut self, new: UpgradeSchedule) -> OpResult {
        let mut new = new;
        new.postponed = None;
        new.check()?;
        *self = new;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str, tz: &str) -> Timestamp {
        s.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::get(tz).unwrap())
            .unwrap()
            .timestamp()
    }
    fn wall(t: Timestamp, tz: &str) -> String {
        t.to_zoned(jiff::tz::TimeZone::get(tz).unwrap())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }
    const BERLIN: &str = "Europe/Berlin";

    #[test]
    fn daily_windows_keep_the_wall_clock_hour_across_daylight_saving() {
        let s = UpgradeSchedule::default_in(BERLIN);
        // Clocks go forward on 2026-03-29 and back on 2026-10-25 in Berlin.
        let w = s.window(at("2026-03-28T12:00", BERLIN), false).unwrap();
        assert_eq!(wall(w.start, BERLIN), "2026-03-29 03:00 CEST");
        let w2 = s.window(w.end, false).unwrap();
        assert_eq!(wall(w2.start, BERLIN), "2026-03-30 03:00 CEST");
        assert_eq!(
            w.start.duration_until(w2.start),
            SignedDuration::from_hours(24)
        );
        // Across the change the windows are 23 h apart in spring and 25 h in autumn.
        let before = s.window(at("2026-03-28T03:00", BERLIN), false).unwrap();
        assert_eq!(
            before.start.duration_until(w.start),
            SignedDuration::from_hours(23)
        );
        let autumn = s.window(at("2026-10-24T12:00", BERLIN), false).unwrap();
        assert_eq!(wall(autumn.start, BERLIN), "2026-10-25 03:00 CET");
        let prev = s.window(at("2026-10-24T03:00", BERLIN), false).unwrap();
        assert_eq!(
            prev.start.duration_until(autumn.start),
            SignedDuration::from_hours(25)
        );
    }

    #[test]
    fn a_wall_time_that_does_not_exist_falls_after_the_gap() {
        let mut s = UpgradeSchedule::default_in(BERLIN);
        s.hour = 2;
        let w = s.window(at("2026-03-28T12:00", BERLIN), false).unwrap();
        // 02:00 does not exist on 2026-03-29: the window is the first instant after the gap,
        // and the day still has its window.
        assert_eq!(wall(w.start, BERLIN), "2026-03-29 03:00 CEST");
        let next = s.window(w.end, false).unwrap();
        assert_eq!(wall(next.start, BERLIN), "2026-03-30 02:00 CEST");
    }

    #[test]
    fn open_window_weekly_monthly_and_urgent() {
        let mut s = UpgradeSchedule::default_in("America/New_York");
        s.frequency = Frequency::Weekly {
            days: vec![Weekday::Thu, Weekday::Mon],
        };
        s.hour = 22;
        s.check().unwrap();
        // 2026-12-02 is a Wednesday: the next window is Thursday 22:00.
        let now = at("2026-12-02T23:30", "America/New_York");
        let w = s.window(now, false).unwrap();
        assert_eq!(wall(w.start, "America/New_York"), "2026-12-03 22:00 EST");
        assert!(!s.open(now, false).unwrap());
        assert!(s
            .open(at("2026-12-03T22:59", "America/New_York"), false)
            .unwrap());
        assert!(!s
            .open(at("2026-12-03T23:00", "America/New_York"), false)
            .unwrap());
        // Urgent windows come every day at the urgent hour, whatever the frequency.
        s.urgent_hour = 23;
        assert!(s.open(now, true).unwrap());
        s.frequency = Frequency::Monthly { day: 15 };
        let w = s.window(now, false).unwrap();
        assert_eq!(wall(w.start, "America/New_York"), "2026-12-15 22:00 EST");
        s.frequency = Frequency::Monthly { day: 31 };
        assert!(s.check().is_err());
        s.frequency = Frequency::Weekly { days: vec![] };
        assert!(s.check().is_err());
        let mut bad = UpgradeSchedule::default_in("Mars/Olympus_Mons");
        assert!(bad.check().is_err());
        bad.time_zone = "UTC".into();
        bad.hour = 24;
        assert!(bad.check().is_err());
    }

    #[test]
    fn postpone_skips_the_next_window_once_and_a_new_schedule_clears_it() {
        let mut s = UpgradeSchedule::default_in("UTC");
        let now = at("2026-12-02T10:00", "UTC");
        let next = s.postpone(now).unwrap();
        assert_eq!(wall(next.start, "UTC"), "2026-12-04 03:00 UTC");
        assert_eq!(wall(s.postponed.unwrap(), "UTC"), "2026-12-03 03:00 UTC");
        assert!(!s.open(at("2026-12-03T03:30", "UTC"), false).unwrap());
        // Urgent releases are not postponed.
        s.urgent_hour = 3;
        assert!(s.open(at("2026-12-03T03:30", "UTC"), true).unwrap());
        let again = s.postpone(now).unwrap_err();
        assert!(again.to_string().contains("once"), "{again}");
        // Once the skipped window is past, the next postpone is allowed.
        s.postpone(at("2026-12-03T05:00", "UTC")).unwrap();
        assert_eq!(
            wall(
                s.window(at("2026-12-03T05:00", "UTC"), false)
                    .unwrap()
                    .start,
                "UTC"
            ),
            "2026-12-05 03:00 UTC"
        );
        let mut changed = UpgradeSchedule::default_in("UTC");
        changed.hour = 4;
        changed.postponed = Some(now);
        s.replace(changed).unwrap();
        assert_eq!(s.postponed, None);
        assert_eq!(
            wall(s.window(now, false).unwrap().start, "UTC"),
            "2026-12-03 04:00 UTC"
        );
        // A postpone inside an open window skips that window.
        let inside = at("2026-12-03T04:10", "UTC");
        assert!(s.open(inside, false).unwrap());
        s.postpone(inside).unwrap();
        assert!(!s.open(inside, false).unwrap());
    }

    #[test]
    fn the_schedule_reads_and_writes_as_json() {
        let s = UpgradeSchedule {
            frequency: Frequency::Weekly {
                days: vec![Weekday::Sat],
            },
            hour: 1,
            time_zone: "Asia/Kolkata".into(),
            urgent_hour: 2,
            postponed: None,
        };
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"frequency": "weekly", "days": ["sat"], "hour": 1,
                "time_zone": "Asia/Kolkata", "urgent_hour": 2})
        );
        assert_eq!(serde_json::from_value::<UpgradeSchedule>(j).unwrap(), s);
        assert_eq!(Weekday::parse("Saturday"), Some(Weekday::Sat));
        assert_eq!(Weekday::parse("x"), None);
    }
}
