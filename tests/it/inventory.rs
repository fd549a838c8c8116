//! `utils system inventory validate | show | export | import | history` against a real sshd.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::sshd::{cutting_proxy, uid_of, Sshd, TEST_PASSWORD, TEST_USER};
use crate::util::{run, state, Run};

const SAMPLE_2K: &str = include_str!("../fixtures/inventory_2K_deployment.conf");

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A directory the SFTP account may write: `<tmp>/sftp`, owned by `owner`.
fn remote_dir(tmp: &Path, owner: Option<&str>) -> PathBuf {
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
    let d = tmp.join("sftp");
    std::fs::create_dir_all(&d).unwrap();
    if let Some(u) = owner {
        std::os::unix::fs::chown(&d, Some(uid_of(u)), None).unwrap();
    }
    d
}

struct Sftp<'a> {
    endpoint: String,
    key: PathBuf,
    dir: &'a Path,
}

impl Sftp<'_> {
    /// Root with the ed25519 client key, trusting the new host key.
    fn args(&self, verb: &str) -> Vec<String> {
        vec![
            "utils".into(),
            "system".into(),
            "inventory".into(),
            verb.into(),
            "--sftp-server".into(),
            self.endpoint.clone(),
            "--sftp-user".into(),
            "root".into(),
            "--sftp-identity".into(),
            self.key.display().to_string(),
            "--sftp-directory".into(),
            self.dir.display().to_string(),
            "--accept-new-host-key".into(),
        ]
    }
}

fn go(state: &Path, args: &[String], stdin: &str) -> Run {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    run(state, &a, stdin)
}

fn versions(s: &Path) -> usize {
    let r = run(
        s,
        &[
            "--output",
            "json",
            "utils",
            "system",
            "inventory",
            "history",
        ],
        "",
    );
    serde_json::from_str::<serde_json::Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn validate_local_files() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "validate",
            &fixture("inventory_2K_deployment.conf"),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "is a valid inventory: 18 hosts (8 VOS, 10 Windows), deploymentType UCCE-2000-Agents."
        ),
        "{}",
        r.stdout
    );
    let f4 = fixture("inventory_4K_deployment.conf");
    let r = run(&s, &["utils", "system", "inventory", "validate", &f4], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!(
            "{f4}:87:7: `VVB-Cluster-7` is missing the ':' that ends a key"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("remedy: write `VVB-Cluster-7:`"),
        "{}",
        r.stderr
    );
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "utils",
            "system",
            "inventory",
            "validate",
            &f4,
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"][0]["line"], 87);
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "validate",
            "/nonexistent.conf",
        ],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot read /nonexistent.conf"),
        "{}",
        r.stderr
    );
}

#[test]
fn export_import_round_trip_with_history() {
    let sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), None);
    let sftp = Sftp {
        endpoint: sshd.endpoint(),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };

    // A fresh node exports the empty inventory in the samples' shape.
    let r = go(&s, &sftp.args("export"), "");
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, sshd.log());
    assert!(
        r.stderr.contains(&format!(
            "Inventory is exported to the SFTP server location {}/inventory.conf",
            dir.display()
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Permanently added '[127.0.0.1]:"),
        "{}",
        r.stderr
    );
    let empty = std::fs::read_to_string(dir.join("inventory.conf")).unwrap();
    assert!(
        empty.starts_with("---\ninventory:\n  VOS:\n") && empty.contains("    CUIC: {}\n"),
        "{empty}"
    );

    // The administrator puts the 2000-agent inventory there and imports it.
    std::fs::write(dir.join("inventory.conf"), SAMPLE_2K).unwrap();
    let r = go(&s, &sftp.args("import"), "yes\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("18 host(s) added, 0 removed, 0 changed."),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("deploymentName: (none) -> UnifiedCCE")
            || !SAMPLE_2K.contains("deploymentName"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("Inventory is imported to Cloud Connect server"),
        "{}",
        r.stderr
    );
    let show = run(&s, &["utils", "system", "inventory", "show"], "");
    assert!(
        show.stdout.contains("Finesse-host-pub") && show.stdout.contains("18 hosts"),
        "{}",
        show.stdout
    );

    // Exported again, it is the same inventory.
    std::fs::remove_file(dir.join("inventory.conf")).unwrap();
    assert_eq!(go(&s, &sftp.args("export"), "").code, 0);
    let exported = std::fs::read(dir.join("inventory.conf")).unwrap();
    assert!(!exported.contains(&b'\r'));
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "validate",
            dir.join("inventory.conf").to_str().unwrap(),
        ],
        "",
    );
    assert!(r.stdout.contains("18 hosts"), "{}{}", r.stdout, r.stderr);

    // A second import of a changed file keeps the first as history.
    let changed = SAMPLE_2K
        .replace("name: \"cvpoamp\"", "name: \"cvpoamp-2\"")
        .replace("\"UCCE-2000-Agents\"", "\"UCCE-4000-Agents\"");
    std::fs::write(dir.join("inventory.conf"), changed).unwrap();
    let r = go(&s, &sftp.args("import"), "y\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("1 host(s) added, 1 removed, 0 changed."),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("deploymentType: UCCE-2000-Agents -> UCCE-4000-Agents"),
        "{}",
        r.stdout
    );
    assert_eq!(versions(&s), 2);
    let h = run(&s, &["utils", "system", "inventory", "history"], "");
    assert!(h.stdout.contains("2 (current)"), "{}", h.stdout);
    assert!(
        h.stdout
            .contains(&format!("sftp://root@{}", sshd.endpoint())),
        "{}",
        h.stdout
    );

    // The same file again: nothing to import.
    let r = go(&s, &sftp.args("import"), "");
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("nothing to import"), "{}", r.stderr);
    assert_eq!(versions(&s), 2);
}

