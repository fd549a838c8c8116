//! `ccadmin hub serve`: the hub's HTTPS service for Cloud Connect nodes (issue 14). JSON API:
//!
//! - `GET /api/v1/identity` → `{"hub_id", "cert_sha256"}`: what the publisher shows and pins;
//! - `POST /api/v1/register` `{"hub_id", "code", "fqdn", "cert_sha256"}` → `{"hub_id",
//!   "display_name", "token", "cert_sha256"}`: the publisher completes a registration code;
//! - `POST /api/v1/poll` (`Authorization: Bearer TOKEN`) `{"node", "version"}` (and
//!   `"poll_interval"`, seconds, when the node says how often it polls) → an offer
//!   (`up-to-date`, `wait` with why, or `install` with version, SHA-256, size, signature);
//! - `POST /api/v1/report` (bearer) `{"node", "version", "healthy", "detail"}`: the node's
//!   rollout state and the end of its attempt (`history`); a body up to 256 KiB once its token
//!   is a registered cluster's (a node's reason may be long: it is kept bounded);
//! - `GET /api/v1/releases/VERSION` (bearer) → the archive (not a withdrawn one), streamed
//!   from its file as the node reads it.
//!
//! A cluster is two nodes: a poll naming a third is refused.
//!
//! `GET /metrics` (Prometheus, with a hub account as the JSON API) is in `metrics.rs`.
//!
//! The pages for people and their JSON API are in `web.rs`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::service::HubService;
use super::{Clock, Hub};
use crate::ops::{Kind, OpError};
use crate::serve::https::{self, error, json_reply, op_reply, Reply};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterBody {
    hub_id: String,
    code: String,
    fqdn: String,
    cert_sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PollBody {
    node: String,
    version: String,
    /// How often the node polls (seconds), when it says: its health is judged against it.
    #[serde(default)]
    poll_interval: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportBody {
    node: String,
    version: String,
    healthy: bool,
    #[serde(default)]
    detail: String,
}

/// A refusal: the answer to send instead (boxed: a response is large).
type Refusal = Box<Reply>;

fn parse<'a, T: Deserialize<'a>>(body: &'a Bytes) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            &format!(
                "the request is not the expected JSON: {}",
                crate::text::terminal_safe(&e.to_string())
            ),
        ))
    })
}

