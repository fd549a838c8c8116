//! The node's side of a registration (issue 24): only the administrator's intent registers the
//! cluster. A registered cluster refuses a consent link until the administrator unregisters it
//! at the console; a link made for another publisher is refused and the node sends the hub its
//! own name; the page's look-up of a link's hub is bounded, limited and says one neutral thing;
//! a hostile hub's or node's text never writes a line of its own; unregistering says what the
//! hub made of it; a failure page leads back to the hub.

use std::net::TcpListener;
use std::path::Path;

use crate::cluster::{pair, PASSWORD};
use crate::hub_rollout::{hub, register, registration, Hub, HUB_ACCOUNT, HUB_PASSWORD};
use crate::util::run;

use crate::hub_hostile::unescape;

/// A consent link for `fqdn` issued by the hub's API; its query's fields.
fn link_fields(hub: &Hub, name: &str, fqdn: &str) -> Vec<(String, String)> {
    let r = hub
        .client()
        .post(hub.url("/api/v1/clusters"))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .json(&serde_json::json!({"display_name": name, "fqdn": fqdn}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let link = r.json::<serde_json::Value>().unwrap()["register_url"]
        .as_str()
        .unwrap()
        .to_owned();
    reqwest::Url::parse(&link)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn query(fields: &[(String, String)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

/// The consent page for `fields` on the publisher: status and text.
fn consent_get(publisher: &crate::serve::Served, fields: &[(String, String)]) -> (u16, String) {
    let r = publisher
        .client()
        .get(publisher.url(&format!("/cloudconnect/register?{}", query(fields))))
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// The consent form posted for `fields` with the application user, allowing `cert_sha256`.
fn consent_post(
    publisher: &crate::serve::Served,
    fields: &[(String, String)],
    cert_sha256: &str,
) -> (u16, String) {
    let mut f = fields.to_vec();
    f.push(("cert_sha256".into(), cert_sha256.into()));
    f.push(("user".into(), "ccadmin".into()));
    f.push(("password".into(), PASSWORD.into()));
    let r = publisher
        .client()
        .post(publisher.url("/cloudconnect/register"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(query(&f))
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

fn token_of(st: &Path) -> Option<String> {
    crate::util::slot_secret(st, "hub-token")
}

/// The SHA-256 of the hub's certificate, read from its file (asking the hub would show in its
/// log).
fn cert_sha256_of(hub: &Hub) -> String {
    use rustls_pki_types::pem::PemObject;
    let pem = std::fs::read(hub.dir.join("tls/cert.pem")).unwrap();
    let der = rustls_pki_types::CertificateDer::from_pem_slice(&pem).unwrap();
    crate::patches::sha256(der.as_ref())
}

fn clusters_at(hub: &Hub) -> serde_json::Value {
    let r = crate::hub_rollout::hub(&hub.dir, &["--output", "json", "cluster", "list"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["clusters"].clone()
}

fn forged_line(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with("admin:"))
}

/// Finding 1: an application user who opens a consent link of a hub of their own while the
/// cluster is registered changes nothing — registration, token, pinned certificate; the page
/// says why and what the administrator does. Unregistered at the console, a link registers.
#[test]
fn an_application_user_cannot_re_point_a_registered_cluster() {
    let d = tempfile::tempdir().unwrap();
    let real = Hub::start(&d.path().join("real"), "2026-12-03T02:00:00Z");
    let theirs = Hub::start(&d.path().join("theirs"), "2026-12-03T02:00:00Z");
    let pair = pair();
    let (p, publisher) = (&pair.p, &pair.publisher);
    register(&real, publisher, "Lab");
    let before = registration(p);
    assert_eq!(before["hub"], real.url(""));
    let token = token_of(p).expect("registered: a token");

    let fqdn = format!("localhost:{}", publisher.port);
    let fields = link_fields(&theirs, "Mine", &fqdn);
    let (status, page) = consent_get(publisher, &fields);
    let text = unescape(&page);
    assert_eq!(status, 403, "{text}");
    assert!(
        text.contains("This Cloud Connect cluster is registered with a hub already")
            && text.contains("utils cloudconnect unregister"),
        "{text}"
    );
    assert!(!page.contains("id=\"allow\""), "a form is offered: {page}");
    // The page does not tell an anonymous visitor which hub it is registered with.
    assert!(!text.contains(&real.url("")), "{text}");
    let (status, page) = consent_post(publisher, &fields, &cert_sha256_of(&theirs));
    assert_eq!(status, 403, "{page}");
    assert!(
        unescape(&page).contains("registered with a hub already"),
        "{page}"
    );

    // Nothing changed, and their hub was never asked anything by the node.
    assert_eq!(registration(p), before);
    assert_eq!(token_of(p).as_deref(), Some(token.as_str()));
    assert_eq!(clusters_at(&theirs), serde_json::json!([]));
    let their_log = theirs.log();
    assert!(
        !their_log.contains("/api/v1/register") && !their_log.contains("/api/v1/identity"),
        "{their_log}"
    );

    // The administrator's way: unregister at the console, then the link of the new hub.
    let r = run(p, &["-y", "utils", "cloudconnect", "unregister"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done = register(&theirs, publisher, "Mine");
    assert!(done.contains("Access allowed"), "{done}");
    assert_eq!(registration(p)["hub"], theirs.url(""));
    assert_ne!(token_of(p).as_deref(), Some(token.as_str()));
}

/// Finding 2 (and 15's failure pages): a code issued for another publisher, with only the
/// link's host changed, registers nothing: the page refuses a link that names another
/// publisher than this node, before any look-up and when posted; the failure page leads back
/// to the hub.
#[test]
fn a_code_bound_to_another_fqdn_registers_no_other_publisher() {
    let d = tempfile::tempdir().unwrap();
    let h = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let pair = pair();
    let (p, publisher) = (&pair.p, &pair.publisher);
    let fields = link_fields(&h, "Other", "cc-other.example.test");
    let (status, page) = consent_get(publisher, &fields);
    let text = unescape(&page);
    assert_eq!(status, 403, "{text}");
    assert!(
        text.contains(&format!(
            "This link registers the publisher cc-other.example.test:8445; this node is localhost:{}",
            publisher.port
        )),
        "{text}"
    );
    assert!(!page.contains("id=\"allow\""), "{page}");
    assert!(
        text.contains(&format!("id=\"back\" href=\"{}/cloudconnect\"", h.url(""))),
        "no way back to the hub: {text}"
    );
    let (status, page) = consent_post(publisher, &fields, &cert_sha256_of(&h));
    assert_eq!(status, 403, "{page}");
    assert!(
        unescape(&page).contains("This link registers the publisher cc-other.example.test:8445"),
        "{page}"
    );
    assert!(registration(p).is_null());
    assert_eq!(clusters_at(&h), serde_json::json!([]));
    assert!(!h.log().contains("/api/v1/register"), "{}", h.log());

    // The same code with the link's fqdn edited to this node: the node sends its own name,
    // and the hub refuses a code bound to another.
    let edited: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            if k == "fqdn" {
                (k.clone(), format!("localhost:{}", publisher.port))
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let (status, page) = consent_get(publisher, &edited);
    assert_eq!(status, 200, "{page}");
    let (status, page) = consent_post(publisher, &edited, &cert_sha256_of(&h));
    let text = unescape(&page);
    assert_eq!(status, 403, "{text}");
    assert!(
        text.contains("issued for cc-other.example.test:8445"),
        "{text}"
    );
    assert!(
        text.contains(&format!("id=\"back\" href=\"{}/cloudconnect\"", h.url(""))),
        "{text}"
    );
    assert!(registration(p).is_null());
    assert_eq!(clusters_at(&h), serde_json::json!([]));
}

/// Finding 12: whatever is at a link's `hub` — nothing, a port that resets, a tarpit, a server
/// that is not a hub — the page says one and the same neutral sentence (the cause goes to the
/// node's log only), and only a few look-ups run at once: one more is refused at once.
#[test]
fn the_consent_page_is_no_port_scanner_and_no_tarpit_victim() {
    use std::io::Read;
    use std::sync::mpsc;
    let pair = pair();
    let publisher = &pair.publisher;
    let fqdn = format!("localhost:{}", publisher.port);
    let link = |port: u16| -> Vec<(String, String)> {
        [
            ("hub", format!("https://127.0.0.1:{port}")),
            ("hub_id", "0123456789abcdef0123456789abcdef".into()),
            ("code", "fedcba9876543210fedcba9876543210".into()),
            ("name", "Lab".into()),
            ("fqdn", fqdn.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    };
    // The error sentence, with the port taken out.
    let said = |port: u16, (status, page): (u16, String)| -> (u16, String) {
        let text = unescape(&page);
        let e = text
            .split("id=\"error\">")
            .nth(1)
            .unwrap_or_else(|| panic!("no error: {text}"))
            .split('<')
            .next()
            .unwrap()
            .replace(&format!(":{port}"), ":PORT");
        (status, e)
    };

    // Nothing listens (the port is held, not listening, so no other test gets it).
    let closed_port = crate::util::HeldPort::new();
    let closed = closed_port.port;
    // Accepts and closes at once.
    let reset = TcpListener::bind("127.0.0.1:0").unwrap();
    let reset_port = reset.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for c in reset.incoming() {
            drop(c);
        }
    });
    // Answers as a web server that is not a hub, with a banner.
    let certs = crate::jfrog::certs(&["localhost"], false);
    let web = tiny_http::Server::https(
        "127.0.0.1:0",
        tiny_http::SslConfig {
            certificate: certs.cert_pem.into_bytes(),
            private_key: certs.key_pem.into_bytes(),
        },
    )
    .unwrap();
    let web_port = web.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        while let Ok(req) = web.recv() {
            let _ = req.respond(
                tiny_http::Response::from_string(
                    "{\"errors\":[{\"message\":\"secret-banner-of-an-internal-service\"}]}",
                )
                .with_status_code(404),
            );
        }
    });
    // A tarpit: accepts and never answers; each accepted connection is told.
    let tarpit = TcpListener::bind("127.0.0.1:0").unwrap();
    let tarpit_port = tarpit.local_addr().unwrap().port();
    let (accepted_tx, accepted) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in tarpit.incoming().flatten() {
            held.push(c);
            let _ = accepted_tx.send(());
        }
    });

    // As many look-ups as may run at once, all held by the tarpit...
    let slots = ccadmin::ops::cloudconnect::LOOKUPS_AT_ONCE;
    let held: Vec<_> = (0..slots)
        .map(|_| {
            let (c, url) = (
                publisher.client(),
                publisher.url(&format!(
                    "/cloudconnect/register?{}",
                    query(&link(tarpit_port))
                )),
            );
            std::thread::spawn(move || {
                let r = c.get(url).send().unwrap();
                (r.status().as_u16(), r.text().unwrap())
            })
        })
        .collect();
    for _ in 0..slots {
        accepted.recv().unwrap();
    }
    // ...and one more is refused at once, without connecting anywhere.
    let (status, page) = consent_get(publisher, &link(closed));
    assert_eq!(status, 503, "{page}");
    assert!(
        unescape(&page).contains("Too many hubs are being looked up at once"),
        "{page}"
    );
    assert!(accepted.try_recv().is_err(), "a sixth look-up connected");

    let mut sentences = Vec::new();
    for h in held {
        sentences.push(said(tarpit_port, h.join().unwrap()));
    }
    for port in [closed, reset_port, web_port] {
        sentences.push(said(port, consent_get(publisher, &link(port))));
    }
    let first = sentences[0].clone();
    assert_eq!(first.0, 502, "{first:?}");
    assert!(
        first
            .1
            .starts_with("No hub answered at https://127.0.0.1:PORT"),
        "{first:?}"
    );
    for s in &sentences {
        assert_eq!(s, &first, "the page tells one failure from another");
        assert!(!s.1.contains("secret-banner"), "{s:?}");
    }
    // The cause is the node's log's, for the administrator.
    let mut log = String::new();
    std::fs::File::open(pair.p.join("logs/serve.log"))
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.matches("consent page: no hub answered at").count() >= slots + 3,
        "{log}"
    );
    assert!(registration(&pair.p).is_null());
}

/// A hostile "hub" on loopback: its identity is its own certificate's, and it completes any
/// code with `display_name`. Its address.
fn hostile_hub(hub_id: &'static str, display_name: &'static str) -> String {
    use rustls_pki_types::pem::PemObject;
    // Self-signed, as a hub's own: what the node pins is the certificate itself.
    let d = tempfile::tempdir().unwrap();
    let files = ccadmin::serve::tls::ensure(d.path(), "localhost").unwrap();
    let (cert_pem, key_pem) = (
        std::fs::read(&files.cert).unwrap(),
        std::fs::read(&files.key).unwrap(),
    );
    let der = rustls_pki_types::CertificateDer::from_pem_slice(&cert_pem).unwrap();
    let sha = crate::patches::sha256(der.as_ref());
    let server = tiny_http::Server::https(
        "127.0.0.1:0",
        tiny_http::SslConfig {
            certificate: cert_pem,
            private_key: key_pem,
        },
    )
    .unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        while let Ok(req) = server.recv() {
            let body = match req.url() {
                "/api/v1/identity" => {
                    serde_json::json!({"hub_id": hub_id, "cert_sha256": sha})
                }
                "/api/v1/register" => serde_json::json!({"hub_id": hub_id,
                    "display_name": display_name, "token": "hostile-token", "cert_sha256": sha}),
                _ => serde_json::json!({"offer": "up-to-date"}),
            };
            let _ = req.respond(tiny_http::Response::from_string(body.to_string()));
        }
    });
    format!("https://localhost:{port}")
}

/// Finding 13: a hostile hub's display name and a node's report `detail` with newlines and
/// control characters write no line of their own into serve.log, hub.log, `show registration`
/// or `hub cluster show`: they are shown escaped, on their line.
#[test]
fn newlines_in_peer_text_forge_no_log_or_console_line() {
    // The node's side: a hostile hub's display name.
    let pair = pair();
    let (p, publisher) = (&pair.p, &pair.publisher);
    let hub_id = "00112233445566778899aabbccddeeff";
    let evil = "Evil\nadmin: utils cloudconnect unregister\r\u{1b}[2J";
    let hub_url = hostile_hub(hub_id, evil);
    let fields: Vec<(String, String)> = [
        ("hub", hub_url.as_str()),
        ("hub_id", hub_id),
        ("code", "fedcba9876543210fedcba9876543210"),
        ("name", "Evil"),
        ("fqdn", &format!("localhost:{}", publisher.port)),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let (status, page) = consent_get(publisher, &fields);
    assert_eq!(status, 200, "{page}");
    let cert = page
        .split("id=\"hub-cert\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let (status, page) = consent_post(publisher, &fields, &cert);
    assert_eq!(status, 200, "{page}");
    let shown = run(p, &["utils", "cloudconnect", "show", "registration"], "");
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(!forged_line(&shown.stdout), "{}", shown.stdout);
    assert!(
        shown
            .stdout
            .contains("Evil\\u{a}admin: utils cloudconnect unregister\\u{d}\\u{1b}[2J"),
        "{}",
        shown.stdout
    );
    let log = std::fs::read_to_string(p.join("logs/serve.log")).unwrap();
    assert!(log.contains("as Evil\\u{a}admin:"), "{log}");
    assert!(!forged_line(&log), "{log}");

    // The hub's side: a node's report.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let now = "2026-12-03T03:05:00Z";
    let h = Hub::start(&dir, now);
    let code = link_fields(&h, "Lab", "cc1.example.com")
        .into_iter()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1;
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = crate::patches::keypair(keys.path(), "release");
    let archive = keys.path().join("ccadmin-9.0.0.tar.gz");
    std::fs::write(&archive, b"nine").unwrap();
    crate::hub_rollout::sign_and_publish(&dir, &secret, &archive, "9.0.0");
    let t = std::time::Duration::from_secs(10);
    let (id, cert) = ccadmin::clients::hub::identity(&h.url(""), t).unwrap();
    let c = ccadmin::clients::hub::HubClient::new(&h.url(""), &cert, None, t).unwrap();
    let reg = c
        .register(&id.hub_id, &code, "cc1.example.com", &"ab".repeat(32))
        .unwrap();
    let node =
        ccadmin::clients::hub::HubClient::new(&h.url(""), &cert, Some(reg.token), t).unwrap();
    assert!(matches!(
        node.poll("cc1", "1.0.0").unwrap(),
        ccadmin::hub::Offer::Install { .. }
    ));
    node.report(
        "cc1",
        "9.0.0",
        false,
        "broke\nadmin: hub account delete admin\u{1b}[2J",
    )
    .unwrap();
    let log = h.log();
    assert!(log.contains("failed: broke\\u{a}admin:"), "{log}");
    assert!(!forged_line(&log), "{log}");
    let shown = hub(&dir, &["--now", now, "cluster", "show", "Lab"], "");
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.contains("broke\\u{a}admin:"),
        "{}",
        shown.stdout
    );
    assert!(!forged_line(&shown.stdout), "{}", shown.stdout);
}

/// Finding 15: unregistering at the console says what the hub made of it — the hub forgot the
/// cluster already (nothing to do there), or it was not told (unregister it there too).
#[test]
fn unregister_says_whether_the_hub_had_forgotten_the_cluster() {
    let d = tempfile::tempdir().unwrap();
    let h = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let pair = pair();
    let (p, publisher) = (&pair.p, &pair.publisher);
    register(&h, publisher, "Lab");
    let r = h
        .client()
        .delete(h.url("/api/v1/clusters/Lab"))
        .basic_auth(HUB_ACCOUNT, Some(HUB_PASSWORD))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = run(p, &["-y", "utils", "cloudconnect", "unregister"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("had forgotten it already") && !r.stderr.contains("there too"),
        "{}",
        r.stderr
    );
    assert!(registration(p).is_null());

    // Registered again, then the hub is down: it was not told, so it is unregistered there too.
    register(&h, publisher, "Lab");
    h.stop();
    let r = run(p, &["-y", "utils", "cloudconnect", "unregister"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("was not told") && r.stderr.contains("unregister it there too"),
        "{}",
        r.stderr
    );
    assert!(registration(p).is_null());
}