#[test]
fn import_answered_no_dry_run_and_invalid_file_change_nothing() {
    let sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), None);
    let sftp = Sftp {
        endpoint: sshd.endpoint(),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };
    std::fs::write(dir.join("inventory.conf"), SAMPLE_2K).unwrap();

    let r = go(&s, &sftp.args("import"), "no\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "Do you want to replace the current inventory with the new inventory (yes/no)?"
        ) || r.stderr.contains("current inventory was kept"),
        "{}",
        r.stderr
    );
    assert_eq!(versions(&s), 0);

    let mut args = sftp.args("import");
    args.push("--dry-run".into());
    let r = go(&s, &args, "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("18 host(s) added"), "{}", r.stdout);
    assert!(
        r.stderr.contains("Dry run: nothing was changed."),
        "{}",
        r.stderr
    );
    assert_eq!(versions(&s), 0);

    let r = go(&s, &sftp.args("import"), "maybe\n");
    assert_eq!(r.code, 2);
    assert_eq!(versions(&s), 0);

    std::fs::write(
        dir.join("inventory.conf"),
        SAMPLE_2K
            .replace("    PG:\n", "    pg:\n")
            .replace('\n', "\r\n"),
    )
    .unwrap();
    let r = go(&s, &sftp.args("import"), "yes\n");
    assert_eq!(r.code, 1);
    let path = format!("{}/inventory.conf", dir.display());
    assert!(
        r.stderr.contains(&format!(
            "{path}:1:4: the file must use UNIX (LF) line endings"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("product names must be upper case: PG"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("2 problem(s); nothing was imported"),
        "{}",
        r.stderr
    );
    assert_eq!(versions(&s), 0);
}

#[test]
fn password_login_wrong_password_and_permission_denied() {
    let sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), Some(TEST_USER));
    let pw = d.path().join("pw");
    std::fs::write(&pw, format!("{TEST_PASSWORD}\n")).unwrap();
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    let base = |dir: &Path, pwfile: &Path| -> Vec<String> {
        vec![
            "utils",
            "system",
            "inventory",
            "export",
            "--sftp-server",
            &sshd.endpoint(),
            "--sftp-user",
            TEST_USER,
            "--sftp-password-file",
            pwfile.to_str().unwrap(),
            "--sftp-directory",
            dir.to_str().unwrap(),
            "--accept-new-host-key",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    };
    let r = go(&s, &base(&dir, &pw), "");
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, sshd.log());
    assert!(dir.join("inventory.conf").exists());

    // The password as the next batch line works too, and is never printed.
    let mut args = base(&dir, &pw);
    args.drain(8..10);
    let r = go(&s, &args, &format!("{TEST_PASSWORD}\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains(TEST_PASSWORD) && !r.stdout.contains(TEST_PASSWORD));

    let bad = d.path().join("bad");
    std::fs::write(&bad, "not-the-password\n").unwrap();
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = go(&s, &base(&dir, &bad), "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!(
            "{TEST_USER}@{} refused password authentication",
            sshd.endpoint()
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Hint: check the user name and password"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not-the-password"));

    // A directory the account may not write.
    let root_dir = d.path().join("rootonly");
    std::fs::create_dir(&root_dir).unwrap();
    std::fs::set_permissions(&root_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = go(&s, &base(&root_dir, &pw), "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("permission denied for"), "{}", r.stderr);
    assert!(!root_dir.join("inventory.conf").exists());

    // A directory that does not exist.
    let r = go(&s, &base(&d.path().join("missing"), &pw), "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("does not exist on"), "{}", r.stderr);
}

#[test]
fn unknown_and_changed_host_keys() {
    let mut sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), None);
    let sftp = Sftp {
        endpoint: sshd.endpoint(),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };
    let mut args = sftp.args("export");
    args.retain(|a| a != "--accept-new-host-key");

    // Unknown, in a batch, without the flag: refused, with the fingerprint, nothing written.
    let r = go(&s, &args, "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("host key of 127.0.0.1:") && r.stderr.contains("is not known (SHA256:"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--accept-new-host-key"), "{}", r.stderr);
    assert!(!dir.join("inventory.conf").exists());
    // The fingerprint is OpenSSH's.
    let fp = std::process::Command::new("ssh-keygen")
        .arg("-lf")
        .arg(sshd.dir.path().join("host_key.pub"))
        .output()
        .unwrap();
    let fp = String::from_utf8_lossy(&fp.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(r.stderr.contains(&fp), "{fp} not in {}", r.stderr);

    // Accepted once, remembered in known_hosts.
    assert_eq!(go(&s, &sftp.args("export"), "").code, 0);
    let kh = std::fs::read_to_string(s.join("known_hosts")).unwrap();
    assert!(
        kh.contains(&format!("[127.0.0.1]:{} ssh-ed25519 ", sshd.port)),
        "{kh}"
    );
    assert_eq!(go(&s, &args, "").code, 0);
    // OpenSSH's own client accepts the file ccadmin wrote.
    let ssh = std::process::Command::new("ssh-keygen")
        .arg("-F")
        .arg(format!("[127.0.0.1]:{}", sshd.port))
        .arg("-f")
        .arg(s.join("known_hosts"))
        .output()
        .unwrap();
    assert!(ssh.status.success());

    // The server is reinstalled: a changed key is refused and nothing is transferred.
    std::fs::write(dir.join("inventory.conf"), "old content\n").unwrap();
    sshd.restart_with_new_host_key();
    let r = go(&s, &sftp.args("export"), "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("has CHANGED"), "{}", r.stderr);
    assert!(r.stderr.contains("ssh-keygen -R"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("inventory.conf")).unwrap(),
        "old content\n"
    );
    assert_eq!(
        std::fs::read_to_string(s.join("known_hosts")).unwrap(),
        kh,
        "known_hosts untouched"
    );
}

#[test]
fn rsa_key_login() {
    let sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), None);
    let sftp = Sftp {
        endpoint: sshd.endpoint(),
        key: sshd.client_key("rsa"),
        dir: &dir,
    };
    let r = go(&s, &sftp.args("export"), "");
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, sshd.log());
    // A key that is not authorized is refused for publickey.
    let other = d.path().join("other");
    std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&other)
        .status()
        .unwrap();
    let sftp = Sftp {
        endpoint: sshd.endpoint(),
        key: other,
        dir: &dir,
    };
    let r = go(&s, &sftp.args("export"), "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("refused publickey authentication"),
        "{}",
        r.stderr
    );
}

/// A large inventory (10,000 Windows hosts, about 1 MB) so a transfer can be cut in the middle.
fn big_inventory() -> String {
    let mut s = String::from("---\ninventory:\n  VOS: {}\n  Windows:\n    PG:\n");
    for i in 0..5000 {
        s += &format!("      PG{i}:\n        hosts:\n        - name: \"pg{i}a.example.com\"\n          side: \"A\"\n          user: \"admin@domain.local\"\n        - name: \"pg{i}b.example.com\"\n          side: \"B\"\n          user: \"admin@domain.local\"\n");
    }
    s + "  deploymentType: \"UCCE-4000-Agents\"\n"
}

#[test]
fn connection_dropped_mid_transfer_changes_nothing() {
    let sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), None);
    let direct = Sftp {
        endpoint: sshd.endpoint(),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };

    // Import the big inventory directly, so export has a lot to send.
    let big = big_inventory();
    std::fs::write(dir.join("inventory.conf"), &big).unwrap();
    let r = go(&s, &direct.args("import"), "yes\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(versions(&s), 1);

    // Export through a relay that drops the connection after 300 kB: the remote file stays the
    // old one, whole.
    std::fs::write(dir.join("inventory.conf"), "previous inventory\n").unwrap();
    let (relay, cut) = cutting_proxy(sshd.port, 300_000);
    let via = Sftp {
        endpoint: format!("127.0.0.1:{relay}"),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };
    let r = go(&s, &via.args("export"), "");
    assert!(
        cut.load(std::sync::atomic::Ordering::SeqCst),
        "the relay never cut the connection"
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("was lost during upload") || r.stderr.contains("timed out"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("inventory.conf")).unwrap(),
        "previous inventory\n"
    );

    // Import through a relay that drops during the download: the local inventory stays.
    std::fs::write(
        dir.join("inventory.conf"),
        big.replace("pg1a.example.com", "pg1a-new.example.com"),
    )
    .unwrap();
    let (relay, cut) = cutting_proxy(sshd.port, 300_000);
    let via = Sftp {
        endpoint: format!("127.0.0.1:{relay}"),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };
    let r = go(&s, &via.args("import"), "yes\n");
    assert!(
        cut.load(std::sync::atomic::Ordering::SeqCst),
        "the relay never cut the connection"
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("was lost during download") || r.stderr.contains("timed out"),
        "{}",
        r.stderr
    );
    assert_eq!(versions(&s), 1);
    let show = run(
        &s,
        &["--output", "json", "utils", "system", "inventory", "show"],
        "",
    );
    assert!(
        !show.stdout.contains("pg1a-new"),
        "local inventory unchanged"
    );
}

