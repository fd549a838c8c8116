//! Cisco's "With maintenance mode" in the runs that change nodes: `utils patch-manager
//! install|rollback` and `utils patch-manager ms-patches install|rollback` put each node in
//! maintenance before its change and take it out after, its pair member never in maintenance
//! meanwhile. On the orchestration lab's Windows pair (PG1): the signed `maintenance.json`
//! names fixture scripts that keep `maint.state` in the node's home and, like the installers,
//! append to one timeline shared by both nodes, so the order of every step on every node is
//! seen: initiate (with its reason) → install → end, node after node.

use crate::orchestration::{lab, Host, Lab};

/// The fixture on a node: not in maintenance; each step appends `WHAT HOME` to `timeline`.
fn fixture(h: &Host, timeline: &std::path::Path) {
    let home = h.home.path();
    let t = timeline.display();
    std::fs::write(home.join("maint-status.sh"), "cat maint.state\n").unwrap();
    std::fs::write(
        home.join("maint-initiate.sh"),
        format!(
            "echo \"initiate $1 $(pwd)\" >> {t}\nprintf 'In maintenance\\r\\n' > maint.state\n"
        ),
    )
    .unwrap();
    std::fs::write(
        home.join("maint-end.sh"),
        format!("echo \"end $(pwd)\" >> {t}\nprintf 'Not in maintenance\\r\\n' > maint.state\n"),
    )
    .unwrap();
    std::fs::write(home.join("maint.state"), "Not in maintenance\r\n").unwrap();
}

const SET: &str = r#"{"PG": {"status": "sh maint-status.sh", "initiate": "sh maint-initiate.sh {reason}", "end": "sh maint-end.sh"}}"#;

fn setup(lab: &Lab) -> tempfile::TempDir {
    for h in &lab.win {
        fixture(h, &lab.log());
    }
    lab.signed_set("maint-publisher", "maint", "maintenance.json", SET)
}

fn timeline(lab: &Lab) -> Vec<String> {
    lab.installs()
}

fn state(h: &Host) -> String {
    std::fs::read_to_string(h.home.path().join("maint.state"))
        .unwrap()
        .trim()
        .to_owned()
}

/// A patch install with maintenance mode: chosen in the question (a batch answers it), each
/// node enters maintenance (reason es-install), is installed, and leaves, before the next
/// node is touched. Without the question's answer `with`, `--maintenance without` installs
/// with no maintenance step.
#[test]
fn a_patch_install_with_maintenance_mode_enters_and_leaves_around_each_node() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");
    let _keys = setup(&lab);
    let (a, b) = (
        lab.win[0].home.path().display().to_string(),
        lab.win[1].home.path().display().to_string(),
    );
    let script = format!(
        "echo \"install $(pwd)\" >> {}\ntouch es1.marker\n",
        lab.log().display()
    );
    lab.artifact(
        "es1.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es1.sh", "uninstall": "rm es1.marker", "reboot": false}),
    );
    // The maintenance question (1 = with), then the confirmation.
    let r = lab.run(
        &[
            "utils",
            "patch-manager",
            "install",
            "es1.sh",
            "--group",
            "PG",
        ],
        "1\nyes\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("1) With maintenance mode\n2) Without maintenance mode"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("in maintenance mode"), "{}", r.stderr);
    assert_eq!(
        timeline(&lab),
        [
            format!("initiate es-install {a}"),
            format!("install {a}"),
            format!("end {a}"),
            format!("initiate es-install {b}"),
            format!("install {b}"),
            format!("end {b}"),
        ]
    );
    assert_eq!(
        (state(&lab.win[0]), state(&lab.win[1])),
        ("Not in maintenance".into(), "Not in maintenance".into())
    );

    // Rolled back without maintenance mode, by flag: no maintenance step.
    let before = timeline(&lab).len();
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "rollback",
        "--group",
        "PG",
        "--maintenance",
        "without",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(timeline(&lab).len(), before, "{:?}", timeline(&lab));
}

