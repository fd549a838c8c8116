//! `utils system upgrade cancel`: cancel this node's self-upgrade before it switches, so that a
//! cancel either wins (the release is never pointed at by `current`, never exec'd) or loses
//! (the node already switched, or is switching, and the command says it is too late) — never
//! both, never neither.
//!
//! Two files of the state directory and one lock decide it:
//!
//! - the record ([`super::FILE`]) names the step and the attempt (a random id the service picks
//!   when an offer arrives); every write of it is made holding [`LOCK`] (`flock`);
//! - a cancellation request ([`REQUEST`]) names the attempt it cancels; the command writes it
//!   (atomically) holding the lock, and only while the record shows that attempt in flight
//!   short of `switching`;
//! - the service writes `switching` — its point of no return, before `current` moves — holding
//!   the lock, and only when no request names its attempt ([`Attempt::commit`]).
//!
//! Whichever takes the lock first decides: a request written first is found by the commit (the
//! service then stops the trial, removes the release and reports the failure to the hub); a
//! commit made first is found by the command (too late). The service looks for a request at
//! every step, each second of a download and each try of a health check, so a cancel is taken
//! up within seconds. A request names one attempt: an attempt the service begins later (a new
//! offer, a restarted service) removes a request it finds for another.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{read_record, Progress, Record, Recorder, Step};
use crate::ops::{Kind, Node, OpError, OpResult};

/// The upgrade's lock file in the state directory: held for each read-decide-write of the
/// record and the request, never across a download or a health check.
pub const LOCK: &str = "upgrade.lock";
/// The cancellation request in the state directory.
pub const REQUEST: &str = "upgrade-cancel.json";
/// The largest request read.
const MAX_REQUEST: u64 = 4096;
/// How long the command waits for the service to confirm a cancellation.
pub const WAIT: Duration = Duration::from_secs(120);

/// Take the upgrade's lock of state directory `dir` (blocks while another holds it: for the
/// moment of one small file write).
pub fn lock(dir: &Path) -> std::io::Result<crate::state::FileLock> {
    crate::state::FileLock::exclusive(&dir.join(LOCK))
}

/// The administrator's request to cancel one attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub attempt: String,
    pub version: String,
    pub requested_at: String,
    /// The command that asked.
    pub pid: u32,
}

/// The request in `dir`, if a readable one is there (bounded, typed).
fn read_request(dir: &Path) -> Option<Request> {
    let raw = crate::state::read_bounded(&dir.join(REQUEST), MAX_REQUEST).ok()?;
    serde_json::from_slice(&raw).ok()
}

fn new_attempt_id() -> String {
    let mut r = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut r);
    r.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why an attempt's write did not happen: the attempt must not go on (cancelled), it ended
/// already (a late write of an abandoned download), or the record could not be written.
#[derive(Debug)]
pub enum Stop {
    Cancelled,
    Ended,
    Io(std::io::Error),
}

/// The service's attempt at one offered release: every step it records is a checkpoint.
#[derive(Debug, Clone)]
pub struct Attempt {
    rec: Recorder,
    pub id: String,
    pub version: String,
    /// Set (under the lock) when its last record is written: later writes are dropped.
    ended: Arc<AtomicBool>,
}

