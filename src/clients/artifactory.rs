//! A client of the JFrog Artifactory REST API, as far as Cloud Connect needs it: ping, storage
//! (folder) info, the deep file list, file info with checksums, and streaming downloads that
//! resume with HTTP `Range` and are verified by SHA-256 before they take their final name.
//!
//! Errors carry the URL and what the server said, never the credential; `ArtError::remedy`
//! says what the administrator can do.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Client;
use reqwest::StatusCode;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{error_chain as chain, TlsProblem, Transport};
use crate::cancel::Cancel;
use crate::secrets::Secret;

pub use crate::domain::AuthType;
use crate::domain::Software;

pub struct Config {
    /// Base URL, e.g. `https://devhub-download.cisco.com/binaries`.
    pub url: String,
    pub repository: String,
    pub auth: AuthType,
    pub credential: Secret,
    /// PEM files of CAs to trust besides the system's.
    pub ca_files: Vec<PathBuf>,
    /// Explicit proxy; otherwise HTTPS_PROXY/HTTP_PROXY/NO_PROXY are honoured.
    pub proxy: Option<String>,
    pub connect_timeout: Duration,
    /// Deadline of each read or write on the connection.
    pub io_timeout: Duration,
    /// Accept a plain `http://` URL (the administrator's explicit opt-in).
    pub allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ArtError {
    #[error("{url} cannot be reached ({stage}): {reason}")]
    Unreachable {
        url: String,
        stage: &'static str,
        reason: String,
    },
    #[error("the TLS certificate of {url} is not accepted: {reason}")]
    Tls {
        url: String,
        problem: TlsProblem,
        reason: String,
    },
    #[error("the {what} is not valid: {url} answered 401 Unauthorized")]
    Unauthorized { url: String, what: &'static str },
    #[error("the authentication token of the CCO ID has expired ({url} answered 400 ExpiredRefreshToken)")]
    ExpiredToken { url: String },
    #[error("the CCO ID has not accepted the EULA ({url} answered 403: {message})")]
    Eula { url: String, message: String },
    #[error(
        "the CCO ID is not entitled to repository {repository} ({url} answered 403: {message})"
    )]
    NotEntitled {
        url: String,
        repository: String,
        message: String,
    },
    #[error("repository {repository} does not exist at {url} (404)")]
    NoRepository { url: String, repository: String },
    #[error("{path} does not exist in repository {repository} (404)")]
    NoFile { path: String, repository: String },
    #[error("{url} answered but is not a working Artifactory: {reason}")]
    NotArtifactory { url: String, reason: String },
    #[error("the download of {path} was cut off: {reason}")]
    Dropped { path: String, reason: String },
    #[error("the SHA-256 of {path} is {actual}, but Artifactory says {expected}; the download was deleted")]
    Checksum {
        path: String,
        expected: String,
        actual: String,
    },
    #[error("cannot write {path}: {reason}")]
    Local { path: String, reason: String },
    #[error("invalid setting: {0}")]
    Config(String),
    #[error("{url} redirected to {target}: {reason}")]
    Redirect {
        url: String,
        target: String,
        reason: String,
    },
    #[error("interrupted")]
    Interrupted,
}

impl ArtError {
    pub fn remedy(&self) -> Option<String> {
        Some(match self {
            ArtError::Unreachable { .. } => "check this node's network, DNS and proxy (HTTPS_PROXY is honoured; or pass --proxy URL), and the URL".into(),
            ArtError::Tls { problem: TlsProblem::WrongName, .. } => "use the URL with a host name the certificate lists, or have the server's certificate reissued for this name".into(),
            ArtError::Tls { problem: TlsProblem::Expired, .. } => "the server's certificate has expired: its administrator must renew it (check this node's clock too)".into(),
            ArtError::Tls { .. } => "if the server uses a private CA, trust it: pass --ca-file CA.pem (it is remembered with the setting), or put it in the node's trust/ directory".into(),
            ArtError::Unauthorized { .. } => "check the key or token (copy it again from the Cisco download console) and the authentication type".into(),
            ArtError::ExpiredToken { .. } => "sign in to the Cisco download console to refresh the token, then run the command again".into(),
            ArtError::Eula { .. } => "accept the EULA at https://software.cisco.com/download/eula, then run the command again".into(),
            ArtError::NotEntitled { .. } => "ask Cisco to entitle the CCO ID to this repository, or use another repository".into(),
            ArtError::NoRepository { .. } => "check the repository name (default ent-platform-release-external) and the URL".into(),
            ArtError::NotArtifactory { .. } => "check the URL: it must be the Artifactory base URL (the part before /api); try again later if the server has trouble".into(),
            ArtError::Dropped { .. } => "run the command again: the download resumes where it stopped".into(),
            ArtError::Checksum { .. } => "run the command again; if it happens again, the repository's file or the network path is corrupting data".into(),
            ArtError::Redirect { .. } => "use the https:// address the server means as the Artifactory URL, or ask its administrator why it redirects there".into(),
            _ => return None,
        })
    }
}

