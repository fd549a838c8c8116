//! The node service under attack (issue 9), each test as an attacker with one valid
//! application user (or only a user name) would try it, against the real `ccadmin serve`,
//! real OpenSSH `sshd`, on loopback.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::serve::Served;
use crate::sshd::Sshd;
use crate::util::{ccadmin, run, state};

const ALICE: &str = "alice";
const MALLORY: &str = "mallory";
const PASSWORD: &str = "Hardening-Pass-2026";

fn add_user(s: &Path, name: &str) {
    let r = ccadmin(s)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", PASSWORD)
        .args(["utils", "applicationuser", "add", name])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

fn post(srv: &Served, user: &str, body: &Value) -> (u16, Value) {
    let r = srv
        .client()
        .post(srv.url("/inventory/onboard"))
        .basic_auth(user, Some(PASSWORD))
        .json(body)
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn delete(srv: &Served, user: &str, segment: &str) -> (u16, Value) {
    let r = srv
        .client()
        .delete(srv.url(&format!("/inventory/onboard/{segment}")))
        .basic_auth(user, Some(PASSWORD))
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn record(host: &str, cluster: &str, key: &str) -> Value {
    json!({ "host": host, "cluster": cluster, "product": "Finesse", "type": "Publisher",
            "host_key": key, "user": "ccadmin-orch", "port": 22 })
}

fn keygen(dir: &Path, name: &str) -> String {
    let p = dir.join(name);
    let out = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "attacker@evil", "-f"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::read_to_string(p.with_extension("pub"))
        .unwrap()
        .trim()
        .to_owned()
}

fn onboarded_keys(s: &Path) -> Vec<(String, String)> {
    let r = run(
        s,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select host, cluster from onboardedhost order by host",
        ],
        "",
    );
    serde_json::from_str::<Value>(&r.stdout).unwrap()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["host"].as_str().unwrap().to_owned(),
                r["cluster"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Regression (issue 9, item 1): a host_key with a newline added `[victim]:port <key>` to the
/// recorded known_hosts, and test-connection then accepted an impostor sshd.
#[test]
fn host_key_injection_is_refused_and_test_connection_still_catches_the_impostor() {
    let (d, s) = state();
    add_user(&s, ALICE);
    add_user(&s, MALLORY);
    let srv = Served::start(&s);
    // The impostor: a real sshd whose key is not the victim's recorded key.
    let impostor = Sshd::start();
    let impostor_key = std::fs::read_to_string(impostor.dir.path().join("host_key.pub"))
        .unwrap()
        .trim()
        .to_owned();
    let victim = format!("127.0.0.1:{}", impostor.port);
    let genuine = keygen(d.path(), "genuine");
    let (code, v) = post(&srv, ALICE, &record(&victim, "Finesse-victim", &genuine));
    assert_eq!(code, 200, "{v}");

    let attacker = keygen(d.path(), "attacker");
    let short: String = impostor_key
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    for (field, value, why) in [
        (
            "host_key",
            format!("{attacker}\n[127.0.0.1]:{} {short}", impostor.port),
            "control character",
        ),
        (
            "host_key",
            format!("{attacker}\n* {short}"),
            "control character",
        ),
        (
            "host_key",
            format!("{attacker}\r@cert-authority * {short}"),
            "control character",
        ),
        ("host_key", format!("@cert-authority * {short}"), "marker"),
        (
            "host_key",
            format!("command=\"sh\" {short}"),
            "not an SSH public key",
        ),
        (
            "host_key",
            "ssh-ed25519 garbage".into(),
            "not an SSH public key",
        ),
        (
            "host",
            format!("evil.lab\n[127.0.0.1]:{}", impostor.port),
            "host",
        ),
        ("user", "orch\nx".into(), "user"),
        ("cluster", "Evil\u{1b}]0;owned\u{7}".into(), "cluster"),
        ("cluster", "a/b".into(), "cluster"),
        ("product", "Finesse\n".into(), "unknown product"),
    ] {
        let mut body = record("evil.lab", "Evil-1", &attacker);
        body[field] = json!(value);
        let (code, v) = post(&srv, MALLORY, &body);
        assert_eq!(code, 400, "{field}={value:?} was accepted: {v}");
        let msg = v["errors"][0]["message"].as_str().unwrap();
        assert!(msg.contains(why), "{field}: {msg}");
        assert!(!msg.contains('\u{1b}') && !msg.contains('\n'), "{msg:?}");
    }
    for port in [json!(0), json!(65536), json!(-1)] {
        let mut body = record("evil.lab", "Evil-1", &attacker);
        body["port"] = port.clone();
        assert_eq!(post(&srv, MALLORY, &body).0, 400, "port {port}");
    }
    // A comment on a key is dropped: the stored key is canonical.
    let (code, _) = post(&srv, MALLORY, &record("ok.lab", "Mallory-1", &attacker));
    assert_eq!(code, 200);
    // test-connection checks the victim against the genuine key: the impostor is caught.
    let r = run(
        &s,
        &[
            "utils",
            "deployment",
            "test-connection",
            "--node",
            "127.0.0.1",
            "--timeout",
            "5",
        ],
        "",
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("host key changed"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let recorded = std::fs::read_to_string(s.join("onboarded_known_hosts")).unwrap();
    assert_eq!(recorded.lines().count(), 2, "{recorded}");
    assert!(!recorded.contains("attacker@evil"), "{recorded}");
    for line in recorded.lines() {
        assert!(!line.starts_with('@') && !line.starts_with('*'), "{line}");
        assert_eq!(line.split(' ').count(), 3, "{line}");
    }
    drop(srv);
}

/// Regression (issue 9, item 7): any application user could replace another cluster's host
/// keys or delete it; `FIN-A.LAB` next to `fin-a.lab` made an export that failed validation.
#[test]
fn only_the_registering_user_changes_or_removes_a_cluster() {
    let (d, s) = state();
    add_user(&s, ALICE);
    add_user(&s, MALLORY);
    let srv = Served::start(&s);
    let k1 = keygen(d.path(), "k1");
    let k2 = keygen(d.path(), "k2");
    assert_eq!(
        post(&srv, ALICE, &record("fin-a.lab", "Finesse-fin-a", &k1)).0,
        200
    );
    // Mallory can neither replace the host's key, nor add to Alice's cluster, nor remove it.
    let (code, v) = post(&srv, MALLORY, &record("fin-a.lab", "Finesse-fin-a", &k2));
    assert_eq!(code, 403, "{v}");
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("another application user"));
    assert_eq!(
        post(&srv, MALLORY, &record("fin-b.lab", "Finesse-fin-a", &k2)).0,
        403
    );
    assert_eq!(
        post(&srv, MALLORY, &record("fin-a.lab", "Other", &k2)).0,
        403
    );
    assert_eq!(delete(&srv, MALLORY, "Finesse-fin-a").0, 403);
    // Host names are unique without case.
    let (code, v) = post(&srv, ALICE, &record("FIN-A.LAB", "Finesse-fin-a", &k1));
    assert_eq!(code, 403, "{v}");
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("unique without regard to case"));
    assert_eq!(
        onboarded_keys(&s),
        vec![("fin-a.lab".to_owned(), "Finesse-fin-a".to_owned())]
    );
    let export = run(&s, &["utils", "system", "inventory", "show"], "");
    assert_eq!(export.code, 0, "{}", export.stderr);
    // The path segment is percent-decoded; a hostile one is refused.
    assert_eq!(delete(&srv, ALICE, "Bad%0AName").0, 400);
    let (code, v) = delete(&srv, ALICE, "Finesse%2Dfin%2Da");
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["removed"], 1);
    assert!(onboarded_keys(&s).is_empty());
    // The administrator on Cloud Connect removes a cluster whoever registered it.
    assert_eq!(
        post(&srv, MALLORY, &record("cuic.lab", "CUIC-1", &k2)).0,
        200
    );
    let r = run(
        &s,
        &[
            "--yes",
            "utils",
            "system",
            "inventory",
            "remove-cluster",
            "CUIC-1",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("1 hosts removed"), "{}", r.stderr);
    assert!(onboarded_keys(&s).is_empty());
}

/// Regression (issue 9, item 3): 200 simultaneous wrong logins for one user from one address
/// got 133 answers 401 (the limit is 5) because the count was not checked with the attempt.
#[test]
fn a_burst_of_wrong_logins_gets_at_most_the_limit_of_refusals() {
    let (_d, s) = state();
    add_user(&s, ALICE);
    let srv = Served::start(&s);
    let c = srv.client();
    let url = srv.url("/inventory/cluster");
    let statuses: Vec<u16> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..200)
            .map(|i| {
                let (c, url) = (&c, &url);
                sc.spawn(move || {
                    // Half the burst repeats one guess, half tries different ones.
                    let guess = if i % 2 == 0 {
                        "wrong-guess".to_owned()
                    } else {
                        format!("wrong-{i}")
                    };
                    c.get(url.as_str())
                        .basic_auth(ALICE, Some(guess))
                        .send()
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let refused = statuses.iter().filter(|s| **s == 401).count();
    assert!(refused <= 10, "{refused} answers 401: {statuses:?}");
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 429 | 503)),
        "{statuses:?}"
    );
    // Anonymous requests from an address do not lock it out.
    let (_d2, s2) = state();
    add_user(&s2, ALICE);
    let srv2 = Served::start(&s2);
    let c2 = srv2.client();
    for _ in 0..20 {
        assert_eq!(
            c2.get(srv2.url("/inventory/cluster"))
                .send()
                .unwrap()
                .status(),
            401
        );
    }
    assert_eq!(
        c2.get(srv2.url("/inventory/cluster"))
            .basic_auth(ALICE, Some(PASSWORD))
            .send()
            .unwrap()
            .status(),
        200
    );
}

/// Regression (issue 9, item 10): after `applicationuser delete` or `password`, the old
/// password kept working for up to 60 s through the service's credential cache.
#[test]
fn a_deleted_user_or_old_password_stops_working_at_once() {
    let (_d, s) = state();
    add_user(&s, ALICE);
    add_user(&s, MALLORY);
    let srv = Served::start(&s);
    let c = srv.client();
    let get = |user: &str, pw: &str| {
        c.get(srv.url("/inventory/cluster"))
            .basic_auth(user, Some(pw))
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(get(ALICE, PASSWORD), 200);
    assert_eq!(get(MALLORY, PASSWORD), 200);
    let r = run(
        &s,
        &["--yes", "utils", "applicationuser", "delete", MALLORY],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(get(MALLORY, PASSWORD), 401);
    let r = ccadmin(&s)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Another-Pass-2027")
        .args(["utils", "applicationuser", "password", ALICE])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(get(ALICE, PASSWORD), 401);
    assert_eq!(get(ALICE, "Another-Pass-2027"), 200);
}

/// Regression (issue 9, item 6): wrong cluster secrets were not limited.
#[test]
fn cluster_secret_guesses_are_limited() {
    let (_d, s) = state();
    let r = ccadmin(&s)
        .env("CCADMIN_CLUSTER_SECRET", "cluster-secret-0123456789")
        .args(["utils", "node", "cluster-secret"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let srv = Served::start(&s);
    let c = srv.client();
    let try_secret = |secret: &str| {
        c.post(srv.url("/cluster/join"))
            .bearer_auth(secret)
            .json(&json!({ "hostName": "sub.lab" }))
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    for i in 0..5 {
        assert_eq!(try_secret(&format!("guess-{i}")), 401);
    }
    assert_eq!(try_secret("guess-5"), 429);
    // Even the right secret waits out the window from this address.
    assert_eq!(try_secret("cluster-secret-0123456789"), 429);
}

/// `/health` answers GET and HEAD only (issue 9, item 15).
#[test]
fn health_answers_get_and_head_only() {
    let (_d, s) = state();
    let srv = Served::start(&s);
    let c = srv.client();
    assert_eq!(c.get(srv.url("/health")).send().unwrap().status(), 200);
    assert_eq!(c.head(srv.url("/health")).send().unwrap().status(), 200);
    for m in ["POST", "PUT", "DELETE", "PATCH"] {
        let r = c
            .request(m.parse().unwrap(), srv.url("/health"))
            .send()
            .unwrap();
        assert_eq!(r.status(), 405, "{m}");
    }
}

/// A TLS connection to the service that sends `prefix` and then nothing.
fn stalled_tls(port: u16, cert: &Path, prefix: &[u8]) -> impl Read {
    use rustls_pki_types::pem::PemObject;
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(cert).unwrap();
    for c in rustls_pki_types::CertificateDer::pem_slice_iter(&pem) {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let conn =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(prefix).unwrap();
    tls.flush().unwrap();
    tls
}

/// Whether the server closed the connection (end of stream or reset) before the client's
/// 30-second read timeout.
fn closed_by_server(mut r: impl Read) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                )
            }
        }
    }
}

/// Regression (issue 9, item 5): slow clients held connections forever.
#[test]
fn stalled_connections_are_closed_and_health_keeps_answering() {
    let (_d, s) = state();
    let srv = Served::start(&s);
    let cert = s.join("tls/cert.pem");
    let port = srv.port;
    std::thread::scope(|sc| {
        let mut stalled = Vec::new();
        for i in 0..20 {
            let cert = cert.clone();
            stalled.push(sc.spawn(move || match i % 4 {
                // TCP only: never starts TLS.
                0 => {
                    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    closed_by_server(tcp)
                }
                // TLS, then nothing: an idle connection.
                1 => closed_by_server(stalled_tls(port, &cert, b"")),
                // Half a request's headers.
                2 => closed_by_server(stalled_tls(
                    port,
                    &cert,
                    b"GET /health HTTP/1.1\r\nHost: x\r\n",
                )),
                // Headers promising a body that never comes.
                _ => closed_by_server(stalled_tls(
                    port,
                    &cert,
                    b"POST /inventory/onboard HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
                )),
            }));
        }
        // Meanwhile /health answers, again and again, while the stalled ones wait.
        let c = reqwest::blocking::Client::builder()
            .tls_certs_only(
                reqwest::Certificate::from_pem_bundle(&std::fs::read(&cert).unwrap()).unwrap(),
            )
            .timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        let mut answered = 0;
        while stalled.iter().any(|h| !h.is_finished()) && answered < 600 {
            let r = c.get(srv.url("/health")).send();
            assert!(r.is_ok_and(|r| r.status() == 200), "/health did not answer");
            answered += 1;
            std::thread::sleep(Duration::from_millis(100));
        }
        for (i, h) in stalled.into_iter().enumerate() {
            assert!(
                h.join().unwrap(),
                "stalled connection {i} was not closed by the server"
            );
        }
    });
}

/// Core dumps are off for ccadmin processes, so secrets in memory never reach a core file
/// (issue 9, item 13).
#[test]
fn the_service_cannot_dump_core() {
    let (_d, s) = state();
    let srv = Served::start(&s);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", srv.pid())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], &["0", "0"], "{core}");
}

/// Peer-supplied text never reaches the terminal as control sequences (issue 9, item 8): an
/// escape in a value is shown escaped in text output, and JSON carries C1 controls and
/// separators as `\uXXXX`.
#[test]
fn control_characters_in_values_are_shown_escaped() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[
            "run",
            "sql",
            "select char(27) || '[2J' || char(155) || '31m' || char(8238) as v",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains('\u{1b}')
            && !r.stdout.contains('\u{9b}')
            && !r.stdout.contains('\u{202e}'),
        "{:?}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\\u{1b}[2J\\u{9b}31m\\u{202e}"),
        "{}",
        r.stdout
    );
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select char(27) || char(155) || char(8232) as v",
        ],
        "",
    );
    assert!(
        !r.stdout.contains('\u{9b}') && !r.stdout.contains('\u{2028}'),
        "{:?}",
        r.stdout
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["rows"][0]["v"], "\u{1b}\u{9b}\u{2028}",
        "the JSON value itself is intact"
    );
    // An error that quotes a hostile value escapes it too.
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "remove-cluster",
            "x\u{1b}]0;pwned\u{7}",
        ],
        "",
    );
    assert_ne!(r.code, 0);
    assert!(
        !r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{7}'),
        "{:?}",
        r.stderr
    );
}
