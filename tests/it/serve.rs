//! `ccadmin serve`, the node service, over real HTTPS on loopback.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{bin, run, state, wait_for_showing};

const USER: &str = "ccadmin";
const PASSWORD: &str = "Ccadmin-Serve-2026";

pub struct Served {
    child: Child,
    pub port: u16,
    pub state: PathBuf,
}

impl Served {
    /// On a port the kernel picks and the tests hold for good (see [`held_port`]): the
    /// service, and any restart of it on the same port, binds a port no other test can get.
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
        let port = if port == 0 { held_port() } else { port };
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
        wait_for_showing(
            &format!("the log to say '{needle}'"),
            Duration::from_secs(30),
            || log().contains(needle),
            log,
        );
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

/// A loopback port the kernel chose, held (bound, not listening) until the tests end: the
/// service binds it itself (SO_REUSEADDR lets it share the port with the held socket), and
/// while the service is stopped the port refuses connections and stays this test's, so a
/// restart on it (a node that comes back, `start_on`) cannot find it taken by another test.
/// The kernel never gives a held port to a bind to port 0.
fn held_port() -> u16 {
    static HELD: std::sync::Mutex<Vec<crate::util::HeldPort>> = std::sync::Mutex::new(Vec::new());
    let held = crate::util::HeldPort::new();
    let port = held.port;
    HELD.lock().unwrap_or_else(|p| p.into_inner()).push(held);
    port
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

/// A TLS connection to the service (trusting its certificate), with a 30-second read timeout.
fn tls_to(
    srv: &Served,
) -> tokio_rustls::rustls::StreamOwned<tokio_rustls::rustls::ClientConnection, TcpStream> {
    use rustls_pki_types::pem::PemObject;
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(srv.state.join("tls/cert.pem")).unwrap();
    for c in rustls_pki_types::CertificateDer::pem_slice_iter(&pem) {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let conn =
        rustls::ClientConnection::new(std::sync::Arc::new(config), "localhost".try_into().unwrap())
            .unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

/// What `r` sends until `end` has come (or the stream ends, fails or times out).
fn read_until(r: &mut impl Read, end: &str) -> String {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(end.as_bytes()) {
        match r.read(&mut byte) {
            Ok(1) => got.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// What `r` sends until the stream ends (or fails or times out).
fn read_all(r: &mut impl Read) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    use base64::Engine;
    let (_d, s) = state();
    with_user(&s);
    let srv = Served::start(&s);
    // Three requests really in flight, each ended only when the test says: each sends its
    // headers with `Expect: 100-continue` and holds its body back. The service's
    // `100 Continue` is its own word that it is reading that request's body.
    const BODY: &str = "{\"in\": \"flight\"}";
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let mut flights: Vec<_> = (0..3)
        .map(|i| {
            let mut tls = tls_to(&srv);
            write!(
                tls,
                "GET /inventory/cluster HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic {auth}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
                BODY.len()
            )
            .unwrap();
            tls.flush().unwrap();
            let said = read_until(&mut tls, "\r\n\r\n");
            assert!(
                said.starts_with("HTTP/1.1 100 Continue"),
                "request {i} was not taken in: {said:?}"
            );
            tls
        })
        .collect();
    let log_path = s.join("logs/serve.log");
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let (code, answers) = std::thread::scope(|sc| {
        let stopped = sc.spawn(move || srv.terminate());
        // SIGTERM is sent; the service says it is stopping (or has ended), the requests
        // still in flight.
        wait_for_showing(
            "the service to begin stopping after SIGTERM",
            Duration::from_secs(30),
            || {
                stopped.is_finished()
                    || log().contains("stopping; letting in-flight requests finish")
            },
            log,
        );
        // Now each request's body arrives, and its answer is read to the end.
        let answers: Vec<String> = flights
            .iter_mut()
            .map(|tls| {
                let _ = tls.write_all(BODY.as_bytes());
                let _ = tls.flush();
                read_all(tls)
            })
            .collect();
        (stopped.join().unwrap(), answers)
    });
    for (i, a) in answers.iter().enumerate() {
        assert!(
            a.starts_with("HTTP/1.1 200 OK") && a.contains("\"publisher\""),
            "request {i}, in flight when SIGTERM came, got no full answer: {a:?}\n{}",
            log()
        );
    }
    assert_eq!(code, Some(0), "serve exits 0 on SIGTERM");
    let log = log();
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
