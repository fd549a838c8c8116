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

/// Sign in with `next`; the session cookie and where the hub sends the browser.
pub(crate) fn sign_in(hub: &Hub, next: &str) -> (String, String) {
    let r = raw(hub)
        .post(hub.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
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
    ] {
        assert_eq!(sign_in(&hub, evil).1, "/cloudconnect", "{evil}");
    }
    let (cookie, to) = sign_in(&hub, "/releases");
    assert_eq!(to, "/releases");

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
    assert!(unescape(&text).contains("cannot reach the hub"), "{text}");

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
