//! `test-connection`'s checks (SPEC 6): for each inventory host, in parallel with bounded
//! concurrency, one deadline covering DNS, TCP, the SSH banner and key exchange, the host key,
//! public-key authentication as the host's user, and one harmless remote command that proves
//! what orchestration needs on the host's platform (see `PROBE_VOS`). Every failure becomes a
//! specific, short reason.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cancel::Cancel;
use crate::clients::ssh::{self, Auth, Endpoint, HostKeys, SshError};
use crate::inventory::model::HostRow;
/// Declared in `wire` (the client and the service both read them); checked here.
pub use crate::wire::{NodeHost, NodeReport, Outcome, RemoteTest};

/// What the remote command prints: proof that a shell ran it (cmd.exe, PowerShell or sh).
pub const MARKER: &str = "ccadmin-connection-test";

/// The remote command on a VOS host. Its orchestration account's shell is the VOS CLI, which
/// answers only its own commands (`echo` is `Invalid command`, exit 2), so the host is asked
/// what orchestration reads first, and the answer must parse as a version report.
pub const PROBE_VOS: &str = "show version active --output json";

/// The harmless command that proves a login can do what orchestration needs on `platform`:
/// the VOS CLI's version report, or `echo` (which cmd.exe, PowerShell and sh all run).
fn probe(platform: &str) -> String {
    if platform == "VOS" {
        PROBE_VOS.to_owned()
    } else {
        format!("echo {MARKER}")
    }
}

/// At most `n` characters of what a host said, escaped so that it cannot act on a terminal.
fn peer_text(said: &str, n: usize) -> String {
    crate::text::terminal_safe(said).chars().take(n).collect()
}

