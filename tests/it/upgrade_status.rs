//! `utils system upgrade status` on a Cloud Connect node: its own upgrade from the hub, as the
//! service records it, in text and JSON — nothing offered yet, a download held in flight (a
//! proxy between the nodes and the hub holds every download after its first MiB until the test
//! lets it go), healthy after the switch, switched back after a failed health check. And the
//! menu's roles: `status` runs on both roles (on VOS it is what Cloud Connect asks before it
//! resumes a run there), `initiate` and `rollback-patch` on VOS only. The gate proxy and the
//! large release are shared with `upgrade_cancel.rs`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::cluster::pair_started;
use crate::hub_rollout::{
    install_root, publish, register, sign_and_publish, version_of, working, write_release, Hub,
};
use crate::patches::keypair;
use crate::serve::Served;
use crate::util::{make_vos, run, state, wait_for_showing};

/// What a tunnel to the hub carries to the node before the gate holds it.
pub(crate) const LIMIT: usize = 1 << 20;

/// A CONNECT proxy on loopback whose tunnels to one target stop carrying bytes to the node
/// after [`LIMIT`] while the gate is closed (the hub's side is then not read: the download
/// is held in flight, the hub's stream waiting), and go on once it is opened.
pub(crate) struct GateProxy {
    port: u16,
    open: Arc<(Mutex<bool>, Condvar)>,
}

impl GateProxy {
    pub(crate) fn start(gated: String) -> GateProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new((Mutex::new(false), Condvar::new()));
        let gate = Arc::clone(&open);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (gate, gated) = (Arc::clone(&gate), gated.clone());
                std::thread::spawn(move || tunnel(conn, &gated, &gate));
            }
        });
        GateProxy { port, open }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn open(&self) {
        *self.open.0.lock().unwrap() = true;
        self.open.1.notify_all();
    }
}

fn tunnel(mut client: TcpStream, gated: &str, gate: &(Mutex<bool>, Condvar)) {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        match client.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut words = head.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        return;
    };
    let host = target.rsplit_once(':').map(|(h, _)| h).unwrap_or(target);
    if !matches!(host, "localhost" | "127.0.0.1") {
        return;
    }
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(std::net::Shutdown::Write);
    });
    let held = target == gated;
    let (mut u, mut c) = (upstream, client);
    let mut carried = 0usize;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match u.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        if held && carried + chunk.len() > LIMIT {
            let first = LIMIT.saturating_sub(carried).min(chunk.len());
            if c.write_all(&chunk[..first]).is_err() {
                break;
            }
            carried += first;
            chunk = &chunk[first..];
            let mut open = gate.0.lock().unwrap();
            while !*open {
                open = gate.1.wait(open).unwrap();
            }
        }
        if c.write_all(chunk).is_err() {
            break;
        }
        carried += chunk.len();
    }
    let _ = c.shutdown(std::net::Shutdown::Write);
}

