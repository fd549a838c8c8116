//! The hub's pages, its JSON API and the publisher's consent page against hostile input
//! (issue 14): forged forms, open redirects, a forged Host, markup in names, guessed
//! passwords, malformed schedules, hostile consent links and a hub that lies about its
//! certificate.

use crate::cluster::pair;
use crate::hub_rollout::{Hub, HUB_ACCOUNT, HUB_PASSWORD};
use crate::util::run;

/// A client of the hub that follows no redirect (the Location is what is checked).
fn raw(hub: &Hub) -> reqwest::blocking::Client {
    let pem = std::fs::read(hub.dir.join("tls/cert.pem")).unwrap();
    reqwest::blocking::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// A page's text with HTML's entities read back.
pub(crate) fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

/// The sign-in form as a browser gets it: its cookie (`name=value`) and its token.
pub(crate) fn login_form(hub: &Hub) -> (String, String) {
    let r = raw(hub).get(hub.url("/login")).send().unwrap();
    assert_eq!(r.status(), 200);
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.starts_with("ccadmin_hub_login=")
            && set.contains("Path=/login")
            && set.contains("HttpOnly")
            && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    let html = r.text().unwrap();
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    (cookie, token)
}

/// Sign in with `next`; the session cookie and where the hub sends the browser.
pub(crate) fn sign_in(hub: &Hub, next: &str) -> (String, String) {
    let (login_cookie, token) = login_form(hub);
    let r = raw(hub)
        .post(hub.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", login_cookie)
        .body(form(&[
            ("csrf", &token),
            ("name", HUB_ACCOUNT),
            ("password", HUB_PASSWORD),
            ("next", next),
        ]))
        .send()
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let cookie_attrs = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie_attrs.contains("HttpOnly")
            && cookie_attrs.contains("Secure")
            && cookie_attrs.contains("SameSite=Lax"),
        "{cookie_attrs}"
    );
    (cookie, r.headers()["location"].to_str().unwrap().to_owned())
}

#[test]
fn the_hub_refuses_forged_forms_redirects_markup_and_guesses() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let c = raw(&hub);

    // After signing in only a path of this hub is followed.
    for evil in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        // Regression (issue 24, finding 7): a browser drops the tab and reads `//HOST:PORT/x`.
        "/\t/evil.example:1/x",
        "/\n/evil.example/x",
        "/./\t/evil.example/x",
        "/.//evil.example/x",
        "/%2e//evil.example/x",
        "https://evil.example@localhost/x",
    ] {
        assert_eq!(sign_in(&hub, evil).1, "/cloudconnect", "{evil}");
    }
    let (cookie, to) = sign_in(&hub, "/releases");
    assert_eq!(to, "/releases");
    let (_, to) = sign_in(&hub, "/cloudconnect/settings?name=Lab+A");
    assert_eq!(to, "/cloudconnect/settings?name=Lab+A");

    // The page carries the headers a page for people needs.
    let page = c
        .get(hub.url("/cloudconnect"))
        .header("cookie", &cookie)
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    // POST the Add form: with this cookie (if any) and Host (if any), this token and name.
    let add = |cookie: Option<&str>, host: Option<&str>, token: &str, name: &str| {
        let mut req = c
            .post(hub.url("/cloudconnect/add"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", token),
                ("display_name", name),
                ("fqdn", "localhost:1"),
            ]));
        if let Some(v) = cookie {
            req = req.header("cookie", v);
        }
        if let Some(v) = host {
            req = req.header("host", v);
        }
        req.send().unwrap()
    };
    // A form without the session's token (another site's) is refused and does nothing.
    for token in ["", "0000", &"a".repeat(csrf.len())] {
        assert_eq!(add(Some(&cookie), None, token, "Forged").status(), 403);
    }
    // Without a session: refused.
    assert_eq!(add(None, None, &csrf, "Forged").status(), 401);
    assert!(
        !hub.log().contains("registration of Forged"),
        "{}",
        hub.log()
    );
    // A forged Host never becomes the hub's address in a link.
    let r = add(
        Some(&cookie),
        Some("evil.example\"><script>"),
        &csrf,
        "Forged",
    );
    assert_eq!(r.status(), 400);
    // The real form sends the browser to the publisher with the code; control characters in
    // the display name are refused.
    let r = add(Some(&cookie), None, &csrf, "Bad\u{1b}[31mName");
    assert_eq!(r.status(), 400);
    assert!(r.text().unwrap().contains("control characters"));

    // Markup in a display name is shown as text.
    let markup = "<script>alert(1)</script>";
    let r = c
        .post(hub.url("/api/v1/clusters"))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .json(&serde_json::json!({"display_name": markup, "fqdn": "cc1.example.com"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let link = r.json::<serde_json::Value>().unwrap()["register_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let q: Vec<(String, String)> = reqwest::Url::parse(&link)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let t = std::time::Duration::from_secs(10);
    let (id, cert) = ccadmin::clients::hub::identity(&hub.url(""), t).unwrap();
    let client = ccadmin::clients::hub::HubClient::new(&hub.url(""), &cert, None, t).unwrap();
    client
        .register(
            &id.hub_id,
            &get("code"),
            "cc1.example.com",
            &"cd".repeat(32),
        )
        .unwrap();
    let html = c
        .get(hub.url("/cloudconnect"))
        .header("cookie", &cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!html.contains(markup), "markup reached the page raw");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{html}");
    // Postpone says what it does (issue 24, finding 15): it skips the next window; it does
    // not move the schedule by a period.
    let settings = c
        .get(hub.url(&format!(
            "/cloudconnect/settings?{}",
            serde_urlencoded::to_string([("name", markup)]).unwrap()
        )))
        .header("cookie", &cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        settings.contains("skips the next upgrade window, once") && !settings.contains("period"),
        "{settings}"
    );

    // The JSON API: an account is required, guesses are limited, bodies are checked.
    let r = c.get(hub.url("/api/v1/clusters")).send().unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let list = c
        .get(hub.url("/api/v1/clusters"))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .send()
        .unwrap();
    assert_eq!(
        list.json::<serde_json::Value>().unwrap()["clusters"][0]["display_name"],
        markup
    );
    let name = percent_encoding::utf8_percent_encode(markup, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let put = |body: serde_json::Value| {
        c.put(hub.url(&format!("/api/v1/clusters/{name}/schedule")))
            .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
            .json(&body)
            .send()
            .unwrap()
    };
    assert_eq!(
        put(serde_json::json!({"hour": 4, "evil": true})).status(),
        400
    );
    let bad = put(serde_json::json!({"time_zone": "../../etc/localtime"}));
    assert_eq!(bad.status(), 400);
    assert!(bad.text().unwrap().contains("time zone"));
    let bad = put(serde_json::json!({"hour": 24}));
    assert_eq!(bad.status(), 400);
    let ok = put(
        serde_json::json!({"frequency": "monthly", "day": 15, "hour": 4, "time_zone": "America/New_York"}),
    );
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<serde_json::Value>().unwrap()["cluster"]["next_upgrade"]["start"],
        "2026-12-15T09:00:00Z"
    );
    let mut limited = false;
    for _ in 0..20 {
        let r = c
            .get(hub.url("/api/v1/clusters"))
            .basic_auth(HUB_ACCOUNT, Some("guess"))
            .send()
            .unwrap();
        if r.status() == 429 {
            limited = true;
            break;
        }
        assert_eq!(r.status(), 401);
    }
    assert!(limited, "password guesses are not limited");
}

#[test]
fn the_consent_page_refuses_hostile_links_and_a_hub_that_lies() {
    let pair = pair();
    let publisher = &pair.publisher;
    let c = publisher.client();
    let hub_id = "0123456789abcdef0123456789abcdef";
    let code = "fedcba9876543210fedcba9876543210";
    let page = |fields: &[(&str, &str)]| {
        let r = c
            .get(publisher.url(&format!("/cloudconnect/register?{}", form(fields))))
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap())
    };
    let fqdn = format!("localhost:{}", publisher.port);
    let good = |k: &str, v: &str| {
        let mut f = vec![
            ("hub", "https://127.0.0.1:9"),
            ("hub_id", hub_id),
            ("code", code),
            ("name", "Lab"),
            ("fqdn", fqdn.as_str()),
        ];
        f.retain(|(n, _)| *n != k);
        let mut f: Vec<(String, String)> = f
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect();
        f.push((k.to_owned(), v.to_owned()));
        f
    };
    let ask = |f: Vec<(String, String)>| {
        let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        page(&refs)
    };
    for (k, v, expect) in [
        ("hub", "javascript:alert(1)", "is not https://HOST[:PORT]"),
        (
            "hub",
            "https://127.0.0.1:9/evil?x=<b>",
            "is not https://HOST[:PORT]",
        ),
        ("code", "<b>bold</b>", "carries no registration code"),
        ("name", "Lab\u{7}\u{1b}]0;x", "display name is not one"),
        ("fqdn", "localhost:99999", "FQDN is not one"),
    ] {
        let (status, text) = ask(good(k, v));
        assert_eq!(status, 400, "{k}={v}: {text}");
        assert!(unescape(&text).contains(expect), "{k}={v}: {text}");
        assert!(
            !text.contains("<b>bold") && !text.contains('\u{1b}'),
            "{text}"
        );
    }
    // A hub that does not answer: said, nothing stored.
    let (status, text) = ask(good("hub", "https://127.0.0.1:9"));
    assert_eq!(status, 502, "{text}");
    assert!(unescape(&text).contains("No hub answered at"), "{text}");

    // A "hub" whose identity names another certificate than the one it presents (something
    // in between): refused before anything is shown or sent.
    let certs = crate::jfrog::certs(&["localhost"], false);
    let liar = tiny_http::Server::https(
        "127.0.0.1:0",
        tiny_http::SslConfig {
            certificate: certs.cert_pem.into_bytes(),
            private_key: certs.key_pem.into_bytes(),
        },
    )
    .unwrap();
    let liar_port = liar.server_addr().to_ip().unwrap().port();
    let answered = std::thread::spawn(move || {
        let mut n = 0;
        while let Ok(Some(req)) = liar.recv_timeout(std::time::Duration::from_secs(5)) {
            n += 1;
            let body = format!(
                "{{\"hub_id\":\"{hub_id}\",\"cert_sha256\":\"{}\"}}",
                "00".repeat(32)
            );
            let _ = req.respond(tiny_http::Response::from_string(body));
        }
        n
    });
    let (status, text) = ask(good("hub", &format!("https://localhost:{liar_port}")));
    assert_eq!(status, 403, "{text}");
    assert!(
        unescape(&text).contains("not the one the hub names"),
        "{text}"
    );
    assert_eq!(answered.join().unwrap(), 1, "only the identity was asked");
    assert!(run(
        &pair.p,
        &["utils", "cloudconnect", "show", "registration"],
        ""
    )
    .stdout
    .contains("not registered"));

    // On the subscriber the page says to use the publisher.
    let s = pair.subscriber.as_ref().unwrap();
    let r = s
        .client()
        .get(s.url(&format!(
            "/cloudconnect/register?{}",
            form(&[("hub", "https://127.0.0.1:9")])
        )))
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().unwrap().contains("publisher"));
}

/// Regression (issue 24, finding 14): the sign-in form had no token, so another site could
/// sign a browser in to an account of its choosing (login CSRF); and `?notice=` put any text
/// in the success banner. The form's token must come back with its cookie, checked before the
/// password; a banner is chosen by a code and shows only what the hub looks up.
#[test]
fn the_sign_in_form_carries_a_token_and_a_banner_is_chosen_by_code() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let c = raw(&hub);
    let post = |cookie: Option<&str>, token: &str| {
        let mut req = c
            .post(hub.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", token),
                ("name", HUB_ACCOUNT),
                ("password", HUB_PASSWORD),
                ("next", "/releases"),
            ]));
        if let Some(v) = cookie {
            req = req.header("cookie", v);
        }
        req.send().unwrap()
    };
    let (login_cookie, token) = login_form(&hub);
    let (_, other_token) = login_form(&hub);
    // Another site's form: no cookie, or a token that is not the cookie's.
    for (cookie, token) in [
        (None, token.as_str()),
        (None, ""),
        (Some(login_cookie.as_str()), ""),
        (Some(login_cookie.as_str()), other_token.as_str()),
        (Some("ccadmin_hub_login="), ""),
    ] {
        let r = post(cookie, token);
        assert_eq!(r.status(), 403, "{cookie:?} {token}");
        let session_set = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("ccadmin_hub_session="));
        assert!(!session_set, "a session was started");
        let html = unescape(&r.text().unwrap());
        assert!(
            html.contains("stale or did not come from this hub"),
            "{html}"
        );
    }
    assert!(!hub.log().contains("admin signed in"), "{}", hub.log());
    // The form as the browser got it signs in.
    let r = post(Some(&login_cookie), &token);
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/releases");

    let (cookie, _) = sign_in(&hub, "/cloudconnect");
    let page = |path: &str| {
        unescape(
            &c.get(hub.url(path))
                .header("cookie", &cookie)
                .send()
                .unwrap()
                .text()
                .unwrap(),
        )
    };
    for path in [
        "/cloudconnect?notice=Your+hub+was+compromised.+Call+555-0100",
        "/cloudconnect?notice=registered&name=Your+hub+was+compromised",
        "/releases?notice=withdrawn&version=Your+hub+was+compromised",
        "/cloudconnect/settings?name=x&notice=saved",
    ] {
        let html = page(path);
        assert!(!html.contains("compromised"), "{path}: {html}");
        assert!(!html.contains("id=\"notice\""), "{path}: {html}");
    }
    assert!(page("/cloudconnect?notice=unregistered").contains("The cluster is unregistered."));
}

