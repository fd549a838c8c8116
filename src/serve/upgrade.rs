//! A Cloud Connect node keeping itself up to date from its hub (issues 14 and 24): while the
//! service runs, a thread polls the hub every `--hub-poll-interval` seconds (doubling the wait
//! after each failure, up to an hour; through `HTTPS_PROXY` when one is set) and says what
//! this node runs. When the hub offers a release (only in the cluster's window, one node at a
//! time) the node:
//!
//! 0. moves only forward: the version it runs is a no-op (reported as done), an older one is
//!    refused and reported (going back is the administrator's console action);
//! 1. downloads, verifies and stages it beside the current one, still serving;
//! 2. starts it *beside itself* on the same listening socket (`CCADMIN_LISTEN_FD`), still
//!    serving: the kernel hands each new connection to one of the two, so requests are
//!    answered throughout, whatever the new release does;
//! 3. checks its health: it must answer `GET /health` with its new version within a minute; an
//!    exit is noticed at once (the child is asked before every try, and a try waits a second at
//!    most, since the old release answers the others);
//! 4. not healthy: stops it and reports the failure (the hub stops the cluster's rollout); the
//!    release's directory is removed, `current` was never touched, and this process never
//!    stopped serving;
//! 5. healthy: reports it (the next node may go), stops accepting, lets the requests in flight
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

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Service;
use crate::clients::hub::Offer;
use crate::ops::release::{self, Staged};
use crate::ops::upgrade_status::{Event, Recorder, Step};
use crate::ops::{cloudconnect, OpError};

/// How long a new release has to answer its health check.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one health-check try may take (this process answers the others at once).
const TRY_TIMEOUT: Duration = Duration::from_secs(1);
/// Tries that time out or are cut (taken by the new release, not answered) before it fails.
const MAX_LOST_TRIES: u32 = 3;
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
    let mut failures = 0u32;
    loop {
        let wait = match poll_once(svc) {
            Ok(Some(staged)) => match trial(svc, &staged) {
                Some(ready) => {
                    svc.log(&format!(
                        "{} is healthy (pid {}); switching to it",
                        staged.version,
                        ready.child.id()
                    ));
                    note(
                        svc,
                        Step::Switching,
                        &staged.version,
                        Some(&format!("healthy beside {}; switching to it", svc.version)),
                    );
                    report(svc, &staged.version, true, "");
                    *svc.upgrade.lock().unwrap_or_else(|p| p.into_inner()) = Some(ready);
                    svc.stop.notify_one();
                    return;
                }
                None => interval,
            },
            Ok(None) => {
                failures = 0;
                interval
            }
            Err(e) => {
                failures = (failures + 1).min(16);
                let wait = interval
                    .saturating_mul(1 << failures.min(12))
                    .min(MAX_BACKOFF.max(interval));
                svc.log(&format!(
                    "hub poll failed ({failures} in a row), next in {}s: {e}",
                    wait.as_secs()
                ));
                wait
            }
        };
        if svc.cancel.wait(wait) {
            return;
        }
    }
}

/// One poll: `Some` when a release was staged to switch to.
fn poll_once(svc: &Service) -> Result<Option<Staged>, OpError> {
    let mut node = svc.node();
    // The node's name as it is now (it may have been set after the service started).
    let me = match node.identity() {
        Ok(n) if n.role.is_cloud_connect() => n.hostname,
        _ => return Ok(None),
    };
    let Some((client, _)) = cloudconnect::client(&mut node)? else {
        return Ok(None);
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
                version,
                &format!(
                    "{version} is older than {} which this node runs; a node only moves forward (going back is done at its console)",
                    svc.version
                ),
            );
        }
        Offer::Install { version, .. } => {
            cloudconnect::record_poll(&mut node, &format!("installing {version}"))?;
            note(svc, Step::Offered, version, None);
            let Some(root) = svc.release_root.as_deref() else {
                let why = "this node does not run from a release directory (ccadmin serve --release-root)";
                fail(svc, version, why);
                return Ok(None);
            };
            svc.log(&format!(
                "the hub offers {version}: downloading and verifying it"
            ));
            let rec = recorder(svc);
            let on = |e: Event| {
                let done = match e {
                    Event::Downloading(p) => rec.progress(version, p),
                    Event::Verifying => rec.step(Step::Verifying, version, None),
                };
                if let Err(e) = done {
                    svc.log(&format!("cannot record the upgrade's progress: {e}"));
                }
            };
            match release::prepare(&mut node, &client, root, &offer, &on) {
                Ok(staged) => return Ok(Some(staged)),
                Err(e) if e.kind == crate::ops::Kind::Unreachable => {
                    note(
                        svc,
                        Step::Offered,
                        version,
                        Some(&format!(
                            "the download was interrupted ({e}); it resumes at the next poll"
                        )),
                    );
                    return Err(e);
                }
                Err(e) => fail(svc, version, &e.to_string()),
            }
        }
    }
    Ok(None)
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