/// `utils system upgrade status --output json` on a node.
pub(crate) fn status(st: &Path) -> serde_json::Value {
    let r = run(
        st,
        &["--output", "json", "utils", "system", "upgrade", "status"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// The text of `utils system upgrade status` on a node.
fn status_text(st: &Path) -> String {
    let r = run(st, &["utils", "system", "upgrade", "status"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// Wait (bounded) until one of the nodes' status is `pred`; that node's state directory.
pub(crate) fn wait_for_node<'a>(
    what: &str,
    nodes: [&'a Path; 2],
    pred: impl Fn(&serde_json::Value) -> bool,
) -> &'a Path {
    let mut found = None;
    wait_for_showing(
        what,
        Duration::from_secs(120),
        || {
            found = nodes.into_iter().find(|st| pred(&status(st)));
            found.is_some()
        },
        || format!("{} / {}", status(nodes[0]), status(nodes[1])),
    );
    found.unwrap()
}

/// A signed 0.2.0 whose archive is 4 MiB of bytes that do not compress (so a download is
/// held after its first MiB), published on the hub; its size.
pub(crate) fn publish_large(hub: &Hub, keys: &Path, secret: &Path) -> u64 {
    let pkg = keys.join("pkg-0.2.0");
    write_release(&pkg, "0.2.0", &working());
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..4 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(pkg.join("padding.bin"), noise).unwrap();
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
    sign_and_publish(&hub.dir, secret, &archive, "0.2.0");
    std::fs::metadata(&archive).unwrap().len()
}

#[test]
fn upgrade_status_shows_each_step_of_the_self_upgrade_in_text_and_json() {
    let d = tempfile::tempdir().unwrap();
    // 02:00 UTC: before the default window (every day 03:00-04:00 UTC).
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let proxy = GateProxy::start(format!("localhost:{}", hub.port));
    let proxy_url = proxy.url();
    let pair = pair_started(|st| {
        let root = install_root(st);
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
            &[
                ("HTTPS_PROXY", proxy_url.as_str()),
                ("NO_PROXY", ""),
                ("no_proxy", ""),
            ],
        )
    });
    let (p, s) = (pair.p.clone(), pair.s.clone());
    let keys = tempfile::tempdir().unwrap();
    let (public, secret) = keypair(keys.path(), "release");
    let r = run(
        &p,
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
    let page = register(&hub, &pair.publisher, "Lab");
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

    // Before any offer.
    for st in [&p, &s] {
        let j = status(st);
        assert_eq!(j["state"], "none", "{j}");
        assert!(j["version"].is_null() && j["changed_at"].is_null(), "{j}");
        let text = status_text(st);
        assert!(text.contains("State  : none"), "{text}");
        assert!(
            text.contains("no release from the hub has been offered to this node"),
            "{text}"
        );
    }

    // In the window: one node is offered 0.2.0 and its download is held after a MiB.
    let size = publish_large(&hub, keys.path(), &secret);
    hub.set_time("2026-12-03T03:05:00Z");
    let first = wait_for_node("a download held in flight", [&p, &s], |j| {
        j["state"] == "downloading" && j["bytes"].as_u64().is_some_and(|b| b > 0)
    });
    let j = status(first);
    assert_eq!(j["version"], "0.2.0", "{j}");
    assert_eq!(j["from"], "0.1.0", "{j}");
    assert_eq!(j["total"], size, "{j}");
    let bytes = j["bytes"].as_u64().unwrap();
    assert!(bytes <= LIMIT as u64 && bytes < size, "{j}");
    assert!(j["bytes_per_second"].is_u64(), "{j}");
    assert_eq!(j["service_running"], true, "{j}");
    assert!(j["changed_at"].is_string(), "{j}");
    let text = status_text(first);
    for want in [
        "State       : downloading",
        "Release     : 0.2.0 (this node ran 0.1.0)",
        &format!(" of {size} bytes ("),
        " KB/s",
        "Last change : ",
    ] {
        assert!(text.contains(want), "{want:?} in:\n{text}");
    }
    // Held: it is still downloading, and no node switched.
    assert_eq!(status(first)["state"], "downloading");
    assert_eq!(version_of(&pair.publisher), "0.1.0");

    // Let it go: verified, tried beside, switched to, healthy.
    proxy.open();
    let served = |st: &Path| {
        if st == p {
            &pair.publisher
        } else {
            pair.subscriber.as_ref().unwrap()
        }
    };
    wait_for_showing(
        "the first node healthy on 0.2.0",
        Duration::from_secs(120),
        || status(first)["state"] == "healthy" && version_of(served(first)) == "0.2.0",
        || status(first).to_string(),
    );
    let j = status(first);
    assert_eq!(
        (&j["version"], &j["from"], &j["bytes"], &j["detail"]),
        (
            &"0.2.0".into(),
            &"0.1.0".into(),
            &serde_json::Value::Null,
            &serde_json::Value::Null
        ),
        "{j}"
    );
    assert!(j["service_running"].is_null(), "{j}");
    let text = status_text(first);
    assert!(
        text.contains("State       : healthy")
            && text.contains("Release     : 0.2.0 (this node ran 0.1.0)")
            && !text.contains("Downloaded"),
        "{text}"
    );
    // The other node follows.
    let other = if first == p.as_path() { &s } else { &p };
    wait_for_showing(
        "the other node healthy on 0.2.0",
        Duration::from_secs(120),
        || status(other)["state"] == "healthy" && version_of(served(other)) == "0.2.0",
        || status(other).to_string(),
    );

    // A release that does not start: switched back (kept 0.2.0), and why.
    publish(
        &hub.dir,
        keys.path(),
        &secret,
        "0.3.0",
        "#!/bin/sh\necho '0.3.0: cannot load its libraries' >&2\nexit 1\n",
    );
    let back = wait_for_node("a node switched back from 0.3.0", [&p, &s], |j| {
        j["state"] == "switched-back"
    });
    let j = status(back);
    assert_eq!(
        (&j["version"], &j["from"]),
        (&"0.3.0".into(), &"0.2.0".into())
    );
    let detail = j["detail"].as_str().unwrap();
    assert!(
        detail.contains("health check failed, kept 0.2.0") && detail.contains("exited"),
        "{j}"
    );
    let text = status_text(back);
    assert!(
        text.contains("State       : switched-back")
            && text.contains("Release     : 0.3.0 (this node ran 0.2.0)")
            && text.contains("Detail      : health check failed, kept 0.2.0"),
        "{text}"
    );
    assert_eq!(version_of(served(back)), "0.2.0");
}

/// `status` runs on both roles; the menu's other commands only on VOS. The listing (Tab,
/// `help`) shows each node its own commands.
#[test]
fn upgrade_status_runs_on_both_roles_and_the_vos_commands_only_on_vos() {
    const WRONG_ROLE: &str = "This command runs on a VOS node.";
    let install = [
        "utils",
        "system",
        "upgrade",
        "initiate",
        "--file",
        "/nonexistent.cop",
        "--yes",
    ];
    let remove = ["utils", "system", "upgrade", "rollback-patch", "--yes"];

    // Cloud Connect (a fresh node is a stand-alone publisher).
    let (_d, cc) = state();
    assert_eq!(status(&cc)["state"], "none");
    assert!(status_text(&cc).contains("State  : none"));
    for args in [&install[..], &remove[..]] {
        let r = run(&cc, args, "");
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains(WRONG_ROLE), "{args:?}: {}", r.stderr);
    }
    let menu = run(&cc, &["help", "utils", "system", "upgrade"], "").stdout;
    assert!(
        menu.contains("status") && !menu.contains("initiate") && !menu.contains("rollback-patch"),
        "{menu}"
    );

    // VOS: the installer's state (what Cloud Connect asks), and the VOS commands run.
    let (_d2, vos) = state();
    make_vos(&vos);
    let j = status(&vos);
    assert_eq!(j["state"], "idle", "{j}");
    assert!(j.get("bytes").is_none(), "the VOS shape: {j}");
    assert!(status_text(&vos).contains("State : idle"));
    for args in [&install[..], &remove[..]] {
        let r = run(&vos, args, "");
        assert!(!r.stderr.contains("This command"), "{args:?}: {}", r.stderr);
    }
    let r = run(&vos, &install, "");
    assert!(r.stderr.contains("/nonexistent.cop"), "{}", r.stderr);
    let menu = run(&vos, &["help", "utils", "system", "upgrade"], "").stdout;
    assert!(
        menu.contains("status") && menu.contains("initiate") && menu.contains("rollback-patch"),
        "{menu}"
    );
}
