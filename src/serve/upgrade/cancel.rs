//! The service's side of `utils system upgrade cancel` (the decisions are in
//! `ops::upgrade_status::cancel`): the download and verification run on a thread of their
//! own, so that a cancellation is taken up within a fraction of a second even while a read
//! from the hub is held (the thread is given up; when its download ends it removes what it
//! left, and no new attempt begins before); a cancelled attempt has its trial stopped, its
//! release removed and its failure reported to the hub — as a failed health check is — so the
//! hub stops the cluster's rollout, and the node waits for the next offer. A hub that cannot
//! be told is told at the next poll, and the release is not installed meanwhile.
//!
//! For fault tests and labs, [`HOLD`] names a directory where the upgrade stops at two points
//! — `before-switch` (healthy, before the commit) and `switching` (committed, before the
//! switch) — writing `POINT.reached` and waiting until `POINT.go` exists.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{recorder, report, Service};
use crate::clients::hub::{HubClient, Offer};
use crate::ops::release::{self, Staged};
use crate::ops::upgrade_status::cancel::{self as decide, Attempt, Stop};
use crate::ops::upgrade_status::{read_record, Event, Step};
use crate::ops::{Node, OpError};

/// The variable naming the directory of the upgrade's hold points (fault tests and labs).
pub const HOLD: &str = "CCADMIN_UPGRADE_HOLD";
/// How often a wait looks for a cancellation.
const LOOK: Duration = Duration::from_millis(200);
/// The longest a hold point holds.
const MAX_HOLD: Duration = Duration::from_secs(600);

/// How preparing a release ended.
pub(super) enum Prepared {
    Staged(Staged),
    /// A cancellation was requested: the preparation was given up.
    Cancelled,
    /// The service is stopping: given up, its files left as a kill leaves them (resumed).
    Stopping,
    Failed(OpError),
}

/// Why a running preparation was given up.
#[derive(Clone, Copy)]
enum GivenUp {
    Cancelled,
    Stopping,
}

/// What the preparation's thread hands over, or is told.
#[derive(Default)]
struct Slot {
    result: Option<Result<Staged, OpError>>,
    given_up: Option<GivenUp>,
}

/// The hub poll's upgrade state across polls: the hold directory, and a cancelled
/// preparation whose thread still runs (its version).
pub(super) struct Upgrader {
    hold: Option<PathBuf>,
    leftover: Option<(String, JoinHandle<()>)>,
}

impl Upgrader {
    pub(super) fn new() -> Upgrader {
        // Read when the poll starts (the service carries no environment; this is the reader
        // `main` uses too).
        let hold = crate::env::Env::from_process().get(HOLD).map(PathBuf::from);
        Upgrader {
            hold,
            leftover: None,
        }
    }

    /// A cancelled preparation whose thread ended: said (it removed what it left).
    pub(super) fn sweep(&mut self, svc: &Service) {
        if self.leftover.as_ref().is_some_and(|(_, h)| h.is_finished()) {
            if let Some((version, h)) = self.leftover.take() {
                let _ = h.join();
                svc.log(&format!(
                    "the cancelled download of {version} ended; what it left was removed"
                ));
            }
        }
    }

    /// The version of a cancelled preparation that still runs (no attempt begins before it
    /// ended: it would write the same files).
    pub(super) fn busy(&mut self, svc: &Service) -> Option<String> {
        self.sweep(svc);
        self.leftover.as_ref().map(|(v, _)| v.clone())
    }