/// A node whose pair member is in maintenance is not put in maintenance and not changed;
/// a failed install leaves its node in maintenance, said so, and the run says how to end it.
#[test]
fn maintenance_mode_refuses_a_node_whose_peer_is_in_it_and_a_failed_change_stays_in_it() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");
    let _keys = setup(&lab);
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    std::fs::write(
        lab.win[1].home.path().join("maint.state"),
        "In maintenance\r\n",
    )
    .unwrap();
    let script = format!(
        "echo \"install $(pwd)\" >> {}\ntouch es2.marker\n",
        lab.log().display()
    );
    lab.artifact(
        "es2.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es2.sh", "check": "test -f es2.marker", "reboot": false}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "es2.sh",
        "--node",
        &a,
        "--maintenance",
        "with",
    ]);
    assert_eq!(code, 1, "{v}");
    let detail = v["nodes"][0]["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        detail.starts_with("not changed: it could not be put in maintenance mode")
            && detail.contains(&b),
        "{detail}"
    );
    assert!(timeline(&lab).is_empty(), "{:?}", timeline(&lab));
    assert_eq!(state(&lab.win[0]), "Not in maintenance");

    // The peer out of maintenance; an installer that fails leaves the node in maintenance.
    std::fs::write(
        lab.win[1].home.path().join("maint.state"),
        "Not in maintenance\r\n",
    )
    .unwrap();
    let failing = b"exit 7\n";
    lab.artifact(
        "es3.sh",
        failing,
        serde_json::json!({"install": "sh es3.sh", "check": "test -f es3.marker", "reboot": false}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "es3.sh",
        "--node",
        &a,
        "--maintenance",
        "with",
    ]);
    assert_eq!(code, 1, "{v}");
    let detail = v["nodes"][0]["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        detail.contains("it stays in maintenance mode (utils system maintenance end"),
        "{detail}"
    );
    assert_eq!(state(&lab.win[0]), "In maintenance");
}

/// `--maintenance with` where a chosen node's product is not in the signed set, or with no
/// set: refused before anything is asked of a node.
#[test]
fn maintenance_mode_on_an_unsupported_product_is_refused_before_anything_is_touched() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    let script = format!("echo \"install $(pwd)\" >> {}\n", lab.log().display());
    lab.artifact(
        "es4.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es4.sh", "reboot": false}),
    );
    let a = lab.win[0].name();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "es4.sh",
            "--node",
            &a,
            "--maintenance",
            "with",
        ],
        "",
    );
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("maintenance.json"), "{}", r.stderr);
    for h in &lab.win {
        fixture(h, &lab.log());
    }
    let _keys = lab.signed_set(
        "maint-publisher",
        "maint",
        "maintenance.json",
        &SET.replace("\"PG\"", "\"Finesse\""),
    );
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "es4.sh",
            "--node",
            &a,
            "--maintenance",
            "with",
        ],
        "",
    );
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("maintenance mode is not supported on {a} (PG)"))
            && r.stderr.contains("covers Finesse"),
        "{}",
        r.stderr
    );
    assert!(timeline(&lab).is_empty(), "{:?}", timeline(&lab));
}

/// Microsoft updates with maintenance mode: each node in maintenance (reason
/// ms-updates-install) around its install, one after the other.
#[test]
fn ms_patches_with_maintenance_mode_enter_and_leave_around_each_node() {
    let lab = lab();
    let _keys = setup(&lab);
    let smtp = crate::smtp::SmtpServer::start("starttls", true);
    crate::smtp::configure(
        &lab.cc,
        &format!("localhost:{}", smtp.port),
        "starttls",
        &smtp.ca,
        true,
    );
    let t = lab.log();
    for h in &lab.win {
        let home = h.home.path();
        std::fs::write(home.join("ms-kbs.state"), "Pending KB5031356\r\n").unwrap();
        std::fs::write(home.join("ms-list.sh"), "cat ms-kbs.state\n").unwrap();
        std::fs::write(
            home.join("ms-install.sh"),
            format!(
                "echo \"install $(pwd)\" >> {}\nsed -i 's/^Pending /Installed /' ms-kbs.state\n",
                t.display()
            ),
        )
        .unwrap();
        std::fs::write(home.join("ms-busy.sh"), "echo Idle\n").unwrap();
    }
    let _ms = lab.signed_set(
        "ms-publisher",
        "ms",
        "ms-patches.json",
        r#"{"PG": {"list": "sh ms-list.sh", "install": "sh ms-install.sh", "remove": "true {kb}", "busy": "sh ms-busy.sh"}}"#,
    );
    let (a, b) = (
        lab.win[0].home.path().display().to_string(),
        lab.win[1].home.path().display().to_string(),
    );
    // --all, then the maintenance question (1 = with) and the two confirmations.
    let r = lab.run(
        &["utils", "patch-manager", "ms-patches", "install", "--all"],
        "1\nyes\nyes\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        timeline(&lab),
        [
            format!("initiate ms-updates-install {a}"),
            format!("install {a}"),
            format!("end {a}"),
            format!("initiate ms-updates-install {b}"),
            format!("install {b}"),
            format!("end {b}"),
        ]
    );
    // Both runs are mailed to the subscribers as a patch run is: the subject says what and
    // how it went, a row per node.
    let mails = smtp.wait_for_mails(1);
    let mail = mails[0]["data"].as_str().unwrap();
    assert!(
        mail.contains("ms-patches install: Microsoft updates on") && mail.contains("Success"),
        "{mail}"
    );
    for h in &lab.win {
        let row = mail
            .lines()
            .find(|l| l.starts_with(&h.name()))
            .unwrap_or_else(|| panic!("{mail}"));
        assert!(
            row.contains("Installed") && row.contains("KB5031356"),
            "{row}"
        );
    }
    let name = lab.win[0].name();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "system",
            "maintenance",
            "initiate",
            "--node",
            &name,
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let mails = smtp.wait_for_mails(2);
    let mail = mails[1]["data"].as_str().unwrap();
    assert!(
        mail.contains(&format!("maintenance initiate: maintenance of {name}"))
            && mail.contains("Success"),
        "{mail}"
    );
}

