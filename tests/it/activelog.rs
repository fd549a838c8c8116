//! Cisco's log commands (issue 27): `file list|view|tail|search|get activelog` over the node's
//! `logs/` directory, nothing outside it reachable, the orchestration audit log written by a
//! real orchestration run, and the size rotation of the logs the node writes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use crate::sshd::Sshd;
use crate::util::{bin, run, state, Run};

/// A state directory whose logs/ holds a service log of three lines and an audit log with a
/// rotated file.
fn node() -> (tempfile::TempDir, PathBuf) {
    let (d, s) = state();
    let r = run(&s, &["utils", "node", "show"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let logs = s.join("logs");
    std::fs::create_dir_all(logs.join("orchestration-audit")).unwrap();
    std::fs::write(
        logs.join("serve.log"),
        "Sat, 05 Dec 2026 10:00:00 GMT serve: listening\nSat, 05 Dec 2026 10:00:01 GMT 127.0.0.1 GET /health 200 1ms\nSat, 05 Dec 2026 10:00:02 GMT login refused for eve\n",
    )
    .unwrap();
    std::fs::write(
        logs.join("orchestration-audit/audit.log"),
        "2026-12-05 10:05:00 UTC user=\"admin\" command=\"utils patch-manager install\" result=\"Success\"\n",
    )
    .unwrap();
    std::fs::write(
        logs.join("orchestration-audit/audit.log.1"),
        "2026-12-04 09:00:00 UTC user=\"admin\" command=\"utils upgrade-manager upgrade\" result=\"Failure\"\n",
    )
    .unwrap();
    (d, s)
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

fn json(s: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--output", "json"];
    a.extend_from_slice(args);
    let r = run(s, &a, "");
    ok(&r);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn list_view_tail_and_search_read_the_log_directory() {
    let (_d, s) = node();

    let r = run(&s, &["file", "list", "activelog"], "");
    ok(&r);
    assert_eq!(
        r.stdout,
        "orchestration-audit/\nserve.log\ndir count = 1, file count = 1\n"
    );
    let r = run(
        &s,
        &[
            "file",
            "list",
            "activelog",
            "orchestration-audit",
            "--detail",
        ],
        "",
    );
    ok(&r);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    // `DD Mon,YYYY HH:MM:SS   SIZE   NAME`, as Cisco's detail listing.
    assert!(
        lines[0].ends_with(" 92   audit.log") && lines[0].contains(','),
        "{}",
        r.stdout
    );
    assert!(lines[1].ends_with(" 94   audit.log.1"), "{}", r.stdout);
    assert_eq!(lines[2], "dir count = 0, file count = 2");
    let v = json(
        &s,
        &[
            "file",
            "list",
            "activelog",
            "orchestration-audit/audit.log*",
        ],
    );
    assert_eq!(v["path"], "orchestration-audit/audit.log*");
    let names: Vec<(&str, &str, u64)> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["modified"].as_str().unwrap().len() == 19, "{e}");
            (
                e["name"].as_str().unwrap(),
                e["kind"].as_str().unwrap(),
                e["size"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("orchestration-audit/audit.log", "file", 92),
            ("orchestration-audit/audit.log.1", "file", 94)
        ]
    );

    let r = run(&s, &["file", "view", "activelog", "serve.log"], "");
    ok(&r);
    assert_eq!(
        r.stdout,
        std::fs::read_to_string(s.join("logs/serve.log")).unwrap()
    );
    let r = run(
        &s,
        &["file", "tail", "activelog", "serve.log", "--lines", "2"],
        "",
    );
    ok(&r);
    assert_eq!(
        r.stdout,
        "Sat, 05 Dec 2026 10:00:01 GMT 127.0.0.1 GET /health 200 1ms\nSat, 05 Dec 2026 10:00:02 GMT login refused for eve\n"
    );

    // Plain text, in every log under the directory, with file and line.
    let r = run(
        &s,
        &["file", "search", "activelog", "FAILURE", "--ignore-case"],
        "",
    );
    ok(&r);
    assert_eq!(
        r.stdout,
        "orchestration-audit/audit.log.1:1: 2026-12-04 09:00:00 UTC user=\"admin\" command=\"utils upgrade-manager upgrade\" result=\"Failure\"\n"
    );
    assert!(
        r.stderr
            .contains("1 matching line(s) in 3 file(s) searched."),
        "{}",
        r.stderr
    );
    let v = json(&s, &["file", "search", "activelog", "GET /health", "/"]);
    assert_eq!(v["files_searched"], 3);
    assert_eq!(v["truncated"], false);
    assert_eq!(
        v["matches"],
        serde_json::json!([{"file": "serve.log", "line": 2, "text": "Sat, 05 Dec 2026 10:00:01 GMT 127.0.0.1 GET /health 200 1ms"}])
    );
    // A regular expression is not one: `.` is a dot.
    let v = json(&s, &["file", "search", "activelog", "GET.*health"]);
    assert_eq!(v["matches"], serde_json::json!([]));
    // Only the directory named.
    let v = json(
        &s,
        &[
            "file",
            "search",
            "activelog",
            "admin",
            "orchestration-audit",
        ],
    );
    assert_eq!(v["files_searched"], 2);
    assert_eq!(v["matches"].as_array().unwrap().len(), 2);
}

#[test]
fn nothing_outside_the_log_directory_is_reachable() {
    let (_d, s) = node();
    // A link inside logs/ that points out, and one to a directory out.
    std::os::unix::fs::symlink(s.join("ccadmin.db"), s.join("logs/db.log")).unwrap();
    std::os::unix::fs::symlink(&s, s.join("logs/state")).unwrap();
    // Peer text in a line is shown escaped, never acted on by the terminal.
    std::fs::write(s.join("logs/peer.log"), "hello \x1b[2Jthere\n").unwrap();
    for (args, says) in [
        (
            vec!["file", "view", "activelog", "../ccadmin.db"],
            "'../ccadmin.db' leads out of the log directory: '..' is not allowed",
        ),
        (
            vec![
                "file",
                "tail",
                "activelog",
                "orchestration-audit/../../ccadmin.db",
            ],
            "'..' is not allowed",
        ),
        (
            vec!["file", "view", "activelog", "/etc/passwd"],
            "'/etc/passwd' is an absolute path",
        ),
        (
            vec!["file", "view", "activelog", "db.log"],
            "'db.log' is a symbolic link: links are not followed",
        ),
        (
            vec!["file", "tail", "activelog", "state/ccadmin.db"],
            "'state' is a symbolic link",
        ),
        (
            vec!["file", "list", "activelog", "state"],
            "'state' is a symbolic link",
        ),
        (
            vec!["file", "search", "activelog", "SQLite", "state"],
            "'state' is a symbolic link",
        ),
        (
            vec![
                "file",
                "get",
                "activelog",
                "db*",
                "--sftp-server",
                "127.0.0.1:1",
            ],
            "'db.log' is a symbolic link",
        ),
        (
            vec![
                "file",
                "get",
                "activelog",
                "../ccadmin.db",
                "--sftp-server",
                "127.0.0.1:1",
            ],
            "'..' is not allowed",
        ),
    ] {
        let r = run(&s, &args, "");
        assert_ne!(r.code, 0, "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("Executed command unsuccessfully"),
            "{}",
            r.stderr
        );
        assert!(!r.stdout.contains("SQLite"), "{args:?}: {}", r.stdout);
    }
    // A search of every log does not follow the links either: the database's header is not
    // found through them.
    let v = json(&s, &["file", "search", "activelog", "SQLite format"]);
    assert_eq!(v["matches"], serde_json::json!([]));
    let r = run(&s, &["file", "view", "activelog", "peer.log"], "");
    ok(&r);
    assert_eq!(r.stdout, "hello \\u{1b}[2Jthere\n");
    // The listing shows the links as links, not what they point to.
    let r = run(&s, &["file", "list", "activelog"], "");
    assert!(
        r.stdout.contains("db.log@\n") && r.stdout.contains("state@\n"),
        "{}",
        r.stdout
    );
}

/// Lines of a child's stdout, as they come.
fn lines_of(out: std::process::ChildStdout) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            let Ok(l) = l else { return };
            if tx.send(l).is_err() {
                return;
            }
        }
    });
    rx
}

