//! Issue 24's fault test of the self-upgrade: the node upgrading is killed (SIGKILL) at each
//! step in turn — downloading, unpacking, staged, its new release on trial, reported healthy,
//! `current` switched — and started again as its service manager would (from `current`, on the
//! same port). Every time `current` points at a complete release that starts and serves; the
//! next poll in the window finishes the upgrade. A power loss in the middle of the switch (the
//! new link made, not yet renamed over `current`) is survived the same way.

use std::path::Path;
use std::time::Duration;

use crate::cluster::{pair_started, Pair};
use crate::hub_rollout::{install_root, register, version_of, working, write_release, Hub};
use crate::patches::keypair;
use crate::serve::Served;
use crate::util::{run, wait_for};

/// A signed 0.2.0 whose archive is large enough (random bytes in 3,000 files) for a kill to
/// land while it is downloaded, verified and unpacked.
fn publish_large(hub: &Hub, keys: &Path, secret: &Path) {
    let pkg = keys.join("pkg-0.2.0");
    write_release(&pkg, "0.2.0", &working());
    // Random bytes (they do not compress) in many files, so that downloading, verifying and
    // unpacking each take a while.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let pad = pkg.join("padding");
    std::fs::create_dir_all(&pad).unwrap();
    for i in 0..3000 {
        let mut noise = vec![0u8; 8 << 10];
        for b in noise.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        std::fs::write(pad.join(format!("{i}.bin")), noise).unwrap();
    }
    let archive = keys.join("ccadmin-0.2.0.tar.gz");
    let st = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&pkg)
        .arg(".")
        .status()
        .unwrap();
    assert!(st.success());
    crate::hub_rollout::sign_and_publish(&hub.dir, secret, &archive, "0.2.0");
}

/// Where the node is killed: the moment, and how it is seen.
type KillPoint<'a> = (&'static str, Box<dyn Fn() -> bool + 'a>);

/// A node's service as its service manager starts it: from its release directory's
/// `current`, polling the hub every second (`port` 0: one the kernel picks).
fn start_node(st: &Path, port: u16) -> Served {
    let root = st.parent().unwrap().join("release");
    Served::start_program(
        &root.join("current/bin/ccadmin"),
        st,
        port,
        &[
            "--release-root",
            root.to_str().unwrap(),
            "--hub-poll-interval",
            "1",
        ],
        &[],
    )
}

/// A pair running from release directories (0.1.0), trusting a release signer, registered
/// with `hub` as `Lab`; the signer's directory and secret key.
fn registered_pair(hub: &Hub) -> (Pair, tempfile::TempDir, std::path::PathBuf) {
    let pair = pair_started(|st| {
        install_root(st);
        start_node(st, 0)
    });
    let keys = tempfile::tempdir().unwrap();
    let (public, secret) = keypair(keys.path(), "release");
    let r = run(
        &pair.p,
        &[
            "utils",
            "patch-manager",
            "signer",
            "add",
            "release",
            public.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = register(hub, &pair.publisher, "Lab");
    assert!(page.contains("Access allowed"), "{page}");
    (pair, keys, secret)
}

fn port_free(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
}

#[test]
fn kill_9_at_every_step_of_a_self_upgrade_leaves_a_node_that_starts_and_finishes_it() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let (pair, keys, secret) = registered_pair(&hub);
    let (p, s) = (pair.p.clone(), pair.s.clone());
    wait_for("both nodes polling", Duration::from_secs(60), || {
        hub.show("Lab")["nodes"]
            .as_array()
            .is_some_and(|n| n.len() == 2)
    });
    publish_large(&hub, keys.path(), &secret);
    // The publisher is the one killed: the subscriber is stopped, so the hub offers the
    // publisher first and only.
    let sub_pid = pair.subscriber.as_ref().unwrap().pid();
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(sub_pid as i32, libc::SIGSTOP) };
    let root = p.parent().unwrap().join("release");
    let log = || std::fs::read_to_string(p.join("logs/serve.log")).unwrap_or_default();
    let port = pair.publisher.port;
    let current_ok = || {
        let cur = root.join("current");
        cur.join("release.json").is_file() && cur.join("bin/ccadmin").is_file()
    };
    let mut node_pid = pair.publisher.pid();
    let mut restarted: Vec<Served> = Vec::new();
    hub.set_time("2026-12-03T03:05:00Z");
    let started_lines = || log().matches("0.2.0 started (upgraded from 0.1.0)").count();
    let points: Vec<KillPoint> = vec![
        (
            "downloading",
            Box::new(|| {
                root.join("releases/.incoming/ccadmin-0.2.0.tar.gz")
                    .exists()
            }),
        ),
        (
            "unpacking",
            Box::new(|| root.join("releases/.staging-0.2.0").exists()),
        ),
        (
            "staged",
            Box::new(|| root.join("releases/0.2.0/bin/ccadmin").exists()),
        ),
        ("on trial", {
            let before = started_lines();
            Box::new(move || started_lines() > before)
        }),
        (
            "reported healthy",
            Box::new(|| {
                hub.log()
                    .contains(&format!("localhost:{port} of Lab reports 0.2.0 healthy"))
            }),
        ),
    ];
    let mut kills = 0;
    for (what, point) in &points {
        // Watched closely: some steps last a fraction of a second.
        let deadline = std::time::Instant::now() + Duration::from_secs(90);
        while !point() {
            assert!(
                std::time::Instant::now() < deadline,
                "the kill point '{what}' never came"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        // SAFETY: kill(2) on the node's process.
        unsafe { libc::kill(node_pid as i32, libc::SIGKILL) };
        kills += 1;
        // Its trial process (if any) dies with it; the port frees.
        wait_for("the port free", Duration::from_secs(30), || port_free(port));
        assert!(
            current_ok(),
            "after a kill while {what}: current is not a complete release"
        );
        let again = start_node(&p, port);
        let v = version_of(&again);
        assert!(
            v == "0.1.0" || v == "0.2.0",
            "after a kill while {what}: answers {v:?}"
        );
        node_pid = again.pid();
        restarted.push(again);
    }
    // A power loss in the middle of a switch: the new link made, not renamed over `current`.
    std::os::unix::fs::symlink("releases/does-not-exist", root.join(".current.new")).unwrap();
    // The next attempt in the window finishes the upgrade.
    wait_for("the publisher on 0.2.0", Duration::from_secs(120), || {
        std::fs::read_link(root.join("current")).is_ok_and(|c| c == Path::new("releases/0.2.0"))
            && restarted.last().is_some_and(|r| version_of(r) == "0.2.0")
    });
    assert!(current_ok());
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(sub_pid as i32, libc::SIGCONT) };
    let _ = s;
    eprintln!("self-upgrade fault test: {kills} kills, the node started again each time, upgrade finished");
}

/// The processes whose environment names state directory `st` (the node's service and any
/// release of it on trial).
fn processes_of(st: &Path) -> Vec<u32> {
    let needle = format!("CCADMIN_STATE_DIR={}", st.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let env = std::fs::read(e.path().join("environ")).ok()?;
            env.split(|b| *b == 0)
                .any(|v| v == needle.as_bytes())
                .then_some(pid)
        })
        .collect()
}

