//! A Cloud Connect node keeping itself up to date from its hub (issues 14 and 24): while the
//! service runs, a thread polls the hub every `--hub-poll-interval` seconds (doubling the wait
//! after each failure, up to an hour; through `HTTPS_PROXY` when one is set) and says what
//! this node runs. When the hub offers a release (only in the cluster's window, one node at a
//! time) the node:
//!
//! 0. moves only forward: the version it runs is a no-op (reported as done), an older one is
//!    refused and reported (going back is the administrator's console action);
//! 1. downloads, verifies and stages it beside the current one (on a thread of its own, so a
//!    cancellation is taken up while a read is held), still serving;
//! 2. starts it *beside itself* on the same listening socket (`CCADMIN_LISTEN_FD`), still
//!    serving: the kernel hands each new connection to one of the two, so requests are
//!    answered throughout, whatever the new release does;
//! 3. checks its health: it must answer `GET /health` with its new version within a minute; an
//!    exit is noticed at once (the child is asked before every try, and a try waits a second at
//!    most, since the old release answers the others);
//! 4. not healthy: stops it and reports the failure (the hub stops the cluster's rollout); the
//!    release's directory is removed, `current` was never touched, and this process never
//!    stopped serving;
//! 5. healthy: records `switching` (the point of no return: only when no cancellation was
//!    asked), reports it (the next node may go), stops accepting, lets the requests in flight
//!    finish, points `current` at it, and *execs* it in place — the same process, the same
//!    listening socket. The trial process is told to stop at that moment (its parent-death
//!    signal) and reaped by the release (`CCADMIN_RETIRE_PID`); connections made meanwhile wait
//!    in the socket's backlog for the release. So after any number of upgrades the node is one
//!    process (two only during a switch), and the service manager's PID stays the service's.
//!    Releases other than the current and the previous one are removed. A trial that a
//!    service manager's stop ends (SIGTERM to the whole service) is not a failure: nothing is
//!    reported and the release stays staged.
//!
//! A kill at any step leaves `current` at a complete release that starts: it moves only after
//! the new release proved itself, in one atomic rename, and the trial process dies with its
//! parent (`PR_SET_PDEATHSIG`), so it never keeps the port from the restarted service.
//!
//! Until step 5 records `switching` (its point of no return, before `current` moves) the
//! administrator may cancel the upgrade (`utils system upgrade cancel`): each step is a
//! checkpoint of the attempt, the download and the health check look for the request as they
//! go, and the commit is decided under the same lock as the request, so a cancel either wins
//! or is told it is too late (`ops::upgrade_status::cancel`; the service's side in `cancel`).
//! The trial itself is in `trial`.

mod cancel;
mod trial;

pub use trial::{retire, trial_refusal, RETIRE_PID, TRIAL_DIR, TRIAL_REFUSED};

use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use super::Service;
use crate::clients::hub::Offer;
use crate::ops::release::{self, Staged};
use crate::ops::upgrade_status::cancel::{Attempt, Stop};
use crate::ops::upgrade_status::{Recorder, Step};
use crate::ops::{cloudconnect, OpError};
use trial::Tried;

/// The longest wait between polls after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// The variable that hands the listening socket to the new release.
pub const LISTEN_FD: &str = "CCADMIN_LISTEN_FD";

/// Why the service has no listening socket.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// The descriptor a previous release named is not a listening socket.
    #[error("{}={fd} is not a listening socket", LISTEN_FD)]
    NotASocket { fd: i32 },
    /// The address cannot be bound (still in use after the wait, or not this host's).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// The service's listening socket: the one a previous release handed over, or a new one.
