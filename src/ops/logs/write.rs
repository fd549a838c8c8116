//! Writing the node's logs: one line at a time under a lock, rotated by size, and the
//! orchestration audit log and the per-topic logs built on it.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::{log_dir, AUDIT_LOG, KEEP, ROTATE_AT};
use crate::ops::{Kind, OpError, OpResult};
use crate::text::one_line;

/// A log file appended to one line at a time, rotated when a line would take it past its
/// limit: `NAME` becomes `NAME.1`, `NAME.1` becomes `NAME.2`, … and the oldest beyond
/// [`KEEP`] is dropped. Several processes may append to one log (every orchestration command
/// writes the audit log): each line is written under an exclusive `flock` of the file, and a
/// writer whose file was rotated away by another process opens the new one.
pub struct LogFile {
    path: PathBuf,
    limit: u64,
    keep: usize,
    file: Option<File>,
}

impl LogFile {
    /// The log at `path`, rotated at [`ROTATE_AT`] keeping [`KEEP`] old files. Nothing is
    /// opened until the first line.
    pub fn new(path: PathBuf) -> LogFile {
        LogFile::with_limits(path, ROTATE_AT, KEEP)
    }

    /// The same with another size limit and number of old files (tests use a small one).
    pub fn with_limits(path: PathBuf, limit: u64, keep: usize) -> LogFile {
        LogFile {
            path,
            limit: limit.max(1),
            keep: keep.max(1),
            file: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append `line` and a newline (the caller makes it one line), rotating first if it would
    /// not fit.
    pub fn append(&mut self, line: &str) -> io::Result<()> {
        let need = line.len() as u64 + 1;
        // A pass rotates or finds the file replaced; a third pass writes.
        for _ in 0..4 {
            let file = match self.file.take() {
                Some(f) => f,
                None => fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .mode(0o600)
                    .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
                    .open(&self.path)?,
            };
            let locked =
                nix::fcntl::Flock::lock(file.try_clone()?, nix::fcntl::FlockArg::LockExclusive)
                    .map_err(|(_, e)| io::Error::from(e))?;
            let open = file.metadata()?;
            // Another writer rotated it: the path names a new file now.
            let same = fs::symlink_metadata(&self.path)
                .is_ok_and(|m| m.dev() == open.dev() && m.ino() == open.ino());
            if !same {
                drop(locked);
                continue;
            }
            if open.len() > 0 && open.len() + need > self.limit {
                self.rotate()?;
                drop(locked);
                continue;
            }
            let mut file = file;
            let mut bytes = Vec::with_capacity(line.len() + 1);
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
            let written = file.write_all(&bytes);
            drop(locked);
            self.file = Some(file);
            return written;
        }
        Err(io::Error::other(format!(
            "{} kept being replaced while a line was written",
            self.path.display()
        )))
    }

    /// `NAME.(k-1)` → `NAME.k` down to `NAME` → `NAME.1` (called under the file's lock).
    fn rotate(&self) -> io::Result<()> {
        let numbered = |i: usize| {
            let mut p = self.path.clone().into_os_string();
            p.push(format!(".{i}"));
            PathBuf::from(p)
        };
        for i in (1..self.keep).rev() {
            match fs::rename(numbered(i), numbered(i + 1)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        fs::rename(&self.path, numbered(1))
    }
}

// ---------------------------------------------------------------------------------------------
// The orchestration audit log.

/// One orchestration run as the audit log records it.
pub struct AuditRecord<'a> {
    /// Who ran it (the application user or account).
    pub actor: &'a str,
    /// The command (`utils patch-manager install`).
    pub command: &'a str,
    /// What it installs or undoes.
    pub subject: &'a str,
    /// When it started (`YYYY-MM-DD HH:MM:SS`, UTC).
    pub started: &'a str,
    /// Its run number in `utils deployment show history`, when it got one.
    pub run: Option<i64>,
    /// `Success`, `Partial success`, `Failure`, `Nothing to do`, `interrupted`, `refused`, ….
    pub result: &'a str,
    /// Why, for a run that did not finish.
    pub detail: Option<&'a str>,
}

/// An operation error's kind as the audit log names a run that did not finish (`busy`,
/// `interrupted`, `wrong-role`, …: the stable names of `--output json` errors).
pub fn kind_name(kind: Kind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}"))
}

/// A value of an audit line: one line, quoted, its quotes and backslashes escaped.
fn quoted(value: &str) -> String {
    let v = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", one_line(&v))
}

/// The audit line of `r`, stamped `now` (`YYYY-MM-DD HH:MM:SS`, UTC):
/// `2026-12-05 15:44:04 UTC user="admin" command="utils patch-manager rollback" subject="…"
/// started="…" run=3 result="Failure" detail="…"`.
pub fn audit_line(now: &str, r: &AuditRecord) -> String {
    let mut s = format!(
        "{now} UTC user={} command={} subject={} started={}",
        quoted(r.actor),
        quoted(r.command),
        quoted(r.subject),
        quoted(r.started)
    );
    if let Some(run) = r.run {
        s.push_str(&format!(" run={run}"));
    }
    s.push_str(&format!(" result={}", quoted(r.result)));
    if let Some(d) = r.detail {
        s.push_str(&format!(" detail={}", quoted(d)));
    }
    s
}

/// Append one line for an orchestration run to `logs/orchestration-audit/audit.log`.
pub fn audit(root: &Path, r: &AuditRecord) -> OpResult {
    let path = log_dir(root).join(AUDIT_LOG);
    if let Some(parent) = path.parent() {
        crate::state::ensure_private_dir(parent)?;
    }
    LogFile::new(path.clone())
        .append(&audit_line(&crate::state::now_utc(), r))
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot write the audit log {}: {e}", path.display()),
            )
        })
}

/// The node's log of one kind of work, beside the service's own `serve.log` (which holds
/// every line): `download.log` (artifact downloads, scheduled or from the console) and
/// `replication.log` (the Cloud Connect pair's joins, batches, repairs and checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Download,
    Replication,
}

impl Topic {
    pub fn file(self) -> &'static str {
        match self {
            Topic::Download => "download.log",
            Topic::Replication => "replication.log",
        }
    }
}

/// Append one stamped line to the log of `topic` (escaped: one line, whatever it holds).
pub fn record(root: &Path, topic: Topic, line: &str) -> OpResult {
    let dir = log_dir(root);
    crate::state::ensure_private_dir(&dir)?;
    let path = dir.join(topic.file());
    LogFile::new(path.clone())
        .append(&format!(
            "{} {}",
            crate::state::now_utc(),
            crate::text::one_line(line)
        ))
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot write {}: {e}", path.display()),
            )
        })
}