fn next_line(rx: &Receiver<String>, what: &str) -> String {
    rx.recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("no line came: {what}"))
}

fn append(path: &Path, line: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    writeln!(f, "{line}").unwrap();
}

#[test]
fn tail_follow_shows_lines_as_they_are_written_across_a_rotation_until_ctrl_c() {
    let (_d, s) = node();
    let log = s.join("logs/serve.log");
    let mut child = Command::new(bin())
        .args([
            "file",
            "tail",
            "activelog",
            "serve.log",
            "-n",
            "1",
            "--follow",
        ])
        .env("CCADMIN_STATE_DIR", &s)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stdout.take().unwrap());
    assert_eq!(
        next_line(&rx, "the last line"),
        "Sat, 05 Dec 2026 10:00:02 GMT login refused for eve"
    );
    append(&log, "written later");
    assert_eq!(next_line(&rx, "the appended line"), "written later");
    // The log is rotated as the service rotates it: the new file is followed from its start.
    std::fs::rename(&log, s.join("logs/serve.log.1")).unwrap();
    std::fs::write(&log, "in the new file\n").unwrap();
    assert_eq!(next_line(&rx, "the new file's line"), "in the new file");
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Control-C pressed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ctrl_c_ends_a_followed_tail_and_the_shell_goes_on() {
    let (_d, s) = node();
    let mut p = crate::shell::shell(&s, 40);
    p.send_line("file tail activelog serve.log --follow")
        .unwrap();
    p.exp_string("login refused for eve").unwrap();
    append(
        &s.join("logs/serve.log"),
        "a line written while the tail follows",
    );
    p.exp_string("a line written while the tail follows")
        .unwrap();
    p.send_control('c').unwrap();
    p.exp_string("Control-C pressed").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("show cli pagination").unwrap();
    p.exp_string("Automatic Pagination : On.").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn view_pages_on_a_terminal_and_q_stops_it() {
    let (_d, s) = node();
    let body: String = (1..=200).map(|i| format!("log line {i}\n")).collect();
    std::fs::write(s.join("logs/big.log"), body).unwrap();
    let mut p = crate::shell::shell(&s, 10);
    p.send_line("file view activelog big.log").unwrap();
    let before = p
        .exp_string("Press <enter> for 1 line, <space> for one page, or <q> to quit")
        .unwrap();
    assert!(before.contains("log line 9\r\n"), "{before}");
    assert!(!before.contains("log line 10\r\n"), "{before}");
    p.send("q").unwrap();
    p.flush().unwrap();
    let after = p.exp_string("admin:").unwrap();
    assert!(!after.contains("log line 10"), "{after}");
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
}

fn sftp_args<'a>(endpoint: &'a str, key: &'a str, dir: &'a str) -> Vec<&'a str> {
    vec![
        "--sftp-server",
        endpoint,
        "--sftp-user",
        "root",
        "--sftp-identity",
        key,
        "--sftp-directory",
        dir,
        "--accept-new-host-key",
    ]
}

