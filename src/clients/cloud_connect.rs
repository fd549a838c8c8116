//! The Cloud Connect node service's REST API (rules R8 and R11 in docs/rules.md#r8 and #r11), as
//! its two kinds of client use it: a VOS node as an application user (HTTP Basic), and the other
//! Cloud Connect node with the cluster secret (Bearer). TLS is trusted only through the node's
//! `trust/` (as VOS trusts through tomcat-trust, not the system's CAs); no proxy. The wire types
//! here are the ones `ccadmin serve` reads and writes.

use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use super::{error_chain, TlsProblem, Transport};
use crate::cancel::{Cancel, Waited};
use crate::op_error::Kind;
use crate::secrets::Secret;

/// The node service's port when a host name gives none.
pub const DEFAULT_PORT: u16 = 8445;
/// The largest answer read from the other node.
const MAX_ANSWER: u64 = 256 * 1024;
/// The largest digest answer (`GET /replication/digest`): a digest per user, inventory
/// version and onboarded host of a large deployment.
pub const MAX_DIGEST_ANSWER: u64 = 8 * 1024 * 1024;

/// The service URL of `host`: `host:port` as given, else port 8445.
pub fn base(host: &str) -> String {
    match crate::names::split_host_port(host) {
        Ok((_, Some(_))) => format!("https://{host}"),
        _ => format!("https://{host}:{DEFAULT_PORT}"),
    }
}

/// `GET /inventory/cluster`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterInfo {
    pub publisher: Option<String>,
    pub subscriber: Option<String>,
}

/// `GET /inventory/controlnode/key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlNodeKey {
    /// `PUBLISHER` or `SUBSCRIBER`.
    pub category: String,
    pub host_name: String,
    pub public_key: String,
}

/// `POST /inventory/onboard`: one VOS host as Cloud Connect records it.
pub use crate::state::db::OnboardedHost as OnboardRecord;

/// `DELETE /inventory/onboard/{cluster}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub cluster: String,
    pub removed: usize,
}

/// `POST /cluster/join`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Join {
    pub host_name: String,
    /// The cluster of the batches this subscriber applied, and how far.
    #[serde(default)]
    pub cluster: Option<String>,
    #[serde(default)]
    pub applied: i64,
    /// The publisher's history that place belongs to, and the mark of the change there.
    #[serde(default)]
    pub epoch: Option<String>,
    #[serde(default)]
    pub mark: Option<String>,
}

/// JSON error body: `{"errors":[{"status":403,"message":"..."}]}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    errors: Vec<ErrorItem>,
}
#[derive(Debug, Deserialize)]
struct ErrorItem {
    message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CcError {
    #[error("this node trusts no certificate yet, so it cannot verify {url}")]
    NoTrust { url: String },
    #[error("the certificate of {url} is not trusted by this node: {reason}")]
    Untrusted {
        url: String,
        host: String,
        problem: TlsProblem,
        reason: String,
    },
    #[error("{url} cannot be reached: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} refused the application user {user}")]
    Refused { url: String, user: String },
    #[error("{url} refused the cluster secret")]
    SecretRefused { url: String },
    #[error("{url} refuses logins from this address for a while: too many failed attempts")]
    Limited { url: String },
    #[error("{url} refused: {message}")]
    Forbidden { url: String, message: String },
    #[error("{url} answered {status}: {message}")]
    Status {
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url} answered something that is not the documented JSON: {reason}")]
    BadAnswer { url: String, reason: String },
    #[error("interrupted")]
    Interrupted,
}

/// What went wrong in one request/answer exchange.
enum Exchange {
    Send(reqwest::Error),
    Read(std::io::Error),
}

/// Send a request and read at most `max` + 1 bytes of its answer.
fn exchange(
    req: reqwest::blocking::RequestBuilder,
    max: u64,
) -> Result<(StatusCode, Vec<u8>), Exchange> {
    use std::io::Read;
    let resp = req.send().map_err(Exchange::Send)?;
    let status = resp.status();
    let mut bytes = Vec::new();
    resp.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(Exchange::Read)?;
    Ok((status, bytes))
}

impl CcError {
    pub fn kind(&self) -> Kind {
        match self {
            CcError::NoTrust { .. } => Kind::NotConfigured,
            CcError::Untrusted { .. } => Kind::Untrusted,
            CcError::Unreachable { .. } => Kind::Unreachable,
            CcError::Refused { .. } | CcError::SecretRefused { .. } => Kind::Refused,
            CcError::Limited { .. } => Kind::Busy,
            CcError::Forbidden { .. } => Kind::Forbidden,
            CcError::Status { status: 404, .. } => Kind::NotFound,
            CcError::Status { .. } | CcError::BadAnswer { .. } => Kind::Peer,
            CcError::Interrupted => Kind::Interrupted,
        }
    }

