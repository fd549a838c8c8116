//! The Cloud Connect cluster (SPEC 7): a subscriber joins its publisher with the shared cluster
//! secret, and settings that replicate (the image repository) go from the publisher to the
//! subscriber. Node-to-node calls are HTTPS to the other node's service, trusted through
//! `trust/`, authenticated with the cluster secret; a setting waits in an outbox until it lands.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Kind, Node, OpError, OpResult};
use crate::clients::cloud_connect::{CloudConnect, Credential};
use crate::domain::{AuthType, Software};
use crate::secrets::{Secret, StoreKind};
use crate::state::db::ImageRepository;

/// Name of the cluster secret in the secret store.
pub const SECRET_NAME: &str = "cluster-secret";
/// Outbox entry of the image-repository setting (and the path it is sent to).
pub const IMAGE_REPOSITORY: &str = "image-repository";
/// Outbox entry of the application users (hashes only).
pub const APPLICATION_USERS: &str = "application-users";
/// Outbox entry of the deployment inventory: the current version and the onboarded hosts.
pub const INVENTORY: &str = "inventory";

/// The inventory on the wire: its current version as the publisher stored it, and the
/// onboarded VOS hosts (with the application user that registered each).
#[derive(Serialize, Deserialize)]
pub struct ReplicatedInventory {
    pub inventory: crate::inventory::Inventory,
    pub actor: String,
    pub source: String,
    pub onboarded: Vec<ReplicatedHost>,
}

#[derive(Serialize, Deserialize)]
pub struct ReplicatedHost {
    #[serde(flatten)]
    pub host: crate::state::db::OnboardedHost,
    pub owner: Option<String>,
}

fn push_inventory(node: &mut Node, to: &CloudConnect, subscriber: &str) -> OpResult {
    let db = node.db()?;
    let history = db.inventory_history()?;
    let (actor, source) = history
        .first()
        .map(|v| (v.actor.clone(), v.source.clone()))
        .unwrap_or_default();
    let body = ReplicatedInventory {
        inventory: db.inventory()?,
        actor,
        source,
        onboarded: db
            .onboarded_hosts_with_owners()?
            .into_iter()
            .map(|(host, owner)| ReplicatedHost { host, owner })
            .collect(),
    };
    Ok(to.replicate(subscriber, INVENTORY, &body)?)
}

/// Make this subscriber's inventory and onboarded hosts the publisher's. Every onboarded host
/// is checked as a registration is (names, host key); nothing changes on a bad one. The
/// inventory is stored as a new version only when it differs, so the same change applied
/// twice changes nothing.
pub fn receive_inventory(node: &mut Node, body: ReplicatedInventory) -> OpResult {
    for h in &body.onboarded {
        let r = &h.host;
        crate::names::validate_host(&r.host)
            .and_then(|_| crate::names::validate_user(&r.user))
            .and_then(|_| crate::names::validate_cluster(&r.cluster))
            .map_err(|w| {
                OpError::new(
                    Kind::Invalid,
                    format!("onboarded host {}: {w}", r.host.escape_debug()),
                )
            })?;
        crate::sshkeys::SshPublicKey::parse(&r.host_key).map_err(|w| {
            OpError::new(
                Kind::Invalid,
                format!("onboarded host {}: host_key: {w}", r.host),
            )
        })?;
    }
    let db = node.db()?;
    let hosts: Vec<_> = body
        .onboarded
        .into_iter()
        .map(|h| (h.host, h.owner))
        .collect();
    db.replace_onboarded_hosts(&hosts)?;
    if db.inventory()? != body.inventory {
        db.save_inventory(&body.inventory, &body.actor, &body.source)?;
    }
    stamp(node, "received", INVENTORY)
}

/// The application users on the wire: the publisher's whole list, hashes only.
#[derive(Serialize, Deserialize)]
pub struct ReplicatedUsers {
    pub users: Vec<ReplicatedUser>,
}

#[derive(Serialize, Deserialize)]
pub struct ReplicatedUser {
    pub pkid: String,
    pub name: String,
    /// The argon2 PHC string; never a password.
    pub hash: String,
}

fn push_application_users(node: &mut Node, to: &CloudConnect, subscriber: &str) -> OpResult {
    let users = node
        .db()?
        .app_user_hashes()?
        .into_iter()
        .map(|(pkid, name, hash)| ReplicatedUser { pkid, name, hash })
        .collect();
    Ok(to.replicate(subscriber, APPLICATION_USERS, &ReplicatedUsers { users })?)
}

