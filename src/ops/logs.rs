//! The node's own logs, read the way Cisco's `file ... activelog` commands read a VOS node's:
//! everything under `<state>/logs/` (the service's `serve.log`, the hub's `hub.log`, the VOS
//! installer's `install.log`, and the orchestration audit log
//! `orchestration-audit/audit.log`), and the writer those logs share, which rotates them by
//! size and keeps a bounded number of old files.
//!
//! Every path an administrator names is resolved inside the log directory and nowhere else:
//! `..`, an absolute path (other than `/`, the log directory itself, as Cisco writes it) and a
//! symbolic link anywhere on the way are refused, and every file and directory is opened
//! relative to the descriptor of its parent with `O_NOFOLLOW` (see "Reading" below), so
//! nothing outside the log directory can be read through these commands, even while the
//! directory's owner changes it. Log lines can hold a
//! peer's text; the front ends show lines and names through `output::terminal_safe` /
//! `one_line`.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::dir::Dir;
use nix::fcntl::{fcntl, openat, AtFlags, FcntlArg, OFlag};
use nix::sys::stat::{fstat, fstatat, FileStat, Mode};

use serde::Serialize;

use super::{Kind, OpError, OpResult};
use crate::cancel::Cancel;
use crate::text::one_line;

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
/// A line longer than this is shown cut to its first `MAX_LINE` bytes, with how many were
/// cut (bounded memory whatever the line; a long line never shows as several).
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
            crate::text::one_line(line)
        ))
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot write {}: {e}", path.display()),
            )
        })
}

// ---------------------------------------------------------------------------------------------
// Reading: every path resolved inside the log directory, by the kernel.
//
// Checking a path and then opening it by name leaves a window in which the owner of the log
// directory can put a link where a checked directory was. So nothing here opens a path: the log
// directory is opened once (`O_NOFOLLOW | O_DIRECTORY`), and every file or directory under it
// is opened relative to the descriptor of its parent, one name at a time, with `O_NOFOLLOW` —
// the kernel refuses a link at every step, whatever changed since anything was looked at. A
// file is opened `O_NONBLOCK` and checked with `fstat` on the open descriptor: only a regular
// file is read (a FIFO or a device can neither hang nor be read), and directories are listed
// from their descriptor.

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

fn not_regular(shown: &str) -> OpError {
    OpError::new(Kind::Invalid, format!("'{shown}' is not a regular file"))
}

fn is_link_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(nix::errno::Errno::ELOOP as i32)
}

fn io_error(shown: &str, e: io::Error) -> OpError {
    if e.kind() == io::ErrorKind::NotFound {
        return not_found(shown);
    }
    // O_NOFOLLOW met a link.
    if is_link_error(&e) {
        return link_refused(shown);
    }
    OpError::new(Kind::Storage, format!("cannot read '{shown}': {e}")).caused_by(e)
}

/// What a stat says an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    File,
    Dir,
    Link,
    Other,
}

fn ty(st: &FileStat) -> Ty {
    match st.st_mode & libc::S_IFMT {
        libc::S_IFREG => Ty::File,
        libc::S_IFDIR => Ty::Dir,
        libc::S_IFLNK => Ty::Link,
        _ => Ty::Other,
    }
}

/// An entry of the log directory, opened without following a link.
#[derive(Debug)]
enum Found {
    /// A directory, open for listing and for opening what it holds.
    Dir(OwnedFd),
    /// A regular file, open for reading (blocking), with its stat.
    File(File, FileStat),
    /// Anything else (a FIFO, a socket, a device): never opened for reading.
    Other(FileStat),
}

