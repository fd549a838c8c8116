//! HTTP Basic authentication of application users for the node service, with the two things a
//! service on a network needs: a short-lived cache of verified credentials (argon2 is slow on
//! purpose; 200 requests must not cost 200 hashes) and a per-source-address limit on failed
//! logins.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::secrets::Secret;

/// Failed logins allowed per source address within `WINDOW`.
pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(60);
/// How long a verified user:password stays verified without hashing again.
const CACHE_FOR: Duration = Duration::from_secs(60);

pub enum Verdict {
    Allowed,
    /// No or wrong credentials.
    Denied,
    /// Too many failures from this address: retry after this many seconds.
    Limited(u64),
}

pub struct Authenticator {
    db_path: PathBuf,
    host_name: String,
    /// SHA-256 of `user:password` (never the password) → when it was verified.
    verified: Mutex<HashMap<[u8; 32], Instant>>,
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

fn digest(user: &str, password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(user.as_bytes());
    h.update([0u8]);
    h.update(password.as_bytes());
    h.finalize().into()
}

impl Authenticator {
    pub fn new(db_path: PathBuf, host_name: String) -> Self {
        Authenticator {
            db_path,
            host_name,
            verified: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn limited(&self, ip: IpAddr) -> Option<u64> {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let q = f.entry(ip).or_default();
        while q.front().is_some_and(|t| t.elapsed() > WINDOW) {
            q.pop_front();
        }
        (q.len() >= MAX_FAILURES).then(|| {
            q.front()
                .map(|t| WINDOW.saturating_sub(t.elapsed()).as_secs() + 1)
                .unwrap_or(1)
        })
    }

    fn fail(&self, ip: IpAddr) -> Verdict {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(ip)
            .or_default()
            .push_back(Instant::now());
        Verdict::Denied
    }

    /// Check an `Authorization` header value from `ip`. Blocking (argon2, SQLite): call it
    /// from a blocking thread.
    pub fn check(&self, ip: IpAddr, header: Option<&str>) -> Verdict {
        if let Some(wait) = self.limited(ip) {
            return Verdict::Limited(wait);
        }
        let Some((user, password)) = header
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .ok()
            })
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|s| s.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned())))
        else {
            return self.fail(ip);
        };
        let key = digest(&user, &password);
        let fresh = self
            .verified
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .is_some_and(|at| at.elapsed() < CACHE_FOR);
        if fresh {
            return Verdict::Allowed;
        }
        let hash = crate::state::Db::open(&self.db_path, &self.host_name)
            .and_then(|db| db.app_user_hash(&user));
        match hash {
            Ok(Some(h)) if crate::passwords::verify(&Secret::new(password), &h) => {
                self.verified
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(key, Instant::now());
                Verdict::Allowed
            }
            _ => self.fail(ip),
        }
    }
}