pub fn listener(addr: SocketAddr, env: &crate::env::Env) -> Result<TcpListener, ListenError> {
    if let Some(fd) = env.get(LISTEN_FD).and_then(|v| v.parse::<i32>().ok()) {
        // SAFETY: the previous release put its listening socket at this descriptor for this
        // process (dup2 in `start`); nothing else in the process owns it.
        #[allow(unsafe_code)]
        let l = unsafe { <TcpListener as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        if l.local_addr().is_err() {
            return Err(ListenError::NotASocket { fd });
        }
        // Not passed on to anything this process starts (a next release gets it by dup2).
        let _ = nix::fcntl::fcntl(
            &l,
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
        );
        return Ok(l);
    }
    // A release's trial process that was told to stop may hold the port for a moment after a
    // kill of its parent: a restart waits for it (a little) instead of failing.
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        match TcpListener::bind(addr) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(source) => return Err(ListenError::Bind { addr, source }),
        }
    }
}

/// Poll the hub until the service stops or a release is staged (then the service is asked to
/// stop for the switch).
pub fn poll_hub(svc: &Service, interval: Duration) {
    let mut up = cancel::Upgrader::new();
    let mut failures = 0u32;
    loop {
        up.sweep(svc);
        let mut open = None;
        let wait = match poll_once(svc, &mut up) {
            Ok(Polled::Staged(staged, attempt)) => {
                if switch_to(svc, &up, staged, attempt) {
                    return;
                }
                interval
            }
            Ok(Polled::Nothing) => {
                failures = 0;
                interval
            }
            Ok(Polled::Interrupted(attempt, e)) => {
                open = Some(attempt);
                failures = (failures + 1).min(16);
                backoff(svc, interval, failures, &e)
            }
            Err(e) => {
                failures = (failures + 1).min(16);
                backoff(svc, interval, failures, &e)
            }
        };
        if up.wait(svc, wait, open.as_ref()) {
            return;
        }
    }
}

/// The wait after `failures` failed polls in a row (said in the log).
fn backoff(svc: &Service, interval: Duration, failures: u32, e: &OpError) -> Duration {
    let wait = interval
        .saturating_mul(1 << failures.min(12))
        .min(MAX_BACKOFF.max(interval));
    svc.log(&format!(
        "hub poll failed ({failures} in a row), next in {}s: {e}",
        wait.as_secs()
    ));
    wait
}

/// Try a staged release and, healthy, commit to it and ask the service to stop for the switch
/// (`true`). A cancellation found at the commit wins: nothing is switched (`false`).
fn switch_to(svc: &Service, up: &cancel::Upgrader, staged: Staged, attempt: Attempt) -> bool {
    let ready = match trial::trial(svc, &staged, &attempt) {
        Tried::Healthy(ready) => ready,
        Tried::Ended => return false,
    };
    up.hold(svc, "before-switch");
    let detail = format!("healthy beside {}; switching to it", svc.version);
    match attempt.commit(&detail) {
        Ok(()) => {}
        Err(Stop::Cancelled) => {
            ready.abandon();
            cancel::cancelled(
                svc,
                &attempt,
                "healthy, before the switch",
                Some(&staged.dir),
            );
            return false;
        }
        // Not recorded, not switched: a cancel could not have seen the switch coming.
        Err(e @ (Stop::Io(_) | Stop::Ended)) => {
            ready.abandon();
            let why = match e {
                Stop::Io(e) => format!("the switch cannot be recorded ({e})"),
                _ => "the attempt ended".into(),
            };
            trial::unhealthy(svc, &staged, &attempt, &why);
            return false;
        }
    }
    up.hold(svc, "switching");
    svc.log(&format!(
        "{} is healthy (pid {}); switching to it",
        staged.version,
        ready.child.id()
    ));
    report(svc, &staged.version, true, "");
    *svc.upgrade.lock().unwrap_or_else(|p| p.into_inner()) = Some(ready);
    svc.stop.notify_one();
    true
}

/// What one poll came to.
enum Polled {
    /// Nothing to install (up to date, told to wait, refused, failed or cancelled: said).
    Nothing,
    /// A release staged to try and switch to.
    Staged(Staged, Attempt),
    /// Its download was interrupted: it resumes at the next poll (a cancel meanwhile counts).
    Interrupted(Attempt, OpError),
}

