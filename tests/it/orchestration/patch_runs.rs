//! Patch runs end to end on the lab: patches install on the VOS cluster and the Windows pair in
//! order, show in status and roll back; unsigned, tampered and wrong-kind artifacts are refused
//! before any node is touched; parallel groups run pairs together but never both sides of one.

use super::*;

#[test]
fn patches_install_on_vos_and_windows_in_order_show_in_status_and_roll_back() {
    let lab = lab();
    let (p, s) = (lab.vos[0].name(), lab.vos[1].name());
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");

    // Status, read from the nodes.
    let (code, v) = lab.json(&["utils", "deployment", "show", "status"]);
    assert_eq!(code, 0, "{v}");
    let hosts = v["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 4, "{v}");
    for h in hosts {
        assert_eq!(h["version"], "12.6.1", "{h}");
        assert_eq!(h["patches"], serde_json::json!([]), "{h}");
    }
    let text = lab
        .run(&["utils", "deployment", "show", "status"], "")
        .stdout;
    assert_eq!(text.matches("No patch installed").count(), 4, "{text}");

    // A VOS patch: the publisher first, each member records it in its own database.
    lab.artifact(
        "ucos.es1.cop",
        b"vos patch bytes",
        serde_json::json!({"product": "Finesse", "platform": "VOS"}),
    );
    let (code, v) = lab.json(&["utils", "patch-manager", "install", "ucos.es1.cop", "--all"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(p.clone(), "done".into()), (s.clone(), "done".into())]
    );
    for h in &lab.vos {
        let ver = h.vos_version();
        assert_eq!(ver["patches"][0]["name"], "ucos.es1.cop", "{ver}");
    }
    // Again: found installed, not installed twice, and said as such: nothing to do (exit 4),
    // not a success.
    let (code, v) = lab.json(&["utils", "patch-manager", "install", "ucos.es1.cop", "--all"]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["result"], "Nothing to do", "{v}");
    assert_eq!(
        results(&v),
        [
            (p.clone(), "already-done".into()),
            (s.clone(), "already-done".into())
        ]
    );
    assert_eq!(
        lab.vos[0].vos_version()["patches"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A Windows patch with an installer and an uninstaller, chosen from the menu in a batch
    // (6 = all side A Windows nodes), then side B by flag.
    let log = lab.log();
    let script = format!("echo \"$(pwd)\" >> {}\ntouch es1.marker\n", log.display());
    lab.artifact(
        "es1.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es1.sh", "uninstall": "rm es1.marker", "reboot": false}),
    );
    let r = lab.run(&["utils", "patch-manager", "install", "es1.sh"], "6\nyes\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("4) All Side A VOS nodes") && r.stderr.contains("group 1: 127.0.0.1:"),
        "{}",
        r.stderr
    );
    assert_eq!(
        lab.installs(),
        [lab.win[0].home.path().display().to_string()]
    );
    assert_eq!(lab.win[0].record()["patches"][0]["name"], "es1.sh");
    assert!(lab.win[1].record()["patches"]
        .as_array()
        .is_none_or(Vec::is_empty));
    let (code, v) = lab.json(&["utils", "patch-manager", "install", "es1.sh", "--side", "B"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(results(&v), [(b.clone(), "done".into())]);
    assert!(lab.win[1].home.path().join("es1.marker").exists());

    // A node that runs another version is left alone, and said.
    let vos2 = lab.vos[1].state.clone().unwrap();
    let r = run(
        &vos2,
        &["utils", "node", "set", "--software-version", "12.5.1"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    lab.artifact(
        "ucos.es2.cop",
        b"es2",
        serde_json::json!({"product": "Finesse", "platform": "VOS", "rollback": false}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "ucos.es2.cop",
        "--group",
        "Finesse",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [
            (p.clone(), "done".into()),
            (s.clone(), "not-applicable".into())
        ]
    );
    assert!(
        v["nodes"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("applies to 12.6.1; the node runs 12.5.1"),
        "{v}"
    );
    let r = run(
        &vos2,
        &["utils", "node", "set", "--software-version", "12.6.1"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Rollback: the newest patch only, and only where its publisher allows it.
    let (code, v) = lab.json(&["utils", "patch-manager", "rollback", "--group", "PG"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(a.clone(), "done".into()), (b.clone(), "done".into())]
    );
    assert!(!lab.win[0].home.path().join("es1.marker").exists());
    assert_eq!(lab.win[0].record()["patches"], serde_json::json!([]));
    let (code, v) = lab.json(&["utils", "patch-manager", "rollback", "--node", &p]);
    assert_eq!(code, 1, "es2 says it cannot be rolled back: {v}");
    assert!(v.to_string().contains("cannot be rolled back"), "{v}");
    let r = lab.run(
        &["--yes", "utils", "patch-manager", "rollback", "--all"],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--all is not offered"), "{}", r.stderr);
    let (code, v) = lab.json(&["utils", "patch-manager", "rollback", "--node", &s]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(lab.vos[1].vos_version()["patches"], serde_json::json!([]));

    // Everything recorded.
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    let ops: Vec<String> = h["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["operation"].as_str().unwrap(),
                r["result"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            "patch rollback Success",
            "patch rollback Failure",
            "patch rollback Success",
            "patch install Success",
            "patch install Success",
            "patch install Success",
            "patch install Nothing to do",
            "patch install Success",
        ],
        "{h}"
    );
    let status = lab
        .run(&["utils", "deployment", "show", "status"], "")
        .stdout;
    assert!(status.contains("ucos.es1.cop, ucos.es2.cop"), "{status}");
}

#[test]
fn unsigned_tampered_and_wrong_kind_are_refused_before_any_node_is_touched() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    lab.artifact(
        "es1.sh",
        b"touch ran\n",
        serde_json::json!({"install": "sh es1.sh"}),
    );
    let dir = lab.cc.join("artifacts/12.6/common");
    std::fs::write(dir.join("es1.sh"), b"touch ran; rm -rf /\n").unwrap();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "es1.sh",
            "--all",
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("REFUSED: the file does not match its SHA-256"),
        "{}",
        r.stderr
    );
    std::fs::write(dir.join("plain.sh"), b"touch ran\n").unwrap();
    std::fs::write(
        dir.join("plain.sh.manifest.json"),
        serde_json::to_vec(&serde_json::json!({
            "file": "plain.sh", "product": "PG", "platform": "Windows", "version": "x",
            "applies_to": ["12.6.1"], "reboot": false, "rollback": false,
            "sha256": sha256(b"touch ran\n"), "install": "sh plain.sh"
        }))
        .unwrap(),
    )
    .unwrap();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "plain.sh",
            "--all",
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("REFUSED: unsigned"), "{}", r.stderr);
    lab.artifact(
        "up.sh",
        b"touch ran\n",
        serde_json::json!({"kind": "upgrade", "version": "12.6.2", "install": "sh up.sh"}),
    );
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "up.sh",
            "--all",
        ],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("up.sh is an upgrade")
            && r.stderr.contains("utils upgrade-manager upgrade"),
        "{}",
        r.stderr
    );
    for h in &lab.win {
        assert!(!h.home.path().join("ran").exists(), "a node was touched");
    }
    assert_eq!(
        lab.json(&["utils", "deployment", "show", "history"]).1["runs"],
        serde_json::json!([])
    );
}

/// `--parallel-groups 2`: two pairs at once, never both sides of one pair. Each installer
/// marks its start and waits (bounded) until two have started: with one group at a time it
/// would fail; side B of a pair starts only after side A ended.
#[test]
fn parallel_groups_run_pairs_together_but_never_both_sides_of_one() {
    let lab = lab_with(2);
    for h in &lab.win {
        h.seed("12.6.1");
    }
    let shared = lab.keys.path().join("started");
    std::fs::create_dir_all(&shared).unwrap();
    let log = lab.log();
    let script = format!(
        "echo \"start $(pwd)\" >> {log}\ntouch {shared}/\"$(basename $(pwd))\"\ni=0\nwhile [ \"$(ls -A {shared} | wc -l)\" -lt 2 ]; do i=$((i+1)); [ $i -gt 600 ] && exit 9; sleep 0.05; done\necho \"end $(pwd)\" >> {log}\n",
        log = log.display(),
        shared = shared.display()
    );
    lab.artifact(
        "es6.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es6.sh"}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "es6.sh",
        "--group",
        "PG",
        "--parallel-groups",
        "2",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v).iter().filter(|(_, r)| r == "done").count(),
        4,
        "{v}"
    );
    let lines = lab.installs();
    let home = |i: usize| lab.win[i].home.path().display().to_string();
    let at = |what: &str, i: usize| {
        lines
            .iter()
            .position(|l| *l == format!("{what} {}", home(i)))
            .unwrap_or_else(|| panic!("no {what} of host {i}: {lines:?}"))
    };
    // Both sides A started before either ended: the pairs ran together.
    assert!(
        at("start", 0) < at("end", 2) && at("start", 2) < at("end", 0),
        "{lines:?}"
    );
    // Within each pair, side B only after side A ended.
    for pair in [0, 2] {
        assert!(at("end", pair) < at("start", pair + 1), "{lines:?}");
    }
}