/// Make this subscriber's application users the publisher's (the same list again changes
/// nothing). Every name and hash is checked first; a bad list changes nothing.
pub fn receive_application_users(node: &mut Node, body: ReplicatedUsers) -> OpResult {
    for u in &body.users {
        crate::names::validate_user(&u.name).map_err(|w| {
            OpError::new(
                Kind::Invalid,
                format!("user {}: {w}", u.name.escape_debug()),
            )
        })?;
        if !u.hash.starts_with("$argon2") || u.hash.len() > 512 || u.pkid.len() > 64 {
            return Err(OpError::new(
                Kind::Invalid,
                format!("user {}: not an argon2 hash", u.name),
            ));
        }
    }
    let users: Vec<(String, String, String)> = body
        .users
        .into_iter()
        .map(|u| (u.pkid, u.name, u.hash))
        .collect();
    node.db()?.replace_app_users(&users)?;
    stamp(node, "received", APPLICATION_USERS)
}
/// How long a call to the other node may take.
const TIMEOUT: Duration = Duration::from_secs(10);

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

fn peer(node: &mut Node) -> OpResult<CloudConnect> {
    let secret = secret(node)?.ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "no cluster secret is set")
            .hint("utils node cluster-secret")
    })?;
    CloudConnect::from_trust(node.root(), Credential::ClusterSecret(secret), TIMEOUT)
        .map_err(|e| {
            OpError::new(
                e.kind(),
                "this node trusts no certificate of the other node yet",
            )
            .hint("utils cert import FILE, from `show cert own` there")
        })
        .map(|c| c.with_cancel(node.cancel.clone()))
}

/// The subscriber announces itself to its publisher.
pub fn join(node: &mut Node) -> OpResult<String> {
    let me = node.identity()?;
    let publisher = me.publisher.clone().ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "this subscriber names no publisher")
            .hint("utils node set --publisher FQDN")
    })?;
    peer(node)?.join(&publisher, &me.hostname)?;
    Ok(publisher)
}

/// The publisher records a subscriber that joined, and queues what it must receive.
pub fn accept_subscriber(node: &mut Node, host: &str) -> OpResult {
    crate::names::validate_host(host)
        .map_err(|w| OpError::new(Kind::Invalid, format!("hostName is not a host name: {w}")))?;
    let db = node.db()?;
    db.set_cc_subscriber(host)?;
    db.queue_replication(IMAGE_REPOSITORY)?;
    db.queue_replication(APPLICATION_USERS)?;
    db.queue_replication(INVENTORY)?;
    Ok(())
}

/// The image-repository setting on the wire, with its credential.
#[derive(Serialize, Deserialize)]
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
    /// The CA certificates of the setting's `--ca-file` (PEM): a path on the publisher means
    /// nothing on the subscriber, the certificates do.
    #[serde(default)]
    pub ca_pem: Option<String>,
}

/// The largest CA file sent with the setting.
const MAX_CA_PEM: u64 = 1 << 20;

/// Send the image-repository setting and its credential to the subscriber.
fn push_image_repository(node: &mut Node, to: &CloudConnect, subscriber: &str) -> OpResult {
    let Some(_) = node.db()?.image_repository()? else {
        return Ok(());
    };
    let (s, credential) = super::image_repository::load(node)?;
    let ca_pem = match &s.ca_file {
        Some(f) => {
            use std::io::Read;
            let mut text = String::new();
            std::fs::File::open(f)
                .and_then(|file| file.take(MAX_CA_PEM).read_to_string(&mut text))
                .map_err(|e| {
                    OpError::new(Kind::Storage, format!("cannot read the CA file {f}: {e}"))
                })?;
            Some(text)
        }
        None => None,
    };
    let body = ReplicatedImageRepository {
        ca_pem,
        url: s.url,
        repository: s.repository,
        auth_type: s.auth_type,
        software: s.software,
        proxy: s.proxy,
        last_validated: s.last_validated,
        credential: credential.expose().to_owned(),
        allow_http: s.allow_http,
    };
    Ok(to.replicate(subscriber, IMAGE_REPOSITORY, &body)?)
}

