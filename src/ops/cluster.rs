//! The Cloud Connect cluster (SPEC 7): a subscriber joins its publisher with the shared cluster
//! secret, and the cluster-wide state replicates from the publisher, the only writer, to the
//! subscriber. Node-to-node calls are HTTPS to the other node's service, trusted through
//! `trust/`, authenticated with the cluster secret.
//!
//! Every write to cluster-wide state on the publisher appends to an ordered change log in the
//! same transaction (see `state::replication`). The publisher's service sends the subscriber a
//! batch that brings it from the last sequence number it confirmed to the newest: for each kind
//! of state that changed, the kind's whole current state (so a batch is idempotent, and a
//! thousand changes while the subscriber was down cost one batch). A subscriber that joins late,
//! or lost its place, first receives a snapshot of every kind. The subscriber applies a batch in
//! one transaction with the record of its sequence number, so a batch delivered twice is
//! applied once.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Kind, Node, OpError, OpResult};
use crate::clients::cloud_connect::{CcError, CloudConnect, Credential, Join};
use crate::domain::{AuthType, Role, Software};
use crate::secrets::{Secret, StoreKind};
use crate::state::db::{ImageRepository, OnboardedHost};
use crate::state::notify::SmtpConfig;
use crate::state::orchestration::Signer;
use crate::state::replication::{Batch, StoredVersion};

/// Name of the cluster secret in the secret store.
pub const SECRET_NAME: &str = "cluster-secret";
/// The kinds of replicated state, as the change log names them.
pub const APPLICATION_USERS: &str = "application-users";
pub const INVENTORY: &str = "inventory";
pub const ONBOARDED: &str = "onboarded";
pub const IMAGE_REPOSITORY: &str = "image-repository";
pub const TRUST: &str = "trust";
pub const SMTP: &str = "smtp";
pub const SIGNERS: &str = "signers";
pub const SETTINGS: &str = "settings";
pub const KINDS: &[&str] = &[
    APPLICATION_USERS,
    INVENTORY,
    ONBOARDED,
    IMAGE_REPOSITORY,
    TRUST,
    SMTP,
    SIGNERS,
    SETTINGS,
];

/// How long a call to the other node may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest CA file sent with the image-repository setting.
const MAX_CA_PEM: usize = 1 << 20;
/// Bounds on the replicated `trust/`.
const MAX_TRUST_FILES: usize = 256;
const MAX_TRUST_FILE: usize = 256 * 1024;
/// Bounds on replicated lists and texts.
const MAX_ITEMS: usize = 100_000;
const MAX_TEXT: usize = 1024;

// ---- the wire ----

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
}

// ---- waking the service ----

/// The socket in the state directory that a running `serve` listens on for "something
/// changed": a command that wrote cluster-wide state says so, and replication starts at once.
const WAKE_SOCKET: &str = "serve.wake";

/// Tell this node's service that cluster-wide state changed (nothing happens without one).
pub fn changed(node: &Node) {
    nudge(node.root());
}

pub fn nudge(root: &Path) {
    if let Ok(s) = UnixDatagram::unbound() {
        let _ = s.send_to(b"!", root.join(WAKE_SOCKET));
    }
}

/// The service's end of the wake-up socket.
pub struct Wakeup {
    socket: UnixDatagram,
    path: PathBuf,
}

impl Wakeup {
    pub fn bind(root: &Path) -> std::io::Result<Wakeup> {
        let path = root.join(WAKE_SOCKET);
        let _ = std::fs::remove_file(&path);
        Ok(Wakeup {
            socket: UnixDatagram::bind(&path)?,
            path,
        })
    }

    /// Wait until woken or `d` passes; every wake-up already queued is taken with it.
    pub fn wait(&self, d: Duration) {
        let mut buf = [0u8; 8];
        let _ = self.socket.set_read_timeout(Some(d));
        if self.socket.recv(&mut buf).is_ok() {
            let _ = self.socket.set_nonblocking(true);
            while self.socket.recv(&mut buf).is_ok() {}
            let _ = self.socket.set_nonblocking(false);
        }
    }
}

impl Drop for Wakeup {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

// ---- the channel ----

/// The cluster secret, from wherever this node keeps it.
pub fn secret(node: &mut Node) -> OpResult<Option<Secret>> {
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.get(db, SECRET_NAME)?)
}

