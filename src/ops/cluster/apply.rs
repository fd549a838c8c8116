//! The subscriber's side: deciding what a batch means from this node's place in the
//! publisher's log ([`decide`], a pure function), and applying it all or nothing.

use std::path::{Path, PathBuf};

use super::validate::validate;
use super::{kinds_of, replicated_dir, Changes, ChangesApplied};
use crate::domain::Role;
use crate::ops::{Kind, Node, OpError, OpResult};
use crate::secrets::{Secret, StoreKind};
use crate::state::db::{ImageRepository, OnboardedHost};
use crate::state::replication::{Applied, Batch, StoredVersion};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Apply,
    /// It is older than what this subscriber has (or of a history it left): nothing changes.
    Stale,
    /// Only a snapshot can bring this subscriber up to date: why.
    NeedSnapshot(&'static str),
}

/// Where a subscriber stands when a batch arrives: all [`decide`] needs to know of it.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The last batch it applied of the batch's cluster (none: it has no place in that
    /// cluster's log yet).
    pub at: Option<Applied>,
    /// Whether it applied a batch of the batch's epoch before: when its place is in another
    /// epoch, that is a history it left, whose late batches change nothing.
    pub epoch_seen: bool,
}

impl Place {
    /// This subscriber's place, as its database records it, for the batch `c`.
    pub fn read(db: &crate::state::Db, c: &Changes) -> OpResult<Place> {
        let at = db.last_applied()?.filter(|l| l.cluster == c.cluster);
        let epoch_seen = match &c.epoch {
            Some(e) => db.epoch_seen(&c.cluster, e)?,
            None => false,
        };
        Ok(Place { at, epoch_seen })
    }
}

/// What the batch `c` means to a subscriber at `place`: a pure function of the two (the
/// subscriber's last sequence number, epoch and mark; the batch's span, epoch, marks and
/// whether it is a snapshot).
pub fn decide(place: &Place, c: &Changes) -> Decision {
    let Some(at) = &place.at else {
        return if c.snapshot {
            Decision::Apply
        } else {
            Decision::NeedSnapshot("it has no place in this cluster's log")
        };
    };
    if let (Some(mine), Some(theirs)) = (&at.epoch, &c.epoch) {
        if mine != theirs {
            return if place.epoch_seen {
                Decision::Stale
            } else if c.snapshot {
                Decision::Apply
            } else {
                Decision::NeedSnapshot("the publisher began a new history")
            };
        }
    }
    if c.snapshot {
        return if c.to < at.seq {
            Decision::Stale
        } else {
            Decision::Apply
        };
    }
    // The batch names the marks of the changes it spans: the one at this subscriber's place
    // must be the one it applied, or the publisher's log is another history.
    let continues = match (&at.mark, c.marks.iter().find(|(s, _)| *s == at.seq)) {
        (Some(mine), Some((_, theirs))) => mine == theirs,
        _ => true,
    };
    if !continues {
        Decision::NeedSnapshot("the publisher's log does not continue what it applied")
    } else if c.to <= at.seq {
        Decision::Stale
    } else if c.from > at.seq {
        Decision::NeedSnapshot("the log no longer holds every change after its place")
    } else {
        Decision::Apply
    }
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
    let lock = crate::ops::replica::ApplyLock::take(&root)?;
    let place = Place::read(node.db()?, &c)?;
    let answer = |applied, epoch: Option<&String>, mark: Option<&String>| ChangesApplied {
        cluster: c.cluster.clone(),
        applied,
        epoch: epoch.cloned(),
        mark: mark.cloned(),
    };
    match decide(&place, &c) {
        Decision::Apply => {}
        Decision::Stale => {
            let at = place.at.expect("a stale batch is older than a place");
            return Ok(Outcome::AlreadyHad(answer(
                at.seq,
                at.epoch.as_ref(),
                at.mark.as_ref(),
            )));
        }
        Decision::NeedSnapshot(why) => {
            return Ok(Outcome::NeedSnapshot {
                applied: place.at.map_or(0, |p| p.seq),
                why,
            })
        }
    }
    crate::ops::replica::sweep(node, &lock)?;
    let mut staged = Staged::default();
    let result = stage_and_apply(node, &root, &c, &mut staged);
    let (db, secrets) = node.db_and_secrets()?;
    match result {
        Ok(replaced) => {
            for name in &replaced.secrets {
                secrets.discard(db, name);
            }
            if let Some(old) = &replaced.image_repository_ref {
                crate::ops::image_repository::unstage(db, &secrets, old);
            }
            // The files nothing uses now go; the link follows the committed set.
            crate::ops::replica::sweep(node, &lock)?;
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
        staged.trust = Some(crate::ops::replica::stage_trust(
            &replicated_dir(root),
            &files,
        )?);
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
            crate::ops::replica::CREDENTIAL_PREFIX,
            c.to,
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        );
        let (db, secrets) = node.db_and_secrets()?;
        let credential = Secret::new(r.credential.clone());
        staged.secrets.push(format!("{reference}-proxy"));
        staged.secrets.push(reference.clone());
        setting = Some(crate::ops::image_repository::stage(
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
        stage_slot(
            node,
            crate::ops::notify::PASSWORD_SECRET,
            m.password.as_ref(),
        )?;
    }
    if c.settings.is_some() {
        stage_slot(
            node,
            crate::ops::cloudconnect::TOKEN_SECRET,
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
        kinds: super::kind_list(&kinds_of(c), ","),
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
