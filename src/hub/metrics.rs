//! The hub's `GET /metrics` (Prometheus text format, written by [`crate::serve::metrics`]),
//! behind a hub account as the hub's JSON API: the polls since the service started (a
//! process-lifetime counter), the clusters and nodes by where they stand in the newest
//! release's rollout (read from the database at scrape time, one bounded query), and the
//! sign-ins refused and limited.

use std::sync::atomic::Ordering;

use hyper::StatusCode;
use rusqlite::params;

use super::service::{HubService, SignedIn};
use super::{storage, Hub};
use crate::ops::OpResult;
use crate::serve::https::{op_reply, Reply, Request};
use crate::serve::metrics::{self, seconds, Exposition, Sample, Type};

/// How a poll ended, as `ccadmin_hub_polls_total` labels it.
const POLL_RESULTS: [&str; 4] = ["up-to-date", "wait", "install", "refused"];
/// Where a node stands in the newest release's rollout (as `hub cluster show` says).
const NODE_STATES: [&str; 4] = ["pending", "upgrading", "upgraded", "failed"];
/// A cluster's state: its nodes' worst (`unpolled`: no node polled yet).
const CLUSTER_STATES: [&str; 5] = ["unpolled", "pending", "upgrading", "upgraded", "failed"];

/// The clusters and nodes by state, and the least recent poll of a cluster.
struct Rollout {
    clusters: [u64; 5],
    nodes: [u64; 4],
    oldest_poll: Option<f64>,
}

impl Hub {
    fn rollout(&self) -> OpResult<Rollout> {
        let newest = self.newest()?.map(|(r, _)| r.version).unwrap_or_default();
        // One row per node of a registered cluster (a cluster without nodes: one row of
        // NULLs), its state for the newest release as `nodes` reports it.
        let mut st = self
            .conn
            .prepare(
                "SELECT c.id, c.last_poll, n.node IS NOT NULL,
                        CASE WHEN r.state IS NOT NULL THEN r.state
                             WHEN n.version = ?1 THEN 'upgraded' ELSE 'pending' END
                 FROM cluster c
                 LEFT JOIN cluster_node n ON n.cluster_id = c.id
                 LEFT JOIN rollout r
                   ON r.cluster_id = n.cluster_id AND r.node = n.node AND r.version = ?1
                 ORDER BY c.id",
            )
            .map_err(storage)?;
        let rows = st
            .query_map(params![newest], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(storage)?;
        let mut out = Rollout {
            clusters: [0; 5],
            nodes: [0; 4],
            oldest_poll: None,
        };
        // The cluster being summed: its id and worst state so far (an index of CLUSTER_STATES).
        let mut current: Option<(i64, usize)> = None;
        let rank = |s: &str| match s {
            "failed" => 4,
            "upgrading" => 3,
            "pending" => 2,
            "upgraded" => 1,
            _ => 2,
        };
        let close = |c: Option<(i64, usize)>, out: &mut Rollout| {
            if let Some((_, worst)) = c {
                out.clusters[worst] += 1;
            }
        };
        for row in rows {
            let (id, last_poll, has_node, state) = row.map_err(storage)?;
            if current.is_none_or(|(c, _)| c != id) {
                close(current, &mut out);
                current = Some((id, 0));
                if let Some(t) = last_poll.as_deref().and_then(seconds) {
                    out.oldest_poll = Some(out.oldest_poll.map_or(t, |o: f64| o.min(t)));
                }
            }
            if !has_node {
                continue;
            }
            let node = NODE_STATES.iter().position(|s| *s == state).unwrap_or(0);
            out.nodes[node] += 1;
            // The worst state of the cluster's nodes: failed > upgrading > pending > upgraded.
            let state = CLUSTER_STATES[node + 1];
            if let Some((_, worst)) = current.as_mut() {
                if *worst == 0 || rank(state) > rank(CLUSTER_STATES[*worst]) {
                    *worst = node + 1;
                }
            }
        }
        close(current, &mut out);
        Ok(out)
    }
}

impl HubService {
    /// `GET /metrics`: a hub account (HTTP Basic) is required, as for the JSON API.
    pub(super) fn metrics(&self, r: &Request<'_>, hub: &Hub, signed_in: Option<SignedIn>) -> Reply {
        match signed_in {
            Some(Ok(_)) => {}
            Some(Err(reply)) => return *reply,
            None => {
                return crate::serve::https::basic_required(
                    "Basic realm=\"ccadmin hub\"",
                    "a hub account is required (HTTP Basic)",
                )
            }
        }
        if *r.method != hyper::Method::GET {
            return crate::serve::https::error(StatusCode::METHOD_NOT_ALLOWED, "use GET");
        }
        match self.collect(hub) {
            Ok(out) => out.reply(),
            Err(e) => {
                self.log(&format!("metrics: {e}"));
                op_reply(&e)
            }
        }
    }

