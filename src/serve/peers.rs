//! The calls between the two nodes of a Cloud Connect cluster, authenticated with the cluster
//! secret (checked as logins are, limited per address): a subscriber joining, replication
//! (state, digests, repair, change batches), test-connection runs for the other node and the
//! cluster's orchestration run. Apart from `api.rs` because these callers are nodes, not
//! people, and each endpoint answers an operation of `ops::cluster` and its neighbours.

use std::net::SocketAddr;

use hyper::StatusCode;
use serde_json::json;

use super::https::{error, json_reply, limited, op_reply, Reply};
use super::Service;
use crate::clients::cloud_connect::Join;
use crate::domain::Role;
use crate::ops::cluster;
use crate::ops::logs::Topic;
use crate::ops::Kind;

impl Service {
    /// The cluster secret presented by a node-to-node call: checked as logins are (limited
    /// per address, so it cannot be guessed). `Some`: the refusal to answer with.
    pub(super) fn cluster_auth(
        &self,
        peer: SocketAddr,
        authorization: Option<&str>,
    ) -> Option<Reply> {
        // No credential at all is no login attempt: answered, not counted or limited.
        if authorization.is_none() {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "this endpoint needs the cluster secret",
            ));
        }
        let mut node = self.node();
        let Ok(Some(ours)) = cluster::secret(&mut node) else {
            return Some(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "no cluster secret is set on this node (utils node cluster-secret)",
            ));
        };
        let attempt = match self.auth.attempt(peer.ip(), None) {
            Ok(a) => a,
            Err(wait) => return Some(limited(wait)),
        };
        let matches = cluster::secret_matches(&ours, authorization);
        attempt.settle(matches);
        (!matches).then(|| {
            error(
                StatusCode::UNAUTHORIZED,
                "the cluster secret does not match",
            )
        })
    }

    /// Calls between the nodes of the Cloud Connect cluster, authenticated with the cluster
    /// secret: a subscriber joining and asking how far it is (on the publisher), a change
    /// batch (on the subscriber), a test-connection run for the other node (on either).
    pub(super) fn cluster_call(
        &self,
        peer: SocketAddr,
        method: &hyper::Method,
        path: &str,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Reply {
        if let Some(reply) = self.cluster_auth(peer, authorization) {
            return reply;
        }
        let mut node = self.node();
        match (method, path) {
            (&hyper::Method::POST, "/cluster/join") => {
                let bad = || {
                    error(
                        StatusCode::BAD_REQUEST,
                        "hostName is missing or not a host name",
                    )
                };
                let Ok(join) = serde_json::from_slice::<Join>(body) else {
                    return bad();
                };
                match cluster::accept_subscriber(&mut node, &join) {
                    Ok(()) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!(
                                "subscriber {} joined (at change {})",
                                join.host_name, join.applied
                            ),
                        );
                        json_reply(
                            StatusCode::OK,
                            json!({ "publisher": true, "subscriber": join.host_name }),
                        )
                    }
                    Err(e) if e.kind == Kind::Invalid => bad(),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::GET, "/replication/state") => {
                match node.identity().map(|n| n.role) {
                    Ok(Role::Publisher) => {}
                    Ok(_) => return error(StatusCode::FORBIDDEN, "this node is not the publisher"),
                    Err(e) => return op_reply(&e),
                }
                match cluster::publisher_view(&mut node) {
                    Ok(v) => json_reply(StatusCode::OK, json!(v)),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::GET, "/replication/digest") => {
                match crate::ops::replication_check::digests(&mut node) {
                    Ok(d) => json_reply(StatusCode::OK, json!(d)),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::POST, "/replication/repair") => {
                match node.identity().map(|n| n.role) {
                    Ok(Role::Publisher) => {}
                    Ok(_) => return error(StatusCode::FORBIDDEN, "this node is not the publisher"),
                    Err(e) => return op_reply(&e),
                }
                match crate::ops::replication_check::repair_here(&mut node) {
                    Ok(r) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!(
                                "repair asked by the subscriber: {}",
                                crate::text::one_line(&r.message)
                            ),
                        );
                        json_reply(StatusCode::OK, json!(r))
                    }
                    Err(e) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!("repair asked by the subscriber failed: {e}"),
                        );
                        op_reply(&e)
                    }
                }
            }
            (&hyper::Method::POST, "/replication/changes") => {
                let changes: cluster::Changes = match serde_json::from_slice(body) {
                    Ok(v) => v,
                    Err(e) => {
                        return error(StatusCode::BAD_REQUEST, &format!("not a change batch: {e}"))
                    }
                };
                let (from, to, snapshot) = (changes.from, changes.to, changes.snapshot);
                match cluster::apply(&mut node, changes) {
                    Ok(cluster::Outcome::Applied(a)) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!(
                                "applied {} from the publisher: changes {}..{to}",
                                if snapshot { "a snapshot" } else { "a batch" },
                                from + 1
                            ),
                        );
                        json_reply(StatusCode::OK, json!(a))
                    }
                    Ok(cluster::Outcome::AlreadyHad(a)) => json_reply(StatusCode::OK, json!(a)),
                    Ok(cluster::Outcome::NeedSnapshot { applied, why }) => error(
                        StatusCode::CONFLICT,
                        &format!("this subscriber is at change {applied}: {why}; send a snapshot"),
                    ),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::POST, "/cluster/test-connection") => {
                let request: crate::ops::connectivity::RemoteTest =
                    match serde_json::from_slice(body) {
                        Ok(v) => v,
                        Err(e) => {
                            return error(
                                StatusCode::BAD_REQUEST,
                                &format!("not a test-connection request: {e}"),
                            )
                        }
                    };
                match crate::ops::connectivity::test_for_peer(&mut node, &request) {
                    Ok(report) => json_reply(StatusCode::OK, json!(report)),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::POST, "/cluster/orchestration/claim") => {
                let claim: crate::ops::cluster_run::PeerClaim = match serde_json::from_slice(body) {
                    Ok(v) => v,
                    Err(e) => return error(StatusCode::BAD_REQUEST, &format!("not a claim: {e}")),
                };
                match crate::ops::cluster_run::claim_for_peer(&mut node, &claim) {
                    Ok(answer) => {
                        self.log(&format!(
                            "{} the cluster's orchestration run to {} ({} {})",
                            match answer {
                                crate::state::orchestration::ClaimAnswer::Granted => "granted",
                                crate::state::orchestration::ClaimAnswer::Refused(_) => "refused",
                            },
                            claim.run.node,
                            claim.run.operation,
                            crate::text::terminal_safe(&claim.run.subject)
                        ));
                        json_reply(StatusCode::OK, json!(answer))
                    }
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::PUT, "/cluster/orchestration/run") => {
                let run: crate::state::orchestration::Run = match serde_json::from_slice(body) {
                    Ok(v) => v,
                    Err(e) => return error(StatusCode::BAD_REQUEST, &format!("not a run: {e}")),
                };
                match crate::ops::cluster_run::keep_peer_run(&mut node, &run) {
                    Ok(()) => json_reply(StatusCode::OK, json!({ "kept": run.uid })),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::GET, "/cluster/orchestration/progress") => {
                match crate::ops::orchestrate::own_progress(&mut node) {
                    Ok(p) => json_reply(StatusCode::OK, json!(p)),
                    Err(e) => op_reply(&e),
                }
            }
            (_, "/cluster/orchestration/claim") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use POST")
            }
            (_, "/cluster/orchestration/run") => error(StatusCode::METHOD_NOT_ALLOWED, "use PUT"),
            (_, "/cluster/orchestration/progress") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use GET")
            }
            (_, "/cluster/join" | "/replication/changes" | "/cluster/test-connection") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use POST")
            }
            (_, "/replication/state" | "/replication/digest") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use GET")
            }
            (_, "/replication/repair") => error(StatusCode::METHOD_NOT_ALLOWED, "use POST"),
            _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
        }
    }
}