#[test]
fn import_refused_on_a_subscriber_and_export_on_vos() {
    let (_d, s) = state();
    assert_eq!(
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
                "cc-pub.lab"
            ],
            ""
        )
        .code,
        0
    );
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "import",
            "--sftp-server",
            "127.0.0.1:1",
        ],
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

#[test]
fn missing_sftp_answers_name_their_flags() {
    let (_d, s) = state();
    let r = run(
        &s,
        &["utils", "system", "inventory", "export"],
        "127.0.0.1:1\nroot\n",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("SFTP User's Password")
            && r.stderr.contains("--sftp-password-file")
            && r.stderr.contains("CCADMIN_SFTP_PASSWORD"),
        "{}",
        r.stderr
    );
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "export",
            "--sftp-server",
            "bad host",
        ],
        "",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("SFTP server 'bad host'"), "{}", r.stderr);
    // Refused port (held, not listening): a clear connection error, quickly.
    let closed = crate::util::HeldPort::new();
    let port = closed.port;
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "export",
            "--sftp-server",
            &format!("127.0.0.1:{port}"),
            "--sftp-user",
            "root",
            "--sftp-directory",
            "/tmp",
        ],
        "pw\n",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains(&format!("cannot connect to 127.0.0.1:{port}")),
        "{}",
        r.stderr
    );
}

