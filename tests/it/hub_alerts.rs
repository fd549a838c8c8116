//! The hub's alerts (issue 28) against a real SMTP server (Python's aiosmtpd on loopback, as
//! `smtp.rs`): a cluster's rollout that stops and its nodes offline past the threshold are
//! mailed, shown on `/alerts` (a node's hostile words escaped) and in the API; the daily digest
//! is sent once a day across restarts, and when the hub was down at its hour, at the next
//! start that day; the SMTP password is never in the output, the log, the database or an
//! argument; an unreachable server leaves the mail queued and visible. Time moves through the
//! hub's clock file; every wait is for a mail, a log line or an answer.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::hub_fleet::page;
use crate::hub_hostile::sign_in;
use crate::hub_rollout::{hub, Hub, HUB_ACCOUNT, HUB_PASSWORD};
use crate::smtp::SmtpServer;
use crate::util::{all_files, bin, contains, wait_for_showing};

/// The login `SmtpServer::start(_, true)` accepts (tests/it/smtp.rs).
const SMTP_USER: &str = "notify";
const SMTP_PASSWORD: &str = "Smtp-Secret-Pass-77";
const TOKEN: &str = "cluster-token-alerts-1";
const HOSTILE: &str = "<script>alert('x')</script> & <img src=x onerror=alert(1)>";

/// `ccadmin hub ARGS` that must succeed; its output.
fn ok(dir: &Path, args: &[&str], input: &str) -> String {
    let r = hub(dir, args, input);
    assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    r.stdout + &r.stderr
}

/// Cluster `Lab` (daily window at 03:00 UTC) with the bearer [`TOKEN`], and release 2.0.
fn seed(dir: &Path) {
    let db = rusqlite::Connection::open(dir.join("hub.db")).unwrap();
    let schedule = serde_json::to_string(
        &ccadmin::ops::upgrade_window::UpgradeSchedule::default_in("UTC"),
    )
    .unwrap();
    db.execute(
        "INSERT INTO cluster (display_name, fqdn, token_sha256, node_cert_sha256, registered_at, schedule)
         VALUES ('Lab', 'cc1.example.com:8445', ?1, 'c', '2026-12-01T00:00:00Z', ?2)",
        rusqlite::params![ccadmin::text::sha256_hex(TOKEN.as_bytes()), schedule],
    )
    .unwrap();
    db.execute(
        "INSERT INTO release (version, notes, urgent, sha256, size, signature, added_at)
         VALUES ('2.0', '', 0, 's', 1, 'sig', '2026-12-01T00:00:00Z')",
        [],
    )
    .unwrap();
}

/// A node's call to the hub's API with the cluster's token.
fn node_call(h: &Hub, path: &str, body: Value) -> Value {
    let r = h
        .client()
        .post(h.url(path))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().unwrap()
}

/// Both nodes poll (node a is offered 2.0), and node a reports it failed with hostile words.
fn stop_the_rollout(h: &Hub) {
    let offer = node_call(h, "/api/v1/poll", json!({"node": "cc-a", "version": "1.0"}));
    assert_eq!(offer["offer"], "install", "{offer}");
    node_call(h, "/api/v1/poll", json!({"node": "cc-b", "version": "1.0"}));
    let failed = json!({"node": "cc-a", "version": "2.0", "healthy": false, "detail": HOSTILE});
    node_call(h, "/api/v1/report", failed.clone());
    // A repeated report is the same stop: no second alert.
    node_call(h, "/api/v1/report", failed);
}

