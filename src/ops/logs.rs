//! The node's own logs, read the way Cisco's `file ... activelog` commands read a VOS node's:
//! everything under `<state>/logs/` (the service's `serve.log`, the hub's `hub.log`, the VOS
//! installer's `install.log`, and the orchestration audit log
//! `orchestration-audit/audit.log`), and the writer those logs share, which rotates them by
//! size and keeps a bounded number of old files.
//!
//! Every path an administrator names is resolved inside the log directory and nowhere else:
//! `..`, an absolute path (other than `/`, the log directory itself, as Cisco writes it) and a
//! symbolic link anywhere on the way are refused, and files are opened with `O_NOFOLLOW`, so
//! nothing outside the log directory can be read through these commands. Log lines can hold a
//! peer's text; the front ends show lines and names through `output::terminal_safe` /
//! `one_line`.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::{Kind, OpError, OpResult};
use crate::cancel::Cancel;
use crate::output::one_line;

/// The log directory's name under the state directory.
pub const DIR: &str = "logs";
/// The orchestration audit log, under the log directory (Cisco's name).
pub const AUDIT_LOG: &str = "orchestration-audit/audit.log";
/// A log is rotated when a line would take it past this size.
pub const ROTATE_AT: u64 = 10 << 20;
/// Rotated files kept (`NAME.1` newest … `NAME.5` oldest); older ones are dropped.
pub const KEEP: usize = 5;
/// Lines `file tail` shows when not told.
pub const TAIL_LINES: usize = 10;
/// The most lines `file tail --lines` shows.
pub const MAX_TAIL_LINES: usize = 10_000;
/// The most bytes `file tail` reads back from a file's end (bounded memory whatever the lines).
const TAIL_BYTES: u64 = 4 << 20;
/// A line longer than this is shown in pieces of this size (bounded memory while following).
const MAX_LINE: usize = 64 << 10;
/// The most matches `file search` returns.
pub const MAX_MATCHES: usize = 10_000;
/// The largest file `file get` sends (a rotated log is at most [`ROTATE_AT`] and a line).
pub const MAX_GET: u64 = 64 << 20;
/// How often `file tail --follow` looks for new lines.
const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// The log directory of the node whose state directory is `root`.
pub fn log_dir(root: &Path) -> PathBuf {
    root.join(DIR)
}

// ---------------------------------------------------------------------------------------------
// Writing: one line at a time, rotated by size.

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
            crate::output::one_line(line)
        ))
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot write {}: {e}", path.display()),
            )
        })
}

// ---------------------------------------------------------------------------------------------
// Reading: every path resolved inside the log directory.

/// A path as typed, relative to the log directory: its words, checked.
fn words(spec: &str) -> OpResult<Vec<&str>> {
    let shown = one_line(spec);
    if spec.starts_with('/') && !spec.trim_matches('/').is_empty() {
        return Err(OpError::new(
            Kind::Invalid,
            format!("'{shown}' is an absolute path: paths are relative to the log directory"),
        )
        .hint("name a file as file list activelog shows it, e.g. serve.log or orchestration-audit/audit.log"));
    }
    let mut out = Vec::new();
    for w in spec.split('/') {
        match w {
            "" | "." => {}
            ".." => {
                return Err(OpError::new(
                    Kind::Invalid,
                    format!("'{shown}' leads out of the log directory: '..' is not allowed"),
                )
                .hint(
                    "only the files under the log directory can be read; see file list activelog",
                ))
            }
            w => out.push(w),
        }
    }
    Ok(out)
}

fn not_found(shown: &str) -> OpError {
    OpError::new(
        Kind::NotFound,
        format!("there is no '{shown}' in the log directory"),
    )
    .hint("see what there is with: file list activelog")
}

fn link_refused(shown: &str) -> OpError {
    OpError::new(
        Kind::Forbidden,
        format!("'{shown}' is a symbolic link: links are not followed in the log directory"),
    )
}

