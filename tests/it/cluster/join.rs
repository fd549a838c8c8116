//! A subscriber joins its publisher: the image-repository setting replicates when the subscriber
//! comes back, VOS onboarding needs both nodes, and the compatibility check is a cluster-wide
//! setting changed on the publisher only.

use super::*;

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
