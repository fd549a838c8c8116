//! A Cloud Connect node keeping itself up to date from its hub (issue 14): while the service
//! runs, a thread polls the hub every `--hub-poll-interval` seconds (doubling the wait after
//! each failure, up to an hour; through `HTTPS_PROXY` when one is set) and says what this node
//! runs. When the hub offers a release (only in the cluster's window, one node at a time) the
//! node downloads, verifies and stages it while still serving, then:
//!
//! 1. stops gracefully: no new connections are accepted (they wait in the listening socket's
//!    backlog), requests in flight finish, the background work stops (a download in progress
//!    resumes at its next run);
//! 2. switches `current` to the new release;
//! 3. starts it, handing it the listening socket (`CCADMIN_LISTEN_FD`), so the port never
//!    closes;
//! 4. checks its health: it must answer `GET /health` on that socket with the new version
//!    within a minute;
//! 5. healthy: reports it to the hub (the next node may go) and stays as its parent, passing
//!    SIGTERM/SIGINT on and ending with it; not healthy: stops it, switches `current` back,
//!    reports the failure (the hub stops the cluster's rollout) and serves again itself.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Service;
use crate::hub::Offer;
use crate::ops::release::{self, Staged};
use crate::ops::{cloudconnect, OpError};

/// How long a new release has to answer its health check.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest wait between polls after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// The variable that hands the listening socket to the new release.
pub const LISTEN_FD: &str = "CCADMIN_LISTEN_FD";

/// The service's listening socket: the one a previous release handed over, or a new one.
pub fn listener(addr: SocketAddr, env: &crate::context::Env) -> Result<TcpListener, String> {
    if let Some(fd) = env.get(LISTEN_FD).and_then(|v| v.parse::<i32>().ok()) {
        // SAFETY: the previous release put its listening socket at this descriptor for this
        // process (dup2 in `start`); nothing else in the process owns it.
        #[allow(unsafe_code)]
        let l = unsafe { <TcpListener as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        if l.local_addr().is_err() {
            return Err(format!("{LISTEN_FD}={fd} is not a listening socket"));
        }
        // Not passed on to anything this process starts (a next release gets it by dup2).
        let _ = nix::fcntl::fcntl(
            &l,
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
        );
        return Ok(l);
    }
    TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))
}

/// Poll the hub until the service stops or a release is staged (then the service is asked to
/// stop for the switch).
pub fn poll_hub(svc: &Service, interval: Duration) {
    let mut failures = 0u32;
    loop {
        let wait = match poll_once(svc) {
            Ok(Some(staged)) => {
                svc.log(&format!(
                    "release {} staged; stopping to switch to it",
                    staged.version
                ));
                *svc.upgrade.lock().unwrap_or_else(|p| p.into_inner()) = Some(staged);
                svc.stop.notify_one();
                return;
            }
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
        Offer::Install { version, .. } => {
            cloudconnect::record_poll(&mut node, &format!("installing {version}"))?;
            let Some(root) = svc.release_root.as_deref() else {
                let why = "this node does not run from a release directory (ccadmin serve --release-root)";
                fail(svc, version, why);
                return Ok(None);
            };
            svc.log(&format!(
                "the hub offers {version}: downloading and verifying it"
            ));
            match release::prepare(&mut node, &client, root, &offer) {
                Ok(staged) => return Ok(Some(staged)),
                Err(e) if e.kind == crate::ops::Kind::Unreachable => return Err(e),
                Err(e) => fail(svc, version, &e.to_string()),
            }
        }
    }
    Ok(None)
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

/// An offered release that is not installed: logged and reported.
fn fail(svc: &Service, version: &str, why: &str) {
    svc.log(&format!("release {version} not installed: {why}"));
    report(svc, version, false, why);
}

/// What became of a switch.
pub enum HandOver {
    /// The new release runs; this process ended with it (its exit status).
    Done(Result<(), String>),
    /// The new release was not healthy; `current` is back and the caller serves again.
    SwitchedBack,
}

/// Switch to `staged` and start it on `listener` (the service has stopped).
pub fn hand_over(
    svc: &Service,
    rt: &tokio::runtime::Runtime,
    listener: &TcpListener,
    staged: &Staged,
    cert_pem: &Path,
) -> HandOver {
    let Some(root) = svc.release_root.as_deref() else {
        return HandOver::SwitchedBack;
    };
    let report = |healthy: bool, detail: &str| report(svc, &staged.version, healthy, detail);
    let previous = match release::switch(root, &staged.dir) {
        Ok(p) => p,
        Err(e) => {
            report(false, &format!("cannot switch to it: {e}"));
            return HandOver::SwitchedBack;
        }
    };
    svc.log(&format!("switched to {}; starting it", staged.version));
    let outcome = start(svc, root, listener).and_then(|child| {
        match healthy(listener, cert_pem, &staged.version, child) {
            Ok(child) => Ok(child),
            Err((child, why)) => {
                stop(child);
                Err(why)
            }
        }
    });
    match outcome {
        Ok(child) => {
            svc.log(&format!(
                "{} is healthy (pid {}); this process now only waits for it",
                staged.version,
                child.id()
            ));
            report(true, "");
            HandOver::Done(wait_forwarding(rt, child))
        }
        Err(why) => {
            if let Some(p) = previous {
                if let Err(e) = release::switch(root, &p) {
                    svc.log(&format!("cannot switch back: {e}"));
                }
            }
            svc.log(&format!(
                "{} failed its health check, switched back to {}: {why}",
                staged.version, svc.version
            ));
            report(
                false,
                &format!(
                    "health check failed, switched back to {}: {why}",
                    svc.version
                ),
            );
            HandOver::SwitchedBack
        }
    }
}

/// Start `current/bin/ccadmin` with this process's arguments, the listening socket at
/// descriptor 3, and SIGTERM when this process dies.
fn start(
    svc: &Service,
    root: &Path,
    listener: &TcpListener,
) -> Result<std::process::Child, String> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let bin = root.join("current").join("bin").join("ccadmin");
    let fd = listener.as_raw_fd();
    let mut cmd = std::process::Command::new(&bin);
    cmd.args(std::env::args_os().skip(1))
        .env(LISTEN_FD, "3")
        .env("CCADMIN_UPGRADED_FROM", &svc.version);
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
    cmd.spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))
}