/// Record how `version` went on this node and tell the hub (logged when it cannot be told).
fn report(svc: &Service, version: &str, healthy: bool, detail: &str) {
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
        Ok(Some((c, _))) => {
            if let Err(e) = c.report(&me, version, healthy, detail) {
                svc.log(&format!("cannot report to the hub: {e}"));
            }
        }
        Ok(None) => {}
        Err(e) => svc.log(&format!("cannot report to the hub: {e}")),
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

/// An offered release that is not installed: logged, recorded and reported.
fn fail(svc: &Service, version: &str, why: &str) {
    svc.log(&format!("release {version} not installed: {why}"));
    note(svc, Step::Failed, version, Some(why));
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
}

impl Ready {
    /// The switch could not be made: the trial process is stopped and reaped (never left
    /// serving beside this release).
    pub fn abandon(self) {
        stop(self.child);
    }
}

/// How a trial ended short of healthy.
enum Trial {
    /// Not healthy: reported, its directory removed.
    Failed(String),
    /// Stopped from outside (this service is stopping: a SIGTERM to the whole service, as a
    /// service manager sends it): nothing is reported, the release stays staged.
    Stopped(String),
}

/// The variable that names the trial process a release reaps once it runs in its place.
pub const RETIRE_PID: &str = "CCADMIN_RETIRE_PID";
/// Written by a release on trial that refuses to run (in its release directory): why, for the
/// serving process's report.
pub const TRIAL_REFUSED: &str = "trial-refused";

/// A release on trial never changes the node's state under the release serving beside it: a
/// release whose state schema differs from the database's is not tried (its migration would
/// change the database the running release uses, and an older release cannot open a newer
/// schema). `Some(why)`: refused.
pub fn trial_refusal(db_path: &Path) -> Option<String> {
    let conn = crate::state::db::open_read_only(db_path).ok()?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .ok()?;
    let mine = crate::state::db::SCHEMA_VERSION;
    (found != mine).then(|| {
        format!(
            "this release keeps its state in schema {mine}, the node's database is at {found}: a release that changes the schema is not tried beside the running one (its migration would change the database under it); upgrade this node from its package"
        )
    })
}

/// Set for a release on trial: the release directory it runs from (its version is that
/// directory's, `current` still being the one before). A release on trial only answers
/// requests: it neither polls the hub nor does the background work, which the release
/// serving beside it still does.
pub const TRIAL_DIR: &str = "CCADMIN_TRIAL_RELEASE";

/// Start `staged` beside this still-serving process and check its health. `Some`: healthy
/// (the trial process keeps running, on a thread that lives until this process execs, so
/// that the parent-death signal fires only if this process dies). `None`: not healthy,
/// reported, its directory removed.
fn trial(svc: &Service, staged: &Staged) -> Option<Ready> {
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = svc
        .listen
        .as_ref()
        .ok_or_else(|| "this service has no socket to share".to_owned())
        .and_then(|l| {
            l.try_clone()
                .map_err(|e| format!("cannot share the socket: {e}"))
        });
    let listener = match shared {
        Ok(l) => l,
        Err(why) => {
            fail(svc, &staged.version, &why);
            return None;
        }
    };
    note(
        svc,
        Step::Switching,
        &staged.version,
        Some(&format!(
            "started beside {}; its health is checked",
            svc.version
        )),
    );
    let cert = svc.cert_pem.clone();
    let bin = staged.dir.join("bin").join("ccadmin");
    let dir = staged.dir.clone();
    let from = svc.version.clone();
    let version = staged.version.clone();
    let cancel = svc.cancel.clone();
    std::thread::spawn(move || {
        let child = match start(&bin, &dir, &listener, &from) {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Err(Trial::Failed(e.to_string())));
                return;
            }
        };
        match healthy(&listener, &cert, &version, &dir, child, &cancel) {
            Ok(child) => {
                let _ = tx.send(Ok(child));
                // Stay alive: the child's parent-death signal is this thread's, so it fires
                // when this process dies, or when it execs the release (every other thread
                // ends then: the trial process is told to stop; connections made meanwhile
                // wait in the socket's backlog for the release).
                loop {
                    std::thread::park();
                }
            }
            Err((child, why)) => {
                stop(child);
                let _ = tx.send(Err(why));
            }
        }
    });
    match rx.recv() {
        Ok(Ok(child)) => Some(Ready {
            staged: staged.clone(),
            child,
        }),
        Ok(Err(Trial::Failed(why))) => {
            unhealthy(svc, staged, &why);
            None
        }
        Ok(Err(Trial::Stopped(why))) => {
            svc.log(&format!(
                "the trial of {} was stopped ({why}); it stays staged",
                staged.version
            ));
            note(
                svc,
                Step::Offered,
                &staged.version,
                Some(&format!(
                    "its trial was stopped ({why}); it stays staged for the next poll"
                )),
            );
            None
        }
        Err(_) => {
            unhealthy(svc, staged, "its trial ended without an answer");
            None
        }
    }
}

