//! `utils system upgrade cancel` on a Cloud Connect node: a cancel either wins — the release is
//! never switched to (`current` unchanged, nothing exec'd), its trial stopped, its files removed,
//! the hub told so that the cluster's rollout stops — or is refused as too late, never both.
//! A download held in flight behind a gate proxy is cancelled; the upgrader is held (through
//! `CCADMIN_UPGRADE_HOLD`) at the instant before its commit and cancelled there, then held at
//! the instant after it and refused; with nothing in progress, after the switch and on VOS the
//! command is refused in its words. Every wait is on an observable event (a file, a status,
//! a log line).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cluster::{pair_started, Pair};
use crate::hub_rollout::{install_root, publish, register, registration, version_of, working, Hub};
use crate::patches::keypair;
use crate::serve::Served;
use crate::upgrade_status::{publish_large, status, wait_for_node, GateProxy};
use crate::util::{bin, make_vos, run, state, wait_for, wait_for_showing};

const CANCEL: [&str; 5] = ["utils", "system", "upgrade", "cancel", "--yes"];

/// The hold directory of a node's service (`CCADMIN_UPGRADE_HOLD`).
fn hold_dir(st: &Path) -> PathBuf {
    st.parent().unwrap().join("hold")
}

/// A pair running from release directories (0.1.0), polling every second (through `proxy`
/// when given), each service held at the upgrade's hold points, trusting a release signer,
/// registered as `Lab` and both polling; the signer's directory and secret key.
fn lab(hub: &Hub, proxy: Option<&str>) -> (Pair, tempfile::TempDir, PathBuf) {
    let pair = pair_started(|st| {
        let root = install_root(st);
        let hold = hold_dir(st);
        std::fs::create_dir_all(&hold).unwrap();
        let mut env = vec![("CCADMIN_UPGRADE_HOLD", hold.to_str().unwrap().to_owned())];
        if let Some(url) = proxy {
            env.push(("HTTPS_PROXY", url.to_owned()));
            env.push(("NO_PROXY", String::new()));
            env.push(("no_proxy", String::new()));
        }
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Served::start_program(
            &root.join("current/bin/ccadmin"),
            st,
            0,
            &[
                "--release-root",
                root.to_str().unwrap(),
                "--hub-poll-interval",
                "1",
            ],
            &env,
        )
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
    wait_for_showing(
        "both nodes polling",
        Duration::from_secs(60),
        || {
            hub.show("Lab")["nodes"]
                .as_array()
                .is_some_and(|n| n.len() == 2)
        },
        || hub.log(),
    );
    (pair, keys, secret)
}

/// The served node of state directory `st`.
fn served<'a>(pair: &'a Pair, st: &Path) -> &'a Served {
    if st == pair.p {
        &pair.publisher
    } else {
        pair.subscriber.as_ref().unwrap()
    }
}

/// Where a node's `current` points.
fn current(st: &Path) -> PathBuf {
    std::fs::read_link(st.parent().unwrap().join("release/current")).unwrap()
}

