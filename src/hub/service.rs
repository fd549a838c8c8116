//! The hub's HTTPS service as its three faces share it: the node API (`server.rs`, which also
//! routes every request), the pages and the JSON API for people (`web.rs`) and `GET /metrics`
//! (`metrics.rs`) each add their methods to [`HubService`]. The state they share is declared
//! here, below all three, so that none of them imports another's to reach it; so are the
//! hub's chores (the alerts' periodic work, `hub::alerts`), a thread beside the server.

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

/// How often the hub's chores run (offline nodes, the digest, the alerts' mail).
const CHORES_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// The hub's periodic work on a thread of its own, with its own connection to the hub's
/// database (so a slow SMTP server never holds the lock the requests take): the alerts'
/// chores at start and then every [`CHORES_EVERY`]. Dropped (the service stopped), it asks
/// the thread to stop — a delivery in flight ends first — and waits for it.
pub(super) struct Chores {
    stop: Option<std::sync::mpsc::Sender<()>>,
    cancel: crate::cancel::Cancel,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Chores {
    pub(super) fn start(svc: std::sync::Arc<HubService>, dir: std::path::PathBuf) -> Chores {
        let (stop, wake) = std::sync::mpsc::channel::<()>();
        let cancel = crate::cancel::Cancel::new();
        let token = cancel.clone();
        let thread = std::thread::spawn(move || {
            let log = |line: &str| crate::serve::https::write_log(&svc.log, line);
            let mut hub = match Hub::open(&dir) {
                Ok(h) => h,
                Err(e) => return log(&format!("alerts: the chores cannot start: {e}")),
            };
            let mut first = true;
            loop {
                match hub.alert_chores(svc.clock.now(), &token) {
                    Ok(r) => {
                        r.raised.iter().chain(&r.deliveries).for_each(|l| log(l));
                        if r.cleared > 0 {
                            log(&format!(
                                "alerts: {} offline node(s) polled again",
                                r.cleared
                            ));
                        }
                    }
                    Err(e) => log(&format!("alerts: {e}")),
                }
                if std::mem::take(&mut first) {
                    log(&format!(
                        "alerts: checked; again every {} s (offline after {} minutes, daily digest at {:02}:00 UTC)",
                        CHORES_EVERY.as_secs(),
                        hub.offline_after().unwrap_or_default(),
                        hub.digest_hour().unwrap_or_default()
                    ));
                }
                match wake.recv_timeout(CHORES_EVERY) {
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
            }
        });
        Chores {
            stop: Some(stop),
            cancel,
            thread: Some(thread),
        }
    }
}

impl Drop for Chores {
    fn drop(&mut self) {
        self.cancel.cancel();
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
