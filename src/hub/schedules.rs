//! The registered clusters and their automatic upgrade schedules: listing and finding them,
//! changing a schedule (every change recorded with who made it), postponing the next window
//! once, forgetting a cluster; and the words people read a schedule in.

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

/// A schedule in words.
pub fn describe(s: &UpgradeSchedule) -> String {
    let when = match &s.frequency {
        Frequency::Daily => "every day".to_owned(),
        Frequency::Weekly { days } => format!(
            "every {}",
            days.iter().map(|d| d.name()).collect::<Vec<_>>().join(",")
        ),
        Frequency::Monthly { day } => format!("day {day} of every month"),
    };
    format!(
        "{when} at {:02}:00 {} (urgent: every day at {:02}:00)",
        s.hour, s.time_zone, s.urgent_hour
    )
}