/// One file of the repository, from the deep list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct RemoteFile {
    /// Path inside the repository, starting with `/`.
    pub uri: String,
    pub size: u64,
    #[serde(default)]
    pub folder: bool,
    #[serde(default, rename = "sha2")]
    pub sha256: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FileList {
    files: Vec<RemoteFile>,
}

#[derive(Debug, Deserialize)]
struct Checksums {
    sha256: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FileInfo {
    checksums: Option<Checksums>,
    size: Option<serde_json::Value>,
}

/// One HTTP stack: the async client on a runtime this client owns, driven from the calling
/// thread (the blocking client hands every network chunk across threads, which cost five
/// times curl's time on a 1 GiB artifact). Not for use from inside another async runtime.
pub struct Artifactory {
    client: Client,
    rt: tokio::runtime::Runtime,
    io_timeout: Duration,
    /// Ends a request at once (Ctrl-C, SIGTERM) whatever it waits for.
    cancel: Cancel,
    base: String,
    /// Scheme, host and port of `base`: the only origin the credential is sent to.
    origin: reqwest::Url,
    repository: String,
    auth: AuthType,
    credential: Secret,
}

/// How often a download waiting for bytes looks at its cancellation flag.
const CANCEL_CHECK: Duration = Duration::from_millis(200);
/// Redirects followed per request.
const MAX_REDIRECTS: usize = 10;
/// Bounds on what a server may answer, by kind of answer.
const SMALL_BODY: u64 = 64 * 1024;
const INFO_BODY: u64 = 16 << 20;
const LIST_BODY: u64 = 256 << 20;

/// A whole answer to an API call: its status and at most the body limit of its kind.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

/// Read at most `limit` bytes of an answer; more is an error, not a truncation.
async fn read_body(
    mut resp: reqwest::Response,
    limit: u64,
    url: &str,
) -> Result<Vec<u8>, ArtError> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                if (out.len() + c.len()) as u64 > limit {
                    return Err(ArtError::NotArtifactory {
                        url: url.to_owned(),
                        reason: format!("the answer is larger than {} KiB", limit / 1024),
                    });
                }
                out.extend_from_slice(&c);
            }
            Ok(None) => return Ok(out),
            Err(e) => {
                return Err(ArtError::Unreachable {
                    url: url.to_owned(),
                    stage: "reading the answer failed",
                    reason: chain(&e),
                })
            }
        }
    }
}

/// Whether two URLs share scheme, host and port.
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Where a 30x answer sends the request next. A redirect to plain http from https, or to
/// anything but http(s), is refused: the request never leaves TLS once it had it.
fn redirect_target(
    from: &reqwest::Url,
    location: Option<&reqwest::header::HeaderValue>,
) -> Result<reqwest::Url, ArtError> {
    let refuse = |target: String, reason: &str| ArtError::Redirect {
        url: from.to_string(),
        target,
        reason: reason.to_owned(),
    };
    let loc = location
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| refuse(String::new(), "the redirect has no usable Location"))?;
    let to = from
        .join(loc)
        .map_err(|e| refuse(crate::text::terminal_safe(loc).into_owned(), &e.to_string()))?;
    match (from.scheme(), to.scheme()) {
        (_, "https") | ("http", "http") => Ok(to),
        ("https", "http") => Err(refuse(
            to.to_string(),
            "it would leave TLS for plain http; refused",
        )),
        _ => Err(refuse(
            to.to_string(),
            "only http(s) redirects are followed",
        )),
    }
}

