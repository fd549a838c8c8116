//! The Debian package (issue 27), installed on this machine with `dpkg -i` as an
//! administrator would: its files, the accounts, the release root the self-upgrade keeps
//! (`/opt/ccadmin/releases/VERSION`, `current`), the units (`systemd-analyze verify`), each
//! unit's `ExecStart` run as its account serving `/health` (the hub: its identity), a package
//! reinstalled under a node that upgraded itself further (the newer release stays), and
//! removal and purge keeping the state unless asked.
//!
//! `tests/run` builds the package (`cargo deb`) and names it in `CCADMIN_PACKAGE_DEB`; the
//! test installs it system-wide, so it needs root, and fails with the remedy when either is
//! missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = "/opt/ccadmin";
const STATE: &str = "/var/lib/ccadmin";
const HUB_STATE: &str = "/var/lib/ccadmin-hub";

fn sh(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn ok(program: &str, args: &[&str]) -> String {
    let (ok, text) = sh(program, args);
    assert!(ok, "{program} {args:?}: {text}");
    text
}

/// The unit's `Environment=` settings and `ExecStart=` words.
fn unit(name: &str) -> (Vec<(String, String)>, Vec<String>) {
    let text = std::fs::read_to_string(format!("/usr/lib/systemd/system/{name}")).unwrap();
    let mut env = Vec::new();
    let mut exec = Vec::new();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("Environment=") {
            let (k, v) = v.split_once('=').expect("KEY=VALUE");
            env.push((k.to_owned(), v.to_owned()));
        }
        if let Some(v) = line.strip_prefix("ExecStart=") {
            exec = shlex::split(v).expect("an ExecStart line");
        }
    }
    assert!(!exec.is_empty(), "{name} has an ExecStart");
    (env, exec)
}

/// Run a unit's `ExecStart` as its account, with its environment and a loopback port the
/// kernel picks; the port read back from its log.
struct AsUnit {
    child: Child,
    port: u16,
}

impl AsUnit {
    fn start(unit_name: &str, user: &str, listen_var: &str, log: &Path) -> AsUnit {
        let (env, exec) = unit(unit_name);
        let before = std::fs::metadata(log).map_or(0, |m| m.len() as usize);
        // setpriv execs (runuser would fork and leave the service behind when stopped).
        let mut cmd = Command::new("setpriv");
        cmd.args([
            "--reuid",
            user,
            "--regid",
            user,
            "--init-groups",
            "--",
            "env",
            "-i",
            "PATH=/usr/bin:/bin",
        ]);
        for (k, v) in &env {
            cmd.arg(format!("{k}={v}"));
        }
        cmd.arg(format!("{listen_var}=127.0.0.1:0"));
        cmd.args(&exec)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("setpriv");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = std::fs::read(log).unwrap_or_default();
            let ours = String::from_utf8_lossy(text.get(before..).unwrap_or_default()).into_owned();
            if let Some(port) = ours
                .split("listening on https://127.0.0.1:")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .and_then(|p| p.parse().ok())
            {
                return AsUnit { child, port };
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                use std::io::Read;
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("{unit_name}'s ExecStart ended ({status}): {err}{ours}");
            }
            assert!(
                Instant::now() < deadline,
                "{unit_name}'s ExecStart never listened: {ours}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, cert: &Path, path: &str) -> reqwest::blocking::Response {
        let pem = std::fs::read(cert).unwrap();
        reqwest::blocking::Client::builder()
            .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
            .get(format!("https://localhost:{}{path}", self.port))
            .send()
            .unwrap()
    }
}

impl Drop for AsUnit {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Purged with its state at the end, whatever happened.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = Command::new("dpkg")
            .args(["--purge", "ccadmin"])
            .env("CCADMIN_PURGE_STATE", "yes")
            .output();
    }
}

