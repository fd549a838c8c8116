//! A hub and a two-node Cloud Connect pair on loopback (issue 14): the pair registers (the
//! publisher's consent page, the token replicated to the subscriber), both nodes poll the hub
//! through a CONNECT proxy, a release is offered only inside the cluster's window, the pair
//! upgrades one node at a time (each node stops, switches, starts the new release on its
//! listening socket, checks its health and reports), a release whose health check fails is
//! switched back and stops the rollout, and a tampered release is refused and reported.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cluster::{pair_started, PASSWORD};
use crate::patches::{keypair, minisign};
use crate::proxy::ConnectProxy;
use crate::serve::Served;
use crate::util::{bin, run, wait_for};

pub const HUB_ACCOUNT: &str = "admin";
pub const HUB_PASSWORD: &str = "Hub-Admin-Pass-2026";

/// `ccadmin hub` on `dir`.
pub fn hub(dir: &Path, args: &[&str], input: &str) -> crate::util::Run {
    let mut a = vec!["hub", "--hub-dir", dir.to_str().unwrap()];
    a.extend_from_slice(args);
    let (_d, s) = crate::util::state();
    run(&s, &a, input)
}

/// A hub on a port the kernel picks, its clock read from `clock` at every use, with the
/// account `admin`.
pub struct Hub {
    pub dir: PathBuf,
    pub clock: PathBuf,
    pub port: u16,
    child: std::process::Child,
}

impl Hub {
    pub fn start(dir: &Path, now: &str) -> Hub {
        let clock = dir.with_extension("clock");
        std::fs::write(&clock, now).unwrap();
        let r = hub(
            dir,
            &["account", "add", HUB_ACCOUNT],
            &format!("{HUB_PASSWORD}\n"),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let child = std::process::Command::new(bin())
            .args(["hub", "--hub-dir", dir.to_str().unwrap(), "--now"])
            .arg(format!("@{}", clock.display()))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let log = dir.join("logs/hub.log");
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(rest) = text.split("listening on https://127.0.0.1:").nth(1) {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
            assert!(Instant::now() < deadline, "the hub did not start: {text}");
            std::thread::sleep(Duration::from_millis(20));
        };
        Hub {
            dir: dir.to_path_buf(),
            clock,
            port,
            child,
        }
    }

    pub fn set_time(&self, now: &str) {
        let tmp = self.clock.with_extension("new");
        std::fs::write(&tmp, now).unwrap();
        std::fs::rename(&tmp, &self.clock).unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }

    /// A client that trusts only the hub's certificate.
    pub fn client(&self) -> reqwest::blocking::Client {
        let pem = std::fs::read(self.dir.join("tls/cert.pem")).unwrap();
        reqwest::blocking::Client::builder()
            .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("logs/hub.log")).unwrap_or_default()
    }

