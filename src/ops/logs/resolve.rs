//! Resolving a path inside the log directory, by the kernel, and listing its entries.
//!
//! Checking a path and then opening it by name leaves a window in which the owner of the log
//! directory can put a link where a checked directory was. So nothing here opens a path: the log
//! directory is opened once (`O_NOFOLLOW | O_DIRECTORY`), and every file or directory under it
//! is opened relative to the descriptor of its parent, one name at a time, with `O_NOFOLLOW` —
//! the kernel refuses a link at every step, whatever changed since anything was looked at. A
//! file is opened `O_NONBLOCK` and checked with `fstat` on the open descriptor: only a regular
//! file is read (a FIFO or a device can neither hang nor be read), and directories are listed
//! from their descriptor.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use nix::dir::Dir;
use nix::fcntl::{fcntl, openat, AtFlags, FcntlArg, OFlag};
use nix::sys::stat::{fstat, fstatat, FileStat, Mode};

use serde::Serialize;

use super::*;
use crate::ops::{Kind, OpError, OpResult};
use crate::text::one_line;

/// A path as typed, relative to the log directory: its words, checked.
pub(super) fn words(spec: &str) -> OpResult<Vec<&str>> {
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

pub(super) fn not_found(shown: &str) -> OpError {
    OpError::new(
        Kind::NotFound,
        format!("there is no '{shown}' in the log directory"),
    )
    .hint("see what there is with: file list activelog")
}

pub(super) fn link_refused(shown: &str) -> OpError {
    OpError::new(
        Kind::Forbidden,
        format!("'{shown}' is a symbolic link: links are not followed in the log directory"),
    )
}

pub(super) fn not_regular(shown: &str) -> OpError {
    OpError::new(Kind::Invalid, format!("'{shown}' is not a regular file"))
}

pub(super) fn is_link_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(nix::errno::Errno::ELOOP as i32)
}

pub(super) fn io_error(shown: &str, e: io::Error) -> OpError {
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
pub(super) enum Ty {
    File,
    Dir,
    Link,
    Other,
}

pub(super) fn ty(st: &FileStat) -> Ty {
    match st.st_mode & libc::S_IFMT {
        libc::S_IFREG => Ty::File,
        libc::S_IFDIR => Ty::Dir,
        libc::S_IFLNK => Ty::Link,
        _ => Ty::Other,
    }
}

/// An entry of the log directory, opened without following a link.
#[derive(Debug)]
pub(super) enum Found {
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
pub(super) fn open_nofollow(dir: BorrowedFd<'_>, name: &str) -> io::Result<OwnedFd> {
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
pub(super) fn open_entry(dir: BorrowedFd<'_>, name: &str) -> io::Result<Found> {
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
pub(super) fn open_log_dir(root: &Path) -> OpResult<Option<OwnedFd>> {
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
pub(super) fn walk_from(
    top: OwnedFd,
    words: &[&str],
    shown: &str,
) -> OpResult<(Option<OwnedFd>, Found)> {
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
pub(super) fn walk(root: &Path, words: &[&str], shown: &str) -> OpResult<(Option<OwnedFd>, Found)> {
    let Some(top) = open_log_dir(root)? else {
        return Err(not_found(shown).hint("this node has written no log yet"));
    };
    walk_from(top, words, shown)
}

/// A regular file of the log directory, open, with the descriptor of its directory and its
/// name there (for `file tail --follow` to see a rotation).
pub(super) struct Opened {
    pub(super) file: File,
    pub(super) parent: OwnedFd,
    pub(super) leaf: String,
}

/// Open a regular file of the log directory, never through a link.
pub(super) fn open_file(root: &Path, spec: &str) -> OpResult<Opened> {
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
pub(super) fn names_in(dir: OwnedFd) -> io::Result<(Dir, Vec<String>)> {
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

pub(super) fn has_wildcard(w: &str) -> bool {
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