impl HubService {
    fn token<'a>(&self, authz: Option<&'a str>) -> Result<&'a str, Refusal> {
        authz
            .and_then(|a| a.strip_prefix("Bearer "))
            .ok_or_else(|| {
                Box::new(error(
                    StatusCode::UNAUTHORIZED,
                    "a bearer token is required",
                ))
            })
    }

    pub(super) fn log(&self, line: &str) {
        https::write_log(&self.log, line);
    }

    /// The hub's state, locked for one request's work.
    pub(super) fn hub(&self) -> std::sync::MutexGuard<'_, Hub> {
        self.hub.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn route(&self, r: &https::Request<'_>) -> Result<Reply, Refusal> {
        let now = self.clock.now();
        // A password check (argon2) is done before the lock is taken: polls and pages go on
        // meanwhile.
        let signed_in = self.credentials(r);
        let mut hub = self.hub();
        if r.path == "/metrics" {
            return Ok(self.metrics(r, &hub, signed_in));
        }
        let reply = if super::web::is_people_api(r) {
            self.people_api(r, &mut hub, now, signed_in)
        } else {
            self.page_route(r, &mut hub, now, signed_in)
        };
        if let Some(reply) = reply {
            return Ok(reply);
        }
        let refused = |e: OpError| {
            Box::new(match e.kind {
                Kind::Refused => error(StatusCode::FORBIDDEN, &e.message),
                _ => op_reply(&e),
            })
        };
        let failed = |e: OpError| Box::new(op_reply(&e));
        match (r.method, r.path) {
            (&Method::GET, "/api/v1/identity") => Ok(json_reply(
                StatusCode::OK,
                json!({"hub_id": hub.id().map_err(failed)?, "cert_sha256": self.cert_sha256}),
            )),
            (&Method::POST, "/api/v1/register") => {
                let b: RegisterBody = parse(r.body)?;
                let done = hub
                    .complete_registration(&b.hub_id, &b.code, &b.fqdn, &b.cert_sha256, now)
                    .map_err(refused)?;
                Ok(json_reply(
                    StatusCode::OK,
                    json!({"hub_id": done.hub_id, "display_name": done.display_name, "token": done.token, "cert_sha256": self.cert_sha256}),
                ))
            }
            (&Method::POST, "/api/v1/poll") => {
                let token = self.token(r.authz)?;
                let polled = parse::<PollBody>(r.body).and_then(|b| {
                    let offer = hub
                        .poll_every(token, &b.node, &b.version, b.poll_interval, now)
                        .map_err(failed)?;
                    Ok((b, offer))
                });
                self.polls.count(polled.as_ref().ok().map(|(_, o)| o));
                let (b, offer) = polled?;
                if let super::Offer::Install { version, .. } = &offer {
                    let cluster = hub.authorize(token).unwrap_or_default();
                    self.log(&format!("offered {version} to {} of {cluster}", b.node));
                }
                Ok(json_reply(StatusCode::OK, json!(offer)))
            }
            (&Method::POST, "/api/v1/report") => {
                let token = self.token(r.authz)?;
                let b: ReportBody = parse(r.body)?;
                hub.report(token, &b.node, &b.version, b.healthy, &b.detail, now)
                    .map_err(failed)?;
                let cluster = hub.authorize(token).unwrap_or_default();
                self.log(&if b.healthy {
                    format!("{} of {cluster} reports {} healthy", b.node, b.version)
                } else {
                    format!(
                        "{} of {cluster} reports {} failed: {}",
                        b.node,
                        b.version,
                        super::Why::from_node(&b.detail).as_str()
                    )
                });
                Ok(json_reply(StatusCode::OK, json!({"recorded": true})))
            }
            (&Method::POST, "/api/v1/unregister") => {
                let token = self.token(r.authz)?;
                let name = hub.authorize(token).map_err(failed)?;
                hub.unregister(&name).map_err(failed)?;
                self.log(&format!("{name} unregistered itself"));
                Ok(json_reply(StatusCode::OK, json!({"unregistered": name})))
            }
            (&Method::GET, p) if p.starts_with("/api/v1/releases/") => {
                let token = self.token(r.authz)?;
                hub.authorize(token).map_err(failed)?;
                let version = &p["/api/v1/releases/".len()..];
                let path = hub.release_archive(version).map_err(failed)?;
                // Streamed from the file as the node reads it, never held in memory; a node
                // that stops reading is dropped after the server's write timeout.
                let unreadable = |e: std::io::Error| {
                    Box::new(error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &format!("the archive cannot be read: {e}"),
                    ))
                };
                let mut file = std::fs::File::open(&path).map_err(unreadable)?;
                let total = file.metadata().map_err(unreadable)?.len();
                // `Range: bytes=N-` resumes an interrupted download.
                let from = r
                    .header(hyper::header::RANGE)
                    .and_then(|v| v.strip_prefix("bytes="))
                    .and_then(|v| v.strip_suffix('-'))
                    .and_then(|v| v.parse::<u64>().ok())
                    .filter(|n| *n > 0 && *n < total);
                let mut reply = Response::new(Full::new(Bytes::new()));
                if let Some(n) = from {
                    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(n))
                        .map_err(unreadable)?;
                    *reply.status_mut() = StatusCode::PARTIAL_CONTENT;
                    if let Ok(v) = hyper::header::HeaderValue::from_str(&format!(
                        "bytes {n}-{}/{total}",
                        total - 1
                    )) {
                        reply.headers_mut().insert(hyper::header::CONTENT_RANGE, v);
                    }
                }
                let len = total - from.unwrap_or(0);
                reply.headers_mut().insert(
                    hyper::header::CONTENT_LENGTH,
                    hyper::header::HeaderValue::from(len),
                );
                reply.headers_mut().insert(
                    hyper::header::CONTENT_TYPE,
                    hyper::header::HeaderValue::from_static("application/octet-stream"),
                );
                reply
                    .extensions_mut()
                    .insert(https::FileBody::new(file, len));
                Ok(reply)
            }
            _ => Err(Box::new(error(StatusCode::NOT_FOUND, "no such endpoint"))),
        }
    }
}

