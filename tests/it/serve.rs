//! `ccadmin serve`, the node service, over real HTTPS on loopback.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{bin, run, state};

const USER: &str = "ccadmin";
const PASSWORD: &str = "Ccadmin-Serve-2026";

pub struct Served {
    child: Child,
    pub port: u16,
    pub state: PathBuf,
}

impl Served {
    /// On a port the kernel picks (the service logs which): no port is chosen ahead and
    /// released, so parallel tests cannot race for one.
    pub fn start(state: &Path) -> Served {
        Served::start_on(state, 0)
    }

    /// On `port` (0: one the kernel picks), e.g. the port a node's host name already names.
    pub fn start_on(state: &Path, port: u16) -> Served {
        Served::start_with(state, port, &[])
    }

    pub fn start_with(state: &Path, port: u16, extra: &[&str]) -> Served {
        Served::start_in(state, port, extra, &[])
    }

    /// With `env` set for the service (e.g. a D-Bus session with a keyring).
    pub fn start_in(state: &Path, port: u16, extra: &[&str], env: &[(&str, &str)]) -> Served {
        Served::start_program(&bin(), state, port, extra, env)
    }

    /// Started as `program` (e.g. a release directory's `current/bin/ccadmin`).
    pub fn start_program(
        program: &Path,
        state: &Path,
        port: u16,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Served {
        let log_path = state.join("logs/serve.log");
        let log_before = std::fs::metadata(&log_path).map_or(0, |m| m.len() as usize);
        let child = Command::new(program)
            .env("CCADMIN_STATE_DIR", state)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .envs(env.iter().copied())
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--sync-interval",
                "1",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ccadmin serve");
        let mut s = Served {
            child,
            port,
            state: state.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // This run's "listening on https://127.0.0.1:PORT" line names the port.
            let log = std::fs::read(&log_path).unwrap_or_default();
            let ours = String::from_utf8_lossy(log.get(log_before..).unwrap_or_default());
            if let Some(port) = ours
                .split("listening on https://127.0.0.1:")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|p| p.parse().ok())
            {
                s.port = port;
                if s.state.join("tls/cert.pem").exists() {
                    if let Ok(r) = s.client().get(s.url("/health")).send() {
                        if r.status() == 200 {
                            break;
                        }
                    }
                }
            }
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("ccadmin serve exited at start ({status}): {ours}");
            }
            assert!(
                Instant::now() < deadline,
                "ccadmin serve did not answer /health: {ours}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    pub fn client(&self) -> reqwest::blocking::Client {
        let pem = std::fs::read(self.state.join("tls/cert.pem")).unwrap();
        reqwest::blocking::Client::builder()
            .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    /// Wait (bounded) until the service's log holds `needle`.
    pub fn wait_for_log(&self, needle: &str) {
        let log = || std::fs::read_to_string(self.state.join("logs/serve.log")).unwrap_or_default();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !log().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "the log never said '{needle}': {}",
                log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(mut self) -> Option<i32> {
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let status = self.child.wait().unwrap();
        status.code()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn with_user(s: &Path) {
    let r = crate::util::ccadmin(s)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", PASSWORD)
        .args(["utils", "applicationuser", "add", USER])
        .output()
        .unwrap();
    assert!(r.status.success());
}

#[test]
fn endpoints_answer_with_the_node_key_and_cluster() {
    let (_d, s) = state();
    with_user(&s);
    let srv = Served::start(&s);
    let c = srv.client();
    let key: serde_json::Value = c
        .get(srv.url("/inventory/controlnode/key"))
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let console: serde_json::Value = serde_json::from_str(
        &run(&s, &["--output", "json", "utils", "controlnode", "key"], "").stdout,
    )
    .unwrap();
    assert_eq!(key, console);
    assert_eq!(key["category"], "PUBLISHER");
    assert!(key["publicKey"]
        .as_str()
        .unwrap()
        .starts_with("ssh-ed25519 AAAA"));
    let cluster: serde_json::Value = c
        .get(srv.url("/inventory/cluster"))
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(cluster["publisher"], key["hostName"]);
    assert!(cluster["subscriber"].is_null());
    let r = c
        .get(srv.url("/nope"))
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    // `show cert own` prints the certificate the service presents.
    let own = run(&s, &["show", "cert", "own"], "").stdout;
    assert_eq!(
        own,
        std::fs::read_to_string(s.join("tls/cert.pem")).unwrap()
    );
    assert!(own.starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn bad_passwords_are_refused_then_rate_limited() {
    let (_d, s) = state();
    with_user(&s);
    let srv = Served::start(&s);
    let c = srv.client();
    let r = c.get(srv.url("/inventory/cluster")).send().unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("www-authenticate").is_some());
    // A request without credentials is not a failed login; five wrong passwords are.
    for _ in 0..5 {
        assert_eq!(
            c.get(srv.url("/inventory/cluster"))
                .basic_auth(USER, Some("wrong-password"))
                .send()
                .unwrap()
                .status(),
            401
        );
    }
    let r = c
        .get(srv.url("/inventory/cluster"))
        .basic_auth(USER, Some("wrong-password"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 60, "{wait}");
    // From this address, even the right password waits out the window.
    assert_eq!(
        c.get(srv.url("/inventory/cluster"))
            .basic_auth(USER, Some(PASSWORD))
            .send()
            .unwrap()
            .status(),
        429
    );
    let log = std::fs::read_to_string(s.join("logs/serve.log")).unwrap();
    assert!(log.contains("GET /inventory/cluster 429"), "{log}");
    assert!(
        !log.contains(PASSWORD) && !log.contains("wrong-password"),
        "{log}"
    );
}

#[test]
fn two_hundred_concurrent_authenticated_requests() {
    let (_d, s) = state();
    with_user(&s);
    let srv = Served::start(&s);
    let c = srv.client();
    let url = srv.url("/inventory/controlnode/key");
    let statuses: Vec<u16> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..200)
            .map(|_| {
                sc.spawn(|| {
                    c.get(&url)
                        .basic_auth(USER, Some(PASSWORD))
                        .send()
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        200,
        "{statuses:?}"
    );
}

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    let (_d, s) = state();
    with_user(&s);
    let srv = Served::start(&s);
    // Ten clients with a connection each, then ten requests whose argon2 checks keep the
    // service busy when SIGTERM arrives.
    let clients: Vec<_> = (0..10).map(|_| srv.client()).collect();
    for c in &clients {
        assert_eq!(c.get(srv.url("/health")).send().unwrap().status(), 200);
    }
    let url = srv.url("/inventory/cluster");
    let statuses = std::thread::scope(|sc| {
        let hs: Vec<_> = clients
            .iter()
            .map(|c| {
                sc.spawn(|| {
                    c.get(&url)
                        .basic_auth(USER, Some(PASSWORD))
                        .send()
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        let code = srv.terminate();
        let statuses: Vec<u16> = hs.into_iter().map(|h| h.join().unwrap()).collect();
        (code, statuses)
    });
    assert_eq!(statuses.0, Some(0), "serve exits 0 on SIGTERM");
    assert!(statuses.1.iter().all(|s| *s == 200), "{:?}", statuses.1);
    let log = std::fs::read_to_string(s.join("logs/serve.log")).unwrap();
    assert!(
        log.contains("stopping; letting in-flight requests finish")
            && log.ends_with("ccadmin serve: stopped\n"),
        "{log}"
    );
}

#[test]
fn cert_import_and_list() {
    let (d, s) = state();
    let other = d.path().join("other");
    with_user(&other);
    let pem = run(&other, &["show", "cert", "own"], "").stdout;
    let f = d.path().join("cc-pub.pem");
    std::fs::write(&f, &pem).unwrap();
    let r = run(&s, &["utils", "cert", "import", f.to_str().unwrap()], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Trusted cc-pub: SHA256:"), "{}", r.stderr);
    let list = run(&s, &["utils", "cert", "list"], "").stdout;
    assert!(
        list.contains("cc-pub") && list.contains("SHA256:"),
        "{list}"
    );
    // Subject, issuer and expiry, as the certificate says them (issue 11 D14).
    let v: serde_json::Value =
        serde_json::from_str(&run(&s, &["--output", "json", "utils", "cert", "list"], "").stdout)
            .unwrap();
    let c = &v[0];
    assert!(c["subject"].as_str().unwrap().contains("CN="), "{v}");
    assert_eq!(c["subject"], c["issuer"], "self-signed: {v}");
    assert!(c["expires"].as_str().unwrap().ends_with(" UTC"), "{v}");
    assert_eq!(c["expired"], false, "{v}");
    let bad = d.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    let r = run(&s, &["utils", "cert", "import", bad.to_str().unwrap()], "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("holds no certificate"), "{}", r.stderr);
}

#[test]
fn scheduled_download_runs_after_the_start_delay() {
    let j = crate::jfrog::JFrog::start();
    j.put(
        "/12.6/common/tool.zip",
        (0..50_000u32).map(|i| i as u8).collect(),
    );
    let (d, s) = state();
    let key = d.path().join("key");
    std::fs::write(&key, crate::jfrog::GOOD_KEY).unwrap();
    let args = j.set_args(&key);
    let r = run(&s, &args.iter().map(String::as_str).collect::<Vec<_>>(), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let srv = Served::start_with(&s, 0, &["--download-delay", "1"]);
    // The log line comes after the file takes its name: wait for the line.
    srv.wait_for_log("scheduled download: 1 artifact(s) downloaded");
    assert!(s.join("artifacts/12.6/common/tool.zip").exists());
}

/// SIGTERM stops a scheduled download that is waiting on the network: the service ends without
/// waiting for the server, says so in its log, and keeps what arrived for the next run.
#[test]
fn sigterm_stops_a_scheduled_download_in_progress() {
    let j = crate::jfrog::JFrog::start();
    let path = "/12.6/common/big.iso";
    j.put(path, (0..4_000_000u32).map(|i| (i % 251) as u8).collect());
    let (release, release_rx) = std::sync::mpsc::channel();
    let (reached_tx, reached) = std::sync::mpsc::channel();
    j.faults.lock().unwrap().stall.insert(
        path.to_owned(),
        crate::jfrog::Stall {
            reached: reached_tx,
            release: release_rx,
        },
    );
    let (d, s) = state();
    let key = d.path().join("key");
    std::fs::write(&key, crate::jfrog::GOOD_KEY).unwrap();
    let args = j.set_args(&key);
    let r = run(&s, &args.iter().map(String::as_str).collect::<Vec<_>>(), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let srv = Served::start_with(&s, 0, &["--download-delay", "0"]);
    // The observable event: the server has sent the first half and holds the rest back.
    reached
        .recv_timeout(Duration::from_secs(30))
        .expect("the download never got half way");
    let part = s.join("artifacts/12.6/common/big.iso.part");
    let state_dir = srv.state.clone();
    // A watchdog, so a service that ignores SIGTERM fails the test instead of hanging it: after
    // a minute the server lets the connection go (and the log then says something else).
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        drop(release);
    });
    // The server still holds the connection open: only SIGTERM can end the download now.
    assert_eq!(srv.terminate(), Some(0));
    let log = std::fs::read_to_string(state_dir.join("logs/serve.log")).unwrap();
    assert!(
        log.contains("scheduled download stopped: the service is stopping"),
        "{log}"
    );
    // What arrived is kept (up to the half the server sent; how much of it had reached the
    // client when SIGTERM came is the network's timing), byte for byte, for the next run.
    let kept = std::fs::read(&part).expect("the part file is kept");
    assert!(kept.len() <= 2_000_000, "{}", kept.len());
    assert!(kept
        .iter()
        .enumerate()
        .all(|(i, b)| *b == (i as u32 % 251) as u8));
    assert!(!s.join("artifacts/12.6/common/big.iso").exists());
}
