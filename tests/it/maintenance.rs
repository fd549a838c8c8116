//! `utils system maintenance initiate|end|status` on the orchestration lab: the Windows pair
//! (PG1, real sshd targets whose account runs `sh`) keep their maintenance state in a file of
//! their home, `maint.state` (`In maintenance` or `Not in maintenance`, as the signed status
//! command prints it on a real node); the signed command set `maintenance.json` names fixture
//! scripts: status prints the file, initiate writes `In maintenance` and logs the argument it
//! got (the reason's token), end writes `Not in maintenance` and logs that it ran. One-shot,
//! batch (the menus and the question answered by the next lines), JSON, the peer refusal, a
//! Router pair's reason, and the refusals: no set, a product the set does not support, a
//! hostile reason, hostile status output, a leased node, an unreachable node.

use crate::orchestration::{lab, Host, Lab};
use crate::sshd::Sshd;
use crate::util::run;

const STATUS: &str = "cat maint.state\n";
const INITIATE: &str =
    "echo \"reason=$1\" >> maint-initiate.log && printf 'In maintenance\\r\\n' > maint.state\n";
const END: &str =
    "echo ended >> maint-end.log && printf 'Not in maintenance\\r\\n' > maint.state\n";

fn set(product: &str) -> String {
    format!(
        r#"{{"{product}": {{"status": "sh maint-status.sh", "initiate": "sh maint-initiate.sh {{reason}}", "end": "sh maint-end.sh"}}}}"#
    )
}

/// The fixture on a node: not in maintenance.
fn fixture(h: &Host) {
    let home = h.home.path();
    std::fs::write(home.join("maint-status.sh"), STATUS).unwrap();
    std::fs::write(home.join("maint-initiate.sh"), INITIATE).unwrap();
    std::fs::write(home.join("maint-end.sh"), END).unwrap();
    std::fs::write(home.join("maint.state"), "Not in maintenance\r\n").unwrap();
}

fn state_of(h: &Host) -> String {
    std::fs::read_to_string(h.home.path().join("maint.state"))
        .unwrap()
        .trim()
        .to_owned()
}

