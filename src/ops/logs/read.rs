//! Reading the logs: `file view`, `file tail` (and `--follow`) and `file search`, a line at a
//! time with bounded memory whatever the file or the line.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use nix::fcntl::AtFlags;
use nix::sys::stat::{fstat, fstatat};

use serde::Serialize;

use super::*;
use crate::cancel::Cancel;
use crate::ops::{Kind, OpError, OpResult};
use crate::text::one_line;

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
pub(super) fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<u64>> {
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
