//! HTTP Basic authentication of application users for the node service, hardened for a
//! network where anyone may knock:
//!
//! - **Failure limits**, per source address and per account, counted *atomically with the
//!   check*: an attempt reserves a slot before its password is verified, so 200 simultaneous
//!   guesses get at most `MAX_FAILURES` verifications, not 200. Requests without credentials
//!   cost nothing and count nothing, so they cannot lock an address out.
//! - **Bounded verification**: argon2 is slow and large on purpose (19 MiB each); at most
//!   `MAX_VERIFYING` run at once, and a request beyond that is answered "busy" at once instead
//!   of queueing memory.
//! - **Same cost for unknown users**: an unknown name is verified against a dummy hash.
//! - **A cache that cannot outlive a change**: a verified user:password is remembered with the
//!   stored hash it matched; a deleted user or a changed password (another process may have
//!   done it) no longer matches the stored hash, so the entry is dead at once.
//! - **Counted for monitoring**: refused and limited attempts since the process started
//!   ([`Authenticator::counts`], exported by `GET /metrics`); requests without credentials are
//!   not attempts and count nothing here either.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::secrets::Secret;

/// Failed attempts allowed per source address within `WINDOW`.
pub const MAX_FAILURES: usize = 5;
/// Failed attempts allowed per account (from all addresses together) within `WINDOW`.
pub const MAX_ACCOUNT_FAILURES: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(60);
/// Password verifications running at once (argon2: 19 MiB and one core each).
pub const MAX_VERIFYING: usize = 2;
/// How long a verified user:password stays verified without hashing again.
const CACHE_FOR: Duration = Duration::from_secs(60);
/// Bound on the addresses and accounts remembered by the limiter.
const MAX_TRACKED: usize = 4096;

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The application user, as it authenticated.
    Allowed(String),
    /// No or wrong credentials.
    Denied,
    /// Too many failures from this address or for this account: retry after this many seconds.
    Limited(u64),
    /// Too many verifications in progress: retry in a moment.
    Busy,
}

/// Recent failures and attempts in progress of one address or account.
#[derive(Default)]
struct Tally {
    failures: VecDeque<Instant>,
    pending: usize,
}

impl Tally {
    fn purge(&mut self) {
        while self.failures.front().is_some_and(|t| t.elapsed() > WINDOW) {
            self.failures.pop_front();
        }
    }
    fn wait(&self) -> u64 {
        self.failures
            .front()
            .map(|t| WINDOW.saturating_sub(t.elapsed()).as_secs() + 1)
            .unwrap_or(1)
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Subject {
    Address(IpAddr),
    Account(String),
}

#[derive(Default)]
struct Limiter {
    tallies: HashMap<Subject, Tally>,
}

impl Limiter {
    fn limit(subject: &Subject) -> usize {
        match subject {
            Subject::Address(_) => MAX_FAILURES,
            Subject::Account(_) => MAX_ACCOUNT_FAILURES,
        }
    }

    /// Reserve an attempt for every subject, or say how long to wait.
    fn reserve(&mut self, subjects: &[Subject]) -> Result<(), u64> {
        if self.tallies.len() > MAX_TRACKED {
            self.tallies.retain(|_, t| {
                t.purge();
                t.pending > 0 || !t.failures.is_empty()
            });
        }
        self.check(subjects)?;
        for s in subjects {
            self.tallies.entry(s.clone()).or_default().pending += 1;
        }
        Ok(())
    }

    /// Whether every subject is under its limit (attempts in progress count).
    fn check(&mut self, subjects: &[Subject]) -> Result<(), u64> {
        for s in subjects {
            if let Some(t) = self.tallies.get_mut(s) {
                t.purge();
                if t.failures.len() + t.pending >= Self::limit(s) {
                    return Err(t.wait());
                }
            }
        }
        Ok(())
    }

    /// Count a failure for every subject unless one is already at its limit.
    fn fail(&mut self, subjects: &[Subject]) -> Result<(), u64> {
        self.check(subjects)?;
        for s in subjects {
            self.tallies
                .entry(s.clone())
                .or_default()
                .failures
                .push_back(Instant::now());
        }
        Ok(())
    }

    fn settle(&mut self, subjects: &[Subject], failed: bool) {
        for s in subjects {
            if let Some(t) = self.tallies.get_mut(s) {
                t.pending = t.pending.saturating_sub(1);
                if failed {
                    t.failures.push_back(Instant::now());
                }
            }
        }
    }
}

/// An attempt that holds a slot in the limiter until it is settled (or dropped: not counted).
pub struct Attempt<'a> {
    auth: &'a Authenticator,
    subjects: Vec<Subject>,
    settled: bool,
    /// A secret presented to [`Authenticator::attempt`]: its refusal is counted as one.
    secret: bool,
}

impl Attempt<'_> {
    /// Record how the attempt ended.
    pub fn settle(mut self, ok: bool) {
        self.auth.lock().settle(&self.subjects, !ok);
        self.settled = true;
        if !ok && self.secret {
            Authenticator::bump(&self.auth.counts.refused_secrets);
        }
    }
}

