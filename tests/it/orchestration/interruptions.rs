//! Runs that stop part way and finish: a node down or a failing installer stops the run and the
//! same command finishes it; kill -9 and Ctrl-C mid-install resume without installing twice; a
//! restarting node is waited for.

use super::*;

#[test]
fn a_node_down_or_a_failing_installer_stops_the_run_and_the_same_command_finishes_it() {
    let mut lab = lab();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");
    let log = lab.log();
    // Fails while the file `broken` is in the node's home.
    let script = format!(
        "if [ -f broken ]; then echo 'disk C: full' >&2; exit 3; fi\necho \"$(pwd)\" >> {}\n",
        log.display()
    );
    lab.artifact(
        "es3.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es3.sh 2>&1", "reboot": false}),
    );
    std::fs::write(lab.win[0].home.path().join("broken"), b"").unwrap();
    let install = [
        "utils",
        "patch-manager",
        "install",
        "es3.sh",
        "--group",
        "PG1",
    ];
    let (code, v) = lab.json(&install);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        results(&v),
        [
            (lab.win[0].name(), "failed".into()),
            (lab.win[1].name(), "skipped".into())
        ],
        "side B is never touched once side A failed"
    );
    assert!(
        v["nodes"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("the installer exited with 3: disk C: full"),
        "{v}"
    );
    assert!(lab.installs().is_empty());

    // Side A fixed, side B down: B cannot be asked for its lease (it may be in another
    // run's installer, e.g. restarting), so A is not touched either; B fails as unreachable.
    std::fs::remove_file(lab.win[0].home.path().join("broken")).unwrap();
    lab.win[1].sshd.stop();
    let r = lab.run(
        &[&["--yes"][..], &install[..], &["--max-fail", "1"][..]].concat(),
        "",
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("0 done, 2 failed"), "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "another member of PG1, {}, cannot be asked for its lease",
            lab.win[1].name()
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("unreachable"), "{}", r.stdout);
    assert!(lab.installs().is_empty(), "{:?}", lab.installs());
    // A down member's lease is only passed over on the administrator's word.
    let r = lab.run(
        &[&["--yes"][..], &install[..], &["--break-leases"][..]].concat(),
        "",
    );
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("1 done, 1 failed"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("utils patch-manager rollback --node HOST"),
        "what rollback would do: {}",
        r.stderr
    );
    // Back up: the same command finishes it, the done side is not installed again.
    lab.win[1].sshd.restart();
    let (code, v) = lab.json(&install);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [
            (lab.win[0].name(), "already-done".into()),
            (lab.win[1].name(), "done".into())
        ]
    );
    assert_eq!(lab.installs().len(), 2, "{:?}", lab.installs());
}

/// Killed (SIGKILL) and interrupted (SIGINT, Ctrl-C) while an installer runs: the run shows
/// as interrupted; the same command resumes it; the node whose installer finished is found
/// installed (its check passes) and never installed twice.
#[test]
fn kill_9_and_ctrl_c_mid_install_then_the_same_command_resumes_without_installing_twice() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");
    let log = lab.log();
    // Installs at once (the marker), then waits for `go` before it ends.
    let script = format!(
        "echo \"$(pwd)\" >> {}\ntouch es4.marker\nwhile [ ! -f go ]; do sleep 0.05; done\n",
        log.display()
    );
    lab.artifact(
        "es4.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es4.sh", "check": "test -f es4.marker"}),
    );
    let in_progress = || lab.json(&["utils", "deployment", "show", "in-progress"]).1;
    for (signal, code) in [(libc::SIGKILL, None), (libc::SIGINT, Some(130))] {
        let mut child = std::process::Command::new(crate::util::bin())
            .env("CCADMIN_STATE_DIR", &lab.cc)
            .env("HOME", lab.cc.parent().unwrap())
            .args([
                "--yes",
                "utils",
                "patch-manager",
                "install",
                "es4.sh",
                "--group",
                "PG",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let n = lab.installs().len();
        wait_for("the installer to start", WAIT, || lab.installs().len() > n);
        let v = in_progress();
        assert_eq!(v["state"], "running", "{v}");
        assert!(
            v["run"]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|st| st["result"] == "Running"),
            "{v}"
        );
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        assert_eq!(status.code(), code, "{status:?}");
        let v = in_progress();
        assert_eq!(v["state"], "interrupted", "{v}");
        if signal == libc::SIGINT {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            // The node whose installer may still run is not called Failed: it is
            // interrupted, and the resume waits for its installer.
            assert!(
                err.contains("Interrupted: installing es4.sh: the installer")
                    && err.contains("its installer may still be running on")
                    && !err.contains("Failed")
                    && err.contains("Control-C pressed"),
                "{err}"
            );
        }
    }
    // Each side's installer ran once: side A's in the killed try (the interrupted try found it
    // installed by its check), side B's in the interrupted one. Let both end.
    assert_eq!(lab.installs().len(), 2, "{:?}", lab.installs());
    for h in &lab.win {
        std::fs::write(h.home.path().join("go"), b"").unwrap();
    }
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "es4.sh",
            "--group",
            "PG",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("Resuming interrupted run"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("was installed by the interrupted run (its check passes)"),
        "{}",
        r.stdout
    );
    let installs = lab.installs();
    assert_eq!(
        installs,
        [
            lab.win[0].home.path().display().to_string(),
            lab.win[1].home.path().display().to_string()
        ],
        "each node installed once"
    );
    let v = in_progress();
    assert_eq!(v["state"], "finished", "{v}");
    assert_eq!(v["run"]["result"], "Success", "{v}");
    assert_eq!(
        lab.json(&["utils", "deployment", "show", "history"]).1["runs"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "one run, resumed twice"
    );
}

/// A patch that restarts the node: the installer returns, the node goes down (sshd stopped)
/// and comes back (started); the run waits for it and reads it again.
#[test]
fn a_restarting_node_is_waited_for() {
    let mut lab = lab();
    lab.win[0].seed("12.6.1");
    let asked = lab.keys.path().join("restart-asked");
    lab.artifact(
        "es5.sh",
        format!("touch {}\n", asked.display()).as_bytes(),
        serde_json::json!({"install": "sh es5.sh", "reboot": true}),
    );
    let mut child = std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &lab.cc)
        .env("HOME", lab.cc.parent().unwrap())
        .args([
            "--yes",
            "--output",
            "json",
            "utils",
            "patch-manager",
            "install",
            "es5.sh",
            "--node",
            &lab.win[0].name(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut wait_line = |what: &str, seen: &mut String| {
        use std::io::BufRead;
        loop {
            let mut line = String::new();
            assert!(
                err.read_line(&mut line).unwrap() > 0,
                "no '{what}' in {seen}"
            );
            seen.push_str(&line);
            if line.contains(what) {
                return;
            }
        }
    };
    wait_line("waiting for the node to restart", &mut seen);
    assert!(asked.exists());
    lab.win[0].sshd.stop();
    wait_line("the node went down", &mut seen);
    lab.win[0].sshd.restart();
    let status = child.wait().unwrap();
    let mut out = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(status.success(), "{out}\n{seen}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(results(&v), [(lab.win[0].name(), "done".into())]);
    assert_eq!(lab.win[0].record()["patches"][0]["name"], "es5.sh");
}