/// Constant-time comparison of a presented `Bearer` secret with ours.
pub fn secret_matches(ours: &Secret, header: Option<&str>) -> bool {
    let Some(given) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
        return false;
    };
    let (a, b) = (ours.expose().as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A client for the other Cloud Connect node, with calls of up to `timeout`.
pub fn peer(node: &mut Node, timeout: Duration) -> OpResult<CloudConnect> {
    let secret = secret(node)?.ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "no cluster secret is set")
            .hint("utils node cluster-secret")
    })?;
    CloudConnect::from_trust(node.root(), Credential::ClusterSecret(secret), timeout)
        .map_err(|e| {
            OpError::new(
                e.kind(),
                "this node trusts no certificate of the other node yet",
            )
            .hint("utils cert import FILE, from `show cert own` there")
        })
        .map(|c| c.with_cancel(node.cancel.clone()))
}

/// The other Cloud Connect node of this one, if it has one yet.
pub fn other_node(node: &mut Node) -> OpResult<Option<String>> {
    let me = node.identity()?;
    Ok(match me.role {
        Role::Publisher => node.db()?.cc_subscriber()?,
        Role::Subscriber => me.publisher,
        Role::Vos => None,
    })
}

/// The subscriber announces itself to its publisher, with its place in the log.
pub fn join(node: &mut Node) -> OpResult<String> {
    let me = node.identity()?;
    let publisher = me.publisher.clone().ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "this subscriber names no publisher")
            .hint("utils node set --publisher FQDN")
    })?;
    let last = node.db()?.last_applied()?;
    let body = Join {
        host_name: me.hostname.clone(),
        cluster: last.as_ref().map(|l| l.cluster.clone()),
        applied: last.map_or(0, |l| l.seq),
    };
    peer(node, TIMEOUT)?.join(&publisher, &body)?;
    Ok(publisher)
}

/// The publisher records a subscriber that joined. One that applied this cluster's log up to
/// a number the log still has continues from there; any other receives a snapshot first.
pub fn accept_subscriber(node: &mut Node, join: &Join) -> OpResult {
    crate::names::validate_host(&join.host_name)
        .map_err(|w| OpError::new(Kind::Invalid, format!("hostName is not a host name: {w}")))?;
    let db = node.db()?;
    let ours = db.cluster_id()?;
    let seq = db.replication_seq()?;
    let continues =
        join.cluster.as_deref() == Some(ours.as_str()) && (1..=seq).contains(&join.applied);
    if continues {
        db.subscriber_joined(&join.host_name, join.applied, false)?;
    } else {
        db.subscriber_joined(&join.host_name, 0, true)?;
    }
    changed(node);
    Ok(())
}

// ---- the publisher: building and sending a batch ----

/// What one attempt to bring the subscriber up to date did.
pub enum Flushed {
    /// The batch landed; the subscriber is at `applied`.
    Replicated {
        to: String,
        applied: i64,
        snapshot: bool,
        kinds: Vec<&'static str>,
    },
    Failed {
        to: String,
        error: OpError,
    },
    /// Nothing can be sent before the cluster secret is set.
    NoSecret,
}

impl std::fmt::Display for Flushed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flushed::Replicated {
                to,
                applied,
                snapshot,
                kinds,
            } => write!(
                f,
                "replicated {} to {to} (now at change {applied}): {}",
                if *snapshot { "a snapshot" } else { "changes" },
                kinds.join(", ")
            ),
            Flushed::Failed { to, error } => {
                write!(f, "replication to {to} failed, will retry: {error}")
            }
            Flushed::NoSecret => f.write_str(
                "replication waits: no cluster secret is set (utils node cluster-secret)",
            ),
        }
    }
}

/// The database's part of a batch, read in one snapshot.
struct Read {
    to: i64,
    snapshot: bool,
    kinds: Vec<&'static str>,
    users: Vec<(String, String, String)>,
    versions: Option<(Vec<StoredVersion>, bool)>,
    onboarded: Vec<(OnboardedHost, Option<String>)>,
    image_repository: Option<ImageRepository>,
    smtp: Option<(Option<SmtpConfig>, Vec<String>)>,
    signers: Option<Vec<Signer>>,
    settings: Option<Vec<(String, String)>>,
}

