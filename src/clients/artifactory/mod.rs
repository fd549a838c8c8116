//! A client of the JFrog Artifactory REST API, as far as Cloud Connect needs it: ping, storage
//! (folder) info, the deep file list, file info with checksums, and streaming downloads that
//! resume with HTTP `Range` and are verified by SHA-256 before they take their final name.
//!
//! Errors carry the URL and what the server said, never the credential; `ArtError::remedy`
//! says what the administrator can do.
//!
//! One job a file: `http` (the client, its requests, redirects and how an answer becomes an
//! error), `api` (ping, the repository, the file list and a file's checksum) and `download`
//! (resumed, verified downloads).

use std::path::PathBuf;
use std::time::Duration;

use super::TlsProblem;
use crate::cancel::Cancel;
use crate::secrets::Secret;
use reqwest::Client;
use serde::Deserialize;

pub use crate::domain::AuthType;
use crate::domain::Software;

mod api;
mod download;
mod http;
#[cfg(test)]
mod tests;

pub use download::*;
use http::*;

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
    /// The most a download reads a second (`with_bandwidth`); `None` is unlimited.
    bandwidth: Option<std::num::NonZeroU64>,
}

/// How often a download waiting for bytes looks at its cancellation flag.
const CANCEL_CHECK: Duration = Duration::from_millis(200);
/// Redirects followed per request.
const MAX_REDIRECTS: usize = 10;
/// Bounds on what a server may answer, by kind of answer.
const SMALL_BODY: u64 = 64 * 1024;
const INFO_BODY: u64 = 16 << 20;
const LIST_BODY: u64 = 256 << 20;

/// Which builds a software choice keeps (rule R11 in docs/rules.md#r11): a file under a folder
/// named `restricted` is an export-restricted build, one under `unrestricted` an unrestricted
/// build, any other is common to both.
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
