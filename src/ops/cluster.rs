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

use serde::Serialize;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::cloud_connect::{CcError, CloudConnect, Credential, Join};
use crate::domain::Role;
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
const MAX_SETTING: usize = 64 * 1024;

// ---- the wire ----

/// The replication's JSON bodies are declared in `wire` (the client and the service both read
/// them); their checks and the batch's making and applying stay here.
pub use crate::wire::{
    Changes, ChangesApplied, PublisherView, ReplicatedHost, ReplicatedImageRepository,
    ReplicatedSmtp, ReplicatedUser, ReplicatedVersion, ReplicatedVersions, TrustedFile,
};

// ---- waking the service ----

/// The socket in the state directory that a running `serve` listens on for "something
/// changed": a command that wrote cluster-wide state says so, and replication starts at once.
const WAKE_SOCKET: &str = "serve.wake";

/// Tell this node's service that cluster-wide state changed (nothing happens without one).
pub fn changed(node: &Node) {
    nudge(node.root());
}

/// Never waits: when the service is not reading (stopped, hung, busy) and its queue is full,
/// the wake-up is dropped, and the service's interval catches up.
pub fn nudge(root: &Path) {
    if let Ok(s) = UnixDatagram::unbound() {
        if s.set_nonblocking(true).is_ok() {
            let _ = s.send_to(b"!", root.join(WAKE_SOCKET));
        }
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
    // What an apply interrupted before (a crash) left is put right first.
    {
        let lock = super::replica::ApplyLock::take(node.root())?;
        super::replica::sweep(node, &lock)?;
    }
    let last = node.db()?.last_applied()?;
    let body = Join {
        host_name: me.hostname.clone(),
        cluster: last.as_ref().map(|l| l.cluster.clone()),
        applied: last.as_ref().map_or(0, |l| l.seq),
        epoch: last.as_ref().and_then(|l| l.epoch.clone()),
        mark: last.and_then(|l| l.mark),
    };
    peer(node, TIMEOUT)?.join(&publisher, &body)?;
    Ok(publisher)
}

/// The publisher records a subscriber that joined. One that applied this cluster's log up to
/// a change the log still has, with that change's mark (the same history), continues from
/// there; any other receives a snapshot first. One whose place in this cluster's log does not
/// continue it (this publisher, or the subscriber, was restored from a backup) starts a new
/// history, so that no late batch of the old one changes anything there.
pub fn accept_subscriber(node: &mut Node, join: &Join) -> OpResult {
    crate::names::validate_host(&join.host_name)
        .map_err(|w| OpError::new(Kind::Invalid, format!("hostName is not a host name: {w}")))?;
    let short = |t: &Option<String>| t.as_ref().is_none_or(|t| t.len() <= 64);
    if !short(&join.epoch) || !short(&join.mark) || !short(&join.cluster) {
        return Err(OpError::new(
            Kind::Invalid,
            "the join names no place in a log",
        ));
    }
    let db = node.db()?;
    let ours = db.cluster_id()?;
    let seq = db.replication_seq()?;
    let epoch = db.replication_epoch()?;
    let same_cluster = join.cluster.as_deref() == Some(ours.as_str());
    let continues = same_cluster
        && join.epoch.as_ref().is_none_or(|e| *e == epoch)
        && (1..=seq).contains(&join.applied)
        && match &join.mark {
            Some(m) => db.log_mark(join.applied)?.as_ref() == Some(m),
            None => true,
        };
    if continues {
        db.subscriber_joined(&join.host_name, join.applied, false)?;
    } else {
        db.subscriber_joined(&join.host_name, 0, true)?;
        if same_cluster && join.applied > 0 {
            db.new_replication_epoch(&format!(
                "{} joined at change {} of a history this log does not continue (was a node restored from a backup?)",
                join.host_name, join.applied
            ))?;
        }
    }
    changed(node);
    Ok(())
}

// ---- the publisher: building and sending a batch ----

/// What one attempt to bring the subscriber up to date did.
pub enum Flushed {
    /// The batch landed; the subscriber is at `applied`. With `restarted`, this publisher
    /// began a new history first (why), and the batch was a snapshot.
    Replicated {
        to: String,
        applied: i64,
        snapshot: bool,
        kinds: Vec<&'static str>,
        restarted: Option<String>,
    },
    /// After failures, the next attempt waits this long still.
    Waiting(Duration),
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
                restarted,
            } => {
                if let Some(why) = restarted {
                    write!(f, "replication began a new history: {why}; ")?;
                }
                write!(
                    f,
                    "replicated {} to {to} (now at change {applied}): {}",
                    if *snapshot { "a snapshot" } else { "changes" },
                    kinds.join(", ")
                )
            }
            Flushed::Waiting(d) => {
                write!(f, "replication waits {}s before trying again", d.as_secs())
            }
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
    epoch: String,
    marks: Vec<(i64, String)>,
    /// The secret names the SMTP password's and the hub token's slots point at, as read.
    password: Slot,
    token: Slot,
    kinds: Vec<&'static str>,
    users: Vec<(String, String, String)>,
    versions: Option<(Vec<StoredVersion>, bool)>,
    onboarded: Vec<(OnboardedHost, Option<String>)>,
    image_repository: Option<ImageRepository>,
    smtp: Option<(Option<SmtpConfig>, Vec<String>)>,
    signers: Option<Vec<Signer>>,
    settings: Option<Vec<(String, String)>>,
}

