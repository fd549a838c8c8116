//! Finding 1: a snapshot delivered late, through a proxy in the test that holds it until the
//! publisher's retry was applied, changes nothing on the subscriber.

use super::*;

// ---- a proxy that can hold a request and deliver it later ----

/// A request the proxy took and did not pass on yet.
struct Held {
    request: tiny_http::Request,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

#[derive(Default)]
struct ProxyState {
    /// Hold the next `POST /replication/changes` instead of passing it on.
    hold_changes: bool,
    held: Option<Held>,
}

/// An HTTPS proxy in front of a subscriber's service: it serves with the subscriber's own
/// certificate and key (so the publisher, which trusts that certificate, cannot tell it
/// apart), passes every request on to the service and its answer back, and can hold one
/// batch of changes to deliver it later, after the publisher gave up on it.
struct Proxy {
    port: u16,
    state: Arc<Mutex<ProxyState>>,
    target: Arc<Target>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

struct Target {
    port: u16,
    client: reqwest::blocking::Client,
}

impl Target {
    /// Pass a request on to the service: its status and body.
    fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut r = self
            .client
            .request(method, format!("https://localhost:{}{url}", self.port))
            .body(body.to_vec());
        for (k, v) in headers {
            let skip = ["host", "content-length", "connection", "transfer-encoding"];
            if !skip.contains(&k.to_ascii_lowercase().as_str()) {
                r = r.header(k.as_str(), v.as_str());
            }
        }
        let resp = r.send().map_err(|e| format!("{e:?}"))?;
        let status = resp.status().as_u16();
        let body = resp.bytes().map_err(|e| format!("{e:?}"))?.to_vec();
        Ok((status, body))
    }
}

fn reply(request: tiny_http::Request, status: u16, body: Vec<u8>) {
    let _ = request.respond(
        tiny_http::Response::from_data(body)
            .with_status_code(status)
            .with_header(
                tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap(),
            ),
    );
}

impl Proxy {
    /// In front of the service of state directory `st` listening on `port`.
    fn start(st: &Path, port: u16) -> Proxy {
        let cert = std::fs::read(st.join("tls/cert.pem")).unwrap();
        let key = std::fs::read(st.join("tls/key.pem")).unwrap();
        let server = tiny_http::Server::https(
            "127.0.0.1:0",
            tiny_http::SslConfig {
                certificate: cert.clone(),
                private_key: key,
            },
        )
        .expect("start the proxy");
        let target = Arc::new(Target {
            port,
            client: reqwest::blocking::Client::builder()
                .tls_certs_only(reqwest::Certificate::from_pem_bundle(&cert).unwrap())
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        });
        let proxy = Proxy {
            port: server.server_addr().to_ip().unwrap().port(),
            state: Arc::default(),
            target: Arc::clone(&target),
            stop: Arc::default(),
        };
        let (state, stop) = (Arc::clone(&proxy.state), Arc::clone(&proxy.stop));
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let Ok(Some(mut request)) = server.recv_timeout(Duration::from_millis(100)) else {
                    continue;
                };
                let mut body = Vec::new();
                if request.as_reader().read_to_end(&mut body).is_err() {
                    continue;
                }
                let method = request.method().as_str().to_owned();
                let url = request.url().to_owned();
                let headers: Vec<(String, String)> = request
                    .headers()
                    .iter()
                    .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_owned()))
                    .collect();
                {
                    let mut st = state.lock().unwrap();
                    if st.hold_changes && method == "POST" && url == "/replication/changes" {
                        st.hold_changes = false;
                        st.held = Some(Held {
                            request,
                            method,
                            url,
                            headers,
                            body,
                        });
                        continue;
                    }
                }
                let target = Arc::clone(&target);
                std::thread::spawn(move || match target.send(&method, &url, &headers, &body) {
                    Ok((status, body)) => reply(request, status, body),
                    Err(e) => reply(request, 502, e.into_bytes()),
                });
            }
        });
        proxy
    }

    fn hold_next_batch(&self) {
        self.state.lock().unwrap().hold_changes = true;
    }

    /// The body of the batch held, once one is.
    fn held_body(&self) -> Option<Vec<u8>> {
        self.state
            .lock()
            .unwrap()
            .held
            .as_ref()
            .map(|h| h.body.clone())
    }

    /// Deliver the batch held to the service now: its answer (status, body).
    fn deliver(&self) -> (u16, String) {
        let h = self
            .state
            .lock()
            .unwrap()
            .held
            .take()
            .expect("a batch is held");
        let (status, body) = self
            .target
            .send(&h.method, &h.url, &h.headers, &h.body)
            .expect("the held batch reaches the subscriber");
        // The publisher gave up on this request long ago; the answer goes nowhere.
        reply(h.request, status, body.clone());
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// Finding 1: the first snapshot (with the image-repository setting, its credential and the
/// SMTP password) is held by a proxy until the publisher's retry, carrying a newer SMTP
/// password, has been applied; delivered then, it changes nothing: the credential is still
/// there, the SMTP password is the newest, and the subscriber's state is the publisher's.
#[test]
fn a_late_snapshot_changes_nothing_on_the_subscriber() {
    let proxy: Mutex<Option<Proxy>> = Mutex::new(None);
    let j = JFrog::start();
    // The image repository and the SMTP password exist when the subscriber joins, so its
    // first batch (a snapshot) carries both.
    let (pair, ()) = pair_with(
        |_| (),
        |s, sp| {
            let px = Proxy::start(s, sp);
            px.hold_next_batch();
            let name = format!("localhost:{}", px.port);
            *proxy.lock().unwrap() = Some(px);
            name
        },
        |p| {
            let key = p.parent().unwrap().join("key");
            std::fs::write(&key, GOOD_KEY).unwrap();
            node(
                p,
                &j.set_args(&key)
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            );
            set_smtp_password_ok(p, "Smtp-Old-Password-1");
        },
    );
    let proxy = proxy.into_inner().unwrap().unwrap();
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        _dirs,
        ..
    } = pair;
    wait_for_showing(
        "the proxy to hold the first batch",
        Duration::from_secs(60),
        || proxy.held_body().is_some(),
        || format!("{}", subscriber_state(&p)),
    );
    let held: serde_json::Value = serde_json::from_slice(&proxy.held_body().unwrap()).unwrap();
    assert_eq!(held["snapshot"], true, "{held}");
    assert!(
        held["image_repository"]["credential"] == GOOD_KEY
            && held["smtp"]["password"] == "Smtp-Old-Password-1",
        "the held snapshot carries the credential and the old SMTP password: {held}"
    );
    // A newer change; the publisher's retry (after its call timed out) carries it and lands.
    set_smtp_password_ok(&p, "Smtp-New-Password-2");
    wait_for_showing(
        "the publisher's retry to land",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    assert_eq!(
        smtp_password(&s).as_deref(),
        Some("Smtp-New-Password-2"),
        "the retry brought the new password"
    );
    // Now the held snapshot arrives.
    let (status, answer) = proxy.deliver();
    assert!(
        status < 500,
        "the late snapshot was answered {status}: {answer}"
    );

    // Every difference, not only the first.
    let mut wrong = Vec::new();
    let shown = run(&s, &["utils", "image-repository", "show"], "");
    if shown.code != 0
        || !shown.stdout.contains("a1b2")
        || shown.stdout.to_lowercase().contains("missing")
    {
        wrong.push(format!(
            "the subscriber's image-repository credential is gone:\n{}{}",
            shown.stdout, shown.stderr
        ));
    }
    let password = smtp_password(&s);
    if password.as_deref() != Some("Smtp-New-Password-2") {
        wrong.push(format!(
            "the subscriber's SMTP password is {password:?}, not the newest"
        ));
    }
    // The database is the publisher's.
    for q in [
        "SELECT pkid, name, password_hash FROM app_user ORDER BY pkid",
        "SELECT url, repository, auth_type, software, proxy, last_validated FROM image_repository",
        "SELECT host, port, security, from_email, use_auth, user FROM smtp_config",
    ] {
        let (at_s, at_p) = (db_rows(&s, q), db_rows(&p, q));
        if at_s != at_p {
            wrong.push(format!("{q}: subscriber {at_s:?}, publisher {at_p:?}"));
        }
    }
    let seq = replication(&p)["sequence"].as_i64().unwrap();
    if subscriber_state(&p)["applied"] != seq {
        wrong.push(format!(
            "the subscriber is not at {seq}: {}",
            subscriber_state(&p)
        ));
    }
    assert!(
        wrong.is_empty(),
        "after the late snapshot (answered {status}: {answer}):\n{}",
        wrong.join("\n")
    );
}
