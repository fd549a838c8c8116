//! Cisco's `utils dbreplication status` and `repair` for the Cloud Connect pair: proof that the
//! subscriber holds what the publisher holds, and the way back when it does not.
//!
//! Each node computes a digest of every replicated kind (the kinds of [`cluster::KINDS`]) and
//! one per item of the kind (a user, an inventory version, a host, a signer, a setting, a
//! certificate file), so a comparison can name what differs, not only that something does.
//! Every digest is an HMAC-SHA256 keyed with the cluster secret: the secrets among the items
//! (the Artifactory credential, the SMTP password, the hub token) are never sent or shown, and
//! a digest tells nothing to whoever does not hold the secret. Each side digests the values as
//! they are *used* (the CA file's content, not its path; the inventory model re-serialised from
//! its parsed form), so the two nodes normalise alike.
//!
//! The other node's answer is a peer's word: bounded in size and count, checked before it is
//! compared, and its names escaped when shown. Every comparison is recorded on this node
//! (node-local settings, never `shared.*`) for `runtimestate`; `ccadmin serve` runs one every
//! `--replication-check-interval` on the publisher ([`periodic`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::cluster::{self, Flushed};
use super::{Kind, Node, OpError, OpResult};
use crate::domain::Role;
use crate::secrets::Secret;

/// Node-local settings holding the last comparison (not `shared.*`: they do not replicate).
pub const CHECK_AT: &str = "replication.check.at";
pub const CHECK_RESULT: &str = "replication.check.result";
/// The difference a notification mail was queued for (one mail per new difference).
const CHECK_MAILED: &str = "replication.check.mailed";

/// How long asking the other node for its digests may take.
const TIMEOUT: Duration = Duration::from_secs(30);
/// How long a repair may take: the publisher builds and sends a whole snapshot meanwhile.
const REPAIR_TIMEOUT: Duration = Duration::from_secs(120);
/// Bounds on the other node's answer (beside its size, bounded by the client).
const MAX_KINDS: usize = 32;
pub const MAX_ITEMS: usize = 200_000;
const MAX_NAME: usize = 1024;
/// Hex characters kept of each digest (64 bits: plenty to tell two states apart).
const DIGEST_HEX: usize = 16;
/// Names listed per difference in the text output before "and N more".
pub const SHOWN: usize = 10;
/// The largest CA file or certificate read for its digest.
const MAX_FILE: u64 = 1 << 20;

// ---- the wire ----

/// Declared in `wire` (the client and the service both read them); checked here.
pub use crate::wire::{Digests, KindDigest, Repaired};

impl Digests {
    /// A peer's answer, checked: counts and lengths bounded, digests hex. Names are kept as
    /// sent (they are compared with ours) and escaped wherever they are shown.
    pub fn check(&self) -> Result<(), String> {
        let short = |s: &str| s.len() <= MAX_NAME;
        let hex = |s: &str| s.len() <= 64 && s.chars().all(|c| c.is_ascii_hexdigit());
        if !short(&self.node) || self.node.chars().any(char::is_control) {
            return Err("the node name is too long or holds control characters".into());
        }
        if self.kinds.len() > MAX_KINDS {
            return Err(format!("{} kinds (at most {MAX_KINDS})", self.kinds.len()));
        }
        let mut total = 0usize;
        for k in &self.kinds {
            if !cluster::KINDS.contains(&k.kind.as_str()) {
                return Err(format!(
                    "an unknown kind {}",
                    crate::text::one_line(&truncate(&k.kind, 64))
                ));
            }
            if self.kinds.iter().filter(|o| o.kind == k.kind).count() > 1 {
                return Err(format!("the kind {} twice", k.kind));
            }
            total += k.items.len();
            if total > MAX_ITEMS {
                return Err(format!("more than {MAX_ITEMS} items"));
            }
            if !hex(&k.digest) {
                return Err(format!("the digest of {} is not hex", k.kind));
            }
            for (name, d) in &k.items {
                if !short(name) {
                    return Err(format!("a name of {} is too long", k.kind));
                }
                if !hex(d) {
                    return Err(format!(
                        "the digest of {} {} is not hex",
                        k.kind,
                        crate::text::one_line(&truncate(name, 64))
                    ));
                }
            }
        }
        Ok(())
    }

