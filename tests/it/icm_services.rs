//! `utils system icm-services start` on the orchestration lab: the Windows pair (PG, real sshd
//! targets whose account runs `sh`) are the ICM hosts. Each keeps its ICM services' state in a
//! file of its home, `icm-services.state` (`STATE NAME` a line, as the signed status command
//! prints it on a real host); the signed command set `icm-services.json` names a fixture status
//! script (prints the file) and start script (marks every service Running and logs that it
//! ran). One-shot, batch (the menu and the question answered by the next lines), the `admin:`
//! shell, JSON, and the refusals: no ICM host, a host that is not one, a declined question, an
//! unreachable host, no signed command set.

use crate::orchestration::{lab, Host, Lab};
use crate::sshd::Sshd;
use crate::util::{run, state};

const STATUS: &str = "cat icm-services.state\n";
const START: &str =
    "sed -i 's/^Stopped /Running /' icm-services.state && echo started >> icm-start.log\n";
const SET: &str = r#"{"PG": {"status": "sh icm-status.sh", "start": "sh icm-start.sh"}}"#;

/// The fixture on an ICM host: its services, some `Stopped` when `stopped`.
fn fixture(h: &Host, stopped: bool) {
    let home = h.home.path();
    std::fs::write(home.join("icm-status.sh"), STATUS).unwrap();
    std::fs::write(home.join("icm-start.sh"), START).unwrap();
    let second = if stopped { "Stopped" } else { "Running" };
    std::fs::write(
        home.join("icm-services.state"),
        format!("Running cisco icm cc1 RouterA\r\n{second} cisco icm cc1 PG1A\r\n"),
    )
    .unwrap();
}

fn state_of(h: &Host) -> String {
    std::fs::read_to_string(h.home.path().join("icm-services.state")).unwrap()
}

/// How many times the start command ran on the host.
fn starts(h: &Host) -> usize {
    std::fs::read_to_string(h.home.path().join("icm-start.log"))
        .unwrap_or_default()
        .lines()
        .count()
}

/// The command set, signed by a publisher the Cloud Connect node trusts.
fn sign_set(lab: &Lab, json: &str) -> tempfile::TempDir {
    lab.signed_set("icm-publisher", "icm", "icm-services.json", json)
}

/// `(host, result)` of each host of the JSON.
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

fn start(lab: &Lab, extra: &[&str], stdin: &str) -> crate::util::Run {
    let mut a = vec!["utils", "system", "icm-services", "start"];
    a.extend_from_slice(extra);
    lab.run(&a, stdin)
}

