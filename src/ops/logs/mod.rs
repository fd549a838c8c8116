//! The node's own logs, read the way Cisco's `file ... activelog` commands read a VOS node's:
//! everything under `<state>/logs/` (the service's `serve.log`, the hub's `hub.log`, the VOS
//! installer's `install.log`, and the orchestration audit log
//! `orchestration-audit/audit.log`), and the writer those logs share, which rotates them by
//! size and keeps a bounded number of old files.
//!
//! Every path an administrator names is resolved inside the log directory and nowhere else:
//! `..`, an absolute path (other than `/`, the log directory itself, as Cisco writes it) and a
//! symbolic link anywhere on the way are refused, and every file and directory is opened
//! relative to the descriptor of its parent with `O_NOFOLLOW` (see `resolve`), so
//! nothing outside the log directory can be read through these commands, even while the
//! directory's owner changes it. Log lines can hold a
//! peer's text; the front ends show lines and names through `output::terminal_safe` /
//! `one_line`.
//!
//! One job a file: `write` appends and rotates (and keeps the audit log), `resolve` opens a
//! path inside the log directory without following a link and lists entries, `read` views,
//! tails and searches, and `get` sends files to the SFTP server.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod get;
mod read;
mod resolve;
#[cfg(test)]
mod tests;
mod write;

pub use get::*;
pub use read::*;
pub use resolve::*;
pub use write::*;

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
