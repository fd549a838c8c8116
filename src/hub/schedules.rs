//! The registered clusters and their automatic upgrade schedules: listing and finding them,
//! changing a schedule (every change recorded with who made it and the old and new values),
//! postponing the next window once, forgetting a cluster; the words people read a schedule and
//! its changes in; the time zones the settings page offers.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::{storage, ClusterRow, ClusterView, Hub};
use crate::ops::upgrade_window::{Frequency, UpgradeSchedule};
use crate::ops::{Kind, OpError, OpResult};

impl Hub {
    pub(super) fn find(&self, name: &str) -> OpResult<Option<(i64, ClusterRow)>> {
        self.conn
            .query_row(
                "SELECT id, display_name, fqdn, registered_at, last_poll, schedule FROM cluster WHERE display_name = ?1",
                params![name],
                |r| {
                    Ok((
                        r.get(0)?,
                        ClusterRow {
                            display_name: r.get(1)?,
                            fqdn: r.get(2)?,
                            registered_at: r.get(3)?,
                            last_poll: r.get(4)?,
                            schedule: r.get(5)?,
                        },
                    ))
                },
            )
            .optional()
            .map_err(storage)
    }

    pub(super) fn get(&self, name: &str) -> OpResult<(i64, ClusterRow)> {
        self.find(name)?.ok_or_else(|| {
            OpError::new(Kind::NotFound, format!("no cluster is named {name}"))
                .hint("see them with: ccadmin hub cluster list")
        })
    }

    /// The clusters whose display name contains `search` (any case), by name.
    pub fn clusters(&self, search: Option<&str>, now: Timestamp) -> OpResult<Vec<ClusterView>> {
        let mut st = self
            .conn
            .prepare("SELECT display_name FROM cluster ORDER BY display_name COLLATE NOCASE")
            .map_err(storage)?;
        let names: Vec<String> = st
            .query_map([], |r| r.get(0))
            .map_err(storage)?
            .collect::<Result<_, _>>()
            .map_err(storage)?;
        let wanted = search.map(str::to_lowercase).unwrap_or_default();
        names
            .iter()
            .filter(|n| n.to_lowercase().contains(&wanted))
            .map(|n| self.cluster(n, now))
            .collect()
    }

    pub fn cluster(&self, name: &str, now: Timestamp) -> OpResult<ClusterView> {
        let (_, row) = self.get(name)?;
        view(row, now)
    }

    pub(super) fn save_schedule(
        &mut self,
        id: i64,
        old: &UpgradeSchedule,
        new: &UpgradeSchedule,
        actor: &str,
        now: Timestamp,
    ) -> OpResult {
        let (o, n) = (
            serde_json::to_string(old).map_err(storage)?,
            serde_json::to_string(new).map_err(storage)?,
        );
        let tx = self.conn.transaction().map_err(storage)?;
        tx.execute(
            "UPDATE cluster SET schedule = ?2 WHERE id = ?1",
            params![id, n],
        )
        .map_err(storage)?;
        tx.execute(
            "INSERT INTO schedule_change (cluster_id, at, actor, old, new) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, now.to_string(), actor, o, n],
        )
        .map_err(storage)?;
        tx.commit().map_err(storage)
    }

    /// Replace a cluster's schedule (a postponement does not carry over); recorded with the
    /// old and new values.
    pub fn set_schedule(
        &mut self,
        name: &str,
        new: UpgradeSchedule,
        actor: &str,
        now: Timestamp,
    ) -> OpResult<ClusterView> {
        let (id, row) = self.get(name)?;
        let old: UpgradeSchedule = serde_json::from_str(&row.schedule).map_err(storage)?;
        let mut s = old.clone();
        s.replace(new)?;
        self.save_schedule(id, &old, &s, actor, now)?;
        self.cluster(name, now)
    }

    /// Skip the cluster's next regular window, once.
    pub fn postpone(&mut self, name: &str, actor: &str, now: Timestamp) -> OpResult<ClusterView> {
        let (id, row) = self.get(name)?;
        let old: UpgradeSchedule = serde_json::from_str(&row.schedule).map_err(storage)?;
        let mut s = old.clone();
        s.postpone(now)?;
        self.save_schedule(id, &old, &s, actor, now)?;
        self.cluster(name, now)
    }

    /// Every recorded change of a cluster's schedule: (when, who, old, new), oldest first.
    pub fn schedule_changes(&self, name: &str) -> OpResult<Vec<(String, String, String, String)>> {
        let (id, _) = self.get(name)?;
        let mut st = self
            .conn
            .prepare("SELECT at, actor, old, new FROM schedule_change WHERE cluster_id = ?1 ORDER BY rowid")
            .map_err(storage)?;
        let rows = st
            .query_map(params![id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)
    }

    /// Forget a cluster: its token stops working at once; its nodes and rollout go with it.
    pub fn unregister(&mut self, name: &str) -> OpResult {
        let (id, _) = self.get(name)?;
        let tx = self.conn.transaction().map_err(storage)?;
        for table in ["schedule_change", "cluster_node", "rollout"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE cluster_id = ?1"),
                params![id],
            )
            .map_err(storage)?;
        }
        tx.execute("DELETE FROM cluster WHERE id = ?1", params![id])
            .map_err(storage)?;
        tx.commit().map_err(storage)
    }
}

