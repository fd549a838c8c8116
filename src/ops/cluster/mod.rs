//! The Cloud Connect cluster: a subscriber joins its publisher with the shared cluster secret,
//! and the cluster-wide state replicates from the publisher, the only writer, to the
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
//!
//! This module is the channel between the two nodes (the secret, the client); its children do
//! one job each: waking the service (`wake`), joining (`membership`), building and sending a
//! batch (`publish`), checking one (`validate`), deciding and applying one (`apply`), and the
//! pair's status (`status`).

use std::time::Duration;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::cloud_connect::{CloudConnect, Credential};
use crate::domain::Role;
use crate::secrets::{Secret, StoreKind};

mod apply;
mod membership;
mod publish;
mod status;
mod validate;
mod wake;

pub use apply::{apply, decide, Decision, Outcome, Place};
pub use membership::{accept_subscriber, join};
pub use publish::{build, flush, publisher_view, Flushed, MAX_BACKOFF};
pub use status::{status, NodeState, Status};
pub use wake::{changed, nudge, Wakeup};

/// Name of the cluster secret in the secret store.
pub const SECRET_NAME: &str = "cluster-secret";

/// The kinds of replicated state: one enum, one text form each (declared in `state`, whose
/// triggers log them).
pub use crate::state::replication::ReplKind;
/// The kinds by their short names.
pub const APPLICATION_USERS: ReplKind = ReplKind::ApplicationUsers;
pub const INVENTORY: ReplKind = ReplKind::Inventory;
pub const ONBOARDED: ReplKind = ReplKind::Onboarded;
pub const IMAGE_REPOSITORY: ReplKind = ReplKind::ImageRepository;
pub const TRUST: ReplKind = ReplKind::Trust;
pub const SMTP: ReplKind = ReplKind::Smtp;
pub const SIGNERS: ReplKind = ReplKind::Signers;
pub const SETTINGS: ReplKind = ReplKind::Settings;
/// Every kind's text form, in [`ReplKind::ALL`]'s order (as metrics label them).
pub const KINDS: &[&str] = &[
    APPLICATION_USERS.as_str(),
    INVENTORY.as_str(),
    ONBOARDED.as_str(),
    IMAGE_REPOSITORY.as_str(),
    TRUST.as_str(),
    SMTP.as_str(),
    SIGNERS.as_str(),
    SETTINGS.as_str(),
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

/// Where this node keeps what it received (in `state`, which the clients read too).
pub use crate::state::replicated_dir;

/// Kinds a batch carries, for logs and the subscriber's record.
fn kinds_of(c: &Changes) -> Vec<ReplKind> {
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

/// The kinds' text forms, joined by `sep`.
fn kind_list(kinds: &[ReplKind], sep: &str) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

// ---- the channel ----

/// The cluster secret, from wherever this node keeps it.
pub fn secret(node: &mut Node) -> OpResult<Option<Secret>> {
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.get(db, SECRET_NAME)?)
}

/// The fewest characters a cluster secret may have.
pub const MIN_SECRET_CHARS: usize = 16;

/// Save the cluster secret (the same one is set on both nodes); returns the store it went to.
pub fn set_secret(node: &mut Node, secret: &Secret) -> OpResult<StoreKind> {
    if secret.expose().chars().count() < MIN_SECRET_CHARS {
        return Err(OpError::new(
            Kind::Invalid,
            format!("the cluster secret must have at least {MIN_SECRET_CHARS} characters"),
        ));
    }
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.put(db, SECRET_NAME, secret)?)
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

#[cfg(test)]
mod tests;
