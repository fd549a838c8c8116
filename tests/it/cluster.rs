//! The Cloud Connect cluster: a subscriber joins its publisher with the shared secret, the
//! image-repository setting replicates when the subscriber comes back, and VOS onboarding
//! needs every Cloud Connect node.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::jfrog::{JFrog, GOOD_KEY, REPO};
use crate::serve::Served;
use crate::util::{ccadmin, run, state};

const SECRET: &str = "cluster-secret-0123456789";
const PASSWORD: &str = "Cluster-Pass-2026";

fn node(s: &Path, args: &[&str]) {
    let r = run(s, args, "");
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
}

fn add_user(s: &Path) {
    assert!(ccadmin(s)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", PASSWORD)
        .args(["utils", "applicationuser", "add", "ccadmin"])
        .output()
        .unwrap()
        .status
        .success());
}

fn trust(from: &Path, into: &Path, name: &str) {
    let pem = run(from, &["show", "cert", "own"], "").stdout;
    let f = into.parent().unwrap().join(format!("{name}.pem"));
    std::fs::write(&f, pem).unwrap();
    node(into, &["utils", "cert", "import", f.to_str().unwrap()]);
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
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
    let (d1, p) = state();
    let (d2, s) = state();
    for st in [&p, &s] {
        add_user(st);
        set_secret(st, SECRET);
    }
    let publisher = Served::start(&p);
    let subscriber = Served::start(&s);
    let (pp, sp) = (publisher.port, subscriber.port);
    for (st, port) in [(&p, pp), (&s, sp)] {
        node(
            st,
            &[
                "utils",
                "node",
                "set",
                "--hostname",
                &format!("localhost:{port}"),
            ],
        );
    }
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
    Pair {
        _dirs: (d1, d2),
        p,
        s,
        publisher,
        subscriber: Some(subscriber),
        pp,
        sp,
    }
}

/// Sets the cluster secret of `st`.
fn set_secret(st: &Path, secret: &str) {
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
    wait_for("the subscriber to join", || {
        cluster()["subscriber"] == format!("localhost:{sp}")
    });

    // The subscriber goes down; the setting made meanwhile waits, then lands.
    drop(subscriber.take());
    let j = JFrog::start();
    let key = p.parent().unwrap().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let r = run(
        &p,
        &[
            "utils",
            "image-repository",
            "set",
            "--url",
            &j.base,
            "--repository",
            REPO,
            "--auth-type",
            "api-key",
            "--credential-file",
            key.to_str().unwrap(),
            "--software",
            "unrestricted",
            "--ca-file",
            j.ca.to_str().unwrap(),
        ],
        "",
    );
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
    wait_for("the replication", || {
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
    wait_for("bob to reach the subscriber", || {
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
    wait_for("the subscriber to catch up", || {
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
    let text = run(&s, &["utils", "dbreplication", "runtimestate"], "").stdout;
    assert!(
        text.contains(&format!("localhost:{sp} (this node)"))
            && text.contains(&format!("Newest change : {seq}")),
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
    let sshd = crate::sshd::Sshd::start();
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
    // byte, and its test-connection proves its own key on the VOS host.
    let show = |st: &Path| run(st, &["utils", "system", "inventory", "show"], "").stdout;
    wait_for("the inventory to reach the subscriber", || {
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
    wait_for("the subscriber to join", || {
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
    wait_for("the refusal", || {
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