    fn kind(&self, kind: &str) -> Option<&KindDigest> {
        self.kinds.iter().find(|k| k.kind == kind)
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

// ---- digests ----

/// HMAC-SHA256 keyed with the cluster secret, over the parts (each length-prefixed, so no two
/// sequences of parts give the same input), hex-shortened.
struct Digester<'a> {
    key: &'a [u8],
}

impl Digester<'_> {
    fn digest(&self, parts: &[&[u8]]) -> String {
        // An HMAC takes a key of any length.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.key) else {
            return String::new();
        };
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        let out = mac.finalize().into_bytes();
        let mut hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        hex.truncate(DIGEST_HEX);
        hex
    }

    fn kind(&self, kind: &str, items: BTreeMap<String, String>) -> KindDigest {
        let mut parts: Vec<&[u8]> = vec![kind.as_bytes()];
        for (n, d) in &items {
            parts.push(n.as_bytes());
            parts.push(d.as_bytes());
        }
        KindDigest {
            kind: kind.to_owned(),
            digest: self.digest(&parts),
            items,
        }
    }
}

/// What a file's digest is made of: its text as replication reads it, or a marker that both
/// nodes would write alike when it cannot be read.
fn file_text(path: &Path) -> String {
    match crate::state::read_bounded(path, MAX_FILE) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(_) => "\0unreadable".to_owned(),
    }
}

/// A secret this node cannot read (missing from its store) is a difference to show, not a
/// failure of the comparison.
fn usable(r: OpResult<Option<crate::secrets::Secret>>) -> OpResult<Option<crate::secrets::Secret>> {
    match r {
        Err(e) if e.kind == Kind::Secret => Ok(None),
        r => r,
    }
}

fn json(v: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// This node's digests of every replicated kind.
pub fn digests(node: &mut Node) -> OpResult<Digests> {
    node.require_cloud_connect(false)?;
    let secret = cluster::secret(node)?.ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "no cluster secret is set")
            .hint("utils node cluster-secret")
    })?;
    digests_with(node, &secret)
}

/// The database's part, read in one snapshot with the change it corresponds to.
struct Read {
    change: i64,
    users: Vec<(String, String, String)>,
    versions: Vec<crate::state::replication::StoredVersion>,
    onboarded: Vec<(crate::state::db::OnboardedHost, Option<String>)>,
    image_repository: Option<crate::state::db::ImageRepository>,
    smtp: Option<crate::state::notify::SmtpConfig>,
    subscribers: Vec<String>,
    signers: Vec<crate::state::orchestration::Signer>,
    settings: Vec<(String, String)>,
}

