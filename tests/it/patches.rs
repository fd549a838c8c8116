//! Downloaded patches (issue 13): signed manifests checked against trusted signers with the
//! real minisign tool's keys and signatures; unsigned, untrusted, forged, tampered and hostile
//! patches are refused, each with its reason.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::jfrog::{JFrog, GOOD_KEY};
use crate::util::{run, state};

const MINISIGN: &str = "/usr/bin/minisign";

pub(crate) fn minisign(args: &[&str]) {
    assert!(
        Path::new(MINISIGN).exists(),
        "minisign is not installed: run tests/run (it installs minisign) or apt-get install -y minisign"
    );
    let out = Command::new(MINISIGN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "minisign {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A key pair (no password): (public key file, secret key file).
pub(crate) fn keypair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (p, s) = (
        dir.join(format!("{name}.pub")),
        dir.join(format!("{name}.sec")),
    );
    minisign(&[
        "-G",
        "-W",
        "-p",
        p.to_str().unwrap(),
        "-s",
        s.to_str().unwrap(),
    ]);
    (p, s)
}

/// A publisher's key pair made in `dir` and trusted on node `st` as the signer `cisco`:
/// (public key file, secret key file).
pub(crate) fn trusted_publisher(st: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let (public, secret) = keypair(dir, "publisher");
    let r = crate::util::run(
        st,
        &[
            "utils",
            "patch-manager",
            "signer",
            "add",
            "cisco",
            public.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0, "signer add: {}", r.stderr);
    (public, secret)
}

pub(crate) fn sha256(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A patch file and its manifest in `dir`; the manifest signed with `key` when given.
fn patch(dir: &Path, file: &str, data: &[u8], key: Option<&Path>, manifest_file: &str) -> PathBuf {
    std::fs::write(dir.join(file), data).unwrap();
    let manifest = serde_json::json!({
        "file": manifest_file, "product": "PG", "platform": "Windows", "version": "12.6.2-ES5",
        "applies_to": ["12.6.2"], "reboot": true, "rollback": true, "sha256": sha256(data),
        "install": "setup.exe /quiet"
    });
    let m = dir.join(format!("{file}.manifest.json"));
    std::fs::write(&m, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    if let Some(k) = key {
        minisign(&["-S", "-s", k.to_str().unwrap(), "-m", m.to_str().unwrap()]);
    }
    m
}

fn list(s: &Path) -> Vec<serde_json::Value> {
    let r = run(
        s,
        &["--output", "json", "utils", "patch-manager", "list"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v["patches"].as_array().unwrap().clone()
}

fn status_of<'a>(l: &'a [serde_json::Value], manifest_end: &str) -> &'a serde_json::Value {
    l.iter()
        .find(|p| p["manifest"].as_str().unwrap().ends_with(manifest_end))
        .unwrap_or_else(|| panic!("{manifest_end} not in {l:?}"))
}

#[test]
fn only_patches_signed_by_a_trusted_signer_and_intact_are_usable() {
    let (_d, s) = state();
    let keys = tempfile::tempdir().unwrap();
    let (trusted_pub, trusted_sec) = keypair(keys.path(), "publisher");
    let (other_pub, other_sec) = keypair(keys.path(), "stranger");

    // The good patch arrives from the Artifactory like any artifact.
    let src = tempfile::tempdir().unwrap();
    let m = patch(
        src.path(),
        "ES5.exe",
        b"installer bytes",
        Some(&trusted_sec),
        "ES5.exe",
    );
    let j = JFrog::start();
    for f in [
        "ES5.exe",
        "ES5.exe.manifest.json",
        "ES5.exe.manifest.json.minisig",
    ] {
        j.put(
            &format!("/12.6/common/{f}"),
            std::fs::read(src.path().join(f)).unwrap(),
        );
    }
    let _ = m;
    let key = s.parent().unwrap().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let args = j.set_args(&key);
    assert_eq!(
        run(&s, &args.iter().map(String::as_str).collect::<Vec<_>>(), "").code,
        0
    );
    let r = run(&s, &["utils", "image-repository", "download"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let inv = "---\ninventory:\n  VOS:\n    Finesse: {}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"pg1a.lab\"\n          side: \"A\"\n          user: \"root\"\n        - name: \"pg1b.lab\"\n          side: \"B\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n";
    let sshd = crate::sshd::Sshd::start();
    crate::test_connection::import(&s, &sshd, inv);

    // Without a trusted signer nothing is usable.
    let l = list(&s);
    assert_eq!(
        status_of(&l, "ES5.exe.manifest.json")["status"],
        "untrusted-key"
    );

    let r = run(
        &s,
        &[
            "utils",
            "patch-manager",
            "signer",
            "add",
            "cisco",
            trusted_pub.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = std::fs::read_to_string(&trusted_pub).unwrap();
    let id = id
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        r.stderr.contains(&id),
        "the key id minisign printed: {}",
        r.stderr
    );
    let garbage = keys.path().join("garbage.pub");
    std::fs::write(&garbage, "untrusted comment: x\nnot-a-key\n").unwrap();
    let r = run(
        &s,
        &[
            "utils",
            "patch-manager",
            "signer",
            "add",
            "junk",
            garbage.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a minisign public key"),
        "{}",
        r.stderr
    );

    // The others, beside it in artifacts/.
    let dir = s.join("artifacts/12.6/common");
    patch(&dir, "unsigned.exe", b"a", None, "unsigned.exe");
    patch(&dir, "stranger.exe", b"b", Some(&other_sec), "stranger.exe");
    patch(
        &dir,
        "tampered.exe",
        b"c",
        Some(&trusted_sec),
        "tampered.exe",
    );
    std::fs::write(dir.join("tampered.exe"), b"c-but-changed").unwrap();
    let forged = patch(&dir, "forged.exe", b"d", Some(&trusted_sec), "forged.exe");
    let text = std::fs::read_to_string(&forged)
        .unwrap()
        .replace("12.6.2\"", "11.0.0\"");
    std::fs::write(&forged, text).unwrap();
    patch(
        &dir,
        "hostile.exe",
        b"e",
        Some(&trusted_sec),
        "../../../etc/passwd",
    );

    let l = list(&s);
    let good = status_of(&l, "ES5.exe.manifest.json");
    assert_eq!(good["status"], "verified", "{good}");
    assert_eq!(good["signer"], "cisco");
    assert_eq!(good["nodes"], serde_json::json!(["pg1a.lab", "pg1b.lab"]));
    assert_eq!(good["patch"]["reboot"], true);
    assert_eq!(
        status_of(&l, "unsigned.exe.manifest.json")["status"],
        "unsigned"
    );
    let other_id = std::fs::read_to_string(&other_pub).unwrap();
    let other_id = other_id
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    let stranger = status_of(&l, "stranger.exe.manifest.json");
    assert_eq!(stranger["status"], "untrusted-key");
    assert_eq!(stranger["key_id"], other_id);
    let tampered = status_of(&l, "tampered.exe.manifest.json");
    assert_eq!(tampered["status"], "tampered", "{tampered}");
    assert_eq!(tampered["found"], sha256(b"c-but-changed"));
    assert_eq!(
        status_of(&l, "forged.exe.manifest.json")["status"],
        "bad-signature"
    );
    let hostile = status_of(&l, "hostile.exe.manifest.json");
    assert_eq!(hostile["status"], "invalid", "{hostile}");
    assert!(hostile["reason"]
        .as_str()
        .unwrap()
        .contains("not a plain file name"));
    for p in &l {
        if p["status"] != "verified" {
            assert_eq!(
                p["nodes"],
                serde_json::json!([]),
                "a refused patch applies nowhere: {p}"
            );
        }
    }
    let text = run(&s, &["utils", "patch-manager", "list"], "").stdout;
    assert!(
        text.contains("verified (cisco)") && text.contains("5 of 6 patch(es) refused"),
        "{text}"
    );

    // Signers are the publisher's.
    let r = run(
        &s,
        &["utils", "patch-manager", "signer", "remove", "cisco"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        status_of(&list(&s), "ES5.exe.manifest.json")["status"],
        "untrusted-key"
    );
}

/// The trusted signers are the cluster's: added on the publisher, they reach the subscriber,
/// which cannot change them.
#[test]
fn signers_replicate_and_the_subscriber_cannot_change_them() {
    let pr = crate::cluster::pair();
    let keys = tempfile::tempdir().unwrap();
    trusted_publisher(&pr.p, keys.path());
    let listed = |st: &Path| run(st, &["utils", "patch-manager", "signer", "list"], "").stdout;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !listed(&pr.s).contains("cisco") {
        assert!(
            std::time::Instant::now() < deadline,
            "the signer never arrived"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(listed(&pr.s), listed(&pr.p));
    let r = run(
        &pr.s,
        &["utils", "patch-manager", "signer", "remove", "cisco"],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command can only be run on the publisher node."),
        "{}",
        r.stderr
    );
}