fn read_batch(node: &mut Node, from: i64, snapshot: bool) -> OpResult<Option<Read>> {
    let read = node.db()?.read_consistent(|db| {
        let to = db.replication_seq()?;
        let entries = db.log_since(from)?;
        // The log no longer holds every change after `from`: only a snapshot is whole.
        let gap = from < to && db.log_oldest()?.is_none_or(|o| o > from + 1);
        let snapshot = snapshot || gap;
        if !snapshot && to <= from {
            return Ok(None);
        }
        let kinds: Vec<&'static str> = KINDS
            .iter()
            .copied()
            .filter(|k| snapshot || entries.iter().any(|e| e.kind == *k))
            .collect();
        let has = |k: &str| kinds.contains(&k);
        let versions = if !has(INVENTORY) {
            None
        } else if snapshot
            || entries
                .iter()
                .any(|e| e.kind == INVENTORY && e.reference.is_none())
        {
            Some((db.inventory_versions(None)?, true))
        } else {
            let ids: Vec<i64> = entries
                .iter()
                .filter(|e| e.kind == INVENTORY)
                .filter_map(|e| e.reference)
                .collect();
            Some((db.inventory_versions(Some(&ids))?, false))
        };
        Ok(Some(Read {
            to,
            snapshot,
            users: if has(APPLICATION_USERS) {
                db.app_user_hashes()?
            } else {
                Vec::new()
            },
            versions,
            onboarded: if has(ONBOARDED) {
                db.onboarded_hosts_with_owners()?
            } else {
                Vec::new()
            },
            image_repository: if has(IMAGE_REPOSITORY) {
                db.image_repository()?
            } else {
                None
            },
            smtp: if has(SMTP) {
                Some((db.smtp_config()?, db.smtp_subscribers()?))
            } else {
                None
            },
            signers: if has(SIGNERS) {
                Some(db.signers()?)
            } else {
                None
            },
            settings: if has(SETTINGS) {
                Some(db.shared_settings()?)
            } else {
                None
            },
            kinds,
        }))
    })?;
    Ok(read)
}

/// The setting as it goes to the subscriber: with its credential and its CA certificates.
fn image_repository_out(node: &mut Node) -> OpResult<ReplicatedImageRepository> {
    let (s, credential) = super::image_repository::load(node)?;
    let ca_pem = match &s.ca_file {
        Some(f) => Some(read_bounded(Path::new(f), MAX_CA_PEM)?),
        None => None,
    };
    Ok(ReplicatedImageRepository {
        ca_pem,
        url: s.url,
        repository: s.repository,
        auth_type: s.auth_type,
        software: s.software,
        proxy: s.proxy,
        last_validated: s.last_validated,
        credential: credential.expose().to_owned(),
        allow_http: s.allow_http,
    })
}

fn read_bounded(path: &Path, max: usize) -> OpResult<String> {
    crate::state::read_bounded(path, max as u64)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot read {}: {e}", path.display()),
            )
        })
}

/// This node's own `trust/` (not what it received), as it goes to the subscriber.
fn trust_out(node: &Node) -> OpResult<Vec<TrustedFile>> {
    let mut out = Vec::new();
    for f in crate::clients::cloud_connect::own_trust_files(node.root()) {
        let Some(name) = f.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        out.push(TrustedFile {
            name,
            pem: read_bounded(&f, MAX_TRUST_FILE)?,
        });
    }
    Ok(out)
}

/// The batch that brings the subscriber from `from` to now, if it needs one.
pub fn build(node: &mut Node, from: i64, snapshot: bool) -> OpResult<Option<Changes>> {
    let Some(read) = read_batch(node, from, snapshot)? else {
        return Ok(None);
    };
    let cluster = node.db()?.cluster_id()?;
    let publisher = node.identity()?.hostname;
    let image_repository = match read.image_repository {
        Some(_) => Some(image_repository_out(node)?),
        None => None,
    };
    let trust = if read.kinds.contains(&TRUST) {
        Some(trust_out(node)?)
    } else {
        None
    };
    let smtp = match read.smtp {
        Some((config, subscribers)) => {
            let (db, secrets) = node.db_and_secrets()?;
            let password = secrets
                .get(db, super::notify::PASSWORD_SECRET)?
                .map(|p| p.expose().to_owned());
            Some(ReplicatedSmtp {
                config,
                password,
                subscribers,
            })
        }
        None => None,
    };
    let hub_token = if read.settings.is_some() {
        let (db, secrets) = node.db_and_secrets()?;
        secrets
            .get(db, super::cloudconnect::TOKEN_SECRET)?
            .map(|t| t.expose().to_owned())
    } else {
        None
    };
    let has = |k: &str| read.kinds.contains(&k);
    Ok(Some(Changes {
        hub_token,
        smtp,
        signers: read.signers,
        settings: read.settings,
        cluster,
        publisher,
        from: if read.snapshot { 0 } else { from },
        to: read.to,
        snapshot: read.snapshot,
        application_users: has(APPLICATION_USERS).then(|| {
            read.users
                .into_iter()
                .map(|(pkid, name, hash)| ReplicatedUser { pkid, name, hash })
                .collect()
        }),
        inventory: read.versions.map(|(versions, whole)| ReplicatedVersions {
            whole,
            versions: versions
                .into_iter()
                .map(|v| ReplicatedVersion {
                    id: v.id,
                    created_at: v.created_at,
                    actor: v.actor,
                    source: v.source,
                    inventory: v.model,
                })
                .collect(),
        }),
        onboarded: has(ONBOARDED).then(|| {
            read.onboarded
                .into_iter()
                .map(|(host, owner)| ReplicatedHost { host, owner })
                .collect()
        }),
        image_repository,
        trust,
    }))
}