fn digests_with(node: &mut Node, secret: &Secret) -> OpResult<Digests> {
    let me = node.identity()?;
    let publisher = me.role == Role::Publisher;
    let read = node.db()?.read_consistent(|db| {
        Ok(Read {
            change: if publisher {
                db.replication_seq()?
            } else {
                db.last_applied()?.map_or(0, |l| l.seq)
            },
            users: db.app_user_hashes()?,
            versions: db.inventory_versions(None)?,
            onboarded: db.onboarded_hosts_with_owners()?,
            image_repository: db.image_repository()?,
            smtp: db.smtp_config()?,
            subscribers: db.smtp_subscribers()?,
            signers: db.signers()?,
            settings: db.shared_settings()?,
        })
    })?;
    let d = Digester {
        key: secret.expose().as_bytes(),
    };
    let mut kinds = Vec::new();

    let users = read
        .users
        .iter()
        .map(|(pkid, name, hash)| (name.clone(), d.digest(&[pkid.as_bytes(), hash.as_bytes()])))
        .collect();
    kinds.push(d.kind(cluster::APPLICATION_USERS, users));

    let versions = read
        .versions
        .iter()
        .map(|v| {
            (
                v.id.to_string(),
                d.digest(&[
                    v.created_at.as_bytes(),
                    v.actor.as_bytes(),
                    v.source.as_bytes(),
                    &json(&v.model),
                ]),
            )
        })
        .collect();
    kinds.push(d.kind(cluster::INVENTORY, versions));

    let hosts = read
        .onboarded
        .iter()
        .map(|(h, owner)| (h.host.clone(), d.digest(&[&json(h), &json(owner)])))
        .collect();
    kinds.push(d.kind(cluster::ONBOARDED, hosts));

    let mut repo = BTreeMap::new();
    if let Some(stored) = &read.image_repository {
        // The setting as it is used: the proxy with its password, the credential from the
        // store. A credential missing from the store is a difference to show, not a failure.
        let (s, credential) = match super::image_repository::load(node) {
            Ok((s, c)) => (s, Some(c)),
            Err(e) if e.kind == Kind::Secret => (stored.clone(), None),
            Err(e) => return Err(e),
        };
        repo.insert(
            "setting".to_owned(),
            d.digest(&[
                s.url.as_bytes(),
                s.repository.as_bytes(),
                s.auth_type.to_string().as_bytes(),
                s.software.to_string().as_bytes(),
                &json(&s.proxy),
                &[u8::from(s.allow_http)],
                s.last_validated.as_bytes(),
            ]),
        );
        if let Some(c) = credential {
            repo.insert(
                "credential".to_owned(),
                d.digest(&[b"credential", c.expose().as_bytes()]),
            );
        }
        if let Some(f) = &s.ca_file {
            repo.insert(
                "ca-file".to_owned(),
                d.digest(&[file_text(Path::new(f)).as_bytes()]),
            );
        }
    }
    kinds.push(d.kind(cluster::IMAGE_REPOSITORY, repo));

    kinds.push(d.kind(cluster::TRUST, trust_items(node.root(), publisher, &d)));

    let mut smtp = BTreeMap::new();
    if let Some(c) = &read.smtp {
        smtp.insert("setting".to_owned(), d.digest(&[&json(c)]));
    }
    if let Some(p) = usable(super::notify::password(node))? {
        smtp.insert(
            "password".to_owned(),
            d.digest(&[b"smtp-password", p.expose().as_bytes()]),
        );
    }
    for a in &read.subscribers {
        smtp.insert(format!("subscriber {a}"), d.digest(&[a.as_bytes()]));
    }
    kinds.push(d.kind(cluster::SMTP, smtp));

    let signers = read
        .signers
        .iter()
        .map(|s| (s.name.clone(), d.digest(&[s.public_key.as_bytes()])))
        .collect();
    kinds.push(d.kind(cluster::SIGNERS, signers));

    let mut settings: BTreeMap<String, String> = read
        .settings
        .iter()
        .map(|(k, v)| (k.clone(), d.digest(&[v.as_bytes()])))
        .collect();
    if let Some(t) = usable(super::cloudconnect::token(node))? {
        settings.insert(
            "hub-token".to_owned(),
            d.digest(&[b"hub-token", t.expose().as_bytes()]),
        );
    }
    kinds.push(d.kind(cluster::SETTINGS, settings));

    Ok(Digests {
        node: me.hostname,
        role: me.role,
        change: read.change,
        kinds,
    })
}

/// The replicated certificates: on the publisher its own `trust/` (what it sends, named by
/// the file's stem), on the subscriber what it received under `replicated/trust/`.
fn trust_items(root: &Path, publisher: bool, d: &Digester<'_>) -> BTreeMap<String, String> {
    let files = if publisher {
        crate::clients::cloud_connect::own_trust_files(root)
    } else {
        let dir = cluster::replicated_dir(root).join("trust");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    files
        .iter()
        .filter_map(|f| {
            let name = f.file_stem()?.to_string_lossy().into_owned();
            Some((name, d.digest(&[file_text(f).as_bytes()])))
        })
        .collect()
}

// ---- comparing ----

/// One kind compared: equal, or what differs (names as the nodes hold them; escape them
/// before showing).
#[derive(Debug, Clone, Serialize)]
pub struct KindComparison {
    pub kind: String,
    pub equal: bool,
    pub publisher_items: usize,
    pub subscriber_items: usize,
    pub only_publisher: Vec<String>,
    pub only_subscriber: Vec<String>,
    pub different: Vec<String>,
}

/// `utils dbreplication status`: both nodes' state compared kind by kind.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub this_node: String,
    pub publisher: String,
    pub subscriber: String,
    /// The change each side's state corresponds to.
    pub publisher_change: i64,
    pub subscriber_change: i64,
    pub equal: bool,
    pub checked_at: String,
    pub kinds: Vec<KindComparison>,
}

impl Comparison {
    /// The kinds that differ.
    pub fn different(&self) -> Vec<&str> {
        self.kinds
            .iter()
            .filter(|k| !k.equal)
            .map(|k| k.kind.as_str())
            .collect()
    }

