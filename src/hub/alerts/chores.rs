//! The alerts' periodic work, which the hub's service runs every few seconds on a database
//! connection of its own: nodes offline longer than the threshold (once per offline episode,
//! cleared when the node polls again), the daily digest (once a day: a day's digest is its
//! episode, so a restart never sends a second one, and a hub that was down at the hour sends
//! it when it starts again that day), and delivering the outbox's mails.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::params;

use super::{raise, NewAlert};
use crate::hub::{storage, FleetQuery, Health, Hub, DEFAULT_POLL_INTERVAL, MISSED_POLLS};
use crate::ops::notify::{deliver_due, Delivery};
use crate::ops::OpResult;
use crate::state::notify::Outbox;

/// The first wait after a failed delivery (doubled after each, at most an hour).
pub const RETRY_BASE: Duration = Duration::from_secs(30);
/// Offline nodes alerted in one pass at most (the next pass takes the rest).
const OFFLINE_BATCH: i64 = 500;
/// Clusters the digest names per list (then "and N more").
const DIGEST_NAMES: u64 = 20;

/// What one pass did, for the hub's log.
#[derive(Debug, Default)]
pub struct ChoreReport {
    pub raised: Vec<String>,
    pub cleared: usize,
    pub deliveries: Vec<String>,
}

impl Hub {
    /// One pass of the alerts' chores at `now`.
    pub fn alert_chores(
        &mut self,
        now: Timestamp,
        cancel: &crate::cancel::Cancel,
    ) -> OpResult<ChoreReport> {
        let mut report = ChoreReport {
            cleared: self.clear_offline(now)?,
            ..ChoreReport::default()
        };
        report.raised.extend(self.check_offline(now)?);
        report.raised.extend(self.check_digest(now)?);
        report.deliveries = self.deliver_alert_mail(now, cancel)?;
        Ok(report)
    }

    /// Offline alerts of nodes that polled again (or whose cluster went): cleared.
    fn clear_offline(&mut self, now: Timestamp) -> OpResult<usize> {
        self.conn
            .execute(
                "UPDATE alert SET cleared_at = ?1
                 WHERE kind = 'node-offline' AND cleared_at IS NULL AND NOT EXISTS (
                     SELECT 1 FROM cluster_node n
                     WHERE n.cluster_id = alert.cluster_id AND n.node = alert.node
                       AND 'node-offline:' || n.cluster_id || ':' || n.node || ':' || n.last_poll = alert.episode)",
                params![now.to_string()],
            )
            .map_err(storage)
    }

