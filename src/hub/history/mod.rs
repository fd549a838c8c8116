//! Rollout history (issue 28): every upgrade attempt of every node — the release, the version
//! the node ran before, when it began (the hub's offer) and ended (the node's report), how it
//! ended and why — kept beside the rollout's current state. Each write is made in the
//! transaction that changes that state, so a hub killed in the middle of a poll or a report
//! keeps both or neither, and a report a node repeats records nothing twice: an attempt is the
//! one open attempt of a node and release (at most one, the database's index sees to it), and
//! a report ends it, or finds it ended the same way already.
//!
//! Why an attempt ended comes from the node, so it is untrusted: it is kept as one line
//! (control characters escaped), at most [`MAX_WHY`] characters.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::{storage, Hub};
use crate::ops::{Kind, OpError, OpResult};

/// Attempts on one history page (and in one API answer).
pub const HISTORY_PAGE: u64 = 50;
/// The most characters of a node's reason that are kept.
pub const MAX_WHY: usize = 1000;

/// How an upgrade attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The node reported the release healthy (or that it runs it already).
    Upgraded,
    /// Refused before it was tried (older, unsigned, tampered, not installable).
    Failed,
    /// Tried and not healthy, or healthy but not switched to: the node kept its release.
    SwitchedBack,
    /// Cancelled at the node (`utils system upgrade cancel`).
    Cancelled,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Upgraded,
        Outcome::Failed,
        Outcome::SwitchedBack,
        Outcome::Cancelled,
    ];

    /// Its name in the database and the API.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Upgraded => "upgraded",
            Outcome::Failed => "failed",
            Outcome::SwitchedBack => "switched-back",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// Its name in words, for the pages.
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Upgraded => "Upgraded",
            Outcome::Failed => "Failed",
            Outcome::SwitchedBack => "Switched back",
            Outcome::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.name() == s)
    }

    /// What a node's report means: healthy is upgraded; a failure is told apart by the words
    /// a node of this release begins its reason with (`health check failed, kept …`, `healthy,
    /// but the switch failed: …`, `cancelled by the administrator …`); anything else failed.
    /// The words only choose the label: every failure stops the rollout alike.
    pub fn of_report(healthy: bool, why: &Why) -> Outcome {
        let w = why.as_str();
        if healthy {
            Outcome::Upgraded
        } else if w.starts_with("cancelled by the administrator") {
            Outcome::Cancelled
        } else if w.starts_with("health check failed") || w.starts_with("healthy, but the switch") {
            Outcome::SwitchedBack
        } else {
            Outcome::Failed
        }
    }
}

/// Why an attempt ended, as its node said: one line (control characters, newlines and
/// terminal controls escaped as `\u{…}`), at most [`MAX_WHY`] characters (a longer one ends
/// with `…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Why(String);

impl Why {
    pub fn from_node(detail: &str) -> Why {
        // Only what can be kept is read (a report may carry a large body).
        let head: String = detail.chars().take(MAX_WHY + 1).collect();
        let line = crate::text::one_line(&head);
        if line.chars().count() <= MAX_WHY {
            return Why(line.into_owned());
        }
        let mut cut: String = line.chars().take(MAX_WHY - 1).collect();
        cut.push('…');
        Why(cut)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One upgrade attempt of a node.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub node: String,
    /// The release offered.
    pub version: String,
    /// The version the node ran when it was offered it (`null` when not known: an attempt
    /// carried over from before the history was kept).
    pub from_version: Option<String>,
    pub started_at: String,
    /// `null` while in progress.
    pub ended_at: Option<String>,
    /// `upgraded`, `failed`, `switched-back` or `cancelled`; `null` while in progress.
    pub result: Option<&'static str>,
    pub why: String,
}

/// One page of a cluster's attempts, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub display_name: String,
    /// The cluster's time zone (its schedule's), which the page shows times in.
    pub time_zone: String,
    /// Attempts on all pages.
    pub total: u64,
    /// The page given (the last one when asked past it).
    pub page: u64,
    pub per_page: u64,
    pub pages: u64,
    pub attempts: Vec<Attempt>,
}

/// A page number from a link: 1, 2, … (empty is 1); anything else is `Invalid`, never guessed.
pub fn parse_page(v: &str) -> OpResult<u64> {
    if v.is_empty() {
        return Ok(1);
    }
    v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        let short: String = v.chars().take(40).collect();
        OpError::new(
            Kind::Invalid,
            format!(
                "page must be a whole number from 1 (not '{}')",
                short.escape_debug()
            ),
        )
    })
}

/// An offer's attempt: opened unless the node's attempt at this release is open already (an
/// offer repeated while it runs is the same attempt).
fn begin(
    tx: &Transaction<'_>,
    cluster: i64,
    node: &str,
    version: &str,
    from: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO rollout_attempt (cluster_id, node, version, from_version, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![cluster, node, version, from, now.to_string()],
    )
    .map(|_| ())
}