/// JFrog's error body: `{"errors":[{"status":403,"message":"..."}]}`.
fn jfrog_message(body: &str) -> String {
    #[derive(Deserialize)]
    struct E {
        message: Option<String>,
    }
    #[derive(Deserialize)]
    struct Es {
        errors: Vec<E>,
    }
    serde_json::from_str::<Es>(body)
        .ok()
        .and_then(|e| e.errors.into_iter().filter_map(|e| e.message).next())
        .unwrap_or_else(|| body.chars().take(200).collect::<String>().trim().to_owned())
}

impl Artifactory {
    pub fn new(cfg: Config) -> Result<Artifactory, ArtError> {
        let url = reqwest::Url::parse(&cfg.url)
            .map_err(|e| ArtError::Config(format!("URL '{}': {e}", cfg.url)))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(ArtError::Config(format!(
                "URL '{}' must start with https://",
                cfg.url
            )));
        }
        if url.scheme() == "http" && !cfg.allow_http {
            return Err(ArtError::Config(format!(
                "URL '{}' is plain http: the credential would travel unencrypted; use https:// (or, on a closed lab network only, --allow-insecure-http)",
                cfg.url
            )));
        }
        let mut certs = Vec::new();
        for f in &cfg.ca_files {
            let pem = std::fs::read(f)
                .map_err(|e| ArtError::Config(format!("CA file {}: {e}", f.display())))?;
            let mut c = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ArtError::Config(format!(
                    "CA file {}: not PEM certificates: {e}",
                    f.display()
                ))
            })?;
            if c.is_empty() {
                return Err(ArtError::Config(format!(
                    "CA file {} holds no certificate",
                    f.display()
                )));
            }
            certs.append(&mut c);
        }
        let proxy = match &cfg.proxy {
            Some(p) => Some(reqwest::Proxy::all(p).map_err(|e| {
                ArtError::Config(format!("proxy {}: {e}", crate::names::redact_url(p)))
            })?),
            None => None,
        };
        let agent = concat!("ccadmin/", env!("CARGO_PKG_VERSION"));
        // Redirects are followed by `send` below, which decides where the credential goes.
        // API calls have `io_timeout` in all; a download has it per read.
        let mut b = Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .read_timeout(cfg.io_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(agent);
        if !certs.is_empty() {
            b = b.tls_certs_merge(certs);
        }
        if let Some(p) = proxy {
            b = b.proxy(p);
        }
        let client = b.build().map_err(|e| ArtError::Config(chain(&e)))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ArtError::Config(format!("cannot start the HTTP runtime: {e}")))?;
        Ok(Artifactory {
            client,
            rt,
            io_timeout: cfg.io_timeout,
            cancel: Cancel::default(),
            base: cfg.url.trim_end_matches('/').to_owned(),
            origin: url,
            repository: cfg.repository,
            auth: cfg.auth,
            credential: cfg.credential,
        })
    }

    /// The headers of a request to `url`: the credential only when `url` is the configured
    /// origin (never to a host a redirect named), and the range to resume from.
    fn headers(
        &self,
        url: &reqwest::Url,
        authenticated: bool,
        range_from: Option<u64>,
    ) -> reqwest::header::HeaderMap {
        use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RANGE};
        let mut h = HeaderMap::new();
        if authenticated && same_origin(url, &self.origin) {
            let (name, value) = match self.auth {
                AuthType::ApiKey => ("x-jfrog-art-api", self.credential.expose().to_owned()),
                AuthType::IdentityToken => (
                    AUTHORIZATION.as_str(),
                    format!("Bearer {}", self.credential.expose()),
                ),
            };
            if let Ok(mut v) = HeaderValue::from_str(&value) {
                v.set_sensitive(true);
                if let Ok(n) = reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
                    h.insert(n, v);
                }
            }
        }
        if let Some(from) = range_from.filter(|f| *f > 0) {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes={from}-")) {
                h.insert(RANGE, v);
            }
        }
        h
    }

    fn parse_url(url: &str) -> Result<reqwest::Url, ArtError> {
        reqwest::Url::parse(url).map_err(|e| ArtError::Config(format!("URL '{url}': {e}")))
    }

    /// Send a GET to `url`, following redirects (the credential only to the configured
    /// origin); the answer's headers have arrived.
    async fn send(
        &self,
        url: &str,
        authenticated: bool,
        range_from: Option<u64>,
        whole_timeout: Option<Duration>,
    ) -> Result<reqwest::Response, ArtError> {
        let mut at = Self::parse_url(url)?;
        for _ in 0..=MAX_REDIRECTS {
            let mut req =
                self.client
                    .get(at.clone())
                    .headers(self.headers(&at, authenticated, range_from));
            if let Some(t) = whole_timeout {
                req = req.timeout(t);
            }
            let resp = req
                .send()
                .await
                .map_err(|e| self.transport_error(url, &e))?;
            if !resp.status().is_redirection() {
                return Ok(resp);
            }
            at = redirect_target(&at, resp.headers().get(reqwest::header::LOCATION))?;
        }
        Err(ArtError::Redirect {
            url: url.to_owned(),
            target: at.to_string(),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// Requests end with [`ArtError::Interrupted`] as soon as `cancel` fires.
    pub fn with_cancel(mut self, cancel: Cancel) -> Artifactory {
        self.cancel = cancel;
        self
    }

    /// Run `work` on this client's runtime until it ends or the cancellation fires.
    fn until_cancelled<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, ArtError>>,
    ) -> Result<T, ArtError> {
        let cancel = &self.cancel;
        self.rt.block_on(async {
            tokio::select! {
                r = work => r,
                _ = async {
                    while !cancel.is_cancelled() {
                        tokio::time::sleep(CANCEL_CHECK).await;
                    }
                } => Err(ArtError::Interrupted),
            }
        })
    }

    /// An API call: the whole answer, at most `limit` bytes, within the I/O timeout.
    fn get(&self, url: &str, authenticated: bool, limit: u64) -> Result<Answer, ArtError> {
        self.until_cancelled(async {
            let resp = self
                .send(url, authenticated, None, Some(self.io_timeout))
                .await?;
            let status = resp.status();
            let body = read_body(resp, limit, url).await?;
            Ok(Answer { status, body })
        })
    }

    fn transport_error(&self, url: &str, e: &reqwest::Error) -> ArtError {
        let text = chain(e);
        let how = super::transport(e);
        if let Transport::Tls(problem) = how {
            return ArtError::Tls {
                url: url.to_owned(),
                problem,
                reason: text,
            };
        }
        // DNS and proxy failures have no typed error of their own below reqwest; their
        // text only chooses the words of the stage, never the kind of failure.
        let lower = text.to_lowercase();
        let stage = if how == Transport::TimedOut {
            "timed out"
        } else if how == Transport::Refused {
            "connection refused"
        } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("lookup") {
            "DNS lookup failed"
        } else if lower.contains("proxy") {
            "the proxy failed"
        } else if e.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        ArtError::Unreachable {
            url: url.to_owned(),
            stage,
            reason: text,
        }
    }

    /// Map an unsuccessful answer to its cause (SPEC 3's table).
    fn status_error(&self, url: &str, a: &Answer) -> ArtError {
        let body = &a.body[..a.body.len().min(SMALL_BODY as usize)];
        self.classify(url, a.status, &String::from_utf8_lossy(body))
    }

    fn classify(&self, url: &str, status: StatusCode, body: &str) -> ArtError {
        let message = jfrog_message(body);
        match status {
            StatusCode::UNAUTHORIZED => ArtError::Unauthorized {
                url: url.to_owned(),
                what: self.auth.label(),
            },
            StatusCode::BAD_REQUEST if body.contains("ExpiredRefreshToken") => {
                ArtError::ExpiredToken {
                    url: url.to_owned(),
                }
            }
            StatusCode::FORBIDDEN if message.to_lowercase().contains("eula") => ArtError::Eula {
                url: url.to_owned(),
                message,
            },
            StatusCode::FORBIDDEN => ArtError::NotEntitled {
                url: url.to_owned(),
                repository: self.repository.clone(),
                message,
            },
            StatusCode::NOT_FOUND => ArtError::NoRepository {
                url: self.base.clone(),
                repository: self.repository.clone(),
            },
            s => ArtError::NotArtifactory {
                url: url.to_owned(),
                reason: format!("HTTP {s}: {message}"),
            },
        }
    }

    /// `GET {url}/api/system/ping`: is this an Artifactory at all?
    pub fn ping(&self) -> Result<(), ArtError> {
        let url = format!("{}/api/system/ping", self.base);
        let a = self.get(&url, false, SMALL_BODY)?;
        let status = a.status;
        let body = String::from_utf8_lossy(&a.body).into_owned();
        if !status.is_success() {
            return Err(ArtError::NotArtifactory {
                url,
                reason: format!("HTTP {status}: {}", jfrog_message(&body)),
            });
        }
        if body.trim() != "OK" {
            return Err(ArtError::NotArtifactory {
                url,
                reason: format!(
                    "the ping answered '{}' instead of OK",
                    body.trim().chars().take(60).collect::<String>()
                ),
            });
        }
        Ok(())
    }

    /// `GET {url}/api/storage/{repository}` with the credential: the credential works and the
    /// repository exists.
    pub fn check_repository(&self) -> Result<(), ArtError> {
        let url = format!("{}/api/storage/{}", self.base, self.repository);
        let a = self.get(&url, true, INFO_BODY)?;
        if !a.status.is_success() {
            return Err(self.status_error(&url, &a));
        }
        let v: serde_json::Value =
            serde_json::from_slice(&a.body).map_err(|e| ArtError::NotArtifactory {
                url: url.clone(),
                reason: format!("the storage API did not answer JSON: {e}"),
            })?;
        if v.get("repo").is_none() && v.get("children").is_none() {
            return Err(ArtError::NotArtifactory {
                url,
                reason: "the storage API answer has no repo or children".into(),
            });
        }
        Ok(())
    }

    /// Every file of the repository (`?list&deep=1`).
    pub fn list_files(&self) -> Result<Vec<RemoteFile>, ArtError> {
        let url = format!("{}/api/storage/{}?list&deep=1", self.base, self.repository);
        let a = self.get(&url, true, LIST_BODY)?;
        if !a.status.is_success() {
            return Err(self.status_error(&url, &a));
        }
        let list: FileList =
            serde_json::from_slice(&a.body).map_err(|e| ArtError::NotArtifactory {
                url,
                reason: format!("the file list is not the documented JSON: {e}"),
            })?;
        Ok(list.files.into_iter().filter(|f| !f.folder).collect())
    }

    /// The SHA-256 and size Artifactory records for a file.
    pub fn file_checksum(&self, path: &str) -> Result<(String, Option<u64>), ArtError> {
        let url = format!("{}/api/storage/{}{}", self.base, self.repository, path);
        let a = self.get(&url, true, INFO_BODY)?;
        if a.status == StatusCode::NOT_FOUND {
            return Err(ArtError::NoFile {
                path: path.to_owned(),
                repository: self.repository.clone(),
            });
        }
        if !a.status.is_success() {
            return Err(self.status_error(&url, &a));
        }
        let info: FileInfo =
            serde_json::from_slice(&a.body).map_err(|e| ArtError::NotArtifactory {
                url: url.clone(),
                reason: format!("the file info is not the documented JSON: {e}"),
            })?;
        let sha =
            info.checksums
                .and_then(|c| c.sha256)
                .ok_or_else(|| ArtError::NotArtifactory {
                    url,
                    reason: format!("no SHA-256 checksum is recorded for {path}"),
                })?;
        let size = info.size.and_then(|s| match s {
            serde_json::Value::String(s) => s.parse().ok(),
            serde_json::Value::Number(n) => n.as_u64(),
            _ => None,
        });
        Ok((sha.to_lowercase(), size))
    }

    /// Download `path` into `dest`: through `dest.part`, resuming a part left by an earlier
    /// attempt with `Range`, retrying a cut connection `retries` times with backoff, and
    /// verifying the SHA-256 before the final rename. A mismatch deletes the part.
    pub fn download(
        &self,
        path: &str,
        dest: &Path,
        retries: u32,
        backoff: Duration,
        interrupt: &AtomicBool,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<u64, ArtError> {
        let (expected, size) = self.file_checksum(path)?;
        let part = part_path(dest);
        let local = |e: std::io::Error, p: &Path| ArtError::Local {
            path: p.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| local(e, parent))?;
        }
        let url = format!("{}/{}{}", self.base, self.repository, path);
        // The SHA-256 is computed while the bytes arrive; `hashed` says how much of the part
        // it covers, so a resumed download hashes only what it has not seen.
        let mut hash = Hashed {
            hasher: Sha256::new(),
            len: 0,
        };
        let mut attempt = 0;
        loop {
            match self.fetch_into(&url, path, &part, size, &mut hash, interrupt, progress) {
                Ok(()) => break,
                Err(ArtError::Dropped { .. }) | Err(ArtError::Unreachable { .. })
                    if attempt < retries =>
                {
                    attempt += 1;
                    let wait = backoff * 2u32.saturating_pow(attempt - 1);
                    let deadline = std::time::Instant::now() + wait;
                    while std::time::Instant::now() < deadline {
                        if interrupt.load(Ordering::SeqCst) {
                            return Err(ArtError::Interrupted);
                        }
                        std::thread::sleep(Duration::from_millis(50).min(wait));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let actual: String = hash
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if actual != expected {
            let _ = std::fs::remove_file(&part);
            return Err(ArtError::Checksum {
                path: path.to_owned(),
                expected,
                actual,
            });
        }
        let len = std::fs::metadata(&part).map_err(|e| local(e, &part))?.len();
        std::fs::rename(&part, dest).map_err(|e| local(e, dest))?;
        Ok(len)
    }

    /// One attempt: ask for what the part lacks and append it (or start over when the server
    /// sends the whole file). Receiving runs on this client's runtime; opening, writing,
    /// hashing and syncing the part run on a writer thread fed through a bounded channel,
    /// so nothing blocks inside async code and the two overlap.
    #[allow(clippy::too_many_arguments)]
    fn fetch_into(
        &self,
        url: &str,
        path: &str,
        part: &Path,
        size: Option<u64>,
        hash: &mut Hashed,
        interrupt: &AtomicBool,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<(), ArtError> {
        let local = |e: std::io::Error| ArtError::Local {
            path: part.display().to_string(),
            reason: e.to_string(),
        };
        let have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        if hash.len != have {
            // A part left by an earlier run (or not what we hashed): hash it afresh.
            *hash = Hashed::of_file(part, have).map_err(local)?;
        }
        if size.is_some_and(|s| have == s) {
            return Ok(());
        }
        let resp = self.until_cancelled(self.send(url, true, Some(have), None))?;
        let status = resp.status();
        let append = match status {
            // The server resumes: append.
            StatusCode::PARTIAL_CONTENT => true,
            // A full answer (no Range support, or nothing to resume): start over.
            StatusCode::OK => {
                *hash = Hashed {
                    hasher: Sha256::new(),
                    len: 0,
                };
                false
            }
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // The part is longer than the file: it is wrong; start over next attempt.
                let _ = std::fs::remove_file(part);
                return Err(ArtError::Dropped {
                    path: path.to_owned(),
                    reason: "the partial download was longer than the file".into(),
                });
            }
            _ => {
                let body = self
                    .until_cancelled(read_body(resp, SMALL_BODY, url))
                    .unwrap_or_default();
                return Err(self.classify(url, status, &String::from_utf8_lossy(&body)));
            }
        };
        let file = if append {
            std::fs::OpenOptions::new().append(true).open(part)
        } else {
            std::fs::File::create(part)
        }
        .map_err(local)?;
        let mut done = if append { have } else { 0 };
        // The network's small chunks travel in 1 MiB blocks (a few hand-overs per MiB).
        const BLOCK: usize = 1 << 20;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        let mut hashed = std::mem::replace(
            hash,
            Hashed {
                hasher: Sha256::new(),
                len: 0,
            },
        );
        let writer = std::thread::spawn(move || {
            let mut file = file;
            let mut result = Ok(());
            let mut unsynced = 0usize;
            while let Some(block) = rx.blocking_recv() {
                if result.is_ok() {
                    result = file.write_all(&block);
                    hashed.hasher.update(&block);
                    hashed.len += block.len() as u64;
                    // Flush to disk as we go, while the network keeps the other core busy,
                    // instead of one long fsync at the end.
                    unsynced += block.len();
                    if unsynced >= 64 << 20 && result.is_ok() {
                        result = file.sync_data();
                        unsynced = 0;
                    }
                }
            }
            let result = result.and_then(|_| file.sync_all());
            (hashed, result)
        });
        let outcome = self.rt.block_on(async {
            let mut resp = resp;
            let mut block = Vec::with_capacity(BLOCK);
            let mut outcome = Ok(());
            loop {
                // Waiting for the next bytes ends when they come or when the download is
                // cancelled (Ctrl-C, SIGTERM), whichever is first: a stalled server does not
                // hold the process until the read timeout.
                let next = loop {
                    if interrupt.load(Ordering::SeqCst) || self.cancel.is_cancelled() {
                        break None;
                    }
                    tokio::select! {
                        c = resp.chunk() => break Some(c),
                        _ = tokio::time::sleep(CANCEL_CHECK) => {}
                    }
                };
                let Some(next) = next else {
                    outcome = Err(ArtError::Interrupted);
                    break;
                };
                match next {
                    Ok(Some(c)) => {
                        block.extend_from_slice(&c);
                        done += c.len() as u64;
                        if block.len() >= BLOCK {
                            let full = std::mem::replace(&mut block, Vec::with_capacity(BLOCK));
                            if tx.send(full).await.is_err() {
                                break; // the writer failed; its error is reported below
                            }
                            progress(done, size);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        outcome = Err(ArtError::Dropped {
                            path: path.to_owned(),
                            reason: chain(&e),
                        });
                        break;
                    }
                }
            }
            // What arrived is kept, also after an error: the next attempt resumes after it.
            let _ = tx.send(block).await;
            outcome
        });
        drop(tx);
        let (hashed, written) = writer.join().map_err(|_| ArtError::Local {
            path: part.display().to_string(),
            reason: "the writer thread failed".into(),
        })?;
        *hash = hashed;
        written.map_err(local)?;
        progress(done, size);
        outcome?;
        if let Some(s) = size {
            if done < s {
                return Err(ArtError::Dropped {
                    path: path.to_owned(),
                    reason: format!("{done} of {s} bytes arrived"),
                });
            }
        }
        Ok(())
    }
}

/// A SHA-256 in progress over the first `len` bytes of a part file.
struct Hashed {
    hasher: Sha256,
    len: u64,
}

impl Hashed {
    fn of_file(path: &Path, len: u64) -> std::io::Result<Hashed> {
        let mut h = Hashed {
            hasher: Sha256::new(),
            len: 0,
        };
        if len == 0 {
            return Ok(h);
        }
        let mut f = std::fs::File::open(path)?.take(len);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.hasher.update(&buf[..n]);
            h.len += n as u64;
        }
        Ok(h)
    }
}

/// `<dest>.part`.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut p = dest.as_os_str().to_owned();
    p.push(".part");
    PathBuf::from(p)
}

/// Which builds a software choice keeps (SPEC 7): a file under a folder named `restricted` is
/// an export-restricted build, one under `unrestricted` an unrestricted build, any other is
/// common to both.
pub fn wanted(uri: &str, software: Software) -> bool {
    let folders: Vec<&str> = uri.trim_start_matches('/').split('/').collect();
    let folders = &folders[..folders.len().saturating_sub(1)];
    let restricted = folders.contains(&"restricted");
    let unrestricted = folders.contains(&"unrestricted");
    match (restricted, unrestricted) {
        (false, false) => true,
        (true, false) => software == Software::Restricted,
        (false, true) => software == Software::Unrestricted,
        (true, true) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_choice_selects_builds() {
        assert!(wanted("/12.6/common/tool.zip", Software::Restricted));
        assert!(wanted("/12.6/common/tool.zip", Software::Unrestricted));
        assert!(wanted("/12.6/restricted/cc.iso", Software::Restricted));
        assert!(!wanted("/12.6/restricted/cc.iso", Software::Unrestricted));
        assert!(wanted("/12.6/unrestricted/cc.iso", Software::Unrestricted));
        assert!(!wanted("/12.6/unrestricted/cc.iso", Software::Restricted));
        // A file named like a folder is not a folder.
        assert!(wanted("/12.6/restricted", Software::Unrestricted));
    }

    #[test]
    fn jfrog_error_bodies() {
        assert_eq!(
            jfrog_message(r#"{"errors":[{"status":403,"message":"Please accept the EULA"}]}"#),
            "Please accept the EULA"
        );
        assert_eq!(
            jfrog_message("<html>Bad gateway</html>"),
            "<html>Bad gateway</html>"
        );
    }

    #[test]
    fn part_name() {
        assert_eq!(
            part_path(Path::new("/a/b.iso")),
            PathBuf::from("/a/b.iso.part")
        );
    }
}
