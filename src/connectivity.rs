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
    /// 1, or more when the host was tried again at the end of the run.
    pub attempts: u32,
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
        SshError::Busy { reason, .. } => (Some("SSH banner exchange"), format!("busy: {reason} (TCP {port})")),
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

/// Whether a failure may be the host being busy rather than broken, so worth one more try at
/// the end: turned away at the banner, or timed out once it had answered. A host that never
/// answered (TCP connect or banner timeout: a black hole) is retried only when the run saw
/// the servers struggle; a refusal, a rejected key or a changed host key never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    Never,
    IfCongested,
    Yes,
}

fn retry_class(e: &SshError) -> Retry {
    match e {
        SshError::Busy { .. } => Retry::Yes,
        SshError::Timeout { stage, .. } => match *stage {
            "SSH handshake" | "authentication" | "remote command" => Retry::Yes,
            "SSH banner exchange" => Retry::IfCongested,
            _ => Retry::Never,
        },
        _ => Retry::Never,
    }
}

/// One attempt at one host; the retry class of its failure, and the handshake time when the
/// server got that far (for the pace).
fn check(
    t: &Target,
    key: &Path,
    keys: &Keys,
    accept_new: bool,
    timeout: Duration,
) -> (HostResult, Retry, Option<Duration>) {
    let (host_keys, accept_new) = if t.recorded_key {
        (keys.recorded, false)
    } else {
        (keys.known_hosts, accept_new)
    };
    // The deadline runs from the moment this host's attempt starts.
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
        attempts: 1,
    };
    let user = match &t.user {
        Ok(u) => u.clone(),
        Err(why) => {
            r.result = Outcome::Skipped;
            r.detail = why.clone();
            return (r, Retry::Never, None);
        }
    };
    let ep = match Endpoint::parse(&t.row.name, 22) {
        Ok(ep) => ep,
        Err(why) => {
            r.detail = format!("invalid host name: {why}");
            return (r, Retry::Never, None);
        }
    };
    let deadline = start + timeout;
    let mut decide = |_: &ssh::UnknownHost| Ok(accept_new);
    let mut handshake = None;
    let mut retry = Retry::Never;
    let outcome = ssh::connect_until(
        &ep,
        &user,
        &Auth::Key(key.to_path_buf()),
        host_keys,
        &mut decide,
        timeout,
        deadline,
    )
    .and_then(|conn| {
        handshake = Some(conn.handshake);
        conn.run(&format!("echo {MARKER}"), deadline, timeout)
    });
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
            retry = retry_class(&e);
            // A key exchange that timed out was slow: that is the load signal too.
            if matches!(
                &e,
                SshError::Timeout {
                    stage: "SSH handshake",
                    ..
                }
            ) {
                handshake = Some(start.elapsed());
            }
        }
    }
    r.seconds = start.elapsed().as_secs_f64();
    (r, retry, handshake)
}

/// Where host keys are checked: known_hosts (learning new keys on request), and the keys
/// recorded at onboarding for VOS hosts.
pub struct Keys<'a> {
    pub known_hosts: &'a HostKeys,
    pub recorded: &'a HostKeys,
}

/// How many connections may be in progress at once, adapted as hosts answer. It starts low
/// (slow start) and grows by one with every host that answered quickly; it shrinks by a third
/// when the servers struggle: the median of the recent handshakes grows past three times the
/// first ones, or the median time a host takes grows past a quarter of the timeout (on a
/// small machine every connection's key exchange competes for the same cores, so more at once
/// only makes each slower until they time out), or a server turns connections away. So
/// `--parallel 200` on a 2-core machine checks as fast as the machine can and fails no
/// healthy host, while against real remote hosts, whose time is network latency, it grows to
/// `--parallel`.
struct Pace {
    limit: usize,
    allowed: usize,
    active: usize,
    peak: usize,
    /// A host that takes longer than this is a sign of load.
    target: Duration,
    baseline: Option<Duration>,
    first: Vec<Duration>,
    handshakes: std::collections::VecDeque<Duration>,
    totals: std::collections::VecDeque<Duration>,
    congested: bool,
}

const BASELINE_SAMPLES: usize = 4;
const WINDOW: usize = 8;