/// Refused and limited attempts since the process started, for `GET /metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginCounts {
    /// Wrong name or password (application users, hub accounts).
    pub refused_passwords: u64,
    /// A wrong secret presented to [`Authenticator::attempt`] (the cluster secret).
    pub refused_secrets: u64,
    /// Answered "too many failures" (429) instead of being checked.
    pub limited_passwords: u64,
    pub limited_secrets: u64,
    /// Answered "busy" (503): too many verifications at once.
    pub busy: u64,
}

#[derive(Default)]
struct Counters {
    refused_passwords: AtomicU64,
    refused_secrets: AtomicU64,
    limited_passwords: AtomicU64,
    limited_secrets: AtomicU64,
    busy: AtomicU64,
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.auth.lock().settle(&self.subjects, false);
        }
    }
}

pub struct Authenticator {
    db_path: PathBuf,
    host_name: String,
    /// SHA-256 of `user:password` (never the password) → the stored hash it matched, and when.
    verified: Mutex<HashMap<[u8; 32], (String, Instant)>>,
    limiter: Mutex<Limiter>,
    /// Verifications in progress, by credential digest: the same credential presented many
    /// times at once is verified once, and the others wait for that answer.
    in_flight: Mutex<HashMap<[u8; 32], Arc<Flight>>>,
    verifying: AtomicUsize,
    /// Verified against when the user does not exist, so that costs what a real check costs.
    dummy_hash: String,
    counts: Counters,
}

/// One verification in progress and the requests waiting for its answer.
#[derive(Default)]
struct Flight {
    answer: Mutex<Option<Outcome>>,
    done: Condvar,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Valid,
    Invalid,
    Busy,
    Limited(u64),
}

fn digest(user: &str, password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(user.as_bytes());
    h.update([0u8]);
    h.update(password.as_bytes());
    h.finalize().into()
}

/// `user` and password of a Basic `Authorization` header.
pub(crate) fn basic(header: &str) -> Option<(String, String)> {
    let b = header.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b.trim())
        .ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_owned(), p.to_owned()))
}

impl Authenticator {
    pub fn new(db_path: PathBuf, host_name: String) -> Self {
        let random: String = {
            let mut b = [0u8; 24];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
            base64::engine::general_purpose::STANDARD.encode(b)
        };
        Authenticator {
            db_path,
            host_name,
            verified: Mutex::new(HashMap::new()),
            limiter: Mutex::new(Limiter::default()),
            in_flight: Mutex::new(HashMap::new()),
            verifying: AtomicUsize::new(0),
            dummy_hash: crate::passwords::hash(&Secret::new(random)).unwrap_or_default(),
            counts: Counters::default(),
        }
    }

    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Refused and limited attempts since this authenticator (the process) started.
    pub fn counts(&self) -> LoginCounts {
        let c = &self.counts;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        LoginCounts {
            refused_passwords: get(&c.refused_passwords),
            refused_secrets: get(&c.refused_secrets),
            limited_passwords: get(&c.limited_passwords),
            limited_secrets: get(&c.limited_secrets),
            busy: get(&c.busy),
        }
    }

