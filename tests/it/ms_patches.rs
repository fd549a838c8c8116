//! `utils patch-manager ms-patches install|rollback` on the orchestration lab: the Windows pair
//! (PG, real sshd targets whose account runs `sh`) keep their Microsoft updates in a file of
//! their home, `ms-kbs.state` (`Installed KBn` / `Pending KBn` a line, as the signed list
//! command prints them on a real node); the signed command set `ms-patches.json` names fixture
//! scripts: list prints the file, install marks every pending KB installed, remove drops the KB
//! it is given and logs the argument it got. One-shot, batch (menu and questions answered by
//! the next lines), the `admin:` shell, JSON, and the refusals: no set, a bad KB, a KB
//! installed nowhere, a declined question, a VOS node, an unreachable node.

use crate::orchestration::{lab, Host, Lab};
use crate::util::run;

const LIST: &str = "cat ms-kbs.state\n";
const INSTALL: &str =
    "sed -i 's/^Pending /Installed /' ms-kbs.state && echo installed >> ms-install.log\n";
const REMOVE: &str =
    "sed -i \"/^Installed $1[[:space:]]*\\$/d\" ms-kbs.state && echo \"$1\" >> ms-remove.log\n";
/// Busy while an installer runs (its flag exists); each question logged.
const BUSY: &str =
    "echo asked >> ms-busy.log\nif [ -f ms-busy.flag ]; then echo Busy; else echo Idle; fi\n";
const SET: &str = r#"{"PG": {"list": "sh ms-list.sh", "install": "sh ms-install.sh", "remove": "sh ms-remove.sh {kb}", "busy": "sh ms-busy.sh"}}"#;

/// The fixture on a Windows node: its updates, `Installed KBn` / `Pending KBn` a line.
fn fixture(h: &Host, kbs: &str) {
    let home = h.home.path();
    std::fs::write(home.join("ms-list.sh"), LIST).unwrap();
    std::fs::write(home.join("ms-install.sh"), INSTALL).unwrap();
    std::fs::write(home.join("ms-remove.sh"), REMOVE).unwrap();
    std::fs::write(home.join("ms-busy.sh"), BUSY).unwrap();
    std::fs::write(home.join("ms-kbs.state"), kbs.replace('\n', "\r\n")).unwrap();
}

fn kbs_of(h: &Host) -> String {
    std::fs::read_to_string(h.home.path().join("ms-kbs.state"))
        .unwrap()
        .replace('\r', "")
}