fn median(v: &std::collections::VecDeque<Duration>) -> Duration {
    let mut v: Vec<Duration> = v.iter().copied().collect();
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn push(w: &mut std::collections::VecDeque<Duration>, d: Duration) {
    w.push_back(d);
    if w.len() > WINDOW {
        w.pop_front();
    }
}

impl Pace {
    fn new(limit: usize, timeout: Duration) -> Pace {
        let limit = limit.max(1);
        Pace {
            limit,
            allowed: limit.min(8),
            active: 0,
            peak: 0,
            target: timeout / 4,
            baseline: None,
            first: Vec::new(),
            handshakes: Default::default(),
            totals: Default::default(),
            congested: false,
        }
    }

    fn slow_down(&mut self) {
        self.allowed = (self.allowed * 2 / 3).max(2).min(self.limit);
        self.congested = true;
        self.handshakes.clear();
        self.totals.clear();
    }

    /// A host answered: its handshake time (if it got that far) and its whole time.
    fn answered(&mut self, handshake: Option<Duration>, total: Duration) {
        if let Some(h) = handshake {
            if self.baseline.is_none() {
                self.first.push(h);
                if self.first.len() >= BASELINE_SAMPLES {
                    self.first.sort();
                    self.baseline = Some(self.first[self.first.len() / 2]);
                }
            } else {
                push(&mut self.handshakes, h);
            }
        }
        push(&mut self.totals, total);
        let slow_handshakes = self.baseline.is_some_and(|b| {
            self.handshakes.len() >= WINDOW / 2
                && median(&self.handshakes) > b * 3 + Duration::from_millis(100)
        });
        let slow_hosts = self.totals.len() >= WINDOW / 2 && median(&self.totals) > self.target;
        if slow_handshakes || slow_hosts {
            self.slow_down();
        } else if total < self.target / 2 {
            self.allowed = (self.allowed + 1).min(self.limit);
        }
    }
}

/// What a run did besides its results: the most hosts in progress at once, and how many
/// passed only on a retry.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct RunStats {
    pub parallel_requested: usize,
    pub parallel_peak: usize,
    pub retried: usize,
    pub passed_on_retry: usize,
}

struct Shared {
    pace: Mutex<Pace>,
    wake: std::sync::Condvar,
}

impl Shared {
    /// Wait for a slot; `false` when interrupted.
    fn enter(&self, interrupt: &AtomicBool) -> bool {
        let mut p = self.pace.lock().unwrap_or_else(|e| e.into_inner());
        while p.active >= p.allowed {
            if interrupt.load(Ordering::SeqCst) {
                return false;
            }
            // Woken when a slot frees; the timeout only bounds how late Ctrl-C is seen.
            p = self
                .wake
                .wait_timeout(p, Duration::from_millis(250))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        p.active += 1;
        p.peak = p.peak.max(p.active);
        true
    }

    /// A host is done: `answered` with its handshake and whole time when the server answered
    /// at all (a black hole says nothing about load), `busy` when it was turned away.
    fn leave(&self, answered: Option<(Option<Duration>, Duration)>, busy: bool) {
        let mut p = self.pace.lock().unwrap_or_else(|e| e.into_inner());
        p.active -= 1;
        if busy {
            p.slow_down();
        } else if let Some((handshake, total)) = answered {
            p.answered(handshake, total);
        }
        drop(p);
        // One slot freed, and the limit grows by at most one: two waiters to wake, not all
        // of them (with --parallel 1000, waking every waiter on every host cost more CPU than
        // the checks).
        self.wake.notify_one();
        self.wake.notify_one();
    }
}

/// Run `check` over `indices` of `targets` with the pace `shared`, `threads` workers.
#[allow(clippy::too_many_arguments)]
fn pass(
    targets: &[Target],
    indices: &[usize],
    threads: usize,
    shared: &Shared,
    key: &Path,
    keys: &Keys,
    accept_new: bool,
    timeout: Duration,
    interrupt: &AtomicBool,
    on_done: &(dyn Fn() + Sync),
) -> Vec<(usize, HostResult, Retry)> {
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, indices.len().max(1)) {
            s.spawn(|| loop {
                if interrupt.load(Ordering::SeqCst) {
                    return;
                }
                let n = next.fetch_add(1, Ordering::SeqCst);
                let Some(&i) = indices.get(n) else { return };
                if !shared.enter(interrupt) {
                    return;
                }
                let (r, retry, handshake) = check(&targets[i], key, keys, accept_new, timeout);
                let busy = r.stage == Some("SSH banner exchange") && retry == Retry::Yes;
                // No answer at all (DNS, TCP connect, no banner) says nothing about load.
                let silent = matches!(r.stage, Some("DNS" | "TCP connect"))
                    || (r.stage == Some("SSH banner exchange") && !busy);
                let answered = (!silent && r.result != Outcome::Skipped)
                    .then(|| (handshake, Duration::from_secs_f64(r.seconds)));
                shared.leave(answered, busy);
                out.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((i, r, retry));
                on_done();
            });
        }
    });
    out.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[allow(clippy::too_many_arguments)]