#[test]
fn get_sends_files_under_the_node_name_and_never_over_a_file_on_the_server() {
    let (_d, s) = node();
    ok(&run(
        &s,
        &["utils", "node", "set", "--hostname", "cc-pub.example.com"],
        "",
    ));
    let sshd = Sshd::start();
    let endpoint = sshd.endpoint();
    let key = sshd.client_key("ed25519").display().to_string();
    let remote = tempfile::tempdir().unwrap();
    let dir = remote.path().display().to_string();
    // Something of the server's own in the directory, of a log's name: never touched.
    std::fs::write(remote.path().join("audit.log"), "the server's own file\n").unwrap();
    let pub_dir = remote.path().join("cc-pub.example.com");

    let mut a = vec!["file", "get", "activelog", "orchestration-audit/audit.log*"];
    a.extend(sftp_args(&endpoint, &key, &dir));
    let r = run(&s, &a, "");
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, sshd.log());
    for name in ["audit.log", "audit.log.1"] {
        assert_eq!(
            std::fs::read(pub_dir.join(name)).unwrap(),
            std::fs::read(s.join("logs/orchestration-audit").join(name)).unwrap(),
            "{name}"
        );
        assert!(
            r.stderr
                .contains(&format!("Sent {dir}/cc-pub.example.com/{name}")),
            "{}",
            r.stderr
        );
    }
    assert!(
        r.stderr
            .contains("2 file(s) are transferred to the SFTP server location sftp://root@"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(remote.path().join("audit.log")).unwrap(),
        "the server's own file\n"
    );
    let mut a = vec!["file", "get", "activelog", "serve.log"];
    a.extend(sftp_args(&endpoint, &key, &dir));
    ok(&run(&s, &a, ""));
    let first = std::fs::read(s.join("logs/serve.log")).unwrap();
    assert_eq!(std::fs::read(pub_dir.join("serve.log")).unwrap(), first);

    // The other node of the pair sends its serve.log to the same directory: beside the
    // first one, under its own name.
    let (_d2, s2) = node();
    ok(&run(
        &s2,
        &["utils", "node", "set", "--hostname", "cc-sub.example.com"],
        "",
    ));
    std::fs::write(s2.join("logs/serve.log"), "the subscriber's line\n").unwrap();
    let mut a = vec!["file", "get", "activelog", "serve.log"];
    a.extend(sftp_args(&endpoint, &key, &dir));
    ok(&run(&s2, &a, ""));
    assert_eq!(
        std::fs::read_to_string(remote.path().join("cc-sub.example.com/serve.log")).unwrap(),
        "the subscriber's line\n"
    );
    assert_eq!(std::fs::read(pub_dir.join("serve.log")).unwrap(), first);

    // The same file sent again (the log has grown since): refused, naming the file and what
    // to do; the first copy is intact and nothing is left beside it.
    std::fs::write(s.join("logs/serve.log"), "a newer line\n").unwrap();
    let mut a = vec!["file", "get", "activelog", "serve.log"];
    a.extend(sftp_args(&endpoint, &key, &dir));
    let r = run(&s, &a, "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{dir}/cc-pub.example.com/serve.log exists on the SFTP server already: it was left as it was and 'serve.log' was not sent"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("move or remove") && r.stderr.contains("another --sftp-directory"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(pub_dir.join("serve.log")).unwrap(), first);

    // A name that matches nothing asks for no SFTP login and sends nothing.
    let mut a = vec!["file", "get", "activelog", "nothing*"];
    a.extend(sftp_args(&endpoint, &key, &dir));
    let r = run(&s, &a, "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("there is no 'nothing*' in the log directory"),
        "{}",
        r.stderr
    );
    let names = |p: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(remote.path()),
        ["audit.log", "cc-pub.example.com", "cc-sub.example.com"]
    );
    assert_eq!(names(&pub_dir), ["audit.log", "audit.log.1", "serve.log"]);
    assert_eq!(
        names(&remote.path().join("cc-sub.example.com")),
        ["serve.log"]
    );
}

