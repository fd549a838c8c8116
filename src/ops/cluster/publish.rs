//! The publisher's side: reading a batch from the database in one snapshot, sending it, and
//! what the subscriber's answer says about both nodes' histories (a new epoch when they part).

use std::path::Path;
use std::time::Duration;

use super::{
    kinds_of, peer, secret, ReplKind, ReplicatedHost, ReplicatedImageRepository, ReplicatedSmtp,
    ReplicatedUser, ReplicatedVersion, ReplicatedVersions, TrustedFile, MAX_CA_PEM, MAX_ITEMS,
    MAX_TRUST_FILE, TIMEOUT,
};
use super::{Changes, PublisherView};
use crate::clients::cloud_connect::CcError;
use crate::ops::{Kind, Node, OpError, OpResult};
use crate::state::db::{ImageRepository, OnboardedHost};
use crate::state::notify::SmtpConfig;
use crate::state::orchestration::Signer;
use crate::state::replication::StoredVersion;

/// What one attempt to bring the subscriber up to date did.
pub enum Flushed {
    /// The batch landed; the subscriber is at `applied`. With `restarted`, this publisher
    /// began a new history first (why), and the batch was a snapshot.
    Replicated {
        to: String,
        applied: i64,
        snapshot: bool,
        kinds: Vec<ReplKind>,
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
                    super::kind_list(kinds, ", ")
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
    kinds: Vec<ReplKind>,
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
        let kinds: Vec<ReplKind> = ReplKind::ALL
            .into_iter()
            .filter(|k| snapshot || entries.iter().any(|e| e.is(*k)))
            .collect();
        let has = |k: ReplKind| kinds.contains(&k);
        let versions = if !has(ReplKind::Inventory) {
            None
        } else if snapshot
            || entries
                .iter()
                .any(|e| e.is(ReplKind::Inventory) && e.reference.is_none())
        {
            Some((db.inventory_versions(None)?, true))
        } else {
            let ids: Vec<i64> = entries
                .iter()
                .filter(|e| e.is(ReplKind::Inventory))
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
            password: db.secret_slot(crate::ops::notify::PASSWORD_SECRET)?,
            token: db.secret_slot(crate::ops::cloudconnect::TOKEN_SECRET)?,
            users: if has(ReplKind::ApplicationUsers) {
                db.app_user_hashes()?
            } else {
                Vec::new()
            },
            versions,
            onboarded: if has(ReplKind::Onboarded) {
                db.onboarded_hosts_with_owners()?
            } else {
                Vec::new()
            },
            image_repository: if has(ReplKind::ImageRepository) {
                db.image_repository()?
            } else {
                None
            },
            smtp: if has(ReplKind::Smtp) {
                Some((db.smtp_config()?, db.smtp_subscribers()?))
            } else {
                None
            },
            signers: if has(ReplKind::Signers) {
                Some(db.signers()?)
            } else {
                None
            },
            settings: if has(ReplKind::Settings) {
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
    let (s, credential) = crate::ops::image_repository::with_secrets(db, &secrets, setting)?;
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
        read.kinds.contains(&ReplKind::ImageRepository) && read.image_repository.is_none();
    let image_repository = match read.image_repository {
        Some(s) => Some(image_repository_out(node, s)?),
        None => None,
    };
    let trust = if read.kinds.contains(&ReplKind::Trust) {
        Some(trust_out(node)?)
    } else {
        None
    };
    let smtp = match read.smtp {
        Some((config, subscribers)) => Some(ReplicatedSmtp {
            config,
            password: slot_value(node, crate::ops::notify::PASSWORD_SECRET, &read.password)?,
            subscribers,
        }),
        None => None,
    };
    let hub_token = if read.settings.is_some() {
        slot_value(node, crate::ops::cloudconnect::TOKEN_SECRET, &read.token)?
    } else {
        None
    };
    let has = |k: ReplKind| read.kinds.contains(&k);
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
        application_users: has(ReplKind::ApplicationUsers).then(|| {
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
        onboarded: has(ReplKind::Onboarded).then(|| {
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
            crate::ops::notify::PASSWORD_SECRET => "enter it again: set smtp-pswd",
            _ => "register the cluster with the hub again (utils cloudconnect unregister, then register)",
        })),
    }
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