/// Wait until the new release answers `/health` with `version` on the listening socket.
fn healthy(
    listener: &TcpListener,
    cert_pem: &Path,
    version: &str,
    mut child: std::process::Child,
) -> Result<std::process::Child, (std::process::Child, String)> {
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return Err((child, e.to_string())),
    };
    let ip = match addr.ip() {
        IpAddr::V4(v) if v.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v) if v.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let url = format!("https://{}/health", SocketAddr::new(ip, addr.port()));
    // Only this node's own certificate is trusted (the name in it is the host's, not the
    // loopback address asked).
    let client = std::fs::read(cert_pem)
        .ok()
        .and_then(|pem| reqwest::Certificate::from_pem(&pem).ok())
        .and_then(|cert| {
            reqwest::blocking::Client::builder()
                .tls_certs_only(vec![cert])
                .danger_accept_invalid_hostnames(true)
                .no_proxy()
                .timeout(Duration::from_secs(5))
                .build()
                .ok()
        });
    let Some(client) = client else {
        return Err((child, "cannot read this node's certificate".into()));
    };
    let deadline = Instant::now() + HEALTH_TIMEOUT;
    let mut last;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return Err((child, format!("it exited ({status}) before it was healthy")))
            }
            Ok(None) => {}
            Err(e) => return Err((child, e.to_string())),
        }
        match client
            .get(&url)
            .send()
            .and_then(|r| r.json::<serde_json::Value>())
        {
            Ok(v) if v["status"] == "ok" && v["version"] == version => return Ok(child),
            Ok(v) => {
                last = format!(
                    "it answers as {}",
                    crate::output::terminal_safe(&v["version"].to_string())
                )
            }
            Err(e) => last = crate::clients::error_chain(&e),
        }
        if Instant::now() >= deadline {
            return Err((
                child,
                format!(
                    "no healthy answer within {}s ({last})",
                    HEALTH_TIMEOUT.as_secs()
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
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

/// Stay the new release's parent: SIGTERM and SIGINT are passed on; its exit is ours.
fn wait_forwarding(rt: &tokio::runtime::Runtime, child: std::process::Child) -> Result<(), String> {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    use tokio::signal::unix::{signal, SignalKind};
    let pid = Pid::from_raw(child.id() as i32);
    let child = Arc::new(std::sync::Mutex::new(child));
    rt.block_on(async move {
        let (mut term, mut int) = match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(t), Ok(i)) => (t, i),
            _ => return Err("cannot wait for signals".to_owned()),
        };
        let waiter = Arc::clone(&child);
        let mut done = tokio::task::spawn_blocking(move || {
            waiter.lock().unwrap_or_else(|p| p.into_inner()).wait()
        });
        loop {
            tokio::select! {
                _ = term.recv() => { let _ = kill(pid, Signal::SIGTERM); }
                _ = int.recv() => { let _ = kill(pid, Signal::SIGINT); }
                status = &mut done => {
                    return match status {
                        Ok(Ok(s)) if s.success() => Ok(()),
                        Ok(Ok(s)) => Err(format!("the upgraded service ended: {s}")),
                        Ok(Err(e)) => Err(e.to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                }
            }
        }
    })
}