    /// Download, verify and unpack `offer` on a thread of its own, looking for a cancellation
    /// of `attempt` meanwhile.
    pub(super) fn prepare(
        &mut self,
        svc: &Service,
        node: Node,
        client: HubClient,
        root: &Path,
        offer: &Offer,
        attempt: &Attempt,
    ) -> Prepared {
        let slot = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        let handle = {
            let (slot, attempt) = (Arc::clone(&slot), attempt.clone());
            let (root, offer) = (root.to_path_buf(), offer.clone());
            std::thread::spawn(move || {
                let mut node = node;
                // Late records of a given-up attempt are dropped by the attempt itself.
                let on = |e: Event| {
                    let _ = match e {
                        Event::Downloading(p) => attempt.progress(p),
                        Event::Verifying => attempt.step(Step::Verifying, None),
                    };
                };
                let r = release::prepare(&mut node, &client, &root, &offer, &on);
                let (lock, done) = &*slot;
                let mut s = lock.lock().unwrap_or_else(|p| p.into_inner());
                match s.given_up {
                    None => {
                        s.result = Some(r);
                        done.notify_all();
                    }
                    Some(GivenUp::Stopping) => {}
                    Some(GivenUp::Cancelled) => {
                        drop(s);
                        discard(&root, &attempt.version, r.ok());
                    }
                }
            })
        };
        let (lock, done) = &*slot;
        let mut s = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(r) = s.result.take() {
                return match r {
                    Ok(staged) => Prepared::Staged(staged),
                    Err(e) => Prepared::Failed(e),
                };
            }
            if svc.cancel.is_cancelled() {
                s.given_up = Some(GivenUp::Stopping);
                return Prepared::Stopping;
            }
            if attempt.requested() {
                s.given_up = Some(GivenUp::Cancelled);
                self.leftover = Some((attempt.version.clone(), handle));
                return Prepared::Cancelled;
            }
            s = done
                .wait_timeout(s, LOOK)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Wait `d` between polls (`true`: the service is stopping); an interrupted download's
    /// attempt (`open`) is cancelled meanwhile if that is asked.
    pub(super) fn wait(&self, svc: &Service, d: Duration, open: Option<&Attempt>) -> bool {
        let Some(attempt) = open else {
            return svc.cancel.wait(d);
        };
        let until = Instant::now() + d;
        loop {
            if attempt.requested() {
                cancelled(svc, attempt, "waiting to resume its download", None);
                return svc
                    .cancel
                    .wait(until.saturating_duration_since(Instant::now()));
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            if svc.cancel.wait(left.min(LOOK)) {
                return true;
            }
        }
    }

    /// Stop at hold point `point` until it is let go (only with [`HOLD`] set).
    pub(super) fn hold(&self, svc: &Service, point: &str) {
        let Some(dir) = &self.hold else {
            return;
        };
        let _ = std::fs::write(dir.join(format!("{point}.reached")), b"");
        svc.log(&format!("the upgrade is held at {point} ({HOLD})"));
        let until = Instant::now() + MAX_HOLD;
        while !dir.join(format!("{point}.go")).exists() && Instant::now() < until {
            if svc.cancel.wait(Duration::from_millis(20)) {
                return;
            }
        }
    }
}

/// Remove what a given-up preparation of `version` left under `root`: the archive, the
/// unpacking directory and the staged release.
fn discard(root: &Path, version: &str, staged: Option<Staged>) {
    if !release::is_version(version) {
        return;
    }
    let releases = root.join("releases");
    let _ = std::fs::remove_file(
        releases
            .join(".incoming")
            .join(format!("ccadmin-{version}.tar.gz")),
    );
    let _ = std::fs::remove_dir_all(releases.join(format!(".staging-{version}")));
    if let Some(s) = staged {
        let _ = std::fs::remove_dir_all(&s.dir);
    }
}

/// The words of a cancellation made `at` a step, as the hub is told them.
fn cancelled_words(svc: &Service, at: &str) -> String {
    format!(
        "cancelled by the administrator (utils system upgrade cancel) while {at}; kept {}",
        svc.version
    )
}

fn told_words(base: &str, version: &str) -> String {
    format!(
        "{base}; the hub was told (its rollout of {version} stops until the cluster's next window)"
    )
}

/// A cancelled attempt: its release removed (`staged`; its trial was stopped already), the
/// failure reported to the hub, then the cancellation recorded (what the command waits for).
pub(super) fn cancelled(svc: &Service, attempt: &Attempt, at: &str, staged: Option<&Path>) {
    let version = &attempt.version;
    svc.log(&format!(
        "the upgrade to {version} was cancelled by the administrator while {at}; kept {}",
        svc.version
    ));
    if let Some(dir) = staged {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            svc.log(&format!(
                "cannot remove {}: {e}",
                crate::text::terminal_safe(&dir.display().to_string())
            ));
        }
    }
    let base = cancelled_words(svc, at);
    let told = report(svc, version, false, &base);
    let detail = if told {
        told_words(&base, version)
    } else {
        format!("{base}; the hub could not be told yet: it is told at the next poll, and {version} is not installed meanwhile")
    };
    if let Err(e) = attempt.finish(Step::Cancelled, Some(&detail), Some(told)) {
        svc.log(&format!(
            "cannot record the upgrade's step (cancelled): {e}"
        ));
    }
}

/// The step `attempt` was last recorded at (what a cancellation interrupted), in words.
pub(super) fn step_now(svc: &Service, attempt: &Attempt) -> &'static str {
    read_record(&svc.root)
        .ok()
        .flatten()
        .filter(|r| r.attempt.as_deref() == Some(attempt.id.as_str()))
        .map_or("downloading", |r| r.step.name())
}

/// A step that could not be recorded (logged; the upgrade goes on).
pub(super) fn unrecorded(svc: &Service, e: Stop) {
    if let Stop::Io(e) = e {
        svc.log(&format!("cannot record the upgrade's step: {e}"));
    }
}

/// Whether `version` was cancelled on this node and the hub not told yet.
pub(super) fn untold(svc: &Service, version: &str) -> bool {
    read_record(&svc.root).ok().flatten().is_some_and(|r| {
        r.step == Step::Cancelled
            && r.version == version
            && r.from == svc.version
            && r.hub_told == Some(false)
    })
}

/// Tell the hub again that `version` was cancelled here; recorded once it is told.
pub(super) fn tell_again(svc: &Service, version: &str) {
    let Some(r) = read_record(&svc.root).ok().flatten() else {
        return;
    };
    let base = r
        .detail
        .as_deref()
        .and_then(|d| d.split("; the hub").next())
        .unwrap_or("cancelled by the administrator")
        .to_owned();
    if report(svc, version, false, &base) {
        if let Some(attempt) = &r.attempt {
            if let Err(e) = decide::hub_told(&recorder(svc), attempt, &told_words(&base, version)) {
                svc.log(&format!(
                    "cannot record the upgrade's step (cancelled): {e}"
                ));
            }
        }
    }
}
