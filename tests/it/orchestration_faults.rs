//! Issue 23's fault test: a run on a Windows pair and a run on a VOS pair, each installer
//! taking a few seconds, killed (SIGKILL) at every step boundary in turn and resumed each time
//! with the same command. Every host's own log must show its installer ran exactly once, no
//! two members of one group may ever be in an installer at once (from the hosts' timestamps),
//! and the final state and record must be right.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::orchestration::{lab, Lab};

/// One `(start, end)` interval per installer run, in milliseconds, from a log of
/// `start MS ...` / `end MS ...` (Windows) or `MS install-start ...` / `MS install-end ...`
/// (the VOS node's own install log) lines.
fn intervals(log: &str) -> Vec<(u64, Option<u64>)> {
    let mut out: Vec<(u64, Option<u64>)> = Vec::new();
    for l in log.lines() {
        let w: Vec<&str> = l.split_whitespace().collect();
        let (what, ms) = match w.as_slice() {
            [what, ms, ..] if *what == "start" || *what == "end" => (*what, ms.parse().unwrap()),
            [ms, what, ..] => (what.trim_start_matches("install-"), ms.parse().unwrap_or(0)),
            _ => continue,
        };
        match what {
            "start" => out.push((ms, None)),
            "end" => out.last_mut().expect("an end before a start").1 = Some(ms),
            _ => {}
        }
    }
    out
}

/// Where a run is killed: what the moment is, and how it is seen.
type KillPoint<'a> = (&'static str, Box<dyn FnMut() -> bool + 'a>);

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

/// Start `args` on the lab's Cloud Connect node, wait for `point` (failing the test if it
/// never comes), send `signal`; what the command said on stderr.
pub fn interrupt_at(
    lab: &Lab,
    args: &[&str],
    signal: i32,
    what: &str,
    point: &mut dyn FnMut() -> bool,
) -> String {
    let mut child = std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &lab.cc)
        .env("HOME", lab.cc.parent().unwrap())
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(120);
    let mut reached = false;
    while Instant::now() < deadline {
        if point() {
            reached = true;
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, signal) };
    let status = child.wait().unwrap();
    let mut err = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        reached,
        "kill point '{what}' never came ({status:?}): {err}"
    );
    err
}

