//! `utils image-repository set | show | download | artifacts` against the loopback Artifactory.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::jfrog::*;
use crate::util::{all_files, contains, run, state, Run};

fn key_file(dir: &Path, key: &str) -> String {
    let p = dir.join(format!("key-{}", key.len()));
    std::fs::write(&p, format!("{key}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    p.display().to_string()
}

fn set(s: &Path, j: &JFrog, key_path: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "utils",
        "image-repository",
        "set",
        "--url",
        &j.base,
        "--auth-type",
        "api-key",
        "--credential-file",
        key_path,
        "--software",
        "unrestricted",
        "--timeout",
        "5",
    ];
    let ca = j.ca.display().to_string();
    if !extra.contains(&"--no-ca") {
        args.extend(["--ca-file", ca.as_str()]);
    }
    args.extend(extra.iter().filter(|e| **e != "--no-ca"));
    let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    run(s, &a, "")
}

fn show_json(s: &Path) -> serde_json::Value {
    serde_json::from_str(
        &run(
            s,
            &["--output", "json", "utils", "image-repository", "show"],
            "",
        )
        .stdout,
    )
    .unwrap()
}

#[test]
fn set_validates_saves_and_show_masks_the_key() {
    let j = JFrog::start();
    let (d, s) = state();
    assert!(run(&s, &["utils", "image-repository", "show"], "")
        .stdout
        .contains("Image repository is not configured."));
    let r = set(
        &s,
        &j,
        &key_file(d.path(), GOOD_KEY),
        &["--repository", REPO],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Artifactory configuration saved."),
        "{}",
        r.stderr
    );
    // The API key went as X-JFrog-Art-Api, the ping without it.
    let log = j.log.lock().unwrap().clone();
    assert!(
        log.iter()
            .any(|(_, u, _, c)| u.ends_with("/api/system/ping") && c.is_empty()),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|(_, u, _, c)| u.ends_with(&format!("/api/storage/{REPO}"))
                && c == &vec![("X-JFrog-Art-Api".to_owned(), GOOD_KEY.to_owned())]),
        "{log:?}"
    );
    let show = run(&s, &["utils", "image-repository", "show"], "").stdout;
    let masked = format!(
        "{}{}",
        "*".repeat(GOOD_KEY.len() - 4),
        &GOOD_KEY[GOOD_KEY.len() - 4..]
    );
    assert!(
        show.contains(&format!("API Key                     : {masked}")),
        "{show}"
    );
    assert!(
        show.contains(&format!("Artifactory URL             : {}", j.base)),
        "{show}"
    );
    assert!(
        show.contains("Credential Store            : file"),
        "{show}"
    );
    assert!(show.contains("Last Validated              : 20"), "{show}");
    let v = show_json(&s);
    assert_eq!(v["credential"], masked);
    assert_eq!(v["software"], "unrestricted");
    assert_eq!(v["credential_store"], "file");
}

