//! The rollout history (issue 28) through a running hub's HTTPS API: nodes polled and
//! reporting as `ccadmin serve` does (`POST /api/v1/poll`, `POST /api/v1/report`), one node
//! upgrading and one failing with a hostile reason of 100 KB (kept bounded, shown escaped),
//! a repeated report recorded once, the cluster's history page and API, each release's
//! counts on the releases page and in `GET /api/v1/releases`, and *Withdraw* from there.

use std::path::Path;

use serde_json::{json, Value};

use crate::hub_rollout::{Hub, HUB_ACCOUNT, HUB_PASSWORD};

/// Inside every cluster's default window (03:00–04:00 UTC).
const NOW: &str = "2026-12-03T03:05:00Z";

/// A client of the hub that trusts only its certificate and follows no redirect.
fn raw(hub: &Hub) -> reqwest::blocking::Client {
    let pem = std::fs::read(hub.dir.join("tls/cert.pem")).unwrap();
    reqwest::blocking::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// Releases `versions` (signed with a fresh key) published on the hub in `dir`.
fn publish(dir: &Path, versions: &[&str]) -> tempfile::TempDir {
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = crate::patches::keypair(keys.path(), "release");
    for v in versions {
        let archive = keys.path().join(format!("ccadmin-{v}.tar.gz"));
        std::fs::write(&archive, format!("release {v}")).unwrap();
        crate::hub_rollout::sign_and_publish(dir, &secret, &archive, v);
    }
    keys
}

/// The cluster `name` registered through the hub's API, as a publisher completes its code;
/// its token.
fn register(hub: &Hub, name: &str, fqdn: &str) -> String {
    let r = crate::hub_rollout::hub(
        &hub.dir,
        &[
            "--output",
            "json",
            "--now",
            NOW,
            "cluster",
            "add",
            "--display-name",
            name,
            "--fqdn",
            fqdn,
            "--hub-url",
            "https://hub.example.test:8446",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let code: Value = serde_json::from_str(&r.stdout).unwrap();
    let c = hub.client();
    let identity: Value = c
        .get(hub.url("/api/v1/identity"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let reg: Value = c
        .post(hub.url("/api/v1/register"))
        .json(&json!({"hub_id": identity["hub_id"], "code": code["code"], "fqdn": fqdn, "cert_sha256": "ab".repeat(32)}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    reg["token"].as_str().unwrap().to_owned()
}

/// A node's poll; the offer.
fn poll(hub: &Hub, token: &str, node: &str, version: &str) -> String {
    let r = hub
        .client()
        .post(hub.url("/api/v1/poll"))
        .bearer_auth(token)
        .json(&json!({"node": node, "version": version}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().unwrap()["offer"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A node's report; the status.
fn report(hub: &Hub, token: &str, node: &str, version: &str, healthy: bool, detail: &str) -> u16 {
    try_report(hub, Some(token), node, version, healthy, detail).unwrap_or_else(|e| panic!("{e:?}"))
}

/// A report; `Err` when the hub refused the body by closing the connection before the client
/// had written it all (a refusal before the body is read may reach the client as a reset
/// instead of the status, depending on timing).
fn try_report(
    hub: &Hub,
    token: Option<&str>,
    node: &str,
    version: &str,
    healthy: bool,
    detail: &str,
) -> Result<u16, reqwest::Error> {
    let mut r = hub.client().post(hub.url("/api/v1/report"));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.json(&json!({"node": node, "version": version, "healthy": healthy, "detail": detail}))
        .send()
        .map(|r| r.status().as_u16())
}

/// A refusal of a body the hub does not read: `status`, or the connection closed on it.
fn refused(r: Result<u16, reqwest::Error>, status: u16) {
    match r {
        Ok(s) => assert_eq!(s, status),
        Err(e) => assert!(
            e.is_request() || e.is_body() || e.is_connect(),
            "not a closed connection: {e:?}"
        ),
    }
}

fn api(hub: &Hub, path: &str) -> (u16, Value) {
    let r = hub
        .client()
        .get(hub.url(path))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn page(hub: &Hub, cookie: &str, path: &str) -> (u16, String) {
    let r = raw(hub)
        .get(hub.url(path))
        .header("cookie", cookie)
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// The part of `html` from the element carrying `marker` to the next card.
fn card<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in {html}"));
    let rest = &html[start..];
    let end = rest[1..]
        .find("<div class=\"card")
        .map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn each_attempt_is_recorded_once_and_a_hostile_reason_is_kept_bounded_and_shown_escaped() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let _keys = publish(&dir, &["2.1.0"]);
    let hub = Hub::start(&dir, NOW);
    let token = register(&hub, "Lab <b>&", "cc1.example.com");

    // cc-a upgrades; its report is sent twice (the first answer was lost).
    assert_eq!(poll(&hub, &token, "cc-a", "2.0.0"), "install");
    assert_eq!(report(&hub, &token, "cc-a", "2.1.0", true, ""), 200);
    assert_eq!(report(&hub, &token, "cc-a", "2.1.0", true, ""), 200);
    // cc-b fails, with a reason that would move a terminal's cursor and inject markup, 100 KB
    // long (more than the usual bound of a request: a registered node's report may be), twice.
    let hostile = format!(
        "\u{1b}[2J\u{1b}[31m<script>alert(1)</script>\r\nforged line{}",
        "A".repeat(100 * 1024)
    );
    hub.set_time("2026-12-03T03:20:00Z");
    assert_eq!(poll(&hub, &token, "cc-b", "2.0.0"), "install");
    hub.set_time("2026-12-03T03:31:00Z");
    assert_eq!(report(&hub, &token, "cc-b", "2.1.0", false, &hostile), 200);
    assert_eq!(report(&hub, &token, "cc-b", "2.1.0", false, &hostile), 200);

    // The API: two attempts, newest first, the reason one bounded line.
    let (status, h) = api(&hub, "/api/v1/clusters/Lab%20%3Cb%3E%26/history");
    assert_eq!(status, 200, "{h}");
    assert_eq!(
        (h["total"].as_u64(), h["pages"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(h["display_name"], "Lab <b>&");
    let attempts = h["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{h}");
    let (b, a) = (&attempts[0], &attempts[1]);
    assert_eq!(
        (&b["node"], &b["version"], &b["from_version"], &b["result"]),
        (
            &json!("cc-b"),
            &json!("2.1.0"),
            &json!("2.0.0"),
            &json!("failed")
        )
    );
    assert_eq!(b["started_at"], "2026-12-03T03:20:00Z");
    assert_eq!(b["ended_at"], "2026-12-03T03:31:00Z");
    let why = b["why"].as_str().unwrap();
    assert_eq!(why.chars().count(), 1000, "{why}");
    assert!(why.ends_with('…'));
    assert!(!why.chars().any(char::is_control), "{why:?}");
    assert!(
        why.starts_with("\\u{1b}[2J\\u{1b}[31m<script>alert(1)</script>\\u{d}\\u{a}forged lineAAA"),
        "{why}"
    );
    assert_eq!(
        (&a["node"], &a["result"], &a["started_at"], &a["ended_at"]),
        (&json!("cc-a"), &json!("upgraded"), &json!(NOW), &json!(NOW))
    );
    // Past the last page is the last page; a page that means nothing is refused.
    assert_eq!(
        api(&hub, "/api/v1/clusters/Lab%20%3Cb%3E%26/history?page=7").1["page"],
        1
    );
    for bad in ["0", "-1", "x"] {
        let (status, v) = api(
            &hub,
            &format!("/api/v1/clusters/Lab%20%3Cb%3E%26/history?page={bad}"),
        );
        assert_eq!(status, 400, "{v}");
    }
    assert_eq!(api(&hub, "/api/v1/clusters/Nope/history").0, 404);
    // The log has the reason bounded and escaped too.
    let log = hub.log();
    let line = log
        .lines()
        .find(|l| l.contains("reports 2.1.0 failed"))
        .unwrap();
    assert!(line.len() < 2000 && !line.contains('\u{1b}'), "{line}");

    // The page, on the cluster's clock (Berlin) with UTC in the title; the reason escaped.
    let r = crate::hub_rollout::hub(
        &dir,
        &[
            "--now",
            NOW,
            "cluster",
            "schedule",
            "set",
            "Lab <b>&",
            "--time-zone",
            "Europe/Berlin",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (cookie, _) = crate::hub_hostile::sign_in(&hub, "/cloudconnect");
    let (status, list) = page(&hub, &cookie, "/cloudconnect");
    assert_eq!(status, 200);
    let link = "href=\"/cloudconnect/history?name=Lab%20%3Cb%3E%26\"";
    assert!(list.contains(link), "{list}");
    let (status, html) = page(&hub, &cookie, "/cloudconnect/history?name=Lab%20%3Cb%3E%26");
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("<script>") && !html.contains('\u{1b}') && !html.contains('\r'));
    assert!(html.contains("\\u{1b}[2J\\u{1b}[31m&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(
        html.contains("Rollout history of Lab &lt;b&gt;&amp;"),
        "{html}"
    );
    assert_eq!(html.matches("class=\"card attempt\"").count(), 2);
    let b = card(&html, "data-node=\"cc-b\"");
    assert!(
        b.contains("data-result=\"failed\"") && b.contains(">Failed</span>"),
        "{b}"
    );
    assert!(
        b.contains("<time title=\"2026-12-03 03:20 UTC\">2026-12-03 04:20 CET</time>"),
        "{b}"
    );
    let a = card(&html, "data-node=\"cc-a\"");
    assert!(
        a.contains(">Upgraded</span>") && a.contains(">2.0.0<"),
        "{a}"
    );
    assert!(html.len() < 20_000, "{} bytes", html.len());
    // A page number that means nothing, and an unknown cluster.
    assert_eq!(
        page(&hub, &cookie, "/cloudconnect/history?name=Nope").0,
        404
    );
    assert_eq!(
        page(
            &hub,
            &cookie,
            "/cloudconnect/history?name=Lab%20%3Cb%3E%26&page=x"
        )
        .0,
        400
    );
    hub.stop();
}

#[test]
fn a_large_report_is_read_only_from_a_registered_node_and_is_bounded() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let _keys = publish(&dir, &["2.1.0"]);
    let hub = Hub::start(&dir, NOW);
    let token = register(&hub, "Lab", "cc1.example.com");
    assert_eq!(poll(&hub, &token, "cc-a", "2.0.0"), "install");
    let big = "x".repeat(100 * 1024);
    // No token, or one of no cluster: refused before the body is read.
    refused(try_report(&hub, None, "cc-a", "2.1.0", false, &big), 401);
    refused(
        try_report(&hub, Some(&"0".repeat(64)), "cc-a", "2.1.0", false, &big),
        403,
    );
    // Over 256 KiB: too large even from the cluster's node.
    let huge = "x".repeat(300 * 1024);
    refused(
        try_report(&hub, Some(&token), "cc-a", "2.1.0", false, &huge),
        413,
    );
    // Nothing of those was recorded.
    let (_, h) = api(&hub, "/api/v1/clusters/Lab/history");
    assert_eq!(h["attempts"][0]["result"], Value::Null, "{h}");
    assert_eq!(h["attempts"][0]["ended_at"], Value::Null, "{h}");
    // 100 KB from it: recorded, bounded.
    assert_eq!(report(&hub, &token, "cc-a", "2.1.0", false, &big), 200);
    let (_, h) = api(&hub, "/api/v1/clusters/Lab/history");
    assert_eq!(h["total"], 1);
    assert_eq!(h["attempts"][0]["result"], "failed");
    assert_eq!(
        h["attempts"][0]["why"].as_str().unwrap().chars().count(),
        1000
    );
    hub.stop();
}

#[test]
fn the_releases_page_counts_each_releases_clusters_and_nodes_and_withdraws_from_there() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let _keys = publish(&dir, &["2.0.0", "2.1.0"]);
    let hub = Hub::start(&dir, NOW);
    let a = register(&hub, "Lab A", "cc1.example.com");
    let b = register(&hub, "Lab B", "cc2.example.com");
    // Lab A: a1 upgraded to 2.1.0 (and polls running it), a2 upgrading.
    assert_eq!(poll(&hub, &a, "a1", "2.0.0"), "install");
    assert_eq!(report(&hub, &a, "a1", "2.1.0", true, ""), 200);
    assert_eq!(poll(&hub, &a, "a1", "2.1.0"), "up-to-date");
    assert_eq!(poll(&hub, &a, "a2", "2.0.0"), "install");
    // Lab B: b1 failed on it (the rollout stops), b2 has it pending.
    assert_eq!(poll(&hub, &b, "b1", "2.0.0"), "install");
    assert_eq!(
        report(
            &hub,
            &b,
            "b1",
            "2.1.0",
            false,
            "health check failed, kept 2.0.0: it exited"
        ),
        200
    );
    assert_eq!(poll(&hub, &b, "b2", "2.0.0"), "wait");

    let (status, v) = api(&hub, "/api/v1/releases");
    assert_eq!(status, 200, "{v}");
    let of = |v: &Value, version: &str| {
        v["releases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["version"] == version)
            .unwrap()
            .clone()
    };
    let one = json!({"clusters": 1, "nodes": 1});
    let none = json!({"clusters": 0, "nodes": 0});
    assert_eq!(
        of(&v, "2.1.0")["fleet"],
        json!({"running": one, "upgrading": one, "failed": one, "pending": one})
    );
    assert_eq!(
        of(&v, "2.0.0")["fleet"],
        json!({"running": {"clusters": 2, "nodes": 3}, "upgrading": none, "failed": none, "pending": none})
    );
    assert_eq!(of(&v, "2.1.0")["withdrawn_at"], Value::Null);
    // The history says the same of b1: switched back (its health check failed).
    let (_, h) = api(&hub, "/api/v1/clusters/Lab%20B/history");
    assert_eq!(h["attempts"][0]["result"], "switched-back", "{h}");

    // The page: each release's card with its counts and Withdraw.
    let (cookie, _) = crate::hub_hostile::sign_in(&hub, "/releases");
    let (status, html) = page(&hub, &cookie, "/releases");
    assert_eq!(status, 200);
    let newest = card(&html, "data-version=\"2.1.0\"");
    for (class, text) in [
        ("running", "1 cluster, 1 node"),
        ("upgrading s-upgrading", "1 cluster, 1 node"),
        ("failed s-failed", "1 cluster, 1 node"),
        ("pending", "1 cluster, 1 node"),
    ] {
        assert!(
            newest.contains(&format!("<td class=\"{class}\">{text}</td>")),
            "{class}: {newest}"
        );
    }
    assert!(newest.contains("class=\"danger withdraw\""), "{newest}");
    let older = card(&html, "data-version=\"2.0.0\"");
    assert!(
        older.contains("<td class=\"running\">2 clusters, 3 nodes</td>")
            && older.contains("<td class=\"pending\">none (not offered)</td>"),
        "{older}"
    );
    let csrf = newest
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let withdraw = |token: &str| {
        raw(&hub)
            .post(hub.url("/releases/withdraw"))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                serde_urlencoded::to_string([
                    ("csrf", token),
                    ("version", "2.1.0"),
                    ("acknowledge", "yes"),
                ])
                .unwrap(),
            )
            .send()
            .unwrap()
    };
    // A form from elsewhere is refused and withdraws nothing.
    assert_eq!(withdraw("forged").status(), 403);
    assert_eq!(
        of(&api(&hub, "/api/v1/releases").1, "2.1.0")["withdrawn_at"],
        Value::Null
    );
    let r = withdraw(&csrf);
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, "/releases?notice=withdrawn&version=2.1.0");
    let (_, html) = page(&hub, &cookie, &to);
    assert!(html.contains("Release 2.1.0 is withdrawn"), "{html}");
    let newest = card(&html, "data-version=\"2.1.0\"");
    assert!(
        newest.contains("(withdrawn)") && !newest.contains("withdraw\">"),
        "{newest}"
    );
    // Withdrawn: it keeps its counts, has nothing pending (it is offered no more).
    let v = api(&hub, "/api/v1/releases").1;
    assert_eq!(of(&v, "2.1.0")["withdrawn_by"], "admin");
    assert_eq!(of(&v, "2.1.0")["fleet"]["pending"], none);
    assert_eq!(of(&v, "2.1.0")["fleet"]["failed"], one);
    // Twice: refused with why, the page and its counts still shown.
    let again = withdraw(&csrf);
    assert_eq!(again.status(), 400);
    let html = crate::hub_hostile::unescape(&again.text().unwrap());
    assert!(html.contains("withdrawn already"), "{html}");
    assert!(card(&html, "data-version=\"2.0.0\"").contains("2 clusters, 3 nodes"));
    hub.stop();
}