/// The largest report a registered node may send (its `detail` is cut to
/// [`super::MAX_WHY`] characters when kept).
pub const MAX_REPORT: usize = 256 * 1024;

impl https::Handler for HubService {
    fn limit(&self, path: &str) -> (usize, bool) {
        if path == "/api/v1/report" {
            (MAX_REPORT, true)
        } else {
            (https::MAX_BODY, false)
        }
    }
    /// A report larger than the usual bound is read only from a registered cluster's node.
    fn precheck(&self, _peer: SocketAddr, authz: Option<&str>) -> Option<Reply> {
        let token = match self.token(authz) {
            Ok(t) => t,
            Err(reply) => return Some(*reply),
        };
        self.hub().authorize(token).err().map(|e| op_reply(&e))
    }
    fn handle(&self, r: &https::Request<'_>) -> Reply {
        self.route(r).unwrap_or_else(|reply| *reply)
    }
    fn log(&self, line: &str) {
        HubService::log(self, line);
    }
}

/// Why the hub's service could not start or stopped: each in the words the operator reads
/// after `Error:`.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The hub's state (opening it, recording the announced address).
    #[error("{0}")]
    Hub(OpError),
    #[error("the hub's host name {host}: {why}")]
    HostName { host: String, why: String },
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// The certificate, the listener, the log or the server itself, as the shared HTTPS
    /// layer words it.
    #[error("{0}")]
    Service(String),
}

impl ServeError {
    fn service(e: impl std::fmt::Display) -> ServeError {
        ServeError::Service(e.to_string())
    }
}

/// Run the hub's service on `listen` until SIGTERM or SIGINT; its certificate is made on first
/// start (self-signed for `host`) in `<hub-dir>/tls/`.
pub fn run(dir: PathBuf, listen: SocketAddr, host: &str, clock: Clock) -> Result<(), ServeError> {
    // The same bound on memory under bad sign-ins as `ccadmin serve` (argon2's large blocks
    // given back when freed), before any thread starts.
    https::bound_allocator();
    let mut hub = Hub::open(&dir).map_err(ServeError::Hub)?;
    // The address consent links made at the console (`hub cluster add`) name.
    if listen.port() != 0 {
        let address = format!(
            "https://{}",
            crate::clients::ssh::Endpoint::parse(host, listen.port())
                .map(|e| e.to_string())
                .map_err(|e| ServeError::HostName {
                    host: host.to_owned(),
                    why: e.to_string(),
                })?
        );
        hub.set_address(&address).map_err(ServeError::Hub)?;
    }
    let files = crate::ops::tls::ensure(&dir, host).map_err(ServeError::service)?;
    let (acceptor, cert_sha256) = https::acceptor(&files).map_err(ServeError::service)?;
    let log = https::open_log(&dir.join("logs"), "hub.log").map_err(ServeError::service)?;
    let svc = Arc::new(HubService {
        hub: Mutex::new(hub),
        clock,
        cert_sha256,
        log,
        pages: super::web::pages(),
        auth: crate::serve::auth::Authenticator::new(dir.join("hub.db"), host.to_owned()),
        polls: Default::default(),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let _chores = super::service::Chores::start(svc.clone(), dir.clone());
    rt.block_on(https::serve(
        svc,
        acceptor,
        listen,
        "ccadmin hub",
        host.to_owned(),
    ))
    .map_err(ServeError::service)
}