/// A report's end of the node's attempt at this release: the open one ended; the newest one
/// left as it is when it ended so already (a repeated report); changed when the node says
/// otherwise now (healthy first, then the switch failed).
fn end(
    tx: &Transaction<'_>,
    cluster: i64,
    node: &str,
    version: &str,
    outcome: Outcome,
    why: &Why,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let last: Option<(i64, Option<String>, Option<String>, String)> = tx
        .query_row(
            "SELECT id, ended_at, result, why FROM rollout_attempt
             WHERE cluster_id = ?1 AND node = ?2 AND version = ?3 ORDER BY id DESC LIMIT 1",
            params![cluster, node, version],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    match last {
        Some((_, Some(_), Some(result), w)) if result == outcome.name() && w == why.as_str() => {
            Ok(())
        }
        Some((id, _, _, _)) => tx
            .execute(
                "UPDATE rollout_attempt SET ended_at = ?2, result = ?3, why = ?4 WHERE id = ?1",
                params![id, now.to_string(), outcome.name(), why.as_str()],
            )
            .map(|_| ()),
        None => tx
            .execute(
                "INSERT INTO rollout_attempt (cluster_id, node, version, started_at, ended_at, result, why)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
                params![cluster, node, version, now.to_string(), outcome.name(), why.as_str()],
            )
            .map(|_| ()),
    }
}

impl Hub {
    /// A poll's offer: the node is upgrading to `version` (from `from`), and its attempt
    /// begins — one transaction.
    pub(super) fn record_offer(
        &mut self,
        cluster: i64,
        node: &str,
        version: &str,
        from: &str,
        now: Timestamp,
    ) -> OpResult {
        let tx = self.conn.transaction().map_err(storage)?;
        tx.execute(
            "INSERT OR REPLACE INTO rollout (cluster_id, version, node, state, updated_at) VALUES (?1, ?2, ?3, 'upgrading', ?4)",
            params![cluster, version, node, now.to_string()],
        )
        .map_err(storage)?;
        begin(&tx, cluster, node, version, from, now).map_err(storage)?;
        tx.commit().map_err(storage)
    }

    /// A node's report: its rollout state (upgraded, or failed with why) and the end of its
    /// attempt — one transaction. Whether the node had been offered `version` (nothing is
    /// written when it had not).
    pub(super) fn record_report(
        &mut self,
        cluster: i64,
        node: &str,
        version: &str,
        healthy: bool,
        why: &Why,
        now: Timestamp,
    ) -> OpResult<bool> {
        let tx = self.conn.transaction().map_err(storage)?;
        let changed = tx
            .execute(
                "UPDATE rollout SET state = ?4, updated_at = ?5, detail = ?6 WHERE cluster_id = ?1 AND version = ?2 AND node = ?3",
                params![cluster, version, node, if healthy { "upgraded" } else { "failed" }, now.to_string(), why.as_str()],
            )
            .map_err(storage)?;
        if changed == 0 {
            return Ok(false);
        }
        let outcome = Outcome::of_report(healthy, why);
        end(&tx, cluster, node, version, outcome, why, now).map_err(storage)?;
        super::alerts::rollout_stopped(&tx, cluster, node, version, healthy, why.as_str(), now)?;
        tx.commit().map_err(storage)?;
        Ok(true)
    }

    /// One page (from 1; past the last is the last) of the upgrade attempts of the cluster
    /// `name`, newest first.
    pub fn history(&self, name: &str, page: u64, now: Timestamp) -> OpResult<History> {
        let (id, row) = self.get(name)?;
        let view = super::schedules::view(row, now)?;
        let total: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM rollout_attempt WHERE cluster_id = ?1",
                params![id],
                |r| r.get(0),
            )
            .map_err(storage)?;
        let total = total.max(0) as u64;
        let pages = total.div_ceil(HISTORY_PAGE).max(1);
        let page = page.clamp(1, pages);
        let mut st = self
            .conn
            .prepare(
                "SELECT node, version, from_version, started_at, ended_at, result, why
                 FROM rollout_attempt WHERE cluster_id = ?1
                 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
            )
            .map_err(storage)?;
        let rows = st
            .query_map(
                params![id, HISTORY_PAGE as i64, ((page - 1) * HISTORY_PAGE) as i64],
                |r| {
                    let result: Option<String> = r.get(5)?;
                    Ok(Attempt {
                        node: r.get(0)?,
                        version: r.get(1)?,
                        from_version: r.get(2)?,
                        started_at: r.get(3)?,
                        ended_at: r.get(4)?,
                        result: result
                            .as_deref()
                            .and_then(Outcome::parse)
                            .map(Outcome::name),
                        why: r.get(6)?,
                    })
                },
            )
            .map_err(storage)?;
        let attempts = rows.collect::<Result<_, _>>().map_err(storage)?;
        Ok(History {
            display_name: view.display_name,
            time_zone: view.schedule.time_zone,
            total,
            page,
            per_page: HISTORY_PAGE,
            pages,
            attempts,
        })
    }
}

#[cfg(test)]
mod tests;