/// What a fixture log holds (the runs of install, the arguments of remove).
fn log(h: &Host, name: &str) -> Vec<String> {
    std::fs::read_to_string(h.home.path().join(name))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The command set, signed by a publisher the Cloud Connect node trusts.
fn sign_set(lab: &Lab) -> tempfile::TempDir {
    sign_this_set(lab, SET)
}

/// `json` as the command set, signed by a publisher the Cloud Connect node trusts.
fn sign_this_set(lab: &Lab, json: &str) -> tempfile::TempDir {
    lab.signed_set("ms-publisher", "ms", "ms-patches.json", json)
}

fn ms(lab: &Lab, leaf: &str, extra: &[&str], stdin: &str) -> crate::util::Run {
    let mut a = vec!["utils", "patch-manager", "ms-patches", leaf];
    a.extend_from_slice(extra);
    lab.run(&a, stdin)
}

/// `(host, result, kbs)` of each node of the JSON.
fn results(v: &serde_json::Value) -> Vec<(String, String, Vec<String>)> {
    v["hosts"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|h| {
            (
                h["host"].as_str().unwrap().to_owned(),
                h["result"].as_str().unwrap().to_owned(),
                h["kbs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

/// Make `h`'s installer detach, as Windows Update does (it outlives a dropped session), and,
/// while `ms-hold` exists in its home, not end: busy meanwhile. `line`, when given, is what the
/// installer appends to a log the test names (else `installed` to its own `ms-install.log`).
pub(crate) fn detached_installer(h: &Host, line: Option<(&str, &std::path::Path)>) {
    let home = h.home.path();
    let logged = match line {
        Some((text, log)) => format!("echo \"{text}\" >> {}", log.display()),
        None => "echo installed >> ms-install.log".to_owned(),
    };
    std::fs::write(
        home.join("ms-install.sh"),
        format!("touch ms-busy.flag\n{logged}\nsetsid sh ms-worker.sh </dev/null >/dev/null 2>&1 &\nwhile [ -f ms-busy.flag ]; do sleep 0.05; done\n"),
    )
    .unwrap();
    std::fs::write(
        home.join("ms-worker.sh"),
        "i=0\nwhile [ -f ms-hold ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\nsed -i 's/^Pending /Installed /' ms-kbs.state\nrm -f ms-busy.flag\n",
    )
    .unwrap();
    std::fs::write(home.join("ms-hold"), "").unwrap();
}

/// `ccadmin --yes utils patch-manager ms-patches install --all EXTRA…` started on the lab's
/// Cloud Connect node, its output piped (to be killed or waited for).
pub(crate) fn spawn_install(lab: &Lab, extra: &[&str]) -> std::process::Child {
    std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &lab.cc)
        .env("HOME", lab.cc.parent().unwrap())
        .args([
            "--yes",
            "utils",
            "patch-manager",
            "ms-patches",
            "install",
            "--all",
        ])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// `kill -9` a child.
pub(crate) fn kill_9(child: &mut std::process::Child) {
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
}

#[test]
fn ms_patches_are_installed_only_where_pending_and_the_kbs_shown_in_text_json_batch_and_shell() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(
        &lab.win[0],
        "Installed KB5000001\nPending KB5031356\nPending KB5032189\n",
    );
    fixture(&lab.win[1], "Installed KB5000001\n");

    // No signed command set: refused before anything is asked or touched.
    let r = ms(&lab, "install", &["--all", "--yes"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("no signed Microsoft updates command set (ms-patches.json)"),
        "{}",
        r.stderr
    );
    let _keys = sign_set(&lab);

    // Declined, at the first question or at the restart question: nothing changes or is
    // recorded.
    let before = kbs_of(&lab.win[0]);
    for answers in ["no\n", "yes\nno\n"] {
        let r = ms(&lab, "install", &["--all"], answers);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("Nothing was changed."), "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "{a} (PG, side A): 2 pending update(s): KB5031356, KB5032189"
            )),
            "{}",
            r.stderr
        );
        assert_eq!(kbs_of(&lab.win[0]), before);
    }
    assert!(log(&lab.win[0], "ms-install.log").is_empty());
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert!(!h.to_string().contains("ms-patches"), "{h}");

    // One-shot, text: a's pending updates are installed and named; b had none and is left out.
    let r = ms(&lab, "install", &["--all", "--yes"], "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{b}: no pending Microsoft updates; left out")),
        "{}",
        r.stderr
    );
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{a}: Installed KB5031356, KB5032189").as_str(),
            "Microsoft updates: 1 node(s) updated, 2 KB(s) installed, 0 failed, 1 left out without pending updates"
        ],
        "{}",
        r.stdout
    );
    assert!(!kbs_of(&lab.win[0]).contains("Pending"));
    assert_eq!(log(&lab.win[1], "ms-install.log").len(), 0);

    // Recorded: the run history and the audit log (the run; never a declined one, nor the
    // refusal before anything was asked).
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert!(h.to_string().contains("ms-patches install"), "{h}");
    let audit = std::fs::read_to_string(lab.cc.join("logs/orchestration-audit/audit.log"))
        .unwrap_or_default();
    let ours: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("command=\"utils patch-manager ms-patches install\""))
        .collect();
    assert_eq!(ours.len(), 1, "{audit}");
    assert!(
        ours[0].contains(&format!("subject=\"Microsoft updates on {a}\""))
            && ours[0].contains("result=\"Success\""),
        "{audit}"
    );

    // JSON: now b has one pending; a has none and is left out.
    fixture(&lab.win[1], "Installed KB5000001\nPending KB5033375\n");
    let (code, v) = lab.json(&["utils", "patch-manager", "ms-patches", "install", "--all"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(b.clone(), "installed".into(), vec!["KB5033375".into()])]
    );
    assert_eq!(v["left_out"], serde_json::json!([a.clone()]), "{v}");
    assert_eq!(
        (v["installed"].clone(), v["kbs"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(v["result"], "Success", "{v}");

    // Nothing pending anywhere: said so, nothing runs.
    let r = ms(&lab, "install", &["--all", "--yes"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("no chosen Windows node has pending updates"),
        "{}",
        r.stdout
    );
    assert_eq!(log(&lab.win[1], "ms-install.log").len(), 1);

    // A batch: the menu (4: side A) and both questions are answered by the next lines.
    fixture(&lab.win[0], "Pending KB5034441\n");
    fixture(&lab.win[1], "Pending KB5034441\n");
    let r = run(
        &lab.cc,
        &[],
        "utils patch-manager ms-patches install\n4\nyes\nyes\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("4) All Side A Windows nodes"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains(&format!("{a}: Installed KB5034441")),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&b), "{}", r.stdout);
    assert!(kbs_of(&lab.win[1]).contains("Pending KB5034441"));

    // The admin: shell: a Windows node from the list (b is second), both questions.
    let mut p = crate::shell::shell(&lab.cc, 40);
    p.send_line("utils patch-manager ms-patches install")
        .unwrap();
    p.exp_string("Please select an option (1 - 5").unwrap();
    p.send_line("1").unwrap();
    p.exp_string("Select the Windows node").unwrap();
    p.send_line("2").unwrap();
    p.exp_string("Install the pending Microsoft updates on 1 Windows node(s)")
        .unwrap();
    p.send_line("yes").unwrap();
    p.exp_string("restart").unwrap();
    p.send_line("yes").unwrap();
    p.exp_string(&format!("{b}: Installed KB5034441")).unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
    assert!(!kbs_of(&lab.win[1]).contains("Pending"));
}

#[test]
fn ms_patches_rollback_removes_a_kb_only_where_installed_and_refuses_a_bad_or_absent_kb() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], "Installed KB5000001\nInstalled KB5031356\n");
    fixture(&lab.win[1], "Installed KB5000001\nPending KB5031356\n");
    let _keys = sign_set(&lab);

    // A KB number that is not one: exit 2, as a flag (before anything) or as an answer.
    for bad in ["KB12x", "5031356", "KB1;touch pwned", "KB0123"] {
        let r = ms(&lab, "rollback", &["--all", "--kb", bad, "--yes"], "");
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stderr.contains("is not a KB number"), "{}", r.stderr);
    }
    let r = ms(&lab, "rollback", &["--all", "--yes"], "KB-1\n");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("'KB-1' is not a KB number"),
        "{}",
        r.stderr
    );

    // A KB installed on no chosen node (pending on b counts as not installed): refused.
    let r = ms(
        &lab,
        "rollback",
        &["--all", "--kb", "KB9999999", "--yes"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("KB9999999 is not installed on any chosen Windows node; nothing was removed"),
        "{}",
        r.stderr
    );
    let r = ms(
        &lab,
        "rollback",
        &["--node", &b, "--kb", "KB5031356", "--yes"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("KB5031356 is not installed on any"),
        "{}",
        r.stderr
    );

    // Declined: nothing changes.
    let r = ms(&lab, "rollback", &["--all", "--kb", "KB5031356"], "no\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Nothing was changed."), "{}", r.stderr);
    assert!(kbs_of(&lab.win[0]).contains("Installed KB5031356"));
    assert!(log(&lab.win[0], "ms-remove.log").is_empty());

    // One-shot, the KB asked: removed from a only, the remove command given the KB.
    let r = ms(&lab, "rollback", &["--all", "--yes"], "kb5031356\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{b}: KB5031356 is not installed; left out")),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>(),
        [
            format!("{a}: Removed KB5031356").as_str(),
            "KB5031356: removed from 1 node(s), 0 failed, 1 left out where it is not installed"
        ]
    );
    assert_eq!(log(&lab.win[0], "ms-remove.log"), ["KB5031356"]);
    assert!(log(&lab.win[1], "ms-remove.log").is_empty());
    assert_eq!(kbs_of(&lab.win[0]), "Installed KB5000001\n");

    // JSON: a KB on both nodes.
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "ms-patches",
        "rollback",
        "--all",
        "--kb",
        "KB5000001",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["kb"], "KB5000001", "{v}");
    assert_eq!(
        results(&v),
        [
            (a.clone(), "removed".into(), vec!["KB5000001".into()]),
            (b.clone(), "removed".into(), vec!["KB5000001".into()])
        ]
    );
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert!(h.to_string().contains("ms-patches rollback"), "{h}");

    // A batch: the menu (1, then a), the KB and the question answered by the next lines.
    fixture(&lab.win[0], "Installed KB5032189\n");
    let r = run(
        &lab.cc,
        &[],
        "utils patch-manager ms-patches rollback\n1\n1\nKB5032189\nyes\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!("{a}: Removed KB5032189")),
        "{}",
        r.stdout
    );
    assert_eq!(kbs_of(&lab.win[0]), "");
}

