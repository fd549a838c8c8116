//! `test-connection`'s checks (SPEC 6): for each inventory host, in parallel with bounded
//! concurrency, one deadline covering DNS, TCP, the SSH banner and key exchange, the host key,
//! public-key authentication as the host's user, and one harmless remote command. Every
//! failure becomes a specific, short reason.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::clients::ssh::{self, Auth, Endpoint, HostKeys, SshError};
use crate::inventory::model::HostRow;

/// What the remote command prints: proof that a shell ran it (cmd.exe, PowerShell or sh).
pub const MARKER: &str = "ccadmin-connection-test";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Outcome {
    Success,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct HostResult {
    pub product: String,
    pub group: String,
    pub host: String,
    pub side: String,
    pub platform: &'static str,
    pub result: Outcome,
    pub seconds: f64,
    /// Which stage failed, when one did.
    pub stage: Option<&'static str>,
    pub detail: String,
}

/// A host to check and how to log in to it.
pub struct Target {
    pub row: HostRow,
    /// `Err`: not checked, with the reason (e.g. a VOS host that is not onboarded).
    pub user: Result<String, String>,
    /// The host key was recorded at onboarding: check against that, never learn a new one.
    pub recorded_key: bool,
}

fn reason(e: &SshError, port: u16) -> (Option<&'static str>, String) {
    match e {
        SshError::Resolve { host, reason } => (Some("DNS"), format!("DNS: cannot resolve {host} ({reason})")),
        SshError::Connect { reason, .. } if reason.to_lowercase().contains("refused") => {
            (Some("TCP connect"), format!("connection refused (TCP {port})"))
        }
        SshError::Connect { reason, .. } => (Some("TCP connect"), format!("cannot connect (TCP {port}): {reason}")),
        SshError::Timeout { stage, secs, .. } => (Some(stage), format!("timed out after {secs}s during {stage} (TCP {port})")),
        SshError::Handshake { reason, .. } => (Some("SSH handshake"), format!("SSH handshake failed: {reason}")),
        SshError::HostKeyChanged { key_type, fingerprint, .. } => {
            (Some("host key"), format!("host key changed: the {key_type} key is now {fingerprint}, known_hosts holds another"))
        }
        SshError::HostKeyUnknown { key_type, fingerprint, .. } => {
            (Some("host key"), format!("host key unknown ({key_type} {fingerprint}); --accept-new-host-keys learns it"))
        }
        SshError::AuthFailed { user, .. } => (Some("authentication"), format!("authentication refused for publickey as {user}")),
        SshError::Key { path, reason } => (Some("authentication"), format!("this node's key {} cannot be used: {reason}", path.display())),
        e => (None, e.to_string()),
    }
}

fn check(t: &Target, key: &Path, keys: &Keys, accept_new: bool, timeout: Duration) -> HostResult {
    let (host_keys, accept_new) = if t.recorded_key {
        (keys.recorded, false)
    } else {
        (keys.known_hosts, accept_new)
    };
    let start = Instant::now();
    let mut r = HostResult {
        product: t.row.product.clone(),
        group: t.row.group.clone(),
        host: t.row.name.clone(),
        side: t.row.side.clone(),
        platform: t.row.platform,
        result: Outcome::Failed,
        seconds: 0.0,
        stage: None,
        detail: String::new(),
    };
    let user = match &t.user {
        Ok(u) => u.clone(),
        Err(why) => {
            r.result = Outcome::Skipped;
            r.detail = why.clone();
            return r;
        }
    };
    let ep = match Endpoint::parse(&t.row.name, 22) {
        Ok(ep) => ep,
        Err(why) => {
            r.detail = format!("invalid host name: {why}");
            return r;
        }
    };
    let deadline = start + timeout;
    let mut decide = |_: &ssh::UnknownHost| Ok(accept_new);
    let outcome = ssh::connect_until(
        &ep,
        &user,
        &Auth::Key(key.to_path_buf()),
        host_keys,
        &mut decide,
        timeout,
        deadline,
    )
    .and_then(|conn| conn.run(&format!("echo {MARKER}"), deadline, timeout));
    match outcome {
        Ok((0, out)) if out.contains(MARKER) => {
            r.result = Outcome::Success;
        }
        Ok((code, out)) => {
            r.stage = Some("remote command");
            let said = out.lines().next().unwrap_or("").trim();
            r.detail = if said.is_empty() || said.contains(MARKER) {
                format!("remote command failed: exit status {code}")
            } else {
                format!("remote command failed: exit status {code}: {said}")
            };
        }
        Err(e) => {
            let (stage, detail) = reason(&e, ep.port);
            r.stage = stage;
            r.detail = detail;
        }
    }
    r.seconds = start.elapsed().as_secs_f64();
    r
}

/// Where host keys are checked: known_hosts (learning new keys on request), and the keys
/// recorded at onboarding for VOS hosts.
pub struct Keys<'a> {
    pub known_hosts: &'a HostKeys,
    pub recorded: &'a HostKeys,
}

#[allow(clippy::too_many_arguments)]
/// Check every target with at most `parallel` at a time; `on_done` is told each finished
/// count (for a progress bar). Results are in the targets' order.
pub fn check_all(
    targets: &[Target],
    key: &Path,
    keys: &Keys,
    accept_new: bool,
    parallel: usize,
    timeout: Duration,
    interrupt: &AtomicBool,
    on_done: &(dyn Fn(usize) + Sync),
) -> Vec<Option<HostResult>> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<HostResult>>> = Mutex::new(vec![None; targets.len()]);
    std::thread::scope(|s| {
        for _ in 0..parallel.clamp(1, targets.len().max(1)) {
            s.spawn(|| loop {
                if interrupt.load(Ordering::SeqCst) {
                    return;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(t) = targets.get(i) else { return };
                let r = check(t, key, keys, accept_new, timeout);
                results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
                on_done(done.fetch_add(1, Ordering::SeqCst) + 1);
            });
        }
    });
    results.into_inner().unwrap_or_else(|p| p.into_inner())
}