/// Where a slot's secret was, in the snapshot a batch was read from.
type Slot = Option<Option<String>>;

fn read_batch(node: &mut Node, from: i64, snapshot: bool) -> OpResult<Option<Read>> {
    node.db()?.replication_epoch()?;
    let read = node.db()?.read_consistent(|db| {
        let to = db.replication_seq()?;
        let epoch = db.setting("replication.epoch")?.unwrap_or_default();
        let entries = db.log_since(from)?;
        // The log no longer holds every change after `from`: only a snapshot is whole.
        let gap = from < to && db.log_oldest()?.is_none_or(|o| o > from + 1);
        // So many changes missed that their marks would not fit a batch: the whole state.
        let snapshot = snapshot || gap || entries.len() > MAX_ITEMS / 2;
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
        let marks = if snapshot {
            db.log_mark(to)?.map(|m| vec![(to, m)]).unwrap_or_default()
        } else {
            db.log_since(from - 1)?
                .into_iter()
                .filter_map(|e| e.mark.map(|m| (e.seq, m)))
                .collect()
        };
        Ok(Some(Read {
            to,
            snapshot,
            epoch,
            marks,
            password: db.secret_slot(super::notify::PASSWORD_SECRET)?,
            token: db.secret_slot(super::cloudconnect::TOKEN_SECRET)?,
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
fn image_repository_out(
    node: &mut Node,
    setting: ImageRepository,
) -> OpResult<ReplicatedImageRepository> {
    let (db, secrets) = node.db_and_secrets()?;
    let (s, credential) = super::image_repository::with_secrets(db, &secrets, setting)?;
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
    let image_repository_removed =
        read.kinds.contains(&IMAGE_REPOSITORY) && read.image_repository.is_none();
    let image_repository = match read.image_repository {
        Some(s) => Some(image_repository_out(node, s)?),
        None => None,
    };
    let trust = if read.kinds.contains(&TRUST) {
        Some(trust_out(node)?)
    } else {
        None
    };
    let smtp = match read.smtp {
        Some((config, subscribers)) => Some(ReplicatedSmtp {
            config,
            password: slot_value(node, super::notify::PASSWORD_SECRET, &read.password)?,
            subscribers,
        }),
        None => None,
    };
    let hub_token = if read.settings.is_some() {
        slot_value(node, super::cloudconnect::TOKEN_SECRET, &read.token)?
    } else {
        None
    };
    let has = |k: &str| read.kinds.contains(&k);
    Ok(Some(Changes {
        image_repository_removed,
        epoch: Some(read.epoch),
        marks: read.marks,
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

/// The secret a slot pointed at when the batch was read (each name holds one value for good;
/// a name removed since means the slot changed, and the next batch carries the new one).
fn slot_value(node: &mut Node, slot: &str, read: &Slot) -> OpResult<Option<String>> {
    let (db, secrets) = node.db_and_secrets()?;
    let name = match read {
        None => slot.to_owned(),
        Some(None) => return Ok(None),
        Some(Some(n)) => n.clone(),
    };
    match secrets.get(db, &name)? {
        Some(s) => Ok(Some(s.expose().to_owned())),
        None if read.is_none() => Ok(None),
        None if db.secret_slot(slot)? != *read => Err(OpError::new(
            Kind::Busy,
            format!("the secret '{slot}' changed while the batch was read; it is sent again"),
        )),
        None => Err(OpError::new(
            Kind::Secret,
            format!("the secret '{slot}' is missing from this node's secret store"),
        )
        .hint(match slot {
            super::notify::PASSWORD_SECRET => "enter it again: set smtp-pswd",
            _ => "register the cluster with the hub again (utils cloudconnect unregister, then register)",
        })),
    }
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
    if c.image_repository.is_some() || c.image_repository_removed {
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

/// The longest wait between attempts towards a subscriber that does not answer.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Bring the subscriber up to date, if there is one: one batch, or a snapshot when it asks for
/// one. With no subscriber, the log is kept short (a subscriber that joins gets a snapshot).
/// After failures the next attempt waits (doubling to `MAX_BACKOFF`); `Flushed::Waiting`
/// says how long is left.
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
    if let Some(left) = node.db()?.retry_in()? {
        return Ok(Some(Flushed::Waiting(left)));
    }
    if secret(node)?.is_none() {
        return Ok(Some(Flushed::NoSecret));
    }
    let mut snapshot = progress.snapshot;
    let mut restarted: Option<String> = None;
    // At most twice: the batch, then (its place not continuing this log) a new history's
    // snapshot.
    loop {
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
            Err(error) => return failed(node, to, error, restarted),
        };
        let why = match sent {
            Ok(applied) => {
                let db = node.db()?;
                let (seq, epoch) = (db.replication_seq()?, db.replication_epoch()?);
                // The mark the subscriber applied at its place, against this log's there.
                let other_mark = match &applied.mark {
                    Some(m) if applied.applied <= seq => {
                        db.log_mark(applied.applied)?.is_some_and(|ours| ours != *m)
                    }
                    _ => false,
                };
                // The subscriber is ahead of this log, or in another history of it: this
                // publisher's state was restored from a backup (or its log was lost).
                if applied.applied > seq {
                    format!(
                        "the subscriber applied change {} but this publisher's newest is {seq} (was it restored from a backup?)",
                        applied.applied
                    )
                } else if applied.epoch.as_ref().is_some_and(|e| *e != epoch) || other_mark {
                    "the subscriber applied another history of this cluster's log (was this publisher restored from a backup?)".to_owned()
                } else {
                    node.db()?.replication_sent(applied.applied)?;
                    return Ok(Some(Flushed::Replicated {
                        to,
                        applied: applied.applied,
                        snapshot: changes.snapshot,
                        kinds: kinds_of(&changes),
                        restarted,
                    }));
                }
            }
            // The subscriber's place does not continue this log (it says why): a new history
            // begins, so that late batches of the old one change nothing there, and it takes
            // the whole state.
            Err(CcError::Status {
                status: 409,
                message,
                ..
            }) => format!(
                "the subscriber asked for a snapshot: {}",
                crate::text::one_line(&message.chars().take(300).collect::<String>())
            ),
            Err(e) => return failed(node, to, OpError::from(e), restarted),
        };
        if restarted.is_some() {
            // Even a snapshot of a new history was not taken.
            return failed(node, to, OpError::new(Kind::Peer, why), restarted);
        }
        node.db()?.new_replication_epoch(&why)?;
        restarted = Some(why);
        snapshot = true;
    }
}

/// An attempt failed: recorded (the next one backs off) and said, with the new history it
/// began first, if it did.
fn failed(
    node: &mut Node,
    to: String,
    error: OpError,
    restarted: Option<String>,
) -> OpResult<Option<Flushed>> {
    let error = match restarted {
        Some(why) => error.context(format!("replication began a new history ({why}), then")),
        None => error,
    };
    node.db()?
        .replication_failed(&error.to_string(), MAX_BACKOFF)?;
    Ok(Some(Flushed::Failed { to, error }))
}

/// The publisher's view of the replication, as `GET /replication/state` answers it.
pub fn publisher_view(node: &mut Node) -> OpResult<PublisherView> {
    let db = node.db()?;
    let cluster = db.cluster_id()?;
    let sequence = db.replication_seq()?;
    let progress = db.subscriber_progress()?;
    let epoch = db.replication_epoch()?;
    let change = db.epoch_change()?;
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
        retry_at: progress.as_ref().and_then(|p| p.retry_at.clone()),
        last_error: progress.and_then(|p| p.last_error),
        epoch: Some(epoch),
        epoch_changed_at: change.as_ref().map(|c| c.0.clone()),
        epoch_changed_why: change.map(|c| c.1),
    })
}

// ---- the subscriber: applying a batch ----

/// What the subscriber did with a batch.
#[derive(Debug)]
pub enum Outcome {
    Applied(ChangesApplied),
    /// It had it already: nothing changed.
    AlreadyHad(ChangesApplied),
    /// It cannot apply changes after `from`: its place is elsewhere (why); a snapshot is
    /// needed.
    NeedSnapshot {
        applied: i64,
        why: &'static str,
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
    let token =
        |t: &str| !t.is_empty() && t.len() <= 64 && t.chars().all(|c| c.is_ascii_hexdigit());
    if c.epoch.as_deref().is_some_and(|e| !token(e)) {
        return Err(invalid("epoch", "not an epoch"));
    }
    if c.marks.len() > MAX_ITEMS
        || c.marks
            .iter()
            .any(|(seq, m)| !token(m) || *seq < c.from || *seq > c.to)
    {
        return Err(invalid("marks", "not the marks of the batch's changes"));
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
    if c.image_repository.is_some() && c.image_repository_removed {
        return Err(invalid(
            "image repository",
            "both a setting and its removal",
        ));
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
            // A value may be longer than a name (the hub's certificate, in base64).
            if v.len() > MAX_SETTING || v.chars().any(char::is_control) {
                return Err(invalid("setting", "too long, or holds control characters"));
            }
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

/// Where this node keeps what it received (in `state`, which the clients read too).
pub use crate::state::replicated_dir;

/// The CA file, under a name of its content: the setting that points at it is written in the
/// batch's transaction, so the file it replaces stays valid until then.
fn store_ca(root: &Path, pem: &str) -> OpResult<PathBuf> {
    use sha2::{Digest, Sha256};
    let dir = replicated_dir(root);
    crate::state::ensure_private_dir(&dir)?;
    let digest = Sha256::digest(pem.as_bytes());
    let name: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!("artifactory-ca-{name}.pem"));
    if std::fs::read(&path).ok().as_deref() != Some(pem.as_bytes()) {
        crate::state::write_private_file(&path, pem.as_bytes()).map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot write {}: {e}", path.display()),
            )
        })?;
    }
    Ok(path)
}

/// What a subscriber does with a batch, decided from its place in the publisher's log.
#[derive(Debug, PartialEq)]
enum Decision {
    Apply,
    /// It is older than what this subscriber has (or of a history it left): nothing changes.
    Stale,
    /// Only a snapshot can bring this subscriber up to date: why.
    NeedSnapshot(&'static str),
}

fn decide(
    db: &crate::state::Db,
    place: Option<&crate::state::replication::Applied>,
    c: &Changes,
) -> OpResult<Decision> {
    let Some(at) = place else {
        return Ok(if c.snapshot {
            Decision::Apply
        } else {
            Decision::NeedSnapshot("it has no place in this cluster's log")
        });
    };
    if let (Some(mine), Some(theirs)) = (&at.epoch, &c.epoch) {
        if mine != theirs {
            return Ok(if db.epoch_seen(&c.cluster, theirs)? {
                Decision::Stale
            } else if c.snapshot {
                Decision::Apply
            } else {
                Decision::NeedSnapshot("the publisher began a new history")
            });
        }
    }
    if c.snapshot {
        return Ok(if c.to < at.seq {
            Decision::Stale
        } else {
            Decision::Apply
        });
    }
    // The batch names the marks of the changes it spans: the one at this subscriber's place
    // must be the one it applied, or the publisher's log is another history.
    let continues = match (&at.mark, c.marks.iter().find(|(s, _)| *s == at.seq)) {
        (Some(mine), Some((_, theirs))) => mine == theirs,
        _ => true,
    };
    Ok(if !continues {
        Decision::NeedSnapshot("the publisher's log does not continue what it applied")
    } else if c.to <= at.seq {
        Decision::Stale
    } else if c.from > at.seq {
        Decision::NeedSnapshot("the log no longer holds every change after its place")
    } else {
        Decision::Apply
    })
}

/// What a batch staged before its transaction: taken back when it is not applied.
#[derive(Default)]
struct Staged {
    secrets: Vec<String>,
    trust: Option<String>,
}

/// Apply a batch from the publisher on this subscriber, all or nothing: checked whole; the
/// decision taken under the apply lock from this node's place; files and secrets staged under
/// names nothing uses yet; the database switched to them in one transaction with the batch's
/// record; what they replaced removed after the commit. A batch that is not applied changes
/// nothing.
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
                crate::text::terminal_safe(&c.publisher)
            ),
        )
        .hint("utils node set --publisher FQDN on the subscriber"));
    }
    validate(&c)?;
    let root = node.root().to_path_buf();
    let lock = super::replica::ApplyLock::take(&root)?;
    let last = node.db()?.last_applied()?;
    let place = last.as_ref().filter(|l| l.cluster == c.cluster);
    let answer = |applied, epoch: Option<&String>, mark: Option<&String>| ChangesApplied {
        cluster: c.cluster.clone(),
        applied,
        epoch: epoch.cloned(),
        mark: mark.cloned(),
    };
    match decide(node.db()?, place, &c)? {
        Decision::Apply => {}
        Decision::Stale => {
            let at = place.expect("a stale batch is older than a place");
            return Ok(Outcome::AlreadyHad(answer(
                at.seq,
                at.epoch.as_ref(),
                at.mark.as_ref(),
            )));
        }
        Decision::NeedSnapshot(why) => {
            return Ok(Outcome::NeedSnapshot {
                applied: place.map_or(0, |p| p.seq),
                why,
            })
        }
    }
    super::replica::sweep(node, &lock)?;
    let mut staged = Staged::default();
    let result = stage_and_apply(node, &root, &c, &mut staged);
    let (db, secrets) = node.db_and_secrets()?;
    match result {
        Ok(replaced) => {
            for name in &replaced.secrets {
                secrets.discard(db, name);
            }
            if let Some(old) = &replaced.image_repository_ref {
                super::image_repository::unstage(db, &secrets, old);
            }
            // The files nothing uses now go; the link follows the committed set.
            super::replica::sweep(node, &lock)?;
            let mark = c.marks.iter().find(|(s, _)| *s == c.to).map(|(_, m)| m);
            Ok(Outcome::Applied(answer(c.to, c.epoch.as_ref(), mark)))
        }
        Err(e) => {
            for name in &staged.secrets {
                secrets.discard(db, name);
            }
            if let Some(set) = &staged.trust {
                if db.setting(crate::state::replication::TRUST_SET)?.as_ref() != Some(set) {
                    let _ = std::fs::remove_dir_all(replicated_dir(&root).join(set));
                }
            }
            Err(e)
        }
    }
}

/// Stage what `c` brings (recording it in `staged` as it goes) and apply the batch.
fn stage_and_apply(
    node: &mut Node,
    root: &Path,
    c: &Changes,
    staged: &mut Staged,
) -> OpResult<crate::state::replication::Replaced> {
    if let Some(files) = &c.trust {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|f| (f.name.clone(), f.pem.clone()))
            .collect();
        staged.trust = Some(super::replica::stage_trust(&replicated_dir(root), &files)?);
    }
    let mut setting = None;
    if let Some(r) = &c.image_repository {
        let ca_file = match &r.ca_pem {
            Some(pem) => Some(store_ca(root, pem)?.display().to_string()),
            None => None,
        };
        let s = ImageRepository {
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
        let mut b = [0u8; 4];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
        let reference = format!(
            "{}{}-{}",
            super::replica::CREDENTIAL_PREFIX,
            c.to,
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        );
        let (db, secrets) = node.db_and_secrets()?;
        let credential = Secret::new(r.credential.clone());
        staged.secrets.push(format!("{reference}-proxy"));
        staged.secrets.push(reference.clone());
        setting = Some(super::image_repository::stage(
            db,
            &secrets,
            s,
            &credential,
            &reference,
        )?);
    }
    let mut slots: Vec<(&str, Option<String>)> = Vec::new();
    let mut stage_slot = |node: &mut Node, slot: &'static str, value: Option<&String>| {
        let name = match value {
            Some(v) => {
                let (db, secrets) = node.db_and_secrets()?;
                let n = secrets.stage(db, slot, &Secret::new(v.clone()))?;
                staged.secrets.push(n.clone());
                Some(n)
            }
            None => None,
        };
        slots.push((slot, name));
        OpResult::Ok(())
    };
    if let Some(m) = &c.smtp {
        stage_slot(node, super::notify::PASSWORD_SECRET, m.password.as_ref())?;
    }
    if c.settings.is_some() {
        stage_slot(
            node,
            super::cloudconnect::TOKEN_SECRET,
            c.hub_token.as_ref(),
        )?;
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
    let mark = c
        .marks
        .iter()
        .find(|(s, _)| *s == c.to)
        .map(|(_, m)| m.as_str());
    let batch = Batch {
        cluster: &c.cluster,
        publisher: &c.publisher,
        from: c.from,
        to: c.to,
        snapshot: c.snapshot,
        kinds: kinds_of(c).join(","),
        users: users.as_deref(),
        versions: versions.as_ref().map(|(v, w)| (v.as_slice(), *w)),
        onboarded: hosts.as_deref(),
        image_repository: if c.image_repository_removed {
            Some(None)
        } else {
            setting.as_ref().map(Some)
        },
        smtp: c
            .smtp
            .as_ref()
            .map(|m| (m.config.as_ref(), m.subscribers.as_slice())),
        signers: c.signers.as_deref(),
        settings: c.settings.as_deref(),
        epoch: c.epoch.as_deref(),
        mark,
        slots: &slots,
        trust: staged.trust.as_deref(),
    };
    Ok(node.db()?.apply_batch(&batch)?)
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
    /// After failures: the next attempt is not before this time (UTC).
    pub retry_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub role: Role,
    pub cluster: Option<String>,
    /// The publisher's newest change, when known.
    pub sequence: Option<i64>,
    /// The publisher's history (epoch), and when and why it last began a new one.
    pub epoch: Option<String>,
    pub epoch_changed_at: Option<String>,
    pub epoch_changed_why: Option<String>,
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
                retry_at: None,
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
                    retry_at: view.retry_at.clone(),
                });
            }
            Ok(Status {
                role: me.role,
                cluster: Some(view.cluster),
                sequence: Some(view.sequence),
                epoch: view.epoch,
                epoch_changed_at: view.epoch_changed_at,
                epoch_changed_why: view.epoch_changed_why,
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
                    retry_at: None,
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
                retry_at: view.and_then(|v| v.retry_at.clone()),
            });
            Ok(Status {
                role: me.role,
                cluster: last.map(|l| l.cluster),
                sequence: view.map(|v| v.sequence),
                epoch: view.and_then(|v| v.epoch.clone()),
                epoch_changed_at: view.and_then(|v| v.epoch_changed_at.clone()),
                epoch_changed_why: view.and_then(|v| v.epoch_changed_why.clone()),
                nodes,
            })
        }
        Role::Vos => Ok(Status {
            role: me.role,
            cluster: None,
            sequence: None,
            epoch: None,
            epoch_changed_at: None,
            epoch_changed_why: None,
            nodes,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::replication::Applied;

    fn changes(from: i64, to: i64, snapshot: bool, epoch: &str, marks: &[(i64, &str)]) -> Changes {
        Changes {
            cluster: "c1".into(),
            publisher: "cc1".into(),
            from,
            to,
            snapshot,
            application_users: None,
            inventory: None,
            onboarded: None,
            image_repository: None,
            trust: None,
            smtp: None,
            signers: None,
            settings: None,
            hub_token: None,
            image_repository_removed: false,
            epoch: Some(epoch.into()),
            marks: marks.iter().map(|(s, m)| (*s, (*m).to_owned())).collect(),
        }
    }

    fn at(seq: i64, epoch: &str, mark: &str) -> Applied {
        Applied {
            cluster: "c1".into(),
            publisher: "cc1".into(),
            seq,
            applied_at: String::new(),
            epoch: Some(epoch.into()),
            mark: Some(mark.into()),
        }
    }

    /// Where a batch stands against this subscriber's place: late batches (and every batch of
    /// a history it left) change nothing; a log that does not continue its place, or a gap,
    /// asks for a snapshot; a snapshot of a new history applies whatever its numbers.
    #[test]
    fn a_batch_applies_only_when_it_continues_this_subscribers_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = crate::state::Db::open(&dir.path().join("state.db"), "cc2").unwrap();
        let place = at(149, "e1", "m149");
        let d = |db: &crate::state::Db, c: &Changes| decide(db, Some(&place), c).unwrap();
        use Decision::*;
        // The next changes, continuing the place.
        assert_eq!(
            d(
                &db,
                &changes(149, 150, false, "e1", &[(149, "m149"), (150, "x")])
            ),
            Apply
        );
        // Overlapping (an answer was lost): still continues.
        assert_eq!(
            d(&db, &changes(140, 155, false, "e1", &[(149, "m149")])),
            Apply
        );
        // Late: nothing changes.
        assert_eq!(d(&db, &changes(100, 120, false, "e1", &[])), Stale);
        assert_eq!(d(&db, &changes(0, 148, true, "e1", &[])), Stale);
        // A repair (the same place, whole) applies again.
        assert_eq!(d(&db, &changes(0, 149, true, "e1", &[])), Apply);
        // A restored publisher whose numbers passed this place: another mark there.
        assert!(matches!(
            d(&db, &changes(100, 160, false, "e1", &[(149, "other")])),
            NeedSnapshot(_)
        ));
        // A gap.
        assert!(matches!(
            d(&db, &changes(150, 151, false, "e1", &[])),
            NeedSnapshot(_)
        ));
        // A new history: only its snapshot applies, whatever its numbers.
        assert!(matches!(
            d(&db, &changes(119, 120, false, "e2", &[])),
            NeedSnapshot(_)
        ));
        assert_eq!(d(&db, &changes(0, 119, true, "e2", &[])), Apply);
        // No place yet: only a snapshot.
        assert!(matches!(
            decide(&db, None, &changes(1, 2, false, "e1", &[])).unwrap(),
            NeedSnapshot(_)
        ));
        // A history this subscriber left: its late batches change nothing.
        let mut node = db.node().unwrap();
        node.role = Role::Subscriber;
        node.publisher = Some("cc1".into());
        db.set_node(&node).unwrap();
        let slots = [];
        db.apply_batch(&Batch {
            cluster: "c1",
            publisher: "cc1",
            from: 0,
            to: 149,
            snapshot: true,
            kinds: String::new(),
            users: None,
            versions: None,
            onboarded: None,
            image_repository: None,
            smtp: None,
            signers: None,
            settings: None,
            epoch: Some("e0"),
            mark: None,
            slots: &slots,
            trust: None,
        })
        .unwrap();
        assert_eq!(d(&db, &changes(0, 200, true, "e0", &[])), Stale);
    }
}