/// One poll of the hub.
fn poll_once(svc: &Service, up: &mut cancel::Upgrader) -> Result<Polled, OpError> {
    let mut node = svc.node();
    // The node's name as it is now (it may have been set after the service started).
    let me = match node.identity() {
        Ok(n) if n.role.is_cloud_connect() => n.hostname,
        _ => return Ok(Polled::Nothing),
    };
    let Some((client, _)) = cloudconnect::client(&mut node)? else {
        return Ok(Polled::Nothing);
    };
    let offer = match client.poll(&me, &svc.version) {
        Ok(o) => o,
        Err(e) => {
            let _ = cloudconnect::record_poll(&mut node, &format!("the last poll failed: {e}"));
            return Err(e);
        }
    };
    match &offer {
        Offer::UpToDate => {
            cloudconnect::record_poll(&mut node, &format!("up to date ({})", svc.version))?
        }
        Offer::Wait { version, reason } => {
            cloudconnect::record_poll(&mut node, &format!("{version} waits: {reason}"))?
        }
        Offer::Install { version, .. } if judge(version, &svc.version) == Judged::Running => {
            // Offered what it runs: nothing to do, and the rollout may go on.
            cloudconnect::record_poll(&mut node, &format!("up to date ({version})"))?;
            report(svc, version, true, "this node runs it already");
        }
        Offer::Install { version, .. } if judge(version, &svc.version) == Judged::Older => {
            fail(
                svc,
                None,
                version,
                &format!(
                    "{version} is older than {} which this node runs; a node only moves forward (going back is done at its console)",
                    svc.version
                ),
            );
        }
        // Cancelled here, and the hub not told yet: it is told now, nothing installed.
        Offer::Install { version, .. } if cancel::untold(svc, version) => {
            cloudconnect::record_poll(&mut node, &format!("{version} was cancelled here"))?;
            cancel::tell_again(svc, version);
        }
        Offer::Install { version, .. } => {
            cloudconnect::record_poll(&mut node, &format!("installing {version}"))?;
            let Some(root) = svc.release_root.clone() else {
                let why = "this node does not run from a release directory (ccadmin serve --release-root)";
                fail(svc, None, version, why);
                return Ok(Polled::Nothing);
            };
            if let Some(left) = up.busy(svc) {
                cloudconnect::record_poll(
                    &mut node,
                    &format!("{version} waits for the cancelled download of {left} to end"),
                )?;
                return Ok(Polled::Nothing);
            }
            let attempt = Attempt::begin(&recorder(svc), version);
            match attempt.step(Step::Offered, None) {
                Err(Stop::Cancelled) => {
                    cancel::cancelled(svc, &attempt, "offered", None);
                    return Ok(Polled::Nothing);
                }
                Err(e) => cancel::unrecorded(svc, e),
                Ok(()) => {}
            }
            svc.log(&format!(
                "the hub offers {version}: downloading and verifying it"
            ));
            match up.prepare(svc, node, client, &root, &offer, &attempt) {
                cancel::Prepared::Staged(staged) => return Ok(Polled::Staged(staged, attempt)),
                cancel::Prepared::Cancelled => {
                    let at = cancel::step_now(svc, &attempt);
                    cancel::cancelled(svc, &attempt, at, None)
                }
                cancel::Prepared::Stopping => {}
                cancel::Prepared::Failed(e) if e.kind == crate::ops::Kind::Unreachable => {
                    let detail =
                        format!("the download was interrupted ({e}); it resumes at the next poll");
                    match attempt.step(Step::Offered, Some(&detail)) {
                        Err(Stop::Cancelled) => {
                            cancel::cancelled(svc, &attempt, "downloading", None);
                            return Ok(Polled::Nothing);
                        }
                        Err(e) => cancel::unrecorded(svc, e),
                        Ok(()) => {}
                    }
                    return Ok(Polled::Interrupted(attempt, e));
                }
                cancel::Prepared::Failed(e) => fail(svc, Some(&attempt), version, &e.to_string()),
            }
        }
    }
    Ok(Polled::Nothing)
}