fn alerts_api(h: &Hub) -> Value {
    let r = h
        .client()
        .get(h.url("/api/v1/alerts"))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

fn kinds(v: &Value) -> Vec<String> {
    v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The hub's service on `dir` again (its account exists already); waits until it serves
/// and its chores made their first pass (the `n`th time the log says each).
fn restart(dir: &Path, clock: &Path, n: usize) -> Running {
    let child = Running(
        std::process::Command::new(bin())
            .args(["hub", "--hub-dir", dir.to_str().unwrap(), "--now"])
            .arg(format!("@{}", clock.display()))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = std::fs::read_to_string(dir.join("logs/hub.log")).unwrap_or_default();
        let listening: Vec<&str> = log.split("listening on https://127.0.0.1:").collect();
        if listening.len() > n && log.matches("alerts: checked;").count() >= n {
            return child;
        }
        assert!(Instant::now() < deadline, "the hub did not start: {log}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A hub's service this test started; killed if the test ends before [`stop`].
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Move the hub's clock (atomically: a running hub reads it at every use).
fn set_clock(clock: &Path, now: &str) {
    let tmp = clock.with_extension("new");
    std::fs::write(&tmp, now).unwrap();
    std::fs::rename(&tmp, clock).unwrap();
}

/// SIGTERM; the hub must stop cleanly.
fn stop(mut running: Running) {
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(running.0.id() as i32, libc::SIGTERM) };
    assert!(running.0.wait().unwrap().success());
}

/// A mail's text with quoted-printable's soft line breaks undone.
fn text(m: &Value) -> String {
    m["data"]
        .as_str()
        .unwrap()
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

fn subjects(smtp: &SmtpServer) -> Vec<String> {
    smtp.mails()
        .iter()
        .map(|m| {
            let data = m["data"].as_str().unwrap();
            data.lines()
                .find_map(|l| l.strip_prefix("Subject: "))
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[test]
fn alerts_are_mailed_shown_escaped_and_the_digest_goes_once_a_day() {
    let smtp = SmtpServer::start("starttls", true);
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let mut output = String::new();
    // The password is the line after the command (never an argument), then from the variable.
    output += &ok(
        &dir,
        &[
            "smtp",
            "set",
            "--host",
            "localhost",
            "--port",
            &smtp.port.to_string(),
            "--security",
            "starttls",
            "--from",
            "hub@example.com",
            "--user",
            SMTP_USER,
        ],
        &format!("{SMTP_PASSWORD}\n"),
    );
    std::fs::create_dir_all(dir.join("trust")).unwrap();
    std::fs::copy(&smtp.ca, dir.join("trust/smtp-ca.pem")).unwrap();
    output += &ok(&dir, &["alerts", "subscribe", "ops@example.com"], "");
    output += &ok(&dir, &["alerts", "set", "digest-hour", "12"], "");
    let shown = ok(&dir, &["smtp", "show"], "");
    assert!(
        shown.contains("SMTP password : set") && shown.contains(SMTP_USER),
        "{shown}"
    );
    output += &shown;
    output += &ok(&dir, &["smtp", "test"], "");
    assert_eq!(smtp.wait_for_mails(1).len(), 1);
    seed(&dir);

    let h = Hub::start(&dir, "2026-12-03T03:05:00Z");
    stop_the_rollout(&h);
    let mails = smtp.wait_for_mails(2);
    let m = &mails[1];
    assert_eq!(m["tls"], true, "{m}");
    assert_eq!(m["login"], true, "{m}");
    assert_eq!(m["to"], json!(["ops@example.com"]));
    let data = text(m);
    assert!(
        data.contains("the rollout of 2.0 to Lab stopped") && data.contains("failed on cc-a"),
        "{data}"
    );

    // The page: escaped, no script allowed, linked from the header; the API: the node's words.
    let (cookie, _) = sign_in(&h, "/alerts");
    let (status, html) = page(&h, &cookie, "/alerts");
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/alerts\""), "{html}");
    assert!(
        !html.contains("<script>") && !html.contains("<img"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("Rollout stopped"), "{html}");
    let r = h
        .client()
        .get(h.url("/alerts"))
        .header("cookie", &cookie)
        .send()
        .unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'") && !csp.contains("script-src"));
    let v = alerts_api(&h);
    assert_eq!(kinds(&v), ["rollout-stopped"], "{v}");
    assert!(v["alerts"][0]["text"].as_str().unwrap().contains(HOSTILE));
    let anonymous = h.client().get(h.url("/api/v1/alerts")).send().unwrap();
    assert_eq!(anonymous.status(), 401);
    let bad = h
        .client()
        .get(h.url("/api/v1/alerts?page=-1"))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Offline: three missed polls of 300 s after 03:05, then 60 minutes: from 04:20.
    h.set_time("2026-12-03T04:25:00Z");
    smtp.wait_for_mails(4);
    let s = subjects(&smtp);
    assert!(
        s[2..].iter().all(|s| s.contains("of Lab is offline")),
        "{s:?}"
    );
    let v = alerts_api(&h);
    // What still stands comes first: the stopped rollout, then the nodes still offline
    // (newest first), so offline episodes never push a stopped rollout off the first page.
    assert_eq!(
        kinds(&v),
        ["rollout-stopped", "node-offline", "node-offline"],
        "{v}"
    );
    assert_eq!(v["alerts"][1]["mail"]["state"], "sent", "{v}");

    // The hub is down at the digest's hour (12:00): it sends the digest when it starts again
    // that day, and never a second one that day, however often it restarts.
    let clock = h.clock.clone();
    h.stop();
    set_clock(&clock, "2026-12-03T12:30:00Z");
    let child = restart(&dir, &clock, 2);
    smtp.wait_for_mails(5);
    let s = subjects(&smtp);
    assert_eq!(s[4], "ccadmin hub: daily digest 2026-12-03", "{s:?}");
    let digest = text(&smtp.mails()[4]);
    assert!(
        digest.contains("Offline (1): Lab") && digest.contains("Failed (1): Lab"),
        "{digest}"
    );
    stop(child);
    set_clock(&clock, "2026-12-03T13:00:00Z");
    let child = restart(&dir, &clock, 3);
    set_clock(&clock, "2026-12-04T12:00:00Z");
    smtp.wait_for_mails(6);
    let s = subjects(&smtp);
    assert_eq!(
        s.iter().filter(|s| s.contains("daily digest")).count(),
        2,
        "{s:?}"
    );
    assert_eq!(s[5], "ccadmin hub: daily digest 2026-12-04", "{s:?}");
    stop(child);

    // The password: in the owner-only secrets file only.
    output += &ok(&dir, &["--output", "json", "smtp", "show"], "");
    output += &ok(&dir, &["alerts", "show"], "");
    assert!(!output.contains(SMTP_PASSWORD), "{output}");
    let mut in_secrets = false;
    for (path, bytes) in all_files(&dir) {
        if path == dir.join("secrets") {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
            in_secrets = contains(&bytes, SMTP_PASSWORD);
            continue;
        }
        assert!(
            !contains(&bytes, SMTP_PASSWORD),
            "the SMTP password is in {}",
            path.display()
        );
    }
    assert!(in_secrets);
}

#[test]
fn an_unreachable_smtp_server_leaves_the_mail_queued_and_visible() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    // Nothing listens on port 1 of loopback.
    ok(
        &dir,
        &[
            "smtp",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            "1",
            "--security",
            "none",
            "--from",
            "hub@example.com",
        ],
        "",
    );
    ok(&dir, &["alerts", "subscribe", "ops@example.com"], "");
    seed(&dir);
    let h = Hub::start(&dir, "2026-12-03T03:05:00Z");
    stop_the_rollout(&h);
    let mut last = Value::Null;
    wait_for_showing(
        "a failed delivery recorded",
        Duration::from_secs(30),
        || {
            last = alerts_api(&h);
            last["alerts"][0]["mail"]["attempts"].as_i64() >= Some(1)
        },
        || h.log(),
    );
    let mail = &last["alerts"][0]["mail"];
    assert_eq!(mail["state"], "queued", "{last}");
    assert!(
        mail["last_error"]
            .as_str()
            .unwrap()
            .contains("cannot reach the SMTP server 127.0.0.1:1"),
        "{last}"
    );
    let (cookie, _) = sign_in(&h, "/alerts");
    let (_, html) = page(&h, &cookie, "/alerts");
    assert!(html.contains("Queued, 1 attempt failed"), "{html}");
    let shown = ok(&dir, &["smtp", "show"], "");
    assert!(
        shown.contains("Waiting mails : 1") && shown.contains("cannot reach"),
        "{shown}\n{}\n{}",
        alerts_api(&h),
        h.log()
    );
    assert!(h.log().contains("mail not delivered, trying again in 30s"));
}
