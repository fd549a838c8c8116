//! `ccadmin hub` from a shell (issue 14, first part): registration codes, releases, errors.

use crate::hub_rollout::Hub;
use crate::patches::{keypair, minisign};

fn hub(dir: &std::path::Path, args: &[&str]) -> crate::util::Run {
    crate::hub_rollout::hub(dir, args, "")
}

/// A registration code for "Lab" at cc1.example.com, issued at `now`, and release `version`
/// (`data`, signed with minisign) published; the code, and the keys' directory to keep.
fn lab_code_and_release(
    dir: &std::path::Path,
    now: &str,
    version: &str,
    data: &[u8],
) -> (String, tempfile::TempDir) {
    let r = hub(
        dir,
        &[
            "--output",
            "json",
            "--now",
            now,
            "cluster",
            "add",
            "--display-name",
            "Lab",
            "--fqdn",
            "cc1.example.com",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let code = serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = keypair(keys.path(), "release");
    let archive = keys.path().join(format!("ccadmin-{version}.tar.gz"));
    std::fs::write(&archive, data).unwrap();
    crate::hub_rollout::sign_and_publish(dir, &secret, &archive, version);
    (code, keys)
}

#[test]
fn codes_and_releases_from_the_command_line() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let r = hub(
        &dir,
        &[
            "--output",
            "json",
            "--now",
            "2026-12-02T10:00:00Z",
            "cluster",
            "add",
            "--display-name",
            "Lab A",
            "--fqdn",
            "cc1.example.com",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["expires_at"], "2026-12-02T10:15:00Z");
    assert_eq!(
        v["publisher_url"],
        "https://cc1.example.com:8445/cloudconnect/register"
    );
    let code = v["code"].as_str().unwrap();
    assert_eq!(code.len(), 32);
    // The code is in no file of the hub.
    for (f, bytes) in crate::util::all_files(&dir) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(code),
            "{} holds the code",
            f.display()
        );
    }
    let r = hub(
        &dir,
        &[
            "cluster",
            "add",
            "--display-name",
            "Lab\u{1b}[2J",
            "--fqdn",
            "x",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("without control characters"),
        "{}",
        r.stderr
    );
    let r = hub(&dir, &["cluster", "postpone", "Lab A"]);
    assert_eq!(
        r.code, 1,
        "not registered until the publisher allows it: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("no cluster is named Lab A"),
        "{}",
        r.stderr
    );

    // A release, signed with minisign.
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = keypair(keys.path(), "release");
    let archive = keys.path().join("ccadmin-2.1.0.tar.gz");
    std::fs::write(&archive, b"release bytes").unwrap();
    let r = hub(
        &dir,
        &[
            "release",
            "add",
            archive.to_str().unwrap(),
            "--version",
            "2.1.0",
        ],
    );
    assert_eq!(r.code, 1, "unsigned: {}", r.stderr);
    assert!(r.stderr.contains("minisign -S"), "{}", r.stderr);
    minisign(&[
        "-S",
        "-s",
        secret.to_str().unwrap(),
        "-m",
        archive.to_str().unwrap(),
    ]);
    let r = hub(
        &dir,
        &[
            "release",
            "add",
            archive.to_str().unwrap(),
            "--version",
            "2.1.0",
            "--notes",
            "Fixes the poll back-off",
            "--urgent",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = hub(&dir, &["--output", "json", "release", "list"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rel = &v["releases"][0];
    assert_eq!(rel["version"], "2.1.0");
    assert_eq!(rel["urgent"], true);
    assert_eq!(rel["sha256"], crate::patches::sha256(b"release bytes"));
    let text = hub(&dir, &["release", "list"]).stdout;
    assert!(
        text.contains("2.1.0")
            && text.contains("urgent")
            && text.contains("Fixes the poll back-off"),
        "{text}"
    );
}

/// The hub's service for nodes on loopback: its identity, a registration completed once (a
/// wrong FQDN and a replay refused), polls inside the window one node at a time, the archive
/// downloaded with the token, reports, and tokens checked. The service runs at a fixed time
/// inside the default window (03:00–04:00 UTC).
#[test]
fn the_node_api_registers_once_offers_one_node_at_a_time_and_serves_the_archive() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let now = "2026-12-03T03:05:00Z";
    let (code, _keys) = lab_code_and_release(&dir, now, "2.1.0", b"release two one");
    let h = Hub::start(&dir, now);
    let port = h.port;
    let ca =
        reqwest::Certificate::from_pem(&std::fs::read(dir.join("tls/cert.pem")).unwrap()).unwrap();
    let client = reqwest::blocking::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    let url = |p: &str| format!("https://localhost:{port}{p}");
    let identity: serde_json::Value = client
        .get(url("/api/v1/identity"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let hub_id = identity["hub_id"].as_str().unwrap().to_owned();
    assert_eq!(identity["cert_sha256"].as_str().unwrap().len(), 64);
    let cert = "ab".repeat(32);
    let register = |fqdn: &str| {
        client
            .post(url("/api/v1/register"))
            .json(&serde_json::json!({"hub_id": hub_id, "code": code, "fqdn": fqdn, "cert_sha256": cert}))
            .send()
            .unwrap()
    };
    let wrong = register("cc2.example.com");
    assert_eq!(wrong.status(), 403);
    assert!(wrong
        .text()
        .unwrap()
        .contains("issued for cc1.example.com:8445"));
    let ok = register("cc1.example.com");
    assert_eq!(ok.status(), 200);
    let reg: serde_json::Value = ok.json().unwrap();
    assert_eq!(reg["display_name"], "Lab");
    assert_eq!(reg["cert_sha256"], identity["cert_sha256"]);
    let token = reg["token"].as_str().unwrap().to_owned();
    let replay = register("cc1.example.com");
    assert_eq!(replay.status(), 403);
    assert!(replay.text().unwrap().contains("used already"));

    let poll = |node: &str, version: &str, token: &str| -> (u16, serde_json::Value) {
        let r = client
            .post(url("/api/v1/poll"))
            .bearer_auth(token)
            .json(&serde_json::json!({"node": node, "version": version}))
            .send()
            .unwrap();
        (r.status().as_u16(), r.json().unwrap_or_default())
    };
    let (status, a) = poll("cc-a", "2.0.0", &token);
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["offer"], "install", "{a}");
    assert_eq!(a["sha256"], crate::patches::sha256(b"release two one"));
    assert!(a["signature"].as_str().unwrap().contains("trusted comment"));
    let (_, b) = poll("cc-b", "2.0.0", &token);
    assert_eq!(b["offer"], "wait", "{b}");
    assert!(
        b["reason"].as_str().unwrap().contains("cc-a is upgrading"),
        "{b}"
    );
    let archive_bytes = client
        .get(url("/api/v1/releases/2.1.0"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert_eq!(&archive_bytes[..], b"release two one");
    assert_eq!(
        client
            .get(url("/api/v1/releases/2.1.0"))
            .send()
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        client
            .get(url("/api/v1/releases/..%2F..%2Fhub.db"))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .status(),
        404
    );
    let report = client
        .post(url("/api/v1/report"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"node": "cc-a", "version": "2.1.0", "healthy": true, "detail": "healthy"}))
        .send()
        .unwrap();
    assert_eq!(report.status(), 200);
    let (_, b) = poll("cc-b", "2.0.0", &token);
    assert_eq!(b["offer"], "install", "{b}");
    assert_eq!(poll("cc-a", "2.1.0", "not-a-token").0, 403);
    let bad = client
        .post(url("/api/v1/poll"))
        .bearer_auth(&token)
        .body("{\"node\": 1}")
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);
    let shown = hub(
        &dir,
        &["--output", "json", "--now", now, "cluster", "show", "Lab"],
    );
    let v: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    let states: Vec<(String, String)> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["node"].as_str().unwrap().to_owned(),
                n["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("cc-a".to_owned(), "upgraded".to_owned()),
            ("cc-b".to_owned(), "upgrading".to_owned())
        ]
    );
    h.stop();
}

/// The Cloud Connect side's client learns the hub's certificate once (its SHA-256 must be the
/// one the hub names), then trusts only it: pinned to another hub's certificate it sends
/// nothing to this one.
#[test]
fn the_node_client_pins_the_hub_it_consented_to() {
    use ccadmin::clients::hub::{identity, HubClient};
    use ccadmin::hub::Offer;
    let d = tempfile::tempdir().unwrap();
    let (dir, other) = (d.path().join("hub"), d.path().join("other"));
    let now = "2026-12-03T03:10:00Z";
    let (code, _keys) = lab_code_and_release(&dir, now, "3.0.0", b"three");
    let h = Hub::start(&dir, now);
    let port = h.port;
    let h2 = Hub::start(&other, now);
    let port2 = h2.port;
    let t = std::time::Duration::from_secs(10);
    let base = format!("https://localhost:{port}");
    let (id, cert) = identity(&base, t).unwrap();
    assert_eq!(id.cert_sha256, crate::patches::sha256(&cert));
    let (_, other_cert) = identity(&format!("https://localhost:{port2}"), t).unwrap();
    assert_ne!(cert, other_cert);

    // Pinned to the other hub's certificate: refused in the TLS handshake, nothing sent.
    let registers = || {
        std::fs::read_to_string(dir.join("logs/hub.log"))
            .unwrap()
            .matches("POST /api/v1/register")
            .count()
    };
    let wrong = HubClient::new(&base, &other_cert, None, t).unwrap();
    let e = wrong
        .register(&id.hub_id, &code, "cc1.example.com", &"ab".repeat(32))
        .unwrap_err();
    assert_eq!(e.kind, ccadmin::ops::Kind::Unreachable, "{e}");
    assert_eq!(registers(), 0, "the code never reached the hub");

    let client = HubClient::new(&base, &cert, None, t).unwrap();
    let reg = client
        .register(&id.hub_id, &code, "cc1.example.com", &"ab".repeat(32))
        .unwrap();
    let replay = client
        .register(&id.hub_id, &code, "cc1.example.com", &"ab".repeat(32))
        .unwrap_err();
    assert_eq!(replay.kind, ccadmin::ops::Kind::Refused);
    assert!(replay.message.contains("used already"), "{replay}");
    let node = HubClient::new(&base, &cert, Some(reg.token.clone()), t).unwrap();
    let Offer::Install {
        version,
        sha256,
        size,
        ..
    } = node.poll("cc-a", "2.0.0").unwrap()
    else {
        panic!("no offer");
    };
    assert_eq!(version, "3.0.0");
    // An interrupted download is resumed: what is there is kept, the rest asked for (Range).
    let file = d.path().join("release.tar.gz");
    std::fs::write(&file, b"th").unwrap();
    node.download(&version, size, &file).unwrap();
    let data = std::fs::read(&file).unwrap();
    assert_eq!(data, b"three");
    assert_eq!(crate::patches::sha256(&data), sha256);
    node.report("cc-a", "3.0.0", true, "healthy").unwrap();
    assert_eq!(node.poll("cc-a", "3.0.0").unwrap(), Offer::UpToDate);
    h.stop();
    h2.stop();
}