/// What an offered release is to this node.
#[derive(Debug, PartialEq, Eq)]
enum Judged {
    /// It runs it already: a no-op.
    Running,
    /// Older than what it runs: refused (a node only moves forward).
    Older,
    Newer,
}

fn judge(offered: &str, running: &str) -> Judged {
    if offered == running {
        return Judged::Running;
    }
    // Semantic versions where both are (a pre-release is older than its release; build
    // metadata does not make a version newer); else numbers compared as numbers.
    let order = match (
        semver::Version::parse(offered),
        semver::Version::parse(running),
    ) {
        (Ok(o), Ok(r)) => o.cmp_precedence(&r),
        _ => crate::ops::orchestrate::version_cmp(offered, running),
    };
    match order {
        std::cmp::Ordering::Greater => Judged::Newer,
        _ => Judged::Older,
    }
}

/// Record how `version` went on this node and tell the hub (logged when it cannot be told);
/// whether it was told.
fn report(svc: &Service, version: &str, healthy: bool, detail: &str) -> bool {
    let mut node = svc.node();
    let state = if healthy {
        format!("upgraded to {version}")
    } else {
        format!("{version} failed: {detail}")
    };
    let _ = cloudconnect::record_poll(&mut node, &state);
    let me = node
        .identity()
        .map(|n| n.hostname)
        .unwrap_or_else(|_| svc.host.clone());
    match cloudconnect::client(&mut node) {
        Ok(Some((c, _))) => match c.report(&me, version, healthy, detail) {
            Ok(()) => true,
            Err(e) => {
                svc.log(&format!("cannot report to the hub: {e}"));
                false
            }
        },
        Ok(None) => false,
        Err(e) => {
            svc.log(&format!("cannot report to the hub: {e}"));
            false
        }
    }
}

/// A release that proved healthy but could not be switched to: said, and the hub told (it
/// was told healthy before the switch), so the rollout stops here.
pub fn switch_failed(svc: &Service, version: &str, why: &str) {
    svc.log(&format!(
        "cannot switch to {version}: {why}; serving {} again",
        svc.version
    ));
    let detail = format!(
        "healthy, but the switch failed: {why}; kept {}",
        svc.version
    );
    note(svc, Step::SwitchedBack, version, Some(&detail));
    report(svc, version, false, &detail);
}

/// An offered release that is not installed: logged, recorded (the end of its attempt, when
/// one began) and reported.
fn fail(svc: &Service, attempt: Option<&Attempt>, version: &str, why: &str) {
    svc.log(&format!("release {version} not installed: {why}"));
    match attempt {
        Some(a) => {
            if let Err(e) = a.finish(Step::Failed, Some(why), None) {
                svc.log(&format!("cannot record the upgrade's step (failed): {e}"));
            }
        }
        None => note(svc, Step::Failed, version, Some(why)),
    }
    report(svc, version, false, why);
}

/// What records this service's upgrade steps (`utils system upgrade status` reads them).
fn recorder(svc: &Service) -> Recorder {
    Recorder::new(&svc.root, &svc.version)
}

/// Record a step of this node's upgrade; a record that cannot be written is logged, and the
/// upgrade goes on.
fn note(svc: &Service, step: Step, version: &str, detail: Option<&str>) {
    if let Err(e) = recorder(svc).step(step, version, detail) {
        svc.log(&format!(
            "cannot record the upgrade's step ({}): {e}",
            step.name()
        ));
    }
}

