//! `ccadmin hub` from a shell (issue 14, first part): registration codes, releases, errors.

use crate::patches::{keypair, minisign};

fn hub(dir: &std::path::Path, args: &[&str]) -> crate::util::Run {
    let mut a = vec!["hub", "--hub-dir", dir.to_str().unwrap()];
    a.extend_from_slice(args);
    let (_d, s) = crate::util::state();
    crate::util::run(&s, &a, "")
}

#[test]
fn codes_and_releases_from_the_command_line() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let r = hub(
        &dir,
        &[
            "--output",
            "json",
            "--now",
            "2026-12-02T10:00:00Z",
            "cluster",
            "add",
            "--display-name",
            "Lab A",
            "--fqdn",
            "cc1.example.com",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["expires_at"], "2026-12-02T10:15:00Z");
    assert_eq!(
        v["publisher_url"],
        "https://cc1.example.com:8445/cloudconnect/register"
    );
    let code = v["code"].as_str().unwrap();
    assert_eq!(code.len(), 32);
    // The code is in no file of the hub.
    for (f, bytes) in crate::util::all_files(&dir) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(code),
            "{} holds the code",
            f.display()
        );
    }
    let r = hub(
        &dir,
        &[
            "cluster",
            "add",
            "--display-name",
            "Lab\u{1b}[2J",
            "--fqdn",
            "x",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("without control characters"),
        "{}",
        r.stderr
    );
    let r = hub(&dir, &["cluster", "postpone", "Lab A"]);
    assert_eq!(
        r.code, 1,
        "not registered until the publisher allows it: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("no cluster is named Lab A"),
        "{}",
        r.stderr
    );

    // A release, signed with minisign.
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = keypair(keys.path(), "release");
    let archive = keys.path().join("ccadmin-2.1.0.tar.gz");
    std::fs::write(&archive, b"release bytes").unwrap();
    let r = hub(
        &dir,
        &[
            "release",
            "add",
            archive.to_str().unwrap(),
            "--version",
            "2.1.0",
        ],
    );
    assert_eq!(r.code, 1, "unsigned: {}", r.stderr);
    assert!(r.stderr.contains("minisign -S"), "{}", r.stderr);
    minisign(&[
        "-S",
        "-s",
        secret.to_str().unwrap(),
        "-m",
        archive.to_str().unwrap(),
    ]);
    let r = hub(
        &dir,
        &[
            "release",
            "add",
            archive.to_str().unwrap(),
            "--version",
            "2.1.0",
            "--notes",
            "Fixes the poll back-off",
            "--urgent",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = hub(&dir, &["--output", "json", "release", "list"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rel = &v["releases"][0];
    assert_eq!(rel["version"], "2.1.0");
    assert_eq!(rel["urgent"], true);
    assert_eq!(rel["sha256"], crate::patches::sha256(b"release bytes"));
    let text = hub(&dir, &["release", "list"]).stdout;
    assert!(
        text.contains("2.1.0")
            && text.contains("urgent")
            && text.contains("Fixes the poll back-off"),
        "{text}"
    );
}
