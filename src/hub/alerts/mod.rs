//! The hub's alerts (issue 28): what it tells its administrators — a cluster's rollout that
//! stopped (raised in the transaction that records the node's failure), a node offline longer
//! than a threshold, and a daily digest — each raised once (its *episode*), kept in the
//! `alert` table for `/alerts` and `GET /api/v1/alerts`, and mailed to the subscribed
//! addresses through the hub's own SMTP setting. The mail goes through the same outbox and
//! client as the nodes' notifications (`state::notify::Outbox`, `ops::notify::deliver_due`):
//! queued with the alert, retried with back-off, bounded, its state shown with the alert.
//!
//! This file is the settings and raising an alert; `chores.rs` is the periodic work (offline
//! nodes, the digest, delivering the mail); `settings.rs` the SMTP setting and subscribers.

mod chores;
mod settings;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{storage, Hub};
use crate::ops::OpResult;
use crate::state::notify::Outbox;

pub use chores::{ChoreReport, RETRY_BASE};
pub use settings::{AlertSettings, SmtpChange, SMTP_PASSWORD_SECRET};

/// Alerts on a page (the page and the API).
pub const ALERT_PAGE: u64 = 50;
/// Minutes a node is offline before it is alerted, unless set.
pub const DEFAULT_OFFLINE_AFTER: u64 = 60;
/// The hour (UTC) of the daily digest, unless set.
pub const DEFAULT_DIGEST_HOUR: u8 = 7;
/// The longest text an alert keeps (a node's words in it are bounded before).
const MAX_TEXT: usize = 2000;
/// Mails the outbox holds at most: an alert raised while it is full is shown, not mailed.
pub const MAX_QUEUED: i64 = 1000;

/// An alert as the page, the API and the console show it.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub id: i64,
    /// `rollout-stopped`, `node-offline` or `digest`.
    pub kind: String,
    pub cluster: Option<String>,
    pub node: Option<String>,
    /// When what it reports began (UTC).
    pub since: String,
    pub raised_at: String,
    pub text: String,
    /// A node offline: when it polled again (or its cluster was unregistered).
    pub cleared_at: Option<String>,
    pub mail: AlertMail,
    /// The cluster's time zone (UTC when there is none), for the page.
    #[serde(skip)]
    pub time_zone: String,
}

/// Where an alert's mail stands.
#[derive(Debug, Clone, Serialize)]
pub struct AlertMail {
    /// `queued` (in the outbox), `sent` or `not-sent` (why in `note`).
    pub state: String,
    pub mailed_at: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
    pub note: String,
}

/// One page of alerts, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct AlertPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub pages: u64,
    pub alerts: Vec<Alert>,
}

/// An alert to raise.
pub(super) struct NewAlert<'a> {
    pub kind: &'static str,
    /// What makes it one: a second alert of the same episode is not raised.
    pub episode: String,
    pub cluster_id: Option<i64>,
    pub cluster: Option<&'a str>,
    pub node: Option<&'a str>,
    pub since: String,
    pub subject: String,
    pub text: String,
}

/// At most `max` characters of one line.
fn bounded(s: &str, max: usize) -> String {
    crate::text::one_line(s).chars().take(max).collect()
}

/// Raise an alert on `conn` (inside the caller's transaction, if any) and queue its mail when
/// the hub has an SMTP server and subscribers; whether it was new.
pub(super) fn raise(conn: &Connection, a: &NewAlert<'_>, now: Timestamp) -> OpResult<bool> {
    let text: String = a.text.chars().take(MAX_TEXT).collect();
    let new = conn
        .execute(
            "INSERT OR IGNORE INTO alert (kind, episode, cluster_id, cluster, node, since, raised_at, text, mail_state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'not-sent')",
            params![a.kind, a.episode, a.cluster_id, a.cluster, a.node, a.since, now.to_string(), text],
        )
        .map_err(storage)?;
    if new == 0 {
        return Ok(false);
    }
    let id = conn.last_insert_rowid();
    let (state, mail_id, note) = match settings::mail_plan(conn)? {
        settings::MailPlan::NotSent(note) => ("not-sent", None, note),
        settings::MailPlan::To(to) => {
            let address = conn
                .query_row("SELECT value FROM meta WHERE key = 'address'", [], |r| {
                    r.get::<_, String>(0)
                })
                .optional()
                .map_err(storage)?;
            let mut body = format!("{text}\n\n");
            if let Some(c) = a.cluster {
                body.push_str(&format!("Cluster: {c}\n"));
            }
            if let Some(n) = a.node {
                body.push_str(&format!("Node: {n}\n"));
            }
            body.push_str(&format!("Since: {} (UTC)\n", a.since));
            if let Some(url) = address {
                body.push_str(&format!("\nEvery alert: {url}/alerts\n"));
            }
            body.push_str("\nSent by the ccadmin hub.\n");
            let subject = bounded(&a.subject, 200);
            let mail = Outbox(conn).queue(&subject, &body, &to)?;
            ("queued", Some(mail), String::new())
        }
    };
    conn.execute(
        "UPDATE alert SET mail_state = ?2, mail_id = ?3, mail_note = ?4 WHERE id = ?1",
        params![id, state, mail_id, note],
    )
    .map_err(storage)?;
    Ok(true)
}