    pub fn remedy(&self) -> Option<String> {
        Some(match self {
            CcError::NoTrust { .. } => "on the Cloud Connect publisher run `show cert own`, copy it here and run: utils cert import FILE".into(),
            CcError::Untrusted { problem: TlsProblem::Expired, .. } => "the service certificate has expired: renew it on that node (check this node's clock too)".into(),
            CcError::Untrusted { host, .. } => format!("on {host} run `show cert own`, copy it here and run: utils cert import FILE"),
            CcError::Unreachable { .. } => "check the name, the port (8445) and that ccadmin serve runs there".into(),
            CcError::Refused { .. } => "check the user name and password (utils applicationuser on the Cloud Connect publisher)".into(),
            CcError::SecretRefused { .. } => "set the same cluster secret on both nodes: utils node cluster-secret".into(),
            CcError::Limited { .. } => "wait a minute, then try again with the right password".into(),
            CcError::Forbidden { .. } => "a cluster can be changed only by the application user that registered it: use that user, or ask the Cloud Connect administrator to run utils system inventory remove-cluster NAME".into(),
            _ => return None,
        })
    }
}

/// How requests authenticate.
pub enum Credential {
    /// An application user (VOS node → Cloud Connect).
    AppUser { user: String, password: Secret },
    /// The cluster secret (Cloud Connect node → Cloud Connect node).
    ClusterSecret(Secret),
}

pub struct CloudConnect {
    client: Client,
    credential: Credential,
    timeout: Duration,
    /// Ends a call at once (Ctrl-C); the call's thread finishes on its own.
    cancel: Option<Cancel>,
}

impl CloudConnect {
    /// A client trusting only the certificates in `certs`.
    pub fn new(
        certs: Vec<reqwest::Certificate>,
        credential: Credential,
        timeout: Duration,
    ) -> Result<CloudConnect, CcError> {
        if certs.is_empty() {
            return Err(CcError::NoTrust {
                url: "the other node".into(),
            });
        }
        let client = Client::builder()
            .tls_certs_only(certs)
            .connect_timeout(timeout)
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| CcError::Unreachable {
                url: String::new(),
                reason: format!("cannot build the HTTPS client: {}", error_chain(&e)),
            })?;
        Ok(CloudConnect {
            client,
            credential,
            timeout,
            cancel: None,
        })
    }

    /// Calls end with [`CcError::Interrupted`] as soon as `cancel` fires.
    pub fn with_cancel(mut self, cancel: Cancel) -> CloudConnect {
        self.cancel = Some(cancel);
        self
    }

    /// A client for this node's `trust/`.
    pub fn from_trust(
        state_root: &Path,
        credential: Credential,
        timeout: Duration,
    ) -> Result<CloudConnect, CcError> {
        Self::new(trusted_certificates(state_root), credential, timeout)
    }

    fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        host: &str,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, CcError> {
        self.call_max(method, host, path, body, MAX_ANSWER)
    }

