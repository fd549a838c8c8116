//! Schedules for the node service's recurring work (the daily artifact download): cron
//! expressions read in a time zone, so "02:00 every day" means 02:00 on the node's wall clock
//! on both sides of a daylight-saving change. Waiting sleeps on the cancellation token, so
//! SIGTERM ends a wait at once; the clock is injected, so tests run a year of schedule in
//! microseconds.

use std::str::FromStr;
use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use super::{Cancel, Kind, OpError, OpResult};

/// A cron expression (`MIN HOUR DOM MON DOW`) in a time zone.
#[derive(Clone)]
pub struct Schedule {
    cron: croner::Cron,
    tz: TimeZone,
    text: String,
}

impl std::fmt::Debug for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({})",
            self.text,
            self.tz.iana_name().unwrap_or("local time")
        )
    }
}

impl Schedule {
    /// `cron` in the IANA zone `tz`, else in the system's zone.
    pub fn parse(cron: &str, tz: Option<&str>) -> OpResult<Schedule> {
        let parsed = croner::Cron::from_str(cron).map_err(|e| {
            OpError::new(
                Kind::Invalid,
                format!("'{cron}' is not a cron schedule: {e}"),
            )
            .hint(
                "give five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\"",
            )
        })?;
        let tz = match tz {
            Some(name) => TimeZone::get(name).map_err(|e| {
                OpError::new(Kind::Invalid, format!("'{name}' is not a time zone: {e}"))
                    .hint("give an IANA name such as Europe/Berlin or America/New_York")
            })?,
            None => TimeZone::try_system().unwrap_or(TimeZone::UTC),
        };
        Ok(Schedule {
            cron: parsed,
            tz,
            text: cron.to_owned(),
        })
    }

    /// The first time strictly after `t` the schedule fires.
    pub fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        let z = t.to_zoned(self.tz.clone());
        self.cron
            .find_next_occurrence(&z, false)
            .ok()
            .map(|n: Zoned| n.timestamp())
    }
}

/// What time it is, and how to wait for a time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
    /// Wait until `t` or until `cancel` fires; `true` when cancelled.
    fn sleep_until(&self, t: Timestamp, cancel: &Cancel) -> bool;
}

/// The system clock. A wait is cut into pieces of at most a minute and the clock read again
/// after each, so a clock that was stepped (NTP, a suspended machine) is followed.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
    fn sleep_until(&self, t: Timestamp, cancel: &Cancel) -> bool {
        loop {
            let left = t.duration_since(Timestamp::now());
            if left.is_negative() || left.is_zero() {
                return cancel.is_cancelled();
            }
            let piece = Duration::try_from(left)
                .unwrap_or_default()
                .min(Duration::from_secs(60));
            if cancel.wait(piece) {
                return true;
            }
        }
    }
}