/// A release that proved healthy beside this process, ready to be switched to.
#[derive(Debug)]
pub struct Ready {
    pub staged: Staged,
    /// The trial process serving it now: retired by the release once it runs in our place,
    /// stopped here when the switch cannot be made.
    pub child: std::process::Child,
    /// The attempt it is of (committed: past the point of no return).
    pub attempt: Attempt,
}

impl Ready {
    /// The switch could not be made: the trial process is stopped and reaped (never left
    /// serving beside this release).
    pub fn abandon(self) {
        trial::stop(self.child);
    }
}

/// Switch to a release that proved healthy: `current` points at it (the releases but it and
/// the previous one removed), and this process becomes it (exec: the same PID, the listening
/// socket kept). Returns only when that could not be done: `current` is back, and the caller
/// serves again.
pub fn become_release(svc: &Service, listener: &TcpListener, ready: &Ready) -> String {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let Some(root) = svc.release_root.as_deref() else {
        return "this node does not run from a release directory".into();
    };
    let previous = match release::switch(root, &ready.staged.dir) {
        Ok(p) => p,
        Err(e) => return format!("cannot switch to it: {e}"),
    };
    release::prune(root, &ready.staged.dir, previous.as_deref());
    // Recorded before the exec (the same process runs on as the release); an exec that fails
    // records the switch back (`switch_failed`).
    if let Err(e) = ready.attempt.finish(Step::Healthy, None, None) {
        svc.log(&format!("cannot record the upgrade's step (healthy): {e}"));
    }
    let fd = listener.as_raw_fd();
    // The socket passes to the release (no close-on-exec), at the number it is told.
    let _ = nix::fcntl::fcntl(
        listener,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::empty()),
    );
    svc.log(&format!(
        "switched to {}; this process becomes it",
        ready.staged.version
    ));
    let bin = root.join("current").join("bin").join("ccadmin");
    let err = std::process::Command::new(&bin)
        .args(std::env::args_os().skip(1))
        .env(LISTEN_FD, fd.to_string())
        .env_remove(TRIAL_DIR)
        .env(RETIRE_PID, ready.child.id().to_string())
        .env("CCADMIN_UPGRADED_FROM", &svc.version)
        .exec();
    // Still here: the exec failed. Back to where it was.
    if let Some(p) = previous {
        let _ = release::switch(root, &p);
    }
    let _ = nix::fcntl::fcntl(
        listener,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    );
    format!("cannot start {}: {err}", bin.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: a hub (a hostile one, an application user's) offering an older release, or
    /// the one the node runs, changes nothing: only a newer version is installed.
    #[test]
    fn only_a_newer_release_is_installed() {
        assert_eq!(judge("0.0.9", "0.1.0"), Judged::Older);
        assert_eq!(judge("0.1.0", "0.1.0"), Judged::Running);
        assert_eq!(judge("0.1.10", "0.1.9"), Judged::Newer);
        assert_eq!(judge("0.1.9", "0.1.10"), Judged::Older);
        assert_eq!(judge("1.0.0", "0.9.9"), Judged::Newer);
        // A pre-release or a build of the running version is not newer.
        assert_eq!(judge("0.2.0-rc1", "0.2.0"), Judged::Older);
        assert_eq!(judge("0.2.0+b1", "0.2.0"), Judged::Older);
        assert_eq!(judge("0.2.0", "0.2.0-rc1"), Judged::Newer);
    }

    /// A release on trial whose schema differs from the node's database refuses, before it
    /// opens it (which would migrate it).
    #[test]
    fn a_release_of_another_schema_is_not_tried() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("ccadmin.db");
        drop(crate::state::Db::open(&path, "cc-pub.example").unwrap());
        assert_eq!(trial_refusal(&path), None, "the same schema is tried");
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!(
            "PRAGMA user_version = {}",
            crate::state::db::SCHEMA_VERSION - 1
        ))
        .unwrap();
        let why = trial_refusal(&path).unwrap();
        assert!(
            why.contains("a release that changes the schema is not tried"),
            "{why}"
        );
    }
}