impl Attempt {
    /// Begin an attempt at `version`, or go on with this process's unfinished one at it (a
    /// download that was interrupted resumes at the next poll: a request made meanwhile still
    /// counts). A request for any other attempt is stale and removed.
    pub fn begin(rec: &Recorder, version: &str) -> Attempt {
        let _held = lock(rec.dir());
        let me = std::process::id();
        let id = read_record(rec.dir())
            .ok()
            .flatten()
            .filter(|r| {
                r.pid == me && r.version == version && r.from == rec.from() && r.step.in_flight()
            })
            .and_then(|r| r.attempt)
            .unwrap_or_else(new_attempt_id);
        if read_request(rec.dir()).is_some_and(|q| q.attempt != id) {
            let _ = std::fs::remove_file(rec.dir().join(REQUEST));
        }
        Attempt {
            rec: rec.clone(),
            id,
            version: version.to_owned(),
            ended: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether a cancellation of this attempt was requested (read without the lock: the
    /// request is replaced atomically; the decisions are taken under it).
    pub fn requested(&self) -> bool {
        read_request(self.rec.dir()).is_some_and(|q| q.attempt == self.id)
    }

    /// Record `step` unless a cancellation was requested (a checkpoint).
    pub fn step(&self, step: Step, detail: Option<&str>) -> Result<(), Stop> {
        self.put(step, None, detail)
    }

    /// Record a download's progress unless a cancellation was requested.
    pub fn progress(&self, p: Progress) -> Result<(), Stop> {
        self.put(Step::Downloading, Some(p), None)
    }

    /// The point of no return: `switching` is recorded, holding the lock, only when no
    /// cancellation was requested. `Ok`: from now on a cancel is refused (too late); any `Err`:
    /// the release must not be switched to (a record that cannot be written fails closed: a
    /// cancel could not see the switch).
    pub fn commit(&self, detail: &str) -> Result<(), Stop> {
        self.put(Step::Switching, None, Some(detail))
    }

    fn put(
        &self,
        step: Step,
        progress: Option<Progress>,
        detail: Option<&str>,
    ) -> Result<(), Stop> {
        let _held = lock(self.rec.dir()).map_err(Stop::Io)?;
        if self.ended.load(Ordering::SeqCst) {
            return Err(Stop::Ended);
        }
        if self.requested() {
            return Err(Stop::Cancelled);
        }
        let mut r = self.rec.record(step, &self.version, progress, detail);
        r.attempt = Some(self.id.clone());
        self.rec.put(&r).map_err(Stop::Io)
    }

    /// Record how the attempt ended (`hub_told` for a cancelled one); its request, if any, is
    /// answered by it and removed. Nothing is recorded for it after this.
    pub fn finish(
        &self,
        step: Step,
        detail: Option<&str>,
        hub_told: Option<bool>,
    ) -> std::io::Result<()> {
        let held = lock(self.rec.dir());
        self.ended.store(true, Ordering::SeqCst);
        let mut r = self.rec.record(step, &self.version, None, detail);
        r.attempt = Some(self.id.clone());
        r.hub_told = hub_told;
        let written = self.rec.put(&r);
        if self.requested() {
            let _ = std::fs::remove_file(self.rec.dir().join(REQUEST));
        }
        held.map(|_| ()).and(written)
    }
}

/// A cancelled attempt whose failure report the hub has now (it could not be told at once):
/// recorded so, with `detail`, if the record is still that attempt's.
pub fn hub_told(rec: &Recorder, attempt: &str, detail: &str) -> std::io::Result<()> {
    let _held = lock(rec.dir())?;
    let Ok(Some(mut r)) = read_record(rec.dir()) else {
        return Ok(());
    };
    if r.attempt.as_deref() != Some(attempt) || r.step != Step::Cancelled {
        return Ok(());
    }
    r.hub_told = Some(true);
    r.detail = Some(detail.to_owned());
    r.changed_at = crate::state::now_utc();
    rec.put(&r)
}

/// A cancellation the command asked for (or found asked already).
#[derive(Debug, Clone, Serialize)]
pub struct Pending {
    pub release: String,
    pub from: String,
    /// The step the upgrade was at.
    pub state: &'static str,
    #[serde(skip)]
    pub attempt: String,
    /// Asked already (by another cancel) and not yet taken up.
    pub already: bool,
}

fn storage(dir: &Path) -> impl Fn(std::io::Error) -> OpError + '_ {
    move |e| OpError::new(Kind::Storage, format!("{}: {e}", dir.join(LOCK).display()))
}

/// What `release` (from `from`) ended as, in words.
fn ended(r: &Record) -> String {
    let why = r
        .detail
        .as_deref()
        .map(|d| format!(": {}", crate::text::one_line(d)))
        .unwrap_or_default();
    format!("{} ({}{why})", r.version, r.step.name())
}

/// The refusal of a cancel that comes too late: the node switched, or is switching.
fn too_late(r: &Record) -> OpError {
    let (what, v, from) = (r.step, &r.version, &r.from);
    let message = if what == Step::Switching {
        format!("Too late to cancel: this node is switching to {v} (it proved healthy beside {from}; current is being pointed at it)")
    } else {
        format!("Too late to cancel: this node already switched to {v} (from {from})")
    };
    OpError::new(Kind::Failed, message).hint(format!(
        "to go back to {from}: utils cloudconnect switch-back --release-root DIR on this node, then restart its service; withdraw {v} at the hub (ccadmin hub release withdraw {v}), or its next window offers it again"
    ))
}

/// What a cancel would cancel now (or its refusal), deciding as [`request`] does but writing
/// nothing: the command's question.
pub fn preview(node: &mut Node) -> OpResult<Pending> {
    decide(node, false)
}

/// `utils system upgrade cancel`, its decision: under the upgrade's lock, refuse (nothing in
/// progress, too late, its service not running) or write the request for the attempt in flight.
pub fn request(node: &mut Node) -> OpResult<Pending> {
    decide(node, true)
}

fn decide(node: &mut Node, write: bool) -> OpResult<Pending> {
    node.require_cloud_connect(false)?;
    let dir = node.root().to_path_buf();
    if !dir.is_dir() {
        return Err(nothing_offered());
    }
    let _held = lock(&dir).map_err(storage(&dir))?;
    let Some(r) = read_record(&dir)? else {
        return Err(nothing_offered());
    };
    match r.step {
        // The service stopped in the middle of its switch: whether `current` moved is the
        // release root's to say, not this record's; switching back from here could go below
        // the release it runs.
        Step::Switching if !crate::state::lock::alive(r.pid, None) => {
            return Err(OpError::new(
                Kind::Failed,
                format!(
                    "The node service that was switching to {} (from {}) is not running: it stopped during the switch, so there is nothing to cancel",
                    r.version, r.from
                ),
            )
            .hint("start the service: it runs the release its current link points at, and utils system upgrade status then says which; switch back only after that, if it runs the new one"))
        }
        Step::Switching | Step::Healthy => return Err(too_late(&r)),
        Step::Failed | Step::SwitchedBack | Step::Cancelled => {
            return Err(OpError::new(
                Kind::NotFound,
                format!(
                    "No upgrade of this node is in progress to cancel: the last one ended: {}",
                    ended(&r)
                ),
            ))
        }
        Step::Offered | Step::Downloading | Step::Verifying | Step::Trying => {}
    }
    if !crate::state::lock::alive(r.pid, None) {
        return Err(OpError::new(
            Kind::Failed,
            format!(
                "The node service that was upgrading to {} is not running (it stopped while {}): there is nothing to cancel now",
                r.version,
                r.step.name()
            ),
        )
        .hint("once started, its next poll in the window goes on with the upgrade: cancel it then (utils system upgrade status shows it)"));
    }
    let Some(attempt) = r.attempt.clone() else {
        return Err(OpError::new(
            Kind::Failed,
            format!(
                "The upgrade to {} was begun by a release that cannot cancel it",
                r.version
            ),
        ));
    };
    let pending = |already| Pending {
        release: r.version.clone(),
        from: r.from.clone(),
        state: r.step.name(),
        attempt: attempt.clone(),
        already,
    };
    if read_request(&dir).is_some_and(|q| q.attempt == attempt) {
        return Ok(pending(true));
    }
    if !write {
        return Ok(pending(false));
    }
    let q = Request {
        attempt: attempt.clone(),
        version: r.version.clone(),
        requested_at: crate::state::now_utc(),
        pid: std::process::id(),
    };
    let data = serde_json::to_vec(&q).map_err(|e| OpError::new(Kind::Storage, e.to_string()))?;
    crate::state::write_private_file(&dir.join(REQUEST), &data).map_err(storage(&dir))?;
    Ok(pending(false))
}

fn nothing_offered() -> OpError {
    OpError::new(
        Kind::NotFound,
        "No upgrade of this node is in progress to cancel: no release from the hub has been offered to it",
    )
}

/// How a requested cancellation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Cancelled: the node keeps the release it runs (whether the hub was told, and why).
    Cancelled {
        hub_told: Option<bool>,
        detail: Option<String>,
    },
    /// It ended otherwise before the request was taken up (failed, switched back): not
    /// installed either.
    NotInstalled {
        state: &'static str,
        detail: Option<String>,
    },
}

/// Wait (up to `limit`, Ctrl-C ends it) until the service answered the request `p`.
pub fn wait(node: &Node, p: &Pending, limit: Duration) -> OpResult<Outcome> {
    let dir = node.root();
    let until = Instant::now() + limit;
    loop {
        let r = read_record(dir)?;
        match r {
            Some(r) if r.attempt.as_deref() == Some(p.attempt.as_str()) => match r.step {
                Step::Cancelled => {
                    return Ok(Outcome::Cancelled {
                        hub_told: r.hub_told,
                        detail: r.detail,
                    })
                }
                Step::Failed | Step::SwitchedBack => {
                    return Ok(Outcome::NotInstalled {
                        state: r.step.name(),
                        detail: r.detail,
                    })
                }
                // The commit looks for the request under the lock: it cannot have been passed.
                Step::Switching | Step::Healthy => return Err(too_late(&r)),
                _ if !crate::state::lock::alive(r.pid, None) => {
                    return Err(OpError::new(
                        Kind::Failed,
                        format!(
                            "The node service stopped before it took up the cancellation of {}; nothing was switched",
                            p.release
                        ),
                    )
                    .hint("once started, its next poll in the window begins the upgrade again: cancel it then"))
                }
                _ => {}
            },
            Some(r) => {
                return Err(OpError::new(
                    Kind::Failed,
                    format!(
                        "The upgrade to {} ended without being installed; this node's upgrade is now {}",
                        p.release,
                        ended(&r)
                    ),
                )
                .hint("utils system upgrade status shows it; cancel again to cancel that one"))
            }
            None => return Err(nothing_offered()),
        }
        if Instant::now() >= until {
            return Err(OpError::new(
                Kind::Failed,
                format!(
                    "The cancellation of the upgrade to {} is requested, but the node service did not confirm it within {} s",
                    p.release,
                    limit.as_secs()
                ),
            )
            .hint("the service takes it up before any switch; utils system upgrade status says cancelled once it has"));
        }
        if node.cancel.wait(crate::cancel::TICK) {
            return Err(OpError::interrupted());
        }
    }
}

#[cfg(test)]
mod tests;
