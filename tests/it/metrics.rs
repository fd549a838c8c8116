//! `GET /metrics` on `ccadmin serve` and `ccadmin hub serve` (issue 27), scraped by a real
//! Prometheus (Debian's `prometheus`, on loopback, with a scrape config written here) and
//! checked by its `promtool check metrics`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::hub_rollout::{Hub, HUB_ACCOUNT, HUB_PASSWORD};
use crate::serve::Served;
use crate::util::state;

/// The application user Prometheus scrapes the node with.
const SCRAPER: &str = "prometheus";
const SCRAPER_PASSWORD: &str = "Prometheus-Scrape-2026";

fn need(program: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let p = Path::new(dir).join(program);
        if p.exists() {
            return p;
        }
    }
    panic!(
        "{program} is missing: install Debian's prometheus package (apt-get install prometheus; \
         tests/run does it), which brings prometheus and promtool"
    );
}

/// A Prometheus on loopback, its storage and configuration in a temporary directory.
struct Prometheus {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    /// Started with `scrape_configs` (YAML, indented as a list under the key). It listens on a
    /// port the kernel picks (`127.0.0.1:0`): Prometheus logs the address it is listening on
    /// (`msg="Listening on" address=127.0.0.1:PORT`), which is read back here, so no port is
    /// chosen ahead and no other test can take it in between.
    fn start(scrape_configs: &str) -> Prometheus {
        let program = need("prometheus");
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n{scrape_configs}"
            ),
        )
        .unwrap();
        let log_path = dir.path().join("prometheus.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let child = Command::new(program)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg("--web.listen-address=127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus");
        let mut p = Prometheus {
            child,
            port: 0,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        p.port = loop {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            if let Some(port) = text
                .lines()
                .filter(|l| l.contains("msg=\"Listening on\""))
                .find_map(|l| l.split("address=127.0.0.1:").nth(1))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|port| port.parse().ok())
            {
                break port;
            }
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!("prometheus exited at start ({status}): {text}");
            }
            assert!(
                Instant::now() < deadline,
                "prometheus did not say where it listens: {text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        p
    }

    /// The samples of an instant query: (labels, value).
    fn query(&self, q: &str) -> Vec<(serde_json::Value, f64)> {
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let url = reqwest::Url::parse_with_params(
            &format!("http://127.0.0.1:{}/api/v1/query", self.port),
            [("query", q)],
        )
        .unwrap();
        let Ok(r) = client.get(url).send() else {
            return Vec::new();
        };
        let v: serde_json::Value = r.json().unwrap_or_default();
        v["data"]["result"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        let value = s["value"][1].as_str().unwrap_or("NaN").parse().unwrap();
                        (s["metric"].clone(), value)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Wait (bounded) until the query answers exactly `value` (one sample); the scrapes it
    /// needs are what is waited for.
    fn wait_for_value(&self, q: &str, value: f64) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let got = self.query(q);
            if got.len() == 1 && got[0].1 == value {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "prometheus never answered {q} = {value}: {got:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `promtool check metrics` on a scrape's text: no error and no lint problem.
fn promtool_check(text: &str) {
    use std::io::Write;
    let mut child = Command::new(need("promtool"))
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool check metrics: {said}\n{text}"
    );
}

/// The value of the sample line `series` (name and labels as written) in a scrape's text.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

fn scrape(client: &reqwest::blocking::Client, url: &str, user: &str, password: &str) -> String {
    let r = client
        .get(url)
        .basic_auth(user, Some(password))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    r.text().unwrap()
}

fn add_scraper(st: &Path) {
    let r = crate::util::ccadmin(st)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", SCRAPER_PASSWORD)
        .args(["utils", "applicationuser", "add", SCRAPER])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

/// A scrape job for Prometheus: HTTPS to `port` on localhost, trusting only `ca`, with HTTP
/// Basic (the password in a file, as an operator keeps it).
fn job(name: &str, port: u16, ca: &Path, user: &str, password_file: &Path) -> String {
    format!(
        "  - job_name: {name}\n    scheme: https\n    tls_config:\n      ca_file: {}\n    basic_auth:\n      username: {user}\n      password_file: {}\n    static_configs:\n      - targets: ['localhost:{port}']\n",
        ca.display(),
        password_file.display()
    )
}

#[test]
fn prometheus_scrapes_the_node_and_the_hub_and_sees_a_refused_login_and_a_refused_poll() {
    // A node with the application user Prometheus scrapes as.
    let (d, st) = state();
    add_scraper(&st);
    let node = Served::start(&st);
    let client = node.client();
    // Without credentials, or with wrong ones, there are no metrics.
    let r = client.get(node.url("/metrics")).send().unwrap();
    assert_eq!(r.status(), 401);
    // A node-to-node call with no credential at all (a scanner) is answered, not counted as a
    // refused cluster secret (found by a review).
    let r = client
        .post(node.url("/cluster/join"))
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    let text = scrape(&client, &node.url("/metrics"), SCRAPER, SCRAPER_PASSWORD);
    assert_eq!(
        sample(
            &text,
            "ccadmin_logins_refused_total{credential=\"cluster-secret\"}"
        ),
        Some(0.0),
        "{text}"
    );
    promtool_check(&text);
    for (series, value) in [
        ("ccadmin_node_role{role=\"publisher\"}", 1.0),
        (
            "ccadmin_logins_refused_total{credential=\"application-user\"}",
            0.0,
        ),
        (
            "ccadmin_logins_limited_total{credential=\"cluster-secret\"}",
            0.0,
        ),
        ("ccadmin_orchestration_runs_total{result=\"success\"}", 0.0),
        ("ccadmin_orchestration_runs_unfinished", 0.0),
        ("ccadmin_hub_registered", 0.0),
        ("ccadmin_download_runs_total{result=\"failure\"}", 0.0),
        ("ccadmin_download_bytes_total", 0.0),
        // Adding the scraper's application user was the publisher's one change.
        ("ccadmin_replication_sequence", 1.0),
    ] {
        assert_eq!(sample(&text, series), Some(value), "{series} in {text}");
    }
    // A hub with its account.
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let hub_text = scrape(
        &hub.client(),
        &hub.url("/metrics"),
        HUB_ACCOUNT,
        HUB_PASSWORD,
    );
    promtool_check(&hub_text);
    assert_eq!(
        sample(&hub_text, "ccadmin_hub_polls_total{result=\"refused\"}"),
        Some(0.0),
        "{hub_text}"
    );
    assert_eq!(
        sample(&hub_text, "ccadmin_hub_clusters{state=\"unpolled\"}"),
        Some(0.0)
    );
    let r = hub.client().get(hub.url("/metrics")).send().unwrap();
    assert_eq!(r.status(), 401, "the hub's metrics need a hub account");

    // Prometheus scrapes both with the credentials from files, trusting each self-signed
    // certificate as its CA.
    let secrets = d.path().join("scrape");
    std::fs::create_dir(&secrets).unwrap();
    let (node_pw, hub_pw) = (secrets.join("node.pw"), secrets.join("hub.pw"));
    std::fs::write(&node_pw, SCRAPER_PASSWORD).unwrap();
    std::fs::write(&hub_pw, HUB_PASSWORD).unwrap();
    let prometheus = Prometheus::start(&format!(
        "{}{}",
        job(
            "ccadmin",
            node.port,
            &st.join("tls/cert.pem"),
            SCRAPER,
            &node_pw
        ),
        job(
            "ccadmin-hub",
            hub.port,
            &hub.dir.join("tls/cert.pem"),
            HUB_ACCOUNT,
            &hub_pw
        ),
    ));
    prometheus.wait_for_value("up{job=\"ccadmin\"}", 1.0);
    prometheus.wait_for_value("up{job=\"ccadmin-hub\"}", 1.0);
    let refused = "ccadmin_logins_refused_total{job=\"ccadmin\",credential=\"application-user\"}";
    prometheus.wait_for_value(refused, 0.0);

    // A refused login (a wrong password) is counted, and Prometheus sees it.
    let r = client
        .get(node.url("/inventory/cluster"))
        .basic_auth(SCRAPER, Some("Wrong-Password-2026"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    prometheus.wait_for_value(refused, 1.0);
    // Prometheus's own scrapes went on being accepted: nothing else was refused.
    prometheus.wait_for_value("up{job=\"ccadmin\"}", 1.0);

    // A poll with a token the hub does not know is refused, and counted.
    let r = hub
        .client()
        .post(hub.url("/api/v1/poll"))
        .bearer_auth("not-a-token")
        .json(&serde_json::json!({"node": "cc1", "version": "0.1.0"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    prometheus.wait_for_value(
        "ccadmin_hub_polls_total{job=\"ccadmin-hub\",result=\"refused\"}",
        1.0,
    );
    // A wrong hub password too.
    let r = hub
        .client()
        .get(hub.url("/metrics"))
        .basic_auth(HUB_ACCOUNT, Some("Wrong-Hub-Pass-2026"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    prometheus.wait_for_value(
        "ccadmin_logins_refused_total{job=\"ccadmin-hub\",credential=\"hub-account\"}",
        1.0,
    );
    // The texts scraped after the actions still pass promtool.
    promtool_check(&scrape(
        &client,
        &node.url("/metrics"),
        SCRAPER,
        SCRAPER_PASSWORD,
    ));
    promtool_check(&scrape(
        &hub.client(),
        &hub.url("/metrics"),
        HUB_ACCOUNT,
        HUB_PASSWORD,
    ));
}

#[test]
fn replication_lag_and_the_last_apply_per_kind_are_exported_on_the_pair() {
    let pair = crate::cluster::pair();
    let (pc, sc) = (
        pair.publisher.client(),
        pair.subscriber.as_ref().unwrap().client(),
    );
    let user = "ccadmin";
    let password = crate::cluster::PASSWORD;
    let (purl, surl) = (
        pair.publisher.url("/metrics"),
        pair.subscriber.as_ref().unwrap().url("/metrics"),
    );
    // The subscriber joins and receives a snapshot: every kind applied, nothing behind.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (ptext, stext) = loop {
        let (p, s) = (
            scrape(&pc, &purl, user, password),
            scrape(&sc, &surl, user, password),
        );
        if sample(&p, "ccadmin_replication_changes_behind") == Some(0.0)
            && sample(
                &s,
                "ccadmin_replication_last_applied_timestamp_seconds{kind=\"application-users\"}",
            )
            .is_some()
        {
            break (p, s);
        }
        assert!(
            Instant::now() < deadline,
            "the subscriber never caught up:\n{p}\n{s}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    promtool_check(&ptext);
    promtool_check(&stext);
    assert_eq!(
        sample(&stext, "ccadmin_node_role{role=\"subscriber\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &ptext,
            "ccadmin_replication_pending_changes{kind=\"inventory\"}"
        ),
        Some(0.0)
    );
    let applied_at = |s: &str, kind: &str| {
        sample(
            s,
            &format!("ccadmin_replication_last_applied_timestamp_seconds{{kind=\"{kind}\"}}"),
        )
    };
    let before = applied_at(&stext, "application-users").unwrap();
    let now = jiff::Timestamp::now().as_second() as f64;
    assert!(
        (now - 300.0..=now + 5.0).contains(&before),
        "{before} is not a recent time"
    );
    // A change on the publisher: the subscriber applies it, its time moves for that kind, and
    // its applied number reaches the publisher's.
    assert!(crate::util::ccadmin(&pair.p)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", SCRAPER_PASSWORD)
        .args(["utils", "applicationuser", "add", SCRAPER])
        .output()
        .unwrap()
        .status
        .success());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (p, s) = (
            scrape(&pc, &purl, user, password),
            scrape(&sc, &surl, user, password),
        );
        let sequence = sample(&p, "ccadmin_replication_sequence").unwrap();
        if sample(&p, "ccadmin_replication_changes_behind") == Some(0.0)
            && sample(&s, "ccadmin_replication_applied_sequence") == Some(sequence)
            && applied_at(&s, "application-users").is_some_and(|t| t > before)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the change never showed as applied:\n{p}\n{s}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_registered_pair_polls_and_the_hub_counts_its_cluster_by_upgrade_state() {
    use crate::hub_rollout::{publish, register, working};
    use crate::util::wait_for;
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    // The release the nodes run is the newest: both are upgraded, nothing is offered.
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = crate::patches::keypair(keys.path(), "release");
    let version = env!("CARGO_PKG_VERSION");
    publish(&hub.dir, keys.path(), &secret, version, &working());
    let pair =
        crate::cluster::pair_started(|st| Served::start_with(st, 0, &["--hub-poll-interval", "1"]));
    let (hub_client, hub_url) = (hub.client(), hub.url("/metrics"));
    let hub_scrape = || scrape(&hub_client, &hub_url, HUB_ACCOUNT, HUB_PASSWORD);
    let text = hub_scrape();
    assert_eq!(
        sample(&text, "ccadmin_hub_clusters{state=\"upgraded\"}"),
        Some(0.0)
    );
    assert_eq!(
        sample(&text, "ccadmin_hub_oldest_cluster_poll_timestamp_seconds"),
        None,
        "no cluster has polled: {text}"
    );
    register(&hub, &pair.publisher, "Lab");
    // Both nodes poll (every second) and are told they are up to date.
    wait_for("both nodes' polls", Duration::from_secs(60), || {
        let t = hub_scrape();
        sample(&t, "ccadmin_hub_nodes{state=\"upgraded\"}") == Some(2.0)
            && sample(&t, "ccadmin_hub_polls_total{result=\"up-to-date\"}")
                .is_some_and(|n| n >= 2.0)
    });
    let text = hub_scrape();
    promtool_check(&text);
    for (series, value) in [
        ("ccadmin_hub_clusters{state=\"upgraded\"}", 1.0),
        ("ccadmin_hub_clusters{state=\"unpolled\"}", 0.0),
        ("ccadmin_hub_clusters{state=\"failed\"}", 0.0),
        ("ccadmin_hub_nodes{state=\"pending\"}", 0.0),
        ("ccadmin_hub_polls_total{result=\"refused\"}", 0.0),
        ("ccadmin_hub_polls_total{result=\"install\"}", 0.0),
        // The hub's clock is fixed at 2026-12-03T02:00:00Z for this test.
        (
            "ccadmin_hub_oldest_cluster_poll_timestamp_seconds",
            1_796_263_200.0,
        ),
    ] {
        assert_eq!(sample(&text, series), Some(value), "{series} in {text}");
    }
    // Each node says it is registered, up to date, and when it polled.
    for (st, served) in [
        (&pair.p, &pair.publisher),
        (&pair.s, pair.subscriber.as_ref().unwrap()),
    ] {
        let (c, url) = (served.client(), served.url("/metrics"));
        let text = scrape(&c, &url, "ccadmin", crate::cluster::PASSWORD);
        promtool_check(&text);
        assert_eq!(sample(&text, "ccadmin_hub_registered"), Some(1.0), "{st:?}");
        assert_eq!(
            sample(&text, "ccadmin_upgrade_state{state=\"up-to-date\"}"),
            Some(1.0),
            "{text}"
        );
        assert_eq!(
            sample(&text, "ccadmin_upgrade_state{state=\"poll-failed\"}"),
            Some(0.0)
        );
        let polled = sample(&text, "ccadmin_hub_last_poll_timestamp_seconds").unwrap();
        let now = jiff::Timestamp::now().as_second() as f64;
        assert!((now - 120.0..=now + 5.0).contains(&polled), "{polled}");
        assert_eq!(
            sample(
                &text,
                &format!("ccadmin_build_info{{version=\"{version}\"}}")
            ),
            Some(1.0)
        );
    }
}

/// Scrape `served` until `series` has `value` (bounded); the text then.
fn scrape_until(served: &Served, series: &str, value: f64) -> String {
    let (c, url) = (served.client(), served.url("/metrics"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = scrape(&c, &url, SCRAPER, SCRAPER_PASSWORD);
        if sample(&text, series) == Some(value) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{series} never became {value}: {text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn scheduled_downloads_are_counted_with_their_bytes_and_failures() {
    let j = crate::jfrog::JFrog::start();
    j.put(
        "/12.6/common/tool.zip",
        (0..50_000u32).map(|i| i as u8).collect(),
    );
    // Two nodes configured for the repository while it answers.
    let (good_dir, good) = state();
    let (bad_dir, bad) = state();
    for (d, st) in [(&good_dir, &good), (&bad_dir, &bad)] {
        let key = d.path().join("key");
        std::fs::write(&key, crate::jfrog::GOOD_KEY).unwrap();
        let args = j.set_args(&key);
        let r = crate::util::run(st, &args.iter().map(String::as_str).collect::<Vec<_>>(), "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        add_scraper(st);
    }
    let node = Served::start_with(&good, 0, &["--download-delay", "0"]);
    let text = scrape_until(
        &node,
        "ccadmin_download_runs_total{result=\"success\"}",
        1.0,
    );
    promtool_check(&text);
    for (series, value) in [
        ("ccadmin_download_bytes_total", 50_000.0),
        ("ccadmin_download_artifacts_total", 1.0),
        ("ccadmin_download_runs_total{result=\"failure\"}", 0.0),
    ] {
        assert_eq!(sample(&text, series), Some(value), "{series} in {text}");
    }
    assert!(sample(&text, "ccadmin_download_last_success_timestamp_seconds").is_some());
    // The repository stops answering as an Artifactory: the other node's download fails.
    j.faults.lock().unwrap().not_artifactory = true;
    let node = Served::start_with(&bad, 0, &["--download-delay", "0"]);
    let text = scrape_until(
        &node,
        "ccadmin_download_runs_total{result=\"failure\"}",
        1.0,
    );
    promtool_check(&text);
    assert_eq!(
        sample(&text, "ccadmin_download_runs_total{result=\"success\"}"),
        Some(0.0)
    );
    assert_eq!(sample(&text, "ccadmin_download_bytes_total"), Some(0.0));
    assert_eq!(
        sample(&text, "ccadmin_download_last_success_timestamp_seconds"),
        None
    );
}