/// `kill -9` while a node in maintenance mode installs its Microsoft updates: the node stays
/// in maintenance (its installer goes on without its session); the same command with
/// maintenance mode waits for that installer, takes the node out of maintenance without
/// installing again, then does the other node in maintenance, never both at once.
#[test]
fn kill_9_in_maintenance_then_the_same_command_takes_the_node_out_and_goes_on() {
    kill_9_in_maintenance_then_resume("with");
}

/// The same, resumed without maintenance mode: the node the stopped run put in maintenance is
/// settled and left in it, and the run says so with the remedy; its peer is then not changed
/// (without maintenance mode both would be out of service).
#[test]
fn kill_9_in_maintenance_then_a_resume_without_it_says_the_node_is_still_in_it() {
    kill_9_in_maintenance_then_resume("without");
}

fn kill_9_in_maintenance_then_resume(second_mode: &str) {
    let lab = lab();
    let _keys = setup(&lab);
    let t = lab.log();
    for h in &lab.win {
        let home = h.home.path();
        std::fs::write(home.join("ms-kbs.state"), "Pending KB5031356\r\n").unwrap();
        std::fs::write(home.join("ms-list.sh"), "cat ms-kbs.state\n").unwrap();
        crate::ms_patches::detached_installer(
            h,
            Some((&format!("install {}", home.display()), &t)),
        );
        std::fs::write(
            home.join("ms-busy.sh"),
            "if [ -f ms-busy.flag ]; then echo Busy; else echo Idle; fi\n",
        )
        .unwrap();
    }
    // Only A's installer is held.
    std::fs::remove_file(lab.win[1].home.path().join("ms-hold")).unwrap();
    let hold = lab.win[0].home.path().join("ms-hold");
    let _ms = lab.signed_set(
        "ms-publisher",
        "ms",
        "ms-patches.json",
        r#"{"PG": {"list": "sh ms-list.sh", "install": "sh ms-install.sh", "remove": "true {kb}", "busy": "sh ms-busy.sh"}}"#,
    );
    let spawn = |mode: &str| crate::ms_patches::spawn_install(&lab, &["--maintenance", mode]);
    let (a, b) = (
        lab.win[0].home.path().display().to_string(),
        lab.win[1].home.path().display().to_string(),
    );
    let mut first = spawn("with");
    crate::util::wait_for("the installer to start", crate::orchestration::WAIT, || {
        timeline(&lab).contains(&format!("install {a}"))
    });
    crate::ms_patches::kill_9(&mut first);
    assert_eq!(state(&lab.win[0]), "In maintenance");

    // The installer goes on and ends (before or while the second run asks: either way the
    // node is settled, never installed again).
    std::fs::remove_file(&hold).unwrap();
    let out = spawn(second_mode).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (name, other) = (lab.win[0].name(), lab.win[1].name());
    if second_mode == "with" {
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        assert_eq!(
            timeline(&lab),
            [
                format!("initiate ms-updates-install {a}"),
                format!("install {a}"),
                format!("end {a}"),
                format!("initiate ms-updates-install {b}"),
                format!("install {b}"),
                format!("end {b}"),
            ]
        );
        assert_eq!(state(&lab.win[0]), "Not in maintenance");
    } else {
        // A is settled and said to be still in maintenance; B, its peer, is then not changed
        // without maintenance mode (both would be out of service).
        assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
        assert_eq!(
            timeline(&lab),
            [
                format!("initiate ms-updates-install {a}"),
                format!("install {a}"),
            ]
        );
        assert!(
            stderr.contains(&format!(
                "{name}: still in maintenance mode; take it out with: utils system maintenance end --node {name}"
            )),
            "{stderr}"
        );
        assert!(
            stdout.contains(&format!(
                "{other}: Failed: not changed: its peer {name} is in maintenance mode, so changing it without maintenance mode would take both of them out of service"
            )),
            "{stdout}"
        );
        assert_eq!(state(&lab.win[0]), "In maintenance");
    }
    assert_eq!(state(&lab.win[1]), "Not in maintenance");
}

