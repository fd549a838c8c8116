//! Downloads that resume with HTTP `Range` into `<dest>.part` and take their final name only
//! once their SHA-256 is verified, read no faster than the client's bandwidth allows.

use std::io::{Read, Write};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::clients::error_chain as chain;

use super::*;

impl Artifactory {
    /// Downloads read at most `bytes_per_second` (the throttle of `utils set software-download
    /// bandwidth`); `None` is unlimited. Requests other than downloads are not paced.
    pub fn with_bandwidth(mut self, bytes_per_second: Option<NonZeroU64>) -> Artifactory {
        self.bandwidth = bytes_per_second;
        self
    }

    /// attempt with `Range`, retrying a cut connection `retries` times with backoff, and
    /// verifying the SHA-256 before the final rename. A mismatch deletes the part.
    pub fn download(
        &self,
        path: &str,
        dest: &Path,
        retries: u32,
        backoff: Duration,
        interrupt: &AtomicBool,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<u64, ArtError> {
        let (expected, size) = self.file_checksum(path)?;
        let part = part_path(dest);
        let local = |e: std::io::Error, p: &Path| ArtError::Local {
            path: p.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| local(e, parent))?;
        }
        let url = format!("{}/{}{}", self.base, self.repository, path);
        // The SHA-256 is computed while the bytes arrive; `hashed` says how much of the part
        // it covers, so a resumed download hashes only what it has not seen.
        let mut hash = Hashed {
            hasher: Sha256::new(),
            len: 0,
        };
        let mut attempt = 0;
        loop {
            match self.fetch_into(&url, path, &part, size, &mut hash, interrupt, progress) {
                Ok(()) => break,
                Err(ArtError::Dropped { .. }) | Err(ArtError::Unreachable { .. })
                    if attempt < retries =>
                {
                    attempt += 1;
                    let wait = backoff * 2u32.saturating_pow(attempt - 1);
                    let deadline = std::time::Instant::now() + wait;
                    while std::time::Instant::now() < deadline {
                        if interrupt.load(Ordering::SeqCst) {
                            return Err(ArtError::Interrupted);
                        }
                        std::thread::sleep(Duration::from_millis(50).min(wait));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let actual: String = hash
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if actual != expected {
            let _ = std::fs::remove_file(&part);
            return Err(ArtError::Checksum {
                path: path.to_owned(),
                expected,
                actual,
            });
        }
        let len = std::fs::metadata(&part).map_err(|e| local(e, &part))?.len();
        std::fs::rename(&part, dest).map_err(|e| local(e, dest))?;
        Ok(len)
    }

    /// One attempt: ask for what the part lacks and append it (or start over when the server
    /// sends the whole file). Receiving runs on this client's runtime; opening, writing,
    /// hashing and syncing the part run on a writer thread fed through a bounded channel,
    /// so nothing blocks inside async code and the two overlap.
    #[allow(clippy::too_many_arguments)]
    fn fetch_into(
        &self,
        url: &str,
        path: &str,
        part: &Path,
        size: Option<u64>,
        hash: &mut Hashed,
        interrupt: &AtomicBool,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<(), ArtError> {
        let local = |e: std::io::Error| ArtError::Local {
            path: part.display().to_string(),
            reason: e.to_string(),
        };
        let have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        if hash.len != have {
            // A part left by an earlier run (or not what we hashed): hash it afresh.
            *hash = Hashed::of_file(part, have).map_err(local)?;
        }
        if size.is_some_and(|s| have == s) {
            return Ok(());
        }
        let resp = self.until_cancelled(self.send(url, true, Some(have), None))?;
        let status = resp.status();
        let append = match status {
            // The server resumes: append.
            StatusCode::PARTIAL_CONTENT => true,
            // A full answer (no Range support, or nothing to resume): start over.
            StatusCode::OK => {
                *hash = Hashed {
                    hasher: Sha256::new(),
                    len: 0,
                };
                false
            }
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // The part is longer than the file: it is wrong; start over next attempt.
                let _ = std::fs::remove_file(part);
                return Err(ArtError::Dropped {
                    path: path.to_owned(),
                    reason: "the partial download was longer than the file".into(),
                });
            }
            _ => {
                let body = self
                    .until_cancelled(read_body(resp, SMALL_BODY, url))
                    .unwrap_or_default();
                return Err(self.classify(url, status, &String::from_utf8_lossy(&body)));
            }
        };
        let file = if append {
            std::fs::OpenOptions::new().append(true).open(part)
        } else {
            std::fs::File::create(part)
        }
        .map_err(local)?;
        let mut done = if append { have } else { 0 };
        // The network's small chunks travel in 1 MiB blocks (a few hand-overs per MiB).
        const BLOCK: usize = 1 << 20;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        let mut hashed = std::mem::replace(
            hash,
            Hashed {
                hasher: Sha256::new(),
                len: 0,
            },
        );
        let writer = std::thread::spawn(move || {
            let mut file = file;
            let mut result = Ok(());
            let mut unsynced = 0usize;
            while let Some(block) = rx.blocking_recv() {
                if result.is_ok() {
                    result = file.write_all(&block);
                    hashed.hasher.update(&block);
                    hashed.len += block.len() as u64;
                    // Flush to disk as we go, while the network keeps the other core busy,
                    // instead of one long fsync at the end.
                    unsynced += block.len();
                    if unsynced >= 64 << 20 && result.is_ok() {
                        result = file.sync_data();
                        unsynced = 0;
                    }
                }
            }
            let result = result.and_then(|_| file.sync_all());
            (hashed, result)
        });
        let mut pace = self.bandwidth.map(|rate| Pace::new(rate, Instant::now()));
        // A pause longer than the read timeout would fail the next read (the timeout counts
        // from the last bytes received), so one pause is at most half of it.
        let longest_pause = self.io_timeout / 2;
        let outcome = self.rt.block_on(async {
            let mut resp = resp;
            let mut block = Vec::with_capacity(BLOCK);
            let mut outcome = Ok(());
            'read: loop {
                // Waiting for the next bytes ends when they come or when the download is
                // cancelled (Ctrl-C, SIGTERM), whichever is first: a stalled server does not
                // hold the process until the read timeout.
                let next = loop {
                    if interrupt.load(Ordering::SeqCst) || self.cancel.is_cancelled() {
                        break None;
                    }
                    tokio::select! {
                        c = resp.chunk() => break Some(c),
                        _ = tokio::time::sleep(CANCEL_CHECK) => {}
                    }
                };
                let Some(next) = next else {
                    outcome = Err(ArtError::Interrupted);
                    break;
                };
                match next {
                    Ok(Some(c)) => {
                        block.extend_from_slice(&c);
                        done += c.len() as u64;
                        if block.len() >= BLOCK {
                            let full = std::mem::replace(&mut block, Vec::with_capacity(BLOCK));
                            if tx.send(full).await.is_err() {
                                break; // the writer failed; its error is reported below
                            }
                            progress(done, size);
                        }
                        // The throttle: ahead of the rate, the next read waits (a timer, not a
                        // spin), still ending at once when the download is cancelled. Unread
                        // bytes stay in the socket, so the server is slowed down too.
                        if let Some(p) = pace.as_mut() {
                            let wait = p.after(c.len() as u64, Instant::now()).min(longest_pause);
                            let until = tokio::time::Instant::now() + wait;
                            loop {
                                if interrupt.load(Ordering::SeqCst) || self.cancel.is_cancelled() {
                                    outcome = Err(ArtError::Interrupted);
                                    break 'read;
                                }
                                let left =
                                    until.saturating_duration_since(tokio::time::Instant::now());
                                if left.is_zero() {
                                    break;
                                }
                                tokio::time::sleep(left.min(CANCEL_CHECK)).await;
                            }
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        outcome = Err(ArtError::Dropped {
                            path: path.to_owned(),
                            reason: chain(&e),
                        });
                        break;
                    }
                }
            }
            // What arrived is kept, also after an error: the next attempt resumes after it.
            let _ = tx.send(block).await;
            outcome
        });
        drop(tx);
        let (hashed, written) = writer.join().map_err(|_| ArtError::Local {
            path: part.display().to_string(),
            reason: "the writer thread failed".into(),
        })?;
        *hash = hashed;
        written.map_err(local)?;
        progress(done, size);
        outcome?;
        if let Some(s) = size {
            if done < s {
                return Err(ArtError::Dropped {
                    path: path.to_owned(),
                    reason: format!("{done} of {s} bytes arrived"),
                });
            }
        }
        Ok(())
    }
}

/// Paces one attempt of a download to `rate` bytes a second: the bytes received so far may not
/// arrive sooner than `rate` allows since the attempt began.
struct Pace {
    rate: NonZeroU64,
    start: Instant,
    bytes: u64,
}

impl Pace {
    fn new(rate: NonZeroU64, start: Instant) -> Pace {
        Pace {
            rate,
            start,
            bytes: 0,
        }
    }

    /// Count `n` more bytes received at `now`; how long to wait before reading on (zero when
    /// the download is not ahead of its rate).
    fn after(&mut self, n: u64, now: Instant) -> Duration {
        self.bytes += n;
        let due_nanos = u128::from(self.bytes) * 1_000_000_000 / u128::from(self.rate.get());
        let due = Duration::from_nanos(u64::try_from(due_nanos).unwrap_or(u64::MAX));
        due.saturating_sub(now.saturating_duration_since(self.start))
    }
}

/// A SHA-256 in progress over the first `len` bytes of a part file.
struct Hashed {
    hasher: Sha256,
    len: u64,
}

impl Hashed {
    fn of_file(path: &Path, len: u64) -> std::io::Result<Hashed> {
        let mut h = Hashed {
            hasher: Sha256::new(),
            len: 0,
        };
        if len == 0 {
            return Ok(h);
        }
        let mut f = std::fs::File::open(path)?.take(len);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.hasher.update(&buf[..n]);
            h.len += n as u64;
        }
        Ok(h)
    }
}

/// `<dest>.part`.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut p = dest.as_os_str().to_owned();
    p.push(".part");
    PathBuf::from(p)
}

#[cfg(test)]
mod pace_tests {
    use super::*;

    /// The pause makes the bytes so far take at least their time at the rate, never more, and
    /// a download behind its rate does not wait.
    #[test]
    fn the_pace_waits_only_as_long_as_the_rate_needs() {
        let t0 = Instant::now();
        let mut p = Pace::new(NonZeroU64::new(1024 * 1024).unwrap(), t0);
        // 512 KiB at once, at 1 MiB/s: half a second ahead.
        assert_eq!(p.after(512 * 1024, t0), Duration::from_millis(500));
        // After that half second, another 512 KiB: again half a second.
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(p.after(512 * 1024, t1), Duration::from_millis(500));
        // A slow network (3 s for the next 1 MiB) is behind the rate: no wait.
        let t2 = t0 + Duration::from_secs(4);
        assert_eq!(p.after(1024 * 1024, t2), Duration::ZERO);
        // The total stays bounded by the rate: 4 MiB may not be done before 4 s.
        assert_eq!(p.after(2 * 1024 * 1024, t2), Duration::ZERO);
        assert_eq!(
            p.after(1024 * 1024, t2),
            Duration::from_secs(1),
            "5 MiB are due at 5 s"
        );
    }
}
