//! The hub's HTTPS service as its three faces share it: the node API (`server.rs`, which also
//! routes every request), the pages and the JSON API for people (`web.rs`) and `GET /metrics`
//! (`metrics.rs`) each add their methods to [`HubService`]. The state they share is declared
//! here, below all three, so that none of them imports another's to reach it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::{Clock, Hub, Offer};
use crate::serve::https::Reply;

pub(super) struct HubService {
    pub(super) hub: Mutex<Hub>,
    pub(super) clock: Clock,
    pub(super) cert_sha256: String,
    pub(super) log: Mutex<crate::ops::logs::LogFile>,
    pub(super) pages: crate::serve::pages::Pages,
    /// Password checks, limited per address and account and bounded as the node service's
    /// (only `verify_password` is used: the accounts are the hub's).
    pub(super) auth: crate::serve::auth::Authenticator,
    /// Polls since the service started, for `GET /metrics`.
    pub(super) polls: Polls,
}

/// Polls since the hub's service started, by result.
#[derive(Default)]
pub(super) struct Polls(pub(super) [AtomicU64; 4]);

impl Polls {
    /// Count a poll by its offer (`None`: refused — unknown token, a third node, bad JSON).
    pub(super) fn count(&self, offer: Option<&Offer>) {
        let slot = match offer {
            Some(Offer::UpToDate) => 0,
            Some(Offer::Wait { .. }) => 1,
            Some(Offer::Install { .. }) => 2,
            None => 3,
        };
        self.0[slot].fetch_add(1, Ordering::Relaxed);
    }
}

/// A checked name and password: the account, or the answer to give.
pub(super) type SignedIn = Result<String, Box<Reply>>;