fn io_error(shown: &str, e: io::Error) -> OpError {
    if e.kind() == io::ErrorKind::NotFound {
        return not_found(shown);
    }
    // O_NOFOLLOW on a link that appeared since it was checked.
    if e.raw_os_error() == Some(nix::errno::Errno::ELOOP as i32) {
        return link_refused(shown);
    }
    OpError::new(Kind::Storage, format!("cannot read '{shown}': {e}")).caused_by(e)
}

/// The log directory itself, refused if it is a link; `Ok(None)` when there is none yet.
fn root_dir(root: &Path) -> OpResult<Option<PathBuf>> {
    let dir = log_dir(root);
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => Err(link_refused(DIR)),
        Ok(m) if m.is_dir() => Ok(Some(dir)),
        Ok(_) => Err(OpError::new(
            Kind::Storage,
            format!("{} is not a directory", dir.display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(DIR, e)),
    }
}

/// Follow `words` down from the log directory, refusing a link at any step.
fn walk(root: &Path, words: &[&str], shown: &str) -> OpResult<(PathBuf, fs::Metadata)> {
    let Some(mut path) = root_dir(root)? else {
        return Err(not_found(shown).hint("this node has written no log yet"));
    };
    let mut meta = fs::symlink_metadata(&path).map_err(|e| io_error(shown, e))?;
    for (i, w) in words.iter().enumerate() {
        if !meta.is_dir() {
            return Err(not_found(shown));
        }
        path.push(w);
        meta = fs::symlink_metadata(&path).map_err(|e| io_error(shown, e))?;
        if meta.file_type().is_symlink() {
            return Err(link_refused(&one_line(&words[..=i].join("/"))));
        }
    }
    Ok((path, meta))
}

/// Open a regular file of the log directory, never through a link.
fn open_file(root: &Path, spec: &str) -> OpResult<(File, PathBuf, String)> {
    let shown = one_line(spec).into_owned();
    let w = words(spec)?;
    let (path, meta) = walk(root, &w, &shown)?;
    if meta.is_dir() {
        return Err(
            OpError::new(Kind::Invalid, format!("'{shown}' is a directory"))
                .hint(format!("list it with: file list activelog {shown}")),
        );
    }
    if !meta.is_file() {
        return Err(OpError::new(
            Kind::Invalid,
            format!("'{shown}' is not a regular file"),
        ));
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .open(&path)
        .map_err(|e| io_error(&shown, e))?;
    Ok((file, path, w.join("/")))
}

/// Whether `name` matches the shell pattern `pat` (`*` any run of characters, `?` one).
pub fn wildcard(pat: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pat.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn has_wildcard(w: &str) -> bool {
    w.contains(['*', '?'])
}

/// One entry of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Its path under the log directory (`orchestration-audit/audit.log`).
    pub name: String,
    /// `file`, `dir`, `link` (never followed) or `other`.
    pub kind: &'static str,
    /// Bytes (0 for a directory).
    pub size: u64,
    /// Last modified, `YYYY-MM-DD HH:MM:SS` (UTC).
    pub modified: String,
    #[serde(skip)]
    pub mtime: i64,
}

/// A listing's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    Name,
    Date,
    Size,
}

fn entry(name: String, m: &fs::Metadata) -> Entry {
    let ft = m.file_type();
    let kind = if ft.is_symlink() {
        "link"
    } else if ft.is_dir() {
        "dir"
    } else if ft.is_file() {
        "file"
    } else {
        "other"
    };
    let mtime = m.mtime();
    Entry {
        name,
        kind,
        size: if ft.is_file() { m.len() } else { 0 },
        modified: jiff::Timestamp::from_second(mtime)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        mtime,
    }
}

/// The entries `spec` names: a directory's entries, one file, or the entries of a directory
/// whose names match a pattern in the last word (`orchestration-audit/audit.log*`).
pub fn list(root: &Path, spec: &str, order: Order, reverse: bool) -> OpResult<Vec<Entry>> {
    let shown = one_line(spec).into_owned();
    let mut w = words(spec)?;
    let pattern = match w.last() {
        Some(last) if has_wildcard(last) => w.pop(),
        _ => None,
    };
    if w.is_empty() && pattern.is_none() && root_dir(root)?.is_none() {
        // A node that has written no log yet: an empty log directory.
        return Ok(Vec::new());
    }
    let (path, meta) = walk(root, &w, &shown)?;
    let prefix = if w.is_empty() {
        String::new()
    } else {
        format!("{}/", w.join("/"))
    };
    let mut out = Vec::new();
    if !meta.is_dir() {
        if pattern.is_some() {
            return Err(not_found(&shown));
        }
        out.push(entry(w.join("/"), &meta));
    } else {
        let rd = fs::read_dir(&path).map_err(|e| io_error(&shown, e))?;
        for e in rd {
            let e = e.map_err(|e| io_error(&shown, e))?;
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            if pattern.is_some_and(|p| !wildcard(p, &name)) {
                continue;
            }
            let m = fs::symlink_metadata(e.path()).map_err(|e| io_error(&shown, e))?;
            out.push(entry(format!("{prefix}{name}"), &m));
        }
        if pattern.is_some() && out.is_empty() {
            return Err(not_found(&shown));
        }
    }
    match order {
        Order::Name => out.sort_by(|a, b| a.name.cmp(&b.name)),
        Order::Date => out.sort_by(|a, b| a.mtime.cmp(&b.mtime).then(a.name.cmp(&b.name))),
        Order::Size => out.sort_by(|a, b| a.size.cmp(&b.size).then(a.name.cmp(&b.name))),
    }
    if reverse {
        out.reverse();
    }
    Ok(out)
}

/// A line of a log as text: invalid UTF-8 replaced, the line ending dropped.
fn text(bytes: &[u8]) -> String {
    let b = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let b = b.strip_suffix(b"\r").unwrap_or(b);
    String::from_utf8_lossy(b).into_owned()
}

/// Every line of a log file, to `line` (which returns `false` to stop); a line is read at a
/// time, so a large file never sits in memory.
pub fn view(
    root: &Path,
    spec: &str,
    cancel: &Cancel,
    line: &mut dyn FnMut(&str) -> bool,
) -> OpResult {
    let (file, _, _) = open_file(root, spec)?;
    let shown = one_line(spec).into_owned();
    let mut r = BufReader::new(file);
    let mut buf = Vec::new();
    loop {
        cancel.check()?;
        buf.clear();
        let n = (&mut r)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut buf)
            .map_err(|e| io_error(&shown, e))?;
        if n == 0 || !line(&text(&buf)) {
            return Ok(());
        }
    }
}