    /// Nodes offline (three missed polls) for the threshold and not alerted for this episode
    /// (their last poll): one alert each.
    fn check_offline(&mut self, now: Timestamp) -> OpResult<Vec<String>> {
        let minutes = self.offline_after()?;
        let found: Vec<(i64, String, String, String, i64)> = {
            let mut st = self
                .conn
                .prepare(
                    "SELECT c.id, c.display_name, n.node, n.last_poll,
                            unixepoch(n.last_poll) + ?1 * COALESCE(n.poll_interval, ?2) AS offline_at
                     FROM cluster_node n JOIN cluster c ON c.id = n.cluster_id
                     WHERE unixepoch(n.last_poll) + ?1 * COALESCE(n.poll_interval, ?2) + ?3 <= ?4
                       AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.episode =
                           'node-offline:' || n.cluster_id || ':' || n.node || ':' || n.last_poll)
                     ORDER BY offline_at LIMIT ?5",
                )
                .map_err(storage)?;
            let rows = st
                .query_map(
                    params![
                        MISSED_POLLS as i64,
                        DEFAULT_POLL_INTERVAL as i64,
                        (minutes * 60) as i64,
                        now.as_second(),
                        OFFLINE_BATCH
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)?
        };
        let mut raised = Vec::new();
        for (id, cluster, node, last_poll, offline_at) in found {
            let since = Timestamp::from_second(offline_at)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| last_poll.clone());
            let tx = self.conn.transaction().map_err(storage)?;
            let new = raise(
                &tx,
                &NewAlert {
                    kind: "node-offline",
                    episode: format!("node-offline:{id}:{node}:{last_poll}"),
                    cluster_id: Some(id),
                    cluster: Some(&cluster),
                    node: Some(&node),
                    since: since.clone(),
                    subject: format!("ccadmin hub: {node} of {cluster} is offline"),
                    text: format!(
                        "{node} of {cluster} is offline: its last poll was at {last_poll}; it counts as offline since {since} and has been for over {minutes} minutes."
                    ),
                },
                now,
            )?;
            tx.commit().map_err(storage)?;
            if new {
                raised.push(format!("alert: {node} of {cluster} is offline"));
            }
        }
        Ok(raised)
    }

    /// The day's digest, once its hour (UTC) has come and none was raised for the day.
    fn check_digest(&mut self, now: Timestamp) -> OpResult<Vec<String>> {
        let hour = self.digest_hour()?;
        let utc = now.to_zoned(jiff::tz::TimeZone::UTC);
        if utc.hour() < hour as i8 {
            return Ok(Vec::new());
        }
        let day = utc.strftime("%Y-%m-%d").to_string();
        let episode = format!("digest:{day}");
        let done: bool = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM alert WHERE episode = ?1)",
                params![episode],
                |r| r.get(0),
            )
            .map_err(storage)?;
        if done {
            return Ok(Vec::new());
        }
        let text = self.digest_text(&day, hour, now)?;
        let since = utc
            .date()
            .at(hour as i8, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp().to_string())
            .unwrap_or_else(|_| now.to_string());
        let tx = self.conn.transaction().map_err(storage)?;
        let new = raise(
            &tx,
            &NewAlert {
                kind: "digest",
                episode,
                cluster_id: None,
                cluster: None,
                node: None,
                since,
                subject: format!("ccadmin hub: daily digest {day}"),
                text,
            },
            now,
        )?;
        tx.commit().map_err(storage)?;
        Ok(if new {
            vec![format!("alert: daily digest {day}")]
        } else {
            Vec::new()
        })
    }

    /// The digest's words: the fleet in figures, and the clusters offline, failed and
    /// upgrading by name.
    fn digest_text(&self, day: &str, hour: u8, now: Timestamp) -> OpResult<String> {
        let s = self.summary(now)?;
        let mut text = format!(
            "Daily digest of {day} ({hour:02}:00 UTC): {} clusters, {} nodes; newest release {}: {} nodes on it, {} upgrading, {} failed; {} nodes offline.",
            s.clusters,
            s.nodes,
            s.newest.as_deref().unwrap_or("none"),
            s.on_newest,
            s.upgrading,
            s.failed,
            s.offline
        );
        let lists: [(&str, FleetQuery); 3] = [
            (
                "Offline",
                FleetQuery {
                    health: Some(Health::Offline),
                    per_page: DIGEST_NAMES,
                    ..FleetQuery::default()
                },
            ),
            (
                "Failed",
                FleetQuery {
                    state: Some("failed"),
                    per_page: DIGEST_NAMES,
                    ..FleetQuery::default()
                },
            ),
            (
                "Upgrading",
                FleetQuery {
                    state: Some("upgrading"),
                    per_page: DIGEST_NAMES,
                    ..FleetQuery::default()
                },
            ),
        ];
        for (what, q) in lists {
            let page = self.fleet(&q, now)?;
            let names: Vec<String> = page
                .clusters
                .iter()
                .map(|c| c.cluster.display_name.clone())
                .collect();
            let more = page.total.saturating_sub(names.len() as u64);
            text.push_str(&format!(" {what} ({}): ", page.total));
            text.push_str(&if names.is_empty() {
                "none".to_owned()
            } else if more > 0 {
                format!("{} and {more} more", names.join(", "))
            } else {
                names.join(", ")
            });
            text.push('.');
        }
        Ok(text)
    }

    /// One attempt at each mail whose time has come; a delivered alert is marked sent.
    fn deliver_alert_mail(
        &mut self,
        now: Timestamp,
        cancel: &crate::cancel::Cancel,
    ) -> OpResult<Vec<String>> {
        let outbox = Outbox(&self.conn);
        if outbox.list(true)?.is_empty() {
            return Ok(Vec::new());
        }
        let server = self.smtp_server();
        let done = deliver_due(&outbox, &server, RETRY_BASE, cancel)?;
        for d in &done {
            if let Delivery::Sent { id, .. } = d {
                self.conn
                    .execute(
                        "UPDATE alert SET mail_state = 'sent', mailed_at = ?2 WHERE mail_id = ?1",
                        params![id, now.to_string()],
                    )
                    .map_err(storage)?;
            }
        }
        Ok(done.iter().map(|d| format!("alerts: {d}")).collect())
    }
}