#[test]
fn ms_patches_refuse_a_vos_node_and_say_why_a_node_is_unreachable() {
    let mut lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], "Pending KB5031356\n");
    fixture(&lab.win[1], "Pending KB5031356\n");
    let _keys = sign_set(&lab);

    let vos = lab.vos[0].name();
    let r = ms(&lab, "install", &["--node", &vos, "--yes"], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{vos} is not a Windows node")),
        "{}",
        r.stderr
    );
    let r = ms(&lab, "install", &["--node", "nosuch", "--yes"], "");
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("nosuch is not in the inventory"),
        "{}",
        r.stderr
    );

    // b unreachable: a, the other side of its pair, is not touched (b may be in another
    // run's installer, or down: never both sides of a pair at once).
    lab.win[1].sshd.stop();
    let r = ms(&lab, "install", &["--all", "--yes"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "{a}: Failed: not touched: another member of PG1, {b}, cannot be asked for its lease"
        )) && r.stdout.contains("(or with --break-leases if it is over)"),
        "{}",
        r.stdout
    );
    assert!(
        log(&lab.win[0], "ms-install.log").is_empty(),
        "{a} untouched"
    );
    // On the administrator's word (--break-leases): b stays (it could not be asked), its
    // line says why, a is done: exit 3.
    let r = ms(&lab, "install", &["--all", "--yes", "--break-leases"], "");
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{b} (PG, side B): could not be asked: unreachable"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains(&format!("{a}: Installed KB5031356")),
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
    assert!(
        r.stdout
            .contains("1 node(s) updated, 1 KB(s) installed, 1 failed"),
        "{}",
        r.stdout
    );
    // Only the unreachable one could have the KB: refused, nothing removed.
    fixture(&lab.win[0], "Pending KB5031356\n");
    let r = ms(
        &lab,
        "rollback",
        &["--all", "--kb", "KB5031356", "--yes"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "KB5031356 is not installed on any chosen Windows node (1 could not be asked)"
        ),
        "{}",
        r.stderr
    );
    // b reachable and with the KB, a unreachable: b's is removed, a's line says why: exit 3.
    lab.win[1].sshd.restart();
    fixture(&lab.win[1], "Installed KB5031356\n");
    lab.win[0].sshd.stop();
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "ms-patches",
        "rollback",
        "--all",
        "--kb",
        "KB5031356",
        "--break-leases",
    ]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["hosts"][0]["result"], "failed", "{v}");
    assert!(
        v["hosts"][0]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("unreachable")),
        "{v}"
    );
    assert_eq!(v["hosts"][1]["result"], "removed", "{v}");
}