/// A release that did not prove itself: said, reported, its directory removed (this process
/// served throughout and goes on).
fn unhealthy(svc: &Service, staged: &Staged, why: &str) {
    svc.log(&format!(
        "{} failed its health check, kept {}: {why}",
        staged.version, svc.version
    ));
    let detail = format!("health check failed, kept {}: {why}", svc.version);
    note(svc, Step::SwitchedBack, &staged.version, Some(&detail));
    // Removed before the hub is told: once the hub has the report, the node holds no trace of
    // the release (what an operator reading the hub, or a test, may then rely on).
    if let Err(e) = std::fs::remove_dir_all(&staged.dir) {
        svc.log(&format!(
            "cannot remove {}: {e}",
            crate::text::terminal_safe(&staged.dir.display().to_string())
        ));
    }
    report(svc, &staged.version, false, &detail);
}

/// A release's program that could not be started for its trial.
#[derive(Debug, thiserror::Error)]
#[error("cannot start {}: {source}", .bin.display())]
struct SpawnError {
    bin: PathBuf,
    source: std::io::Error,
}

/// Start the release's `bin/ccadmin` with this process's arguments, the listening socket at
/// descriptor 3, and SIGTERM when the thread that started it ends (this process dying, or
/// a failed trial).
fn start(
    bin: &Path,
    dir: &Path,
    listener: &TcpListener,
    from: &str,
) -> Result<std::process::Child, SpawnError> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let fd = listener.as_raw_fd();
    let mut cmd = std::process::Command::new(bin);
    cmd.args(std::env::args_os().skip(1))
        .env(LISTEN_FD, "3")
        .env(TRIAL_DIR, dir)
        .env_remove(RETIRE_PID)
        .env("CCADMIN_UPGRADED_FROM", from);
    // SAFETY: only async-signal-safe calls between fork and exec (dup2, fcntl, prctl).
    #[allow(unsafe_code)]
    unsafe {
        cmd.pre_exec(move || {
            if libc::dup2(fd, 3) < 0 || libc::fcntl(3, libc::F_SETFD, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    cmd.spawn().map_err(|source| SpawnError {
        bin: bin.to_path_buf(),
        source,
    })
}

/// Wait until the new release answers `/health` with `version` on the listening socket (this
/// process answers there too, with its own version: those answers are asked again). Its exit
/// is noticed before every try.
fn healthy(
    listener: &TcpListener,
    cert_pem: &Path,
    version: &str,
    dir: &Path,
    mut child: std::process::Child,
    cancel: &crate::cancel::Cancel,
) -> Result<std::process::Child, (std::process::Child, Trial)> {
    let failed = |child, why: String| Err((child, Trial::Failed(why)));
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return failed(child, e.to_string()),
    };
    let ip = match addr.ip() {
        IpAddr::V4(v) if v.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v) if v.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let url = format!("https://{}/health", SocketAddr::new(ip, addr.port()));
    // Only this node's own certificate is trusted (the name in it is the host's, not the
    // loopback address asked). A new connection each try, so the kernel may hand it to
    // either process.
    let client = std::fs::read(cert_pem)
        .ok()
        .and_then(|pem| reqwest::Certificate::from_pem(&pem).ok())
        .and_then(|cert| {
            reqwest::blocking::Client::builder()
                .tls_certs_only(vec![cert])
                .danger_accept_invalid_hostnames(true)
                .no_proxy()
                .pool_max_idle_per_host(0)
                .timeout(TRY_TIMEOUT)
                .build()
                .ok()
        });
    let Some(client) = client else {
        return failed(child, "cannot read this node's certificate".into());
    };
    let deadline = Instant::now() + HEALTH_TIMEOUT;
    let mut last = String::from("no answer yet");
    // This process answers its tries at once, so a try that times out or is cut was taken
    // by the new release: a few of them and it is not healthy (it takes connections and does
    // not answer them: every moment it tries costs requests).
    let mut lost = 0;
    loop {
        if cancel.is_cancelled() {
            return Err((child, Trial::Stopped("the service is stopping".into())));
        }
        match child.try_wait() {
            Ok(Some(status)) => {
                use std::os::unix::process::ExitStatusExt;
                // Terminated from outside (a service manager stopping the whole service),
                // not a release that failed.
                if status.signal() == Some(libc::SIGTERM) {
                    return Err((
                        child,
                        Trial::Stopped(format!("it was terminated ({status})")),
                    ));
                }
                // A release that refused its trial says why.
                if let Ok(why) = crate::state::read_bounded(&dir.join(TRIAL_REFUSED), 4096) {
                    let why = String::from_utf8_lossy(&why);
                    return failed(child, crate::text::one_line(why.trim()).into_owned());
                }
                return failed(child, format!("it exited ({status}) before it was healthy"));
            }
            Ok(None) => {}
            Err(e) => return failed(child, e.to_string()),
        }
        match client
            .get(&url)
            .send()
            .and_then(|r| r.json::<serde_json::Value>())
        {
            Ok(v) if v["status"] == "ok" && v["version"] == version => return Ok(child),
            // This process answered (or another release): ask again.
            Ok(_) => {}
            Err(e) => {
                last = crate::clients::error_chain(&e);
                if !e.is_connect() {
                    lost += 1;
                }
            }
        }
        if lost >= MAX_LOST_TRIES {
            return failed(
                child,
                format!("it took connections and did not answer them ({lost} tries; {last})"),
            );
        }
        if Instant::now() >= deadline {
            return failed(
                child,
                format!(
                    "no healthy answer within {}s ({last})",
                    HEALTH_TIMEOUT.as_secs()
                ),
            );
        }
        std::thread::sleep(Duration::from_millis(50));
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
    note(svc, Step::Healthy, &ready.staged.version, None);
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

/// A release that runs in place of the one before it stops the trial process that served
/// beside it (SIGTERM: it finishes its requests), and reaps it.
pub fn retire(env: &crate::env::Env) {
    let Some(pid) = env
        .get(RETIRE_PID)
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|p| *p > 1)
    else {
        return;
    };
    std::thread::spawn(move || {
        use nix::sys::signal::{kill, Signal};
        use nix::sys::wait::{waitpid, WaitPidFlag};
        use nix::unistd::Pid;
        let pid = Pid::from_raw(pid);
        let _ = kill(pid, Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(nix::sys::wait::WaitStatus::StillAlive) => {}
                // Reaped, or not our child (it is gone either way).
                _ => return,
            }
            if Instant::now() > deadline {
                let _ = kill(pid, Signal::SIGKILL);
                let _ = waitpid(pid, None);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
}

/// Stop a release that was not healthy: SIGTERM, then SIGKILL after ten seconds.
fn stop(mut child: std::process::Child) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let pid = Pid::from_raw(child.id() as i32);
    let _ = kill(pid, Signal::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
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
