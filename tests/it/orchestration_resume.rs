//! Issue 23, found in review: what a resume must never do after an interruption — remove a
//! second patch, start an installer beside one still running (even with `--force`), or start
//! anything on a host whose record says another installer never ended.

use std::path::Path;

use crate::orchestration::lab;
use crate::orchestration_faults::interrupt_at;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn ctrl_c_during_a_vos_patch_rollback_then_the_resume_removes_that_patch_only() {
    let lab = lab();
    for f in ["ucos.es1.cop", "ucos.es2.cop"] {
        lab.artifact(
            f,
            f.as_bytes(),
            serde_json::json!({"product": "Finesse", "platform": "VOS", "version": "12.6.1-ES"}),
        );
        let (code, v) = lab.json(&["utils", "patch-manager", "install", f, "--group", "Finesse"]);
        assert_eq!(code, 0, "{v}");
    }
    for h in &lab.vos {
        std::fs::write(h.home.path().join(".install-seconds"), "2").unwrap();
    }
    let log = lab.vos[0].state.as_ref().unwrap().join("logs/install.log");
    let rollback = [
        "--yes",
        "utils",
        "patch-manager",
        "rollback",
        "--group",
        "Finesse",
    ];
    let err = interrupt_at(&lab, &rollback, libc::SIGINT, "the rollback", &mut || {
        read(&log).contains("rollback-start")
    });
    assert!(
        err.contains("Interrupted: removing ucos.es2.cop")
            && err.contains("(side A, Publisher) removes ucos.es2.cop"),
        "{err}"
    );
    let r = lab.run(&rollback, "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("Resuming interrupted run"),
        "{}",
        r.stderr
    );
    // The record names the patch each node lost, with the patch levels before and after.
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    let newest = &h["runs"][0];
    assert!(
        newest["subject"]
            .as_str()
            .unwrap()
            .starts_with("the newest patch: ucos.es2.cop from"),
        "{newest}"
    );
    for st in newest["steps"].as_array().unwrap() {
        assert_eq!(st["from_version"], "12.6.1 + ucos.es2.cop", "{newest}");
        assert_eq!(st["to_version"], "12.6.1 + ucos.es1.cop", "{newest}");
    }
    for h in &lab.vos {
        let v = crate::util::run(
            h.state.as_ref().unwrap(),
            &["--output", "json", "show", "version", "active"],
            "",
        );
        let v: serde_json::Value = serde_json::from_str(&v.stdout).unwrap();
        assert_eq!(
            v["patches"].as_array().unwrap().len(),
            1,
            "only the newest patch is removed: {v}"
        );
        assert_eq!(v["patches"][0]["name"], "ucos.es1.cop", "{v}");
    }
}

#[test]
fn force_never_starts_an_installer_beside_one_that_still_runs() {
    let lab = lab();
    let log = lab.cc.parent().unwrap().join("installs.log");
    for h in &lab.win {
        h.seed("12.6.1");
    }
    let script = format!(
        "echo $$ > es8.pid\necho \"start $(date +%s%3N) $(pwd)\" >> {l}\ni=0\nwhile [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done\necho \"end $(date +%s%3N) $(pwd)\" >> {l}\n",
        l = log.display()
    );
    // Its check never passes (an installer that ends without installing): only --force
    // installs again, and never while the first still runs.
    lab.artifact(
        "es8.sh",
        script.as_bytes(),
        serde_json::json!({
            "install": "sh es8.sh", "check": "false",
            "running": "kill -0 \"$(cat es8.pid 2>/dev/null)\" 2>/dev/null",
        }),
    );
    let a = lab.win[0].name();
    let install = [
        "--yes",
        "utils",
        "patch-manager",
        "install",
        "es8.sh",
        "--node",
        &a,
    ];
    interrupt_at(&lab, &install, libc::SIGKILL, "the installer", &mut || {
        read(&log).contains("start")
    });
    // Without --force: waits for it, then refuses to install again (its check fails).
    let r = lab.run(&install, "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("is still running; waiting for it to end")
            && r.stdout.contains("has ended without installing it"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(read(&log).matches("start").count(), 1, "{}", read(&log));
    // Interrupted again at once, then --force: it waits for the running one first.
    interrupt_at(
        &lab,
        &[&install[..], &["--force"]].concat(),
        libc::SIGKILL,
        "the second installer",
        &mut || read(&log).matches("start").count() >= 2,
    );
    let r = lab.run(&[&install[..], &["--force"]].concat(), "");
    assert!(
        r.stderr.contains("is still running; waiting for it to end"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stderr.contains("--force: installing es8.sh again"),
        "{}",
        r.stderr
    );
    let lines: Vec<(String, u64)> = read(&log)
        .lines()
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[0].to_owned(), w[1].parse().unwrap())
        })
        .collect();
    // start, end, start, end: never two at once.
    let kinds: Vec<&str> = lines.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["start", "end", "start", "end", "start", "end"],
        "{lines:?}"
    );
    assert!(lines.windows(2).all(|w| w[0].1 <= w[1].1), "{lines:?}");
}

#[test]
fn a_record_saying_another_installer_never_ended_blocks_every_other_change() {
    let lab = lab();
    std::fs::write(
        lab.win[0].home.path().join(".ccadmin-installed.json"),
        r#"{"version": "12.6.1", "pending": "es3.sh"}"#,
    )
    .unwrap();
    lab.artifact(
        "es6.sh",
        b"echo installed\n",
        serde_json::json!({"install": "sh es6.sh"}),
    );
    let a = lab.win[0].name();
    let (code, v) = lab.json(&["utils", "patch-manager", "install", "es6.sh", "--node", &a]);
    assert_eq!(code, 1, "{v}");
    assert!(
        v["nodes"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("the node's record says 'es3.sh' was started and not seen to end"),
        "{v}"
    );
    assert!(
        !lab.win[0].home.path().join("es6.sh").exists(),
        "nothing transferred"
    );
}