/// What a fixture log holds (the initiate's arguments, the end's runs).
fn log(h: &Host, name: &str) -> Vec<String> {
    std::fs::read_to_string(h.home.path().join(name))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn sign_set(lab: &Lab, product: &str) -> tempfile::TempDir {
    lab.signed_set(
        "maint-publisher",
        "maint",
        "maintenance.json",
        &set(product),
    )
}

fn maint(lab: &Lab, leaf: &str, extra: &[&str], stdin: &str) -> crate::util::Run {
    let mut a = vec!["utils", "system", "maintenance", leaf];
    a.extend_from_slice(extra);
    lab.run(&a, stdin)
}

/// `(host, result)` of each node of the JSON.
fn results(v: &serde_json::Value) -> Vec<(String, String)> {
    v["hosts"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|h| {
            (
                h["host"].as_str().unwrap().to_owned(),
                h["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The line of `host` in a run's stdout.
fn line_of<'a>(stdout: &'a str, host: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("{host}: ")))
        .unwrap_or_else(|| panic!("no line of {host}: {stdout}"))
}

#[test]
fn a_node_enters_maintenance_its_peer_is_refused_until_it_ends_in_text_json_and_batch() {
    let mut lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0]);
    fixture(&lab.win[1]);

    // No signed command set: refused before anything is asked or touched.
    for leaf in ["initiate", "end", "status"] {
        let r = maint(&lab, leaf, &["--node", &a, "--yes"], "");
        assert_eq!(r.code, 1, "{leaf}: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .contains("no signed maintenance command set (maintenance.json)"),
            "{}",
            r.stderr
        );
    }
    assert!(log(&lab.win[0], "maint-initiate.log").is_empty());
    let _keys = sign_set(&lab, "PG");

    // A product the set does not support is refused, naming the supported ones.
    let vos = lab.vos[0].name();
    let r = maint(&lab, "initiate", &["--node", &vos, "--yes"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{vos} does not support maintenance mode (it is a VOS Finesse host); the signed maintenance command set supports PG"
        )),
        "{}",
        r.stderr
    );

    // Declined: nothing changes, nothing is recorded.
    let r = maint(&lab, "initiate", &["--node", &a], "no\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Nothing was changed."), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{a} (PG, side A)")),
        "{}",
        r.stderr
    );
    assert_eq!(state_of(&lab.win[0]), "Not in maintenance");
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert!(!h.to_string().contains("maintenance"), "{h}");

    // One-shot, text: a enters maintenance (a PG node is asked no reason).
    let r = maint(&lab, "initiate", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>(),
        [
            format!("{a}: In maintenance").as_str(),
            "Maintenance: 1 node(s) put in maintenance, 0 already in maintenance, 0 failed"
        ],
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("Select the reason"), "{}", r.stderr);
    assert_eq!(state_of(&lab.win[0]), "In maintenance");
    assert_eq!(log(&lab.win[0], "maint-initiate.log"), ["reason="]);

    // Its peer is refused, the peer named, nothing run on it (JSON; all failed: exit 1).
    let (code, v) = lab.json(&["utils", "system", "maintenance", "initiate", "--node", &b]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(results(&v), [(b.clone(), "failed".into())]);
    assert_eq!(
        v["hosts"][0]["error"],
        format!("not put in maintenance: its peer {a} is in maintenance"),
        "{v}"
    );
    assert!(log(&lab.win[1], "maint-initiate.log").is_empty());
    assert_eq!(state_of(&lab.win[1]), "Not in maintenance");

    // Again on a: already in maintenance, nothing run.
    let (code, v) = lab.json(&["utils", "system", "maintenance", "initiate", "--node", &a]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(results(&v), [(a.clone(), "already-in-maintenance".into())]);
    assert_eq!(v["result"], "Nothing to do", "{v}");
    assert_eq!(log(&lab.win[0], "maint-initiate.log").len(), 1);

    // The status: a table, and JSON.
    let r = maint(&lab, "status", &[], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| {
            l.split("  ")
                .filter(|c| !c.is_empty())
                .map(str::trim)
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0],
        ["NODE", "PRODUCT", "SIDE", "STATE"],
        "{}",
        r.stdout
    );
    assert_eq!(
        rows[1],
        [a.as_str(), "PG", "A", "In maintenance"],
        "{}",
        r.stdout
    );
    assert_eq!(
        rows[2],
        [b.as_str(), "PG", "B", "Not in maintenance"],
        "{}",
        r.stdout
    );
    let (code, v) = lab.json(&["utils", "system", "maintenance", "status", "--side", "A"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["hosts"][0]["state"], "in-maintenance", "{v}");
    assert_eq!(v["hosts"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        (v["in_maintenance"].clone(), v["unreadable"].clone()),
        (1.into(), 0.into())
    );

    // Recorded: the run history and the audit log.
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert!(h.to_string().contains("maintenance initiate"), "{h}");
    let audit = std::fs::read_to_string(lab.cc.join("logs/orchestration-audit/audit.log"))
        .unwrap_or_default();
    let ours: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("command=\"utils system maintenance initiate\""))
        .collect();
    assert_eq!(ours.len(), 3, "{audit}");
    assert!(
        ours[0].contains(&format!("subject=\"maintenance of {a}\""))
            && ours[0].contains("result=\"Success\""),
        "{audit}"
    );

    // end: a leaves maintenance; then the peer can enter (a batch: the menu's node list).
    let r = maint(&lab, "end", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(line_of(&r.stdout, &a), format!("{a}: Maintenance ended"));
    assert_eq!(state_of(&lab.win[0]), "Not in maintenance");
    let r = run(
        &lab.cc,
        &[],
        "utils system maintenance initiate\n1\n2\nyes\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("1) A node"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("2) {b} (PG, side B)")),
        "{}",
        r.stderr
    );
    assert_eq!(line_of(&r.stdout, &b), format!("{b}: In maintenance"));
    assert_eq!(state_of(&lab.win[1]), "In maintenance");
    // A batch end by side (4: side B); a node not in maintenance is left as it is.
    let r = run(&lab.cc, &[], "utils system maintenance end\n4\nyes\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(line_of(&r.stdout, &b), format!("{b}: Maintenance ended"));
    let (code, v) = lab.json(&["utils", "system", "maintenance", "end", "--all"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [
            (a.clone(), "not-in-maintenance".into()),
            (b.clone(), "not-in-maintenance".into())
        ]
    );
    assert_eq!(log(&lab.win[1], "maint-end.log").len(), 1);

    // A node under another run's lease is in the middle of a change: not touched.
    let lease = lab.win[0].home.path().join(".ccadmin-lease.json");
    std::fs::write(
        &lease,
        r#"{"run": "r-77", "node": "cc-other", "host": "x", "group": "PG", "operation": "patch install", "since": "2026-12-05 01:00:00"}"#,
    )
    .unwrap();
    let r = maint(&lab, "initiate", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        line_of(&r.stdout, &a).starts_with(&format!(
            "{a}: Failed: not touched: the host is leased by run r-77 of Cloud Connect node cc-other (patch install, since 2026-12-05 01:00:00 UTC)"
        )),
        "{}",
        r.stdout
    );
    assert_eq!(state_of(&lab.win[0]), "Not in maintenance");
    std::fs::remove_file(&lease).unwrap();

    // Beside a patch run that has not ended (its installer may still run), nothing is done.
    let db = || rusqlite::Connection::open(lab.cc.join("ccadmin.db")).unwrap();
    db().execute(
        "INSERT INTO orchestration_run (operation, subject, actor, uid, node)
         VALUES ('patch install', 'es8.sh', 'admin', 'r-unfinished', 'cc-pub')",
        [],
    )
    .unwrap();
    let r = maint(&lab, "initiate", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the patch install run of es8.sh started at"),
        "{}",
        r.stderr
    );
    assert_eq!(state_of(&lab.win[0]), "Not in maintenance");
    db().execute(
        "UPDATE orchestration_run SET finished_at = strftime('%Y-%m-%d %H:%M:%S', 'now'), result = 'Failure' WHERE uid = 'r-unfinished'",
        [],
    )
    .unwrap();

    // An unreachable node: its line names why; the other is done, exit 3. A node whose peer
    // cannot be read is not put in maintenance.
    let r = maint(&lab, "initiate", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 0, "{}", r.stdout);
    lab.win[1].sshd.stop();
    let r = maint(&lab, "end", &["--all", "--yes"], "");
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(line_of(&r.stdout, &a), format!("{a}: Maintenance ended"));
    assert!(
        line_of(&r.stdout, &b).starts_with(&format!("{b}: Failed: unreachable")),
        "{}",
        r.stdout
    );
    // Its lease cannot be asked for either: refused before its state is read.
    let r = maint(&lab, "initiate", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        line_of(&r.stdout, &a).starts_with(&format!(
            "{a}: Failed: not touched: another member of PG1, {b}, cannot be asked for its lease (unreachable"
        )),
        "{}",
        r.stdout
    );
    // Passing over the lease on the administrator's word, the peer's state still counts.
    let r = maint(
        &lab,
        "initiate",
        &["--node", &a, "--yes", "--break-leases"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        line_of(&r.stdout, &a).starts_with(&format!(
            "{a}: Failed: not put in maintenance: the maintenance state of its peer {b} cannot be read: unreachable"
        )),
        "{}",
        r.stdout
    );
    assert_eq!(state_of(&lab.win[0]), "Not in maintenance");
    let r = maint(&lab, "status", &[], "");
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains("Unreadable: unreachable"), "{}", r.stdout);
}

#[test]
fn a_router_node_is_put_in_maintenance_with_a_reason_and_hostile_answers_are_refused() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0]);
    fixture(&lab.win[1]);
    // The pair is a Router pair now.
    let sftp = Sshd::start();
    crate::test_connection::import(
        &lab.cc,
        &sftp,
        &format!(
            "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    ROUTER:\n      RTR1:\n        hosts:\n        - name: \"{a}\"\n          side: \"A\"\n          user: \"root\"\n        - name: \"{b}\"\n          side: \"B\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n"
        ),
    );
    let _keys = sign_set(&lab, "ROUTER");

    // A reason that is not one of the list is refused by the parser before anything is asked.
    for bad in ["es-install;touch pwned", "$(reboot)", "ES install"] {
        let r = maint(
            &lab,
            "initiate",
            &["--node", &a, "--reason", bad, "--yes"],
            "",
        );
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("is not a reason"), "{}", r.stderr);
    }
    // No answer to the reason question in a one-shot: refused, naming the flag.
    let r = maint(&lab, "initiate", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--reason"), "{}", r.stderr);
    assert!(log(&lab.win[0], "maint-initiate.log").is_empty());
    assert!(!lab.win[0].home.path().join("pwned").exists());

    // Asked: the list, answered by its number (3: ES install); the token reaches the command.
    let r = maint(&lab, "initiate", &["--node", &a], "3\nyes\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("3) ES install"), "{}", r.stderr);
    assert!(r.stderr.contains("7) ISO/major upgrade"), "{}", r.stderr);
    assert_eq!(line_of(&r.stdout, &a), format!("{a}: In maintenance"));
    assert_eq!(
        log(&lab.win[0], "maint-initiate.log"),
        ["reason=es-install"]
    );

    // The peer of a Router node in maintenance is refused too.
    let r = maint(
        &lab,
        "initiate",
        &["--node", &b, "--reason", "es-install", "--yes"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(
        line_of(&r.stdout, &b),
        format!("{b}: Failed: not put in maintenance: its peer {a} is in maintenance")
    );
    assert!(log(&lab.win[1], "maint-initiate.log").is_empty());

    // --reason, one-shot JSON.
    let r = maint(&lab, "end", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 0, "{}", r.stdout);
    let (code, v) = lab.json(&[
        "utils",
        "system",
        "maintenance",
        "initiate",
        "--node",
        &a,
        "--reason",
        "mr-rollback",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["reason"], "mr-rollback", "{v}");
    assert_eq!(results(&v), [(a.clone(), "in-maintenance".into())]);
    assert_eq!(
        log(&lab.win[0], "maint-initiate.log"),
        ["reason=es-install", "reason=mr-rollback"]
    );
    let audit = std::fs::read_to_string(lab.cc.join("logs/orchestration-audit/audit.log"))
        .unwrap_or_default();
    assert!(
        audit.contains(&format!("subject=\"maintenance of {a} (mr-rollback)\"")),
        "{audit}"
    );
    let r = maint(&lab, "end", &["--node", &a, "--yes"], "");
    assert_eq!(r.code, 0, "{}", r.stdout);

    // A node not in the inventory is refused before anything is read.
    let r = maint(&lab, "status", &["--node", "nosuch"], "");
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains("nosuch is not in the inventory"),
        "{}",
        r.stderr
    );

    // Hostile status output (escape sequences, huge output) is refused, never printed raw; the
    // node is not touched, and its peer is not put in maintenance beside it.
    let status = lab.win[1].home.path().join("maint-status.sh");
    for (script, why) in [
        (
            "printf 'In maint\\033]0;pwned\\007enance\\r\\n'\n",
            "line 1 holds control characters",
        ),
        (
            "printf '\\033[2J\\033[31mIn maintenance\\n'\n",
            "line 1 holds control characters",
        ),
        (
            "head -c 200000 /dev/zero | tr '\\0' x\n",
            "it printed more than 4096 bytes",
        ),
        (
            "echo 'Maintenance: maybe'\n",
            "line 1 is not In maintenance or Not in maintenance",
        ),
    ] {
        std::fs::write(&status, script).unwrap();
        let r = maint(&lab, "status", &["--node", &b], "");
        assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains(&format!(
                "Unreadable: the status command of {b} answered something that is not valid: {why}"
            )),
            "{}",
            r.stdout
        );
        for out in [&r.stdout, &r.stderr] {
            assert!(!out.contains('\u{1b}') && !out.contains("pwned"), "{out}");
            assert!(out.len() < 4096, "{}", out.len());
        }
        let r = maint(
            &lab,
            "initiate",
            &["--node", &b, "--reason", "other", "--yes"],
            "",
        );
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert!(!r.stdout.contains('\u{1b}') && !r.stderr.contains('\u{1b}'));
        assert!(log(&lab.win[1], "maint-initiate.log").is_empty());
        let r = maint(
            &lab,
            "initiate",
            &["--node", &a, "--reason", "other", "--yes"],
            "",
        );
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert!(
            line_of(&r.stdout, &a).contains(&format!(
                "its peer {b} cannot be read: the status command of {b} answered something that is not valid: {why}"
            )),
            "{}",
            r.stdout
        );
        assert_eq!(state_of(&lab.win[0]), "Not in maintenance");
    }
}
