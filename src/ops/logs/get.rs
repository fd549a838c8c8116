//! `file get`: which files are sent, and sending them to the SFTP server under this node's
//! own subdirectory without ever writing over a file.

use std::io::Read;
use std::path::Path;

use nix::fcntl::AtFlags;
use nix::sys::stat::fstatat;

use super::*;
use crate::ops::{Kind, OpError, OpResult};
use crate::text::one_line;

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
    node: &mut crate::ops::Node,
    conn: &crate::clients::ssh::Connection,
    target: &crate::ops::inventory::SftpTarget,
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
