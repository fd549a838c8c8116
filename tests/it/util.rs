//! Shared helpers: a clean `ccadmin` command on a temporary state directory.

use std::path::{Path, PathBuf};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ccadmin"))
}

/// A `ccadmin` command that sees none of the caller's CCADMIN_* settings and keeps its state in
/// `state`.
pub fn ccadmin(state: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("CCADMIN_") {
            c.env_remove(k);
        }
    }
    c.env("CCADMIN_STATE_DIR", state)
        .env("HOME", state.parent().unwrap_or(state))
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `args` with `stdin` on the state directory.
pub fn run(state: &Path, args: &[&str], stdin: &str) -> Run {
    let out = ccadmin(state)
        .args(args)
        .write_stdin(stdin.to_owned())
        .output()
        .expect("ccadmin runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh temporary directory and the state directory inside it.
pub fn state() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let s = d.path().join("state");
    (d, s)
}

/// Every byte of every file under `dir`, with its path, for secret searches.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(all_files(&p));
            } else if let Ok(b) = std::fs::read(&p) {
                out.push((p, b));
            }
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The secret a node uses for `slot` (`smtp-password`, `hub-token`), read from its file secret
/// store: the name the database's `secret_slot` points at (a slot never switched keeps its
/// secret under its own name).
pub fn slot_secret(st: &Path, slot: &str) -> Option<String> {
    let conn = rusqlite::Connection::open_with_flags(
        st.join("ccadmin.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .unwrap();
    let name = match conn.query_row(
        "SELECT name FROM secret_slot WHERE slot = ?1",
        [slot],
        |r| r.get::<_, Option<String>>(0),
    ) {
        Ok(Some(n)) => n,
        Ok(None) => return None,
        Err(rusqlite::Error::QueryReturnedNoRows) => slot.to_owned(),
        Err(e) => panic!("{e}"),
    };
    let text = std::fs::read_to_string(st.join("secrets")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[&name].as_str().map(str::to_owned)
}