/// Fill `path` up to `size` bytes with lines of padding.
fn fill(path: &Path, size: usize) {
    let line = format!("{}\n", "p".repeat(99));
    let mut body = line.repeat((size - 1) / line.len());
    body.push_str(&"q".repeat(size - 1 - body.len()));
    body.push('\n');
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

const TEN_MIB: usize = 10 << 20;

/// How long to wait for what the service does after it answered (its log line is written
/// once the reply is on its way).
const AFTER_REPLY: Duration = Duration::from_secs(30);

#[test]
fn the_service_log_is_rotated_at_ten_mib() {
    let (_d, s) = state();
    let served = crate::serve::Served::start(&s);
    // The service has its log open; it grows to a few bytes short of the limit.
    let log = s.join("logs/serve.log");
    let before = std::fs::read(&log).unwrap();
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let pad = TEN_MIB - before.len() - 10;
    f.write_all(&"x".repeat(pad - 1).into_bytes()).unwrap();
    f.write_all(b"\n").unwrap();
    drop(f);
    // The next request's line does not fit: the log moves to serve.log.1.
    let r = served.client().get(served.url("/health")).send().unwrap();
    assert_eq!(r.status(), 200);
    crate::util::wait_for("serve.log rotated to serve.log.1", AFTER_REPLY, || {
        s.join("logs/serve.log.1").exists()
            && std::fs::read_to_string(&log).is_ok_and(|l| l.contains("GET /health 200"))
    });
    let old = std::fs::read(s.join("logs/serve.log.1")).unwrap();
    assert_eq!(old.len(), TEN_MIB - 10);
    assert!(old.starts_with(&before));
    let new = std::fs::read_to_string(&log).unwrap();
    assert!(new.len() < 1000 && new.contains("GET /health 200"), "{new}");
    // Five rotations later there are still five old files, the oldest dropped.
    for i in 0..5 {
        fill(&log, TEN_MIB - 10);
        append(&log, &format!("marker {i}"));
        let r = served.client().get(served.url("/health")).send().unwrap();
        assert_eq!(r.status(), 200);
        crate::util::wait_for("serve.log rotated", AFTER_REPLY, || {
            std::fs::metadata(&log).is_ok_and(|m| m.len() < 1000)
        });
    }
    let v = json(&s, &["file", "list", "activelog", "serve.log*"]);
    let names: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "serve.log",
            "serve.log.1",
            "serve.log.2",
            "serve.log.3",
            "serve.log.4",
            "serve.log.5"
        ]
    );
    let newest_old = std::fs::read_to_string(s.join("logs/serve.log.1")).unwrap();
    assert!(newest_old.contains("marker 4"));
    let oldest = std::fs::read_to_string(s.join("logs/serve.log.5")).unwrap();
    assert!(oldest.contains("marker 0"));
}

