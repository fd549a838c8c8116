//! Issue 23: one orchestration run per Cloud Connect cluster, whichever node starts it. A real
//! publisher and subscriber (`ccadmin serve` each) share an inventory with one Windows pair;
//! runs started on both nodes at the same moment, on the two sides of the pair, never have
//! both sides in an installer at once (the hosts' own timestamps say so), each node's history
//! shows the other's run, and with the other node down a run is refused unless the
//! administrator says so (`--peer-down`, recorded in the run).

use std::path::Path;
use std::time::Duration;

use crate::cluster::{caught_up, pair, Pair};
use crate::patches::{keypair, minisign, sha256};
use crate::util::{run, wait_for};

/// How long a wait in these tests may take.
const WAIT: Duration = Duration::from_secs(60);

fn json(st: &Path, args: &[&str]) -> serde_json::Value {
    let r = run(st, &[&["--output", "json"][..], args].concat(), "");
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr))
}

/// `(start, end)` per host of the installers' log.
fn windows(log: &str, home: &Path) -> Vec<(u64, u64)> {
    let mine: Vec<Vec<&str>> = log
        .lines()
        .filter(|l| l.ends_with(&home.display().to_string()))
        .map(|l| l.split_whitespace().collect())
        .collect();
    mine.chunks(2)
        .map(|c| (c[0][1].parse().unwrap(), c[1][1].parse().unwrap()))
        .collect()
}