/// The last `n` lines of an open file (at most [`TAIL_BYTES`] read back from its end), and
/// the offset its end was at.
fn last_lines(file: &mut File, n: usize) -> io::Result<(Vec<String>, u64)> {
    let end = file.seek(SeekFrom::End(0))?;
    let mut start = end;
    let mut tail: Vec<u8> = Vec::new();
    const CHUNK: u64 = 64 << 10;
    while start > 0 && end - start < TAIL_BYTES {
        let newlines = tail.iter().filter(|b| **b == b'\n').count();
        // The file's last byte is usually a newline, which ends the last line, not one more.
        let wanted = n + usize::from(tail.last() == Some(&b'\n'));
        if newlines > wanted {
            break;
        }
        let step = CHUNK.min(start);
        start -= step;
        file.seek(SeekFrom::Start(start))?;
        let mut chunk = vec![0u8; step as usize];
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
    }
    let mut lines: Vec<&[u8]> = tail.split_inclusive(|b| *b == b'\n').collect();
    // A first piece that does not start at the file's beginning is part of a longer line.
    if start > 0 && !lines.is_empty() {
        lines.remove(0);
    }
    let from = lines.len().saturating_sub(n);
    let out = lines[from..].iter().map(|l| text(l)).collect();
    file.seek(SeekFrom::Start(end))?;
    Ok((out, end))
}