/// Store a setting replicated from the publisher (on the subscriber).
pub fn receive_image_repository(node: &mut Node, body: ReplicatedImageRepository) -> OpResult {
    let credential = Secret::new(body.credential);
    // The publisher's CA file, as a file of this node's own.
    let ca_file = match &body.ca_pem {
        Some(pem) => {
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).unwrap_or_default();
            if certs.is_empty() || pem.len() as u64 > MAX_CA_PEM {
                return Err(OpError::new(
                    Kind::Invalid,
                    "the replicated CA file holds no PEM certificate",
                ));
            }
            let dir = node.root().join("replicated");
            crate::state::ensure_private_dir(&dir)?;
            let path = dir.join("artifactory-ca.pem");
            crate::state::write_private_file(&path, pem.as_bytes()).map_err(|e| {
                OpError::new(
                    Kind::Storage,
                    format!("cannot write {}: {e}", path.display()),
                )
            })?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let reference = format!(
        "artifactory-replicated-{}",
        body.last_validated.replace([' ', ':'], "-")
    );
    let setting = ImageRepository {
        url: body.url,
        repository: body.repository,
        auth_type: body.auth_type,
        software: body.software,
        ca_file,
        proxy: body.proxy,
        credential_store: StoreKind::File,
        credential_ref: String::new(),
        last_validated: body.last_validated,
        allow_http: body.allow_http,
    };
    let (db, secrets) = node.db_and_secrets()?;
    super::image_repository::replace(db, &secrets, setting, &credential, reference)?;
    stamp(node, "received", IMAGE_REPOSITORY)
}

/// What one outbox entry did.
pub enum Flushed {
    Replicated {
        what: String,
        to: String,
    },
    Failed {
        what: String,
        to: String,
        error: OpError,
    },
    /// Nothing can be sent before the cluster secret is set.
    NoSecret,
}

impl std::fmt::Display for Flushed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flushed::Replicated { what, to } => write!(f, "replicated {what} to {to}"),
            Flushed::Failed { what, to, error } => {
                write!(
                    f,
                    "replication of {what} to {to} failed, will retry: {error}"
                )
            }
            Flushed::NoSecret => f.write_str(
                "replication waits: no cluster secret is set (utils node cluster-secret)",
            ),
        }
    }
}

/// When each kind last went out (publisher) or came in (subscriber), for the status.
fn stamp(node: &mut Node, direction: &str, what: &str) -> OpResult {
    let db = node.db()?;
    let now = db.now()?;
    Ok(db.set_setting(&format!("replication.{direction}.{what}"), &now)?)
}

pub const KINDS: &[&str] = &[APPLICATION_USERS, INVENTORY, IMAGE_REPOSITORY];

/// One kind of replicated state, as this node sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KindState {
    pub kind: &'static str,
    /// Last sent (publisher) or applied (subscriber), UTC.
    pub last: Option<String>,
    /// Waiting to be sent (publisher only), with the failed attempts and the last error.
    pub pending: bool,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The replication as this node sees it: its role, the other node, whether that one's
/// service answers now, and each kind's state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub role: crate::domain::Role,
    pub other_node: Option<String>,
    pub reachable: Option<bool>,
    pub reason: Option<String>,
    pub kinds: Vec<KindState>,
}

/// `utils dbreplication runtimestate`.
pub fn status(node: &mut Node) -> OpResult<Status> {
    use crate::domain::Role;
    let me = node.identity()?;
    let other = match me.role {
        Role::Publisher => node.db()?.cc_subscriber()?,
        Role::Subscriber => me.publisher.clone(),
        Role::Vos => None,
    };
    let (reachable, reason) = match &other {
        Some(host) => match peer(node).and_then(|c| Ok(c.health(host)?)) {
            Ok(()) => (Some(true), None),
            Err(e) => (Some(false), Some(e.message)),
        },
        None => (None, None),
    };
    let pending = node.db()?.pending_replication()?;
    let direction = if me.role == Role::Subscriber {
        "received"
    } else {
        "sent"
    };
    let mut kinds = Vec::new();
    for kind in KINDS {
        let p = pending.iter().find(|(k, _, _)| k == kind);
        kinds.push(KindState {
            kind,
            last: node
                .db()?
                .setting(&format!("replication.{direction}.{kind}"))?,
            pending: p.is_some() && me.role == Role::Publisher,
            attempts: p.map_or(0, |(_, a, _)| *a),
            last_error: p.and_then(|(_, _, e)| e.clone()),
        });
    }
    Ok(Status {
        role: me.role,
        other_node: other,
        reachable,
        reason,
        kinds,
    })
}

/// Send what waits in the outbox to the subscriber, if there is one.
pub fn flush_outbox(node: &mut Node) -> OpResult<Vec<Flushed>> {
    let db = node.db()?;
    let (Some(sub), pending) = (db.cc_subscriber()?, db.pending_replication()?) else {
        return Ok(Vec::new());
    };
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    if secret(node)?.is_none() {
        return Ok(vec![Flushed::NoSecret]);
    }
    let to = peer(node)?;
    let mut out = Vec::new();
    for (what, _, _) in pending {
        let result = match what.as_str() {
            IMAGE_REPOSITORY => push_image_repository(node, &to, &sub),
            APPLICATION_USERS => push_application_users(node, &to, &sub),
            INVENTORY => push_inventory(node, &to, &sub),
            other => Err(OpError::new(
                Kind::Invalid,
                format!("unknown setting {other}"),
            )),
        };
        match result {
            Ok(()) => {
                node.db()?.replication_done(&what)?;
                stamp(node, "sent", &what)?;
                out.push(Flushed::Replicated {
                    what,
                    to: sub.clone(),
                });
            }
            Err(error) => {
                node.db()?.replication_failed(&what, &error.to_string())?;
                out.push(Flushed::Failed {
                    what,
                    to: sub.clone(),
                    error,
                });
            }
        }
    }
    Ok(out)
}