/// A cluster's row as people see it at `now`: its schedule read, its next windows.
pub(super) fn view(row: ClusterRow, now: Timestamp) -> OpResult<ClusterView> {
    let schedule: UpgradeSchedule = serde_json::from_str(&row.schedule).map_err(storage)?;
    Ok(ClusterView {
        next_upgrade: schedule.window(now, false)?,
        next_urgent: schedule.window(now, true)?,
        display_name: row.display_name,
        fqdn: row.fqdn,
        registered_at: row.registered_at,
        last_poll: row.last_poll,
        schedule,
    })
}

/// An instant on a zone's clock, for people.
pub fn when(t: Timestamp, zone: &str) -> String {
    match jiff::tz::TimeZone::get(zone) {
        Ok(tz) => t.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string(),
        Err(_) => t.to_string(),
    }
}

/// When a schedule's regular windows come, in words.
fn frequency_words(f: &Frequency) -> String {
    match f {
        Frequency::Daily => "every day".to_owned(),
        Frequency::Weekly { days } => format!(
            "every {}",
            days.iter().map(|d| d.name()).collect::<Vec<_>>().join(",")
        ),
        Frequency::Monthly { day } => format!("day {day} of every month"),
    }
}

/// A schedule in words.
pub fn describe(s: &UpgradeSchedule) -> String {
    format!(
        "{} at {:02}:00 {} (urgent: every day at {:02}:00)",
        frequency_words(&s.frequency),
        s.hour,
        s.time_zone,
        s.urgent_hour
    )
}

/// What a change of a schedule changed, one line per field, each `What: old → new` (a
/// postponement, and the postponement a saved schedule clears, too); unchanged fields are
/// left out.
pub fn differences(old: &UpgradeSchedule, new: &UpgradeSchedule) -> Vec<String> {
    let skipped = |s: &UpgradeSchedule| match s.postponed {
        Some(p) => format!("the window of {}", when(p, &s.time_zone)),
        None => "none".to_owned(),
    };
    let fields = [
        (
            "Frequency",
            frequency_words(&old.frequency),
            frequency_words(&new.frequency),
        ),
        (
            "Time",
            format!("{:02}:00", old.hour),
            format!("{:02}:00", new.hour),
        ),
        ("Time zone", old.time_zone.clone(), new.time_zone.clone()),
        (
            "Urgent upgrade time",
            format!("{:02}:00", old.urgent_hour),
            format!("{:02}:00", new.urgent_hour),
        ),
        ("Postponed", skipped(old), skipped(new)),
    ];
    let lines: Vec<String> = fields
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(what, o, n)| format!("{what}: {o} → {n}"))
        .collect();
    if lines.is_empty() {
        return vec!["Saved unchanged".to_owned()];
    }
    lines
}

/// The IANA time zones the settings page offers and accepts: every name in the time zone
/// database the hub computes windows with (jiff's: the system's zoneinfo, else the copy built
/// into the binary), sorted; `localtime` and `posixrules` are files of that directory, not
/// zones.
pub fn time_zones() -> Vec<String> {
    let mut zones: Vec<String> = jiff::tz::db()
        .available()
        .map(|z| z.as_str().to_owned())
        .filter(|z| !matches!(z.as_str(), "localtime" | "posixrules"))
        .collect();
    zones.sort();
    zones.dedup();
    zones
}

/// Zone `name` (any case) as [`time_zones`] spells it, if it is one of them.
pub fn listed_time_zone(name: &str) -> Option<String> {
    time_zones()
        .into_iter()
        .find(|z| z.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::upgrade_window::Weekday;

    fn schedule(frequency: Frequency, hour: u8, zone: &str) -> UpgradeSchedule {
        UpgradeSchedule {
            frequency,
            hour,
            time_zone: zone.to_owned(),
            urgent_hour: 1,
            postponed: None,
        }
    }

    #[test]
    fn a_change_is_said_field_by_field_as_old_arrow_new() {
        let old = schedule(Frequency::Daily, 3, "UTC");
        let new = schedule(
            Frequency::Weekly {
                days: vec![Weekday::Wed],
            },
            5,
            "Europe/Zurich",
        );
        assert_eq!(
            differences(&old, &new),
            [
                "Frequency: every day → every wed",
                "Time: 03:00 → 05:00",
                "Time zone: UTC → Europe/Zurich",
            ]
        );
        let mut postponed = new.clone();
        postponed.postponed = Some("2026-12-09T04:00:00Z".parse().unwrap());
        assert_eq!(
            differences(&new, &postponed),
            ["Postponed: none → the window of 2026-12-09 05:00 CET"]
        );
        assert_eq!(differences(&new, &new), ["Saved unchanged"]);
        assert_eq!(
            differences(
                &new,
                &schedule(Frequency::Monthly { day: 15 }, 5, "Europe/Zurich")
            ),
            ["Frequency: every wed → day 15 of every month"]
        );
    }

    #[test]
    fn the_time_zones_offered_are_iana_names_and_only_they_are_accepted() {
        let zones = time_zones();
        assert!(zones.len() > 300, "{}", zones.len());
        for z in ["Europe/Zurich", "America/New_York", "UTC"] {
            assert!(zones.iter().any(|x| x == z), "{z} is not offered");
        }
        assert!(!zones.iter().any(|z| z == "localtime" || z == "posixrules"));
        assert!(
            zones.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert_eq!(
            listed_time_zone("europe/zurich").as_deref(),
            Some("Europe/Zurich")
        );
        for hostile in [
            "Mars/Olympus",
            "../../etc/passwd",
            "/etc/localtime",
            "Europe/Zurich\n",
            "",
            "localtime",
        ] {
            assert_eq!(listed_time_zone(hostile), None, "{hostile:?}");
        }
    }
}