    /// One line for the log, the record and a mail's subject.
    pub fn summary(&self) -> String {
        if self.equal {
            crate::text::one_line(&format!(
                "equal ({} and {}, every kind, at change {})",
                self.publisher, self.subscriber, self.publisher_change
            ))
            .into_owned()
        } else {
            let mut s = format!(
                "DIFFERENT between {} and {}: {}",
                self.publisher,
                self.subscriber,
                self.different().join(", ")
            );
            if let Some(n) = self.behind() {
                s += &format!(" (the subscriber is {n} changes behind: changes may be in flight)");
            }
            crate::text::one_line(&s).into_owned()
        }
    }

    /// How many changes the subscriber has yet to apply, if any.
    pub fn behind(&self) -> Option<i64> {
        let n = self.publisher_change - self.subscriber_change;
        (n > 0).then_some(n)
    }
}

/// Compare the two nodes' digests, kind by kind in the order of [`cluster::KINDS`].
pub fn compare(publisher: &Digests, subscriber: &Digests) -> Vec<KindComparison> {
    let empty = BTreeMap::new();
    cluster::KINDS
        .iter()
        .map(|kind| {
            let (p, s) = (publisher.kind(kind), subscriber.kind(kind));
            let pi = p.map_or(&empty, |k| &k.items);
            let si = s.map_or(&empty, |k| &k.items);
            let only = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| {
                a.keys()
                    .filter(|n| !b.contains_key(*n))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            let different: Vec<String> = pi
                .iter()
                .filter(|(n, d)| si.get(*n).is_some_and(|o| o != *d))
                .map(|(n, _)| n.clone())
                .collect();
            let (only_publisher, only_subscriber) = (only(pi, si), only(si, pi));
            let digests_equal = p.map(|k| &k.digest) == s.map(|k| &k.digest);
            KindComparison {
                kind: (*kind).to_owned(),
                equal: digests_equal
                    && different.is_empty()
                    && only_publisher.is_empty()
                    && only_subscriber.is_empty(),
                publisher_items: pi.len(),
                subscriber_items: si.len(),
                only_publisher,
                only_subscriber,
                different,
            }
        })
        .collect()
}

/// `utils dbreplication status`: ask the other node for its digests, compare them with this
/// node's, and record the result (or the failure) on this node.
pub fn status(node: &mut Node) -> OpResult<Comparison> {
    let result = compare_with_other(node);
    let recorded = match &result {
        Ok(c) => c.summary(),
        Err(e) => crate::text::one_line(&format!("not compared: {e}")).into_owned(),
    };
    // The record is for runtimestate; failing to write it does not hide the result.
    let _ = record(node, &recorded);
    result
}

fn compare_with_other(node: &mut Node) -> OpResult<Comparison> {
    node.require_cloud_connect(false)?;
    let me = node.identity()?;
    let Some(other) = cluster::other_node(node)? else {
        return Err(match me.role {
            Role::Publisher => OpError::new(
                Kind::NotConfigured,
                "no subscriber has joined this publisher: there is nothing to compare with",
            )
            .hint("start ccadmin serve on the subscriber, with the same cluster secret (utils node cluster-secret) and --publisher naming this node"),
            _ => OpError::new(Kind::NotConfigured, "this subscriber names no publisher")
                .hint("utils node set --publisher FQDN"),
        });
    };
    let secret = cluster::secret(node)?.ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "no cluster secret is set")
            .hint("utils node cluster-secret")
    })?;
    let ours = digests_with(node, &secret)?;
    let theirs = cluster::peer(node, TIMEOUT)?
        .replication_digest(&other)
        .map_err(|e| unreachable_other(&other, e))?;
    theirs.check().map_err(|why| {
        OpError::new(
            Kind::Peer,
            format!("{other} answered digests that are not usable: {why}"),
        )
        .hint(format!("check that {other} runs the same ccadmin release"))
    })?;
    let expected = match me.role {
        Role::Publisher => Role::Subscriber,
        _ => Role::Publisher,
    };
    if theirs.role != expected {
        return Err(OpError::new(
            Kind::Peer,
            format!("{other} says it is a {}, not the {expected}", theirs.role),
        )
        .hint("utils node show on both nodes: one publisher, one subscriber naming it"));
    }
    let (p, s) = match me.role {
        Role::Publisher => (&ours, &theirs),
        _ => (&theirs, &ours),
    };
    let kinds = compare(p, s);
    let checked_at = node.db()?.now()?;
    Ok(Comparison {
        this_node: me.hostname,
        publisher: p.node.clone(),
        subscriber: s.node.clone(),
        publisher_change: p.change,
        subscriber_change: s.change,
        equal: kinds.iter().all(|k| k.equal),
        checked_at,
        kinds,
    })
}