/// Kinds a batch carries, for logs and the subscriber's record.
fn kinds_of(c: &Changes) -> Vec<&'static str> {
    let mut out = Vec::new();
    if c.application_users.is_some() {
        out.push(APPLICATION_USERS);
    }
    if c.inventory.is_some() {
        out.push(INVENTORY);
    }
    if c.onboarded.is_some() {
        out.push(ONBOARDED);
    }
    if c.image_repository.is_some() {
        out.push(IMAGE_REPOSITORY);
    }
    if c.trust.is_some() {
        out.push(TRUST);
    }
    if c.smtp.is_some() {
        out.push(SMTP);
    }
    if c.signers.is_some() {
        out.push(SIGNERS);
    }
    if c.settings.is_some() {
        out.push(SETTINGS);
    }
    out
}

/// Bring the subscriber up to date, if there is one: one batch, or a snapshot when it asks for
/// one. With no subscriber, the log is kept short (a subscriber that joins gets a snapshot).
pub fn flush(node: &mut Node) -> OpResult<Option<Flushed>> {
    let Some(progress) = node.db()?.subscriber_progress()? else {
        let seq = node.db()?.replication_seq()?;
        node.db()?.prune_log(seq)?;
        return Ok(None);
    };
    let to = progress.host.clone();
    let pending = progress.snapshot || node.db()?.replication_seq()? > progress.applied_seq;
    if !pending {
        return Ok(None);
    }
    if secret(node)?.is_none() {
        return Ok(Some(Flushed::NoSecret));
    }
    let mut snapshot = progress.snapshot;
    for _ in 0..2 {
        let result = build(node, progress.applied_seq, snapshot).and_then(|changes| {
            let Some(changes) = changes else {
                return Ok(None);
            };
            let client = peer(node, TIMEOUT)?;
            Ok(Some((client.replicate(&to, &changes), changes)))
        });
        let (sent, changes) = match result {
            Ok(Some(x)) => x,
            Ok(None) => return Ok(None),
            Err(error) => {
                node.db()?.replication_failed(&error.to_string(), false)?;
                return Ok(Some(Flushed::Failed { to, error }));
            }
        };
        match sent {
            Ok(applied) => {
                node.db()?.replication_sent(applied.applied)?;
                return Ok(Some(Flushed::Replicated {
                    to,
                    applied: applied.applied,
                    snapshot: changes.snapshot,
                    kinds: kinds_of(&changes),
                }));
            }
            // The subscriber lost its place (or belongs to another cluster's log): send the
            // whole state.
            Err(CcError::Status { status: 409, .. }) if !snapshot => {
                node.db()?
                    .replication_failed("the subscriber asked for a snapshot", true)?;
                snapshot = true;
            }
            Err(e) => {
                let error = OpError::from(e);
                node.db()?.replication_failed(&error.to_string(), false)?;
                return Ok(Some(Flushed::Failed { to, error }));
            }
        }
    }
    Ok(None)
}

/// The publisher's view of the replication, as `GET /replication/state` answers it.
pub fn publisher_view(node: &mut Node) -> OpResult<PublisherView> {
    let db = node.db()?;
    let cluster = db.cluster_id()?;
    let sequence = db.replication_seq()?;
    let progress = db.subscriber_progress()?;
    let behind_since = match &progress {
        Some(p) if p.applied_seq < sequence || p.snapshot => db
            .log_since(if p.snapshot { 0 } else { p.applied_seq })?
            .first()
            .map(|e| e.at.clone()),
        _ => None,
    };
    Ok(PublisherView {
        cluster,
        sequence,
        subscriber: progress.as_ref().map(|p| p.host.clone()),
        applied: progress
            .as_ref()
            .map(|p| if p.snapshot { 0 } else { p.applied_seq }),
        behind_since,
        attempts: progress.as_ref().map_or(0, |p| p.attempts),
        last_error: progress.and_then(|p| p.last_error),
    })
}