/// Check every target with at most `parallel` at a time (fewer while the servers struggle),
/// then try the hosts that may only have been busy again, `retries` times, a few at a time.
/// `on_done` is told each finished count (for a progress bar). Results are in the targets'
/// order.
pub fn check_all(
    targets: &[Target],
    key: &Path,
    keys: &Keys,
    accept_new: bool,
    parallel: usize,
    retries: u32,
    timeout: Duration,
    interrupt: &AtomicBool,
    on_done: &(dyn Fn(usize) + Sync),
) -> (Vec<Option<HostResult>>, RunStats) {
    let done = AtomicUsize::new(0);
    let tick = || on_done(done.fetch_add(1, Ordering::SeqCst) + 1);
    let shared = Shared {
        pace: Mutex::new(Pace::new(parallel, timeout)),
        wake: std::sync::Condvar::new(),
    };
    let mut results: Vec<Option<HostResult>> = vec![None; targets.len()];
    let all: Vec<usize> = (0..targets.len()).collect();
    let mut retry: Vec<(usize, Retry)> = Vec::new();
    for (i, r, class) in pass(
        targets, &all, parallel, &shared, key, keys, accept_new, timeout, interrupt, &tick,
    ) {
        if class != Retry::Never {
            retry.push((i, class));
        }
        results[i] = Some(r);
    }
    let mut stats = RunStats {
        parallel_requested: parallel,
        ..RunStats::default()
    };
    // Retries: at the end, when the rush is over, a few at a time.
    const RETRY_PARALLEL: usize = 2;
    for attempt in 1..=retries {
        let congested = shared
            .pace
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .congested;
        let again: Vec<usize> = retry
            .iter()
            .filter(|(_, c)| *c == Retry::Yes || (*c == Retry::IfCongested && congested))
            .map(|(i, _)| *i)
            .collect();
        if again.is_empty() || interrupt.load(Ordering::SeqCst) {
            break;
        }
        stats.retried += again.len();
        {
            let mut p = shared.pace.lock().unwrap_or_else(|e| e.into_inner());
            p.allowed = RETRY_PARALLEL.min(p.limit);
        }
        retry.clear();
        for (i, mut r, class) in pass(
            targets,
            &again,
            RETRY_PARALLEL,
            &shared,
            key,
            keys,
            accept_new,
            timeout,
            interrupt,
            &|| {},
        ) {
            r.attempts = attempt + 1;
            if r.result == Outcome::Success {
                stats.passed_on_retry += 1;
                let first = results[i]
                    .as_ref()
                    .map(|f| f.detail.clone())
                    .unwrap_or_default();
                r.detail = format!("passed on retry {attempt} (first try: {first})");
            } else if class != Retry::Never {
                retry.push((i, class));
            }
            results[i] = Some(r);
        }
    }
    stats.parallel_peak = shared.pace.lock().unwrap_or_else(|e| e.into_inner()).peak;
    (results, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_pace_starts_low_and_grows_with_quick_hosts() {
        let mut p = Pace::new(200, Duration::from_secs(10));
        assert_eq!(p.allowed, 8);
        for _ in 0..50 {
            p.answered(Some(20 * MS), 200 * MS);
        }
        assert_eq!(p.allowed, 58);
        assert!(!p.congested);
        let mut small = Pace::new(3, Duration::from_secs(10));
        for _ in 0..10 {
            small.answered(Some(20 * MS), 200 * MS);
        }
        assert_eq!(small.allowed, 3, "never past --parallel");
    }

    #[test]
    fn the_pace_shrinks_when_hosts_near_the_timeout_or_handshakes_triple() {
        let mut p = Pace::new(200, Duration::from_secs(10));
        p.allowed = 90;
        for _ in 0..4 {
            p.answered(Some(20 * MS), Duration::from_secs(3));
        }
        assert_eq!(p.allowed, 60, "a quarter of the timeout is the limit");
        assert!(p.congested);
        let mut h = Pace::new(200, Duration::from_secs(10));
        h.allowed = 30;
        for _ in 0..BASELINE_SAMPLES {
            h.answered(Some(20 * MS), 100 * MS);
        }
        for _ in 0..4 {
            h.answered(Some(400 * MS), 600 * MS);
        }
        assert!(h.allowed < 30, "{}", h.allowed);
        let mut b = Pace::new(200, Duration::from_secs(10));
        b.allowed = 9;
        b.slow_down();
        b.slow_down();
        b.slow_down();
        b.slow_down();
        assert_eq!(b.allowed, 2, "never below two");
    }

    #[test]
    fn only_a_busy_or_slow_answer_is_retried() {
        let t = |stage| SshError::Timeout {
            endpoint: "h".into(),
            stage,
            secs: 10,
        };
        assert_eq!(retry_class(&t("remote command")), Retry::Yes);
        assert_eq!(retry_class(&t("SSH handshake")), Retry::Yes);
        assert_eq!(retry_class(&t("SSH banner exchange")), Retry::IfCongested);
        assert_eq!(retry_class(&t("TCP connect")), Retry::Never);
        let busy = SshError::Busy {
            endpoint: "h".into(),
            reason: "x".into(),
        };
        assert_eq!(retry_class(&busy), Retry::Yes);
        let refused = SshError::AuthFailed {
            user: "u".into(),
            endpoint: "h".into(),
            method: "publickey",
        };
        assert_eq!(retry_class(&refused), Retry::Never);
    }
}