/// The other node could not be asked: what it was, and what to do about it.
fn unreachable_other(other: &str, e: crate::clients::cloud_connect::CcError) -> OpError {
    let kind = e.kind();
    let hint = e.remedy().unwrap_or_else(|| {
        format!("check that ccadmin serve runs on {other} and answers (utils dbreplication runtimestate)")
    });
    OpError::new(
        kind,
        format!("cannot ask {other} for its digests of the replicated state: {e}"),
    )
    .hint(hint)
    .caused_by(e)
}

fn record(node: &mut Node, result: &str) -> OpResult {
    let db = node.db()?;
    let at = db.now()?;
    db.set_setting(CHECK_AT, &at)?;
    db.set_setting(CHECK_RESULT, result)?;
    Ok(())
}

/// The last comparison this node made: when (UTC) and its result.
#[derive(Debug, Clone, Serialize)]
pub struct LastCheck {
    pub at: String,
    pub result: String,
}

/// The last comparison recorded on this node, if any ran.
pub fn last_check(node: &mut Node) -> OpResult<Option<LastCheck>> {
    let db = node.db()?;
    Ok(match (db.setting(CHECK_AT)?, db.setting(CHECK_RESULT)?) {
        (Some(at), Some(result)) => Some(LastCheck { at, result }),
        _ => None,
    })
}

// ---- repair ----

/// `utils dbreplication repair`: the publisher sends its subscriber a full snapshot now. On
/// the subscriber the publisher is asked to (over the cluster channel).
pub fn repair(node: &mut Node) -> OpResult<Repaired> {
    node.require_cloud_connect(false)?;
    let me = node.identity()?;
    match me.role {
        Role::Publisher => repair_here(node),
        _ => {
            let publisher = me.publisher.ok_or_else(|| {
                OpError::new(Kind::NotConfigured, "this subscriber names no publisher")
                    .hint("utils node set --publisher FQDN")
            })?;
            let mut answer = cluster::peer(node, REPAIR_TIMEOUT)?
                .replication_repair(&publisher)
                .map_err(|e| {
                    let hint = e.remedy().unwrap_or_else(|| {
                        format!("check that ccadmin serve runs on {publisher}, or run utils dbreplication repair there")
                    });
                    OpError::new(
                        e.kind(),
                        format!("the publisher {publisher} could not be asked for a snapshot: {e}"),
                    )
                    .hint(hint)
                })?;
            // The publisher's words, shown here: one line, nothing a terminal acts on.
            for s in [
                &mut answer.publisher,
                &mut answer.subscriber,
                &mut answer.message,
            ] {
                *s = crate::text::one_line(&truncate(s, 4096)).into_owned();
            }
            Ok(answer)
        }
    }
}

/// On the publisher: mark the subscriber for a whole snapshot and send it now.
pub fn repair_here(node: &mut Node) -> OpResult<Repaired> {
    node.require_cloud_connect(true)?;
    let publisher = node.identity()?.hostname;
    let subscriber = node.db()?.cc_subscriber()?.ok_or_else(|| {
        OpError::new(
            Kind::NotConfigured,
            "no subscriber has joined this publisher: there is nothing to repair",
        )
        .hint("start ccadmin serve on the subscriber, with the same cluster secret")
    })?;
    node.db()?
        .request_snapshot("a full snapshot was requested (utils dbreplication repair)")?;
    let flushed = cluster::flush(node)?;
    let message = flushed.as_ref().map(ToString::to_string);
    match flushed {
        Some(Flushed::Replicated { to, applied, .. }) => Ok(Repaired {
            message: message.unwrap_or_default(),
            publisher,
            subscriber: to,
            sent: true,
            applied: Some(applied),
        }),
        Some(Flushed::Failed { to, error }) => Err(error.context(format!(
            "the snapshot did not reach {to} (the service sends it again at its next attempt)"
        ))),
        Some(Flushed::NoSecret) => Err(OpError::new(
            Kind::NotConfigured,
            "no cluster secret is set",
        )
        .hint("utils node cluster-secret")),
        // Backing off towards the subscriber: the service sends it at its next attempt.
        Some(Flushed::Waiting(left)) => Ok(Repaired {
            message: format!(
                "the snapshot for {subscriber} waits for the next attempt, in {}s",
                left.as_secs().max(1)
            ),
            publisher,
            subscriber,
            sent: false,
            applied: None,
        }),
        // The service's own replication sent it meanwhile.
        None => Ok(Repaired {
            message: format!("the service sent {subscriber} the snapshot meanwhile"),
            publisher,
            subscriber,
            sent: true,
            applied: None,
        }),
    }
}

