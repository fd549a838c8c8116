//! The keyring secret store against a real Secret Service (issue 15): a private D-Bus session
//! with GNOME Keyring unlocked by a throw-away password, as on an administrator's desktop.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::jfrog::{JFrog, GOOD_KEY, REPO};
use crate::serve::Served;
use crate::sshd::{Sshd, TEST_PASSWORD, TEST_USER};
use crate::util::{all_files, contains, Run};

const KEYRING_PASSWORD: &str = "throwaway-keyring-pass";
const CLUSTER_SECRET: &str = "cluster-secret-keyring-0123";

/// A D-Bus session bus and a GNOME Keyring on it, both private to the test.
struct Desktop {
    dir: tempfile::TempDir,
    bus: String,
    dbus_pid: i32,
}

impl Desktop {
    fn start() -> Desktop {
        let d = Desktop::bare();
        d.keyring(false);
        d
    }

    /// A session bus only: D-Bus starts GNOME Keyring on first use, never unlocked, with no
    /// collection to store into.
    fn bare() -> Desktop {
        for tool in [
            "dbus-daemon",
            "gnome-keyring-daemon",
            "secret-tool",
            "dbus-send",
        ] {
            assert!(
                Command::new("sh").args(["-c", &format!("command -v {tool}")]).stdout(Stdio::null()).status().unwrap().success(),
                "{tool} is missing: run tests/run (it installs dbus, gnome-keyring and libsecret-tools)"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        let home = dir.path().join("home");
        let mut child = Command::new("dbus-daemon")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .args([
                "--session",
                "--fork",
                "--print-address=1",
                "--print-pid=1",
                "--nopidfile",
            ])
            .arg(format!("--address=unix:path={}/bus", dir.path().display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let bus = lines.next().unwrap().unwrap();
        let dbus_pid: i32 = lines.next().unwrap().unwrap().trim().parse().unwrap();
        child.wait().unwrap();
        Desktop { dir, bus, dbus_pid }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn env(&self) -> Vec<(&str, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.bus.clone()),
            ("HOME", self.home().display().to_string()),
            (
                "XDG_DATA_HOME",
                self.home().join(".local/share").display().to_string(),
            ),
        ]
    }

    /// Start (or, with `replace`, restart) the keyring daemon, unlocked with the password.
    fn keyring(&self, replace: bool) {
        let mut c = Command::new("gnome-keyring-daemon");
        if replace {
            c.arg("--replace");
        }
        let mut child = c
            .args(["--unlock", "--components=secrets"])
            .envs(self.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(KEYRING_PASSWORD.as_bytes())
            .unwrap();
        // It prints its control socket once it serves the session.
        let out = child.wait_with_output().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("GNOME_KEYRING_CONTROL"),
            "gnome-keyring-daemon did not start: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    fn lock(&self) {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// What `secret-tool search --all` finds for this state directory's service.
    fn search(&self, state: &Path) -> String {
        let out = Command::new("secret-tool")
            .args([
                "search",
                "--all",
                "service",
                &format!("ccadmin:{}", state.display()),
            ])
            .envs(self.env())
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    fn run(&self, state: &Path, args: &[&str], stdin: &str) -> Run {
        let out = crate::util::ccadmin(state)
            .envs(self.env())
            .args(args)
            .write_stdin(stdin.to_owned())
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        // The keyring daemon leaves with its session bus.
        // SAFETY: signalling the dbus-daemon this test started.
        unsafe { libc::kill(self.dbus_pid, libc::SIGTERM) };
    }
}

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}: {}{}", r.stdout, r.stderr);
}

fn no_secret_in_files(state: &Path, secrets: &[&str]) {
    for (p, bytes) in all_files(state) {
        for s in secrets {
            assert!(!contains(&bytes, s), "{} holds a secret", p.display());
        }
    }
}

#[test]
fn secrets_live_in_the_desktop_keyring_survive_a_restart_and_move_between_stores() {
    let desk = Desktop::start();
    let (d, s) = crate::util::state();
    let j = JFrog::start();
    j.put(
        "/12.6/common/tool.zip",
        (0..40_000u32).map(|i| i as u8).collect(),
    );
    let key = d.path().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let ca = j.ca.display().to_string();
    let set: Vec<&str> = vec![
        "utils",
        "image-repository",
        "set",
        "--url",
        &j.base,
        "--repository",
        REPO,
        "--auth-type",
        "api-key",
        "--credential-file",
        key.to_str().unwrap(),
        "--software",
        "unrestricted",
        "--ca-file",
        &ca,
    ];
    // The automatic choice is the keyring.
    ok(&desk.run(&s, &set, ""), "image-repository set");
    let show = desk.run(&s, &["utils", "image-repository", "show"], "");
    assert!(
        show.stdout
            .contains("Credential Store            : keyring"),
        "{}",
        show.stdout
    );
    let r = desk.run(&s, &["utils", "node", "cluster-secret"], "");
    assert_ne!(r.code, 0, "no secret given");
    let r = crate::util::ccadmin(&s)
        .envs(desk.env())
        .env("CCADMIN_CLUSTER_SECRET", CLUSTER_SECRET)
        .args(["utils", "node", "cluster-secret"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&r.stderr).contains("saved in the keyring store"));
    // An SFTP password, remembered, then used without being asked again.
    let sshd = Sshd::start();
    let remote = d.path().join("sftp");
    std::fs::create_dir(&remote).unwrap();
    std::fs::set_permissions(
        d.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    std::os::unix::fs::chown(&remote, Some(crate::sshd::uid_of(TEST_USER)), None).unwrap();
    let pw = d.path().join("pw");
    std::fs::write(&pw, format!("{TEST_PASSWORD}\n")).unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let endpoint = sshd.endpoint();
    let export = |extra: &[&str]| {
        let mut a = vec![
            "utils",
            "system",
            "inventory",
            "export",
            "--sftp-server",
            &endpoint,
            "--sftp-user",
            TEST_USER,
            "--sftp-directory",
            remote.to_str().unwrap(),
            "--accept-new-host-key",
        ];
        a.extend(extra);
        desk.run(&s, &a, "")
    };
    let r = export(&[
        "--sftp-password-file",
        pw.to_str().unwrap(),
        "--remember-password",
    ]);
    ok(&r, "export remembering the password");
    assert!(
        r.stderr.contains("remembered in the keyring store"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(remote.join("inventory.conf")).unwrap();
    ok(&export(&[]), "export with the remembered password");
    assert!(remote.join("inventory.conf").exists());

    // All three are in the Secret Service, under this state directory's service, and in no
    // file of the state directory.
    let found = desk.search(&s);
    for (name, value) in [
        ("artifactory-", GOOD_KEY),
        ("cluster-secret", CLUSTER_SECRET),
        ("sftp:", TEST_PASSWORD),
    ] {
        assert!(
            found.contains(&format!("attribute.username = {name}")),
            "{name}: {found}"
        );
        assert!(found.contains(value), "{name}: {found}");
    }
    no_secret_in_files(&s, &[GOOD_KEY, CLUSTER_SECRET, TEST_PASSWORD]);

    // The collection is persistent: a restarted keyring daemon still has them.
    desk.keyring(true);
    ok(
        &desk.run(
            &s,
            &["utils", "image-repository", "download", "--dry-run"],
            "",
        ),
        "download after restart",
    );

    // A second state directory on the same machine sees none of them.
    let (_d2, s2) = crate::util::state();
    let r = desk.run(
        &s2,
        &["--output", "json", "utils", "secret-store", "show"],
        "",
    );
    ok(&r, "secret-store show");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["secrets"],
        serde_json::json!([])
    );
    assert!(
        !desk.search(&s2).contains("attribute.username"),
        "{}",
        desk.search(&s2)
    );

    // Move to the file: every secret there, none left in the keyring; everything still works,
    // including the service's scheduled download.
    let r = desk.run(
        &s,
        &["--yes", "utils", "secret-store", "migrate", "--to", "file"],
        "",
    );
    ok(&r, "migrate to file");
    assert!(r.stderr.contains("3 secret(s) moved"), "{}", r.stderr);
    assert!(
        !desk.search(&s).contains("attribute.username"),
        "{}",
        desk.search(&s)
    );
    let file = std::fs::read(s.join("secrets")).unwrap();
    for v in [GOOD_KEY, CLUSTER_SECRET, TEST_PASSWORD] {
        assert!(contains(&file, v));
    }
    let show = desk.run(&s, &["utils", "image-repository", "show"], "");
    assert!(
        show.stdout.contains("Credential Store            : file"),
        "{}",
        show.stdout
    );
    let env: Vec<(&str, String)> = desk.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    {
        let srv = Served::start_in(&s, 0, &["--download-delay", "1"], &env);
        srv.wait_for_log("scheduled download: 1 artifact(s) downloaded");
    }
    std::fs::remove_file(remote.join("inventory.conf")).unwrap();
    ok(&export(&[]), "export with the password from the file store");

    // And back to the keyring: the file keeps no secret.
    ok(
        &desk.run(
            &s,
            &[
                "--yes",
                "utils",
                "secret-store",
                "migrate",
                "--to",
                "keyring",
            ],
            "",
        ),
        "migrate to keyring",
    );
    no_secret_in_files(&s, &[GOOD_KEY, CLUSTER_SECRET, TEST_PASSWORD]);
    assert!(desk.search(&s).contains(GOOD_KEY));
    ok(
        &desk.run(
            &s,
            &["utils", "image-repository", "download", "--dry-run"],
            "",
        ),
        "download from the keyring again",
    );

    // A locked keyring says so, with its remedy.
    desk.lock();
    let r = desk.run(
        &s,
        &["utils", "image-repository", "download", "--dry-run"],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("the keyring is locked"), "{}", r.stderr);
    assert!(
        r.stderr.contains("Hint: unlock the keyring"),
        "{}",
        r.stderr
    );
}

/// Regression (issue 15): a working keyring was taken for none because the probe looked for
/// the text "No matching entry", which keyring 4 does not say. Each reason it cannot be used
/// has its own message.
#[test]
fn each_reason_the_keyring_cannot_be_used_has_its_own_message() {
    let (_d, s) = crate::util::state();
    // No D-Bus session at all.
    let r = crate::util::ccadmin(&s)
        .env("CCADMIN_CLUSTER_SECRET", CLUSTER_SECRET)
        .args([
            "--secret-store",
            "keyring",
            "utils",
            "node",
            "cluster-secret",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("there is no D-Bus session"), "{err}");
    assert!(err.contains("--secret-store file"), "{err}");
    // A session whose keyring has no default collection (a daemon never unlocked): asked for
    // the keyring, the command says so; left to choose, it keeps the secret in the file.
    let desk = Desktop::bare();
    let (_d2, s2) = crate::util::state();
    let with = |args: &[&str]| {
        let out = crate::util::ccadmin(&s2)
            .envs(desk.env())
            .env("CCADMIN_CLUSTER_SECRET", CLUSTER_SECRET)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = with(&[
        "--secret-store",
        "keyring",
        "utils",
        "node",
        "cluster-secret",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("the keyring has no default collection"),
        "{err}"
    );
    assert!(err.contains("Hint: create a default keyring"), "{err}");
    let (code, err) = with(&["utils", "node", "cluster-secret"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("saved in the file store"), "{err}");
}