#[test]
fn identity_token_goes_as_bearer_and_answers_come_from_batch_lines() {
    let j = JFrog::start();
    let (_d, s) = state();
    let ca = j.ca.display().to_string();
    let script = format!("{}\n\nidentity-token\n{GOOD_TOKEN}\nrestricted\n", j.base);
    let r = run(
        &s,
        &["utils", "image-repository", "set", "--ca-file", &ca],
        &script,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(j
        .credentials_seen()
        .contains(&format!("Bearer {GOOD_TOKEN}")));
    let v = show_json(&s);
    assert_eq!(v["repository"], REPO, "an empty answer keeps the default");
    assert_eq!(v["auth_type"], "identity-token");
    assert_eq!(v["software"], "restricted");
}

#[test]
fn every_failure_has_its_own_message_and_keeps_the_previous_setting() {
    let j = JFrog::start();
    let (d, s) = state();
    assert_eq!(set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    let before = show_json(&s);
    let cases: Vec<(&str, Vec<&str>, &str, &str)> = vec![
        (
            "AKCp8wrong-key-zzzz",
            vec![],
            "the API Key is not valid",
            "copy it again",
        ),
        (
            EXPIRED_KEY,
            vec![],
            "the authentication token of the CCO ID has expired",
            "sign in to the Cisco download console",
        ),
        (
            NO_EULA_KEY,
            vec![],
            "has not accepted the EULA",
            "https://software.cisco.com/download/eula",
        ),
        (
            NOT_ENTITLED_KEY,
            vec![],
            "is not entitled to repository",
            "entitle",
        ),
        (
            GOOD_KEY,
            vec!["--repository", "no-such-repo"],
            "repository no-such-repo does not exist at",
            "check the repository name",
        ),
        (GOOD_KEY, vec!["--no-ca"], "TLS certificate", "--ca-file"),
    ];
    for (key, extra, message, hint) in cases {
        let r = set(&s, &j, &key_file(d.path(), key), &extra);
        assert_eq!(r.code, 1, "{key} {extra:?}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{key} {extra:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("Hint: ") && r.stderr.contains(hint),
            "{key} {extra:?}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains(key) || key == GOOD_KEY && !r.stderr.contains(GOOD_KEY),
            "the key is never printed"
        );
        assert_eq!(
            show_json(&s),
            before,
            "a failed set leaves the previous setting intact"
        );
    }
    // Not an Artifactory at all.
    j.faults.lock().unwrap().not_artifactory = true;
    let r = set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("is not a working Artifactory"),
        "{}",
        r.stderr
    );
    // Nothing listens (the port is held, not listening).
    let closed = crate::util::HeldPort::new();
    let port = closed.port;
    let r = run(
        &s,
        &[
            "utils",
            "image-repository",
            "set",
            "--url",
            &format!("https://127.0.0.1:{port}/artifactory"),
            "--credential-file",
            &key_file(d.path(), GOOD_KEY),
            "--auth-type",
            "api-key",
            "--software",
            "unrestricted",
            "--repository",
            REPO,
        ],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot be reached (connection refused)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("HTTPS_PROXY"), "{}", r.stderr);
    assert_eq!(show_json(&s), before);
}

#[test]
fn expired_and_wrong_host_certificates_are_named() {
    let (d, s) = state();
    let expired = JFrog::start_with(certs(&["localhost", "127.0.0.1"], true));
    let r = set(&s, &expired, &key_file(d.path(), GOOD_KEY), &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("TLS certificate") && r.stderr.to_lowercase().contains("expired"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("must renew it"), "{}", r.stderr);
    let wrong = JFrog::start_with(certs(&["other.example.com"], false));
    let r = set(&s, &wrong, &key_file(d.path(), GOOD_KEY), &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("TLS certificate")
            && r.stderr.contains("not valid for name \"127.0.0.1\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("a host name the certificate lists"),
        "{}",
        r.stderr
    );
    // A CA in the node's trust/ directory is trusted without --ca-file.
    let good = JFrog::start();
    std::fs::create_dir_all(s.join("trust")).unwrap();
    std::fs::copy(&good.ca, s.join("trust/test-ca.pem")).unwrap();
    let r = set(&s, &good, &key_file(d.path(), GOOD_KEY), &["--no-ca"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn refused_on_a_subscriber() {
    let (_d, s) = state();
    run(
        &s,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--role",
            "subscriber",
            "--publisher",
            "cc-pub.lab",
        ],
        "",
    );
    let r = run(&s, &["utils", "image-repository", "set"], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command can only be run on the publisher node."),
        "{}",
        r.stderr
    );
}

fn blob(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[test]
fn download_selects_by_software_skips_complete_and_lists_artifacts() {
    let j = JFrog::start();
    let (d, s) = state();
    j.put("/12.6/restricted/cc-restricted.iso", blob(300_000, 1));
    j.put("/12.6/unrestricted/cc.iso", blob(500_000, 2));
    j.put("/12.6/common/tools.zip", blob(70_000, 3));
    assert_eq!(set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    let r = run(
        &s,
        &["utils", "image-repository", "download", "--dry-run"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("/12.6/unrestricted/cc.iso")
            && r.stdout.contains("/12.6/common/tools.zip"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("cc-restricted.iso"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("2 to download, 0 already complete, 1 excluded"),
        "{}",
        r.stdout
    );
    assert!(
        !s.join("artifacts/12.6").exists(),
        "a dry run fetches nothing"
    );

    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("2 artifact(s) downloaded (570000 bytes), 0 already complete, 1 excluded"),
        "{}",
        r.stdout
    );
    assert_eq!(
        std::fs::read(s.join("artifacts/12.6/unrestricted/cc.iso")).unwrap(),
        blob(500_000, 2)
    );
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert!(
        r.stdout
            .contains("0 artifact(s) downloaded (0 bytes), 2 already complete"),
        "{}",
        r.stdout
    );
    // Both runs are in the node's download log, read the Cisco way.
    let log = run(&s, &["file", "view", "activelog", "download.log"], "");
    assert_eq!(log.code, 0, "{}", log.stderr);
    assert!(
        log.stdout
            .contains("download at the console: 2 artifact(s) downloaded (570000 bytes)")
            && log.stdout.contains(
                "download at the console: 0 artifact(s) downloaded (0 bytes), 2 already complete"
            ),
        "{}",
        log.stdout
    );
    let r = run(
        &s,
        &["--output", "json", "utils", "image-repository", "artifacts"],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["path"], "/12.6/common/tools.zip");
    assert_eq!(v[0]["state"], "complete");
}

#[test]
fn cut_download_resumes_with_range() {
    let j = JFrog::start();
    let (d, s) = state();
    j.put("/12.6/unrestricted/big.iso", blob(2_000_000, 7));
    j.faults
        .lock()
        .unwrap()
        .cut
        .insert("/12.6/unrestricted/big.iso".into(), 1);
    assert_eq!(set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    let r = run(
        &s,
        &["utils", "image-repository", "download", "--backoff", "0.1"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(s.join("artifacts/12.6/unrestricted/big.iso")).unwrap(),
        blob(2_000_000, 7)
    );
    let ranges = j.ranges_seen("/12.6/unrestricted/big.iso");
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    assert_eq!(ranges[0], None);
    let from: u64 = ranges[1]
        .as_deref()
        .unwrap()
        .trim_start_matches("bytes=")
        .trim_end_matches('-')
        .parse()
        .unwrap();
    assert!(from > 0 && from < 2_000_000, "resumed from {from}");
    assert!(!s.join("artifacts/12.6/unrestricted/big.iso.part").exists());
}

#[test]
fn cut_without_retries_leaves_a_part_that_the_next_run_resumes() {
    let j = JFrog::start();
    let (d, s) = state();
    j.put("/a/big.iso", blob(1_000_000, 9));
    j.faults.lock().unwrap().cut.insert("/a/big.iso".into(), 1);
    assert_eq!(set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    let r = run(
        &s,
        &["utils", "image-repository", "download", "--retries", "0"],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("the download of /a/big.iso was cut off"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("resumes where it stopped"),
        "{}",
        r.stderr
    );
    let part = std::fs::metadata(s.join("artifacts/a/big.iso.part"))
        .unwrap()
        .len();
    assert!(part > 0 && part < 1_000_000);
    let list = run(&s, &["utils", "image-repository", "artifacts"], "").stdout;
    assert!(
        list.contains("/a/big.iso") && list.contains("partial"),
        "{list}"
    );
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(s.join("artifacts/a/big.iso")).unwrap(),
        blob(1_000_000, 9)
    );
    assert_eq!(
        j.ranges_seen("/a/big.iso").last().unwrap().as_deref(),
        Some(format!("bytes={part}-").as_str())
    );
}

#[test]
fn corrupted_body_is_rejected_by_sha256() {
    let j = JFrog::start();
    let (d, s) = state();
    j.put("/a/tool.zip", blob(100_000, 5));
    j.faults.lock().unwrap().corrupt.push("/a/tool.zip".into());
    assert_eq!(set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("the SHA-256 of /a/tool.zip is")
            && r.stderr.contains("the download was deleted"),
        "{}",
        r.stderr
    );
    assert!(!s.join("artifacts/a/tool.zip").exists());
    assert!(!s.join("artifacts/a/tool.zip.part").exists());
}

#[test]
fn download_takes_the_orchestration_lock() {
    let j = JFrog::start();
    let (d, s) = state();
    assert_eq!(set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    // Hold the lock as a live process (this test) would.
    let db = s.join("ccadmin.db");
    let _guard =
        ccadmin::state::lock::acquire(&db, "utils system inventory import", std::process::id())
            .unwrap();
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("another operation is in progress: 'utils system inventory import'"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_credential_is_only_in_the_owner_only_secret_store() {
    let j = JFrog::start();
    let (d, s) = state();
    j.put("/a/x.bin", blob(10, 1));
    let mut out = String::new();
    let ca = j.ca.display().to_string();
    let script = format!("utils image-repository set --ca-file {ca}\n{}\n{REPO}\napi-key\n{GOOD_KEY}\nunrestricted\nutils image-repository show\nutils image-repository download\n", j.base);
    let r = run(&s, &["--echo", "-v"], &script);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out += &(r.stdout + &r.stderr);
    let r = set(&s, &j, &key_file(d.path(), "AKCp8wrong-key-zzzz"), &[]);
    out += &(r.stdout + &r.stderr);
    let r = run(
        &s,
        &["--output", "json", "run", "sql", "select * from auditlog"],
        "",
    );
    out += &r.stdout;
    assert!(
        !out.contains(GOOD_KEY) && !out.contains("AKCp8wrong-key-zzzz"),
        "{out}"
    );
    for (path, bytes) in all_files(&s) {
        if path.ends_with("secrets") {
            assert!(contains(&bytes, GOOD_KEY));
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        } else {
            assert!(
                !contains(&bytes, GOOD_KEY),
                "the key is in {}",
                path.display()
            );
        }
    }
    // Replacing the setting removes the old credential from the store.
    assert_eq!(set(&s, &j, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    let secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.join("secrets")).unwrap()).unwrap();
    assert_eq!(secrets.as_object().unwrap().len(), 1, "{secrets}");
}

/// Regression (issue 9, item 2): a 30x to another origin received `X-JFrog-Art-Api`.
#[test]
fn the_credential_never_follows_a_redirect_to_another_origin() {
    let origin = JFrog::start();
    let cdn = JFrog::start();
    let (d, s) = state();
    let data = blob(200_000, 7);
    origin.put("/12.6/common/tools.zip", data.clone());
    cdn.put("/12.6/common/tools.zip", data.clone());
    cdn.faults.lock().unwrap().open_downloads = true;
    assert_eq!(set(&s, &origin, &key_file(d.path(), GOOD_KEY), &[]).code, 0);
    // This node trusts the CDN's CA too, so the only thing between it and the key is the rule.
    let r = run(
        &s,
        &["utils", "cert", "import", cdn.ca.to_str().unwrap()],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    origin.faults.lock().unwrap().redirect_downloads = Some(cdn.base.clone());
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(s.join("artifacts/12.6/common/tools.zip")).unwrap(),
        data
    );
    assert!(
        !cdn.log.lock().unwrap().is_empty(),
        "the CDN served the file"
    );
    assert!(
        cdn.credentials_seen().is_empty(),
        "the CDN received {:?}",
        cdn.credentials_seen()
    );
    assert!(origin.credentials_seen().iter().all(|c| c == GOOD_KEY));

    // A redirect from https to plain http is refused before anything is sent.
    let _ = std::fs::remove_file(s.join("artifacts/12.6/common/tools.zip"));
    let plain = JFrog::start_plain();
    origin.faults.lock().unwrap().redirect_downloads = Some(plain.base.clone());
    let r = run(
        &s,
        &["utils", "image-repository", "download", "--retries", "0"],
        "",
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains("would leave TLS for plain http"),
        "{}",
        r.stderr
    );
    assert!(
        plain.log.lock().unwrap().is_empty(),
        "plain http was contacted"
    );
}

/// A plain http:// Artifactory needs the explicit opt-in, and `show` says the link is
/// unencrypted (issue 9, item 2).
#[test]
fn plain_http_needs_the_opt_in_and_show_says_unencrypted() {
    let j = JFrog::start_plain();
    let (d, s) = state();
    let key = key_file(d.path(), GOOD_KEY);
    let r = set(&s, &j, &key, &["--no-ca"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--allow-insecure-http"), "{}", r.stderr);
    assert!(j.log.lock().unwrap().is_empty(), "nothing was sent");
    let r = set(&s, &j, &key, &["--no-ca", "--allow-insecure-http"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&s, &["utils", "image-repository", "show"], "");
    assert!(r.stdout.contains("unencrypted (http://)"), "{}", r.stdout);
    assert_eq!(show_json(&s)["encrypted"], false);
}

/// Credentials in a proxy URL are redacted wherever the URL is shown or recorded (issue 9,
/// item 12).
#[test]
fn proxy_passwords_are_redacted_in_show_and_the_audit_log() {
    let j = JFrog::start();
    let (d, s) = state();
    // A proxy that refuses: the setting is not saved, but the attempt is audited.
    let r = set(
        &s,
        &j,
        &key_file(d.path(), GOOD_KEY),
        &["--proxy", "http://proxyuser:Pr0xy-S3cret@127.0.0.1:1"],
    );
    assert_ne!(r.code, 0);
    assert!(!r.stderr.contains("Pr0xy-S3cret"), "{}", r.stderr);
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select command, detail from auditlog",
        ],
        "",
    );
    assert!(r.stdout.contains("proxyuser:****@"), "{}", r.stdout);
    for (p, bytes) in all_files(&s) {
        assert!(
            !contains(&bytes, "Pr0xy-S3cret"),
            "{} holds the proxy password",
            p.display()
        );
    }
}

/// A loopback HTTP proxy that tunnels `CONNECT` for the one Basic credential it knows and
/// answers 407 otherwise; counts the tunnels it opened.
fn connect_proxy(user: &str, pass: &str) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use base64::Engine;
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let tunnels = std::sync::Arc::new(AtomicUsize::new(0));
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    );
    let counter = std::sync::Arc::clone(&tunnels);
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            let (expected, counter) = (expected.clone(), std::sync::Arc::clone(&counter));
            std::thread::spawn(move || {
                let mut reader = BufReader::new(c.try_clone().unwrap());
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let mut auth = None;
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = l.split_once(':') {
                        if k.eq_ignore_ascii_case("proxy-authorization") {
                            auth = Some(v.trim().to_owned());
                        }
                    }
                }
                let mut out = c;
                let target = first.split_whitespace().nth(1).unwrap_or("").to_owned();
                if auth.as_deref() != Some(expected.as_str()) || !first.starts_with("CONNECT ") {
                    let _ = out.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\nContent-Length: 0\r\n\r\n");
                    return;
                }
                let Ok(up) = std::net::TcpStream::connect(&target) else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = out.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (mut up_r, mut out_w) = (up.try_clone().unwrap(), out.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_r, &mut out_w);
                });
                let mut up_w = up;
                let _ = std::io::copy(&mut reader, &mut up_w);
            });
        }
    });
    (port, tunnels)
}

/// A proxy password is a secret: the setting in the database keeps the proxy without it,
/// `show` has none to show, the secret store has it, and the downloads still get through the
/// proxy (the client puts it back).
#[test]
fn a_proxy_password_is_kept_in_the_secret_store_and_still_used() {
    let j = JFrog::start();
    j.put("/12.6/common/tool.zip", vec![7u8; 1000]);
    let (port, tunnels) = connect_proxy("proxyuser", "Pr0xy-S3cret");
    let (d, s) = state();
    let proxy = format!("http://proxyuser:Pr0xy-S3cret@127.0.0.1:{port}");
    let r = set(&s, &j, &key_file(d.path(), GOOD_KEY), &["--proxy", &proxy]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = run(&s, &["utils", "image-repository", "show"], "").stdout;
    assert!(
        show.contains(&format!("http://proxyuser@127.0.0.1:{port}")),
        "{show}"
    );
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(s.join("artifacts/12.6/common/tool.zip").exists());
    assert!(
        tunnels.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        "set and download went through the proxy"
    );
    for (p, bytes) in all_files(&s) {
        let in_store = p.file_name().is_some_and(|n| n == "secrets");
        assert_eq!(
            contains(&bytes, "Pr0xy-S3cret"),
            in_store,
            "{}",
            p.display()
        );
    }
}
