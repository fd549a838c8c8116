//! A release's rollout to the clusters: a node's poll (authorized by its cluster's token) is
//! offered the newest release inside its cluster's window, one node of a cluster at a time;
//! its reports move it through pending, upgrading, upgraded or failed.

use std::path::PathBuf;

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::fleet::MAX_POLL_INTERVAL;
use super::releases::release_row;
use super::{storage, text, Hub, Offer, Release, MAX_NODES};
use crate::ops::signing::sha256_hex;
use crate::ops::{Kind, OpError, OpResult};

/// A node's place in a release's rollout.
#[derive(Debug, Clone, Serialize)]
pub struct NodeState {
    pub node: String,
    pub version: String,
    pub last_poll: String,
    /// pending, upgrading, upgraded or failed (for the newest release), with why it failed.
    pub state: String,
    pub detail: String,
}

impl Hub {
    /// The cluster a poll's token belongs to.
    pub(super) fn by_token(&self, token: &str) -> OpResult<(i64, String)> {
        self.conn
            .query_row(
                "SELECT id, display_name FROM cluster WHERE token_sha256 = ?1",
                params![sha256_hex(token.as_bytes())],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(storage)?
            .ok_or_else(|| {
                OpError::new(
                    Kind::Forbidden,
                    "the token is not one of a registered cluster",
                )
                .hint("the cluster was unregistered: register it again")
            })
    }

    /// The cluster a token belongs to, or `Forbidden`.
    pub fn authorize(&self, token: &str) -> OpResult<String> {
        self.by_token(token).map(|(_, name)| name)
    }

    /// The stored archive of a published release.
    pub fn release_archive(&self, version: &str) -> OpResult<PathBuf> {
        let known: Option<String> = self
            .conn
            .query_row(
                "SELECT version FROM release WHERE version = ?1 AND withdrawn_at IS NULL",
                params![version],
                |r| r.get(0),
            )
            .optional()
            .map_err(storage)?;
        // The version comes from the table (letters, digits, . - + _), never from the request.
        let version = known.ok_or_else(|| OpError::new(Kind::NotFound, "no such release"))?;
        Ok(self
            .dir
            .join("releases")
            .join(format!("ccadmin-{version}.tar.gz")))
    }

    /// The newest release (by version) and its signature.
    pub(super) fn newest(&self) -> OpResult<Option<(Release, String)>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT version, notes, urgent, sha256, size, added_at, withdrawn_at, withdrawn_by, signature
                 FROM release WHERE withdrawn_at IS NULL",
            )
            .map_err(storage)?;
        let rows = st
            .query_map([], |r| Ok((release_row(r)?, r.get::<_, String>(8)?)))
            .map_err(storage)?;
        let all: Vec<(Release, String)> = rows.collect::<Result<_, _>>().map_err(storage)?;
        Ok(all
            .into_iter()
            .max_by(|a, b| crate::ops::orchestrate::version_cmp(&a.0.version, &b.0.version)))
    }

    /// A node polls: it says who it is and what it runs. It is offered the newest release
    /// only when the cluster's window is open (the urgent window for an urgent release), no
    /// other node of the cluster is upgrading to it, and the release did not fail on a node of
    /// the cluster in this window (a failure halts the rollout until the next window).
    pub fn poll(
        &mut self,
        token: &str,
        node: &str,
        version: &str,
        now: Timestamp,
    ) -> OpResult<Offer> {
        self.poll_every(token, node, version, None, now)
    }

    /// [`Hub::poll`] from a node that states how often it polls (`interval`, seconds, 1 to
    /// a day): its health is judged against it (offline after three missed polls) instead of
    /// the default.
    pub fn poll_every(
        &mut self,
        token: &str,
        node: &str,
        version: &str,
        interval: Option<u64>,
        now: Timestamp,
    ) -> OpResult<Offer> {
        let (id, name) = self.by_token(token)?;
        text("node name", node, 255)?;
        text("version", version, 64)?;
        if interval.is_some_and(|s| !(1..=MAX_POLL_INTERVAL).contains(&s)) {
            return Err(OpError::new(
                Kind::Invalid,
                format!("the poll interval must be 1 to {MAX_POLL_INTERVAL} seconds"),
            ));
        }
        // A cluster is two nodes: names beyond those are refused, never stored (a token
        // holder cannot grow the database or the pages with invented nodes).
        let known: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT node FROM cluster_node WHERE cluster_id = ?1 ORDER BY node")
                .map_err(storage)?;
            let rows = st.query_map(params![id], |r| r.get(0)).map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)?
        };
        if !known.iter().any(|n| n == node) && known.len() >= MAX_NODES {
            return Err(OpError::new(
                Kind::Forbidden,
                format!(
                    "{name} has its {MAX_NODES} nodes already ({}); {node} is not one of them",
                    known.join(", ")
                ),
            )
            .hint("a node was replaced or renamed: unregister the cluster at the hub and register it again"));
        }
        // The node's row and the cluster's last poll in one transaction: one commit (one
        // fsync) a poll, not two (bench/hub_capacity.py, issue 28).
        let tx = self.conn.transaction().map_err(storage)?;
        tx.execute(
            "INSERT INTO cluster_node (cluster_id, node, version, last_poll, poll_interval)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (cluster_id, node) DO UPDATE SET version = excluded.version,
                   last_poll = excluded.last_poll, poll_interval = excluded.poll_interval",
            params![
                id,
                node,
                version,
                now.to_string(),
                interval.map(|s| s as i64)
            ],
        )
        .map_err(storage)?;
        tx.execute(
            "UPDATE cluster SET last_poll = ?2 WHERE id = ?1",
            params![id, now.to_string()],
        )
        .map_err(storage)?;
        tx.commit().map_err(storage)?;
        let Some((release, signature)) = self.newest()? else {
            return Ok(Offer::UpToDate);
        };
        if crate::ops::orchestrate::version_cmp(&release.version, version)
            != std::cmp::Ordering::Greater
        {
            return Ok(Offer::UpToDate);
        }
        let wait = |reason: String| {
            Ok(Offer::Wait {
                version: release.version.clone(),
                reason,
            })
        };
        let view = self.cluster(&name, now)?;
        let window = if release.urgent {
            view.next_urgent
        } else {
            view.next_upgrade
        };
        if !window.contains(now) {
            return wait(format!(
                "the cluster's next {}window opens at {}",
                if release.urgent { "urgent " } else { "" },
                window.start
            ));
        }
        let states: Vec<(String, String, String)> = {
            let mut st = self
                .conn
                .prepare("SELECT node, state, updated_at FROM rollout WHERE cluster_id = ?1 AND version = ?2")
                .map_err(storage)?;
            let rows = st
                .query_map(params![id, release.version], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)?
        };
        let since_window = |at: &str| at.parse::<Timestamp>().is_ok_and(|t| t >= window.start);
        if let Some((n, _, _)) = states
            .iter()
            .find(|(_, s, at)| s == "failed" && since_window(at))
        {
            return wait(format!(
                "the rollout of {} stopped: it failed on {n}",
                release.version
            ));
        }
        if let Some((n, _, _)) = states
            .iter()
            .find(|(n, s, _)| s == "upgrading" && n != node)
        {
            return wait(format!("{n} is upgrading; one node at a time"));
        }
        // The state and the attempt's history in one transaction (history.rs).
        self.record_offer(id, node, &release.version, version, now)?;
        Ok(Offer::Install {
            version: release.version,
            sha256: release.sha256,
            size: release.size,
            signature,
            urgent: release.urgent,
        })
    }

    /// A node reports how its upgrade went: healthy on the new version (the next node may go),
    /// or failed with why (the release was refused — unsigned, tampered — or its health check
    /// failed and the node switched back): the cluster's rollout stops.
    pub fn report(
        &mut self,
        token: &str,
        node: &str,
        version: &str,
        healthy: bool,
        detail: &str,
        now: Timestamp,
    ) -> OpResult {
        let (id, _) = self.by_token(token)?;
        // Bounded, one line; the state and the attempt's end in one transaction (history.rs).
        let why = super::history::Why::from_node(detail);
        let changed = self.record_report(id, node, version, healthy, &why, now)?;
        if !changed {
            return Err(OpError::new(
                Kind::Invalid,
                format!("{node} was not offered {version}"),
            ));
        }
        Ok(())
    }

    /// The nodes of a cluster and where each stands in the newest release's rollout.
    pub fn nodes(&self, name: &str) -> OpResult<Vec<NodeState>> {
        let (id, _) = self.get(name)?;
        let newest = self.newest()?.map(|(r, _)| r.version).unwrap_or_default();
        let mut st = self
            .conn
            .prepare(
                "SELECT n.node, n.version, n.last_poll, COALESCE(r.state, 'pending'), COALESCE(r.detail, '')
                 FROM cluster_node n LEFT JOIN rollout r
                   ON r.cluster_id = n.cluster_id AND r.node = n.node AND r.version = ?2
                 WHERE n.cluster_id = ?1 ORDER BY n.node",
            )
            .map_err(storage)?;
        let rows = st
            .query_map(params![id, newest], |r| {
                Ok(NodeState {
                    node: r.get(0)?,
                    version: r.get(1)?,
                    last_poll: r.get(2)?,
                    state: r.get(3)?,
                    detail: r.get(4)?,
                })
            })
            .map_err(storage)?;
        let mut out: Vec<NodeState> = rows.collect::<Result<_, _>>().map_err(storage)?;
        for n in &mut out {
            if n.state == "pending" && n.version == newest {
                n.state = "upgraded".into();
            }
        }
        Ok(out)
    }
}