#[test]
fn kill_9_at_every_step_never_installs_twice_nor_two_members_at_once() {
    let lab = lab();
    let wlog = lab.cc.parent().unwrap().join("win-installs.log");
    for h in &lab.win {
        h.seed("12.6.1");
    }
    // A Windows installer that takes about 2 s: its pid for the `running` command, a start and
    // an end line in the hosts' log, `es9.done` for the check.
    let script = format!(
        "echo $$ > es9.pid\necho \"start $(date +%s%3N) $(pwd)\" >> {log}\ni=0\nwhile [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done\ntouch es9.done\necho \"end $(date +%s%3N) $(pwd)\" >> {log}\n",
        log = wlog.display()
    );
    // A large file, so that a kill can land mid-transfer.
    let mut data = script.clone().into_bytes();
    data.extend(std::iter::repeat_n(b'#', 24 << 20));
    data.push(b'\n');
    lab.artifact(
        "es9.sh",
        &data,
        serde_json::json!({
            "install": "sh es9.sh",
            "check": "test -f es9.done",
            "running": "kill -0 \"$(cat es9.pid 2>/dev/null)\" 2>/dev/null",
        }),
    );
    let win = [
        "--yes",
        "utils",
        "patch-manager",
        "install",
        "es9.sh",
        "--group",
        "PG1",
    ];
    let (a, b) = (lab.win[0].home.path(), lab.win[1].home.path());
    let count = |what: &str, home: &Path| {
        read(&wlog)
            .lines()
            .filter(|l| l.starts_with(what) && l.ends_with(&home.display().to_string()))
            .count()
    };
    let tmp_in = |home: &Path| {
        std::fs::read_dir(home).unwrap().flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".es9.sh.ccadmin-")
        })
    };
    let mut points: Vec<KillPoint> = vec![
        (
            "A: the run is recorded, before its host is touched",
            Box::new(|| {
                let out = crate::util::run(
                    &lab.cc,
                    &[
                        "--output",
                        "json",
                        "utils",
                        "deployment",
                        "show",
                        "in-progress",
                    ],
                    "",
                )
                .stdout;
                serde_json::from_str::<serde_json::Value>(&out)
                    .is_ok_and(|v| v["state"] == "running")
            }),
        ),
        (
            "A: the lease is taken",
            Box::new(|| a.join(".ccadmin-lease.json").exists()),
        ),
        ("A: mid-transfer", Box::new(|| tmp_in(a))),
        (
            "A: the installer started",
            Box::new(|| count("start", a) >= 1),
        ),
        (
            "A: the installer running (1 s in)",
            Box::new({
                let mut since: Option<Instant> = None;
                move || {
                    if count("start", a) == 0 {
                        return false;
                    }
                    since.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(1)
                }
            }),
        ),
        (
            "A: after the install, before the re-read",
            Box::new(|| count("end", a) >= 1),
        ),
        (
            "B: the lease is taken",
            Box::new(|| b.join(".ccadmin-lease.json").exists()),
        ),
        ("B: mid-transfer", Box::new(|| tmp_in(b))),
        (
            "B: the installer started",
            Box::new(|| count("start", b) >= 1),
        ),
        ("B: after the install", Box::new(|| count("end", b) >= 1)),
    ];
    let mut kills = 0;
    for (what, point) in points.iter_mut() {
        interrupt_at(&lab, &win, libc::SIGKILL, what, point.as_mut());
        kills += 1;
    }
    // The last resume finishes it.
    let r = lab.run(&win, "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("Resuming interrupted run"),
        "{}",
        r.stderr
    );

    // VOS: the node's own install takes 2 s; killed at its boundaries too.
    for h in &lab.vos {
        std::fs::write(h.home.path().join(".install-seconds"), "2").unwrap();
    }
    lab.artifact(
        "ucos.es9.cop",
        b"a VOS patch",
        serde_json::json!({"product": "Finesse", "platform": "VOS", "version": "12.6.1-ES9"}),
    );
    let vlog = |i: usize| lab.vos[i].state.as_ref().unwrap().join("logs/install.log");
    let vos = [
        "--yes",
        "utils",
        "patch-manager",
        "install",
        "ucos.es9.cop",
        "--group",
        "Finesse",
    ];
    let vcount = |i: usize, what: &str| read(&vlog(i)).matches(what).count();
    let mut vpoints: Vec<KillPoint> = vec![
        (
            "VOS publisher: the lease is taken",
            Box::new(|| lab.vos[0].home.path().join(".ccadmin-lease.json").exists()),
        ),
        (
            "VOS publisher: its install started",
            Box::new(|| vcount(0, "install-start") >= 1),
        ),
        (
            "VOS publisher: its install ended",
            Box::new(|| vcount(0, "install-end") >= 1),
        ),
        (
            "VOS subscriber: its install started",
            Box::new(|| vcount(1, "install-start") >= 1),
        ),
    ];
    for (what, point) in vpoints.iter_mut() {
        interrupt_at(&lab, &vos, libc::SIGKILL, what, point.as_mut());
        kills += 1;
    }
    let r = lab.run(&vos, "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(kills >= 14, "{kills}");

    // Each host's installer ran exactly once, to its end.
    let wins = read(&wlog);
    for home in [a, b] {
        let mine: String = wins
            .lines()
            .filter(|l| l.ends_with(&home.display().to_string()))
            .map(|l| format!("{l}\n"))
            .collect();
        let iv = intervals(&mine);
        assert_eq!(iv.len(), 1, "{wins}");
        assert!(iv[0].1.is_some(), "{wins}");
    }
    let vos_iv: Vec<_> = (0..2).map(|i| intervals(&read(&vlog(i)))).collect();
    for iv in &vos_iv {
        assert_eq!(iv.len(), 1, "{vos_iv:?}");
    }
    // Never two members of one group at once.
    let disjoint =
        |x: (u64, Option<u64>), y: (u64, Option<u64>)| x.1.unwrap() <= y.0 || y.1.unwrap() <= x.0;
    let wa = intervals(
        &wins
            .lines()
            .filter(|l| l.ends_with(&a.display().to_string()))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );
    let wb = intervals(
        &wins
            .lines()
            .filter(|l| l.ends_with(&b.display().to_string()))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );
    assert!(disjoint(wa[0], wb[0]), "{wins}");
    assert!(disjoint(vos_iv[0][0], vos_iv[1][0]), "{vos_iv:?}");
    // The final state and the record.
    for h in &lab.win {
        let rec: serde_json::Value = serde_json::from_slice(
            &std::fs::read(h.home.path().join(".ccadmin-installed.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(rec["patches"][0]["name"], "es9.sh", "{rec}");
        assert!(rec.get("pending").is_none(), "{rec}");
        assert!(!h.home.path().join(".ccadmin-lease.json").exists());
    }
    for h in &lab.vos {
        assert!(!h.home.path().join(".ccadmin-lease.json").exists());
    }
    let (_, hist) = lab.json(&["utils", "deployment", "show", "history"]);
    let runs = hist["runs"].as_array().unwrap();
    assert_eq!(
        runs.len(),
        2,
        "one run per command, resumed at each kill: {hist}"
    );
    for r in runs {
        assert_eq!(r["result"], "Success", "{hist}");
        for st in r["steps"].as_array().unwrap() {
            assert!(
                st["result"] == "Done" || st["result"] == "Already done",
                "{hist}"
            );
        }
    }
    eprintln!("fault test: {kills} kill points; installs per host: Windows A {}, B {}, VOS publisher {}, subscriber {}; overlaps: 0",
        wa.len(), wb.len(), vos_iv[0].len(), vos_iv[1].len());
}
