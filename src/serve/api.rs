//! The endpoints of `ccadmin serve` for application users (HTTP Basic, failed logins limited
//! per source address) and the service's answers to the shared HTTPS server: what each path
//! may carry and where a request goes. The node-to-node calls are in `peers.rs`, the consent
//! page in `consent.rs`, `/metrics` in `metrics.rs`.

use std::net::SocketAddr;

use hyper::StatusCode;
use serde_json::json;

use super::auth::Verdict;
use super::https::{self, error, json_reply, limited, op_reply, Reply, MAX_BATCH, MAX_BODY};
use super::Service;
use crate::clients::cloud_connect::{ClusterInfo, ControlNodeKey, OnboardRecord, Removed};
use crate::domain::Role;
use crate::ops::onboarding;

impl https::Handler for Service {
    fn limit(&self, path: &str) -> (usize, bool) {
        // A change batch from the other node may be large, once its cluster secret is checked
        // (a snapshot holds every inventory version).
        if path == "/replication/changes"
            || path == "/cluster/orchestration/claim"
            || path == "/cluster/orchestration/run"
        {
            (MAX_BATCH, true)
        } else {
            (MAX_BODY, false)
        }
    }
    fn precheck(&self, peer: SocketAddr, authz: Option<&str>) -> Option<Reply> {
        self.cluster_auth(peer, authz)
    }
    fn handle(&self, r: &https::Request<'_>) -> Reply {
        if r.path == "/cloudconnect/register" {
            return self.consent(r);
        }
        Service::handle(self, r.peer, r.method, r.path, r.authz, r.body)
    }
    fn log(&self, line: &str) {
        Service::log(self, line)
    }
}

impl Service {
    /// Handle one request (blocking: SQLite, argon2).
    fn handle(
        &self,
        peer: SocketAddr,
        method: &hyper::Method,
        path: &str,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Reply {
        if path == "/health" {
            if !matches!(*method, hyper::Method::GET | hyper::Method::HEAD) {
                return error(StatusCode::METHOD_NOT_ALLOWED, "use GET or HEAD");
            }
            return json_reply(
                StatusCode::OK,
                json!({ "status": "ok", "version": self.version }),
            );
        }
        if path.starts_with("/cluster/") || path.starts_with("/replication/") {
            return self.cluster_call(peer, method, path, authorization, body);
        }
        let user = match self.auth.check(peer.ip(), authorization) {
            Verdict::Allowed(user) => user,
            Verdict::Busy => {
                let mut r = error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too many logins are being checked at once; try again in a moment",
                );
                r.headers_mut().insert(
                    hyper::header::RETRY_AFTER,
                    hyper::header::HeaderValue::from_static("1"),
                );
                return r;
            }
            Verdict::Denied => {
                return https::basic_required(
                    "Basic realm=\"ccadmin\"",
                    "an application user name and password are required",
                );
            }
            Verdict::Limited(wait) => return limited(wait),
        };
        let mut node = self.node();
        let me = match node.identity() {
            Ok(n) => n,
            Err(e) => return op_reply(&e),
        };
        match (method, path) {
            (&hyper::Method::GET, "/inventory/controlnode/key") => {
                let category = match me.role {
                    Role::Subscriber => "SUBSCRIBER",
                    _ => "PUBLISHER",
                };
                let key = ControlNodeKey {
                    category: category.into(),
                    host_name: me.hostname,
                    public_key: self.public_key.clone(),
                };
                json_reply(StatusCode::OK, json!(key))
            }
            (&hyper::Method::GET, "/inventory/cluster") => {
                let info = if me.role == Role::Subscriber {
                    ClusterInfo {
                        publisher: me.publisher.clone(),
                        subscriber: Some(me.hostname.clone()),
                    }
                } else {
                    let sub = node
                        .db()
                        .ok()
                        .and_then(|db| db.cc_subscriber().ok().flatten());
                    ClusterInfo {
                        publisher: Some(me.hostname.clone()),
                        subscriber: sub,
                    }
                };
                json_reply(StatusCode::OK, json!(info))
            }
            (&hyper::Method::POST, "/inventory/onboard") => {
                let record: OnboardRecord = match serde_json::from_slice(body) {
                    Ok(h) => h,
                    Err(e) => {
                        return error(
                            StatusCode::BAD_REQUEST,
                            &format!("the body is not an onboarding record: {e}"),
                        )
                    }
                };
                match onboarding::register(&mut node, record, &user) {
                    Ok(h) => json_reply(
                        StatusCode::OK,
                        json!({ "status": "onboarded", "host": h.host, "cluster": h.cluster }),
                    ),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::DELETE, p) if p.starts_with("/inventory/onboard/") => {
                let raw = &p["/inventory/onboard/".len()..];
                let cluster = match percent_encoding::percent_decode_str(raw).decode_utf8() {
                    Ok(c) => c.into_owned(),
                    Err(_) => {
                        return error(StatusCode::BAD_REQUEST, "the cluster name is not UTF-8")
                    }
                };
                match onboarding::unregister(&mut node, &cluster, Some(&user)) {
                    Ok(n) => {
                        self.log(&format!("{user} removed cluster {cluster} ({n} hosts)"));
                        json_reply(
                            StatusCode::OK,
                            json!(Removed {
                                cluster,
                                removed: n
                            }),
                        )
                    }
                    Err(e) => op_reply(&e),
                }
            }
            // Prometheus scrapes with an application user, as any client of the API.
            (&hyper::Method::GET, "/metrics") => self.metrics(),
            (_, "/inventory/controlnode/key" | "/inventory/cluster" | "/metrics") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use GET")
            }
            _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
        }
    }
}