    /// A password check's verdict, counted.
    fn counted(&self, v: Verdict) -> Verdict {
        match &v {
            Verdict::Denied => Self::bump(&self.counts.refused_passwords),
            Verdict::Limited(_) => Self::bump(&self.counts.limited_passwords),
            Verdict::Busy => Self::bump(&self.counts.busy),
            Verdict::Allowed(_) => {}
        }
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Limiter> {
        self.limiter.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn subjects(ip: IpAddr, account: Option<&str>) -> Vec<Subject> {
        let mut subjects = vec![Subject::Address(ip)];
        if let Some(a) = account {
            subjects.push(Subject::Account(a.to_lowercase()));
        }
        subjects
    }

    /// Reserve an attempt from `ip` (and for `account`, when one is named), or say how many
    /// seconds to wait. Used for every secret a peer presents: passwords and the cluster secret.
    pub fn attempt(&self, ip: IpAddr, account: Option<&str>) -> Result<Attempt<'_>, u64> {
        let subjects = Self::subjects(ip, account);
        if let Err(wait) = self.lock().reserve(&subjects) {
            Self::bump(&self.counts.limited_secrets);
            return Err(wait);
        }
        Ok(Attempt {
            auth: self,
            subjects,
            settled: false,
            secret: true,
        })
    }

    /// Check an `Authorization` header value from `ip`. Blocking (argon2, SQLite): call it
    /// from a blocking thread.
    pub fn check(&self, ip: IpAddr, header: Option<&str>) -> Verdict {
        // No credentials: nothing to verify and nothing to count.
        let Some((user, password)) = header.and_then(basic) else {
            return Verdict::Denied;
        };
        let subjects = Self::subjects(ip, Some(&user));
        // The limit comes first, for every request: a limited address learns nothing, not
        // even whether a guess would have matched a cached credential.
        if let Err(wait) = self.lock().check(&subjects) {
            return self.counted(Verdict::Limited(wait));
        }
        let stored = match crate::state::Db::open(&self.db_path, &self.host_name)
            .and_then(|db| db.app_user_hash(&user))
        {
            Ok(h) => h,
            // The state cannot be read: not the client's fault, and not counted.
            Err(_) => return Verdict::Denied,
        };
        let key = digest(&user, &password);
        let cached = stored.as_ref().is_some_and(|h| {
            self.verified
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&key)
                .is_some_and(|(matched, at)| matched == h && at.elapsed() < CACHE_FOR)
        });
        if cached {
            return Verdict::Allowed(user);
        }
        // Join a verification of the same credential in progress, or lead one.
        let (flight, leader) = {
            let mut f = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            match f.get(&key) {
                Some(fl) => (Arc::clone(fl), false),
                None => {
                    let fl = Arc::new(Flight::default());
                    f.insert(key, Arc::clone(&fl));
                    (fl, true)
                }
            }
        };
        let outcome = if leader {
            let outcome = self.verify(&subjects, &password, stored.as_deref());
            self.in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&key);
            *flight.answer.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
            flight.done.notify_all();
            if outcome == Outcome::Valid {
                if let Some(h) = stored {
                    let mut cache = self.verified.lock().unwrap_or_else(|p| p.into_inner());
                    cache.retain(|_, (_, at)| at.elapsed() < CACHE_FOR);
                    cache.insert(key, (h, Instant::now()));
                }
            }
            outcome
        } else {
            let answer = flight.answer.lock().unwrap_or_else(|p| p.into_inner());
            let (answer, _) = flight
                .done
                .wait_timeout_while(answer, Duration::from_secs(30), |a| a.is_none())
                .unwrap_or_else(|p| p.into_inner());
            let outcome = answer.unwrap_or(Outcome::Busy);
            // A waiter's wrong guess counts as its own failure, checked against the limit
            // atomically: a burst of one wrong password gets no more refusals than the limit.
            if outcome == Outcome::Invalid {
                if let Err(wait) = self.lock().fail(&subjects) {
                    return self.counted(Verdict::Limited(wait));
                }
            }
            outcome
        };
        self.counted(match outcome {
            Outcome::Valid => Verdict::Allowed(user),
            Outcome::Invalid => Verdict::Denied,
            Outcome::Busy => Verdict::Busy,
            Outcome::Limited(wait) => Verdict::Limited(wait),
        })
    }

    /// Check `password` for `account` against its stored hash (`None`: no such account, and a
    /// dummy hash costs the same), limited and bounded as every login here. For accounts kept
    /// elsewhere than this node's database (the hub's).
    pub fn verify_password(
        &self,
        ip: IpAddr,
        account: &str,
        password: &str,
        stored: Option<&str>,
    ) -> Verdict {
        let subjects = Self::subjects(ip, Some(account));
        if let Err(wait) = self.lock().check(&subjects) {
            return self.counted(Verdict::Limited(wait));
        }
        self.counted(match self.verify(&subjects, password, stored) {
            Outcome::Valid => Verdict::Allowed(account.to_owned()),
            Outcome::Invalid => Verdict::Denied,
            Outcome::Busy => Verdict::Busy,
            Outcome::Limited(wait) => Verdict::Limited(wait),
        })
    }

    /// Verify one credential under a reservation and the bound on concurrent verifications.
    fn verify(&self, subjects: &[Subject], password: &str, stored: Option<&str>) -> Outcome {
        if let Err(wait) = self.lock().reserve(subjects) {
            return Outcome::Limited(wait);
        }
        let attempt = Attempt {
            auth: self,
            subjects: subjects.to_vec(),
            settled: false,
            secret: false,
        };
        // Bounded verification: beyond the limit, answer busy now rather than queue.
        if self.verifying.fetch_add(1, Ordering::SeqCst) >= MAX_VERIFYING {
            self.verifying.fetch_sub(1, Ordering::SeqCst);
            attempt.settle(true);
            return Outcome::Busy;
        }
        let secret = Secret::new(password);
        let ok = match stored {
            Some(h) => crate::passwords::verify(&secret, h),
            None => {
                crate::passwords::verify(&secret, &self.dummy_hash);
                false
            }
        };
        self.verifying.fetch_sub(1, Ordering::SeqCst);
        attempt.settle(ok);
        if ok {
            Outcome::Valid
        } else {
            Outcome::Invalid
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(user: &str, password: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    }

    fn with_user() -> (tempfile::TempDir, Authenticator) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ccadmin.db");
        let mut db = crate::state::Db::open(&p, "cc").unwrap();
        let h = crate::passwords::hash(&Secret::new("Right-Password-1")).unwrap();
        db.add_app_user("admin", &h).unwrap();
        (d, Authenticator::new(p, "cc".into()))
    }

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn anonymous_requests_never_lock_an_address_out() {
        let (_d, a) = with_user();
        for _ in 0..50 {
            assert_eq!(a.check(IP, None), Verdict::Denied);
            assert_eq!(a.check(IP, Some("Bearer x")), Verdict::Denied);
        }
        assert_eq!(
            a.check(IP, Some(&header("admin", "Right-Password-1"))),
            Verdict::Allowed("admin".into())
        );
    }

    #[test]
    fn attempts_in_flight_count_against_the_limit() {
        let (_d, a) = with_user();
        let held: Vec<_> = (0..MAX_FAILURES)
            .map(|_| a.attempt(IP, Some("admin")).unwrap())
            .collect();
        assert!(a.attempt(IP, Some("admin")).is_err(), "a sixth reservation");
        drop(held);
        assert_eq!(
            a.check(IP, Some(&header("admin", "Right-Password-1"))),
            Verdict::Allowed("admin".into())
        );
        for _ in 0..MAX_FAILURES {
            a.attempt(IP, None).unwrap().settle(false);
        }
        assert!(matches!(
            a.check(IP, Some(&header("admin", "Right-Password-1"))),
            Verdict::Limited(_)
        ));
    }

    #[test]
    fn refused_and_limited_logins_are_counted_and_anonymous_requests_are_not() {
        let (_d, a) = with_user();
        a.check(IP, None);
        a.check(IP, Some("Bearer x"));
        assert_eq!(a.counts(), LoginCounts::default());
        for _ in 0..MAX_FAILURES {
            assert_eq!(
                a.check(IP, Some(&header("admin", "wrong"))),
                Verdict::Denied
            );
        }
        assert!(matches!(
            a.check(IP, Some(&header("admin", "wrong"))),
            Verdict::Limited(_)
        ));
        let c = a.counts();
        assert_eq!((c.refused_passwords, c.limited_passwords), (5, 1));
        // The cluster secret's attempts are counted apart.
        let other = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 3, 1));
        a.attempt(other, None).unwrap().settle(false);
        a.attempt(other, None).unwrap().settle(true);
        let c = a.counts();
        assert_eq!((c.refused_secrets, c.limited_secrets), (1, 0));
        assert!(a.attempt(IP, None).is_err());
        assert_eq!(a.counts().limited_secrets, 1);
        assert_eq!(a.counts().refused_passwords, 5);
    }

    #[test]
    fn the_account_limit_holds_across_addresses() {
        let (_d, a) = with_user();
        for i in 0..MAX_ACCOUNT_FAILURES {
            let ip = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 1, i as u8 + 1));
            assert_eq!(
                a.check(ip, Some(&header("ADMIN", "wrong"))),
                Verdict::Denied
            );
        }
        let fresh = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 2, 1));
        assert!(matches!(
            a.check(fresh, Some(&header("admin", "wrong"))),
            Verdict::Limited(_)
        ));
        // Another account from that address is not affected.
        assert_eq!(
            a.check(fresh, Some(&header("other", "wrong"))),
            Verdict::Denied
        );
    }
}
