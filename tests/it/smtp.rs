//! Notifications (issue 13): `set smtp-*`, `utils smtp` and the outbox, against a real SMTP
//! server (Python's aiosmtpd, tests/smtp_server.py) on loopback: STARTTLS with login, implicit
//! TLS, an untrusted certificate, a refused password, and a mail that waits until the server
//! answers.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::jfrog::{JFrog, GOOD_KEY};
use crate::serve::Served;
use crate::util::{ccadmin, run, state};

const USER: &str = "notify";
const PASSWORD: &str = "Smtp-Secret-Pass-77";

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
    pub ca: PathBuf,
}

impl SmtpServer {
    /// aiosmtpd in `mode` (starttls, tls, plain), with login required when `auth`.
    pub fn start(mode: &str, auth: bool) -> SmtpServer {
        let python = "/usr/bin/python3";
        let ok = Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "Python's aiosmtpd is not installed: run tests/run (it installs python3-aiosmtpd) or apt-get install -y python3-aiosmtpd"
        );
        let dir = tempfile::tempdir().unwrap();
        let c = crate::jfrog::certs(&["localhost", "127.0.0.1"], false);
        let (cert, key, ca) = (
            dir.path().join("cert.pem"),
            dir.path().join("key.pem"),
            dir.path().join("ca.pem"),
        );
        std::fs::write(&cert, &c.cert_pem).unwrap();
        std::fs::write(&key, &c.key_pem).unwrap();
        std::fs::write(&ca, &c.ca_pem).unwrap();
        let out = dir.path().join("mails");
        std::fs::create_dir(&out).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let mut cmd = Command::new(python);
        cmd.arg(script)
            .args(["--mode", mode, "--outdir", out.to_str().unwrap()])
            .args([
                "--cert",
                cert.to_str().unwrap(),
                "--key",
                key.to_str().unwrap(),
            ]);
        if auth {
            cmd.args(["--user", USER, "--password", PASSWORD]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"));
        SmtpServer {
            child,
            port,
            dir,
            ca,
        }
    }

    /// The mails received so far, oldest first.
    pub fn mails(&self) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        for i in 1.. {
            let f = self.dir.path().join(format!("mails/mail{i}.json"));
            let Ok(text) = std::fs::read_to_string(&f) else {
                break;
            };
            out.push(serde_json::from_str(&text).unwrap());
        }
        out
    }

