//! Changes converge: ten changes made while the subscriber is down arrive in one batch and apply
//! once, and a publisher killed mid-change loses nothing it made.

use super::*;

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