/// Regression (issue 9, item 11): an `inventory.conf` that never ends (`/dev/zero`) aborted
/// the process; one over the cap is refused with a clear error, and nothing changes.
#[test]
fn an_endless_or_huge_remote_inventory_is_refused() {
    let sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), None);
    let sftp = Sftp {
        endpoint: sshd.endpoint(),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };
    std::os::unix::fs::symlink("/dev/zero", dir.join("inventory.conf")).unwrap();
    let r = go(&s, &sftp.args("import"), "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("is larger than 16777216 bytes"),
        "{}",
        r.stderr
    );
    assert_eq!(versions(&s), 0);
    std::fs::remove_file(dir.join("inventory.conf")).unwrap();
    let f = std::fs::File::create(dir.join("inventory.conf")).unwrap();
    f.set_len(17 << 20).unwrap();
    let r = go(&s, &sftp.args("import"), "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is larger than"), "{}", r.stderr);
    assert_eq!(versions(&s), 0);
}

/// Issue 11 D14: the SFTP server, user and directory of the last export or import are the
/// prompts' defaults (an empty answer takes them); the password never is.
#[test]
fn the_last_sftp_location_is_the_next_default() {
    let sshd = Sshd::start();
    let (d, s) = state();
    let dir = remote_dir(d.path(), None);
    let sftp = Sftp {
        endpoint: sshd.endpoint(),
        key: sshd.client_key("ed25519"),
        dir: &dir,
    };
    let r = go(&s, &sftp.args("export"), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_file(dir.join("inventory.conf")).unwrap();
    // Only the key is given: server, user and directory are empty answers.
    let key = sshd.client_key("ed25519").display().to_string();
    let r = run(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "export",
            "--sftp-identity",
            &key,
        ],
        "\n\n\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.join("inventory.conf").exists());
}