/// Open `name`, one name in the directory `dir`, never following a link: `openat` with
/// `O_NOFOLLOW` (a link is `ELOOP`, from the kernel, at the moment of the open) and
/// `O_NONBLOCK` (opening a FIFO does not wait for a writer). `name` must be a single name:
/// no `/`, not `.` or `..`, so nothing is resolved beyond `dir`'s own entry.
fn open_nofollow(dir: BorrowedFd<'_>, name: &str) -> io::Result<OwnedFd> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
        return Err(io::Error::from(nix::errno::Errno::EINVAL));
    }
    Ok(openat(
        dir,
        name,
        OFlag::O_RDONLY
            | OFlag::O_NOFOLLOW
            | OFlag::O_NONBLOCK
            | OFlag::O_CLOEXEC
            | OFlag::O_NOCTTY,
        Mode::empty(),
    )?)
}

/// Open the entry `name` of `dir` as what it is. A link is `ELOOP`; an entry that is neither a
/// regular file nor a directory is reported, not opened, when it is seen as such beforehand,
/// and whatever was opened is judged by `fstat` of the descriptor itself (so an entry replaced
/// in between is judged as what was actually opened).
fn open_entry(dir: BorrowedFd<'_>, name: &str) -> io::Result<Found> {
    let seen = fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW)?;
    match ty(&seen) {
        Ty::Link => return Err(io::Error::from(nix::errno::Errno::ELOOP)),
        Ty::Other => return Ok(Found::Other(seen)),
        Ty::File | Ty::Dir => {}
    }
    let fd = open_nofollow(dir, name)?;
    let st = fstat(&fd)?;
    Ok(match ty(&st) {
        Ty::Dir => Found::Dir(fd),
        Ty::File => {
            // Reads wait for data again, as on any file.
            let flags = OFlag::from_bits_truncate(fcntl(&fd, FcntlArg::F_GETFL)?);
            fcntl(&fd, FcntlArg::F_SETFL(flags - OFlag::O_NONBLOCK))?;
            Found::File(File::from(fd), st)
        }
        _ => Found::Other(st),
    })
}