    fn collect(&self, hub: &Hub) -> OpResult<Exposition> {
        let mut out = Exposition::default();
        out.family(
            "ccadmin_build_info",
            Type::Gauge,
            "The ccadmin release this hub runs (always 1).",
            &[Sample::new(1.0).label("version", env!("CARGO_PKG_VERSION"))],
        );
        metrics::logins(&mut out, &self.auth.counts(), "hub-account", false);
        let polls: Vec<Sample> = POLL_RESULTS
            .iter()
            .zip(&self.polls.0)
            .map(|(r, n)| Sample::new(n.load(Ordering::Relaxed) as f64).label("result", r))
            .collect();
        out.family(
            "ccadmin_hub_polls_total",
            Type::Counter,
            "Polls by Cloud Connect nodes since the hub's service started, by what they were told (refused: an unknown token, a third node, a malformed poll).",
            &polls,
        );
        let rollout = hub.rollout()?;
        let clusters: Vec<Sample> = CLUSTER_STATES
            .iter()
            .zip(rollout.clusters)
            .map(|(s, n)| Sample::new(n as f64).label("state", s))
            .collect();
        out.family(
            "ccadmin_hub_clusters",
            Type::Gauge,
            "Registered clusters by upgrade state for the newest release: their nodes' worst (failed, upgrading, pending, upgraded), or unpolled.",
            &clusters,
        );
        let nodes: Vec<Sample> = NODE_STATES
            .iter()
            .zip(rollout.nodes)
            .map(|(s, n)| Sample::new(n as f64).label("state", s))
            .collect();
        out.family(
            "ccadmin_hub_nodes",
            Type::Gauge,
            "Nodes of registered clusters by upgrade state for the newest release.",
            &nodes,
        );
        out.maybe(
            "ccadmin_hub_oldest_cluster_poll_timestamp_seconds",
            Type::Gauge,
            "The least recent last poll of a registered cluster that has polled (absent when none has).",
            rollout.oldest_poll,
        );
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn clusters_are_counted_by_their_nodes_worst_state() {
        let d = tempfile::tempdir().unwrap();
        let hub = Hub::open(d.path()).unwrap();
        let none = hub.rollout().unwrap();
        assert_eq!(none.clusters, [0; 5]);
        assert_eq!(none.oldest_poll, None);
        // Two registered clusters, straight into the tables: one never polled, one with an
        // upgraded node and a failed one.
        let now = at("2026-12-03T03:10:00Z");
        for (id, name, poll) in [(1, "A", None), (2, "B", Some(now.to_string()))] {
            hub.conn
                .execute(
                    "INSERT INTO cluster (id, display_name, fqdn, token_sha256, node_cert_sha256, registered_at, schedule, last_poll)
                     VALUES (?1, ?2, 'x', ?2, 'c', 'r', '{}', ?3)",
                    params![id, name, poll],
                )
                .unwrap();
        }
        hub.conn
            .execute_batch(
                "INSERT INTO release (version, notes, urgent, sha256, size, signature, added_at)
                   VALUES ('2.0.0', '', 0, 's', 1, 'sig', 'now');
                 INSERT INTO cluster_node (cluster_id, node, version, last_poll)
                   VALUES (2, 'cc1', '2.0.0', 'p'), (2, 'cc2', '1.0.0', 'p');
                 INSERT INTO rollout (cluster_id, version, node, state, updated_at)
                   VALUES (2, '2.0.0', 'cc2', 'failed', 'now');",
            )
            .unwrap();
        let r = hub.rollout().unwrap();
        assert_eq!(r.clusters, [1, 0, 0, 0, 1], "unpolled A, failed B");
        assert_eq!(r.nodes, [0, 0, 1, 1]);
        assert_eq!(r.oldest_poll, Some(now.as_second() as f64));
        hub.conn
            .execute("UPDATE rollout SET state = 'upgraded'", [])
            .unwrap();
        assert_eq!(hub.rollout().unwrap().clusters, [1, 0, 0, 1, 0]);
    }
}
