//! Downloaded patches (issue 13): signed manifests checked against trusted signers with the
//! real minisign tool's keys and signatures; unsigned, untrusted, forged, tampered and hostile
//! patches are refused, each with its reason.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::jfrog::{JFrog, GOOD_KEY};
use crate::util::{run, state};

const MINISIGN: &str = "/usr/bin/minisign";

fn minisign(args: &[&str]) {
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
fn keypair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
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

fn sha256(data: &[u8]) -> String {
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
    let (public, _) = keypair(keys.path(), "publisher");
    let r = run(
        &pr.p,
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
    assert_eq!(r.code, 0, "{}", r.stderr);
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

/// A Windows patch installed on a redundant pair of sshd targets: side A before side B, the
/// file transferred over SFTP and the manifest's command run with the node's key; every step
/// recorded. A failing installer stops the run before the other side; unsigned is refused.
#[test]
fn a_patch_installs_one_side_at_a_time_and_a_failure_stops_the_run() {
    use crate::sshd::{Sshd, TEST_USER};
    let (_d, s) = state();
    let sshd = Sshd::start_many(2);
    let ports = sshd.ports();
    sshd.authorize(&run(&s, &["utils", "controlnode", "key"], "").stdout);
    // Side B listed first: the install still does side A first.
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"B\"\n          user: \"{TEST_USER}\"\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"{TEST_USER}\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
        ports[1], ports[0]
    );
    crate::test_connection::import(&s, &sshd, &inv);
    let r = run(
        &s,
        &[
            "utils",
            "deployment",
            "test-connection",
            "--accept-new-host-keys",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    let keys = tempfile::tempdir().unwrap();
    let (public, secret) = keypair(keys.path(), "publisher");
    assert_eq!(
        run(
            &s,
            &[
                "utils",
                "patch-manager",
                "signer",
                "add",
                "cisco",
                public.to_str().unwrap()
            ],
            ""
        )
        .code,
        0
    );
    let tag: String = format!(
        "{:x}",
        std::process::id() as u64 * 1_000_003 + ports[0] as u64
    );
    let good = format!("es5-{tag}.sh");
    let bad = format!("es6-{tag}.sh");
    let log = format!("/home/{TEST_USER}/es5-{tag}.log");
    let dir = s.join("artifacts/12.6/common");
    std::fs::create_dir_all(&dir).unwrap();
    let script = format!("echo \"$SSH_CONNECTION\" >> {log}\n");
    let with_install = |file: &str, data: &[u8], install: &str, key: Option<&Path>| {
        let m = patch(&dir, file, data, None, file);
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&m).unwrap()).unwrap();
        v["install"] = serde_json::json!(install);
        std::fs::write(&m, serde_json::to_vec(&v).unwrap()).unwrap();
        if let Some(k) = key {
            minisign(&["-S", "-s", k.to_str().unwrap(), "-m", m.to_str().unwrap()]);
        }
    };
    with_install(
        &good,
        script.as_bytes(),
        &format!("sh {good}"),
        Some(&secret),
    );
    with_install(
        &bad,
        b"echo disk full; exit 3\n",
        &format!("sh {bad}"),
        Some(&secret),
    );
    with_install("unsigned.sh", b"true\n", "sh unsigned.sh", None);

    let r = run(
        &s,
        &["--yes", "utils", "patch-manager", "install", "unsigned.sh"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot be installed: REFUSED: unsigned"),
        "{}",
        r.stderr
    );

    let r = run(
        &s,
        &[
            "--yes",
            "--output",
            "json",
            "utils",
            "patch-manager",
            "install",
            &good,
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["installed"], 2, "{v}");
    assert_eq!(v["nodes"][0]["side"], "A", "side A first: {v}");
    let lines = std::fs::read_to_string(&log).unwrap();
    let order: Vec<&str> = lines
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(
        order,
        [ports[0].to_string(), ports[1].to_string()],
        "{lines}"
    );

    let r = run(
        &s,
        &["--yes", "utils", "patch-manager", "install", &bad],
        "",
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("the installer exited with 3: disk full"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Skipped"),
        "the other side was not touched: {}",
        r.stdout
    );
    let steps = run(
        &s,
        &["run", "sql", "select s.host, s.result from orchestrationstep s join orchestrationrun r on r.id = s.run_id order by r.id, s.ended_at"],
        "",
    )
    .stdout;
    assert!(
        steps.contains("Installed") && steps.contains("Failed") && steps.contains("Skipped"),
        "{steps}"
    );
    // The last run, as an administrator whose session dropped sees it; then every run.
    let shown = |args: &[&str]| -> serde_json::Value {
        let mut a = vec!["--output", "json", "utils", "deployment", "show"];
        a.extend_from_slice(args);
        let r = run(&s, &a, "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let last = shown(&["in-progress"]);
    assert_eq!(last["state"], "finished", "{last}");
    assert_eq!(last["run"]["result"], "Failed", "{last}");
    assert_eq!(last["run"]["steps"][0]["result"], "Failed", "{last}");
    assert_eq!(last["run"]["steps"][1]["result"], "Skipped", "{last}");
    let runs = shown(&["history"]);
    assert_eq!(runs["runs"].as_array().unwrap().len(), 2, "{runs}");
    assert_eq!(runs["runs"][1]["result"], "Success", "{runs}");

    // Killed (SIGKILL) while a node's installer runs: the run shows as interrupted.
    let started = format!("/home/{TEST_USER}/slow-{tag}.started");
    let slow = format!("slow-{tag}.sh");
    with_install(
        &slow,
        format!("touch {started}; sleep 30\n").as_bytes(),
        &format!("sh {slow}"),
        Some(&secret),
    );
    let mut child = std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &s)
        .args(["--yes", "utils", "patch-manager", "install", &slow])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !Path::new(&started).exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the installer never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(shown(&["in-progress"])["state"], "running");
    child.kill().unwrap();
    child.wait().unwrap();
    let last = shown(&["in-progress"]);
    assert_eq!(last["state"], "interrupted", "{last}");
    assert_eq!(last["run"]["subject"], slow.as_str());
    let _ = std::fs::remove_file(&started);
    let _ = std::fs::remove_file(&log);
    for f in [&good, &bad, &slow] {
        let _ = std::fs::remove_file(format!("/home/{TEST_USER}/{f}"));
    }
}