/// Run `job` at `first` (if given) and then whenever `schedule` fires, until `cancel`.
/// Returns the number of runs. A run that outlasts the next time skips it (no pile-up).
pub fn run(
    schedule: &Schedule,
    clock: &dyn Clock,
    cancel: &Cancel,
    first: Option<Timestamp>,
    job: &mut dyn FnMut(Timestamp),
) -> usize {
    let mut runs = 0;
    let mut next = first.or_else(|| schedule.next_after(clock.now()));
    while let Some(at) = next {
        if clock.sleep_until(at, cancel) {
            break;
        }
        job(at);
        runs += 1;
        if cancel.is_cancelled() {
            break;
        }
        next = schedule.next_after(clock.now().max(at));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A clock that jumps to whatever time is waited for.
    struct FakeClock(Mutex<Timestamp>);

    impl Clock for FakeClock {
        fn now(&self) -> Timestamp {
            *self.0.lock().unwrap()
        }
        fn sleep_until(&self, t: Timestamp, cancel: &Cancel) -> bool {
            let mut now = self.0.lock().unwrap();
            if t > *now {
                *now = t;
            }
            cancel.is_cancelled()
        }
    }

    fn at(s: &str, tz: &str) -> Timestamp {
        s.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(TimeZone::get(tz).unwrap())
            .unwrap()
            .timestamp()
    }

    fn local(t: Timestamp, tz: &str) -> String {
        t.to_zoned(TimeZone::get(tz).unwrap())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    /// Runs the schedule from `start` on a fake clock for `n` runs; the wall-clock times.
    fn fire_times(cron: &str, tz: &str, start: &str, n: usize) -> Vec<String> {
        let s = Schedule::parse(cron, Some(tz)).unwrap();
        let clock = FakeClock(Mutex::new(at(start, tz)));
        let cancel = Cancel::new();
        let mut seen = Vec::new();
        run(&s, &clock, &cancel, None, &mut |t| {
            seen.push(local(t, tz));
            if seen.len() == n {
                cancel.cancel();
            }
        });
        seen
    }

    #[test]
    fn a_daily_time_keeps_its_wall_clock_across_both_daylight_saving_changes() {
        // Berlin: clocks go 02:00 -> 03:00 on 29 March 2026 and 03:00 -> 02:00 on 25 October.
        assert_eq!(
            fire_times("0 4 * * *", "Europe/Berlin", "2026-03-27T12:00", 4),
            [
                "2026-03-28 04:00 CET",
                "2026-03-29 04:00 CEST",
                "2026-03-30 04:00 CEST",
                "2026-03-31 04:00 CEST"
            ]
        );
        assert_eq!(
            fire_times("0 4 * * *", "Europe/Berlin", "2026-10-24T12:00", 3),
            [
                "2026-10-25 04:00 CET",
                "2026-10-26 04:00 CET",
                "2026-10-27 04:00 CET"
            ]
        );
    }

    #[test]
    fn a_time_inside_the_skipped_hour_still_runs_that_day_and_a_repeated_hour_runs_once() {
        let spring = fire_times("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00", 3);
        assert_eq!(
            spring,
            [
                "2026-03-29 03:00 CEST",
                "2026-03-30 02:30 CEST",
                "2026-03-31 02:30 CEST"
            ],
            "02:30 does not exist on the 29th: it runs when the clock jumps to 03:00"
        );
        let autumn = fire_times("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00", 3);
        assert_eq!(
            autumn,
            [
                "2026-10-25 02:30 CEST",
                "2026-10-26 02:30 CET",
                "2026-10-27 02:30 CET"
            ],
            "the repeated hour runs once"
        );
    }

    #[test]
    fn the_first_run_comes_first_and_a_cancelled_schedule_stops_waiting() {
        let s = Schedule::parse("0 2 * * *", Some("UTC")).unwrap();
        let clock = FakeClock(Mutex::new(at("2026-11-24T10:00", "UTC")));
        let cancel = Cancel::new();
        let mut seen = Vec::new();
        let first = at("2026-11-24T10:10", "UTC");
        run(&s, &clock, &cancel, Some(first), &mut |t| {
            seen.push(local(t, "UTC"));
            if seen.len() == 2 {
                cancel.cancel();
            }
        });
        assert_eq!(seen, ["2026-11-24 10:10 UTC", "2026-11-25 02:00 UTC"]);
        // Cancelled before the first wait: no run at all.
        assert_eq!(run(&s, &clock, &cancel, None, &mut |_| panic!("ran")), 0);
        // The real clock's wait ends when the token fires, not at its time.
        let c = Cancel::new();
        let c2 = c.clone();
        let waiter = std::thread::spawn(move || {
            SystemClock.sleep_until(Timestamp::now() + jiff::SignedDuration::from_hours(5), &c2)
        });
        c.cancel();
        assert!(waiter.join().unwrap());
    }

    #[test]
    fn bad_schedules_and_zones_are_refused_with_a_remedy() {
        let e = Schedule::parse("0 25 * * *", None).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.hint.unwrap().contains("five fields"));
        let e = Schedule::parse("0 2 * * *", Some("Mars/Olympus")).unwrap_err();
        assert!(e.message.contains("Mars/Olympus"), "{}", e.message);
    }
}