/// The hub's view of the node of state directory `st` (its name is `localhost:PORT`).
fn hub_node(hub: &Hub, s: &Served) -> serde_json::Value {
    let name = format!("localhost:{}", s.port);
    hub.show("Lab")["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["node"] == name.as_str())
        .cloned()
        .unwrap_or_default()
}

/// The processes whose environment names state directory `st` (its service, a trial).
fn processes_of(st: &Path) -> usize {
    let needle = format!("CCADMIN_STATE_DIR={}", st.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .filter(|e| {
            std::fs::read(e.path().join("environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == needle.as_bytes()))
        })
        .count()
}

/// A node's service log.
fn log_of(st: &Path) -> String {
    std::fs::read_to_string(st.join("logs/serve.log")).unwrap_or_default()
}

#[test]
fn a_cancel_during_a_held_download_wins_nothing_switches_and_the_rollout_stops() {
    let d = tempfile::tempdir().unwrap();
    // 02:00 UTC: before the default window (every day 03:00-04:00 UTC).
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let proxy = GateProxy::start(format!("localhost:{}", hub.port));
    let (pair, keys, secret) = lab(&hub, Some(&proxy.url()));
    let (p, s) = (pair.p.clone(), pair.s.clone());
    publish_large(&hub, keys.path(), &secret);
    hub.set_time("2026-12-03T03:05:00Z");
    let first = wait_for_node("a download held in flight", [&p, &s], |j| {
        j["state"] == "downloading" && j["bytes"].as_u64().is_some_and(|b| b > 0)
    });
    let other = if first == p.as_path() { &s } else { &p };
    // Cancelled while the download is held: the command waits for the service's answer.
    let r = run(first, &CANCEL, "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("The upgrade to 0.2.0 was cancelled; this node keeps 0.1.0.")
            && r.stdout.contains("the hub was told")
            && r.stdout.contains("next upgrade window"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("Cancellation requested"), "{}", r.stderr);
    let j = status(first);
    assert_eq!(
        (&j["state"], &j["version"]),
        (&"cancelled".into(), &"0.2.0".into()),
        "{j}"
    );
    assert!(
        j["detail"].as_str().unwrap().contains(
            "cancelled by the administrator (utils system upgrade cancel) while downloading"
        ),
        "{j}"
    );
    assert!(j["service_running"].is_null(), "finished: {j}");
    // Nothing switched; the hub was told, as of a failed upgrade.
    assert_eq!(current(first), Path::new("releases/0.1.0"));
    assert_eq!(version_of(served(&pair, first)), "0.1.0");
    let n = hub_node(&hub, served(&pair, first));
    assert_eq!(n["state"], "failed", "{n}");
    assert!(
        n["detail"]
            .as_str()
            .unwrap()
            .contains("cancelled by the administrator"),
        "{n}"
    );
    assert!(
        !first.join("upgrade-cancel.json").exists(),
        "answered and removed"
    );
    // The rollout stopped for the cluster: neither node is offered 0.2.0 again in this window.
    for st in [first, other] {
        wait_for("told the rollout stopped", Duration::from_secs(60), || {
            registration(st)["state"]
                .as_str()
                .unwrap_or_default()
                .contains("the rollout of 0.2.0 stopped")
        });
    }
    assert_eq!(status(other)["state"], "none");
    // A second cancel finds nothing in progress.
    let r = run(first, &CANCEL, "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("No upgrade of this node is in progress to cancel")
            && r.stderr.contains("0.2.0 (cancelled"),
        "{}",
        r.stderr
    );
    // The given-up download ends once the hub's bytes flow again; what it left is removed.
    proxy.open();
    wait_for_showing(
        "the given-up download's files removed",
        Duration::from_secs(90),
        || {
            log_of(first)
                .contains("the cancelled download of 0.2.0 ended; what it left was removed")
        },
        || log_of(first),
    );
    let root = first.parent().unwrap().join("release/releases");
    for left in [".incoming/ccadmin-0.2.0.tar.gz", ".staging-0.2.0", "0.2.0"] {
        assert!(!root.join(left).exists(), "{left} is left");
    }
    assert_eq!(status(first)["state"], "cancelled", "not downloaded again");
    assert_eq!(current(first), Path::new("releases/0.1.0"));
}

/// The race, driven to its two instants: held just before its commit the upgrader finds the
/// request and does not switch; held just after it, the cancel is too late and the switch
/// happens. `current` agrees with the winner each time.
#[test]
fn a_cancel_before_the_commit_wins_and_after_it_is_too_late() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let (pair, keys, secret) = lab(&hub, None);
    let (p, s) = (pair.p.clone(), pair.s.clone());
    publish(&hub.dir, keys.path(), &secret, "0.2.0", &working());
    hub.set_time("2026-12-03T03:05:00Z");
    let reached = |point: &str| -> PathBuf {
        let mut found = None;
        wait_for(
            &format!("a node held at {point}"),
            Duration::from_secs(120),
            || {
                found = [&p, &s]
                    .into_iter()
                    .find(|st| hold_dir(st).join(format!("{point}.reached")).exists())
                    .cloned();
                found.is_some()
            },
        );
        found.unwrap()
    };

    // 1. Healthy beside 0.1.0, held before the commit: still `trying`, so it may be cancelled.
    let n = reached("before-switch");
    assert_eq!(status(&n)["state"], "trying");
    assert_eq!(processes_of(&n), 2, "the service and its trial");
    let cancel = std::process::Command::new(bin())
        .env("CCADMIN_STATE_DIR", &n)
        .env("HOME", n.parent().unwrap())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("CCADMIN_UPGRADE_HOLD")
        .args(CANCEL)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the cancel's request", Duration::from_secs(60), || {
        n.join("upgrade-cancel.json").exists()
    });
    std::fs::write(hold_dir(&n).join("before-switch.go"), "").unwrap();
    let out = cancel.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("was cancelled; this node keeps 0.1.0"),
        "{stdout}"
    );
    // Won: never switched to, its trial stopped, its directory removed, the hub told.
    let j = status(&n);
    assert_eq!(j["state"], "cancelled", "{j}");
    assert!(
        j["detail"]
            .as_str()
            .unwrap()
            .contains("healthy, before the switch"),
        "{j}"
    );
    assert_eq!(current(&n), Path::new("releases/0.1.0"));
    assert_eq!(version_of(served(&pair, &n)), "0.1.0");
    assert_eq!(processes_of(&n), 1, "the trial was stopped");
    assert!(!n.parent().unwrap().join("release/releases/0.2.0").exists());
    assert!(
        !hold_dir(&n).join("switching.reached").exists(),
        "never committed"
    );
    assert_eq!(hub_node(&hub, served(&pair, &n))["state"], "failed");

    // 2. The next window: held just after the commit, a cancel is too late.
    for st in [&p, &s] {
        std::fs::write(hold_dir(st).join("before-switch.go"), "").unwrap();
    }
    hub.set_time("2026-12-04T03:05:00Z");
    let m = reached("switching");
    assert_eq!(status(&m)["state"], "switching");
    let r = run(&m, &CANCEL, "");
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("Too late to cancel: this node is switching to 0.2.0")
            && r.stderr.contains("utils cloudconnect switch-back"),
        "{}",
        r.stderr
    );
    assert!(
        !m.join("upgrade-cancel.json").exists(),
        "no request written"
    );
    std::fs::write(hold_dir(&m).join("switching.go"), "").unwrap();
    // Lost: the switch goes on.
    wait_for_showing(
        "the node switched to 0.2.0",
        Duration::from_secs(120),
        || {
            current(&m) == Path::new("releases/0.2.0")
                && version_of(served(&pair, &m)) == "0.2.0"
                && status(&m)["state"] == "healthy"
        },
        || status(&m).to_string(),
    );

    // 3. After the switch: too late, and the remedy named.
    let r = run(
        &m,
        &[
            "--output", "json", "utils", "system", "upgrade", "cancel", "--yes",
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("Too late to cancel: this node already switched to 0.2.0 (from 0.1.0)")
            && r.stderr.contains("ccadmin hub release withdraw 0.2.0"),
        "{}",
        r.stderr
    );
    assert_eq!(current(&m), Path::new("releases/0.2.0"));
}

/// Nothing offered, an answer of no, a finished upgrade: refused or left alone in plain words;
/// on a VOS node the command is not offered.
#[test]
fn a_cancel_with_nothing_in_progress_is_refused_and_vos_has_no_cancel() {
    let (_d, cc) = state();
    assert_eq!(status(&cc)["state"], "none");
    let r = run(&cc, &CANCEL, "");
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "No upgrade of this node is in progress to cancel: no release from the hub has been offered to it"
        ),
        "{}",
        r.stderr
    );
    // An upgrade in flight (a record as the service writes it, by a live process): the
    // question names it, and `no` changes nothing.
    let record = |step: &str| {
        serde_json::json!({
            "step": step, "version": "0.2.0", "from": "0.1.0",
            "changed_at": "2026-12-03 03:05:00", "progress": null, "detail": null,
            "pid": std::process::id(), "attempt": "00112233aabbccdd"
        })
        .to_string()
    };
    std::fs::write(cc.join("upgrade-status.json"), record("downloading")).unwrap();
    let r = run(&cc, &["utils", "system", "upgrade", "cancel"], "maybe\n");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "expected yes or no to 'Cancel this node's upgrade to 0.2.0 (now downloading; the node keeps 0.1.0)'"
        ),
        "{}",
        r.stderr
    );
    let r = run(&cc, &["utils", "system", "upgrade", "cancel"], "no\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Nothing was changed."), "{}", r.stderr);
    assert!(!cc.join("upgrade-cancel.json").exists());
    std::fs::write(cc.join("upgrade-status.json"), record("healthy")).unwrap();
    let r = run(&cc, &CANCEL, "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("Too late to cancel: this node already switched to 0.2.0"),
        "{}",
        r.stderr
    );
    let menu = run(&cc, &["help", "utils", "system", "upgrade"], "").stdout;
    assert!(menu.contains("cancel"), "{menu}");

    let (_d2, vos) = state();
    make_vos(&vos);
    let r = run(&vos, &CANCEL, "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command can only be run on a Cloud Connect node."),
        "{}",
        r.stderr
    );
    let menu = run(&vos, &["help", "utils", "system", "upgrade"], "").stdout;
    assert!(!menu.contains("cancel"), "{menu}");
}
