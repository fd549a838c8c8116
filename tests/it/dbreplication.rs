//! `utils dbreplication status` and `repair` on a real pair (publisher and subscriber
//! `ccadmin serve` on loopback): equal after replication from either node, a difference made
//! behind replication's back named, repaired, and found by the service's periodic check. No
//! secret ever reaches the output.

use std::path::Path;
use std::time::Duration;

use crate::cluster::{caught_up, pair, pair_started, PASSWORD, SECRET};
use crate::jfrog::{JFrog, GOOD_KEY};
use crate::serve::Served;
use crate::util::{ccadmin, run, wait_for, Run};

/// How long a wait in these tests may take.
const WAIT: Duration = Duration::from_secs(30);

const SMTP_PASSWORD: &str = "Smtp-Secret-Pass-77";
const ALICE_PASSWORD: &str = "Alice-Replicated-1";

fn ok(st: &Path, args: &[&str]) -> Run {
    let r = run(st, args, "");
    assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    r
}

fn add_user(st: &Path, name: &str) {
    let out = ccadmin(st)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", ALICE_PASSWORD)
        .args(["utils", "applicationuser", "add", name])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// No secret of the pair in anything a command printed.
fn no_secret(r: &Run) {
    for s in [SECRET, GOOD_KEY, SMTP_PASSWORD, PASSWORD, ALICE_PASSWORD] {
        assert!(
            !r.stdout.contains(s) && !r.stderr.contains(s),
            "a secret was shown: {}{}",
            r.stdout,
            r.stderr
        );
    }
}

fn status_json(st: &Path) -> (i32, serde_json::Value) {
    let r = run(
        st,
        &["--output", "json", "utils", "dbreplication", "status"],
        "",
    );
    no_secret(&r);
    let v =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    (r.code, v)
}

fn kind<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == name)
        .unwrap_or_else(|| panic!("no kind {name}: {v}"))
}

/// Delete a user from a node's database directly, behind replication's back.
fn delete_user_in_db(st: &Path, name: &str) {
    let db = rusqlite::Connection::open(st.join("ccadmin.db")).unwrap();
    db.busy_timeout(Duration::from_secs(10)).unwrap();
    let n = db
        .execute("DELETE FROM app_user WHERE name = ?1", [name])
        .unwrap();
    assert_eq!(n, 1, "{name} was not in {}", st.display());
}