// ---- the subscriber: applying a batch ----

/// What the subscriber did with a batch.
#[derive(Debug)]
pub enum Outcome {
    Applied(ChangesApplied),
    /// It had it already: nothing changed.
    AlreadyHad(ChangesApplied),
    /// It cannot apply changes after `from`: its place is elsewhere; a snapshot is needed.
    NeedSnapshot {
        applied: i64,
    },
}

fn invalid(what: &str, why: impl std::fmt::Display) -> OpError {
    OpError::new(Kind::Invalid, format!("{what}: {why}"))
}

/// A text from the publisher that is stored and shown: bounded, no control characters.
fn check_text(what: &str, s: &str) -> OpResult {
    if s.len() > MAX_TEXT || s.chars().any(char::is_control) {
        return Err(invalid(what, "too long, or holds control characters"));
    }
    Ok(())
}

/// Every value of a batch is checked before anything is written.
fn validate(c: &Changes) -> OpResult {
    check_text("cluster", &c.cluster)?;
    check_text("publisher", &c.publisher)?;
    if c.to < 0 || c.from < 0 || c.from > c.to {
        return Err(invalid("sequence", format!("{}..{}", c.from, c.to)));
    }
    if let Some(users) = &c.application_users {
        if users.len() > MAX_ITEMS {
            return Err(invalid("application users", "too many"));
        }
        for u in users {
            crate::names::validate_user(&u.name)
                .map_err(|w| invalid(&format!("user {}", u.name.escape_debug()), w))?;
            if !u.hash.starts_with("$argon2")
                || u.hash.len() > 512
                || u.pkid.is_empty()
                || u.pkid.len() > 64
                || !u.pkid.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
            {
                return Err(invalid(&format!("user {}", u.name), "not an argon2 hash"));
            }
        }
    }
    if let Some(inv) = &c.inventory {
        if inv.versions.len() > MAX_ITEMS {
            return Err(invalid("inventory", "too many versions"));
        }
        for v in &inv.versions {
            let what = format!("inventory version {}", v.id);
            if v.id <= 0 {
                return Err(invalid(&what, "not a version number"));
            }
            check_text(&what, &v.actor)?;
            check_text(&what, &v.source)?;
            if v.created_at.len() > 32
                || !v
                    .created_at
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | ' ' | '.'))
            {
                return Err(invalid(&what, "created_at is not a time"));
            }
        }
    }
    if let Some(hosts) = &c.onboarded {
        if hosts.len() > MAX_ITEMS {
            return Err(invalid("onboarded hosts", "too many"));
        }
        for h in hosts {
            let r = &h.host;
            let what = format!("onboarded host {}", r.host.escape_debug());
            crate::names::validate_host(&r.host)
                .and_then(|_| crate::names::validate_user(&r.user))
                .and_then(|_| crate::names::validate_cluster(&r.cluster))
                .map_err(|w| invalid(&what, w))?;
            check_text(&what, &r.product)?;
            if let Some(o) = &h.owner {
                crate::names::validate_user(o).map_err(|w| invalid(&what, w))?;
            }
            crate::sshkeys::SshPublicKey::parse(&r.host_key)
                .map_err(|w| invalid(&what, format!("host_key: {w}")))?;
        }
    }
    if let Some(r) = &c.image_repository {
        check_text("image repository url", &r.url)?;
        check_text("image repository", &r.repository)?;
        check_text("image repository last_validated", &r.last_validated)?;
        if let Some(p) = &r.proxy {
            check_text("image repository proxy", p)?;
        }
        if r.credential.is_empty() || r.credential.len() > 4096 {
            return Err(invalid(
                "image repository",
                "the credential is empty or too long",
            ));
        }
        if let Some(pem) = &r.ca_pem {
            if pem.len() > MAX_CA_PEM
                || reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                    .map_or(true, |c| c.is_empty())
            {
                return Err(invalid(
                    "image repository",
                    "the replicated CA file holds no PEM certificate",
                ));
            }
        }
    }
    if let Some(m) = &c.smtp {
        let address = |a: &str| {
            crate::clients::smtp::check_address(a).map_err(|e| invalid("smtp", e.to_string()))
        };
        if m.subscribers.len() > MAX_ITEMS {
            return Err(invalid("smtp", "too many subscribers"));
        }
        for a in &m.subscribers {
            address(a)?;
        }
        if let Some(cfg) = &m.config {
            if let Some(h) = &cfg.host {
                crate::names::validate_host(h).map_err(|w| invalid("smtp host", w))?;
            }
            if let Some(f) = &cfg.from_email {
                address(f)?;
            }
            if let Some(u) = &cfg.user {
                check_text("smtp user", u)?;
            }
        }
        if m.password.as_ref().is_some_and(|p| p.len() > 4096) {
            return Err(invalid("smtp", "the password is too long"));
        }
    }
    if c.hub_token
        .as_ref()
        .is_some_and(|t| t.len() > 256 || !t.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(invalid("settings", "the hub token is not one"));
    }
    if let Some(settings) = &c.settings {
        if settings.len() > 1000 {
            return Err(invalid("settings", "too many"));
        }
        for (k, v) in settings {
            if !k.starts_with(crate::state::orchestration::SHARED) {
                return Err(invalid(
                    "settings",
                    format!("{} is not a shared setting", k.escape_debug()),
                ));
            }
            check_text("setting", k)?;
            check_text("setting", v)?;
        }
    }
    if let Some(signers) = &c.signers {
        if signers.len() > MAX_TRUST_FILES {
            return Err(invalid("signers", "too many"));
        }
        for s in signers {
            super::signing::check_signer(s).map_err(|e| invalid("signer", e.message))?;
        }
    }
    if let Some(files) = &c.trust {
        if files.len() > MAX_TRUST_FILES {
            return Err(invalid("trust", "too many certificates"));
        }
        for f in files {
            let what = format!("trust {}", f.name.escape_debug());
            if !super::certs::usable_name(&f.name) {
                return Err(invalid(&what, "not a usable file name"));
            }
            if f.pem.len() > MAX_TRUST_FILE
                || reqwest::Certificate::from_pem_bundle(f.pem.as_bytes())
                    .map_or(true, |c| c.is_empty())
            {
                return Err(invalid(&what, "holds no PEM certificate"));
            }
        }
    }
    Ok(())
}