#[test]
fn icm_services_are_started_or_found_running_per_host_in_text_json_batch_and_shell() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], true);
    fixture(&lab.win[1], false);

    // No signed command set: refused before anything is asked or touched.
    let r = start(&lab, &["--all", "--yes"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("no signed ICM services command set (icm-services.json)"),
        "{}",
        r.stderr
    );
    // One that is there but not signed is never used.
    let dir = lab.cc.join("artifacts/icm");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("icm-services.json"), SET).unwrap();
    let r = start(&lab, &["--all", "--yes"], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("has no signature"), "{}", r.stderr);
    assert_eq!(starts(&lab.win[0]), 0);
    let _keys = sign_set(&lab, SET);

    // Declined: nothing changes, nothing is recorded.
    let before = state_of(&lab.win[0]);
    let r = start(&lab, &["--all"], "no\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Nothing was changed."), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{a} (PG, side A)")) && r.stderr.contains(&b),
        "{}",
        r.stderr
    );
    assert_eq!(state_of(&lab.win[0]), before);
    assert_eq!(starts(&lab.win[0]), 0);
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert!(!h.to_string().contains("icm-services"), "{h}");

    // One-shot, text: a's stopped service is started, b's were all running.
    let r = start(&lab, &["--all", "--yes"], "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines.contains(&format!("{a}: Services started").as_str()),
        "{}",
        r.stdout
    );
    assert!(
        lines.contains(&format!("{b}: Services running").as_str()),
        "{}",
        r.stdout
    );
    assert_eq!(
        lines.last().copied(),
        Some("ICM services: 1 host(s) started, 1 already running, 0 failed"),
        "{}",
        r.stdout
    );
    assert!(!state_of(&lab.win[0]).contains("Stopped"));
    assert_eq!((starts(&lab.win[0]), starts(&lab.win[1])), (1, 0));

    // JSON: now both are running, nothing is started again.
    let (code, v) = lab.json(&["utils", "system", "icm-services", "start", "--all"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(a.clone(), "running".into()), (b.clone(), "running".into())]
    );
    assert_eq!(v["running"], 2, "{v}");
    assert_eq!(starts(&lab.win[0]), 1);
    // JSON of a start: the services started, by name.
    fixture(&lab.win[0], true);
    let (code, v) = lab.json(&["utils", "system", "icm-services", "start", "--node", &a]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(results(&v), [(a.clone(), "started".into())]);
    assert_eq!(v["hosts"][0]["started"][0], "cisco icm cc1 PG1A", "{v}");
    assert_eq!(v["hosts"][0]["services"], 2, "{v}");
    assert_eq!(v["result"], "Success", "{v}");

    // Recorded: in the run history and the audit log.
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert!(h.to_string().contains("icm-services start"), "{h}");
    let audit = std::fs::read_to_string(lab.cc.join("logs/orchestration-audit/audit.log"))
        .unwrap_or_default();
    let ours: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("command=\"utils system icm-services start\""))
        .collect();
    // The two refusals (no set, an unsigned one) and the three runs; never the declined one.
    assert_eq!(ours.len(), 5, "{audit}");
    assert!(
        ours[4].contains(&format!("subject=\"ICM services of {a}\""))
            && ours[4].contains("result=\"Success\""),
        "{audit}"
    );

    // A batch: the menu (3: side A) and the question are answered by the next lines.
    fixture(&lab.win[0], true);
    fixture(&lab.win[1], true);
    let r = run(&lab.cc, &[], "utils system icm-services start\n3\nyes\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("3) All Side A ICM hosts"), "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("{a}: Services started")),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&b), "{}", r.stdout);
    assert!(state_of(&lab.win[1]).contains("Stopped"));

    // The admin: shell: the menu's ICM host list (1, then b's number), yes.
    let mut p = crate::shell::shell(&lab.cc, 40);
    p.send_line("utils system icm-services start").unwrap();
    p.exp_string("Please select an option (1 - 4").unwrap();
    p.send_line("1").unwrap();
    p.exp_string("Select the ICM host").unwrap();
    p.send_line("2").unwrap();
    p.exp_string("Start the ICM services on 1 ICM host(s)")
        .unwrap();
    p.send_line("yes").unwrap();
    p.exp_string(&format!("[1/1] {b}: Services started"))
        .unwrap();
    p.exp_string("ICM services: 1 host(s) started, 0 already running, 0 failed")
        .unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
    assert!(!state_of(&lab.win[1]).contains("Stopped"));
}