/// Regression (issue 24, finding 6): the releases page offered no way to withdraw a broken
/// release. *Withdraw* (with the session's token) records who and when; it is shown, and never
/// offered again.
#[test]
fn a_release_is_withdrawn_from_the_releases_page() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = crate::patches::keypair(keys.path(), "release");
    let archive = keys.path().join("ccadmin-2.1.0.tar.gz");
    std::fs::write(&archive, b"a broken release").unwrap();
    crate::hub_rollout::sign_and_publish(&dir, &secret, &archive, "2.1.0");
    let hub = Hub::start(&dir, "2026-12-03T02:00:00Z");
    let c = raw(&hub);
    let (cookie, _) = sign_in(&hub, "/releases");
    let html = c
        .get(hub.url("/releases"))
        .header("cookie", &cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(html.contains("class=\"danger withdraw\""), "{html}");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let withdraw = |token: &str| {
        c.post(hub.url("/releases/withdraw"))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", token),
                ("version", "2.1.0"),
                ("acknowledge", "yes"),
            ]))
            .send()
            .unwrap()
    };
    assert_eq!(withdraw("forged").status(), 403);
    // It cannot be undone: without the acknowledgement nothing is withdrawn.
    let unticked = c
        .post(hub.url("/releases/withdraw"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("csrf", csrf.as_str()), ("version", "2.1.0")]))
        .send()
        .unwrap();
    assert_eq!(unticked.status(), 400);
    let says = unticked.text().unwrap();
    assert!(
        says.contains("Nothing was withdrawn: tick that 2.1.0 will never be offered again"),
        "{says}"
    );
    let r = withdraw(&csrf);
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, "/releases?notice=withdrawn&version=2.1.0");
    let html = unescape(
        &c.get(hub.url(&to))
            .header("cookie", &cookie)
            .send()
            .unwrap()
            .text()
            .unwrap(),
    );
    assert!(
        html.contains("Release 2.1.0 is withdrawn; it will never be offered again."),
        "{html}"
    );
    assert!(
        html.contains("2026-12-03T02:00:00Z by admin; never offered again"),
        "{html}"
    );
    assert!(!html.contains("class=\"danger withdraw\""), "{html}");
    assert!(hub.log().contains("admin: withdrew release 2.1.0"));
    let list = crate::hub_rollout::hub(&dir, &["--output", "json", "release", "list"], "");
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v["releases"][0]["withdrawn_by"], "admin");
    // Twice: refused, said why.
    let again = withdraw(&csrf);
    assert_eq!(again.status(), 400);
    assert!(unescape(&again.text().unwrap()).contains("withdrawn already"));
}