/// Where this node keeps what it received: the CA file of the image repository, and the
/// publisher's `trust/`.
pub fn replicated_dir(root: &Path) -> PathBuf {
    root.join("replicated")
}

/// Write `data` to `path` unless it holds exactly that already.
fn write_if_changed(path: &Path, data: &[u8]) -> OpResult {
    if std::fs::read(path).ok().as_deref() == Some(data) {
        return Ok(());
    }
    crate::state::write_private_file(path, data).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

/// The CA file, under a name of its content: the setting that points at it is written in the
/// batch's transaction, so the file it replaces stays valid until then.
fn store_ca(root: &Path, pem: &str) -> OpResult<PathBuf> {
    use sha2::{Digest, Sha256};
    let dir = replicated_dir(root);
    crate::state::ensure_private_dir(&dir)?;
    let digest = Sha256::digest(pem.as_bytes());
    let name: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!("artifactory-ca-{name}.pem"));
    write_if_changed(&path, pem.as_bytes())?;
    Ok(path)
}

/// Files of `dir` named `prefix*.pem` that are not `keep`.
fn remove_others(dir: &Path, prefix: &str, keep: &[PathBuf]) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(".pem") && !keep.contains(&p) {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Apply a batch from the publisher on this subscriber: checked whole first; files written
/// (idempotently) before, and the database in one transaction with the batch's record.
pub fn apply(node: &mut Node, c: Changes) -> OpResult<Outcome> {
    let me = node.identity()?;
    if me.role != Role::Subscriber {
        return Err(OpError::new(
            Kind::Forbidden,
            format!(
                "{} is not a subscriber: it takes no replicated changes",
                me.hostname
            ),
        ));
    }
    let ours = me.publisher.clone().unwrap_or_default();
    if !ours.eq_ignore_ascii_case(&c.publisher) {
        return Err(OpError::new(
            Kind::Forbidden,
            format!(
                "the publisher of {} is {ours}; changes from {} are refused",
                me.hostname,
                crate::output::terminal_safe(&c.publisher)
            ),
        )
        .hint("utils node set --publisher FQDN on the subscriber"));
    }
    validate(&c)?;
    let last = node.db()?.last_applied()?;
    let place = last
        .as_ref()
        .filter(|l| l.cluster == c.cluster)
        .map(|l| l.seq);
    let answer = |applied| ChangesApplied {
        cluster: c.cluster.clone(),
        applied,
    };
    if !c.snapshot {
        match place {
            Some(at) if c.to <= at => return Ok(Outcome::AlreadyHad(answer(at))),
            Some(at) if c.from <= at => {}
            at => {
                return Ok(Outcome::NeedSnapshot {
                    applied: at.unwrap_or(0),
                })
            }
        }
    }
    let root = node.root().to_path_buf();
    // Files first, under names the database does not point at yet.
    let trust_dir = replicated_dir(&root).join("trust");
    let mut trust_keep = Vec::new();
    if let Some(files) = &c.trust {
        crate::state::ensure_private_dir(&replicated_dir(&root))?;
        crate::state::ensure_private_dir(&trust_dir)?;
        for f in files {
            let path = trust_dir.join(format!("{}.pem", f.name));
            write_if_changed(&path, f.pem.as_bytes())?;
            trust_keep.push(path);
        }
    }
    let mut staged = None;
    if let Some(r) = &c.image_repository {
        let ca_file = match &r.ca_pem {
            Some(pem) => Some(store_ca(&root, pem)?.display().to_string()),
            None => None,
        };
        let setting = ImageRepository {
            url: r.url.clone(),
            repository: r.repository.clone(),
            auth_type: r.auth_type,
            software: r.software,
            ca_file,
            proxy: r.proxy.clone(),
            credential_store: StoreKind::File,
            credential_ref: String::new(),
            last_validated: r.last_validated.clone(),
            allow_http: r.allow_http,
        };
        let reference = format!("artifactory-replicated-{}", c.to);
        let (db, secrets) = node.db_and_secrets()?;
        let previous = db.image_repository()?;
        let credential = Secret::new(r.credential.clone());
        let setting =
            super::image_repository::stage(db, &secrets, setting, &credential, &reference)?;
        staged = Some((setting, reference, previous));
    }
    let users: Option<Vec<(String, String, String)>> = c.application_users.as_ref().map(|u| {
        u.iter()
            .map(|u| (u.pkid.clone(), u.name.clone(), u.hash.clone()))
            .collect()
    });
    let versions: Option<(Vec<StoredVersion>, bool)> = c.inventory.as_ref().map(|inv| {
        (
            inv.versions
                .iter()
                .map(|v| StoredVersion {
                    id: v.id,
                    created_at: v.created_at.clone(),
                    actor: v.actor.clone(),
                    source: v.source.clone(),
                    model: v.inventory.clone(),
                })
                .collect(),
            inv.whole,
        )
    });
    let hosts: Option<Vec<(OnboardedHost, Option<String>)>> = c.onboarded.as_ref().map(|h| {
        h.iter()
            .map(|h| (h.host.clone(), h.owner.clone()))
            .collect()
    });
    if let Some(pw) = c.smtp.as_ref().and_then(|m| m.password.as_ref()) {
        let (db, secrets) = node.db_and_secrets()?;
        secrets.put(db, super::notify::PASSWORD_SECRET, &Secret::new(pw.clone()))?;
    }
    let kinds = kinds_of(&c).join(",");
    let batch = Batch {
        cluster: &c.cluster,
        publisher: &c.publisher,
        from: c.from,
        to: c.to,
        snapshot: c.snapshot,
        kinds,
        users: users.as_deref(),
        versions: versions.as_ref().map(|(v, w)| (v.as_slice(), *w)),
        onboarded: hosts.as_deref(),
        image_repository: staged.as_ref().map(|(s, _, _)| s),
        smtp: c
            .smtp
            .as_ref()
            .map(|m| (m.config.as_ref(), m.subscribers.as_slice())),
        signers: c.signers.as_deref(),
        settings: c.settings.as_deref(),
    };
    let result = node.db()?.apply_batch(&batch);
    let (db, secrets) = node.db_and_secrets()?;
    match (result, staged) {
        (Err(e), Some((_, reference, previous))) => {
            if previous.is_none_or(|p| p.credential_ref != reference) {
                super::image_repository::unstage(db, &secrets, &reference);
            }
            Err(e.into())
        }
        (Err(e), None) => Err(e.into()),
        (Ok(applied), staged) => {
            if let Some((setting, reference, previous)) = staged {
                super::image_repository::retire(db, &secrets, previous.as_ref(), &reference);
                let keep: Vec<PathBuf> = setting.ca_file.iter().map(PathBuf::from).collect();
                remove_others(&replicated_dir(&root), "artifactory-ca", &keep);
            }
            if c.trust.is_some() {
                remove_others(&trust_dir, "", &trust_keep);
            }
            if c.settings.is_some() {
                match &c.hub_token {
                    Some(t) => {
                        secrets.put(
                            db,
                            super::cloudconnect::TOKEN_SECRET,
                            &Secret::new(t.clone()),
                        )?;
                    }
                    None => secrets.delete(db, super::cloudconnect::TOKEN_SECRET)?,
                }
            }
            if c.smtp.as_ref().is_some_and(|m| m.password.is_none()) {
                secrets.delete(db, super::notify::PASSWORD_SECRET)?;
            }
            Ok(if applied {
                Outcome::Applied(answer(c.to))
            } else {
                Outcome::AlreadyHad(answer(c.to))
            })
        }
    }
}

// ---- status ----

/// One Cloud Connect node's replication, as `utils dbreplication runtimestate` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NodeState {
    pub node: String,
    pub role: Role,
    pub this_node: bool,
    /// Whether the node's service answers (not asked of this node itself).
    pub reachable: Option<bool>,
    pub reason: Option<String>,
    /// The last change applied there (the publisher: its newest change).
    pub applied: Option<i64>,
    /// Changes it lacks, and since when (the oldest of them).
    pub lag: Option<i64>,
    pub behind_since: Option<String>,
    /// Failed attempts to send it the changes, and the last failure.
    pub attempts: i64,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub role: Role,
    pub cluster: Option<String>,
    /// The publisher's newest change, when known.
    pub sequence: Option<i64>,
    pub nodes: Vec<NodeState>,
}