// ---- the service's periodic check ----

/// What one periodic check did, for the service's log.
pub fn check_and_notify(node: &mut Node) -> Option<String> {
    let me = node.identity().ok()?;
    // The publisher checks: it is the one writer, knows whether its subscriber is behind, and
    // one check per pair means one log line and one mail per difference.
    if me.role != Role::Publisher || node.db().ok()?.cc_subscriber().ok()?.is_none() {
        return None;
    }
    Some(match status(node) {
        Ok(c) if c.equal => {
            if let Ok(db) = node.db() {
                let _ = db.delete_setting(CHECK_MAILED);
            }
            format!("replication check: {}", c.summary())
        }
        Ok(c) => {
            let mut line = format!("replication check: {}", c.summary());
            match mail(node, &c) {
                Ok(true) => line += "; a notification mail is queued",
                Ok(false) => {}
                Err(e) => line += &format!("; no notification mail: {e}"),
            }
            line
        }
        Err(e) => {
            crate::text::one_line(&format!("replication check: not compared: {e}")).into_owned()
        }
    })
}

/// Queue a notification for a difference not mailed yet (when SMTP is set up).
fn mail(node: &mut Node, c: &Comparison) -> OpResult<bool> {
    let what = c.different().join(",");
    if node.db()?.setting(CHECK_MAILED)?.as_deref() == Some(what.as_str()) {
        return Ok(false);
    }
    let rows: Vec<Vec<String>> = c
        .kinds
        .iter()
        .filter(|k| !k.equal)
        .map(|k| {
            vec![
                k.kind.clone(),
                k.publisher_items.to_string(),
                k.subscriber_items.to_string(),
                describe(k, SHOWN),
            ]
        })
        .collect();
    let queued = super::notify::notify(
        node,
        "Replication check",
        "DIFFERENT",
        &["KIND", "PUBLISHER", "SUBSCRIBER", "WHAT DIFFERS"],
        &rows,
    )?;
    if queued {
        node.db()?.set_setting(CHECK_MAILED, &what)?;
    }
    Ok(queued)
}