#[test]
fn both_cloud_connect_nodes_at_once_never_put_both_sides_of_a_pair_in_an_installer() {
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
    let keys = tempfile::tempdir().unwrap();
    let log = keys.path().join("installs.log");
    // The Windows pair: both Cloud Connect nodes' keys authorized.
    let mut hosts: Vec<(crate::sshd::Sshd, tempfile::TempDir)> = (0..2)
        .map(|_| (crate::sshd::Sshd::start(), tempfile::tempdir().unwrap()))
        .collect();
    for (sshd, home) in &mut hosts {
        for st in [&p, &s] {
            sshd.authorize(&run(st, &["utils", "controlnode", "key"], "").stdout);
        }
        crate::orchestration::take_shell(sshd, home.path(), None);
        std::fs::write(
            home.path().join(".ccadmin-installed.json"),
            r#"{"version": "12.6.1"}"#,
        )
        .unwrap();
    }
    let name = |i: usize| format!("127.0.0.1:{}", hosts[i].0.port);
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"{}\"\n          side: \"A\"\n          user: \"root\"\n        - name: \"{}\"\n          side: \"B\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
        name(0),
        name(1)
    );
    crate::test_connection::import(&p, &hosts[0].0, &inv);
    let (public, secret) = keypair(keys.path(), "publisher");
    // A signed Windows patch for PG 12.6.1 in a node's artifacts (the fields given added).
    let sign = |st: &Path, file: &str, script: &str, extra: serde_json::Value| {
        let dir = st.join("artifacts/12.6/common");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(file), script).unwrap();
        let mut m = serde_json::json!({
            "file": file, "product": "PG", "platform": "Windows", "version": "12.6.1-ES",
            "applies_to": ["12.6.1"], "reboot": false, "rollback": true,
            "sha256": sha256(script.as_bytes()), "install": format!("sh {file}"),
        });
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        let path = dir.join(format!("{file}.manifest.json"));
        std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
        minisign(&[
            "-S",
            "-s",
            secret.to_str().unwrap(),
            "-m",
            path.to_str().unwrap(),
        ]);
    };
    let r = run(
        &p,
        &[
            "utils",
            "patch-manager",
            "signer",
            "add",
            "cisco",
            public.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    wait_for(
        "the inventory and the signer on the subscriber",
        WAIT,
        || {
            caught_up(&p)
                && run(&s, &["utils", "system", "inventory", "show"], "")
                    .stdout
                    .contains(&name(1))
        },
    );
    // An installer of about 2 s that writes its start and end into the hosts' log.
    let script = format!(
        "echo \"start $(date +%s%3N) $(pwd)\" >> {l}\ni=0\nwhile [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done\necho \"end $(date +%s%3N) $(pwd)\" >> {l}\n",
        l = log.display()
    );
    for st in [&p, &s] {
        let r = run(
            st,
            &[
                "utils",
                "deployment",
                "test-connection",
                "--accept-new-host-keys",
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        sign(st, "es7.sh", &script, serde_json::json!({}));
    }
    let start = |st: &Path, host: &str| {
        std::process::Command::new(crate::util::bin())
            .env("CCADMIN_STATE_DIR", st)
            .env("HOME", st.parent().unwrap())
            .args([
                "--yes",
                "utils",
                "patch-manager",
                "install",
                "es7.sh",
                "--node",
                host,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Both at once: side A from the publisher, side B from the subscriber.
    let a = start(&p, &name(0));
    let b = start(&s, &name(1));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let said = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let (wa, wb) = (
        windows(&text, hosts[0].1.path()),
        windows(&text, hosts[1].1.path()),
    );
    assert!(wa.len() <= 1 && wb.len() <= 1, "{text}");
    if let (Some(x), Some(y)) = (wa.first(), wb.first()) {
        assert!(
            x.1 <= y.0 || y.1 <= x.0,
            "both sides in an installer at once: {text}"
        );
    }
    let refused = [&a, &b]
        .iter()
        .filter(|o| {
            let e = said(o);
            e.contains("one orchestration runs at a time in the cluster")
                || e.contains("at the same moment")
        })
        .count();
    assert!(
        refused == 1 || (a.status.success() && b.status.success()),
        "publisher: {}\nsubscriber: {}",
        said(&a),
        said(&b)
    );
    // Each node's history has every run that ran, from either node.
    let ran = [&a, &b].iter().filter(|o| o.status.success()).count();
    for st in [&p, &s] {
        let runs = json(st, &["utils", "deployment", "show", "history"])["runs"].clone();
        assert_eq!(runs.as_array().unwrap().len(), ran, "{runs}");
    }
    // The run the subscriber knows of the publisher names the publisher.
    if a.status.success() {
        let runs = json(&s, &["utils", "deployment", "show", "history"])["runs"].clone();
        assert!(
            runs.as_array()
                .unwrap()
                .iter()
                .any(|r| r["node"] == format!("localhost:{pp}") && r["remote"] == true),
            "{runs}"
        );
        let ha = json(&s, &["utils", "deployment", "show", "progress-HA"]);
        assert_eq!(ha["node"], format!("localhost:{pp}"), "{ha}");
        assert_eq!(ha["state"], "finished", "{ha}");
    }

    // A run killed on the subscriber is taken over by the publisher (the subscriber grants
    // it, not running it): the publisher waits for the installer the subscriber started,
    // finds it done, goes on; one run, one install per host, and both nodes know.
    let slow = format!(
        "echo $$ > es8.pid\necho \"start $(date +%s%3N) $(pwd)\" >> {l}\ni=0\nwhile [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done\ntouch es8.done\necho \"end $(date +%s%3N) $(pwd)\" >> {l}\n",
        l = log.display()
    );
    for st in [&p, &s] {
        sign(
            st,
            "es8.sh",
            &slow,
            serde_json::json!({
                "check": "test -f es8.done",
                "running": "kill -0 \"$(cat es8.pid 2>/dev/null)\" 2>/dev/null",
            }),
        );
    }
    let es8 = [
        "--yes",
        "utils",
        "patch-manager",
        "install",
        "es8.sh",
        "--group",
        "PG1",
    ];
    let before = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .count();
    let mut killed = std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &s)
        .env("HOME", s.parent().unwrap())
        .args(es8)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the subscriber's installer to start", WAIT, || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count()
            > before
    });
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(killed.id() as i32, libc::SIGKILL) };
    killed.wait().unwrap();
    wait_for("the subscriber's run on the publisher", WAIT, || {
        json(&p, &["utils", "deployment", "show", "history"])["runs"][0]["subject"] == "es8.sh"
    });
    let r = run(&p, &es8, "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("Resuming interrupted run")
            && r.stderr.contains(&format!("of localhost:{sp}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("is still running; waiting for it to end"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let es8_starts = text
        .lines()
        .skip(before)
        .filter(|l| l.starts_with("start"))
        .count();
    assert_eq!(es8_starts, 2, "one es8 installer per host: {text}");
    wait_for("the take-over reported to the subscriber", WAIT, || {
        let r = json(&s, &["utils", "deployment", "show", "history"])["runs"][0].clone();
        r["subject"] == "es8.sh"
            && r["node"] == format!("localhost:{pp}")
            && r["result"] == "Success"
    });
    let newest = json(&p, &["utils", "deployment", "show", "history"])["runs"][0].clone();
    assert!(
        newest["note"].as_str().unwrap().contains(&format!(
            "resumed on localhost:{pp} after localhost:{sp} was interrupted"
        )),
        "{newest}"
    );

    // The subscriber down: refused without --peer-down, and with it recorded.
    drop(subscriber.take());
    let host = name(1);
    let args = [
        "--yes",
        "utils",
        "patch-manager",
        "install",
        "es7.sh",
        "--node",
        &host,
    ];
    let r = run(&p, &args, "");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "the other Cloud Connect node localhost:{sp} cannot be asked whether it runs an orchestration"
        )) && r.stderr.contains("--peer-down"),
        "{}",
        r.stderr
    );
    let r = run(&p, &[&args[..], &["--peer-down"]].concat(), "");
    assert!(r.code == 0 || r.code == 4, "{}{}", r.stdout, r.stderr);
    let newest = json(&p, &["utils", "deployment", "show", "history"])["runs"][0].clone();
    assert!(
        newest["note"]
            .as_str()
            .unwrap()
            .contains("could not be asked"),
        "{newest}"
    );
}