    /// `cluster show NAME --output json` at the hub's current time.
    pub fn show(&self, name: &str) -> serde_json::Value {
        let now = std::fs::read_to_string(&self.clock).unwrap();
        let r = hub(
            &self.dir,
            &[
                "--output",
                "json",
                "--now",
                now.trim(),
                "cluster",
                "show",
                name,
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    }
}

impl Hub {
    /// The hub process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM; the hub must stop cleanly.
    pub fn stop(mut self) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A release directory's content: `release.json` and `bin/ccadmin` (a script).
pub fn write_release(dir: &Path, version: &str, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    std::fs::write(
        dir.join("release.json"),
        format!("{{\"version\": \"{version}\"}}"),
    )
    .unwrap();
    let bin = dir.join("bin/ccadmin");
    std::fs::write(&bin, script).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// What a working release's `bin/ccadmin` is here: the ccadmin under test.
pub fn working() -> String {
    format!("#!/bin/sh\nexec '{}' \"$@\"\n", bin().display())
}

/// The release directory beside a node's state: `releases/0.1.0`, `current` pointing at it.
pub fn install_root(state: &Path) -> PathBuf {
    let root = state.parent().unwrap().join("release");
    write_release(&root.join("releases/0.1.0"), "0.1.0", &working());
    std::os::unix::fs::symlink("releases/0.1.0", root.join("current")).unwrap();
    root
}

/// A signed release archive of `version` whose `bin/ccadmin` is `script`, published on the hub.
pub fn publish(hub_dir: &Path, keys: &Path, secret: &Path, version: &str, script: &str) -> PathBuf {
    let pkg = keys.join(format!("pkg-{version}"));
    write_release(&pkg, version, script);
    let archive = keys.join(format!("ccadmin-{version}.tar.gz"));
    let st = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&pkg)
        .arg(".")
        .status()
        .unwrap();
    assert!(st.success());
    sign_and_publish(hub_dir, secret, &archive, version);
    archive
}

/// Sign `archive` with minisign and publish it on the hub as `version`.
pub fn sign_and_publish(hub_dir: &Path, secret: &Path, archive: &Path, version: &str) {
    minisign(&[
        "-S",
        "-s",
        secret.to_str().unwrap(),
        "-m",
        archive.to_str().unwrap(),
    ]);
    let r = hub(
        hub_dir,
        &[
            "release",
            "add",
            archive.to_str().unwrap(),
            "--version",
            version,
            "--notes",
            "test release",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Wait (bounded) for the hub's log line holding `needle`; the line.
fn reported(hub: &Hub, needle: &str) -> String {
    wait_for(needle, Duration::from_secs(60), || {
        hub.log().contains(needle)
    });
    hub.log()
        .lines()
        .find(|l| l.contains(needle))
        .unwrap()
        .to_owned()
}

/// The version a node's service answers with.
pub fn version_of(s: &Served) -> String {
    s.client()
        .get(s.url("/health"))
        .send()
        .ok()
        .and_then(|r| r.json::<serde_json::Value>().ok())
        .map(|v| v["version"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// `utils cloudconnect show registration --output json` on a node: its registration.
pub fn registration(state: &Path) -> serde_json::Value {
    let r = run(
        state,
        &[
            "--output",
            "json",
            "utils",
            "cloudconnect",
            "show",
            "registration",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["registration"].clone()
}

/// Register the publisher (`localhost:PP`) as `name`: the hub's API issues the link, the
/// consent page is shown and its form posted with an application user. The page's text.
pub fn register(hub: &Hub, publisher: &Served, name: &str) -> String {
    let r = hub
        .client()
        .post(hub.url("/api/v1/clusters"))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .json(&serde_json::json!({"display_name": name, "fqdn": format!("localhost:{}", publisher.port)}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let link = r.json::<serde_json::Value>().unwrap()["register_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = publisher.client().get(&link).send().unwrap();
    let status = page.status();
    let page = page.text().unwrap();
    assert_eq!(status, 200, "{page}");
    let cert = page
        .split("id=\"hub-cert\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let mut fields: Vec<(String, String)> = reqwest::Url::parse(&link)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    fields.push(("cert_sha256".into(), cert));
    fields.push(("user".into(), "ccadmin".into()));
    fields.push(("password".into(), PASSWORD.into()));
    let done = publisher
        .client()
        .post(publisher.url("/cloudconnect/register"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&fields).unwrap())
        .send()
        .unwrap();
    let status = done.status();
    let text = done.text().unwrap();
    assert_eq!(status, 200, "{text}");
    text
}

#[test]
fn the_pair_upgrades_one_node_at_a_time_in_its_window_and_a_failing_release_is_switched_back() {
    let d = tempfile::tempdir().unwrap();
    // 02:00 UTC: before the default window (every day 03:00-04:00 UTC).
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let proxy = ConnectProxy::start();
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
    let publisher = &pair.publisher;
    let subscriber = pair.subscriber.as_ref().unwrap();
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

    let page = register(&hub, publisher, "Lab");
    assert!(
        page.contains("Access allowed") && page.contains("registered with"),
        "{page}"
    );
    let reg = registration(&p);
    assert_eq!(reg["display_name"], "Lab");
    assert_eq!(reg["hub"], hub.url(""));
    // The registration and its token reach the subscriber; both nodes poll through the proxy.
    wait_for(
        "the subscriber's registration",
        Duration::from_secs(30),
        || registration(&s)["hub"] == hub.url(""),
    );
    // The token is in each node's secret store and nowhere else: no other state file, no log,
    // not the hub's files, not what the commands print.
    let token_of = |st: &Path| -> String {
        crate::util::slot_secret(st, "hub-token").expect("the token is in the secret store")
    };
    let token = token_of(&p);
    assert_eq!(token_of(&s), token);
    for dir in [p.as_path(), s.as_path(), hub.dir.as_path()] {
        for (file, data) in crate::util::all_files(dir) {
            if file.file_name().is_some_and(|n| n == "secrets") {
                continue;
            }
            assert!(
                !crate::util::contains(&data, &token),
                "the token is in {}",
                file.display()
            );
        }
    }
    for args in [
        &["utils", "cloudconnect", "show", "registration"][..],
        &[
            "--output",
            "json",
            "utils",
            "cloudconnect",
            "show",
            "registration",
        ],
    ] {
        let r = run(&p, args, "");
        assert!(!r.stdout.contains(&token) && !r.stderr.contains(&token));
    }
    let hub_target = format!("localhost:{}", hub.port);
    wait_for("both nodes polling", Duration::from_secs(30), || {
        hub.show("Lab")["nodes"]
            .as_array()
            .is_some_and(|n| n.len() == 2)
    });
    assert!(
        proxy.tunnels_to(&hub_target) >= 2,
        "the polls went around the proxy"
    );
    for st in [&p, &s] {
        let text = run(st, &["utils", "cloudconnect", "show", "registration"], "").stdout;
        assert!(
            text.contains("Lab") && text.contains("up to date (0.1.0)")
                || text.contains("registered"),
            "{text}"
        );
    }

    // Published before the window: offered to no node.
    publish(&hub.dir, keys.path(), &secret, "0.2.0", &working());
    wait_for("the nodes told to wait", Duration::from_secs(30), || {
        registration(&p)["state"]
            .as_str()
            .unwrap_or_default()
            .contains("0.2.0 waits")
            && registration(&s)["state"]
                .as_str()
                .unwrap_or_default()
                .contains("0.2.0 waits")
    });
    assert!(registration(&p)["state"]
        .as_str()
        .unwrap()
        .contains("window opens at 2026-12-03T03:00:00Z"));
    assert!(!hub.log().contains("offered"), "{}", hub.log());
    assert_eq!(
        (version_of(publisher), version_of(subscriber)),
        ("0.1.0".into(), "0.1.0".into())
    );

    // In the window: one node, then the other.
    hub.set_time("2026-12-03T03:05:00Z");
    // Switched: `current` moved (only once the release proved itself) and the service
    // answers as it.
    let current_is = |st: &Path, v: &str| {
        std::fs::read_link(st.parent().unwrap().join("release/current"))
            .is_ok_and(|c| c == Path::new("releases").join(v))
    };
    wait_for("both nodes on 0.2.0", Duration::from_secs(120), || {
        current_is(&p, "0.2.0")
            && current_is(&s, "0.2.0")
            && version_of(publisher) == "0.2.0"
            && version_of(subscriber) == "0.2.0"
    });
    wait_for("both reports", Duration::from_secs(30), || {
        hub.log().matches("reports 0.2.0 healthy").count() == 2
    });
    let log = hub.log();
    let events: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("offered 0.2.0") || l.contains("reports 0.2.0"))
        .collect();
    assert_eq!(events.len(), 4, "{log}");
    let node_of = |l: &str| {
        l.split_whitespace()
            .find(|w| w.starts_with("localhost:"))
            .unwrap()
            .to_owned()
    };
    assert!(
        events[0].contains("offered")
            && events[1].contains("healthy")
            && events[2].contains("offered")
            && events[3].contains("healthy"),
        "{log}"
    );
    assert_eq!(node_of(events[0]), node_of(events[1]));
    assert_eq!(node_of(events[2]), node_of(events[3]));
    assert_ne!(
        node_of(events[0]),
        node_of(events[2]),
        "both nodes upgraded"
    );
    let current =
        |st: &Path| std::fs::read_link(st.parent().unwrap().join("release/current")).unwrap();
    for st in [&p, &s] {
        let root = st.parent().unwrap().join("release");
        assert_eq!(current(st), Path::new("releases/0.2.0"));
        assert!(
            root.join("releases/0.1.0/bin/ccadmin").exists(),
            "the previous release stays"
        );
    }
    // The same ports answer throughout: the socket was handed over.
    let shown = hub.show("Lab");
    let states: Vec<(&str, &str)> = shown["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["version"].as_str().unwrap(), n["state"].as_str().unwrap()))
        .collect();
    assert!(states.iter().all(|(_, st)| *st == "upgraded"), "{shown}");

    // A release that does not start: the first node switches back, reports, the rollout stops.
    publish(
        &hub.dir,
        keys.path(),
        &secret,
        "0.3.0",
        "#!/bin/sh\necho '0.3.0: cannot load its libraries' >&2\nexit 1\n",
    );
    wait_for("the failure reported", Duration::from_secs(60), || {
        hub.log().contains("reports 0.3.0 failed")
    });
    let log = hub.log();
    let failed_line = log
        .lines()
        .find(|l| l.contains("reports 0.3.0 failed"))
        .unwrap()
        .to_owned();
    assert!(
        failed_line.contains("health check failed, kept 0.2.0") && failed_line.contains("exited"),
        "{failed_line}"
    );
    let failed = node_of(&failed_line);
    let (bad, other, other_state) = if failed == format!("localhost:{}", publisher.port) {
        (publisher, subscriber, &s)
    } else {
        (subscriber, publisher, &p)
    };
    wait_for(
        "the other node told the rollout stopped",
        Duration::from_secs(30),
        || {
            registration(other_state)["state"]
                .as_str()
                .unwrap_or_default()
                .contains("the rollout of 0.3.0 stopped: it failed on")
        },
    );
    assert_eq!(
        log.matches("offered 0.3.0").count(),
        1,
        "only one node was offered 0.3.0: {log}"
    );
    assert_eq!(
        (version_of(bad), version_of(other)),
        ("0.2.0".into(), "0.2.0".into())
    );
    let shown = hub.show("Lab");
    let failed_node = shown["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["node"] == failed.as_str())
        .unwrap()
        .clone();
    assert_eq!(failed_node["state"], "failed", "{shown}");
    assert!(
        failed_node["detail"]
            .as_str()
            .unwrap()
            .contains("health check failed, kept 0.2.0"),
        "{shown}"
    );
    for st in [&p, &s] {
        assert_eq!(current(st), Path::new("releases/0.2.0"));
    }

    // The cluster's card says where the rollout stopped and why.
    let (cookie, _) = crate::hub_hostile::sign_in(&hub, "/cloudconnect");
    let card = hub
        .client()
        .get(hub.url("/cloudconnect"))
        .header("cookie", cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let card = crate::hub_hostile::unescape(&card);
    assert!(
        card.contains(&format!("<td>{failed}</td><td>0.2.0</td><td>failed</td>"))
            && card.contains("health check failed, kept 0.2.0"),
        "{card}"
    );

    // A tampered archive (one byte changed on the hub after it was signed) is refused.
    publish(&hub.dir, keys.path(), &secret, "0.4.0", &working());
    let stored = hub.dir.join("releases/ccadmin-0.4.0.tar.gz");
    let mut data = std::fs::read(&stored).unwrap();
    let last = data.len() - 1;
    data[last] ^= 0xff;
    std::fs::write(&stored, data).unwrap();
    let line = reported(&hub, "reports 0.4.0 failed");
    assert!(line.contains("tampered"), "{line}");
    assert_eq!(
        (version_of(publisher), version_of(subscriber)),
        ("0.2.0".into(), "0.2.0".into())
    );
    // Signed by a key the cluster does not trust: refused and reported with the key's id.
    let other = tempfile::tempdir().unwrap();
    let (_, stranger) = keypair(other.path(), "stranger");
    publish(&hub.dir, other.path(), &stranger, "0.5.0", &working());
    let line = reported(&hub, "reports 0.5.0 failed");
    assert!(line.contains("which this cluster does not trust"), "{line}");
    for st in [&p, &s] {
        let incoming = st.parent().unwrap().join("release/releases/.incoming");
        let left: Vec<_> = std::fs::read_dir(&incoming)
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "a refused archive was kept: {left:?}");
        assert!(!st.parent().unwrap().join("release/releases/0.5.0").exists());
    }
    assert_eq!(
        (version_of(publisher), version_of(subscriber)),
        ("0.2.0".into(), "0.2.0".into())
    );
    assert!(
        proxy.tunnels_to(&hub_target) > 10,
        "every poll goes through the proxy"
    );

    // A next good release is installed by the release that an upgrade started (the socket
    // handed over again, one node at a time again).
    publish(&hub.dir, keys.path(), &secret, "0.6.0", &working());
    wait_for("both nodes on 0.6.0", Duration::from_secs(120), || {
        current_is(&p, "0.6.0")
            && current_is(&s, "0.6.0")
            && version_of(publisher) == "0.6.0"
            && version_of(subscriber) == "0.6.0"
    });
    for st in [&p, &s] {
        assert_eq!(current(st), Path::new("releases/0.6.0"));
    }
    wait_for("both 0.6.0 reports", Duration::from_secs(30), || {
        hub.log().matches("reports 0.6.0 healthy").count() == 2
    });
    // After two upgrades each node is still one process, the one its service manager started
    // (each release exec'd in place), with no process of an older release beside it; only the
    // current and the previous release are kept (0.1.0, 0.3.0 and the refused ones are gone).
    for node in [publisher, subscriber] {
        let pid = node.pid();
        wait_for("the trial process retired", Duration::from_secs(30), || {
            std::fs::read_dir("/proc").unwrap().flatten().all(|e| {
                std::fs::read_to_string(e.path().join("stat"))
                    .ok()
                    .and_then(|stat| {
                        let rest = stat[stat.rfind(')')? + 2..].to_owned();
                        rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                    })
                    != Some(pid)
            })
        });
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        assert!(!status.contains("State:\tZ"), "{status}");
    }
    for st in [&p, &s] {
        let mut kept: Vec<String> =
            std::fs::read_dir(st.parent().unwrap().join("release/releases"))
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect();
        kept.sort();
        assert_eq!(kept, ["0.2.0", "0.6.0"], "current and previous only");
    }
    assert_eq!(
        (version_of(publisher), version_of(subscriber)),
        ("0.6.0".into(), "0.6.0".into())
    );

    // The hub goes away: each failed poll doubles the wait (1 s → 2 s → 4 s), and says so.
    hub.stop();
    publisher.wait_for_log("hub poll failed (1 in a row), next in 2s");
    publisher.wait_for_log("hub poll failed (2 in a row), next in 4s");
    let state = registration(&p)["state"].as_str().unwrap().to_owned();
    assert!(state.contains("the last poll failed"), "{state}");
}