/// The publisher holds users, an image repository with its credential and CA file, the SMTP
/// setting with its password and subscribers, and a shared setting; all replicated.
fn populate(p: &Path, j: &JFrog) {
    add_user(p, "alice");
    let key = p.parent().unwrap().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let args = j.set_args(&key);
    ok(p, &args.iter().map(String::as_str).collect::<Vec<_>>());
    ok(p, &["set", "smtp-host", "127.0.0.1:1"]);
    ok(p, &["set", "smtp-from-email", "ccadmin@cc1.example.com"]);
    ok(p, &["set", "smtp-use-auth", "enable"]);
    ok(p, &["set", "smtp-user", "mailer"]);
    let r = ccadmin(p)
        .env("CCADMIN_SMTP_PASSWORD", SMTP_PASSWORD)
        .args(["set", "smtp-pswd"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    ok(p, &["utils", "smtp", "subscribe", "ops@example.com"]);
    ok(
        p,
        &["utils", "deployment", "compatibility-check", "disable"],
    );
}

const KINDS: [&str; 8] = [
    "application-users",
    "inventory",
    "onboarded",
    "image-repository",
    "trust",
    "smtp",
    "signers",
    "settings",
];

#[test]
fn status_is_equal_from_both_nodes_names_a_difference_and_repair_makes_it_equal() {
    let pair = pair();
    let (p, s) = (&pair.p, &pair.s);
    let j = JFrog::start();
    populate(p, &j);
    wait_for("the subscriber to catch up with alice", WAIT, || {
        caught_up(p)
            && run(s, &["utils", "applicationuser", "list"], "")
                .stdout
                .contains("alice")
            && run(s, &["show", "smtp-user"], "").stdout.contains("mailer")
    });

    // Equal, from either node, as text and as JSON.
    for st in [p, s] {
        let r = run(st, &["utils", "dbreplication", "status"], "");
        no_secret(&r);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        for k in KINDS {
            let line = r
                .stdout
                .lines()
                .find(|l| l.starts_with(&format!("{k} ")))
                .unwrap_or_else(|| panic!("no line for {k}: {}", r.stdout));
            assert!(
                line.contains("equal") && !line.contains("DIFFERENT"),
                "{line}"
            );
        }
        assert!(
            r.stdout
                .contains("Both nodes hold the same replicated state."),
            "{}",
            r.stdout
        );
        let (code, v) = status_json(st);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["equal"], true, "{v}");
        assert_eq!(v["kinds"].as_array().unwrap().len(), KINDS.len(), "{v}");
        assert_eq!(v["publisher"], format!("localhost:{}", pair.pp), "{v}");
        assert_eq!(v["subscriber"], format!("localhost:{}", pair.sp), "{v}");
        // Every kind holds what was set: the comparison is of something.
        assert_eq!(kind(&v, "application-users")["publisher_items"], 2, "{v}");
        assert_eq!(kind(&v, "image-repository")["subscriber_items"], 3, "{v}");
        assert_eq!(kind(&v, "smtp")["subscriber_items"], 3, "{v}");
        assert!(
            kind(&v, "trust")["publisher_items"].as_u64().unwrap() >= 1,
            "{v}"
        );
    }
    // One-shot, batch: the same command through the batch's door.
    let b = run(s, &["--echo"], "utils dbreplication status\n");
    assert_eq!(b.code, 0, "{}{}", b.stdout, b.stderr);
    assert!(
        b.stdout.contains("admin:utils dbreplication status")
            && b.stdout
                .contains("Both nodes hold the same replicated state."),
        "{}",
        b.stdout
    );

    // The admin: shell, in a terminal.
    let mut sh = crate::shell::shell(s, 60);
    sh.send_line("utils dbreplication status").unwrap();
    sh.exp_string("Both nodes hold the same replicated state.")
        .unwrap();
    sh.exp_string("admin:").unwrap();
    sh.send_line("quit").unwrap();
    sh.exp_eof().unwrap();

    // A user deleted on the subscriber behind replication's back: named, from either node.
    delete_user_in_db(s, "alice");
    // And a setting changed there: present on both sides, different.
    let db = rusqlite::Connection::open(s.join("ccadmin.db")).unwrap();
    db.busy_timeout(Duration::from_secs(10)).unwrap();
    let n = db
        .execute(
            "UPDATE setting SET value = 'enabled-by-hand' WHERE key = 'shared.compatibility-check'",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(db);
    let r = run(s, &["utils", "dbreplication", "status"], "");
    no_secret(&r);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("application-users"))
        .unwrap();
    assert!(
        line.contains("DIFFERENT") && line.contains("only on the publisher: alice"),
        "{}",
        r.stdout
    );
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("settings"))
        .unwrap();
    assert!(
        line.contains("DIFFERENT") && line.contains("differ: shared.compatibility-check"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .filter(|l| l.starts_with("signers") || l.starts_with("smtp"))
            .all(|l| l.contains("equal")),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("Error: the Cloud Connect nodes differ in: application-users, settings")
            && r.stderr.contains("Hint: utils dbreplication repair"),
        "{}",
        r.stderr
    );
    let (code, v) = status_json(p);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["equal"], false, "{v}");
    let users = kind(&v, "application-users");
    assert_eq!(users["equal"], false, "{v}");
    assert_eq!(users["only_publisher"], serde_json::json!(["alice"]), "{v}");
    assert_eq!(users["publisher_items"], 2, "{v}");
    assert_eq!(users["subscriber_items"], 1, "{v}");
    assert_eq!(kind(&v, "smtp")["equal"], true, "{v}");
    assert_eq!(
        kind(&v, "settings")["different"],
        serde_json::json!(["shared.compatibility-check"]),
        "{v}"
    );

    // The last result, with its time, in runtimestate (this node's own record).
    let rs = ok(s, &["utils", "dbreplication", "runtimestate"]);
    assert!(
        rs.stdout.contains("Last status check")
            && rs.stdout.contains("DIFFERENT between")
            && rs.stdout.contains("application-users"),
        "{}",
        rs.stdout
    );
    let rs = ok(
        p,
        &["--output", "json", "utils", "dbreplication", "runtimestate"],
    );
    let v: serde_json::Value = serde_json::from_str(&rs.stdout).unwrap();
    assert!(
        v["last_check"]["result"]
            .as_str()
            .unwrap()
            .starts_with("DIFFERENT"),
        "{v}"
    );
    assert!(v["last_check"]["at"].as_str().unwrap().len() >= 19, "{v}");

    // repair asks for confirmation; "no" changes nothing.
    let r = run(s, &[], "utils dbreplication repair\nno\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Nothing changed."), "{}", r.stderr);
    assert_eq!(status_json(s).0, 1);

    // Repair from the subscriber: the publisher sends the whole state, the status is equal
    // again and printed.
    let r = run(s, &["-y", "utils", "dbreplication", "repair"], "");
    no_secret(&r);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("Repair: replicated a snapshot"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("Both nodes hold the same replicated state."),
        "{}",
        r.stdout
    );
    assert!(run(s, &["utils", "applicationuser", "list"], "")
        .stdout
        .contains("alice"));

    // Repair on the publisher, in-process, with JSON: the repair and the status.
    delete_user_in_db(s, "alice");
    let r = run(
        p,
        &["-y", "--output", "json", "utils", "dbreplication", "repair"],
        "",
    );
    no_secret(&r);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["repair"]["sent"], true, "{v}");
    assert_eq!(v["status"]["equal"], true, "{v}");

    // The endpoint answers only to the cluster secret, only GET, and holds no secret.
    let client = pair.publisher.client();
    let url = pair.publisher.url("/replication/digest");
    assert_eq!(client.get(&url).send().unwrap().status().as_u16(), 401);
    let bearer = format!("Bearer {SECRET}");
    let answer = client
        .get(&url)
        .header("Authorization", &bearer)
        .send()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let body = answer.text().unwrap();
    for secret in [SECRET, GOOD_KEY, SMTP_PASSWORD] {
        assert!(!body.contains(secret), "{body}");
    }
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["role"], "publisher", "{v}");
    assert!(v["kinds"][0]["items"]["alice"].is_string(), "{v}");
    let put = client
        .put(&url)
        .header("Authorization", &bearer)
        .send()
        .unwrap();
    assert_eq!(put.status().as_u16(), 405);

    // The other node cannot be reached: a clear error with its remedy, recorded.
    let Some(sub) = pair.subscriber else {
        unreachable!()
    };
    drop(sub);
    let r = run(p, &["utils", "dbreplication", "status"], "");
    no_secret(&r);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "cannot ask localhost:{} for its digests of the replicated state",
            pair.sp
        )) && r.stderr.contains("Hint: check"),
        "{}",
        r.stderr
    );
    let rs = ok(p, &["utils", "dbreplication", "runtimestate"]);
    assert!(
        rs.stdout.contains("not compared: cannot ask"),
        "{}",
        rs.stdout
    );
    drop(pair.publisher);
}

