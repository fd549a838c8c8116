//! Checking many hosts at once: as many connections in progress as the servers bear (slow
//! start, shrinking under load), then the hosts that were only busy again.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cancel::Cancel;

use super::*;

/// How many connections may be in progress at once, adapted as hosts answer. It starts low
/// (slow start) and grows by one with every host that answered quickly; it shrinks by a third
/// when the servers struggle: the median of the recent handshakes grows past three times the
/// first ones, or the median time a host takes grows past a quarter of the timeout (on a
/// small machine every connection's key exchange competes for the same cores, so more at once
/// only makes each slower until they time out), or a server turns connections away. So
/// `--parallel 200` on a 2-core machine checks as fast as the machine can and fails no
/// healthy host, while against real remote hosts, whose time is network latency, it grows to
/// `--parallel`.
pub(super) struct Pace {
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

pub(super) const BASELINE_SAMPLES: usize = 4;
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

pub(super) struct Shared {
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
}
