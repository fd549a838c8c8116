//! A staged release's trial beside the running one (steps 2 to 4 of the self-upgrade, see the
//! parent module): started on the shared listening socket, its health asked until it answers
//! with its version, stopped and reported when it does not, or when the administrator cancels
//! the upgrade meanwhile (asked before every try). Also what a release does with the trial
//! process once it runs in its place (`retire`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{cancel, fail, report, Ready, Service, LISTEN_FD};
use crate::ops::release::Staged;
use crate::ops::upgrade_status::cancel::{Attempt, Stop};
use crate::ops::upgrade_status::Step;

/// How long a new release has to answer its health check.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one health-check try may take (this process answers the others at once).
const TRY_TIMEOUT: Duration = Duration::from_secs(1);
/// Tries that time out or are cut (taken by the new release, not answered) before it fails.
const MAX_LOST_TRIES: u32 = 3;

/// How a trial ended short of healthy.
pub(super) enum Trial {
    /// Not healthy: reported, its directory removed.
    Failed(String),
    /// Stopped from outside (this service is stopping: a SIGTERM to the whole service, as a
    /// service manager sends it): nothing is reported, the release stays staged.
    Stopped(String),
    /// The administrator cancelled the upgrade: it is stopped, the cancellation reported.
    Cancelled,
}

/// How a trial ended.
pub(super) enum Tried {
    Healthy(Ready),
    /// Not healthy (reported), stopped from outside (it stays staged), or cancelled
    /// (recorded and reported): this process serves on.
    Ended,
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

/// Start `staged` beside this still-serving process and check its health. `Healthy`: the
/// trial process keeps running, on a thread that lives until this process execs, so that the
/// parent-death signal fires only if this process dies. Otherwise not healthy (reported, its
/// directory removed), stopped, or cancelled.
pub(super) fn trial(svc: &Service, staged: &Staged, attempt: &Attempt) -> Tried {
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
            fail(svc, Some(attempt), &staged.version, &why);
            return Tried::Ended;
        }
    };
    let detail = format!("started beside {}; its health is checked", svc.version);
    match attempt.step(Step::Trying, Some(&detail)) {
        Err(Stop::Cancelled) => {
            cancel::cancelled(svc, attempt, "staged", Some(&staged.dir));
            return Tried::Ended;
        }
        Err(e) => cancel::unrecorded(svc, e),
        Ok(()) => {}
    }
    let cert = svc.cert_pem.clone();
    let bin = staged.dir.join("bin").join("ccadmin");
    let dir = staged.dir.clone();
    let from = svc.version.clone();
    let version = staged.version.clone();
    let cancel = svc.cancel.clone();
    let asked = attempt.clone();
    std::thread::spawn(move || {
        let child = match start(&bin, &dir, &listener, &from) {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Err(Trial::Failed(e.to_string())));
                return;
            }
        };
        match healthy(&listener, &cert, &version, &dir, child, &cancel, &asked) {
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
        Ok(Ok(child)) => Tried::Healthy(Ready {
            staged: staged.clone(),
            child,
            attempt: attempt.clone(),
        }),
        Ok(Err(Trial::Failed(why))) => {
            unhealthy(svc, staged, attempt, &why);
            Tried::Ended
        }
        Ok(Err(Trial::Cancelled)) => {
            cancel::cancelled(svc, attempt, "on trial", Some(&staged.dir));
            Tried::Ended
        }
        Ok(Err(Trial::Stopped(why))) => {
            svc.log(&format!(
                "the trial of {} was stopped ({why}); it stays staged",
                staged.version
            ));
            let _ = attempt.step(
                Step::Offered,
                Some(&format!(
                    "its trial was stopped ({why}); it stays staged for the next poll"
                )),
            );
            Tried::Ended
        }
        Err(_) => {
            unhealthy(svc, staged, attempt, "its trial ended without an answer");
            Tried::Ended
        }
    }
}

/// A release that did not prove itself: said, reported, its directory removed (this process
/// served throughout and goes on).
pub(super) fn unhealthy(svc: &Service, staged: &Staged, attempt: &Attempt, why: &str) {
    svc.log(&format!(
        "{} failed its health check, kept {}: {why}",
        staged.version, svc.version
    ));
    let detail = format!("health check failed, kept {}: {why}", svc.version);
    if let Err(e) = attempt.finish(Step::SwitchedBack, Some(&detail), None) {
        svc.log(&format!(
            "cannot record the upgrade's step (switched-back): {e}"
        ));
    }
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
    attempt: &Attempt,
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
        if attempt.requested() {
            return Err((child, Trial::Cancelled));
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
pub(super) fn stop(mut child: std::process::Child) {
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
