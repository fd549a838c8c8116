//! The JSON bodies two ccadmin nodes exchange over the node service's API: the client that
//! sends them (`clients::cloud_connect`) and the service that answers (`serve`, through `ops`)
//! both import them from here, so neither reaches into the other's layer. Only the shapes are
//! here; each type's checks (a peer's answer is bounded and validated before use) and its
//! making stay with the operation that owns it, which re-exports the type under its old name
//! (`ops::cluster::Changes`, `ops::connectivity::RemoteTest`, …).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::OnboardedHost;
use crate::domain::{AuthType, Role, Software};
use crate::state::notify::SmtpConfig;
use crate::state::orchestration::{Run, Signer};

// ---- replication (`ops::cluster`): batches, their answer, the publisher's view ----

/// `POST /replication/changes`: a batch from the publisher.
#[derive(Debug, Serialize, Deserialize)]
pub struct Changes {
    /// The publisher's cluster identity.
    pub cluster: String,
    /// The publisher's host name: a subscriber takes batches only from its own publisher.
    pub publisher: String,
    /// The batch follows this sequence number (ignored for a snapshot).
    pub from: i64,
    /// Applied, the subscriber is at this sequence number.
    pub to: i64,
    /// Every kind is here, whole: the subscriber's place in the log does not matter.
    pub snapshot: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_users: Option<Vec<ReplicatedUser>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<ReplicatedVersions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarded: Option<Vec<ReplicatedHost>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_repository: Option<ReplicatedImageRepository>,
    /// The publisher has no image-repository setting: the subscriber's goes too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub image_repository_removed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Vec<TrustedFile>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<ReplicatedSmtp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signers: Option<Vec<Signer>>,
    /// The cluster's settings (`shared.*` keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Vec<(String, String)>>,
    /// The hub registration's token, with the settings (none: not registered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_token: Option<String>,
    /// The publisher's history: a subscriber ignores late batches of a history it left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<String>,
    /// The marks of the changes `from..=to` the publisher's log holds: the subscriber checks
    /// the one at its place against the one it applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<(i64, String)>,
}

/// The notification setting: the SMTP server (none: removed), its password, the subscribers.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReplicatedSmtp {
    pub config: Option<SmtpConfig>,
    pub password: Option<String>,
    pub subscribers: Vec<String>,
}

/// The answer to a batch: where the subscriber is now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangesApplied {
    pub cluster: String,
    pub applied: i64,
    /// The publisher's history the subscriber's place belongs to, and the mark of the change
    /// there (the publisher checks it against its own log).
    #[serde(default)]
    pub epoch: Option<String>,
    #[serde(default)]
    pub mark: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ReplicatedUser {
    pub pkid: String,
    pub name: String,
    /// The argon2 PHC string; never a password.
    pub hash: String,
}

/// Inventory versions: those added since the subscriber's place, or (`whole`) the history.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReplicatedVersions {
    pub whole: bool,
    pub versions: Vec<ReplicatedVersion>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ReplicatedVersion {
    pub id: i64,
    pub created_at: String,
    pub actor: String,
    pub source: String,
    pub inventory: crate::inventory::Inventory,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ReplicatedHost {
    #[serde(flatten)]
    pub host: OnboardedHost,
    pub owner: Option<String>,
}

/// The image-repository setting with its credential.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReplicatedImageRepository {
    pub url: String,
    pub repository: String,
    pub auth_type: AuthType,
    pub software: Software,
    pub proxy: Option<String>,
    pub last_validated: String,
    pub credential: String,
    #[serde(default)]
    pub allow_http: bool,
    /// The certificates of the setting's `--ca-file` (PEM): a path on the publisher means
    /// nothing on the subscriber, the certificates do.
    #[serde(default)]
    pub ca_pem: Option<String>,
}

/// One file of the publisher's `trust/`.
#[derive(Debug, Serialize, Deserialize)]
pub struct TrustedFile {
    pub name: String,
    pub pem: String,
}

/// `GET /replication/state`: the publisher's view, for the subscriber's status.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublisherView {
    pub cluster: String,
    pub sequence: i64,
    pub subscriber: Option<String>,
    pub applied: Option<i64>,
    pub behind_since: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// After failures: the next attempt is not before this time (UTC).
    #[serde(default)]
    pub retry_at: Option<String>,
    /// The publisher's history, and when and why it last began a new one.
    #[serde(default)]
    pub epoch: Option<String>,
    #[serde(default)]
    pub epoch_changed_at: Option<String>,
    #[serde(default)]
    pub epoch_changed_why: Option<String>,
}

// ---- the replication check (`ops::replication_check`) ----

/// `GET /replication/digest`: one node's digests of the replicated state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Digests {
    /// The node's host name, and its role.
    pub node: String,
    pub role: Role,
    /// The change the state corresponds to: the publisher's newest, the subscriber's last
    /// applied.
    pub change: i64,
    pub kinds: Vec<KindDigest>,
}

/// One kind: its digest, and a digest per named item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KindDigest {
    pub kind: String,
    pub digest: String,
    pub items: BTreeMap<String, String>,
}

/// `POST /replication/repair`: what the publisher did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Repaired {
    pub publisher: String,
    pub subscriber: String,
    /// The snapshot landed, and the change the subscriber is at now.
    pub sent: bool,
    pub applied: Option<i64>,
    /// The publisher's sentence for it.
    pub message: String,
}

// ---- the cluster's one orchestration run (`ops::cluster_run`) ----

/// What one node asks the other.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PeerClaim {
    /// Whether the asking node is the publisher (it wins a tie).
    pub publisher: bool,
    pub command: String,
    /// The run as it stands (new, or the interrupted one being resumed).
    pub run: Run,
}

// ---- test-connection asked of the other node (`ops::connectivity`) ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    Success,
    Failed,
    Skipped,
}

/// `POST /cluster/test-connection`: the other Cloud Connect node is asked to run the same test
/// with its own key. It never learns new host keys on request: that stays a decision made at
/// its own console.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RemoteTest {
    pub node: Option<String>,
    pub product: Option<String>,
    pub parallel: usize,
    pub timeout_secs: u64,
    pub retries: u32,
}

/// One Cloud Connect node's results, as the other node receives them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NodeReport {
    pub node: String,
    pub public_key: String,
    pub hosts: Vec<NodeHost>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NodeHost {
    pub host: String,
    pub result: Outcome,
    pub seconds: f64,
    pub stage: Option<String>,
    pub detail: String,
}

/// Where the newest run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunState {
    /// Its process still holds the orchestration lock.
    Running,
    /// It ended without finishing (the process is gone: Ctrl-C, kill, a reboot); the same
    /// command resumes it.
    Interrupted,
    Finished,
    /// It runs (or ran) on the other Cloud Connect node, which cannot be asked now.
    Unknown,
}

/// A node's view of its newest run, as `show in-progress` and the other node's
/// `show progress-HA` show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Progress {
    /// The Cloud Connect node whose view this is.
    pub node: String,
    pub state: Option<RunState>,
    pub run: Option<Run>,
}