/// Issue 24, finding 4: after five upgrades each node is still the one process its service
/// manager started (each release exec'd in place), not a chain of parents.
#[test]
fn five_upgrades_leave_each_node_one_process() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T03:05:00Z");
    let (pair, keys, secret) = registered_pair(&hub);
    let (p, s) = (pair.p.clone(), pair.s.clone());
    let nodes = [&pair.publisher, pair.subscriber.as_ref().unwrap()];
    let pids: Vec<u32> = nodes.iter().map(|n| n.pid()).collect();
    for st in [&p, &s] {
        assert_eq!(processes_of(st).len(), 1, "one process to begin with");
    }
    for v in ["0.2.0", "0.3.0", "0.4.0", "0.5.0", "0.6.0"] {
        crate::hub_rollout::publish(&hub.dir, keys.path(), &secret, v, &working());
        wait_for(
            &format!("both nodes on {v}"),
            Duration::from_secs(120),
            || {
                [&p, &s].iter().all(|st| {
                    std::fs::read_link(st.parent().unwrap().join("release/current"))
                        .is_ok_and(|c| c == Path::new("releases").join(v))
                }) && nodes.iter().all(|n| version_of(n) == v)
            },
        );
    }
    for (st, pid) in [&p, &s].into_iter().zip(&pids) {
        wait_for(
            "the last trial process retired",
            Duration::from_secs(30),
            || processes_of(st) == [*pid],
        );
    }
    eprintln!(
        "five upgrades: {} process(es) per node, the same PIDs as at the start",
        processes_of(&p).len()
    );
}

/// Going back is the administrator's console action: `current` points at the release before.
#[test]
fn switch_back_at_the_console_points_current_at_the_previous_release() {
    let (_d, st) = crate::util::state();
    let root = st.parent().unwrap().join("release");
    for v in ["0.1.0", "0.2.0"] {
        write_release(&root.join("releases").join(v), v, &working());
    }
    std::os::unix::fs::symlink("releases/0.2.0", root.join("current")).unwrap();
    let args = [
        "--yes",
        "utils",
        "cloudconnect",
        "switch-back",
        "--release-root",
        root.to_str().unwrap(),
    ];
    let r = run(&st, &args, "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_link(root.join("current")).unwrap(),
        root.join("releases/0.1.0").strip_prefix(&root).unwrap()
    );
    assert!(
        r.stderr.contains("current now points at 0.1.0")
            && r.stderr.contains("ccadmin hub release withdraw 0.2.0"),
        "{}",
        r.stderr
    );
    // Nothing older is kept now: said, nothing changed.
    let r = run(&st, &args, "");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("no release older than 0.1.0 is kept"),
        "{}",
        r.stderr
    );
}

/// A release that takes connections and never answers them fails after a few tries, not after
/// the health check's minute (every moment it is on trial costs requests), and the node serves
/// throughout on the release it runs.
#[test]
fn a_release_that_takes_connections_and_never_answers_fails_at_once() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T03:05:00Z");
    let (pair, keys, secret) = registered_pair(&hub);
    // It accepts on the socket it is handed (descriptor 3, non-blocking as the serving
    // process shares it) and keeps every connection open, never answering.
    let hang = "#!/bin/sh\nexec /usr/bin/python3 -c 'import select, socket\ns = socket.socket(fileno=3)\nkept = []\nwhile True:\n    select.select([s], [], [])\n    try:\n        kept.append(s.accept())\n    except BlockingIOError:\n        pass\n'\n";
    crate::hub_rollout::publish(&hub.dir, keys.path(), &secret, "0.2.0", hang);
    let line = {
        wait_for("the failure reported", Duration::from_secs(60), || {
            hub.log().contains("reports 0.2.0 failed")
        });
        hub.log()
            .lines()
            .find(|l| l.contains("reports 0.2.0 failed"))
            .unwrap()
            .to_owned()
    };
    assert!(
        line.contains("it took connections and did not answer them (3 tries"),
        "{line}"
    );
    for n in [&pair.publisher, pair.subscriber.as_ref().unwrap()] {
        assert_eq!(version_of(n), "0.1.0");
    }
    for st in [&pair.p, &pair.s] {
        assert!(
            !st.parent().unwrap().join("release/releases/0.2.0").exists(),
            "the failed release is removed"
        );
    }
}