/// A set whose install restarts the node: the run waits for the node to go down and come back
/// (and logs in again) before it reads the node's updates and before it touches the other
/// member of the pair; a member whose install failed stops its group, the other is not started.
#[test]
fn a_restarting_node_is_waited_for_and_a_failed_member_stops_its_group() {
    use std::io::BufRead;
    let mut lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], "Pending KB5031356\n");
    fixture(&lab.win[1], "Pending KB5031356\n");
    let restarting = r#"{"PG": {"list": "sh ms-list.sh", "install": "sh ms-install.sh", "remove": "sh ms-remove.sh {kb}", "busy": "sh ms-busy.sh", "restarts": true}}"#;
    let _keys = sign_this_set(&lab, restarting);
    let mut child = std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &lab.cc)
        .env("HOME", lab.cc.parent().unwrap())
        .args([
            "--yes",
            "--output",
            "json",
            "utils",
            "patch-manager",
            "ms-patches",
            "install",
            "--all",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut wait_line = |what: &str, seen: &mut String| loop {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "no '{what}' in {seen}"
        );
        seen.push_str(&line);
        if line.contains(what) {
            return;
        }
    };
    for (i, (me, other)) in [(&a, &b), (&b, &a)].into_iter().enumerate() {
        wait_line(&format!("{me}: waiting for the node to restart"), &mut seen);
        if i == 0 {
            // The first member is restarting: the other member is not touched meanwhile.
            assert!(
                log(&lab.win[1], "ms-install.log").is_empty(),
                "{other} untouched"
            );
            assert_eq!(kbs_of(&lab.win[1]), "Pending KB5031356\n");
        }
        lab.win[i].sshd.stop();
        wait_line(&format!("{me}: the node went down"), &mut seen);
        lab.win[i].sshd.restart();
    }
    let status = child.wait().unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success(), "{out}\n{seen}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let k = vec!["KB5031356".to_owned()];
    assert_eq!(
        results(&v),
        [
            (a.clone(), "installed".into(), k.clone()),
            (b.clone(), "installed".into(), k)
        ]
    );

    // A member whose install fails stops its group: the other member is not started.
    fixture(&lab.win[0], "Pending KB5032189\n");
    fixture(&lab.win[1], "Pending KB5032189\n");
    std::fs::write(lab.win[0].home.path().join("ms-install.sh"), "exit 7\n").unwrap();
    let installs_b = log(&lab.win[1], "ms-install.log").len();
    let (code, v) = lab.json(&["utils", "patch-manager", "ms-patches", "install", "--all"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["hosts"][0]["result"], "failed", "{v}");
    assert!(
        v["hosts"][1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with(&format!("not started: {a}, of its group, failed"))),
        "{v}"
    );
    assert_eq!(
        log(&lab.win[1], "ms-install.log").len(),
        installs_b,
        "b untouched"
    );
    assert_eq!(kbs_of(&lab.win[1]), "Pending KB5032189\n");
}

/// Updates are never installed beside a change: refused while a patch run has not ended (its
/// installer may still run), and a host under a run's lease is left untouched with the rest of
/// its group.
#[test]
fn ms_patches_are_refused_beside_an_unfinished_run_or_a_leased_host() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], "Pending KB5031356\n");
    fixture(&lab.win[1], "Pending KB5031356\n");
    let _keys = sign_set(&lab);
    let db = lab.cc.join("ccadmin.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO orchestration_run (operation, subject, actor, uid, node)
             VALUES ('patch install', 'es8.sh', 'admin', 'r-unfinished', 'cc-pub')",
            [],
        )
        .unwrap();
    let r = ms(&lab, "install", &["--all", "--yes"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the patch install run of es8.sh started at"),
        "{}",
        r.stderr
    );
    assert!(log(&lab.win[0], "ms-install.log").is_empty());
    assert!(log(&lab.win[1], "ms-install.log").is_empty());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE orchestration_run SET finished_at = '2026-12-05 00:00:00', result = 'Failure' WHERE uid = 'r-unfinished'",
            [],
        )
        .unwrap();

    std::fs::write(
        lab.win[0].home.path().join(".ccadmin-lease.json"),
        r#"{"run": "r-77", "node": "cc-other", "host": "x", "group": "PG", "operation": "patch install", "since": "2026-12-05 01:00:00"}"#,
    )
    .unwrap();
    let (code, v) = lab.json(&["utils", "patch-manager", "ms-patches", "install", "--all"]);
    assert_eq!(code, 1, "{v}");
    assert!(
        v["hosts"][0]["error"].as_str().is_some_and(
            |e| e.starts_with("it is leased by run r-77 of Cloud Connect node cc-other (patch install, since 2026-12-05 01:00:00 UTC)")
        ),
        "{v}"
    );
    assert!(
        log(&lab.win[0], "ms-install.log").is_empty(),
        "{a} untouched"
    );
    // A leased member may be changing: the other member of its pair is not started either.
    assert!(
        v["hosts"][1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with(&format!("not started: {a}, of its group"))),
        "{b}: {v}"
    );
    assert!(
        log(&lab.win[1], "ms-install.log").is_empty(),
        "{b} untouched"
    );
}