#[test]
fn icm_services_refuse_what_is_not_an_icm_host_and_say_why_a_host_failed() {
    let mut lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], true);
    fixture(&lab.win[1], true);
    let _keys = sign_set(&lab, SET);

    // A VOS host is not an ICM host; a name not in the inventory is not either.
    let vos = lab.vos[0].name();
    let r = start(&lab, &["--node", &vos, "--yes"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{vos} is not an ICM host")),
        "{}",
        r.stderr
    );
    let r = start(&lab, &["--node", "nosuch", "--yes"], "");
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("nosuch is not in the inventory"),
        "{}",
        r.stderr
    );
    let r = start(&lab, &["--group", "Finesse", "--yes"], "");
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no ICM host matches"), "{}", r.stderr);
    assert_eq!((starts(&lab.win[0]), starts(&lab.win[1])), (0, 0));

    // An unreachable host: its line says why, the other is done, exit 3.
    lab.win[1].sshd.stop();
    let r = start(&lab, &["--all", "--yes"], "");
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("{a}: Services started")),
        "{}",
        r.stdout
    );
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{b}: ")))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        line.starts_with(&format!("{b}: Failed: unreachable")),
        "{line}"
    );
    assert!(r
        .stdout
        .contains("1 host(s) started, 0 already running, 1 failed"));
    // Only the unreachable one: nothing good, exit 1; JSON says why.
    let (code, v) = lab.json(&["utils", "system", "icm-services", "start", "--node", &b]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(results(&v), [(b.clone(), "failed".into())]);
    assert!(
        v["hosts"][0]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("unreachable")),
        "{v}"
    );

    // A host under another run's lease is in the middle of a change: not touched.
    lab.win[1].sshd.restart();
    fixture(&lab.win[1], true);
    let lease = lab.win[1].home.path().join(".ccadmin-lease.json");
    std::fs::write(
        &lease,
        r#"{"run": "r-77", "node": "cc-other", "host": "x", "group": "PG", "operation": "patch install", "since": "2026-12-05 01:00:00"}"#,
    )
    .unwrap();
    let before = starts(&lab.win[1]);
    let r = start(&lab, &["--node", &b, "--yes"], "");
    assert_eq!(
        r.code, 1,
        "{}
{}",
        r.stdout, r.stderr
    );
    assert!(
        r.stdout.contains(&format!(
            "{b}: Failed: it is leased by the patch install run r-77 on cc-other"
        )),
        "{}",
        r.stdout
    );
    assert_eq!(
        starts(&lab.win[1]),
        before,
        "nothing was started under a lease"
    );
    std::fs::remove_file(&lease).unwrap();

    // A start that makes a service vanish from the listing did not start it.
    std::fs::write(
        lab.win[1].home.path().join("icm-start.sh"),
        "printf 'Running cisco icm cc1 RouterA\r\n' > icm-services.state\n",
    )
    .unwrap();
    let r = start(&lab, &["--node", &b, "--yes"], "");
    assert_eq!(
        r.code, 1,
        "{}
{}",
        r.stdout, r.stderr
    );
    assert!(
        r.stdout.contains(&format!(
            "{b}: Failed: after the start, not running: cisco icm cc1 PG1A"
        )),
        "{}",
        r.stdout
    );
    fixture(&lab.win[1], true);

    // Beside a patch run that has not ended (stopped by kill -9, say), nothing is started:
    // its installer may still run; the refusal says which run and what to do.
    {
        let db = rusqlite::Connection::open(lab.cc.join("ccadmin.db")).unwrap();
        db.execute(
            "INSERT INTO orchestration_run (operation, subject, actor, uid, node)
             VALUES ('patch install', 'es8.sh', 'admin', 'r-unfinished', 'cc-pub')",
            [],
        )
        .unwrap();
    }
    let before = (starts(&lab.win[0]), starts(&lab.win[1]));
    let r = start(&lab, &["--all", "--yes"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the patch install run of es8.sh started at"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("run the same command again"),
        "{}",
        r.stderr
    );
    assert_eq!((starts(&lab.win[0]), starts(&lab.win[1])), before);
    {
        let db = rusqlite::Connection::open(lab.cc.join("ccadmin.db")).unwrap();
        db.execute(
            "UPDATE orchestration_run SET finished_at = strftime('%Y-%m-%d %H:%M:%S', 'now'), result = 'Failure' WHERE uid = 'r-unfinished'",
            [],
        )
        .unwrap();
    }

    // A start command that leaves a service down: the host fails naming it.
    std::fs::write(lab.win[1].home.path().join("icm-start.sh"), "true\n").unwrap();
    let r = start(&lab, &["--node", &b, "--yes"], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "{b}: Failed: after the start, not running: cisco icm cc1 PG1A"
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn icm_services_are_refused_when_the_inventory_has_no_icm_host() {
    let sshd = Sshd::start();
    let (_d, cc) = state();
    crate::test_connection::import(
        &cc,
        &sshd,
        "---\ninventory:\n  VOS:\n    Finesse: {}\n  Windows:\n    CVPSERVER:\n      CVP1:\n        hosts:\n        - name: \"cvpa.example.com\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
    );
    let r = run(
        &cc,
        &["utils", "system", "icm-services", "start", "--all", "--yes"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("the inventory has no ICM host"),
        "{}",
        r.stderr
    );
    // Not even the menu is offered.
    let r = run(&cc, &[], "utils system icm-services start\n1\n");
    assert_ne!(r.code, 0);
    assert!(!r.stderr.contains("1) An ICM host"), "{}", r.stderr);
}
