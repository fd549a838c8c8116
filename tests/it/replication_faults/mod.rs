//! Issue 29: the replication faults that left the Cloud Connect pair different while
//! `utils dbreplication runtimestate` reported no error, each against real `ccadmin serve`
//! nodes on loopback: a snapshot delivered late (through a proxy in the test that holds it), a
//! publisher restored from a copy of its state directory, writers while the publisher's
//! service is stopped (SIGSTOP), `set smtp-pswd` on a locked database, a subscriber on a
//! nearly full filesystem (a small tmpfs), and retries towards a subscriber that is down.
//!
//! This module is the shared helpers (`replication_chaos` uses some too); the tests are in
//! its children, one fault each.

mod full_disk;
mod late_snapshot;
mod restored_publisher;
mod unavailable;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cluster::{add_user_as, caught_up, node, replication, sql, subscriber_state, Pair};
use crate::jfrog::{JFrog, GOOD_KEY};
use crate::serve::Served;
use crate::util::{bin, ccadmin, run, wait_for_showing};

/// `crate::cluster::pair_built` with services started the usual way.
fn pair_with<T>(
    prepare: impl FnOnce(&Path) -> T,
    name: impl FnOnce(&Path, u16) -> String,
    before_join: impl FnOnce(&Path),
) -> (Pair, T) {
    crate::cluster::pair_built(Served::start, prepare, name, before_join)
}

/// Rows of `query` on a node's database, read directly (read-only), each column as text.
pub fn db_rows(st: &Path, query: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open_with_flags(
        st.join("ccadmin.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    let mut stmt = conn
        .prepare(query)
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => "NULL".to_owned(),
                        rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                        rusqlite::types::ValueRef::Real(v) => v.to_string(),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// The SMTP password a node uses: the one place that knows where it is kept. Today it is
/// `smtp-password` in the file secret store (`<state>/secrets`, a JSON object); where the
/// node points a slot at another name (`secret_slot`), the name it points at.
fn smtp_password(st: &Path) -> Option<String> {
    crate::util::slot_secret(st, "smtp-password")
}

/// `set smtp-pswd` with `password`; the command's output.
fn set_smtp_password(st: &Path, password: &str) -> std::process::Output {
    ccadmin(st)
        .env("CCADMIN_SMTP_PASSWORD", password)
        .args(["set", "smtp-pswd"])
        .output()
        .unwrap()
}

fn set_smtp_password_ok(st: &Path, password: &str) {
    let out = set_smtp_password(st, password);
    assert!(
        out.status.success(),
        "set smtp-pswd: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A `ccadmin` process on `st` (not waited for), with `env`.
pub fn spawn(st: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut c = Command::new(bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("CCADMIN_") {
            c.env_remove(k);
        }
    }
    c.env("CCADMIN_STATE_DIR", st)
        .env("HOME", st.parent().unwrap())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait for `child` for at most `secs` (a bound that only catches a hang): killed and a
/// failure if it has not exited by then; its exit status and stderr otherwise.
pub fn finish(mut child: Child, what: &str, secs: u64) -> (std::process::ExitStatus, String) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status, err);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} hung: it had not exited after {secs} s and was killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The application users of a node: (pkid, name), by name.
fn users(st: &Path) -> String {
    sql(st, "select pkid, name from applicationuser order by name")
}

/// Wait (bounded) until the publisher sees the subscriber caught up with the same users.
fn same_users(p: &Path, s: &Path, what: &str) {
    wait_for_showing(
        what,
        Duration::from_secs(60),
        || caught_up(p) && users(s) == users(p),
        || format!("{}", subscriber_state(p)),
    );
}
