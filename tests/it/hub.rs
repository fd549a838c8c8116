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
            "--hub-url",
            "https://hub.example.test:8446",
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
            "--hub-url",
            "https://hub.example.test:8446",
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
            "--hub-url",
            "https://hub.example.test:8446",
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

/// Regression (issue 24, finding 15): `cluster add` printed a consent link without its query
/// (unusable); it is now the complete link the API's `register_url` is, naming the hub's
/// address given or announced by `hub serve`. A search that matches nothing says so instead of
/// "no cluster is registered".
#[test]
fn cluster_add_prints_a_complete_consent_link_and_an_empty_search_says_what_it_searched() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let now = "2026-12-02T10:00:00Z";
    let add = |name: &str, extra: &[&str]| {
        let mut a = vec![
            "--now",
            now,
            "cluster",
            "add",
            "--display-name",
            name,
            "--fqdn",
            "cc1.example.com",
        ];
        a.extend_from_slice(extra);
        hub(&dir, &a)
    };
    // No address known yet (no `hub serve` announced one) and none given: the flag is named.
    let r = add("Lab", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--hub-url"), "{}", r.stderr);
    let r = add("Lab", &["--hub-url", "http://hub.example.test/x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not the hub's address"), "{}", r.stderr);

    let r = add("Lab", &["--hub-url", "https://hub.example.test:8446"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let link = r
        .stdout
        .lines()
        .find_map(|l| l.split_once("https://cc1.example.com:8445/cloudconnect/register?"))
        .map(|(_, q)| q.trim().to_owned())
        .unwrap_or_else(|| panic!("no consent link: {}", r.stdout));
    let q: std::collections::HashMap<String, String> = serde_urlencoded::from_str(&link).unwrap();
    assert_eq!(q["hub"], "https://hub.example.test:8446");
    assert_eq!(q["name"], "Lab");
    assert_eq!(q["fqdn"], "cc1.example.com:8445");
    assert_eq!(q["code"].len(), 32);
    assert_eq!(q["hub_id"].len(), 32);
    assert!(r.stdout.contains(&q["code"]), "{}", r.stdout);

    let r = hub(
        &dir,
        &[
            "--output",
            "json",
            "--now",
            now,
            "cluster",
            "add",
            "--display-name",
            "Lab C",
            "--fqdn",
            "cc1.example.com",
            "--hub-url",
            "https://hub.example.test:8446",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let url = v["register_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://cc1.example.com:8445/cloudconnect/register?hub=https%3A%2F%2Fhub.example.test%3A8446&hub_id=")
            && url.contains(&format!("&code={}&name=Lab+C&fqdn=cc1.example.com%3A8445", v["code"].as_str().unwrap())),
        "{url}"
    );

    // Nothing registered yet: the list says so; a search says what it searched for.
    let all = hub(&dir, &["cluster", "list"]);
    assert!(
        all.stdout
            .contains("No Cloud Connect cluster is registered"),
        "{}",
        all.stdout
    );
    let none = hub(&dir, &["cluster", "list", "--search", "zzz"]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert_eq!(
        none.stdout.trim(),
        "No Cloud Connect cluster's display name contains 'zzz'."
    );
}

/// The hub at `now` with "Lab" registered through its API (the code from
/// `lab_code_and_release`); the hub, its client and the cluster's token.
fn registered_lab(
    dir: &std::path::Path,
    now: &str,
    code: &str,
) -> (Hub, reqwest::blocking::Client, String) {
    let h = Hub::start(dir, now);
    let ca =
        reqwest::Certificate::from_pem(&std::fs::read(dir.join("tls/cert.pem")).unwrap()).unwrap();
    let client = reqwest::blocking::Client::builder()
        .add_root_certificate(ca)
        .no_proxy()
        .timeout(None)
        .build()
        .unwrap();
    let identity: serde_json::Value = client
        .get(h.url("/api/v1/identity"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let reg: serde_json::Value = client
        .post(h.url("/api/v1/register"))
        .json(&serde_json::json!({"hub_id": identity["hub_id"], "code": code, "fqdn": "cc1.example.com", "cert_sha256": "ab".repeat(32)}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = reg["token"].as_str().unwrap().to_owned();
    (h, client, token)
}

fn poll_offer(
    h: &Hub,
    client: &reqwest::blocking::Client,
    token: &str,
    node: &str,
    version: &str,
) -> serde_json::Value {
    let r = client
        .post(h.url("/api/v1/poll"))
        .bearer_auth(token)
        .json(&serde_json::json!({"node": node, "version": version}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

/// Regression (issue 24, finding 6): `hub release` had only add and list; the next window
/// offered a broken release again. Withdrawn, it is never offered or served again, and who
/// withdrew it when is shown.
#[test]
fn a_withdrawn_release_is_never_offered_again_and_says_who_withdrew_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let now = "2026-12-03T03:05:00Z";
    let (code, _keys) = lab_code_and_release(&dir, now, "2.1.0", b"a broken release");
    let (h, client, token) = registered_lab(&dir, now, &code);
    assert_eq!(
        poll_offer(&h, &client, &token, "cc-a", "2.0.0")["offer"],
        "install"
    );
    let r = client
        .post(h.url("/api/v1/report"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"node": "cc-a", "version": "2.1.0", "healthy": false, "detail": "health check failed"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = crate::hub_rollout::hub(&dir, &["--now", now, "release", "withdraw", "2.1.0"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Who: the Unix account at the console.
    let who = r
        .stderr
        .split_once(&format!("Release 2.1.0 is withdrawn ({now} by "))
        .and_then(|(_, rest)| rest.split_once("); it will never be offered again."))
        .map(|(who, _)| who.to_owned())
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(!who.is_empty());
    // The next window: neither node is offered it, and it is not served.
    h.set_time("2026-12-04T03:05:00Z");
    for node in ["cc-a", "cc-b"] {
        assert_eq!(
            poll_offer(&h, &client, &token, node, "2.0.0")["offer"],
            "up-to-date"
        );
    }
    let download = client
        .get(h.url("/api/v1/releases/2.1.0"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(download.status(), 404);

    let list = hub(&dir, &["--output", "json", "release", "list"]);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v["releases"][0]["withdrawn_at"], now);
    assert_eq!(v["releases"][0]["withdrawn_by"], who.as_str());
    let text = hub(&dir, &["release", "list"]).stdout;
    assert!(
        text.contains("WITHDRAWN") && text.contains(&format!("{now} by {who}")),
        "{text}"
    );
    let again = hub(&dir, &["release", "withdraw", "2.1.0"]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("withdrawn already"),
        "{}",
        again.stderr
    );
    let unknown = hub(&dir, &["release", "withdraw", "9.9.9"]);
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("no release 9.9.9 is published"),
        "{}",
        unknown.stderr
    );
    h.stop();
}

/// Regression (issue 24, findings 9 and 11): each download read the whole archive into memory
/// and kept it while the node did not read (100 stalled downloads of 9 MB took 1.1 GB and
/// stayed open past 40 s); a poll could name any number of nodes. The archive is streamed
/// from the file (a change to the file after the answer started is what arrives), a node that
/// takes nothing is dropped after the write timeout, and a third node name is refused.
#[test]
fn a_release_download_streams_from_the_file_and_a_stalled_one_is_dropped() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let now = "2026-12-03T03:05:00Z";
    // 32 MiB: more than the socket buffers of both ends hold.
    let size = 32 << 20;
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let (code, _keys) = lab_code_and_release(&dir, now, "2.1.0", &data);
    let (h, client, token) = registered_lab(&dir, now, &code);
    assert_eq!(
        poll_offer(&h, &client, &token, "cc-a", "2.0.0")["offer"],
        "install"
    );
    assert_eq!(
        poll_offer(&h, &client, &token, "cc-b", "2.0.0")["offer"],
        "wait"
    );
    // A third name is not one of the cluster's nodes.
    let third = client
        .post(h.url("/api/v1/poll"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"node": "invented-1", "version": "2.0.0"}))
        .send()
        .unwrap();
    assert_eq!(third.status(), 403);
    assert!(third
        .text()
        .unwrap()
        .contains("has its 2 nodes already (cc-a, cc-b)"));

    let download = || {
        client
            .get(h.url("/api/v1/releases/2.1.0"))
            .bearer_auth(&token)
            .send()
            .unwrap()
    };
    // Streamed: the last MiB is changed in place once the answer has started; the download
    // ends with the changed bytes (an archive read whole at the request would not).
    let started = download();
    assert_eq!(started.status(), 200);
    assert_eq!(started.content_length(), Some(size as u64));
    {
        use std::io::{Seek, Write};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.join("releases/ccadmin-2.1.0.tar.gz"))
            .unwrap();
        f.seek(std::io::SeekFrom::Start((size - (1 << 20)) as u64))
            .unwrap();
        f.write_all(&vec![0xab; 1 << 20]).unwrap();
    }
    let got = started.bytes().unwrap();
    assert_eq!(got.len(), size);
    assert_eq!(&got[..size - (1 << 20)], &data[..size - (1 << 20)]);
    assert!(got[size - (1 << 20)..].iter().all(|b| *b == 0xab));
    // Resumed from an offset.
    let resumed = client
        .get(h.url("/api/v1/releases/2.1.0"))
        .bearer_auth(&token)
        .header("range", "bytes=1000-")
        .send()
        .unwrap();
    assert_eq!(resumed.status(), 206);
    assert_eq!(
        resumed.headers()["content-range"],
        format!("bytes 1000-{}/{size}", size - 1).as_str()
    );
    assert_eq!(&resumed.bytes().unwrap()[..1000], &data[1000..2000]);

    // A download nobody reads is dropped after the write timeout, and logged.
    let stalled = download();
    assert_eq!(stalled.status(), 200);
    crate::util::wait_for(
        "the stalled download to be dropped",
        std::time::Duration::from_secs(120),
        || {
            h.log()
                .contains("took nothing for 30s; the connection is closed")
        },
    );
    assert!(
        stalled.bytes().is_err(),
        "the stalled download was not cut off"
    );
    h.stop();
}

/// The hub's commands are one tree with every other menu: `ccadmin hub … ?` gives their syntax
/// as `?` does at the prompt, and `ccadmin hub` with lines on standard input runs them as a
/// batch (an account's password is the line after its command, never echoed), stopping at the
/// first failure with its status.
#[test]
fn hub_commands_answer_question_mark_and_run_as_a_batch() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");

    let menu = hub(&dir, &["cluster", "?"]);
    assert_eq!(menu.code, 0, "{}", menu.stderr);
    for leaf in ["add", "list", "show", "unregister", "schedule*", "postpone"] {
        assert!(
            menu.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(leaf)),
            "`hub cluster ?` lists {leaf}:\n{}",
            menu.stdout
        );
    }
    let syntax = hub(&dir, &["account", "add", "?"]);
    assert_eq!(syntax.code, 0, "{}", syntax.stderr);
    assert!(
        syntax
            .stdout
            .contains("ccadmin hub account add [OPTIONS] <NAME>"),
        "{}",
        syntax.stdout
    );
    let unknown = hub(&dir, &["cluster", "frobnicate", "?"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("Invalid command"),
        "{}",
        unknown.stderr
    );

    let password = "Batch-Pass-word-77";
    let batch = format!(
        "# accounts first\n\naccount add carol\n{password}\naccount list\nrelease ?\naccount delete nobody\naccount list\n"
    );
    let r = crate::hub_rollout::hub(&dir, &[], &batch);
    assert_ne!(
        r.code, 0,
        "the delete of an unknown account fails the batch"
    );
    assert!(r.stderr.contains("Account carol added."), "{}", r.stderr);
    assert_eq!(
        r.stdout.matches("carol").count(),
        1,
        "added, listed once, and the batch stopped before the second list:\n{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("withdraw"),
        "`release ?` listed the release menu:\n{}",
        r.stdout
    );
    assert!(r.stderr.contains("nobody"), "{}", r.stderr);
    assert!(
        !r.stdout.contains(password) && !r.stderr.contains(password),
        "the password line is never echoed"
    );
    let listed = hub(&dir, &["account", "list"]);
    assert!(listed.stdout.contains("carol"), "{}", listed.stdout);

    // The batch stays on the hub it was given: a line naming another directory or clock, or
    // starting the service, is refused; CCADMIN_HUB_DIR does not override --hub-dir per line.
    let elsewhere = d.path().join("elsewhere");
    for line in [
        format!("--hub-dir {} account list", elsewhere.display()),
        "--now 2030-01-01T00:00:00Z account list".to_owned(),
        "serve --listen 127.0.0.1:0".to_owned(),
    ] {
        let r = crate::hub_rollout::hub(&dir, &[], &format!("{line}\naccount list\n"));
        assert_eq!(r.code, 2, "{line}: {}", r.stderr);
        assert!(
            r.stderr.contains("hub batch"),
            "{line} is refused in words: {}",
            r.stderr
        );
        assert!(!r.stdout.contains("carol"), "the batch stopped at {line}");
    }
    let out = std::process::Command::new(crate::util::bin())
        .args(["hub", "--hub-dir", dir.to_str().unwrap()])
        .env("CCADMIN_HUB_DIR", &elsewhere)
        .env("CCADMIN_STATE_DIR", d.path().join("state"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"account list\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("carol"));
    assert!(!elsewhere.exists(), "no hub was made at CCADMIN_HUB_DIR");
}