/// `file tail`: the last `n` lines of a log to `line`; with `follow`, then every line added
/// until cancelled (Ctrl-C), across a rotation (the new file is read from its start). Memory
/// stays bounded: what is read back is capped, and a line is passed on as it completes.
pub fn tail(
    root: &Path,
    spec: &str,
    n: usize,
    follow: bool,
    cancel: &Cancel,
    line: &mut dyn FnMut(&str) -> bool,
) -> OpResult {
    let (mut file, path, _) = open_file(root, spec)?;
    let shown = one_line(spec).into_owned();
    let (lines, mut pos) = last_lines(&mut file, n).map_err(|e| io_error(&shown, e))?;
    for l in &lines {
        if !line(l) {
            return Ok(());
        }
    }
    if !follow {
        return Ok(());
    }
    let mut partial: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    // The log was rotated: the old file is read to its end once more, then the new one.
    let mut rotated = false;
    loop {
        let got = file.read(&mut chunk).map_err(|e| io_error(&shown, e))?;
        if got > 0 {
            pos += got as u64;
            for piece in chunk[..got].split_inclusive(|b| *b == b'\n') {
                partial.extend_from_slice(piece);
                if piece.ends_with(b"\n") || partial.len() >= MAX_LINE {
                    let keep_going = line(&text(&partial));
                    partial.clear();
                    if !keep_going {
                        return Ok(());
                    }
                }
            }
            continue;
        }
        if rotated {
            rotated = false;
            // The old file's last line, if it had no newline, ends with it.
            if !partial.is_empty() && !line(&text(&std::mem::take(&mut partial))) {
                return Ok(());
            }
            match open_file(root, spec) {
                Ok((f, _, _)) => {
                    file = f;
                    pos = 0;
                    continue;
                }
                // Not made again yet: looked for at the next turn.
                Err(e) if e.kind == Kind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        // At the end: wait, then look whether the log was rotated or cut short.
        if cancel.wait(FOLLOW_POLL) {
            return Err(OpError::interrupted());
        }
        let open = file.metadata().map_err(|e| io_error(&shown, e))?;
        match fs::symlink_metadata(&path) {
            Ok(m) if m.dev() != open.dev() || m.ino() != open.ino() => rotated = true,
            Ok(_) if open.len() < pos => {
                // Truncated in place: read it again from its start.
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| io_error(&shown, e))?;
                pos = 0;
            }
            // Moved away and not made again yet: the old file may still get its last lines.
            Err(_) => rotated = true,
            Ok(_) => {}
        }
    }
}

/// One line `file search` found.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// The file, under the log directory.
    pub file: String,
    /// Its line number (from 1).
    pub line: u64,
    pub text: String,
}

/// What `file search` found.
#[derive(Debug, Clone, Serialize)]
pub struct Search {
    pub pattern: String,
    /// The directory (or file) searched, under the log directory (`""`: all of it).
    pub path: String,
    pub ignore_case: bool,
    pub files_searched: usize,
    pub matches: Vec<Match>,
    /// More than [`MAX_MATCHES`] lines matched; the first ones are given.
    pub truncated: bool,
}

/// The regular files under `dir` (links are never followed), in name order.
fn files_under(dir: &Path, rel: &str, out: &mut Vec<(PathBuf, String)>) -> io::Result<()> {
    let mut entries: Vec<(String, PathBuf)> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .collect();
    entries.sort();
    for (name, path) in entries {
        let Ok(m) = fs::symlink_metadata(&path) else {
            continue;
        };
        let r = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if m.is_dir() {
            files_under(&path, &r, out)?;
        } else if m.is_file() {
            out.push((path, r));
        }
    }
    Ok(())
}