#[test]
fn an_orchestration_run_writes_one_audit_line_and_the_audit_log_rotates() {
    let (_d, s) = state();
    // A Windows host whose port refuses connections: the run is cheap and fails on it.
    let closed_port = crate::util::HeldPort::new();
    let closed = closed_port.port;
    let sshd = Sshd::start();
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{closed}\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n"
    );
    crate::test_connection::import(&s, &sshd, &inv);
    // The audit log is a few bytes short of its limit.
    let audit = s.join("logs/orchestration-audit/audit.log");
    fill(&audit, TEN_MIB - 10);

    let r = crate::util::ccadmin(&s)
        .env("USER", "operator7")
        .args([
            "--yes",
            "utils",
            "patch-manager",
            "rollback",
            "--node",
            &format!("127.0.0.1:{closed}"),
        ])
        .output()
        .unwrap();
    assert_ne!(r.status.code(), Some(0));
    let text = std::fs::read_to_string(&audit).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "the audit log was not rotated: {} lines, the last: {:?}",
        lines.len(),
        lines.last()
    );
    let l = lines[0];
    assert!(l.contains(" UTC user=\"operator7\" command=\"utils patch-manager rollback\" subject=\"the newest patch\" started=\""), "{l}");
    assert!(l.contains(" run=1 result=\"Failure\""), "{l}");
    assert_eq!(
        std::fs::metadata(s.join("logs/orchestration-audit/audit.log.1"))
            .unwrap()
            .len(),
        (TEN_MIB - 10) as u64
    );
    // `file search` finds it; the history has the same run.
    let v = json(
        &s,
        &[
            "file",
            "search",
            "activelog",
            "patch-manager rollback",
            "orchestration-audit",
        ],
    );
    assert_eq!(v["matches"][0]["file"], "orchestration-audit/audit.log");
    assert_eq!(v["matches"][0]["line"], 1);
    let h = json(&s, &["utils", "deployment", "show", "history"]);
    assert_eq!(h["runs"][0]["id"], 1);
    assert_eq!(h["runs"][0]["actor"], "operator7");
}