/// `kill -9` while a node's update installer runs: the installer goes on without its session
/// (as Windows Update does), the host keeps the killed run's lease, and the same command run
/// again waits for that installer to end before it reads the node: it is never started a
/// second time. The killed run ends as interrupted, and no lease is left behind.
#[test]
fn kill_9_mid_install_then_the_same_command_waits_for_the_installer_and_never_starts_a_second() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], "Pending KB5031356\n");
    fixture(&lab.win[1], "Pending KB5031356\n");
    let home = lab.win[0].home.path();
    detached_installer(&lab.win[0], None);
    let _keys = sign_set(&lab);
    let spawn = || spawn_install(&lab, &["--output", "json"]);
    let mut first = spawn();
    crate::util::wait_for("the installer to start", crate::orchestration::WAIT, || {
        log(&lab.win[0], "ms-install.log").len() == 1
    });
    kill_9(&mut first);
    assert!(
        home.join(".ccadmin-lease.json").exists(),
        "{a} stays leased"
    );
    std::fs::remove_file(home.join("ms-busy.log")).unwrap();

    let second = spawn();
    // It asks whether an installer runs, and waits while one does.
    crate::util::wait_for(
        "the second run to ask the installer",
        crate::orchestration::WAIT,
        || log(&lab.win[0], "ms-busy.log").len() >= 2,
    );
    assert_eq!(
        log(&lab.win[0], "ms-install.log").len(),
        1,
        "never a second installer"
    );
    assert!(
        log(&lab.win[1], "ms-install.log").is_empty(),
        "{b} waits its turn"
    );
    std::fs::remove_file(home.join("ms-hold")).unwrap();
    let out = second.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "{a}: an update installer runs on the node; waiting for it to end"
        )),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let k = vec!["KB5031356".to_owned()];
    assert_eq!(
        results(&v),
        [
            (a.clone(), "up-to-date".into(), vec![]),
            (b.clone(), "installed".into(), k),
        ],
        "{v}"
    );
    assert_eq!(
        log(&lab.win[0], "ms-install.log").len(),
        1,
        "{a}'s installer ran once"
    );
    assert_eq!(log(&lab.win[1], "ms-install.log").len(), 1);
    for h in &lab.win {
        assert!(
            !h.home.path().join(".ccadmin-lease.json").exists(),
            "no lease left on {}",
            h.name()
        );
    }
    let (_, history) = lab.json(&["utils", "deployment", "show", "history"]);
    let results: Vec<&str> = history
        .as_array()
        .or_else(|| history["runs"].as_array())
        .unwrap_or_else(|| panic!("{history}"))
        .iter()
        .filter(|r| r["operation"] == "ms-patches install")
        .map(|r| r["result"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(results, ["Success", "Interrupted"], "{history}");
}

/// Two Cloud Connect nodes cut off from each other never change both members of a pair: a
/// node whose pair member is leased by another run (not known finished) is left untouched,
/// its own lease given back; with --break-leases the administrator passes over it.
#[test]
fn a_pair_member_leased_by_another_run_keeps_the_node_untouched() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], "Pending KB5031356\n");
    fixture(&lab.win[1], "Pending KB5031356\n");
    let _keys = sign_set(&lab);
    std::fs::write(
        lab.win[1].home.path().join(".ccadmin-lease.json"),
        format!(r#"{{"run": "r-88", "node": "cc-sub", "host": "{b}", "group": "PG1", "operation": "ms-patches install", "since": "2026-12-05 01:00:00"}}"#),
    )
    .unwrap();
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "ms-patches",
        "install",
        "--node",
        &a,
    ]);
    assert_eq!(code, 1, "{v}");
    let why = v["hosts"][0]["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        why.starts_with(&format!("not touched: another member of PG1, {b}, is leased by run r-88 of Cloud Connect node cc-sub")),
        "{why}"
    );
    assert!(
        log(&lab.win[0], "ms-install.log").is_empty(),
        "{a} untouched"
    );
    assert!(
        !lab.win[0].home.path().join(".ccadmin-lease.json").exists(),
        "its own lease given back"
    );
    assert!(
        lab.win[1].home.path().join(".ccadmin-lease.json").exists(),
        "the other run's lease kept"
    );

    // On the administrator's word, the other run's lease on b is broken where it is (b's
    // own run), and then a, its pair member free, is done too.
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "ms-patches",
        "install",
        "--node",
        &b,
        "--break-leases",
    ]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "ms-patches",
        "install",
        "--node",
        &a,
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(log(&lab.win[0], "ms-install.log").len(), 1);
    assert_eq!(log(&lab.win[1], "ms-install.log").len(), 1);
}