/// Whether the remote command's exit status and output prove the login works: the detail of
/// a success (a VOS host's active version), or the failure's.
fn judge(platform: &str, code: i32, out: &str) -> Result<String, String> {
    let said = out.lines().next().unwrap_or("").trim();
    if code != 0 {
        return Err(if said.is_empty() || said.contains(MARKER) {
            format!("remote command failed: exit status {code}")
        } else {
            format!(
                "remote command failed: exit status {code}: {}",
                peer_text(said, 120)
            )
        });
    }
    if platform == "VOS" {
        return match crate::ops::software::Installed::parse(out.trim().as_bytes()) {
            Ok(i) => Ok(format!(
                "VOS CLI answered: active version {}",
                peer_text(&i.version, 128)
            )),
            Err(e) => Err(format!(
                "remote command failed: `{PROBE_VOS}` gave no valid version report ({})",
                peer_text(&e, 120)
            )),
        };
    }
    if out.contains(MARKER) {
        Ok(String::new())
    } else if said.is_empty() {
        Err(format!("remote command failed: exit status {code}"))
    } else {
        Err(format!(
            "remote command failed: exit status {code}: {}",
            peer_text(said, 120)
        ))
    }
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
    /// The host's key when known_hosts does not hold it: `ED25519 SHA256:…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_host_key: Option<String>,
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
        SshError::Connect { refused: true, .. } => {
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
/// answered (banner timeout: a black hole) is retried only when its silence may have been
/// load (see `Pace::silence_may_be_load`); a refusal, a rejected key or a changed host key
/// never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    Never,
    IfLoaded,
    Yes,
}

fn retry_class(e: &SshError) -> Retry {
    match e {
        SshError::Busy { .. } => Retry::Yes,
        SshError::Timeout { stage, .. } => match *stage {
            "SSH handshake" | "authentication" | "remote command" => Retry::Yes,
            "SSH banner exchange" => Retry::IfLoaded,
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
    heard: &AtomicU64,
    cancel: &Cancel,
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
        unknown_host_key: None,
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
        &ssh::Attempt {
            budget: timeout,
            deadline,
            heard: Some(heard),
            cancel: Some(cancel),
        },
    )
    .and_then(|conn| {
        handshake = Some(conn.handshake);
        conn.run(&probe(t.row.platform), deadline, timeout)
    });
    match outcome {
        Ok((code, out)) => match judge(t.row.platform, code, &out) {
            Ok(detail) => {
                r.result = Outcome::Success;
                r.detail = detail;
            }
            Err(detail) => {
                r.stage = Some("remote command");
                r.detail = detail;
            }
        },
        Err(e) => {
            let (stage, detail) = reason(&e, ep.port);
            r.stage = stage;
            r.detail = detail;
            if let SshError::HostKeyUnknown {
                key_type,
                fingerprint,
                ..
            } = &e
            {
                r.unknown_host_key = Some(format!("{key_type} {fingerprint}"));
            }
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
    /// When each host in progress started, and whether its server has said anything yet.
    /// (Milliseconds to the first bytes, 0 while nothing came.)
    started: std::collections::HashMap<u64, (Instant, std::sync::Arc<AtomicU64>)>,
    next_ticket: u64,
    timeout: Duration,
    /// The longest a server took to say its first word, and whether one turned a
    /// connection away: the evidence that silence may be load rather than a dead host.
    slowest_banner: Duration,
    turned_away: bool,
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
            started: Default::default(),
            next_ticket: 0,
            timeout,
            slowest_banner: Duration::ZERO,
            turned_away: false,
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

    /// Whether another host may start now. A host whose server has not said a word for an
    /// eighth of the timeout is waiting on a dead address (or on a server that cannot even
    /// fork a greeting), not using this machine or loading anyone: it does not hold a place
    /// of the pace, so unreachable hosts do not queue the rest (never beyond --parallel).
    fn may_enter(&self, now: Instant) -> bool {
        if self.active >= self.limit {
            return false;
        }
        let silent = self
            .started
            .values()
            .filter(|(at, heard)| {
                heard.load(Ordering::SeqCst) == 0 && now.duration_since(*at) > self.timeout / 8
            })
            .count();
        self.active - silent.min(self.active) < self.allowed
    }

    /// Whether a host that said nothing for the whole timeout may only have been slow: some
    /// server turned a connection away, or some server took over half the timeout to say its
    /// first word. Otherwise every other server greeted well within it (however long the
    /// rest of its login took), and the silent one is unreachable.
    fn silence_may_be_load(&self) -> bool {
        self.turned_away || self.slowest_banner > self.timeout / 2
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
    /// Wait for a slot; its ticket and the flag the connection sets when the server speaks,
    /// or `None` when interrupted.
    fn enter(&self, interrupt: &AtomicBool) -> Option<(u64, std::sync::Arc<AtomicU64>)> {
        let mut p = self.pace.lock().unwrap_or_else(|e| e.into_inner());
        while !p.may_enter(Instant::now()) {
            if interrupt.load(Ordering::SeqCst) {
                return None;
            }
            // Woken when a slot frees; the timeout bounds how late Ctrl-C, and a host that
            // fell silent, are seen.
            p = self
                .wake
                .wait_timeout(p, Duration::from_millis(250))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        p.active += 1;
        p.peak = p.peak.max(p.active);
        let ticket = p.next_ticket;
        p.next_ticket += 1;
        let heard = std::sync::Arc::new(AtomicU64::new(0));
        p.started
            .insert(ticket, (Instant::now(), std::sync::Arc::clone(&heard)));
        Some((ticket, heard))
    }

    /// A host is done: `answered` with its handshake and whole time when the server answered
    /// at all (a black hole says nothing about load), `busy` when it was turned away.
    fn leave(&self, ticket: u64, answered: Option<(Option<Duration>, Duration)>, busy: bool) {
        let mut p = self.pace.lock().unwrap_or_else(|e| e.into_inner());
        p.active -= 1;
        if let Some((_, heard)) = p.started.remove(&ticket) {
            let ms = heard.load(Ordering::SeqCst);
            p.slowest_banner = p.slowest_banner.max(Duration::from_millis(ms));
        }
        if busy {
            p.turned_away = true;
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
    interrupt: &Cancel,
    on_done: &(dyn Fn() + Sync),
) -> Vec<(usize, HostResult, Retry)> {
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, indices.len().max(1)) {
            s.spawn(|| loop {
                if interrupt.is_cancelled() {
                    return;
                }
                let n = next.fetch_add(1, Ordering::SeqCst);
                let Some(&i) = indices.get(n) else { return };
                let Some((ticket, heard)) = shared.enter(interrupt.flag()) else {
                    return;
                };
                let (r, retry, handshake) = check(
                    &targets[i],
                    key,
                    keys,
                    accept_new,
                    timeout,
                    &heard,
                    interrupt,
                );
                let busy = r.stage == Some("SSH banner exchange") && retry == Retry::Yes;
                // No answer at all (DNS, TCP connect, no banner) says nothing about load.
                let silent = matches!(r.stage, Some("DNS" | "TCP connect"))
                    || (r.stage == Some("SSH banner exchange") && !busy);
                let answered = (!silent && r.result != Outcome::Skipped)
                    .then(|| (handshake, Duration::from_secs_f64(r.seconds)));
                shared.leave(ticket, answered, busy);
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
    interrupt: &Cancel,
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
        let silence_may_be_load = shared
            .pace
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .silence_may_be_load();
        // The hosts that may have been busy, two at a time on the run's pace; beside them
        // the silent ones, all at once on a pace of their own (they wait, they load nothing),
        // so unreachable hosts cost one more timeout in all, not one per two hosts.
        let busy: Vec<usize> = retry
            .iter()
            .filter(|(_, c)| *c == Retry::Yes)
            .map(|(i, _)| *i)
            .collect();
        let silent: Vec<usize> = retry
            .iter()
            .filter(|(_, c)| *c == Retry::IfLoaded && silence_may_be_load)
            .map(|(i, _)| *i)
            .collect();
        if busy.is_empty() && silent.is_empty() || interrupt.is_cancelled() {
            break;
        }
        stats.retried += busy.len() + silent.len();
        {
            let mut p = shared.pace.lock().unwrap_or_else(|e| e.into_inner());
            p.allowed = RETRY_PARALLEL.min(p.limit);
        }
        let quiet = Shared {
            pace: Mutex::new(Pace::new(silent.len().min(parallel), timeout)),
            wake: std::sync::Condvar::new(),
        };
        quiet.pace.lock().unwrap_or_else(|e| e.into_inner()).allowed =
            silent.len().min(parallel).max(1);
        let run = |indices: &[usize], threads: usize, pace: &Shared| {
            pass(
                targets,
                indices,
                threads,
                pace,
                key,
                keys,
                accept_new,
                timeout,
                interrupt,
                &|| {},
            )
        };
        let (again_busy, again_silent) = std::thread::scope(|sc| {
            let h = sc.spawn(|| run(&silent, silent.len().min(parallel), &quiet));
            let b = run(&busy, RETRY_PARALLEL, &shared);
            (b, h.join().unwrap_or_default())
        });
        retry.clear();
        for (i, mut r, class) in again_busy.into_iter().chain(again_silent) {
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
    fn a_host_whose_server_never_spoke_gives_its_place() {
        use std::sync::Arc;
        let timeout = Duration::from_secs(10);
        let now = Instant::now();
        let flag = |b: bool| Arc::new(AtomicU64::new(if b { 5 } else { 0 }));
        let mut p = Pace::new(16, timeout);
        p.allowed = 2;
        p.active = 2;
        // Silent past an eighth of the timeout: waiting on a dead address.
        p.started
            .insert(0, (now - Duration::from_secs(2), flag(false)));
        p.started.insert(1, (now, flag(false)));
        assert!(p.may_enter(now), "the silent host does not hold a place");
        p.started.insert(2, (now, flag(false)));
        p.active = 3;
        assert!(
            !p.may_enter(now),
            "two that may be working fill the two places"
        );
        // A server that spoke is working, however long it takes.
        let mut q = Pace::new(16, timeout);
        q.allowed = 1;
        q.active = 1;
        q.started
            .insert(0, (now - Duration::from_secs(9), flag(true)));
        assert!(!q.may_enter(now));
        // Never past --parallel.
        let mut full = Pace::new(2, timeout);
        full.active = 2;
        full.started
            .insert(0, (now - Duration::from_secs(9), flag(false)));
        full.started
            .insert(1, (now - Duration::from_secs(9), flag(false)));
        assert!(!full.may_enter(now));
    }

    #[test]
    fn silence_counts_as_load_only_with_evidence_of_load() {
        let timeout = Duration::from_secs(10);
        let greeted_after = |ms: u64| {
            let mut p = Pace::new(16, timeout);
            p.active = 1;
            let heard = std::sync::Arc::new(AtomicU64::new(ms));
            p.started.insert(7, (Instant::now(), heard));
            let shared = Shared {
                pace: Mutex::new(p),
                wake: std::sync::Condvar::new(),
            };
            // The host's login took 9 s in all, however quick its greeting.
            shared.leave(7, Some((Some(20 * MS), Duration::from_secs(9))), false);
            let p = shared.pace.into_inner().unwrap();
            p.silence_may_be_load()
        };
        assert!(
            !greeted_after(300),
            "every server greeted quickly: silence is a dead host"
        );
        assert!(
            greeted_after(6_000),
            "a server took over half the timeout to greet"
        );
        let mut q = Pace::new(16, timeout);
        q.turned_away = true;
        assert!(q.silence_may_be_load(), "a server turned a connection away");
    }

    #[test]
    fn the_other_nodes_report_is_escaped_and_bounded() {
        let r = NodeReport::from_peer(NodeReport {
            node: "cc\u{1b}]0;owned\u{7}".into(),
            public_key: "ssh-ed25519 AAAA".into(),
            hosts: vec![NodeHost {
                host: "pga.lab".into(),
                result: Outcome::Failed,
                seconds: 1.0,
                stage: Some("auth\u{1b}[2J".into()),
                detail: format!("\u{1b}[31mred{}", "x".repeat(5000)),
            }],
        });
        let all = format!("{}{:?}{}", r.node, r.hosts[0].stage, r.hosts[0].detail);
        assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{all}");
        assert!(r.hosts[0].detail.chars().count() <= MAX_PEER_TEXT);
        assert!(r.hosts[0].detail.contains("red"));
    }

    #[test]
    fn the_remote_command_is_the_platforms_and_its_answer_is_judged_typed() {
        assert_eq!(probe("VOS"), PROBE_VOS);
        assert_eq!(probe("Windows"), format!("echo {MARKER}"));
        let report = "{\"version\": \"12.6.1\", \"patches\": []}\n";
        assert_eq!(
            judge("VOS", 0, report),
            Ok("VOS CLI answered: active version 12.6.1".to_owned())
        );
        // The VOS CLI does not run echo; a shell does not run the VOS CLI's command.
        assert_eq!(
            judge("VOS", 2, "Invalid command\n"),
            Err("remote command failed: exit status 2: Invalid command".to_owned())
        );
        assert_eq!(
            judge("Windows", 0, &format!("{MARKER}\r\n")),
            Ok(String::new())
        );
        assert_eq!(
            judge("Windows", 1, ""),
            Err("remote command failed: exit status 1".to_owned())
        );
        // What a host says is bounded and escaped, never passed raw.
        let hostile = judge(
            "VOS",
            0,
            "\u{1b}]0;pwned\u{7}{\"version\": \"1\u{1b}[31m\"}",
        )
        .unwrap_err();
        assert!(
            hostile.contains("gave no valid version report"),
            "{hostile}"
        );
        assert!(
            !hostile.chars().any(crate::text::acts_on_terminal),
            "{hostile:?}"
        );
        let long = judge("Windows", 5, &"\u{202e}x".repeat(1000)).unwrap_err();
        assert!(long.len() < 1000 && !long.contains('\u{202e}'), "{long}");
        // The version itself passed the record's checks but may still hold a bidi override.
        let bidi = judge("VOS", 0, r#"{"version": "12.6\u202e1"}"#).unwrap();
        assert!(!bidi.contains('\u{202e}'), "{bidi:?}");
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
        assert_eq!(retry_class(&t("SSH banner exchange")), Retry::IfLoaded);
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

/// Which inventory hosts to test.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// A host name (with or without `:PORT`), any case.
    pub node: Option<String>,
    /// A product, any case.
    pub product: Option<String>,
    /// Only these hosts, as the inventory names them (a second pass over some of a run's).
    pub hosts: Option<Vec<String>>,
}

/// How to test.
#[derive(Debug, Clone)]
pub struct Settings {
    pub accept_new_host_keys: bool,
    pub parallel: usize,
    pub retries: u32,
    pub timeout: Duration,
}

/// A finished test-connection run.
pub struct Report {
    pub results: Vec<HostResult>,
    pub stats: RunStats,
    /// This node's public key, for the hosts' authorized_keys.
    pub public_key: String,
}

/// `utils deployment test-connection` (SPEC 6), reporting (done, total) as hosts finish: log in to every selected inventory host with
/// this node's key. Windows hosts with the inventory's account; VOS hosts with the account
/// and host key recorded at onboarding (never learning another); others are skipped.
pub fn test_deployment(
    node: &mut super::Node,
    filter: &Filter,
    settings: &Settings,
    on_done: &(dyn Fn(usize, usize) + Sync),
) -> super::OpResult<Report> {
    use super::{Kind, OpError};
    let inv = super::inventory::current(node)?;
    let mut rows = inv.rows();
    if let Some(n) = &filter.node {
        rows.retain(|r| {
            r.name.eq_ignore_ascii_case(n)
                || r.name
                    .split(':')
                    .next()
                    .is_some_and(|h| h.eq_ignore_ascii_case(n))
        });
    }
    if let Some(p) = &filter.product {
        rows.retain(|r| r.product.eq_ignore_ascii_case(p));
    }
    if let Some(hosts) = &filter.hosts {
        rows.retain(|r| hosts.contains(&r.name));
    }
    if rows.is_empty() {
        let what = if filter.node.is_some() || filter.product.is_some() {
            "no inventory host matches --node/--product"
        } else {
            "the inventory has no hosts"
        };
        return Err(
            OpError::new(Kind::NotFound, format!("nothing to test: {what}"))
                .hint("see the hosts with: utils system inventory show"),
        );
    }
    let (targets, access) = access(node, rows)?;
    let (results, stats) = check_all(
        &targets,
        &access.key.private,
        &Keys {
            known_hosts: &access.known_hosts,
            recorded: &access.recorded,
        },
        settings.accept_new_host_keys,
        settings.parallel,
        settings.retries,
        settings.timeout,
        &node.cancel,
        &|n| on_done(n, targets.len()),
    );
    node.cancel.check()?;
    Ok(Report {
        results: results.into_iter().flatten().collect(),
        stats,
        public_key: access.key.public_line,
    })
}

/// How this node logs in to deployment hosts: its key, the host keys it learnt, and the host
/// keys recorded when VOS clusters were onboarded.
pub struct Access {
    pub key: crate::nodekey::NodeKey,
    pub known_hosts: HostKeys,
    pub recorded: HostKeys,
}

impl Access {
    /// The host keys a target is checked against.
    pub fn host_keys(&self, t: &Target) -> &HostKeys {
        if t.recorded_key {
            &self.recorded
        } else {
            &self.known_hosts
        }
    }
}

/// The targets of `rows` (Windows hosts with the inventory's account; VOS hosts with the
/// account and host key recorded at onboarding, or the reason they cannot be reached) and the
/// keys to log in with.
pub fn access(
    node: &mut super::Node,
    rows: Vec<HostRow>,
) -> super::OpResult<(Vec<Target>, Access)> {
    use super::{Kind, OpError};
    let onboarded = node.db()?.onboarded_hosts()?;
    let targets: Vec<Target> = rows
        .into_iter()
        .map(|row| {
            if row.platform == "Windows" {
                return Target { user: Ok(row.detail.clone()), row, recorded_key: false };
            }
            match onboarded.iter().find(|h| h.host.eq_ignore_ascii_case(&row.name)) {
                Some(h) => Target { user: Ok(h.user.clone()), row, recorded_key: true },
                None => Target {
                    user: Err("not onboarded: no orchestration account or host key recorded (run utils system onboard trigger on the VOS publisher)".to_owned()),
                    row,
                    recorded_key: false,
                },
            }
        })
        .collect();
    let host = node.identity()?.hostname;
    let key =
        crate::nodekey::ensure(node.root(), &host).map_err(|e| OpError::new(Kind::Storage, e))?;
    let host_keys = HostKeys::new(node.root().join("known_hosts"));
    // The keys recorded at onboarding, as a known_hosts file of their own: each line rebuilt
    // from a parsed endpoint and a parsed key, so no stored text can add a line or a marker.
    let recorded_path = node.root().join("onboarded_known_hosts");
    let lines: String = onboarded
        .iter()
        .filter_map(|h| {
            let ep = Endpoint::parse(&h.host, h.port).ok()?;
            let key = crate::sshkeys::SshPublicKey::parse(&h.host_key).ok()?;
            Some(format!("{}\n", key.known_hosts_line(&ep)))
        })
        .collect();
    crate::state::write_private_file(&recorded_path, lines.as_bytes()).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot write {}: {e}", recorded_path.display()),
        )
    })?;
    let recorded = HostKeys::new(recorded_path);
    Ok((
        targets,
        Access {
            key,
            known_hosts: host_keys,
            recorded,
        },
    ))
}

/// The longest text of the other node's report kept.
const MAX_PEER_TEXT: usize = 1024;
/// The most hosts of the other node's report kept.
const MAX_PEER_HOSTS: usize = 100_000;

impl NodeReport {
    /// The other Cloud Connect node's report, made safe to show: every text it sent is
    /// escaped for a terminal and bounded, whatever that node is (a compromised one too).
    pub fn from_peer(mut r: NodeReport) -> NodeReport {
        let safe = |s: &str| -> String {
            crate::text::terminal_safe(s)
                .chars()
                .take(MAX_PEER_TEXT)
                .collect()
        };
        r.node = safe(&r.node);
        r.public_key = safe(&r.public_key);
        r.hosts.truncate(MAX_PEER_HOSTS);
        for h in &mut r.hosts {
            h.host = safe(&h.host);
            h.detail = safe(&h.detail);
            h.stage = h.stage.as_deref().map(safe);
        }
        r
    }
}

impl From<&HostResult> for NodeHost {
    fn from(r: &HostResult) -> NodeHost {
        NodeHost {
            host: r.host.clone(),
            result: r.result,
            seconds: r.seconds,
            stage: r.stage.map(str::to_owned),
            detail: r.detail.clone(),
        }
    }
}

impl RemoteTest {
    /// The same bounds the console's flags have.
    pub fn settings(&self) -> super::OpResult<(Filter, Settings)> {
        if !(1..=1024).contains(&self.parallel)
            || !(1..=300).contains(&self.timeout_secs)
            || self.retries > 5
        {
            return Err(super::OpError::new(
                super::Kind::Invalid,
                "parallel, timeout_secs or retries is out of range",
            ));
        }
        Ok((
            Filter {
                node: self.node.clone(),
                product: self.product.clone(),
                hosts: None,
            },
            Settings {
                accept_new_host_keys: false,
                parallel: self.parallel,
                retries: self.retries,
                timeout: Duration::from_secs(self.timeout_secs),
            },
        ))
    }

    /// How long the whole run may take on the other node: every retry of the slowest host,
    /// and a margin for the call itself.
    pub fn deadline(&self) -> Duration {
        Duration::from_secs(self.timeout_secs * (u64::from(self.retries) + 2) + 10)
    }
}

/// Run test-connection on this node for the other Cloud Connect node.
pub fn test_for_peer(node: &mut super::Node, request: &RemoteTest) -> super::OpResult<NodeReport> {
    let (filter, settings) = request.settings()?;
    let report = test_deployment(node, &filter, &settings, &|_, _| {})?;
    Ok(NodeReport {
        node: node.identity()?.hostname,
        public_key: report.public_key,
        hosts: report.results.iter().map(NodeHost::from).collect(),
    })
}