/// The resident memory of process `pid`, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb * 1024
}

/// Regression (issue 24, finding 8): the hub grew from 17 to 422 MB over 8 bursts of 200 bad
/// sign-ins (each argon2 check's 19 MiB block stayed in the arena of the thread that made it);
/// `ccadmin serve` gives them back. Bursts of bad sign-ins from many addresses (so they are
/// checked, not refused by the limits) leave the hub's memory where it was.
#[test]
fn bursts_of_bad_sign_ins_leave_the_hubs_memory_where_it_was() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let (login_cookie, token) = login_form(&hub);
    let pem = std::fs::read(hub.dir.join("tls/cert.pem")).unwrap();
    // One burst: `n` sign-ins at once, each from its own loopback address and account name.
    let burst = |round: usize, n: usize| {
        let checked = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for i in 0..n {
                let (pem, cookie, token, hub, checked) =
                    (&pem, &login_cookie, &token, &hub, &checked);
                s.spawn(move || {
                    let addr = std::net::Ipv4Addr::new(127, 0, round as u8 + 1, i as u8 + 2);
                    let c = reqwest::blocking::Client::builder()
                        .tls_certs_only(reqwest::Certificate::from_pem_bundle(pem).unwrap())
                        .redirect(reqwest::redirect::Policy::none())
                        .local_address(std::net::IpAddr::V4(addr))
                        .no_proxy()
                        .build()
                        .unwrap();
                    let r = c
                        .post(hub.url("/login"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("cookie", cookie.as_str())
                        .body(form(&[
                            ("csrf", token),
                            ("name", &format!("nobody-{round}-{i}")),
                            ("password", "Not-The-Password-1"),
                        ]))
                        .send()
                        .unwrap();
                    assert!([401, 503].contains(&r.status().as_u16()), "{}", r.status());
                    if r.status() == 401 {
                        checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                });
            }
        });
        checked.into_inner()
    };
    // A first burst brings the runtime's threads and buffers to their working size.
    burst(0, 16);
    let before = rss(hub.pid());
    let mut checked = 0;
    for round in 1..=8 {
        checked += burst(round, 24);
    }
    let after = rss(hub.pid());
    assert!(checked >= 16, "only {checked} sign-ins were checked");
    // Two checks run at once (19 MiB each); what stays is far less than even one more block
    // per thread that checked a password.
    let grown = after.saturating_sub(before);
    assert!(
        grown < 40 << 20,
        "the hub grew by {} MiB over {checked} checked sign-ins ({} → {} MiB)",
        grown >> 20,
        before >> 20,
        after >> 20
    );
}