    /// [`Self::call`] with an answer of up to `max` bytes.
    fn call_max<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        host: &str,
        path: &str,
        body: Option<&impl Serialize>,
        max: u64,
    ) -> Result<T, CcError> {
        let url = format!("{}{path}", base(host));
        let mut req = self.client.request(method, &url);
        req = match &self.credential {
            Credential::AppUser { user, password } => req.basic_auth(user, Some(password.expose())),
            Credential::ClusterSecret(s) => req.bearer_auth(s.expose()),
        };
        if let Some(b) = body {
            req = req.json(b);
        }
        // The exchange runs on a thread of its own, so a cancellation need not wait for a
        // host that never answers.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(exchange(req, max));
        });
        let token = self.cancel.clone().unwrap_or_default();
        let waited = token.recv(
            &rx,
            Instant::now() + self.timeout * 2 + Duration::from_secs(1),
        );
        let (status, bytes) = match waited {
            Ok(Ok(answer)) => answer,
            Ok(Err(Exchange::Send(e))) => {
                return Err(match super::transport(&e) {
                    Transport::Tls(problem) => CcError::Untrusted {
                        url: base(host),
                        host: host.to_owned(),
                        problem,
                        reason: error_chain(&e),
                    },
                    _ => CcError::Unreachable {
                        url: base(host),
                        reason: error_chain(&e),
                    },
                })
            }
            Ok(Err(Exchange::Read(e))) => {
                return Err(CcError::Unreachable {
                    url: url.clone(),
                    reason: format!("reading the answer failed: {e}"),
                })
            }
            Err(Waited::Cancelled) => return Err(CcError::Interrupted),
            Err(_) => {
                return Err(CcError::Unreachable {
                    url: base(host),
                    reason: format!("no answer within {}s", self.timeout.as_secs()),
                })
            }
        };
        if bytes.len() as u64 > max {
            return Err(CcError::BadAnswer {
                url,
                reason: format!("the answer is larger than {} KiB", max / 1024),
            });
        }
        let message = || {
            serde_json::from_slice::<ErrorBody>(&bytes)
                .ok()
                .and_then(|b| b.errors.into_iter().next())
                .map(|e| crate::text::terminal_safe(&e.message).into_owned())
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned())
        };
        match status {
            StatusCode::OK => serde_json::from_slice(&bytes).map_err(|e| CcError::BadAnswer {
                url,
                reason: e.to_string(),
            }),
            StatusCode::UNAUTHORIZED => Err(match &self.credential {
                Credential::AppUser { user, .. } => CcError::Refused {
                    url: base(host),
                    user: user.clone(),
                },
                Credential::ClusterSecret(_) => CcError::SecretRefused { url: base(host) },
            }),
            StatusCode::TOO_MANY_REQUESTS => Err(CcError::Limited { url: base(host) }),
            StatusCode::FORBIDDEN => Err(CcError::Forbidden {
                url: base(host),
                message: message(),
            }),
            s => Err(CcError::Status {
                url,
                status: s.as_u16(),
                message: message(),
            }),
        }
    }

    /// `GET /health`: the other node's service answers.
    pub fn health(&self, host: &str) -> Result<(), CcError> {
        self.call::<serde_json::Value>(Method::GET, host, "/health", None::<&()>)
            .map(|_| ())
    }

    pub fn cluster(&self, host: &str) -> Result<ClusterInfo, CcError> {
        self.call(Method::GET, host, "/inventory/cluster", None::<&()>)
    }

    pub fn control_node_key(&self, host: &str) -> Result<ControlNodeKey, CcError> {
        self.call(Method::GET, host, "/inventory/controlnode/key", None::<&()>)
    }

    pub fn onboard(&self, host: &str, record: &OnboardRecord) -> Result<(), CcError> {
        self.call::<serde_json::Value>(Method::POST, host, "/inventory/onboard", Some(record))
            .map(|_| ())
    }

    pub fn remove_cluster(&self, host: &str, cluster: &str) -> Result<Removed, CcError> {
        let path = format!(
            "/inventory/onboard/{}",
            percent_encoding::utf8_percent_encode(cluster, percent_encoding::NON_ALPHANUMERIC)
        );
        self.call(Method::DELETE, host, &path, None::<&()>)
    }

    /// The subscriber announces itself to its publisher.
    pub fn join(&self, publisher: &str, body: &Join) -> Result<(), CcError> {
        self.call::<serde_json::Value>(Method::POST, publisher, "/cluster/join", Some(body))
            .map(|_| ())
    }

    /// Send a change batch to the subscriber; where it is now.
    pub fn replicate(
        &self,
        subscriber: &str,
        changes: &crate::wire::Changes,
    ) -> Result<crate::wire::ChangesApplied, CcError> {
        self.call(
            Method::POST,
            subscriber,
            "/replication/changes",
            Some(changes),
        )
    }

    /// The publisher's view of the replication.
    pub fn replication_state(
        &self,
        publisher: &str,
    ) -> Result<crate::wire::PublisherView, CcError> {
        self.call(Method::GET, publisher, "/replication/state", None::<&()>)
    }

    /// The other node's digests of the replicated state (`utils dbreplication status`); the
    /// answer is bounded and checked by the caller before anything of it is shown.
    pub fn replication_digest(&self, host: &str) -> Result<crate::wire::Digests, CcError> {
        self.call_max(
            Method::GET,
            host,
            "/replication/digest",
            None::<&()>,
            MAX_DIGEST_ANSWER,
        )
    }

    /// Ask the publisher to send its subscriber a full snapshot now (`utils dbreplication
    /// repair` on the subscriber).
    pub fn replication_repair(&self, publisher: &str) -> Result<crate::wire::Repaired, CcError> {
        self.call(Method::POST, publisher, "/replication/repair", None::<&()>)
    }

    /// Claim the cluster's one orchestration run from the other node.
    pub fn claim_run(
        &self,
        host: &str,
        claim: &crate::wire::PeerClaim,
    ) -> Result<crate::state::orchestration::ClaimAnswer, CcError> {
        self.call(
            Method::POST,
            host,
            "/cluster/orchestration/claim",
            Some(claim),
        )
    }

    /// Tell the other node how one of this node's runs stands.
    pub fn report_run(
        &self,
        host: &str,
        run: &crate::state::orchestration::Run,
    ) -> Result<(), CcError> {
        self.call::<serde_json::Value>(Method::PUT, host, "/cluster/orchestration/run", Some(run))
            .map(|_| ())
    }

    /// The other node's own view of its newest run (Cisco's remote node snapshot).
    pub fn run_progress(&self, host: &str) -> Result<crate::wire::Progress, CcError> {
        self.call(
            Method::GET,
            host,
            "/cluster/orchestration/progress",
            None::<&()>,
        )
    }

    /// Ask the other Cloud Connect node to run test-connection with its own key.
    pub fn test_connection(
        &self,
        host: &str,
        request: &crate::wire::RemoteTest,
    ) -> Result<crate::wire::NodeReport, CcError> {
        self.call(
            Method::POST,
            host,
            "/cluster/test-connection",
            Some(request),
        )
    }
}

/// The certificates of the node's `trust/`, for HTTPS to the other ccadmin nodes.
pub fn trusted_certificates(root: &Path) -> Vec<reqwest::Certificate> {
    trust_files(root)
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .flat_map(|pem| reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default())
        .collect()
}

/// The certificate files this node trusts, sorted: its own `trust/`, then the publisher's
/// (replicated to a subscriber).
pub fn trust_files(state_root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = own_trust_files(state_root);
    out.extend(pem_files(
        &crate::state::replicated_dir(state_root).join("trust"),
    ));
    out
}

/// The files of the node's own `trust/`, sorted.
pub fn own_trust_files(state_root: &Path) -> Vec<std::path::PathBuf> {
    pem_files(&state_root.join("trust"))
}

fn pem_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
