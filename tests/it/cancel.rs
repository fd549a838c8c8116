//! Ctrl-C cancels what waits on the network (issue 11 B): a one-shot command on a terminal,
//! waiting on a host that accepted the connection and never speaks, ends with `Control-C
//! pressed` and exit 130, long before its timeout (300 s and more here, so only the cancellation can end
//! it within the test's bound), and leaves nothing half-done.

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use rexpect::process::WaitStatus;

use crate::util::{bin, run, state};

/// A port that accepts connections and never says a word; `accepted` hears of each one.
struct Hole {
    port: u16,
    accepted: Receiver<()>,
}

fn hole() -> Hole {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (tx, accepted) = channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming() {
            held.push(s);
            let _ = tx.send(());
        }
    });
    Hole { port, accepted }
}

/// Run a one-shot command on a terminal; once the hole has the connection, press Ctrl-C.
/// Returns what the terminal showed.
fn interrupt(state: &Path, args: &[&str], hole: &Hole) -> String {
    let mut cmd = Command::new("bash");
    let words: Vec<String> = args
        .iter()
        .map(|a| shlex::try_quote(a).unwrap().into_owned())
        .collect();
    cmd.arg("-c").arg(format!(
        "stty rows 40 cols 100 && exec {} {}",
        bin().display(),
        words.join(" ")
    ));
    cmd.env("CCADMIN_STATE_DIR", state)
        .env("TERM", "xterm")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    if hole.accepted.recv_timeout(Duration::from_secs(20)).is_err() {
        p.send_control('c').unwrap();
        panic!(
            "the command never reached the silent host: {}",
            p.exp_eof().unwrap_or_default()
        );
    }
    p.send_control('c').unwrap();
    let shown = p.exp_eof().expect("the command ended after Ctrl-C");
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 130, "{shown}"),
        other => panic!("ended with {other:?}: {shown}"),
    }
    assert!(shown.contains("Control-C pressed"), "{shown}");
    shown
}

fn windows_inventory_with(s: &Path, hole: u16) {
    // The import needs an SFTP server; the inventory is put in place the way the
    // test-connection tests do it.
    let sshd = crate::sshd::Sshd::start();
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{hole}\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n"
    );
    crate::test_connection::import(s, &sshd, &inv);
}

#[test]
fn ctrl_c_cancels_test_connection_waiting_on_a_silent_host() {
    let h = hole();
    let (_d, s) = state();
    windows_inventory_with(&s, h.port);
    interrupt(
        &s,
        &["utils", "deployment", "test-connection", "--timeout", "300"],
        &h,
    );
}

#[test]
fn ctrl_c_cancels_an_export_to_a_silent_sftp_server() {
    let h = hole();
    let (d, s) = state();
    let pw = d.path().join("pw");
    std::fs::write(&pw, "not-used-secret\n").unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let shown = interrupt(
        &s,
        &[
            "utils",
            "system",
            "inventory",
            "export",
            "--sftp-server",
            &format!("127.0.0.1:{}", h.port),
            "--sftp-user",
            "root",
            "--sftp-password-file",
            pw.to_str().unwrap(),
            "--sftp-directory",
            "/tmp",
            "--timeout",
            "600",
        ],
        &h,
    );
    assert!(!shown.contains("not-used-secret"));
    // The host's key was never seen, so nothing was learned.
    assert!(!std::fs::read_to_string(s.join("known_hosts"))
        .unwrap_or_default()
        .contains(&h.port.to_string()));
}

#[test]
fn ctrl_c_cancels_onboarding_waiting_on_a_silent_cloud_connect() {
    let h = hole();
    let (d, s) = state();
    // A VOS publisher that trusts some certificate (that of another node), so it gets as far
    // as calling Cloud Connect.
    let (_d2, other) = state();
    let pem = run(&other, &["show", "cert", "own"], "").stdout;
    let f = d.path().join("cc.pem");
    std::fs::write(&f, pem).unwrap();
    assert_eq!(
        run(&s, &["utils", "cert", "import", f.to_str().unwrap()], "").code,
        0
    );
    let r = run(
        &s,
        &[
            "--yes",
            "utils",
            "node",
            "set",
            "--role",
            "vos",
            "--component",
            "Finesse",
            "--orchestration-user",
            "root",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pw = d.path().join("pw");
    std::fs::write(&pw, "App-Password-1\n").unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    interrupt(
        &s,
        &[
            "utils",
            "system",
            "onboard",
            "trigger",
            "--cloud-connect",
            &format!("127.0.0.1:{}", h.port),
            "--username",
            "ccadmin",
            "--password-file",
            pw.to_str().unwrap(),
            "--timeout",
            "300",
        ],
        &h,
    );
    // Nothing was recorded: the cluster is not (half) onboarded.
    let st = run(
        &s,
        &["--output", "json", "utils", "system", "onboard", "status"],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&st.stdout).unwrap();
    assert_eq!(v["cluster"], serde_json::Value::Null, "{v}");
}

#[test]
fn ctrl_c_cancels_image_repository_set_waiting_on_a_silent_artifactory() {
    let h = hole();
    let (d, s) = state();
    let key = d.path().join("key");
    std::fs::write(&key, "AKCp8-never-sent-key\n").unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let shown = interrupt(
        &s,
        &[
            "utils",
            "image-repository",
            "set",
            "--url",
            &format!("https://127.0.0.1:{}/artifactory", h.port),
            "--repository",
            "r",
            "--auth-type",
            "api-key",
            "--credential-file",
            key.to_str().unwrap(),
            "--software",
            "unrestricted",
            "--timeout",
            "300",
        ],
        &h,
    );
    assert!(!shown.contains("AKCp8-never-sent-key"));
    // Nothing was saved.
    let r = run(&s, &["utils", "image-repository", "show"], "");
    assert!(r.stdout.contains("not configured"), "{}", r.stdout);
}