/// `utils dbreplication runtimestate`: each Cloud Connect node with its place in the log.
pub fn status(node: &mut Node) -> OpResult<Status> {
    let me = node.identity()?;
    let other = other_node(node)?;
    let (reachable, reason, view) = match &other {
        Some(host) => {
            let asked = peer(node, TIMEOUT).and_then(|c| {
                if me.role == Role::Subscriber {
                    Ok(Some(c.replication_state(host)?))
                } else {
                    c.health(host)?;
                    Ok(None)
                }
            });
            match asked {
                Ok(v) => (Some(true), None, v),
                Err(e) => (Some(false), Some(e.message), None),
            }
        }
        None => (None, None, None),
    };
    let mut nodes = Vec::new();
    match me.role {
        Role::Publisher => {
            let view = publisher_view(node)?;
            nodes.push(NodeState {
                node: me.hostname.clone(),
                role: Role::Publisher,
                this_node: true,
                reachable: None,
                reason: None,
                applied: Some(view.sequence),
                lag: Some(0),
                behind_since: None,
                attempts: 0,
                last_error: None,
            });
            if let Some(sub) = &view.subscriber {
                let applied = view.applied.unwrap_or(0);
                nodes.push(NodeState {
                    node: sub.clone(),
                    role: Role::Subscriber,
                    this_node: false,
                    reachable,
                    reason,
                    applied: Some(applied),
                    lag: Some(view.sequence - applied),
                    behind_since: view.behind_since.clone(),
                    attempts: view.attempts,
                    last_error: view.last_error.clone(),
                });
            }
            Ok(Status {
                role: me.role,
                cluster: Some(view.cluster),
                sequence: Some(view.sequence),
                nodes,
            })
        }
        Role::Subscriber => {
            let last = node.db()?.last_applied()?;
            let applied = last.as_ref().map_or(0, |l| l.seq);
            let same = |v: &&PublisherView| last.as_ref().is_none_or(|l| l.cluster == v.cluster);
            if let Some(p) = &other {
                nodes.push(NodeState {
                    node: p.clone(),
                    role: Role::Publisher,
                    this_node: false,
                    reachable,
                    reason,
                    applied: view.as_ref().map(|v| v.sequence),
                    lag: view.as_ref().map(|_| 0),
                    behind_since: None,
                    attempts: 0,
                    last_error: None,
                });
            }
            let view = view.as_ref().filter(same);
            nodes.push(NodeState {
                node: me.hostname.clone(),
                role: Role::Subscriber,
                this_node: true,
                reachable: None,
                reason: None,
                applied: Some(applied),
                lag: view.map(|v| (v.sequence - applied).max(0)),
                behind_since: view.and_then(|v| v.behind_since.clone()),
                attempts: view.map_or(0, |v| v.attempts),
                last_error: view.and_then(|v| v.last_error.clone()),
            });
            Ok(Status {
                role: me.role,
                cluster: last.map(|l| l.cluster),
                sequence: view.map(|v| v.sequence),
                nodes,
            })
        }
        Role::Vos => Ok(Status {
            role: me.role,
            cluster: None,
            sequence: None,
            nodes,
        }),
    }
}