fn link(path: &str) -> PathBuf {
    std::fs::read_link(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn owner(path: &str) -> String {
    ok("stat", &["-c", "%U:%G %a", path]).trim().to_owned()
}

#[test]
fn the_debian_package_installs_a_node_that_serves_and_keeps_its_state() {
    let deb = std::env::var("CCADMIN_PACKAGE_DEB").unwrap_or_else(|_| {
        panic!("CCADMIN_PACKAGE_DEB names no package: run tests/run (it builds one with cargo deb and names it), or build it (cargo deb) and set it")
    });
    assert!(Path::new(&deb).is_file(), "{deb} is not a file");
    assert_eq!(
        ok("id", &["-u"]).trim(),
        "0",
        "installing a package needs root"
    );
    let version = ok(env!("CARGO_BIN_EXE_ccadmin"), &["--version"])
        .trim()
        .strip_prefix("ccadmin ")
        .unwrap()
        .to_owned();
    let _ = Command::new("dpkg")
        .args(["--purge", "ccadmin"])
        .env("CCADMIN_PURGE_STATE", "yes")
        .output();
    let _installed = Installed;
    ok("dpkg", &["-i", &deb]);

    // Its files, in their system places.
    let files = ok("dpkg", &["-L", "ccadmin"]);
    for f in [
        "/usr/bin/ccadmin",
        "/usr/lib/systemd/system/ccadmin-serve.service",
        "/usr/lib/systemd/system/ccadmin-hub.service",
        "/usr/share/bash-completion/completions/ccadmin",
        "/usr/share/zsh/vendor-completions/_ccadmin",
        "/usr/share/fish/vendor_completions.d/ccadmin.fish",
    ] {
        assert!(
            files.lines().any(|l| l == f),
            "{f} not in the package: {files}"
        );
    }
    assert!(
        files
            .lines()
            .any(|l| l.starts_with("/usr/share/man/man1/ccadmin.1")),
        "the man page: {files}"
    );
    assert!(
        !files
            .lines()
            .any(|l| l.starts_with(ROOT) || l.starts_with(STATE)),
        "the release root and the state are the node's, not dpkg's: {files}"
    );
    // ccadmin may be a login shell.
    assert!(
        std::fs::read_to_string("/etc/shells")
            .unwrap()
            .lines()
            .any(|l| l == "/usr/bin/ccadmin"),
        "/usr/bin/ccadmin is in /etc/shells"
    );
    // The accounts, without a login.
    for a in ["ccadmin", "ccadmin-hub"] {
        let pw = ok("getent", &["passwd", a]);
        assert!(pw.trim_end().ends_with(":/usr/sbin/nologin"), "{pw}");
    }
    assert_eq!(owner(STATE), "ccadmin:ccadmin 700");
    assert_eq!(owner(HUB_STATE), "ccadmin-hub:ccadmin-hub 700");
    // The release root the self-upgrade keeps, seeded with this release.
    assert_eq!(
        link(&format!("{ROOT}/current")),
        Path::new(&format!("releases/{version}"))
    );
    let release: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/current/release.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(release["version"], version.as_str());
    assert_eq!(owner(&format!("{ROOT}/releases")), "ccadmin:ccadmin 755");
    // What root and administrators run is root's, never a file the service's account (which
    // owns the release root) could rewrite.
    assert_eq!(owner("/usr/bin/ccadmin"), "root:root 755");
    assert!(std::fs::symlink_metadata("/usr/bin/ccadmin")
        .unwrap()
        .file_type()
        .is_file());
    let seeded = format!("{ROOT}/releases/{version}/bin/ccadmin");
    assert_eq!(
        std::fs::read(&seeded).unwrap(),
        std::fs::read("/usr/bin/ccadmin").unwrap()
    );
    assert_eq!(
        ok("/usr/bin/ccadmin", &["--version"]).trim(),
        format!("ccadmin {version}")
    );

    // The units are valid.
    ok(
        "systemd-analyze",
        &[
            "verify",
            "/usr/lib/systemd/system/ccadmin-serve.service",
            "/usr/lib/systemd/system/ccadmin-hub.service",
        ],
    );

    // Each unit's ExecStart, run as its account, serves.
    {
        let node = AsUnit::start(
            "ccadmin-serve.service",
            "ccadmin",
            "CCADMIN_LISTEN",
            Path::new("/var/lib/ccadmin/logs/serve.log"),
        );
        let r = node.get(Path::new("/var/lib/ccadmin/tls/cert.pem"), "/health");
        assert_eq!(r.status(), 200);
        assert_eq!(
            owner("/var/lib/ccadmin/ccadmin.db").split(' ').next(),
            Some("ccadmin:ccadmin")
        );
    }
    // The account logging in (HOME is its state directory) works on the node's state: the
    // same node as the service's CCADMIN_STATE_DIR.
    let as_ccadmin = |env: &[&str]| {
        let mut args = vec![
            "--reuid",
            "ccadmin",
            "--regid",
            "ccadmin",
            "--init-groups",
            "--",
            "env",
            "-i",
            "PATH=/usr/bin:/bin",
        ];
        args.extend_from_slice(env);
        args.extend_from_slice(&["/usr/bin/ccadmin", "-c", "utils node show"]);
        ok("setpriv", &args)
    };
    let by_home = as_ccadmin(&["HOME=/var/lib/ccadmin"]);
    let by_state = as_ccadmin(&["HOME=/nonexistent", "CCADMIN_STATE_DIR=/var/lib/ccadmin"]);
    assert_eq!(by_home, by_state);
    assert!(!Path::new("/var/lib/ccadmin/.local").exists(), "{by_home}");
    {
        let hub = AsUnit::start(
            "ccadmin-hub.service",
            "ccadmin-hub",
            "CCADMIN_HUB_LISTEN",
            Path::new("/var/lib/ccadmin-hub/logs/hub.log"),
        );
        let r = hub.get(
            Path::new("/var/lib/ccadmin-hub/tls/cert.pem"),
            "/api/v1/identity",
        );
        assert_eq!(r.status(), 200);
    }

    // A node that upgraded itself past the package: reinstalling the package leaves it there
    // (the newer release wins, whoever put it there).
    let newer = format!("{ROOT}/releases/999.0.0");
    ok("cp", &["-a", &format!("{ROOT}/releases/{version}"), &newer]);
    std::fs::write(
        format!("{newer}/release.json"),
        "{\"version\": \"999.0.0\"}\n",
    )
    .unwrap();
    ok(
        "ln",
        &["-sfnT", "releases/999.0.0", &format!("{ROOT}/current")],
    );
    ok("dpkg", &["-i", &deb]);
    assert_eq!(
        link(&format!("{ROOT}/current")),
        Path::new("releases/999.0.0")
    );
    // Versions order as semantic versions: a pre-release of a newer version is newer, a
    // pre-release of this version is older.
    for (other, stays) in [
        ("999.0.0-rc.1", true),
        (&format!("{version}-rc.1")[..], false),
    ] {
        let dir = format!("{ROOT}/releases/{other}");
        ok("cp", &["-a", &format!("{ROOT}/releases/{version}"), &dir]);
        std::fs::write(
            format!("{dir}/release.json"),
            format!("{{\"version\": \"{other}\"}}\n"),
        )
        .unwrap();
        ok(
            "ln",
            &[
                "-sfnT",
                &format!("releases/{other}"),
                &format!("{ROOT}/current"),
            ],
        );
        ok("dpkg", &["-i", &deb]);
        let want = if stays {
            format!("releases/{other}")
        } else {
            format!("releases/{version}")
        };
        assert_eq!(
            link(&format!("{ROOT}/current")),
            Path::new(&want),
            "current after {other}"
        );
    }
    // Another build of the same version (a package revision) replaces the seeded binary.
    std::fs::write(&seeded, b"#!/bin/sh\necho stale\n").unwrap();
    ok("dpkg", &["-i", &deb]);
    assert_eq!(
        std::fs::read(&seeded).unwrap(),
        std::fs::read("/usr/bin/ccadmin").unwrap()
    );
    // The service's account plants a link in its release root: root's postinst follows
    // nothing there (the directory the link names is not touched, whatever dpkg says).
    let victim = tempfile::tempdir().unwrap();
    std::fs::write(victim.path().join("keep"), "root's").unwrap();
    ok(
        "mv",
        &[
            "-T",
            &format!("{ROOT}/releases"),
            &format!("{ROOT}/releases.orig"),
        ],
    );
    ok(
        "ln",
        &[
            "-sT",
            victim.path().to_str().unwrap(),
            &format!("{ROOT}/releases"),
        ],
    );
    let _ = sh("dpkg", &["-i", &deb]);
    assert_eq!(
        ok("stat", &["-c", "%U:%G", victim.path().to_str().unwrap()]).trim(),
        "root:root"
    );
    let names: Vec<String> = std::fs::read_dir(victim.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["keep"], "nothing written through the link");
    std::fs::remove_file(format!("{ROOT}/releases")).unwrap();
    ok(
        "mv",
        &[
            "-T",
            &format!("{ROOT}/releases.orig"),
            &format!("{ROOT}/releases"),
        ],
    );
    ok("dpkg", &["-i", &deb]);

    // Removed, then purged: the state stays unless asked.
    std::fs::write(format!("{STATE}/marker"), "kept").unwrap();
    ok("dpkg", &["-r", "ccadmin"]);
    assert!(Path::new(&format!("{STATE}/marker")).exists());
    assert!(
        !std::fs::read_to_string("/etc/shells")
            .unwrap()
            .contains("/usr/bin/ccadmin"),
        "removed from /etc/shells"
    );
    ok("dpkg", &["--purge", "ccadmin"]);
    assert!(
        Path::new(&format!("{STATE}/marker")).exists(),
        "purge keeps the state"
    );
    assert!(
        sh("getent", &["passwd", "ccadmin"]).0,
        "purge keeps the account"
    );
    // Asked: everything goes.
    ok("dpkg", &["-i", &deb]);
    let out = Command::new("dpkg")
        .args(["--purge", "ccadmin"])
        .env("CCADMIN_PURGE_STATE", "yes")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!Path::new(STATE).exists());
    assert!(!sh("getent", &["passwd", "ccadmin"]).0);
}
