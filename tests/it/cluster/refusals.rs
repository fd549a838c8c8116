//! What a subscriber refuses and nothing changes: a wrong cluster secret, hostile batches, and
//! the changes of a publisher it does not follow; with the fault gone the changes land.

use super::*;

/// Issue 12: a subscriber whose cluster secret no longer matches is refused: nothing is
/// applied there, the publisher's status names the refusal and keeps the change; with the
/// secret right again it lands.
#[test]
fn a_wrong_cluster_secret_applies_nothing_and_the_change_waits() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        sp,
        _dirs,
        ..
    } = pair();
    let joined = || {
        let r = run(
            &p,
            &["--output", "json", "utils", "dbreplication", "runtimestate"],
            "",
        );
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()
    };
    wait_for("the subscriber to join", WAIT, || {
        joined()["nodes"][1]["node"] == format!("localhost:{sp}")
    });
    set_secret(&s, "another-secret-entirely-42");
    let out = ccadmin(&p)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Eve-Waits-123")
        .args(["utils", "applicationuser", "add", "eve"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let users_kind = || joined()["nodes"][1].clone();
    wait_for("the refusal", WAIT, || {
        users_kind()["attempts"].as_i64().unwrap_or(0) >= 1
    });
    let k = users_kind();
    assert!(k["lag"].as_i64().unwrap() > 0, "{k}");
    assert!(
        k["last_error"]
            .as_str()
            .unwrap()
            .contains("refused the cluster secret"),
        "{k}"
    );
    assert!(!run(&s, &["utils", "applicationuser", "list"], "")
        .stdout
        .contains("eve"));
    set_secret(&s, SECRET);
    // Refused secrets count against the publisher's address like failed logins (5 a minute),
    // so this may wait out that minute: the bound is 90 s, not 20.
    let deadline = Instant::now() + Duration::from_secs(90);
    while !run(&s, &["utils", "applicationuser", "list"], "")
        .stdout
        .contains("eve")
    {
        assert!(
            Instant::now() < deadline,
            "eve never landed: {}",
            users_kind()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(publisher);
}

/// Issue 12: every value of a batch is checked before anything is written; a batch from
/// another publisher, with a hostile name, hash, key or text, or out of order is refused and
/// nothing changes.
#[test]
fn hostile_batches_are_refused_and_change_nothing() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber,
        pp,
        _dirs,
        ..
    } = pair();
    let sub = subscriber.unwrap();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    let cluster = replication(&p)["cluster"].as_str().unwrap().to_owned();
    let seq = subscriber_state(&p)["applied"].as_i64().unwrap();
    let users = "select pkid, name from applicationuser order by name";
    let users_before = sql(&s, users);
    let files_before = crate::util::all_files(s.parent().unwrap()).len();
    let ours = format!("localhost:{pp}");
    let base = |extra: serde_json::Value| {
        let mut b = serde_json::json!({
            "cluster": cluster, "publisher": ours, "from": seq, "to": seq + 1, "snapshot": false,
        });
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cert = std::fs::read_to_string(p.join("tls/cert.pem")).unwrap();
    let cases: Vec<(&str, serde_json::Value, u16, &str)> = vec![
        (
            "another publisher",
            base(
                serde_json::json!({ "publisher": "evil.example.com:8445", "application_users": [] }),
            ),
            403,
            "are refused",
        ),
        (
            "a trust file name that climbs out",
            base(serde_json::json!({ "trust": [{ "name": "../../escape", "pem": cert }] })),
            400,
            "not a usable file name",
        ),
        (
            "a password instead of a hash",
            base(
                serde_json::json!({ "application_users": [{ "pkid": "0a1b", "name": "x", "hash": "hunter2" }] }),
            ),
            400,
            "not an argon2 hash",
        ),
        (
            "a host key that is not one",
            base(
                serde_json::json!({ "onboarded": [{ "host": "vos.lab", "cluster": "C-1", "product": "CUIC", "type": "Publisher", "host_key": "ssh-ed25519 AAAA-not-base64", "user": "root", "port": 22, "owner": null }] }),
            ),
            400,
            "host_key",
        ),
        (
            "terminal escapes in a stored text",
            base(
                serde_json::json!({ "inventory": { "whole": false, "versions": [{ "id": 99, "created_at": "2026-11-24 00:00:00", "actor": "\u{1b}[31mroot", "source": "x", "inventory": { "deployment_name": null, "deployment_type": "UCCE-2000-Agents", "vos": [], "windows": [] } }] } }),
            ),
            400,
            "control characters",
        ),
        (
            "a batch after a gap",
            base(serde_json::json!({ "from": seq + 5, "to": seq + 6, "application_users": [] })),
            409,
            "send a snapshot",
        ),
    ];
    for (what, body, status, says) in cases {
        let r = sub
            .client()
            .post(sub.url("/replication/changes"))
            .bearer_auth(SECRET)
            .json(&body)
            .send()
            .unwrap();
        let code = r.status().as_u16();
        let text = r.text().unwrap();
        assert_eq!(code, status, "{what}: {text}");
        assert!(text.contains(says), "{what}: {text}");
    }
    // A large body without the secret is turned away before it is read.
    // The service answers and closes before the body is read, so a client still writing it
    // may see its write refused (broken pipe) instead of reading the 401: either is a refusal.
    let big = "x".repeat(200 * 1024);
    match sub
        .client()
        .post(sub.url("/replication/changes"))
        .bearer_auth("not-the-secret")
        .body(big)
        .send()
    {
        Ok(r) => assert_eq!(r.status().as_u16(), 401),
        Err(e) => assert!(
            e.is_request() && format!("{e:?}").contains("BodyWrite"),
            "{e:?}"
        ),
    }
    assert_eq!(sql(&s, users), users_before);
    assert_eq!(
        crate::util::all_files(s.parent().unwrap()).len(),
        files_before,
        "no file was written"
    );
    assert!(!s.parent().unwrap().join("escape.pem").exists());
    assert_eq!(applied_batches(&s).last().unwrap().1, seq);
}

/// Issue 12: a subscriber pointed at another publisher refuses this one's changes (nothing is
/// applied, the publisher's status says why and keeps them); pointed back, they land.
#[test]
fn a_subscriber_of_another_publisher_refuses_the_changes() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        pp,
        _dirs,
        ..
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    node(
        &s,
        &["-y", "utils", "node", "set", "--publisher", "localhost:1"],
    );
    add_user_as(&p, "mallory", "Mallory-Pass-2026");
    wait_for("the refusal", WAIT, || {
        subscriber_state(&p)["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("changes from"))
    });
    let st = subscriber_state(&p);
    assert!(
        st["last_error"]
            .as_str()
            .unwrap()
            .contains("the publisher of"),
        "{st}"
    );
    assert!(st["lag"].as_i64().unwrap() > 0, "{st}");
    assert!(!sql(&s, "select name from applicationuser").contains("mallory"));
    node(
        &s,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--publisher",
            &format!("localhost:{pp}"),
        ],
    );
    wait_for("the change to land", WAIT, || caught_up(&p));
    assert!(sql(&s, "select name from applicationuser").contains("mallory"));
}

/// The replication endpoints answer only to the cluster secret: an application user's own
/// credentials (Basic, or as a bearer) get 401 on `/replication/repair`, `/replication/digest`
/// and `/replication/changes`; and a batch with control characters in its fields, sent with
/// the cluster secret to a node that is not a subscriber (the publisher), is refused with 403
/// and nothing is applied.
#[test]
fn an_application_user_gets_401_on_replication_and_a_batch_to_a_non_subscriber_403() {
    let pair = crate::cluster::pair();
    let p = &pair.publisher;
    let client = p.client();
    for (method, path) in [
        (reqwest::Method::POST, "/replication/repair"),
        (reqwest::Method::GET, "/replication/digest"),
        (reqwest::Method::POST, "/replication/changes"),
    ] {
        let basic = client
            .request(method.clone(), p.url(path))
            .basic_auth("ccadmin", Some(crate::cluster::PASSWORD))
            .json(&serde_json::json!({}))
            .send()
            .unwrap();
        assert_eq!(basic.status().as_u16(), 401, "{path} with Basic");
    }
    // The password as a bearer is no cluster secret either (one try: failed sign-ins from one
    // address are slowed down after a few, 429).
    let bearer = client
        .get(p.url("/replication/digest"))
        .bearer_auth(crate::cluster::PASSWORD)
        .send()
        .unwrap();
    assert_eq!(bearer.status().as_u16(), 401, "the password as a bearer");
    let users = "select pkid, name from applicationuser order by name";
    let before = crate::cluster::sql(&pair.p, users);
    wait_for("the first snapshot", WAIT, || caught_up(&pair.p));
    let cluster = replication(&pair.p)["cluster"].as_str().unwrap().to_owned();
    let r = client
        .post(p.url("/replication/changes"))
        .bearer_auth(crate::cluster::SECRET)
        .json(&serde_json::json!({
            "cluster": cluster, "publisher": format!("localhost:{}", pair.pp), "from": 1,
            "to": 2, "snapshot": false,
            "application_users": [{"pkid": "0a1b\u{1b}[2J", "name": "mallory\u{7}", "hash": "x"}],
        }))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "{}", r.text().unwrap_or_default());
    assert_eq!(
        crate::cluster::sql(&pair.p, users),
        before,
        "nothing applied"
    );
}