/// `utils system maintenance initiate` never puts a node in maintenance beside a change of its
/// pair: refused while a Microsoft updates run has not ended (its installer may still run),
/// and a node whose pair member is leased by another run is left untouched (two Cloud Connect
/// nodes cut off from each other never put both sides in maintenance); on the administrator's
/// word (--break-leases) it goes ahead.
#[test]
fn maintenance_initiate_is_refused_beside_a_change_of_the_pair() {
    let lab = lab();
    let _keys = setup(&lab);
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    let db = rusqlite::Connection::open(lab.cc.join("ccadmin.db")).unwrap();
    db.execute(
        "INSERT INTO orchestration_run (operation, subject, actor, uid, node)
         VALUES ('ms-patches install', 'Microsoft updates on A', 'admin', 'r-ms', 'cc-other')",
        [],
    )
    .unwrap();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "system",
            "maintenance",
            "initiate",
            "--node",
            &b,
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the ms-patches install run of Microsoft updates on A started at"),
        "{}",
        r.stderr
    );
    db.execute(
        "UPDATE orchestration_run SET finished_at = '2026-12-05 00:00:00', result = 'Failure' WHERE uid = 'r-ms'",
        [],
    )
    .unwrap();
    std::fs::write(
        lab.win[0].home.path().join(".ccadmin-lease.json"),
        format!(r#"{{"run": "r-99", "node": "cc-sub", "host": "{a}", "group": "PG1", "operation": "ms-patches install", "since": "2026-12-05 01:00:00"}}"#),
    )
    .unwrap();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "system",
            "maintenance",
            "initiate",
            "--node",
            &b,
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "{b}: Failed: not touched: another member of PG1, {a}, is leased by run r-99 of Cloud Connect node cc-sub"
        )),
        "{}",
        r.stdout
    );
    assert_eq!(state(&lab.win[1]), "Not in maintenance");
    assert!(!lab.win[1].home.path().join(".ccadmin-lease.json").exists());
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "system",
            "maintenance",
            "initiate",
            "--node",
            &a,
            "--break-leases",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(state(&lab.win[0]), "In maintenance");
    assert!(
        !lab.win[0].home.path().join(".ccadmin-lease.json").exists(),
        "the broken lease is gone and this run's own given back"
    );
}

/// A change never takes a pair's last member in service out of it: without maintenance mode a
/// node whose peer is in maintenance is not changed. And a node an administrator put in
/// maintenance before the run is changed with maintenance mode and left in it, said so.
#[test]
fn a_peer_in_maintenance_blocks_a_change_without_it_and_a_node_found_in_maintenance_stays() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");
    let _keys = setup(&lab);
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    let home_a = lab.win[0].home.path().display().to_string();
    let script = format!(
        "echo \"install $(pwd)\" >> {}\ntouch es6.marker\n",
        lab.log().display()
    );
    lab.artifact(
        "es6.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es6.sh", "reboot": false}),
    );
    let maint_file =
        |i: usize, s: &str| std::fs::write(lab.win[i].home.path().join("maint.state"), s).unwrap();
    maint_file(1, "In maintenance\r\n");
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "es6.sh",
        "--node",
        &a,
        "--maintenance",
        "without",
    ]);
    assert_eq!(code, 1, "{v}");
    let detail = v["nodes"][0]["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        detail.starts_with(&format!(
            "not changed: its peer {b} is in maintenance mode, so changing it without maintenance mode would take both of them out of service"
        )),
        "{detail}"
    );
    assert!(timeline(&lab).is_empty(), "{:?}", timeline(&lab));

    // B back in service; A put in maintenance by the administrator beforehand.
    maint_file(1, "Not in maintenance\r\n");
    maint_file(0, "In maintenance\r\n");
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "es6.sh",
            "--node",
            &a,
            "--maintenance",
            "with",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(timeline(&lab), [format!("install {home_a}")]);
    assert_eq!(state(&lab.win[0]), "In maintenance");
    assert!(
        r.stderr
            .contains("left in maintenance mode: it was in maintenance before this run"),
        "{}",
        r.stderr
    );
}

/// In a batch, `--yes` does not choose maintenance mode: a line that leaves it open is refused
/// naming the flag, and the next line is never taken for the answer.
#[test]
fn a_batch_line_with_yes_must_choose_maintenance_mode() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    let _keys = setup(&lab);
    let a = lab.win[0].name();
    lab.artifact(
        "es7.sh",
        b"touch es7.marker\n",
        serde_json::json!({"install": "sh es7.sh", "reboot": false}),
    );
    let batch = format!(
        "utils patch-manager install es7.sh --node {a} --yes\nutils system maintenance status\n"
    );
    let r = lab.run(&[], &batch);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("add --maintenance with (or --maintenance without)"),
        "{}",
        r.stderr
    );
    assert!(!lab.win[0].home.path().join("es7.marker").exists());
}
