//! The Cloud Connect cluster: a subscriber joins its publisher with the shared secret, the
//! image-repository setting replicates when the subscriber comes back, and VOS onboarding
//! needs every Cloud Connect node.
//!
//! This module is the pair harness and its helpers (other test files use them too); the
//! tests are in its children, one theme each.

mod all_nodes;
mod convergence;
mod join;
mod refusals;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::jfrog::{JFrog, GOOD_KEY};
use crate::serve::Served;
use crate::util::{ccadmin, run, state, wait_for};

/// How long a wait in these tests may take.
const WAIT: Duration = Duration::from_secs(20);

pub const SECRET: &str = "cluster-secret-0123456789";
pub const PASSWORD: &str = "Cluster-Pass-2026";

pub fn node(s: &Path, args: &[&str]) {
    let r = run(s, args, "");
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
}

pub fn add_user(s: &Path) {
    assert!(ccadmin(s)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", PASSWORD)
        .args(["utils", "applicationuser", "add", "ccadmin"])
        .output()
        .unwrap()
        .status
        .success());
}

pub fn trust(from: &Path, into: &Path, name: &str) {
    let pem = run(from, &["show", "cert", "own"], "").stdout;
    let f = into.parent().unwrap().join(format!("{name}.pem"));
    std::fs::write(&f, pem).unwrap();
    node(into, &["utils", "cert", "import", f.to_str().unwrap()]);
}

/// A publisher and a subscriber, both serving, that share the cluster secret and trust each
/// other's certificate, each with the application user `ccadmin`. Each service listens on a
/// port the kernel picked; the node's name then carries that port.
pub struct Pair {
    /// The state directories: bind them (`_dirs`), or they go at once.
    pub _dirs: (tempfile::TempDir, tempfile::TempDir),
    pub p: std::path::PathBuf,
    pub s: std::path::PathBuf,
    pub publisher: Served,
    pub subscriber: Option<Served>,
    pub pp: u16,
    pub sp: u16,
}

pub fn pair() -> Pair {
    pair_started(Served::start)
}

/// A pair whose services `start` starts (on a port the kernel picks).
pub fn pair_started(start: impl Fn(&Path) -> Served) -> Pair {
    pair_built(start, |_| (), |_, port| format!("localhost:{port}"), |_| {}).0
}

/// A pair as `pair_started` makes it, except that `prepare` runs on the subscriber's (not yet
/// made) state directory first, the subscriber's node name is what `name` says (given its
/// state directory and its port: the publisher sends to that name), and `before_join` runs on
/// the publisher's state directory before the subscriber is told its role (so what it makes is
/// in the first snapshot).
pub fn pair_built<T>(
    start: impl Fn(&Path) -> Served,
    prepare: impl FnOnce(&Path) -> T,
    name: impl FnOnce(&Path, u16) -> String,
    before_join: impl FnOnce(&Path),
) -> (Pair, T) {
    let (d1, p) = state();
    let (d2, s) = state();
    let prepared = prepare(&s);
    for st in [&p, &s] {
        add_user(st);
        set_secret(st, SECRET);
    }
    let publisher = start(&p);
    let subscriber = start(&s);
    let (pp, sp) = (publisher.port, subscriber.port);
    let sub_name = name(&s, sp);
    for (st, host) in [(&p, format!("localhost:{pp}")), (&s, sub_name)] {
        node(st, &["utils", "node", "set", "--hostname", &host]);
    }
    before_join(&p);
    node(
        &s,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--role",
            "subscriber",
            "--publisher",
            &format!("localhost:{pp}"),
        ],
    );
    trust(&s, &p, "subscriber");
    trust(&p, &s, "publisher");
    (
        Pair {
            _dirs: (d1, d2),
            p,
            s,
            publisher,
            subscriber: Some(subscriber),
            pp,
            sp,
        },
        prepared,
    )
}

/// Sets the cluster secret of `st`.
pub fn set_secret(st: &Path, secret: &str) {
    let r = ccadmin(st)
        .env("CCADMIN_CLUSTER_SECRET", secret)
        .args(["utils", "node", "cluster-secret"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

/// `utils dbreplication runtimestate --output json` of a node.
pub fn replication(st: &Path) -> serde_json::Value {
    let r = run(
        st,
        &["--output", "json", "utils", "dbreplication", "runtimestate"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// The publisher's view of its subscriber.
pub fn subscriber_state(p: &Path) -> serde_json::Value {
    replication(p)["nodes"][1].clone()
}

pub fn caught_up(p: &Path) -> bool {
    let sub = subscriber_state(p);
    sub["lag"] == 0 && sub["applied"].as_i64().unwrap_or(0) > 0
}

pub fn sql(st: &Path, query: &str) -> String {
    let r = run(st, &["run", "sql", query], "");
    assert_eq!(r.code, 0, "{query}: {}", r.stderr);
    r.stdout
}

pub fn add_user_as(st: &Path, name: &str, password: &str) {
    let out = ccadmin(st)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", password)
        .args(["utils", "applicationuser", "add", name])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The subscriber's record of the batches it applied: (from, to, snapshot), oldest first.
fn applied_batches(s: &Path) -> Vec<(i64, i64, bool)> {
    sql_rows(
        s,
        "select seq_from, seq_to, snapshot from replicationapplied order by id",
    )
    .iter()
    .map(|r| {
        let n = |k: &str| r[k].as_i64().unwrap_or_else(|| panic!("{r}"));
        (n("seq_from"), n("seq_to"), n("snapshot") == 1)
    })
    .collect()
}

/// The rows of `run sql --output json`, each an object by column name.
fn sql_rows(st: &Path, query: &str) -> Vec<serde_json::Value> {
    let r = run(st, &["--output", "json", "run", "sql", query], "");
    assert_eq!(r.code, 0, "{query}: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .clone()
}