/// What differs in one kind, in words, each list capped at `shown` names (escaped).
pub fn describe(k: &KindComparison, shown: usize) -> String {
    let list = |names: &[String]| {
        let mut s = names
            .iter()
            .take(shown)
            .map(|n| crate::text::one_line(n).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > shown {
            s += &format!(" and {} more", names.len() - shown);
        }
        s
    };
    let mut parts = Vec::new();
    if !k.only_publisher.is_empty() {
        parts.push(format!(
            "only on the publisher: {}",
            list(&k.only_publisher)
        ));
    }
    if !k.only_subscriber.is_empty() {
        parts.push(format!(
            "only on the subscriber: {}",
            list(&k.only_subscriber)
        ));
    }
    if !k.different.is_empty() {
        parts.push(format!("differ: {}", list(&k.different)));
    }
    if parts.is_empty() && !k.equal {
        parts.push("the kind's digests differ".to_owned());
    }
    parts.join("; ")
}

/// `ccadmin serve`'s check: every `interval` until `cancel` fires, [`check_and_notify`] on a
/// node from `node`, each result given to `log`.
pub fn periodic(
    node: impl Fn() -> Node,
    interval: Duration,
    cancel: &crate::cancel::Cancel,
    log: impl Fn(&str),
) {
    while !cancel.wait(interval) {
        if let Some(line) = check_and_notify(&mut node()) {
            log(&line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digests(role: Role, items: &[(&str, &[(&str, &str)])]) -> Digests {
        let d = Digester { key: b"k" };
        Digests {
            node: format!("{role}.example"),
            role,
            change: 3,
            kinds: items
                .iter()
                .map(|(k, it)| {
                    d.kind(
                        k,
                        it.iter()
                            .map(|(n, v)| (n.to_string(), d.digest(&[v.as_bytes()])))
                            .collect(),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn equal_state_compares_equal_and_a_difference_is_named() {
        let p = digests(
            Role::Publisher,
            &[
                ("application-users", &[("alice", "1"), ("bob", "2")]),
                ("signers", &[("acme", "key")]),
            ],
        );
        let same = digests(
            Role::Subscriber,
            &[
                ("application-users", &[("alice", "1"), ("bob", "2")]),
                ("signers", &[("acme", "key")]),
            ],
        );
        assert!(compare(&p, &same).iter().all(|k| k.equal));
        let s = digests(
            Role::Subscriber,
            &[
                ("application-users", &[("alice", "1"), ("carol", "3")]),
                ("signers", &[("acme", "other key")]),
            ],
        );
        let c = compare(&p, &s);
        let users = c.iter().find(|k| k.kind == "application-users").unwrap();
        assert!(!users.equal);
        assert_eq!(users.only_publisher, ["bob"]);
        assert_eq!(users.only_subscriber, ["carol"]);
        let signers = c.iter().find(|k| k.kind == "signers").unwrap();
        assert_eq!(signers.different, ["acme"]);
        assert!(c.iter().find(|k| k.kind == "trust").unwrap().equal);
    }

    #[test]
    fn digests_are_keyed_and_parts_cannot_shift() {
        let a = Digester { key: b"secret-one" };
        let b = Digester { key: b"secret-two" };
        assert_ne!(a.digest(&[b"x"]), b.digest(&[b"x"]));
        assert_ne!(a.digest(&[b"ab", b"c"]), a.digest(&[b"a", b"bc"]));
        assert_eq!(a.digest(&[b"x"]).len(), DIGEST_HEX);
    }

    #[test]
    fn a_hostile_answer_is_refused_or_escaped() {
        let mut d = digests(Role::Subscriber, &[("application-users", &[("a", "1")])]);
        assert!(d.check().is_ok());
        // Too many items.
        let mut huge = d.clone();
        huge.kinds[0].items = (0..=MAX_ITEMS)
            .map(|i| (i.to_string(), "00".to_owned()))
            .collect();
        assert!(huge.check().unwrap_err().contains("more than"));
        // A name too long, a digest that is not one, an unknown or repeated kind.
        let mut long = d.clone();
        long.kinds[0]
            .items
            .insert("x".repeat(MAX_NAME + 1), "00".into());
        assert!(long.check().is_err());
        let mut bad = d.clone();
        bad.kinds[0].items.insert("b".into(), "\u{1b}[2J".into());
        assert!(bad.check().is_err());
        let mut unknown = d.clone();
        unknown.kinds[0].kind = "users\u{1b}[31m".into();
        let why = unknown.check().unwrap_err();
        assert!(!why.contains('\u{1b}'), "{why}");
        let mut twice = d.clone();
        twice.kinds.push(twice.kinds[0].clone());
        assert!(twice.check().is_err());
        let mut node = d.clone();
        node.node = "evil\nadmin:".into();
        assert!(node.check().is_err());
        // A name with control characters is compared as sent and shown escaped.
        d.kinds[0]
            .items
            .insert("eve\u{1b}]0;owned\u{7}\nadmin:".into(), "00".into());
        assert!(d.check().is_ok());
        let p = digests(Role::Publisher, &[("application-users", &[("a", "1")])]);
        let c = compare(&p, &d);
        let users = &c[0];
        let text = describe(users, SHOWN);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\n') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(text.contains("only on the subscriber: eve"), "{text}");
    }

    #[test]
    fn long_lists_are_capped() {
        let k = KindComparison {
            kind: "application-users".into(),
            equal: false,
            publisher_items: 25,
            subscriber_items: 0,
            only_publisher: (0..25).map(|i| format!("u{i}")).collect(),
            only_subscriber: vec![],
            different: vec![],
        };
        let text = describe(&k, SHOWN);
        assert!(text.ends_with("and 15 more"), "{text}");
        assert!(text.contains("u9") && !text.contains("u10"), "{text}");
    }
}