#[test]
fn the_service_checks_the_pair_periodically_logs_a_difference_and_queues_a_mail() {
    let pair = pair_started(|st| Served::start_with(st, 0, &["--replication-check-interval", "1"]));
    let (p, s) = (&pair.p, &pair.s);
    // SMTP set up (a server that never answers: the mail stays in the outbox).
    ok(p, &["set", "smtp-host", "127.0.0.1:1"]);
    ok(p, &["set", "smtp-from-email", "ccadmin@cc1.example.com"]);
    ok(p, &["utils", "smtp", "subscribe", "ops@example.com"]);
    add_user(p, "alice");
    wait_for("alice on the subscriber", WAIT, || {
        caught_up(p)
            && run(s, &["utils", "applicationuser", "list"], "")
                .stdout
                .contains("alice")
    });
    pair.publisher.wait_for_log("replication check: equal");
    delete_user_in_db(s, "alice");
    pair.publisher
        .wait_for_log("replication check: DIFFERENT between");
    let log = std::fs::read_to_string(p.join("logs/serve.log")).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("replication check: DIFFERENT"))
        .unwrap();
    assert!(
        line.contains("application-users") && line.contains("a notification mail is queued"),
        "{line}"
    );
    // One mail per difference, not one per check: a second check found it again.
    let differences = || {
        std::fs::read_to_string(p.join("logs/serve.log"))
            .unwrap_or_default()
            .matches("replication check: DIFFERENT between")
            .count()
    };
    wait_for("a second periodic check", WAIT, || differences() >= 2);
    let outbox = ok(
        p,
        &["--output", "json", "utils", "smtp", "show", "subscriptions"],
    );
    let v: serde_json::Value = serde_json::from_str(&outbox.stdout).unwrap();
    let subjects: Vec<&str> = v["outbox"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["subject"].as_str())
        .filter(|s| s.contains("Replication check"))
        .collect();
    assert_eq!(subjects, ["Replication check DIFFERENT"], "{v}");
    // The subscriber does not check (the publisher does, once for the pair).
    let sub_log = std::fs::read_to_string(s.join("logs/serve.log")).unwrap_or_default();
    assert!(!sub_log.contains("replication check:"), "{sub_log}");
    // The check's result is the publisher's last result.
    let rs = ok(
        p,
        &["--output", "json", "utils", "dbreplication", "runtimestate"],
    );
    let v: serde_json::Value = serde_json::from_str(&rs.stdout).unwrap();
    assert!(
        v["last_check"]["result"]
            .as_str()
            .unwrap()
            .contains("application-users"),
        "{v}"
    );
    for f in crate::util::all_files(&p.join("logs"))
        .into_iter()
        .chain(crate::util::all_files(&s.join("logs")))
    {
        assert!(
            !crate::util::contains(&f.1, SECRET),
            "{} holds the secret",
            f.0.display()
        );
    }
}