/// A node's report recorded on `conn` (the report's transaction): when it failed, the
/// cluster's rollout of `version` stops — raised once per stop (the node's upgrade attempt
/// is the episode, so a repeated report raises nothing).
pub(super) fn rollout_stopped(
    conn: &Connection,
    cluster_id: i64,
    node: &str,
    version: &str,
    healthy: bool,
    why: &str,
    now: Timestamp,
) -> OpResult {
    if healthy {
        return Ok(());
    }
    let name: String = conn
        .query_row(
            "SELECT display_name FROM cluster WHERE id = ?1",
            params![cluster_id],
            |r| r.get(0),
        )
        .map_err(storage)?;
    let attempt: Option<i64> = conn
        .query_row(
            "SELECT MAX(id) FROM rollout_attempt WHERE cluster_id = ?1 AND node = ?2 AND version = ?3",
            params![cluster_id, node, version],
            |r| r.get(0),
        )
        .map_err(storage)?;
    let episode = match attempt {
        Some(a) => format!("rollout-stopped:{a}"),
        None => format!("rollout-stopped:{cluster_id}:{node}:{version}:{now}"),
    };
    let why = bounded(why, 1000);
    raise(
        conn,
        &NewAlert {
            kind: "rollout-stopped",
            episode,
            cluster_id: Some(cluster_id),
            cluster: Some(&name),
            node: Some(node),
            since: now.to_string(),
            subject: format!("ccadmin hub: the rollout of {version} to {name} stopped"),
            text: format!(
                "The rollout of {version} to {name} stopped: it failed on {node}: {why}. \
                 No other node of the cluster is offered {version} until its next window."
            ),
        },
        now,
    )?;
    Ok(())
}

impl Hub {
    /// One page (from 1; past the last is the last) of the alerts: what still stands first —
    /// stopped rollouts, then nodes still offline — so a few hundred offline episodes never
    /// push a stopped rollout off the first page; then the rest, newest first.
    pub fn alerts(&self, page: u64) -> OpResult<AlertPage> {
        let total: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM alert", [], |r| r.get(0))
            .map_err(storage)?;
        let total = total.max(0) as u64;
        let pages = total.div_ceil(ALERT_PAGE).max(1);
        let page = page.clamp(1, pages);
        let mut st = self
            .conn
            .prepare(
                "SELECT a.id, a.kind, a.cluster, a.node, a.since, a.raised_at, a.text, a.cleared_at,
                        a.mail_state, a.mailed_at, a.mail_note, o.attempts, o.last_error,
                        o.next_attempt_at, c.schedule
                 FROM alert a
                 LEFT JOIN mail_outbox o ON o.id = a.mail_id AND a.mail_state = 'queued'
                 LEFT JOIN cluster c ON c.id = a.cluster_id
                 ORDER BY (a.kind = 'rollout-stopped' AND a.cleared_at IS NULL) DESC,
                          (a.kind = 'node-offline' AND a.cleared_at IS NULL) DESC,
                          a.id DESC
                 LIMIT ?1 OFFSET ?2",
            )
            .map_err(storage)?;
        let rows = st
            .query_map(
                params![ALERT_PAGE as i64, ((page - 1) * ALERT_PAGE) as i64],
                |r| {
                    let schedule: Option<String> = r.get(14)?;
                    let time_zone = schedule
                        .and_then(|s| {
                            serde_json::from_str::<crate::ops::upgrade_window::UpgradeSchedule>(&s)
                                .ok()
                        })
                        .map(|s| s.time_zone)
                        .unwrap_or_else(|| "UTC".into());
                    Ok(Alert {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        cluster: r.get(2)?,
                        node: r.get(3)?,
                        since: r.get(4)?,
                        raised_at: r.get(5)?,
                        text: r.get(6)?,
                        cleared_at: r.get(7)?,
                        mail: AlertMail {
                            state: r.get(8)?,
                            mailed_at: r.get(9)?,
                            note: r.get(10)?,
                            attempts: r.get::<_, Option<i64>>(11)?.unwrap_or(0),
                            last_error: r.get(12)?,
                            next_attempt_at: r.get(13)?,
                        },
                        time_zone,
                    })
                },
            )
            .map_err(storage)?;
        Ok(AlertPage {
            total,
            page,
            per_page: ALERT_PAGE,
            pages,
            alerts: rows.collect::<Result<_, _>>().map_err(storage)?,
        })
    }
}
