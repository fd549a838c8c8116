//! Cisco's `utils dbreplication status` and `repair` for the Cloud Connect pair: proof that the
//! subscriber holds what the publisher holds, and the way back when it does not.
//!
//! Each node computes a digest of every replicated kind (the kinds of [`ReplKind`]) and
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
//! `--replication-check-interval` on the publisher (`periodic`).
//!
//! This module checks the other node's answer; its children do one job each: the digests
//! (`digests`), comparing them (`compare`), the repair (`repair`) and the service's periodic
//! check and its mail (`periodic`).

use std::time::Duration;

use super::cluster::{self, ReplKind};

mod compare;
mod digests;
mod periodic;
mod repair;

pub use compare::{compare, last_check, status, Comparison, KindComparison, LastCheck};
pub use digests::digests;
pub use periodic::{check_and_notify, describe, periodic};
pub use repair::{repair, repair_here};

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

/// Why a peer's digests are not usable (the text follows "answered digests that are not
/// usable: ").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    #[error("the node name is too long or holds control characters")]
    NodeName,
    #[error("{0} kinds (at most {MAX_KINDS})")]
    TooManyKinds(usize),
    /// The kind as sent, on one line and shortened.
    #[error("an unknown kind {0}")]
    UnknownKind(String),
    #[error("the kind {0} twice")]
    Twice(ReplKind),
    #[error("more than {MAX_ITEMS} items")]
    TooManyItems,
    #[error("the digest of {0} is not hex")]
    KindDigest(ReplKind),
    #[error("a name of {0} is too long")]
    LongName(ReplKind),
    /// The item's name on one line, shortened.
    #[error("the digest of {0} {1} is not hex")]
    ItemDigest(ReplKind, String),
}

impl Digests {
    /// A peer's answer, checked: counts and lengths bounded, digests hex. Names are kept as
    /// sent (they are compared with ours) and escaped wherever they are shown.
    pub fn check(&self) -> Result<(), Unusable> {
        let short = |s: &str| s.len() <= MAX_NAME;
        let hex = |s: &str| s.len() <= 64 && s.chars().all(|c| c.is_ascii_hexdigit());
        if !short(&self.node) || self.node.chars().any(char::is_control) {
            return Err(Unusable::NodeName);
        }
        if self.kinds.len() > MAX_KINDS {
            return Err(Unusable::TooManyKinds(self.kinds.len()));
        }
        let mut total = 0usize;
        for k in &self.kinds {
            let Some(kind) = ReplKind::parse(&k.kind) else {
                return Err(Unusable::UnknownKind(
                    crate::text::one_line(&truncate(&k.kind, 64)).into_owned(),
                ));
            };
            if self.kinds.iter().filter(|o| o.kind == k.kind).count() > 1 {
                return Err(Unusable::Twice(kind));
            }
            total += k.items.len();
            if total > MAX_ITEMS {
                return Err(Unusable::TooManyItems);
            }
            if !hex(&k.digest) {
                return Err(Unusable::KindDigest(kind));
            }
            for (name, d) in &k.items {
                if !short(name) {
                    return Err(Unusable::LongName(kind));
                }
                if !hex(d) {
                    return Err(Unusable::ItemDigest(
                        kind,
                        crate::text::one_line(&truncate(name, 64)).into_owned(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn kind(&self, kind: ReplKind) -> Option<&KindDigest> {
        self.kinds.iter().find(|k| k.kind == kind.as_str())
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests;