/// Regression (issue 24, finding 10): under a 256-descriptor limit, 160 idle sockets from one
/// address took every connection (128) and `/health` went unanswered for everyone else. One
/// address holds at most half of them; another address is still answered.
#[test]
fn one_address_cannot_take_every_connection() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let mut child = std::process::Command::new("prlimit")
        .arg("--nofile=256:256")
        .arg(crate::util::bin())
        .args(["hub", "--hub-dir", dir.to_str().unwrap()])
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("prlimit (util-linux) runs the hub with a low descriptor limit");
    let log = dir.join("logs/hub.log");
    let mut port = 0u16;
    crate::util::wait_for(
        "the hub to listen",
        std::time::Duration::from_secs(30),
        || {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            match text.split("listening on https://127.0.0.1:").nth(1) {
                Some(rest) => {
                    port = rest.split_whitespace().next().unwrap().parse().unwrap();
                    true
                }
                None => false,
            }
        },
    );
    // 160 sockets from 127.0.0.1 that never start TLS (each is held until the handshake
    // timeout). They are all queued before the request below, so they are accepted first.
    let idle: Vec<std::net::TcpStream> = (0..160)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let pem = std::fs::read(dir.join("tls/cert.pem")).unwrap();
    let other = reqwest::blocking::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
        .local_address(std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2)))
        .no_proxy()
        .build()
        .unwrap();
    let r = other
        .get(format!("https://localhost:{port}/api/v1/identity"))
        .send()
        .expect("another address is answered while one holds its share");
    assert_eq!(r.status(), 200);
    drop(idle);
    let _ = child.kill();
    let _ = child.wait();
}