/// `kill -9` while side B's installer runs, after side A was done: A gets a new pending
/// update, and the same command settles B first (waits for its installer) and only then
/// changes A: the two sides of the pair are never changed at once. While B is unsettled its
/// lease keeps A unchanged.
#[test]
fn kill_9_during_side_b_then_side_a_is_not_changed_until_b_is_settled() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], "Pending KB5031356\n");
    fixture(&lab.win[1], "Pending KB5031356\n");
    let home_b = lab.win[1].home.path();
    detached_installer(&lab.win[1], None);
    let _keys = sign_set(&lab);
    let spawn = || spawn_install(&lab, &["--output", "json"]);
    let mut first = spawn();
    crate::util::wait_for("B's installer to start", crate::orchestration::WAIT, || {
        log(&lab.win[1], "ms-install.log").len() == 1
    });
    kill_9(&mut first);
    assert_eq!(log(&lab.win[0], "ms-install.log").len(), 1, "{a} was done");
    // A new update for A (the next day's), while B's installer still runs.
    std::fs::write(
        lab.win[0].home.path().join("ms-kbs.state"),
        "Installed KB5031356\r\nPending KB5032189\r\n",
    )
    .unwrap();
    let _ = std::fs::remove_file(home_b.join("ms-busy.log"));
    let second = spawn();
    crate::util::wait_for(
        "the second run to wait for B's installer",
        crate::orchestration::WAIT,
        || log(&lab.win[1], "ms-busy.log").len() >= 2,
    );
    assert_eq!(
        log(&lab.win[0], "ms-install.log").len(),
        1,
        "{a} unchanged while {b} is unsettled"
    );
    std::fs::remove_file(home_b.join("ms-hold")).unwrap();
    let out = second.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        results(&v),
        [
            (b.clone(), "up-to-date".into(), vec![]),
            (a.clone(), "installed".into(), vec!["KB5032189".to_owned()]),
        ],
        "{v}"
    );
    assert_eq!(
        log(&lab.win[1], "ms-install.log").len(),
        1,
        "{b}'s installer ran once"
    );
    let (_, history) = lab.json(&["utils", "deployment", "show", "history"]);
    let results: Vec<&str> = history["runs"]
        .as_array()
        .unwrap_or_else(|| panic!("{history}"))
        .iter()
        .filter(|r| r["operation"] == "ms-patches install")
        .map(|r| r["result"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(results, ["Success", "Interrupted"], "{history}");
}