/// The log directory itself, opened without following a link; `Ok(None)` when there is none
/// yet. (The state directory above it is the node's own and is opened as it is.)
fn open_log_dir(root: &Path) -> OpResult<Option<OwnedFd>> {
    let state = match nix::fcntl::open(
        root,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(nix::errno::Errno::ENOENT) => return Ok(None),
        Err(e) => return Err(io_error(DIR, e.into())),
    };
    match open_entry(state.as_fd(), DIR) {
        Ok(Found::Dir(fd)) => Ok(Some(fd)),
        Ok(_) => Err(OpError::new(
            Kind::Storage,
            format!("{} is not a directory", log_dir(root).display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) if is_link_error(&e) => Err(link_refused(DIR)),
        Err(e) => Err(io_error(DIR, e)),
    }
}

/// Open `words` down from the log directory descriptor `top`, one name at a time, refusing a
/// link at any step. Returns the parent's descriptor (none for the log directory itself) and
/// what the last word is.
fn walk_from(top: OwnedFd, words: &[&str], shown: &str) -> OpResult<(Option<OwnedFd>, Found)> {
    let mut parent = None;
    let mut cur = Found::Dir(top);
    for (i, w) in words.iter().enumerate() {
        let Found::Dir(dir) = cur else {
            return Err(not_found(shown));
        };
        cur = match open_entry(dir.as_fd(), w) {
            Ok(f) => f,
            Err(e) if is_link_error(&e) => {
                return Err(link_refused(&one_line(&words[..=i].join("/"))))
            }
            Err(e) => return Err(io_error(shown, e)),
        };
        parent = Some(dir);
    }
    Ok((parent, cur))
}

/// [`walk_from`] the node's log directory.
fn walk(root: &Path, words: &[&str], shown: &str) -> OpResult<(Option<OwnedFd>, Found)> {
    let Some(top) = open_log_dir(root)? else {
        return Err(not_found(shown).hint("this node has written no log yet"));
    };
    walk_from(top, words, shown)
}

/// A regular file of the log directory, open, with the descriptor of its directory and its
/// name there (for `file tail --follow` to see a rotation).
struct Opened {
    file: File,
    parent: OwnedFd,
    leaf: String,
}

/// Open a regular file of the log directory, never through a link.
fn open_file(root: &Path, spec: &str) -> OpResult<Opened> {
    let shown = one_line(spec).into_owned();
    let w = words(spec)?;
    match walk(root, &w, &shown)? {
        (Some(parent), Found::File(file, _)) => Ok(Opened {
            file,
            parent,
            leaf: w.last().map(|s| s.to_string()).unwrap_or_default(),
        }),
        (_, Found::Dir(_)) => Err(
            OpError::new(Kind::Invalid, format!("'{shown}' is a directory"))
                .hint(format!("list it with: file list activelog {shown}")),
        ),
        _ => Err(not_regular(&shown)),
    }
}

/// The names in the directory `dir` (`.` and `..`, and names that are not UTF-8, left out),
/// read from its descriptor.
fn names_in(dir: OwnedFd) -> io::Result<(Dir, Vec<String>)> {
    let mut d = Dir::from_fd(dir)?;
    let mut names = Vec::new();
    for e in d.iter() {
        let e = e?;
        let Ok(name) = e.file_name().to_str() else {
            continue;
        };
        if name != "." && name != ".." {
            names.push(name.to_owned());
        }
    }
    Ok((d, names))
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

fn entry(name: String, st: &FileStat) -> Entry {
    let t = ty(st);
    let kind = match t {
        Ty::Link => "link",
        Ty::Dir => "dir",
        Ty::File => "file",
        Ty::Other => "other",
    };
    let mtime = st.st_mtime;
    Entry {
        name,
        kind,
        size: if t == Ty::File { st.st_size as u64 } else { 0 },
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
    let Some(top) = open_log_dir(root)? else {
        if w.is_empty() && pattern.is_none() {
            // A node that has written no log yet: an empty log directory.
            return Ok(Vec::new());
        }
        return Err(not_found(&shown).hint("this node has written no log yet"));
    };
    let prefix = if w.is_empty() {
        String::new()
    } else {
        format!("{}/", w.join("/"))
    };
    let mut out = Vec::new();
    match walk_from(top, &w, &shown)? {
        (_, Found::Dir(dir)) => {
            let (dir, names) = names_in(dir).map_err(|e| io_error(&shown, e))?;
            for name in names {
                if pattern.is_some_and(|p| !wildcard(p, &name)) {
                    continue;
                }
                let st = match fstatat(&dir, name.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW) {
                    Ok(st) => st,
                    // Rotated away since the directory was read.
                    Err(nix::errno::Errno::ENOENT) => continue,
                    Err(e) => return Err(io_error(&shown, e.into())),
                };
                out.push(entry(format!("{prefix}{name}"), &st));
            }
            if pattern.is_some() && out.is_empty() {
                return Err(not_found(&shown));
            }
        }
        _ if pattern.is_some() => return Err(not_found(&shown)),
        (_, Found::File(_, st)) | (_, Found::Other(st)) => out.push(entry(w.join("/"), &st)),
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

/// A line of a log as text: invalid UTF-8 replaced, the line ending dropped, and — for a line
/// that was longer than [`MAX_LINE`] and of which only the first [`MAX_LINE`] bytes were kept
/// — how much was cut (`… (N bytes cut)`), so one long line is always shown as one line.
fn shown_line(bytes: &[u8], cut: u64) -> String {
    let b = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let b = b.strip_suffix(b"\r").unwrap_or(b);
    let mut s = String::from_utf8_lossy(b).into_owned();
    if cut > 0 {
        s.push_str(&format!(" … ({cut} bytes cut)"));
    }
    s
}

/// A whole line, cut to its first [`MAX_LINE`] bytes (its line ending not counted).
fn cut_line(line: &[u8]) -> String {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    if body.len() > MAX_LINE {
        shown_line(&body[..MAX_LINE], (body.len() - MAX_LINE) as u64)
    } else {
        shown_line(line, 0)
    }
}

/// Read the next line of `r` — up to its newline, or the end of the file — keeping its first
/// [`MAX_LINE`] bytes in `buf` and skipping the rest (memory stays bounded whatever the line).
/// `None` at the end of the file; otherwise the number of bytes skipped. Only a real newline
/// ends a line, so a long line is still one line.
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<u64>> {
    buf.clear();
    let mut cut = 0u64;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        any = true;
        let newline = avail.iter().position(|b| *b == b'\n');
        let body = &avail[..newline.unwrap_or(avail.len())];
        let keep = MAX_LINE.saturating_sub(buf.len()).min(body.len());
        buf.extend_from_slice(&body[..keep]);
        cut += (body.len() - keep) as u64;
        let used = body.len() + usize::from(newline.is_some());
        r.consume(used);
        if newline.is_some() {
            break;
        }
    }
    Ok(any.then_some(cut))
}

/// Every line of a log file, to `line` (which returns `false` to stop); a line is read at a
/// time, so a large file never sits in memory (a line over [`MAX_LINE`] bytes is shown cut).
pub fn view(
    root: &Path,
    spec: &str,
    cancel: &Cancel,
    line: &mut dyn FnMut(&str) -> bool,
) -> OpResult {
    let opened = open_file(root, spec)?;
    let shown = one_line(spec).into_owned();
    let mut r = BufReader::new(opened.file);
    let mut buf = Vec::new();
    loop {
        cancel.check()?;
        let Some(cut) = read_line(&mut r, &mut buf).map_err(|e| io_error(&shown, e))? else {
            return Ok(());
        };
        if !line(&shown_line(&buf, cut)) {
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
    let out = lines[from..].iter().map(|l| cut_line(l)).collect();
    file.seek(SeekFrom::Start(end))?;
    Ok((out, end))
}

/// `file tail`: the last `n` lines of a log to `line`; with `follow`, then every line added
/// until cancelled (Ctrl-C), across a rotation (the new file is read from its start). Memory
/// stays bounded: what is read back is capped, and a line is passed on as it completes (a
/// line over [`MAX_LINE`] bytes cut, as `file view` shows it).
pub fn tail(
    root: &Path,
    spec: &str,
    n: usize,
    follow: bool,
    cancel: &Cancel,
    line: &mut dyn FnMut(&str) -> bool,
) -> OpResult {
    let Opened {
        mut file,
        mut parent,
        leaf,
    } = open_file(root, spec)?;
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
    // The line being read: its first MAX_LINE bytes, and how many more were skipped.
    let mut partial: Vec<u8> = Vec::new();
    let mut cut = 0u64;
    let mut chunk = vec![0u8; 64 << 10];
    // The log was rotated: the old file is read to its end once more, then the new one.
    let mut rotated = false;
    loop {
        let got = file.read(&mut chunk).map_err(|e| io_error(&shown, e))?;
        if got > 0 {
            pos += got as u64;
            for piece in chunk[..got].split_inclusive(|b| *b == b'\n') {
                let body = piece.strip_suffix(b"\n").unwrap_or(piece);
                let keep = MAX_LINE.saturating_sub(partial.len()).min(body.len());
                partial.extend_from_slice(&body[..keep]);
                cut += (body.len() - keep) as u64;
                if piece.ends_with(b"\n") {
                    let keep_going = line(&shown_line(&partial, cut));
                    partial.clear();
                    cut = 0;
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
            if !partial.is_empty() || cut > 0 {
                let last = shown_line(&std::mem::take(&mut partial), cut);
                cut = 0;
                if !line(&last) {
                    return Ok(());
                }
            }
            match open_file(root, spec) {
                Ok(o) => {
                    file = o.file;
                    parent = o.parent;
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
        let open = fstat(&file).map_err(|e| io_error(&shown, e.into()))?;
        match fstatat(&parent, leaf.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(m) if m.st_dev != open.st_dev || m.st_ino != open.st_ino => rotated = true,
            Ok(_) if (open.st_size as u64) < pos => {
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

/// Directories `file search` goes down at most (a bound on the descriptors held open).
const MAX_DEPTH: usize = 32;

/// The regular files under the open directory `dir` (links are never followed), in name
/// order, as their words under the log directory. Each is opened again from the log
/// directory when it is read.
fn files_under(dir: OwnedFd, rel: &[String], depth: usize, out: &mut Vec<Vec<String>>) {
    let Ok((dir, mut names)) = names_in(dir) else {
        return;
    };
    names.sort();
    for name in names {
        let Ok(st) = fstatat(&dir, name.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW) else {
            continue;
        };
        let t = ty(&st);
        // Opened as a directory, never through a link, whatever it is by now.
        let sub = match t {
            Ty::Dir if depth < MAX_DEPTH => match open_entry(dir.as_fd(), &name) {
                Ok(Found::Dir(sub)) => Some(sub),
                _ => continue,
            },
            Ty::File => None,
            _ => continue,
        };
        let mut r = rel.to_vec();
        r.push(name);
        match sub {
            Some(sub) => files_under(sub, &r, depth + 1, out),
            None => out.push(r),
        }
    }
}

/// `file search`: the lines holding `pattern` (a plain substring; with `ignore_case`, in any
/// case) in every log file under `spec` (a directory, searched recursively, or a file). Line
/// numbers count real lines; a line over [`MAX_LINE`] bytes is searched and shown in its first
/// [`MAX_LINE`] bytes.
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
    let rel = w.join("/");
    // The files to search, each with its name, open or to be opened by its words.
    let mut files: Vec<(String, Option<File>, Vec<String>)> = Vec::new();
    match open_log_dir(root)? {
        None if w.is_empty() => {
            // No log yet: nothing to search.
        }
        None => return Err(not_found(&shown).hint("this node has written no log yet")),
        Some(top) => match walk_from(top, &w, &shown)? {
            (_, Found::Dir(dir)) => {
                let base: Vec<String> = w.iter().map(|s| s.to_string()).collect();
                let mut found = Vec::new();
                files_under(dir, &base, 0, &mut found);
                files.extend(found.into_iter().map(|f| (f.join("/"), None, f)));
            }
            (_, Found::File(f, _)) => files.push((rel.clone(), Some(f), Vec::new())),
            (_, Found::Other(_)) => {}
        },
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
    'files: for (name, open, words) in files {
        cancel.check()?;
        let file = match open {
            Some(f) => f,
            None => {
                let ws: Vec<&str> = words.iter().map(String::as_str).collect();
                let Ok(Some(top)) = open_log_dir(root) else {
                    continue;
                };
                match walk_from(top, &ws, &name) {
                    Ok((_, Found::File(f, _))) => f,
                    // Rotated away, or no longer a regular file, since it was listed.
                    _ => continue,
                }
            }
        };
        out.files_searched += 1;
        let mut r = BufReader::new(file);
        let mut number = 0u64;
        loop {
            let Some(cut) = read_line(&mut r, &mut buf).map_err(|e| io_error(&name, e))? else {
                break;
            };
            number += 1;
            let t = shown_line(&buf, 0);
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
                    text: shown_line(&buf, cut),
                });
            }
        }
    }
    Ok(out)
}

/// The files `file get` sends, as their paths under the log directory: one file, or the
/// regular files of a directory whose names match the pattern in the last word. Links are
/// refused; a directory is refused (name its files, e.g. `orchestration-audit/*`).
pub fn files_to_get(root: &Path, spec: &str) -> OpResult<Vec<String>> {
    let shown = one_line(spec).into_owned();
    let mut w = words(spec)?;
    let pattern = match w.last() {
        Some(last) if has_wildcard(last) => w.pop(),
        _ => None,
    };
    let found = walk(root, &w, &shown)?.1;
    let Some(pattern) = pattern else {
        return match found {
            Found::File(..) => Ok(vec![w.join("/")]),
            Found::Dir(_) => Err(
                OpError::new(Kind::Invalid, format!("'{shown}' is a directory")).hint(format!(
                    "name its files with a pattern, e.g. file get activelog {}*",
                    if w.is_empty() {
                        String::new()
                    } else {
                        format!("{}/", w.join("/"))
                    }
                )),
            ),
            Found::Other(_) => Err(not_regular(&shown)),
        };
    };
    let Found::Dir(dir) = found else {
        return Err(not_found(&shown));
    };
    let prefix = if w.is_empty() {
        String::new()
    } else {
        format!("{}/", w.join("/"))
    };
    let (dir, names) = names_in(dir).map_err(|e| io_error(&shown, e))?;
    let mut out = Vec::new();
    for name in names {
        if !wildcard(pattern, &name) {
            continue;
        }
        let st = match fstatat(&dir, name.as_str(), AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            Err(nix::errno::Errno::ENOENT) => continue,
            Err(e) => return Err(io_error(&shown, e.into())),
        };
        match ty(&st) {
            Ty::Link => return Err(link_refused(&one_line(&format!("{prefix}{name}")))),
            Ty::File => out.push(format!("{prefix}{name}")),
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(not_found(&shown));
    }
    out.sort();
    Ok(out)
}

/// Read a log file named by [`files_to_get`] for sending (opened again from the log
/// directory, never through a link, only a regular file, at most [`MAX_GET`] bytes).
pub fn read_for_get(root: &Path, name: &str) -> OpResult<Vec<u8>> {
    let opened = open_file(root, name)?;
    let shown = one_line(name).into_owned();
    let mut data = Vec::new();
    opened
        .file
        .take(MAX_GET + 1)
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

/// The SFTP subdirectory a node's files go to: its host name (`utils node show`), made safe
/// as one name of a path.
pub fn node_dir_name(hostname: &str) -> String {
    let host = hostname.trim().trim_end_matches('.');
    let s: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.chars().all(|c| c == '.') {
        "node".to_owned()
    } else {
        s
    }
}

/// `file get`: send the files `spec` names to the SFTP server, into the subdirectory of the
/// SFTP directory named after this node's host name (made if missing), each under its own
/// name. Nothing is ever written over: each file is written to a temporary name created
/// exclusively and then renamed to its name only if there is no file of that name; a file
/// that exists already is refused (the files before it are sent). Returns the remote paths.
pub fn get(
    node: &mut super::Node,
    conn: &crate::clients::ssh::Connection,
    target: &super::inventory::SftpTarget,
    spec: &str,
    progress: &mut dyn FnMut(&str, u64, Option<u64>),
) -> OpResult<Vec<String>> {
    let files = files_to_get(node.root(), spec)?;
    let host = node_dir_name(&node.identity()?.hostname);
    let base_dir = target.dir.trim_end_matches('/');
    let dir = format!("{base_dir}/{host}");
    // The SFTP directory must exist (an error names it); the node's subdirectory is made.
    conn.check_dir(if base_dir.is_empty() { "/" } else { base_dir })?;
    conn.make_dir(&dir)?;
    let mut sent = Vec::new();
    for name in files {
        node.cancel.check()?;
        let data = read_for_get(node.root(), &name)?;
        let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
        let remote = format!("{dir}/{base}");
        let written =
            conn.write_file_no_replace(&dir, &base, &data, &node.cancel, &mut |d, t| {
                progress(&base, d, t)
            })?;
        if !written {
            let done = if sent.is_empty() {
                String::new()
            } else {
                format!(" (sent before it: {})", sent.join(", "))
            };
            return Err(OpError::new(
                Kind::Forbidden,
                format!(
                    "{} exists on the SFTP server already: it was left as it was and '{}' was not sent{done}",
                    one_line(&remote),
                    one_line(&name)
                ),
            )
            .hint(format!(
                "move or remove {} on the SFTP server first, or send to another --sftp-directory",
                one_line(&remote)
            )));
        }
        sent.push(remote);
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

    /// The descriptor-relative opens, called directly: the kernel refuses a link where a
    /// directory was checked, and a directory once opened is the one read from, whatever its
    /// name leads to by then.
    #[test]
    fn a_link_on_the_way_is_refused_by_the_kernel_not_by_a_check_before() {
        let (d, root) = logs();
        let outside = d.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("shadow"), "root:SECRET\n").unwrap();
        fs::create_dir_all(root.join("logs/sub")).unwrap();
        fs::write(root.join("logs/sub/shadow"), "a log line\n").unwrap();
        let top = open_log_dir(&root).unwrap().unwrap();

        // The directory `sub` is opened (as `walk` does after its check)...
        let Found::Dir(sub) = open_entry(top.as_fd(), "sub").unwrap() else {
            panic!("sub is a directory")
        };
        // ...then its owner swaps it for a link to a directory outside the log directory.
        fs::rename(root.join("logs/sub"), root.join("logs/sub.old")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("logs/sub")).unwrap();
        // The file is opened in the directory that was opened, not through the link.
        let Found::File(mut f, _) = open_entry(sub.as_fd(), "shadow").unwrap() else {
            panic!("shadow is a file")
        };
        let mut got = String::new();
        f.read_to_string(&mut got).unwrap();
        assert_eq!(got, "a log line\n");

        // Opening the name `sub` now, with no check before it at all: the kernel refuses the
        // link (O_NOFOLLOW: ELOOP), so the swap can never lead out.
        let e = open_nofollow(top.as_fd(), "sub").unwrap_err();
        assert!(is_link_error(&e), "{e}");
        // The low-level open takes one name only: a path is not resolved by it.
        for bad in ["sub/shadow", "..", ".", ""] {
            let e = open_nofollow(top.as_fd(), bad).unwrap_err();
            assert_eq!(
                e.raw_os_error(),
                Some(nix::errno::Errno::EINVAL as i32),
                "{bad}"
            );
        }
        // Walking `sub/shadow` refuses at `sub`, with the message the commands show.
        let e = walk(&root, &["sub", "shadow"], "sub/shadow").unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden);
        assert!(
            e.message.contains("'sub' is a symbolic link"),
            "{}",
            e.message
        );
        let c = Cancel::new();
        let mut lines = Vec::new();
        let e = view(&root, "sub/shadow", &c, &mut |l| {
            lines.push(l.to_owned());
            true
        })
        .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden, "{e}");
        assert!(lines.is_empty());
        let s = search(&root, "SECRET", "/", false, &c).unwrap();
        assert!(s.matches.is_empty(), "{:?}", s.matches);
        assert!(files_to_get(&root, "sub/*").is_err());
        assert!(read_for_get(&root, "sub/shadow").is_err());
        // A log directory that is itself a link is refused.
        fs::rename(root.join("logs"), root.join("logs.real")).unwrap();
        std::os::unix::fs::symlink(root.join("logs.real"), root.join("logs")).unwrap();
        let e = open_log_dir(&root).unwrap_err();
        assert!(e.message.contains("'logs' is a symbolic link"), "{e}");
    }

    /// A FIFO in the log directory is refused at once by view, tail and get, and skipped by
    /// search: nothing waits for a writer that never comes.
    #[test]
    fn a_fifo_in_the_log_directory_is_refused_without_hanging() {
        let (_d, root) = logs();
        fs::write(root.join("logs/serve.log"), "one needle\n").unwrap();
        nix::unistd::mkfifo(&root.join("logs/pipe.log"), Mode::from_bits_truncate(0o600)).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let r = root.clone();
        std::thread::spawn(move || {
            let c = Cancel::new();
            let top = open_log_dir(&r).unwrap().unwrap();
            // The open itself, as after a swap that the check did not see, does not wait
            // (O_NONBLOCK), and what it opened is not taken for a file.
            open_nofollow(top.as_fd(), "pipe.log").unwrap();
            let entry = open_entry(top.as_fd(), "pipe.log").unwrap();
            let view_err = view(&r, "pipe.log", &c, &mut |_| true).unwrap_err();
            let tail_err = tail(&r, "pipe.log", 5, false, &c, &mut |_| true).unwrap_err();
            let get_err = files_to_get(&r, "pipe.log").unwrap_err();
            let read_err = read_for_get(&r, "pipe.log").unwrap_err();
            let all = search(&r, "needle", "/", false, &c).unwrap();
            let one = search(&r, "needle", "pipe.log", false, &c).unwrap();
            let listed = list(&r, "/", Order::Name, false).unwrap();
            tx.send((
                matches!(entry, Found::Other(_)),
                [view_err, tail_err, get_err, read_err].map(|e| e.message),
                (all.files_searched, all.matches.len(), one.files_searched),
                listed
                    .iter()
                    .map(|e| format!("{} {}", e.name, e.kind))
                    .collect::<Vec<_>>(),
            ))
            .unwrap();
        });
        let (other, errors, searched, listed) = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("a FIFO made the log commands hang");
        assert!(other);
        for m in errors {
            assert_eq!(m, "'pipe.log' is not a regular file");
        }
        assert_eq!(searched, (1, 1, 0));
        assert_eq!(
            listed,
            [
                "orchestration-audit dir",
                "pipe.log other",
                "serve.log file"
            ]
        );
    }

    #[test]
    fn a_long_line_is_one_line_cut_and_line_numbers_count_real_lines() {
        // Read through a tiny buffer too, so a line spans many reads.
        let long = "x".repeat(MAX_LINE + 5);
        let body = format!("abc\n{long}\n{}\nlast", "y".repeat(MAX_LINE));
        for cap in [7, 8192] {
            let mut r = BufReader::with_capacity(cap, body.as_bytes());
            let mut buf = Vec::new();
            let mut got = Vec::new();
            while let Some(cut) = read_line(&mut r, &mut buf).unwrap() {
                got.push((buf.len(), cut));
            }
            assert_eq!(got, [(3, 0), (MAX_LINE, 5), (MAX_LINE, 0), (4, 0)], "{cap}");
        }

        let (_d, root) = logs();
        // A peer's long text whose tail, past 64 KiB, looks like a line of its own.
        let forged = "2026-12-05 10:00:00 UTC user=\"admin\" result=\"Success\"";
        let padding = "A".repeat(100 << 10);
        fs::write(
            root.join("logs/peer.log"),
            format!("first\n{padding}{forged}\nneedle on line 3\n"),
        )
        .unwrap();
        let cut = (100 << 10) - MAX_LINE + forged.len();
        let second = format!("{} … ({cut} bytes cut)", "A".repeat(MAX_LINE));
        let c = Cancel::new();
        let mut lines = Vec::new();
        view(&root, "peer.log", &c, &mut |l| {
            lines.push(l.to_owned());
            true
        })
        .unwrap();
        assert_eq!(lines, ["first", second.as_str(), "needle on line 3"]);
        assert!(!lines.iter().any(|l| l.starts_with("2026-")));
        let mut tailed = Vec::new();
        tail(&root, "peer.log", 10, false, &c, &mut |l| {
            tailed.push(l.to_owned());
            true
        })
        .unwrap();
        assert_eq!(tailed, lines);
        // The match is on line 3, the third real line, however long line 2 is.
        let s = search(&root, "needle", "peer.log", false, &c).unwrap();
        assert_eq!(s.matches.len(), 1);
        assert_eq!(
            (s.matches[0].line, s.matches[0].text.as_str()),
            (3, "needle on line 3")
        );
        let s = search(&root, "AAAA", "/", false, &c).unwrap();
        assert_eq!(s.matches.len(), 1);
        assert_eq!((s.matches[0].line, &s.matches[0].text), (2, &second));
        // What was cut is not a line: the forged text is never shown or found as one.
        let s = search(&root, "result=", "/", false, &c).unwrap();
        assert!(s.matches.is_empty(), "{:?}", s.matches);
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