/// `file search`: the lines holding `pattern` (a plain substring; with `ignore_case`, in any
/// case) in every log file under `spec` (a directory, searched recursively, or a file).
pub fn search(
    root: &Path,
    pattern: &str,
    spec: &str,
    ignore_case: bool,
    cancel: &Cancel,
) -> OpResult<Search> {
    if pattern.is_empty() {
        return Err(OpError::new(Kind::Invalid, "the search pattern is empty"));
    }
    let shown = one_line(spec).into_owned();
    let w = words(spec)?;
    let mut files = Vec::new();
    let rel = w.join("/");
    if w.is_empty() && root_dir(root)?.is_none() {
        // No log yet: nothing to search.
    } else {
        let (path, meta) = walk(root, &w, &shown)?;
        if meta.is_dir() {
            files_under(&path, &rel, &mut files).map_err(|e| io_error(&shown, e))?;
        } else if meta.is_file() {
            files.push((path, rel.clone()));
        }
    }
    let needle = if ignore_case {
        pattern.to_lowercase()
    } else {
        pattern.to_owned()
    };
    let mut out = Search {
        pattern: pattern.to_owned(),
        path: rel,
        ignore_case,
        files_searched: 0,
        matches: Vec::new(),
        truncated: false,
    };
    let mut buf = Vec::new();
    'files: for (path, name) in files {
        cancel.check()?;
        let file = match fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
            .open(&path)
        {
            Ok(f) => f,
            // Rotated away or replaced by a link since it was listed.
            Err(_) => continue,
        };
        out.files_searched += 1;
        let mut r = BufReader::new(file);
        let mut number = 0u64;
        loop {
            buf.clear();
            let n = (&mut r)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut buf)
                .map_err(|e| io_error(&name, e))?;
            if n == 0 {
                break;
            }
            number += 1;
            let t = text(&buf);
            let hit = if ignore_case {
                t.to_lowercase().contains(&needle)
            } else {
                t.contains(&needle)
            };
            if hit {
                if out.matches.len() == MAX_MATCHES {
                    out.truncated = true;
                    break 'files;
                }
                out.matches.push(Match {
                    file: name.clone(),
                    line: number,
                    text: t,
                });
            }
        }
    }
    Ok(out)
}

