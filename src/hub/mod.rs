//! `ccadmin hub` (issue 14): the self-hosted counterpart of Webex Control Hub's Cloud Connect
//! pages. This part is the hub's state and its operations: registering a Cloud Connect cluster
//! with a one-time code, the clusters and their automatic upgrade schedules (recorded changes,
//! postpone), and the ccadmin releases the hub offers (a withdrawn one never again). The clock
//! is always passed in.
//!
//! Registration: the hub issues a code bound to this hub, a display name and the publisher's
//! FQDN, valid 15 minutes and usable once; the publisher completes it with the code, its FQDN
//! and the SHA-256 of its service certificate (which the hub pins) and receives the hub's id and
//! a token for its polls (only its SHA-256 is kept). An expired, replayed, unknown or
//! wrongly-bound code registers nothing.

mod accounts;
pub mod alerts;
mod fleet;
mod history;
mod metrics;
mod migrations;
mod registration;
mod releases;
mod rollout;
mod schedules;
pub mod server;
mod service;
mod web;

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, Connection};
use serde::Serialize;

/// The hub API's wire types live with its client, below both the hub and the node service.
pub use crate::clients::hub::{Offer, Registered};
use crate::ops::signing::hex;
use crate::ops::upgrade_window::{UpgradeSchedule, Window};
use crate::ops::{Kind, OpError, OpResult};

/// How long a registration code is valid.
pub const CODE_VALIDITY: SignedDuration = SignedDuration::from_mins(15);

pub use fleet::{
    FleetCluster, FleetPage, FleetQuery, Health, NodeHealth, Sort, StoppedRollout, Summary,
    CLUSTER_STATES, DEFAULT_POLL_INTERVAL, MAX_PER_PAGE, MISSED_POLLS, PAGE_SIZE,
};
pub use history::{Attempt, History, Outcome, Why, HISTORY_PAGE, MAX_WHY};
use migrations::MIGRATIONS;
pub use releases::{Count, ReleaseInFleet, ReleaseUse};
pub use rollout::NodeState;
pub use schedules::{describe, when};

/// The nodes a cluster has: a publisher and a subscriber. A poll naming a third is refused.
pub const MAX_NODES: usize = 2;

/// How long a signed-in session lasts.
pub const SESSION_VALIDITY: SignedDuration = SignedDuration::from_hours(8);

/// Where the hub's time comes from: the system clock, a fixed instant, or (for tests and
/// rehearsals that move time on) an instant read from a file at every use.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(Timestamp),
    File(PathBuf),
}

/// A `--now` that is neither RFC 3339 nor `@FILE`: the parser's own words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadTime(jiff::Error);

impl Clock {
    /// `TIME` (RFC 3339) or `@FILE` (a file holding one).
    pub fn parse(s: &str) -> Result<Clock, BadTime> {
        match s.strip_prefix('@') {
            Some(f) => Ok(Clock::File(PathBuf::from(f))),
            None => s.parse().map(Clock::Fixed).map_err(BadTime),
        }
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t,
            Clock::File(f) => crate::state::read_bounded(f, 100)
                .ok()
                .and_then(|b| String::from_utf8_lossy(&b).trim().parse().ok())
                .unwrap_or_else(Timestamp::now),
        }
    }
}

/// A signed-in person: the account and the token their forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: String,
    pub csrf: String,
}

/// The hub's state directory and database.
pub struct Hub {
    dir: PathBuf,
    conn: Connection,
}

fn storage(e: impl std::fmt::Display) -> OpError {
    OpError::new(Kind::Storage, format!("the hub's database: {e}"))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    hex(&b)
}

/// A text from a person or a peer: 1 to `max` characters, none of them control characters.
fn text(what: &str, s: &str, max: usize) -> OpResult {
    if s.trim().is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(OpError::new(
            Kind::Invalid,
            format!("the {what} must be 1 to {max} characters without control characters"),
        ));
    }
    Ok(())
}

/// A cluster as the pages and the CLI show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterView {
    pub display_name: String,
    pub fqdn: String,
    pub registered_at: String,
    pub last_poll: Option<String>,
    pub schedule: UpgradeSchedule,
    /// The next regular window (the open one while it is open), postponement applied.
    pub next_upgrade: Window,
    pub next_urgent: Window,
}

/// A published ccadmin release.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub version: String,
    pub notes: String,
    pub urgent: bool,
    pub sha256: String,
    pub size: u64,
    pub added_at: String,
    /// When it was withdrawn and by whom (never offered again), if it was.
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
}

impl Hub {
    /// Open (or create) the hub's state in `dir`.
    pub fn open(dir: &Path) -> OpResult<Hub> {
        crate::state::ensure_private_dir(dir).map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let mut conn = Connection::open(dir.join("hub.db")).map_err(storage)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(storage)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(storage)?;
        fleet::register_functions(&conn).map_err(storage)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(storage)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(OpError::new(
                Kind::Storage,
                format!(
                    "{} was written by a newer ccadmin (schema {version})",
                    dir.join("hub.db").display()
                ),
            ));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction().map_err(storage)?;
            tx.execute_batch(sql).map_err(storage)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(storage)?;
            tx.commit().map_err(storage)?;
        }
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('hub_id', ?1)",
            params![random_hex(16)],
        )
        .map_err(storage)?;
        Ok(Hub {
            dir: dir.to_path_buf(),
            conn,
        })
    }

    /// This hub's identity, which a registration code is bound to.
    pub fn id(&self) -> OpResult<String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'hub_id'", [], |r| {
                r.get(0)
            })
            .map_err(storage)
    }
}

struct ClusterRow {
    display_name: String,
    fqdn: String,
    registered_at: String,
    last_poll: Option<String>,
    schedule: String,
}

#[cfg(test)]
mod tests;