    pub fn wait_for_mails(&self, n: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let m = self.mails();
            if m.len() >= n {
                return m;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} mails arrived",
                m.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ok(s: &Path, args: &[&str]) -> String {
    let r = run(s, args, "");
    assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    r.stdout + &r.stderr
}

/// A Cloud Connect node sending through `smtp` (trusting its CA), logging in when `auth`.
pub(crate) fn configure(s: &Path, host: &str, security: &str, ca: &Path, auth: bool) {
    ok(s, &["set", "smtp-host", host, "--security", security]);
    ok(
        s,
        &[
            "utils",
            "cert",
            "import",
            ca.to_str().unwrap(),
            "--name",
            "smtp-ca",
        ],
    );
    ok(s, &["set", "smtp-from-email", "ccadmin@cc1.example.com"]);
    if auth {
        ok(s, &["set", "smtp-use-auth", "enable"]);
        ok(s, &["set", "smtp-user", USER]);
        let r = ccadmin(s)
            .env("CCADMIN_SMTP_PASSWORD", PASSWORD)
            .args(["set", "smtp-pswd"])
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    }
    ok(
        s,
        &[
            "utils",
            "smtp",
            "subscribe",
            "ops@example.com,cc-admin@example.com",
        ],
    );
}

#[test]
fn starttls_with_login_proves_the_server_and_sends_the_test_mail() {
    let smtp = SmtpServer::start("starttls", true);
    let (_d, s) = state();
    configure(
        &s,
        &format!("localhost:{}", smtp.port),
        "starttls",
        &smtp.ca,
        true,
    );
    let shown = ok(&s, &["show", "smtp-host"]);
    assert!(
        shown.contains(&format!("localhost:{} (starttls)", smtp.port)),
        "{shown}"
    );
    let user = ok(&s, &["show", "smtp-user"]);
    assert!(
        user.contains(USER) && user.contains("SMTP password : set"),
        "{user}"
    );

    let r = run(&s, &["utils", "smtp", "test-connection"], "yes\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("accepted the connection") && r.stderr.contains("Test mail sent to 2"),
        "{}",
        r.stderr
    );
    let m = &smtp.wait_for_mails(1)[0];
    assert_eq!(m["tls"], true, "{m}");
    assert_eq!(m["login"], true, "{m}");
    assert_eq!(m["from"], "ccadmin@cc1.example.com");
    assert_eq!(
        m["to"],
        serde_json::json!(["cc-admin@example.com", "ops@example.com"])
    );
    assert!(
        m["data"]
            .as_str()
            .unwrap()
            .contains("Subject: SMTP test Success"),
        "{m}"
    );

    // A wrong password is named as such, and never shown.
    let r = ccadmin(&s)
        .env("CCADMIN_SMTP_PASSWORD", "Not-The-Password-1")
        .args(["set", "smtp-pswd"])
        .output()
        .unwrap();
    assert!(r.status.success());
    let r = run(
        &s,
        &["utils", "smtp", "test-connection", "--no-test-mail"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("refused the login of {USER}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("set smtp-pswd"), "{}", r.stderr);
    for f in crate::util::all_files(&s) {
        if f.0.ends_with("secrets") {
            continue; // the owner-only secret store itself
        }
        assert!(
            !crate::util::contains(&f.1, PASSWORD)
                && !crate::util::contains(&f.1, "Not-The-Password-1"),
            "a password in {}",
            f.0.display()
        );
    }
    assert!(!r.stderr.contains("Not-The-Password-1") && !r.stdout.contains("Not-The-Password-1"));
}

#[test]
fn implicit_tls_needs_a_trusted_certificate() {
    let smtp = SmtpServer::start("tls", false);
    let (_d, s) = state();
    ok(
        &s,
        &[
            "set",
            "smtp-host",
            &format!("localhost:{}", smtp.port),
            "--security",
            "tls",
        ],
    );
    ok(&s, &["set", "smtp-from-email", "ccadmin@cc1.example.com"]);
    let r = run(
        &s,
        &["utils", "smtp", "test-connection", "--no-test-mail"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("TLS connection to the SMTP server"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("utils cert import"), "{}", r.stderr);
    ok(&s, &["utils", "cert", "import", smtp.ca.to_str().unwrap()]);
    let r = run(
        &s,
        &[
            "utils",
            "smtp",
            "test-connection",
            "--send-test-mail",
            "--to",
            "me@example.com",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = &smtp.wait_for_mails(1)[0];
    assert_eq!(m["tls"], true);
    assert_eq!(m["to"], serde_json::json!(["me@example.com"]));
}

/// A download that brings new software queues "new software available" for the subscribers;
/// with the SMTP server refusing, the download still succeeds and the mail waits in the
/// outbox, retried by the service until the server answers.
#[test]
fn a_mail_waits_in_the_outbox_until_the_server_answers_and_never_fails_the_download() {
    let smtp = SmtpServer::start("starttls", true);
    let (_d, s) = state();
    // First a server that refuses every connection (nothing listens on port 1).
    configure(&s, "127.0.0.1:1", "starttls", &smtp.ca, true);
    let j = JFrog::start();
    let key = s.parent().unwrap().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let args = j.set_args(&key);
    ok(&s, &args.iter().map(String::as_str).collect::<Vec<_>>());
    j.put("/12.6/common/patch-1.cop.sgn", vec![5u8; 4096]);
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let outbox = || {
        let r = run(
            &s,
            &["--output", "json", "utils", "smtp", "show", "subscriptions"],
            "",
        );
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["outbox"].clone()
    };
    assert_eq!(outbox().as_array().unwrap().len(), 1, "{}", outbox());
    let _srv = Served::start(&s);
    let deadline = Instant::now() + Duration::from_secs(30);
    while outbox()[0]["attempts"].as_i64().unwrap_or(0) < 1 {
        assert!(
            Instant::now() < deadline,
            "no delivery attempt: {}",
            outbox()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        outbox()[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("cannot reach the SMTP server 127.0.0.1:1"),
        "{}",
        outbox()
    );
    // The server answers now: the next attempt delivers.
    ok(
        &s,
        &["set", "smtp-host", &format!("localhost:{}", smtp.port)],
    );
    let m = &smtp.wait_for_mails(1)[0];
    let data = m["data"].as_str().unwrap();
    assert!(
        data.contains("Subject: Software download new software available"),
        "{data}"
    );
    assert!(
        data.contains("/12.6/common/patch-1.cop.sgn") && data.contains("4096"),
        "{data}"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !outbox().as_array().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "{}", outbox());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Addresses are checked; unsubscribe takes a list or all; remove-config forgets everything;
/// the settings are the publisher's.
#[test]
fn subscriptions_are_checked_and_settings_are_the_publishers() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[
            "utils",
            "smtp",
            "subscribe",
            "ops@example.com,not an address",
        ],
        "",
    );
    assert_eq!(r.code, 2, "a value that is not acceptable: {}", r.stderr);
    assert!(
        r.stderr
            .contains("'not an address' is not an e-mail address"),
        "{}",
        r.stderr
    );
    ok(
        &s,
        &[
            "utils",
            "smtp",
            "subscribe",
            "a@example.com, b@example.com,A@example.com",
        ],
    );
    let list = ok(&s, &["utils", "smtp", "show", "subscriptions"]);
    assert!(
        list.contains("a@example.com") && list.contains("b@example.com"),
        "{list}"
    );
    ok(&s, &["utils", "smtp", "unsubscribe", "b@example.com"]);
    assert!(!ok(&s, &["utils", "smtp", "show", "subscriptions"]).contains("b@example.com"));
    ok(&s, &["set", "smtp-host", "smtp.example.com"]);
    assert!(ok(&s, &["show", "smtp-host"]).contains("smtp.example.com:587 (starttls)"));
    ok(&s, &["set", "smtp-host", "smtp.example.com:465"]);
    assert!(ok(&s, &["show", "smtp-host"]).contains("smtp.example.com:465 (tls)"));
    ok(&s, &["--yes", "utils", "smtp", "remove-config"]);
    assert!(ok(&s, &["show", "smtp-host"]).contains("(not set)"));
    assert!(
        ok(&s, &["utils", "smtp", "show", "subscriptions"]).contains("No address is subscribed")
    );
    // On a subscriber the settings cannot change.
    ok(
        &s,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--role",
            "subscriber",
            "--publisher",
            "cc1.example.com",
        ],
    );
    let r = run(&s, &["set", "smtp-host", "smtp.example.com"], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command can only be run on the publisher node."),
        "{}",
        r.stderr
    );
}

/// The SMTP setting, its password and the subscriptions are the cluster's: set on the
/// publisher, the subscriber sends through the same server with the same login.
#[test]
fn the_subscriber_sends_with_the_replicated_setting() {
    let smtp = SmtpServer::start("starttls", true);
    let pr = crate::cluster::pair();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !crate::cluster::caught_up(&pr.p) {
        assert!(Instant::now() < deadline, "no first snapshot");
        std::thread::sleep(Duration::from_millis(100));
    }
    configure(
        &pr.p,
        &format!("localhost:{}", smtp.port),
        "starttls",
        &smtp.ca,
        true,
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(crate::cluster::caught_up(&pr.p)
        && ok(&pr.s, &["show", "smtp-user"]).contains("SMTP password : set"))
    {
        assert!(Instant::now() < deadline, "the SMTP setting never arrived");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        ok(&pr.s, &["show", "smtp-host"]),
        ok(&pr.p, &["show", "smtp-host"])
    );
    let r = run(
        &pr.s,
        &["utils", "smtp", "test-connection", "--send-test-mail"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = &smtp.wait_for_mails(1)[0];
    assert_eq!(m["login"], true, "{m}");
    assert_eq!(m["to"].as_array().unwrap().len(), 2, "{m}");
}