/// The files `file get` sends: one file, or the regular files of a directory whose names
/// match the pattern in the last word. Links are refused; a directory is refused (name its
/// files, e.g. `orchestration-audit/*`).
pub fn files_to_get(root: &Path, spec: &str) -> OpResult<Vec<(PathBuf, String)>> {
    let shown = one_line(spec).into_owned();
    let mut w = words(spec)?;
    let pattern = match w.last() {
        Some(last) if has_wildcard(last) => w.pop(),
        _ => None,
    };
    let (path, meta) = walk(root, &w, &shown)?;
    let Some(pattern) = pattern else {
        if meta.is_dir() {
            return Err(
                OpError::new(Kind::Invalid, format!("'{shown}' is a directory")).hint(format!(
                    "name its files with a pattern, e.g. file get activelog {}*",
                    if w.is_empty() {
                        String::new()
                    } else {
                        format!("{}/", w.join("/"))
                    }
                )),
            );
        }
        if !meta.is_file() {
            return Err(OpError::new(
                Kind::Invalid,
                format!("'{shown}' is not a regular file"),
            ));
        }
        return Ok(vec![(path, w.join("/"))]);
    };
    if !meta.is_dir() {
        return Err(not_found(&shown));
    }
    let prefix = if w.is_empty() {
        String::new()
    } else {
        format!("{}/", w.join("/"))
    };
    let mut out = Vec::new();
    for e in fs::read_dir(&path).map_err(|e| io_error(&shown, e))? {
        let e = e.map_err(|e| io_error(&shown, e))?;
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        if !wildcard(pattern, &name) {
            continue;
        }
        let m = fs::symlink_metadata(e.path()).map_err(|e| io_error(&shown, e))?;
        if m.file_type().is_symlink() {
            return Err(link_refused(&one_line(&format!("{prefix}{name}"))));
        }
        if m.is_file() {
            out.push((e.path(), format!("{prefix}{name}")));
        }
    }
    if out.is_empty() {
        return Err(not_found(&shown));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// Read a log file named by [`files_to_get`] for sending (never through a link, at most
/// [`MAX_GET`] bytes).
pub fn read_for_get(path: &Path, name: &str) -> OpResult<Vec<u8>> {
    let shown = one_line(name).into_owned();
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .open(path)
        .map_err(|e| io_error(&shown, e))?;
    let mut data = Vec::new();
    file.take(MAX_GET + 1)
        .read_to_end(&mut data)
        .map_err(|e| io_error(&shown, e))?;
    if data.len() as u64 > MAX_GET {
        return Err(OpError::new(
            Kind::Invalid,
            format!("'{shown}' is larger than {MAX_GET} bytes; it is not sent"),
        ));
    }
    Ok(data)
}

/// `file get`: send the files `spec` names to the SFTP server's directory, each under its own
/// name, written atomically. Returns the remote paths.
pub fn get(
    node: &super::Node,
    conn: &crate::clients::ssh::Connection,
    target: &super::inventory::SftpTarget,
    spec: &str,
    progress: &mut dyn FnMut(&str, u64, Option<u64>),
) -> OpResult<Vec<String>> {
    let files = files_to_get(node.root(), spec)?;
    let mut sent = Vec::new();
    for (path, name) in files {
        node.cancel.check()?;
        let data = read_for_get(&path, &name)?;
        let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
        conn.write_file_atomic(&target.dir, &base, &data, &node.cancel, &mut |d, t| {
            progress(&base, d, t)
        })?;
        sent.push(format!("{}/{base}", target.dir.trim_end_matches('/')));
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs() -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("state");
        fs::create_dir_all(root.join("logs/orchestration-audit")).unwrap();
        (d, root)
    }

    #[test]
    fn rotation_at_the_limit_keeps_a_bounded_number_of_files() {
        let (_d, root) = logs();
        let path = root.join("logs/serve.log");
        let mut log = LogFile::with_limits(path.clone(), 100, 3);
        // 10 lines of 40 bytes (39 and a newline): two fit in 100 bytes, a third does not.
        for i in 0..10 {
            log.append(&format!("{i:02}{}", "x".repeat(37))).unwrap();
        }
        let read = |p: &Path| fs::read_to_string(p).unwrap();
        let mut names: Vec<String> = fs::read_dir(root.join("logs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("serve.log"))
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["serve.log", "serve.log.1", "serve.log.2", "serve.log.3"]
        );
        for n in &names {
            assert!(fs::metadata(root.join("logs").join(n)).unwrap().len() <= 100);
        }
        // The newest lines in serve.log, the older ones in .1, .2, .3; 00 and 01 dropped.
        assert!(read(&path).starts_with("08") && read(&path).contains("\n09"));
        assert!(read(&root.join("logs/serve.log.1")).starts_with("06"));
        assert!(read(&root.join("logs/serve.log.3")).starts_with("02"));
    }

    #[test]
    fn a_writer_whose_file_was_rotated_by_another_writes_to_the_new_one() {
        let (_d, root) = logs();
        let path = root.join("logs/audit.log");
        let mut a = LogFile::with_limits(path.clone(), 30, 5);
        let mut b = LogFile::with_limits(path.clone(), 30, 5);
        a.append("a1 aaaaaaaaaa").unwrap();
        b.append("b1 bbbbbbbbbb").unwrap();
        // b rotates; a still holds the old file open.
        b.append("b2 bbbbbbbbbb").unwrap();
        a.append("a2 aaaaaaaaaa").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "b2 bbbbbbbbbb\na2 aaaaaaaaaa\n"
        );
        assert_eq!(
            fs::read_to_string(root.join("logs/audit.log.1")).unwrap(),
            "a1 aaaaaaaaaa\nb1 bbbbbbbbbb\n"
        );
    }

    #[test]
    fn paths_out_of_the_log_directory_are_refused() {
        let (_d, root) = logs();
        fs::write(root.join("ccadmin.db"), "secret").unwrap();
        fs::write(root.join("logs/serve.log"), "ok\n").unwrap();
        std::os::unix::fs::symlink(root.join("ccadmin.db"), root.join("logs/db")).unwrap();
        std::os::unix::fs::symlink(root.clone(), root.join("logs/up")).unwrap();
        let c = Cancel::new();
        let mut lines = Vec::new();
        let mut collect = |l: &str| {
            lines.push(l.to_owned());
            true
        };
        for (spec, kind, says) in [
            ("../ccadmin.db", Kind::Invalid, "'..' is not allowed"),
            (
                "orchestration-audit/../../ccadmin.db",
                Kind::Invalid,
                "'..'",
            ),
            ("/etc/passwd", Kind::Invalid, "absolute path"),
            ("db", Kind::Forbidden, "'db' is a symbolic link"),
            ("up/ccadmin.db", Kind::Forbidden, "'up' is a symbolic link"),
            ("nothing.log", Kind::NotFound, "there is no 'nothing.log'"),
        ] {
            let e = view(&root, spec, &c, &mut collect).unwrap_err();
            assert_eq!(e.kind, kind, "{spec}: {e}");
            assert!(e.message.contains(says), "{spec}: {}", e.message);
            assert!(files_to_get(&root, spec).is_err(), "{spec}");
            assert!(tail(&root, spec, 5, false, &c, &mut |_| true).is_err());
        }
        assert!(lines.is_empty(), "{lines:?}");
        assert!(search(&root, "secret", "up", false, &c).is_err());
        // A search of everything does not follow the links.
        let s = search(&root, "secret", "/", false, &c).unwrap();
        assert!(s.matches.is_empty(), "{:?}", s.matches);
        // `/` is the log directory itself, as on Cisco's CLI.
        let names: Vec<String> = list(&root, "/", Order::Name, false)
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {}", e.name, e.kind))
            .collect();
        assert_eq!(
            names,
            [
                "db link",
                "orchestration-audit dir",
                "serve.log file",
                "up link"
            ]
        );
    }

    #[test]
    fn tail_gives_the_last_lines_and_wildcards_match() {
        let (_d, root) = logs();
        let body: String = (1..=30000).map(|i| format!("line {i}\n")).collect();
        fs::write(root.join("logs/serve.log"), body).unwrap();
        let mut got = Vec::new();
        tail(&root, "serve.log", 3, false, &Cancel::new(), &mut |l| {
            got.push(l.to_owned());
            true
        })
        .unwrap();
        assert_eq!(got, ["line 29998", "line 29999", "line 30000"]);
        assert!(wildcard("audit.log*", "audit.log"));
        assert!(wildcard("audit.log*", "audit.log.5"));
        assert!(wildcard("a?dit.*", "audit.log"));
        assert!(!wildcard("audit.log*", "xaudit.log"));
        assert!(!wildcard("*.1", "audit.log.2"));
    }

    #[test]
    fn an_audit_line_is_one_line_whatever_the_values_hold() {
        let line = audit_line(
            "2026-12-05 10:00:00",
            &AuditRecord {
                actor: "eve\"\nforged=1",
                command: "utils patch-manager install",
                subject: "p.zip",
                started: "2026-12-05 09:59:00",
                run: Some(4),
                result: "Failure",
                detail: Some("a\\b"),
            },
        );
        assert!(!line.contains('\n'));
        assert_eq!(
            line,
            "2026-12-05 10:00:00 UTC user=\"eve\\\"\\u{a}forged=1\" command=\"utils patch-manager install\" subject=\"p.zip\" started=\"2026-12-05 09:59:00\" run=4 result=\"Failure\" detail=\"a\\\\b\""
        );
    }
}
