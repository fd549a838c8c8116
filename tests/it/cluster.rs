//! The Cloud Connect cluster: a subscriber joins its publisher with the shared secret, the
//! image-repository setting replicates when the subscriber comes back, and VOS onboarding
//! needs every Cloud Connect node.

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

#[test]
fn subscriber_joins_replication_lands_and_onboarding_needs_both_nodes() {
    let Pair {
        p,
        s,
        publisher,
        mut subscriber,
        pp,
        sp,
        _dirs,
    } = pair();
    let (_d3, v) = state();
    let cluster = || -> serde_json::Value {
        publisher
            .client()
            .get(publisher.url("/inventory/cluster"))
            .basic_auth("ccadmin", Some(PASSWORD))
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    wait_for("the subscriber to join", WAIT, || {
        cluster()["subscriber"] == format!("localhost:{sp}")
    });

    // The subscriber goes down; the setting made meanwhile waits, then lands.
    drop(subscriber.take());
    let j = JFrog::start();
    let key = p.parent().unwrap().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let args = j.set_args(&key);
    let r = run(&p, &args.iter().map(String::as_str).collect::<Vec<_>>(), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Artifactory configuration saved.")
            && r.stderr
                .contains(&format!("It replicates to the subscriber localhost:{sp}")),
        "{}",
        r.stderr
    );
    assert!(run(&s, &["utils", "image-repository", "show"], "")
        .stdout
        .contains("not configured"));
    let _subscriber = Served::start_on(&s, sp);
    wait_for("the replication", WAIT, || {
        run(&s, &["utils", "image-repository", "show"], "")
            .stdout
            .contains(&j.base)
    });
    // The publisher's CA file came with the setting: the subscriber's download trusts the
    // Artifactory without a --ca-file of its own.
    j.put("/12.6/common/tool.zip", vec![1u8; 2048]);
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(s.join("artifacts/12.6/common/tool.zip").exists());
    let shown = run(&s, &["utils", "image-repository", "show"], "").stdout;
    assert!(shown.contains("replicated/artifactory-ca-"), "{shown}");
    assert!(
        shown.contains("a1b2") && !shown.contains(GOOD_KEY),
        "{shown}"
    );

    // Application users are the publisher's: one added there authenticates to the
    // subscriber's service once replicated (hashes only); on the subscriber they cannot change.
    let out = ccadmin(&p)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Bob-Replicated-1")
        .args(["utils", "applicationuser", "add", "bob"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bob_at_subscriber = || {
        _subscriber
            .client()
            .get(_subscriber.url("/inventory/controlnode/key"))
            .basic_auth("bob", Some("Bob-Replicated-1"))
            .send()
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    };
    // Wait on the subscriber's state, not on failed logins (they would rate-limit 127.0.0.1,
    // which is also where the publisher's replication comes from in this test).
    wait_for("bob to reach the subscriber", WAIT, || {
        run(&s, &["utils", "applicationuser", "list"], "")
            .stdout
            .contains("bob")
    });
    assert_eq!(bob_at_subscriber(), 200);
    // The replication's state, from both ends.
    let state_of = |st: &Path| -> serde_json::Value {
        let r = run(
            st,
            &["--output", "json", "utils", "dbreplication", "runtimestate"],
            "",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    wait_for("the subscriber to catch up", WAIT, || {
        state_of(&p)["nodes"][1]["lag"] == 0
    });
    let at_p = state_of(&p);
    assert_eq!(at_p["role"], "publisher");
    let seq = at_p["sequence"].as_i64().unwrap();
    assert!(seq > 0, "{at_p}");
    assert_eq!(at_p["nodes"][0]["this_node"], true, "{at_p}");
    assert_eq!(at_p["nodes"][1]["node"], format!("localhost:{sp}"));
    assert_eq!(at_p["nodes"][1]["reachable"], true, "{at_p}");
    assert_eq!(at_p["nodes"][1]["applied"], seq, "{at_p}");
    let at_s = state_of(&s);
    assert_eq!(at_s["role"], "subscriber");
    assert_eq!(at_s["cluster"], at_p["cluster"], "{at_s}");
    assert_eq!(at_s["nodes"][0]["node"], format!("localhost:{pp}"));
    assert_eq!(at_s["nodes"][0]["reachable"], true, "{at_s}");
    assert_eq!(at_s["nodes"][1]["applied"], seq, "{at_s}");
    assert_eq!(at_s["nodes"][1]["lag"], 0, "{at_s}");
    // The subscriber's replication log has the batches it applied, read the Cisco way.
    let log = run(&s, &["file", "tail", "activelog", "replication.log"], "");
    assert!(
        log.stdout.contains("applied a snapshot from the publisher"),
        "{}{}",
        log.stdout,
        log.stderr
    );
    let text = run(&s, &["utils", "dbreplication", "runtimestate"], "").stdout;
    assert!(
        text.contains(&format!("localhost:{sp} (this node)"))
            && text.contains(&format!("Newest change     : {seq}")),
        "{text}"
    );
    let r = run(
        &s,
        &["--yes", "utils", "applicationuser", "delete", "bob"],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command can only be run on the publisher node."),
        "{}",
        r.stderr
    );

    // A VOS node sees both Cloud Connect nodes and installs both keys.
    trust(&p, &v, "cc-pub");
    trust(&s, &v, "cc-sub");
    let mut sshd = crate::sshd::Sshd::start();
    let ak = sshd.dir.path().join("authorized_keys");
    node(
        &v,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--role",
            "vos",
            "--component",
            "CUIC",
            "--hostname",
            &format!("127.0.0.1:{}", sshd.port),
            "--orchestration-user",
            "root",
            "--authorized-keys",
            ak.to_str().unwrap(),
        ],
    );
    let before = std::fs::read_to_string(&ak).unwrap();
    let answers = format!("localhost:{pp}\nccadmin\n{PASSWORD}\n");
    drop(_subscriber);
    let r = run(&v, &["utils", "system", "onboard", "trigger"], &answers);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "Cloud Connect node localhost:{sp} cannot be fetched; nothing was changed"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&ak).unwrap(),
        before,
        "nothing changed"
    );
    let _back = Served::start_on(&s, sp);
    let r = run(&v, &["utils", "system", "onboard", "trigger"], &answers);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let keys = std::fs::read_to_string(&ak).unwrap();
    let pub_key = run(&p, &["utils", "controlnode", "key"], "")
        .stdout
        .trim()
        .to_owned();
    let sub_key = run(&s, &["utils", "controlnode", "key"], "")
        .stdout
        .trim()
        .to_owned();
    assert!(keys.contains(&pub_key) && keys.contains(&sub_key), "{keys}");

    // The onboarded cluster reaches the subscriber: its inventory is the publisher's, byte for
    // byte, and its test-connection proves its own key on the VOS host, whose orchestration
    // account's shell is now the VOS CLI, as on a real VOS node.
    crate::orchestration::take_shell(&mut sshd, _d3.path(), Some(&v));
    let show = |st: &Path| run(st, &["utils", "system", "inventory", "show"], "").stdout;
    wait_for("the inventory to reach the subscriber", WAIT, || {
        show(&s) == show(&p)
    });
    assert!(show(&s).contains(&format!("127.0.0.1:{}", sshd.port)));
    let t = run(
        &s,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "test-connection",
            "--timeout",
            "5",
        ],
        "",
    );
    assert_eq!(t.code, 0, "{}{}", t.stdout, t.stderr);
    let v: serde_json::Value = serde_json::from_str(&t.stdout).unwrap();
    assert_eq!(v["passed"], 1, "{v}");
    assert_eq!(
        v["public_key"], sub_key,
        "the subscriber tests with its own key"
    );
    // Registering against the subscriber is refused: the publisher is the one writer.
    let r = _back
        .client()
        .post(_back.url("/inventory/onboard"))
        .basic_auth("ccadmin", Some(PASSWORD))
        .json(&serde_json::json!({ "host": "x.lab", "cluster": "C-1", "product": "CUIC", "type": "Publisher", "host_key": pub_key, "user": "root", "port": 22 }))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

/// Issue 12: a subscriber whose cluster secret no longer matches is refused: nothing is
/// applied there, the publisher's status names the refusal and keeps the change; with the
/// secret right again it lands.
#[test]
fn a_wrong_cluster_secret_applies_nothing_and_the_change_waits() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        sp,
        _dirs,
        ..
    } = pair();
    let joined = || {
        let r = run(
            &p,
            &["--output", "json", "utils", "dbreplication", "runtimestate"],
            "",
        );
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()
    };
    wait_for("the subscriber to join", WAIT, || {
        joined()["nodes"][1]["node"] == format!("localhost:{sp}")
    });
    set_secret(&s, "another-secret-entirely-42");
    let out = ccadmin(&p)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Eve-Waits-123")
        .args(["utils", "applicationuser", "add", "eve"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let users_kind = || joined()["nodes"][1].clone();
    wait_for("the refusal", WAIT, || {
        users_kind()["attempts"].as_i64().unwrap_or(0) >= 1
    });
    let k = users_kind();
    assert!(k["lag"].as_i64().unwrap() > 0, "{k}");
    assert!(
        k["last_error"]
            .as_str()
            .unwrap()
            .contains("refused the cluster secret"),
        "{k}"
    );
    assert!(!run(&s, &["utils", "applicationuser", "list"], "")
        .stdout
        .contains("eve"));
    set_secret(&s, SECRET);
    // Refused secrets count against the publisher's address like failed logins (5 a minute),
    // so this may wait out that minute: the bound is 90 s, not 20.
    let deadline = Instant::now() + Duration::from_secs(90);
    while !run(&s, &["utils", "applicationuser", "list"], "")
        .stdout
        .contains("eve")
    {
        assert!(
            Instant::now() < deadline,
            "eve never landed: {}",
            users_kind()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(publisher);
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

/// Issue 12: ten changes of every kind while the subscriber is down; back, it converges in
/// one batch, its state is the publisher's (users with their ids, the inventory and its
/// history byte for byte, the trusted CA, the image repository), and a batch delivered again
/// changes nothing.
#[test]
fn ten_changes_while_the_subscriber_is_down_converge_and_apply_once() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        mut subscriber,
        pp,
        sp,
        _dirs,
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    drop(subscriber.take());
    let before = subscriber_state(&p)["applied"].as_i64().unwrap();

    let sshd = crate::sshd::Sshd::start();
    let j = JFrog::start();
    let inventory = |cluster: &str| {
        format!(
            "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      {cluster}:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
            sshd.port
        )
    };
    // 1-3: three users; 4: a password; 5: a deletion.
    add_user_as(&p, "alice", "Alice-Pass-2026");
    add_user_as(&p, "bob", "Bob-Pass-2026x");
    add_user_as(&p, "carol", "Carol-Pass-2026");
    let out = ccadmin(&p)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Alice-Changed-2026")
        .args(["utils", "applicationuser", "password", "alice"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    node(&p, &["--yes", "utils", "applicationuser", "delete", "bob"]);
    // 6-7: two inventory versions over SFTP.
    crate::test_connection::import(&p, &sshd, &inventory("PG1"));
    crate::test_connection::import(&p, &sshd, &inventory("PG2"));
    // 8: the Artifactory's CA into trust/; 9: the image repository, trusting it through trust/.
    node(
        &p,
        &[
            "utils",
            "cert",
            "import",
            j.ca.to_str().unwrap(),
            "--name",
            "artifactory-ca",
        ],
    );
    let key = p.parent().unwrap().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let mut args = j.set_args(&key);
    args.truncate(args.len() - 2); // no --ca-file: trust/ holds the CA
    node(&p, &args.iter().map(String::as_str).collect::<Vec<_>>());
    // 10: one more user.
    add_user_as(&p, "dave", "Dave-Pass-20261");

    let waiting = subscriber_state(&p);
    assert!(waiting["lag"].as_i64().unwrap() >= 10, "{waiting}");
    assert_eq!(waiting["reachable"], false, "{waiting}");
    assert!(waiting["behind_since"].is_string(), "{waiting}");

    let back = Served::start_on(&s, sp);
    wait_for("the subscriber to catch up", WAIT, || caught_up(&p));
    let seq = replication(&p)["sequence"].as_i64().unwrap();
    assert_eq!(subscriber_state(&p)["applied"], seq);

    // The same state on both nodes.
    let users = "select pkid, name from applicationuser order by name";
    assert_eq!(sql(&s, users), sql(&p, users));
    assert!(sql(&s, users).contains("dave") && !sql(&s, users).contains("bob"));
    for what in [
        &["utils", "system", "inventory", "show"][..],
        &["utils", "system", "inventory", "history"][..],
    ] {
        assert_eq!(
            run(&s, what, "").stdout,
            run(&p, what, "").stdout,
            "{what:?}"
        );
    }
    assert!(run(&s, &["utils", "system", "inventory", "show"], "")
        .stdout
        .contains("PG2"));
    let certs = run(&s, &["utils", "cert", "list"], "").stdout;
    assert!(certs.contains("artifactory-ca"), "{certs}");
    let shown = run(&s, &["utils", "image-repository", "show"], "").stdout;
    assert!(shown.contains(&j.base), "{shown}");
    // The subscriber's download trusts the Artifactory through the replicated trust/.
    j.put("/12.6/common/tool.zip", vec![7u8; 1024]);
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The alice password that landed is the changed one.
    let status = |user: &str, pw: &str| {
        back.client()
            .get(back.url("/inventory/controlnode/key"))
            .basic_auth(user, Some(pw))
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status("alice", "Alice-Changed-2026"), 200);

    // Caught up in one batch that follows the last one applied; no range applied twice.
    let batches = applied_batches(&s);
    // It joined after the publisher had changes: a whole snapshot came first.
    assert!(batches[0].2 && batches[0].0 == 0, "{batches:?}");
    let last = *batches.last().unwrap();
    assert_eq!(last, (before, seq, false), "{batches:?}");
    for w in batches.windows(2) {
        assert!(w[1].2 || w[1].0 == w[0].1, "{batches:?}");
    }

    // The replicated credential is only in the subscriber's secret store: not in either
    // database, log or any other file of the two nodes.
    for st in [&p, &s] {
        for (path, data) in crate::util::all_files(st) {
            if path.ends_with("secrets") {
                continue;
            }
            assert!(
                !crate::util::contains(&data, GOOD_KEY),
                "the Artifactory credential is in {}",
                path.display()
            );
        }
    }

    // A batch delivered again (here: the first one, with an empty user list) changes nothing.
    let cluster = replication(&p)["cluster"].as_str().unwrap().to_owned();
    let stale = serde_json::json!({
        "cluster": cluster, "publisher": format!("localhost:{pp}"),
        "from": 0, "to": 1, "snapshot": false, "application_users": []
    });
    let r = back
        .client()
        .post(back.url("/replication/changes"))
        .bearer_auth(SECRET)
        .json(&stale)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r.json().unwrap();
    assert_eq!(v["applied"], seq, "{v}");
    assert_eq!(sql(&s, users), sql(&p, users));
    assert_eq!(applied_batches(&s).len(), batches.len());
}

/// Issue 12: every value of a batch is checked before anything is written; a batch from
/// another publisher, with a hostile name, hash, key or text, or out of order is refused and
/// nothing changes.
#[test]
fn hostile_batches_are_refused_and_change_nothing() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber,
        pp,
        _dirs,
        ..
    } = pair();
    let sub = subscriber.unwrap();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    let cluster = replication(&p)["cluster"].as_str().unwrap().to_owned();
    let seq = subscriber_state(&p)["applied"].as_i64().unwrap();
    let users = "select pkid, name from applicationuser order by name";
    let users_before = sql(&s, users);
    let files_before = crate::util::all_files(s.parent().unwrap()).len();
    let ours = format!("localhost:{pp}");
    let base = |extra: serde_json::Value| {
        let mut b = serde_json::json!({
            "cluster": cluster, "publisher": ours, "from": seq, "to": seq + 1, "snapshot": false,
        });
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cert = std::fs::read_to_string(p.join("tls/cert.pem")).unwrap();
    let cases: Vec<(&str, serde_json::Value, u16, &str)> = vec![
        (
            "another publisher",
            base(
                serde_json::json!({ "publisher": "evil.example.com:8445", "application_users": [] }),
            ),
            403,
            "are refused",
        ),
        (
            "a trust file name that climbs out",
            base(serde_json::json!({ "trust": [{ "name": "../../escape", "pem": cert }] })),
            400,
            "not a usable file name",
        ),
        (
            "a password instead of a hash",
            base(
                serde_json::json!({ "application_users": [{ "pkid": "0a1b", "name": "x", "hash": "hunter2" }] }),
            ),
            400,
            "not an argon2 hash",
        ),
        (
            "a host key that is not one",
            base(
                serde_json::json!({ "onboarded": [{ "host": "vos.lab", "cluster": "C-1", "product": "CUIC", "type": "Publisher", "host_key": "ssh-ed25519 AAAA-not-base64", "user": "root", "port": 22, "owner": null }] }),
            ),
            400,
            "host_key",
        ),
        (
            "terminal escapes in a stored text",
            base(
                serde_json::json!({ "inventory": { "whole": false, "versions": [{ "id": 99, "created_at": "2026-11-24 00:00:00", "actor": "\u{1b}[31mroot", "source": "x", "inventory": { "deployment_name": null, "deployment_type": "UCCE-2000-Agents", "vos": [], "windows": [] } }] } }),
            ),
            400,
            "control characters",
        ),
        (
            "a batch after a gap",
            base(serde_json::json!({ "from": seq + 5, "to": seq + 6, "application_users": [] })),
            409,
            "send a snapshot",
        ),
    ];
    for (what, body, status, says) in cases {
        let r = sub
            .client()
            .post(sub.url("/replication/changes"))
            .bearer_auth(SECRET)
            .json(&body)
            .send()
            .unwrap();
        let code = r.status().as_u16();
        let text = r.text().unwrap();
        assert_eq!(code, status, "{what}: {text}");
        assert!(text.contains(says), "{what}: {text}");
    }
    // A large body without the secret is turned away before it is read.
    // The service answers and closes before the body is read, so a client still writing it
    // may see its write refused (broken pipe) instead of reading the 401: either is a refusal.
    let big = "x".repeat(200 * 1024);
    match sub
        .client()
        .post(sub.url("/replication/changes"))
        .bearer_auth("not-the-secret")
        .body(big)
        .send()
    {
        Ok(r) => assert_eq!(r.status().as_u16(), 401),
        Err(e) => assert!(
            e.is_request() && format!("{e:?}").contains("BodyWrite"),
            "{e:?}"
        ),
    }
    assert_eq!(sql(&s, users), users_before);
    assert_eq!(
        crate::util::all_files(s.parent().unwrap()).len(),
        files_before,
        "no file was written"
    );
    assert!(!s.parent().unwrap().join("escape.pem").exists());
    assert_eq!(applied_batches(&s).last().unwrap().1, seq);
}

/// Issue 12: the publisher killed (SIGKILL) in the middle of a run of changes, the command
/// making them too: every change is either in the log and reaches the subscriber once the
/// publisher is back, or not made at all. Nothing half-made, nothing lost.
#[test]
fn a_publisher_killed_mid_change_loses_nothing_it_made() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        pp,
        _dirs,
        ..
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    let lines: String = (0..1000)
        .map(|i| format!("utils applicationuser add u{i:03}\n"))
        .collect();
    let mut batch = std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &p)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Batch-Pass-2026")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        batch
            .stdin
            .take()
            .unwrap()
            .write_all(lines.as_bytes())
            .unwrap();
    }
    let count = |st: &Path| {
        sql_rows(
            st,
            "select count(*) as n from applicationuser where name like 'u%'",
        )[0]["n"]
            .as_i64()
            .unwrap()
    };
    wait_for("some of the users to reach the subscriber", WAIT, || {
        count(&s) >= 3
    });
    assert!(
        batch.try_wait().unwrap().is_none(),
        "the batch was still running"
    );
    batch.kill().unwrap(); // SIGKILL
    batch.wait().unwrap();
    drop(publisher); // SIGKILL
    let made = count(&p);
    assert!((3..1000).contains(&made), "{made} users were made");
    let _back = Served::start_on(&p, pp);
    wait_for("the subscriber to catch up", WAIT, || caught_up(&p));
    let users = "select pkid, name from applicationuser order by name";
    assert_eq!(sql(&s, users), sql(&p, users));
    assert_eq!(count(&s), made);
}

/// Issue 12: a subscriber pointed at another publisher refuses this one's changes (nothing is
/// applied, the publisher's status says why and keeps them); pointed back, they land.
#[test]
fn a_subscriber_of_another_publisher_refuses_the_changes() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        pp,
        _dirs,
        ..
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    node(
        &s,
        &["-y", "utils", "node", "set", "--publisher", "localhost:1"],
    );
    add_user_as(&p, "mallory", "Mallory-Pass-2026");
    wait_for("the refusal", WAIT, || {
        subscriber_state(&p)["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("changes from"))
    });
    let st = subscriber_state(&p);
    assert!(
        st["last_error"]
            .as_str()
            .unwrap()
            .contains("the publisher of"),
        "{st}"
    );
    assert!(st["lag"].as_i64().unwrap() > 0, "{st}");
    assert!(!sql(&s, "select name from applicationuser").contains("mallory"));
    node(
        &s,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--publisher",
            &format!("localhost:{pp}"),
        ],
    );
    wait_for("the change to land", WAIT, || caught_up(&p));
    assert!(sql(&s, "select name from applicationuser").contains("mallory"));
}

/// Issue 12 (beyond Cisco): `test-connection --all-nodes` on either node runs the test on both
/// Cloud Connect nodes, each with its own key, in one table; a node that cannot answer makes
/// it partial.
#[test]
fn test_connection_on_all_nodes_proves_both_keys_in_one_table() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        mut subscriber,
        pp,
        sp,
        _dirs,
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    let sshd = crate::sshd::Sshd::start();
    for st in [&p, &s] {
        sshd.authorize(&run(st, &["utils", "controlnode", "key"], "").stdout);
    }
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
        sshd.port
    );
    crate::test_connection::import(&p, &sshd, &inv);
    wait_for("the inventory to reach the subscriber", WAIT, || {
        caught_up(&p)
    });
    // Each node learns the host key at its own console, as Cisco's steps run the test on both.
    for st in [&p, &s] {
        let r = run(
            st,
            &[
                "utils",
                "deployment",
                "test-connection",
                "--accept-new-host-keys",
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    for (from, me, other) in [(&s, sp, pp), (&p, pp, sp)] {
        let r = run(
            from,
            &[
                "--output",
                "json",
                "utils",
                "deployment",
                "test-connection",
                "--all-nodes",
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["nodes"][0]["node"], format!("localhost:{me}"), "{v}");
        assert_eq!(v["nodes"][1]["node"], format!("localhost:{other}"), "{v}");
        assert_eq!(v["passed"], 2, "{v}");
        assert_ne!(
            v["nodes"][0]["public_key"], v["nodes"][1]["public_key"],
            "each node with its own key"
        );
        let text = run(
            from,
            &["utils", "deployment", "test-connection", "--all-nodes"],
            "",
        );
        let header = text.stdout.lines().next().unwrap_or_default().to_owned();
        assert!(
            header.contains(&format!("localhost:{me}"))
                && header.contains(&format!("localhost:{other}")),
            "{}",
            text.stdout
        );
    }
    // Without the other node: this node's column, and a partial result that says why.
    drop(subscriber.take());
    let r = run(
        &p,
        &["utils", "deployment", "test-connection", "--all-nodes"],
        "",
    );
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "the other Cloud Connect node localhost:{sp} did not run the test"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("Success") && r.stdout.contains("not tested"),
        "{}",
        r.stdout
    );
}

/// Issue 23 finding 3, from both Cloud Connect nodes: a VOS host onboarded to the pair, whose
/// orchestration account's shell is the VOS CLI (which answers `echo` with `Invalid command`),
/// passes test-connection with each node's own key, whichever node runs `--all-nodes`.
#[test]
fn test_connection_on_all_nodes_passes_a_vos_host_whose_shell_is_the_vos_cli() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        pp,
        sp,
        _dirs,
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    let (_d3, v) = state();
    trust(&p, &v, "cc-pub");
    trust(&s, &v, "cc-sub");
    let mut sshd = crate::sshd::Sshd::start();
    let host = format!("127.0.0.1:{}", sshd.port);
    node(
        &v,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--role",
            "vos",
            "--component",
            "Finesse",
            "--hostname",
            &host,
            "--orchestration-user",
            "root",
            "--authorized-keys",
            sshd.dir.path().join("authorized_keys").to_str().unwrap(),
            "--software-version",
            "12.6.1",
        ],
    );
    let r = run(
        &v,
        &["utils", "system", "onboard", "trigger"],
        &format!("localhost:{pp}\nccadmin\n{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    wait_for("the onboarded host to reach the subscriber", WAIT, || {
        caught_up(&p)
            && run(&s, &["utils", "system", "inventory", "show"], "")
                .stdout
                .contains(&host)
    });
    crate::orchestration::take_shell(&mut sshd, _d3.path(), Some(&v));
    for (from, me, other) in [(&p, pp, sp), (&s, sp, pp)] {
        let args = [
            "utils",
            "deployment",
            "test-connection",
            "--all-nodes",
            "--product",
            "Finesse",
        ];
        let r = run(from, &[&["--output", "json"][..], &args[..]].concat(), "");
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(
            (j["passed"].as_u64(), j["failed"].as_u64()),
            (Some(2), Some(0)),
            "{j}"
        );
        for (i, name) in [(0, me), (1, other)] {
            let n = &j["nodes"][i];
            assert_eq!(n["node"], format!("localhost:{name}"), "{j}");
            assert_eq!(
                n["hosts"],
                serde_json::json!([{
                    "host": host,
                    "result": "Success",
                    "seconds": n["hosts"][0]["seconds"],
                    "stage": null,
                    "detail": "VOS CLI answered: active version 12.6.1",
                }]),
                "{j}"
            );
        }
        let text = run(from, &args, "");
        assert_eq!(text.code, 0, "{}{}", text.stdout, text.stderr);
        let row = text
            .stdout
            .lines()
            .find(|l| l.contains(&host))
            .unwrap_or_else(|| panic!("{}", text.stdout));
        assert!(
            row.contains("VOS") && row.matches("Success").count() == 2,
            "{}",
            text.stdout
        );
    }
}

/// Issue 13: the compatibility check is on by default, changed on the publisher only, and the
/// change reaches the subscriber (a cluster-wide `shared.` setting).
#[test]
fn the_compatibility_check_is_the_clusters() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        _dirs,
        ..
    } = pair();
    let show = |st: &Path| {
        let r = run(
            st,
            &[
                "--output",
                "json",
                "utils",
                "deployment",
                "compatibility-check",
                "show",
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["compatibility_check"].clone()
    };
    assert_eq!(show(&p), "enabled");
    node(
        &p,
        &["utils", "deployment", "compatibility-check", "disable"],
    );
    assert_eq!(show(&p), "disabled");
    wait_for("the setting to reach the subscriber", WAIT, || {
        show(&s) == "disabled"
    });
    let r = run(
        &s,
        &["utils", "deployment", "compatibility-check", "enable"],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command can only be run on the publisher node."),
        "{}",
        r.stderr
    );
    node(
        &p,
        &["utils", "deployment", "compatibility-check", "enable"],
    );
    wait_for("the setting to come back", WAIT, || show(&s) == "enabled");
    let audit = run(&p, &["run", "sql", "select command from auditlog"], "").stdout;
    assert!(audit.contains("compatibility-check disable"), "{audit}");
}
