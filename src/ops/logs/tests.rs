//! The log directory's unit tests: rotation, the audit log, paths refused, view, tail,
//! search and get.

use std::fs;
use std::io::{BufReader, Read};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::sys::stat::Mode;

use super::*;
use crate::cancel::Cancel;
use crate::ops::Kind;

fn logs() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("state");
    fs::create_dir_all(root.join("logs/orchestration-audit")).unwrap();
    (d, root)
}

#[test]
fn rotation_at_the_limit_keeps_a_bounded_number_of_files() {
    let (_d, root) = logs();
    let path = root.join("logs/serve.log");
    let mut log = LogFile::with_limits(path.clone(), 100, 3);
    // 10 lines of 40 bytes (39 and a newline): two fit in 100 bytes, a third does not.
    for i in 0..10 {
        log.append(&format!("{i:02}{}", "x".repeat(37))).unwrap();
    }
    let read = |p: &Path| fs::read_to_string(p).unwrap();
    let mut names: Vec<String> = fs::read_dir(root.join("logs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("serve.log"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["serve.log", "serve.log.1", "serve.log.2", "serve.log.3"]
    );
    for n in &names {
        assert!(fs::metadata(root.join("logs").join(n)).unwrap().len() <= 100);
    }
    // The newest lines in serve.log, the older ones in .1, .2, .3; 00 and 01 dropped.
    assert!(read(&path).starts_with("08") && read(&path).contains("\n09"));
    assert!(read(&root.join("logs/serve.log.1")).starts_with("06"));
    assert!(read(&root.join("logs/serve.log.3")).starts_with("02"));
}

#[test]
fn a_writer_whose_file_was_rotated_by_another_writes_to_the_new_one() {
    let (_d, root) = logs();
    let path = root.join("logs/audit.log");
    let mut a = LogFile::with_limits(path.clone(), 30, 5);
    let mut b = LogFile::with_limits(path.clone(), 30, 5);
    a.append("a1 aaaaaaaaaa").unwrap();
    b.append("b1 bbbbbbbbbb").unwrap();
    // b rotates; a still holds the old file open.
    b.append("b2 bbbbbbbbbb").unwrap();
    a.append("a2 aaaaaaaaaa").unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "b2 bbbbbbbbbb\na2 aaaaaaaaaa\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("logs/audit.log.1")).unwrap(),
        "a1 aaaaaaaaaa\nb1 bbbbbbbbbb\n"
    );
}

#[test]
fn paths_out_of_the_log_directory_are_refused() {
    let (_d, root) = logs();
    fs::write(root.join("ccadmin.db"), "secret").unwrap();
    fs::write(root.join("logs/serve.log"), "ok\n").unwrap();
    std::os::unix::fs::symlink(root.join("ccadmin.db"), root.join("logs/db")).unwrap();
    std::os::unix::fs::symlink(root.clone(), root.join("logs/up")).unwrap();
    let c = Cancel::new();
    let mut lines = Vec::new();
    let mut collect = |l: &str| {
        lines.push(l.to_owned());
        true
    };
    for (spec, kind, says) in [
        ("../ccadmin.db", Kind::Invalid, "'..' is not allowed"),
        (
            "orchestration-audit/../../ccadmin.db",
            Kind::Invalid,
            "'..'",
        ),
        ("/etc/passwd", Kind::Invalid, "absolute path"),
        ("db", Kind::Forbidden, "'db' is a symbolic link"),
        ("up/ccadmin.db", Kind::Forbidden, "'up' is a symbolic link"),
        ("nothing.log", Kind::NotFound, "there is no 'nothing.log'"),
    ] {
        let e = view(&root, spec, &c, &mut collect).unwrap_err();
        assert_eq!(e.kind, kind, "{spec}: {e}");
        assert!(e.message.contains(says), "{spec}: {}", e.message);
        assert!(files_to_get(&root, spec).is_err(), "{spec}");
        assert!(tail(&root, spec, 5, false, &c, &mut |_| true).is_err());
    }
    assert!(lines.is_empty(), "{lines:?}");
    assert!(search(&root, "secret", "up", false, &c).is_err());
    // A search of everything does not follow the links.
    let s = search(&root, "secret", "/", false, &c).unwrap();
    assert!(s.matches.is_empty(), "{:?}", s.matches);
    // `/` is the log directory itself, as on Cisco's CLI.
    let names: Vec<String> = list(&root, "/", Order::Name, false)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.name, e.kind))
        .collect();
    assert_eq!(
        names,
        [
            "db link",
            "orchestration-audit dir",
            "serve.log file",
            "up link"
        ]
    );
}

/// The descriptor-relative opens, called directly: the kernel refuses a link where a
/// directory was checked, and a directory once opened is the one read from, whatever its
/// name leads to by then.
#[test]
fn a_link_on_the_way_is_refused_by_the_kernel_not_by_a_check_before() {
    let (d, root) = logs();
    let outside = d.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("shadow"), "root:SECRET\n").unwrap();
    fs::create_dir_all(root.join("logs/sub")).unwrap();
    fs::write(root.join("logs/sub/shadow"), "a log line\n").unwrap();
    let top = open_log_dir(&root).unwrap().unwrap();

    // The directory `sub` is opened (as `walk` does after its check)...
    let Found::Dir(sub) = open_entry(top.as_fd(), "sub").unwrap() else {
        panic!("sub is a directory")
    };
    // ...then its owner swaps it for a link to a directory outside the log directory.
    fs::rename(root.join("logs/sub"), root.join("logs/sub.old")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("logs/sub")).unwrap();
    // The file is opened in the directory that was opened, not through the link.
    let Found::File(mut f, _) = open_entry(sub.as_fd(), "shadow").unwrap() else {
        panic!("shadow is a file")
    };
    let mut got = String::new();
    f.read_to_string(&mut got).unwrap();
    assert_eq!(got, "a log line\n");

    // Opening the name `sub` now, with no check before it at all: the kernel refuses the
    // link (O_NOFOLLOW: ELOOP), so the swap can never lead out.
    let e = open_nofollow(top.as_fd(), "sub").unwrap_err();
    assert!(is_link_error(&e), "{e}");
    // The low-level open takes one name only: a path is not resolved by it.
    for bad in ["sub/shadow", "..", ".", ""] {
        let e = open_nofollow(top.as_fd(), bad).unwrap_err();
        assert_eq!(
            e.raw_os_error(),
            Some(nix::errno::Errno::EINVAL as i32),
            "{bad}"
        );
    }
    // Walking `sub/shadow` refuses at `sub`, with the message the commands show.
    let e = walk(&root, &["sub", "shadow"], "sub/shadow").unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    assert!(
        e.message.contains("'sub' is a symbolic link"),
        "{}",
        e.message
    );
    let c = Cancel::new();
    let mut lines = Vec::new();
    let e = view(&root, "sub/shadow", &c, &mut |l| {
        lines.push(l.to_owned());
        true
    })
    .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden, "{e}");
    assert!(lines.is_empty());
    let s = search(&root, "SECRET", "/", false, &c).unwrap();
    assert!(s.matches.is_empty(), "{:?}", s.matches);
    assert!(files_to_get(&root, "sub/*").is_err());
    assert!(read_for_get(&root, "sub/shadow").is_err());
    // A log directory that is itself a link is refused.
    fs::rename(root.join("logs"), root.join("logs.real")).unwrap();
    std::os::unix::fs::symlink(root.join("logs.real"), root.join("logs")).unwrap();
    let e = open_log_dir(&root).unwrap_err();
    assert!(e.message.contains("'logs' is a symbolic link"), "{e}");
}

/// A FIFO in the log directory is refused at once by view, tail and get, and skipped by
/// search: nothing waits for a writer that never comes.
#[test]
fn a_fifo_in_the_log_directory_is_refused_without_hanging() {
    let (_d, root) = logs();
    fs::write(root.join("logs/serve.log"), "one needle\n").unwrap();
    nix::unistd::mkfifo(&root.join("logs/pipe.log"), Mode::from_bits_truncate(0o600)).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let r = root.clone();
    std::thread::spawn(move || {
        let c = Cancel::new();
        let top = open_log_dir(&r).unwrap().unwrap();
        // The open itself, as after a swap that the check did not see, does not wait
        // (O_NONBLOCK), and what it opened is not taken for a file.
        open_nofollow(top.as_fd(), "pipe.log").unwrap();
        let entry = open_entry(top.as_fd(), "pipe.log").unwrap();
        let view_err = view(&r, "pipe.log", &c, &mut |_| true).unwrap_err();
        let tail_err = tail(&r, "pipe.log", 5, false, &c, &mut |_| true).unwrap_err();
        let get_err = files_to_get(&r, "pipe.log").unwrap_err();
        let read_err = read_for_get(&r, "pipe.log").unwrap_err();
        let all = search(&r, "needle", "/", false, &c).unwrap();
        let one = search(&r, "needle", "pipe.log", false, &c).unwrap();
        let listed = list(&r, "/", Order::Name, false).unwrap();
        tx.send((
            matches!(entry, Found::Other(_)),
            [view_err, tail_err, get_err, read_err].map(|e| e.message),
            (all.files_searched, all.matches.len(), one.files_searched),
            listed
                .iter()
                .map(|e| format!("{} {}", e.name, e.kind))
                .collect::<Vec<_>>(),
        ))
        .unwrap();
    });
    let (other, errors, searched, listed) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("a FIFO made the log commands hang");
    assert!(other);
    for m in errors {
        assert_eq!(m, "'pipe.log' is not a regular file");
    }
    assert_eq!(searched, (1, 1, 0));
    assert_eq!(
        listed,
        [
            "orchestration-audit dir",
            "pipe.log other",
            "serve.log file"
        ]
    );
}

#[test]
fn a_long_line_is_one_line_cut_and_line_numbers_count_real_lines() {
    // Read through a tiny buffer too, so a line spans many reads.
    let long = "x".repeat(MAX_LINE + 5);
    let body = format!("abc\n{long}\n{}\nlast", "y".repeat(MAX_LINE));
    for cap in [7, 8192] {
        let mut r = BufReader::with_capacity(cap, body.as_bytes());
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(cut) = read_line(&mut r, &mut buf).unwrap() {
            got.push((buf.len(), cut));
        }
        assert_eq!(got, [(3, 0), (MAX_LINE, 5), (MAX_LINE, 0), (4, 0)], "{cap}");
    }

    let (_d, root) = logs();
    // A peer's long text whose tail, past 64 KiB, looks like a line of its own.
    let forged = "2026-12-05 10:00:00 UTC user=\"admin\" result=\"Success\"";
    let padding = "A".repeat(100 << 10);
    fs::write(
        root.join("logs/peer.log"),
        format!("first\n{padding}{forged}\nneedle on line 3\n"),
    )
    .unwrap();
    let cut = (100 << 10) - MAX_LINE + forged.len();
    let second = format!("{} … ({cut} bytes cut)", "A".repeat(MAX_LINE));
    let c = Cancel::new();
    let mut lines = Vec::new();
    view(&root, "peer.log", &c, &mut |l| {
        lines.push(l.to_owned());
        true
    })
    .unwrap();
    assert_eq!(lines, ["first", second.as_str(), "needle on line 3"]);
    assert!(!lines.iter().any(|l| l.starts_with("2026-")));
    let mut tailed = Vec::new();
    tail(&root, "peer.log", 10, false, &c, &mut |l| {
        tailed.push(l.to_owned());
        true
    })
    .unwrap();
    assert_eq!(tailed, lines);
    // The match is on line 3, the third real line, however long line 2 is.
    let s = search(&root, "needle", "peer.log", false, &c).unwrap();
    assert_eq!(s.matches.len(), 1);
    assert_eq!(
        (s.matches[0].line, s.matches[0].text.as_str()),
        (3, "needle on line 3")
    );
    let s = search(&root, "AAAA", "/", false, &c).unwrap();
    assert_eq!(s.matches.len(), 1);
    assert_eq!((s.matches[0].line, &s.matches[0].text), (2, &second));
    // What was cut is not a line: the forged text is never shown or found as one.
    let s = search(&root, "result=", "/", false, &c).unwrap();
    assert!(s.matches.is_empty(), "{:?}", s.matches);
}

#[test]
fn tail_gives_the_last_lines_and_wildcards_match() {
    let (_d, root) = logs();
    let body: String = (1..=30000).map(|i| format!("line {i}\n")).collect();
    fs::write(root.join("logs/serve.log"), body).unwrap();
    let mut got = Vec::new();
    tail(&root, "serve.log", 3, false, &Cancel::new(), &mut |l| {
        got.push(l.to_owned());
        true
    })
    .unwrap();
    assert_eq!(got, ["line 29998", "line 29999", "line 30000"]);
    assert!(wildcard("audit.log*", "audit.log"));
    assert!(wildcard("audit.log*", "audit.log.5"));
    assert!(wildcard("a?dit.*", "audit.log"));
    assert!(!wildcard("audit.log*", "xaudit.log"));
    assert!(!wildcard("*.1", "audit.log.2"));
}

#[test]
fn an_audit_line_is_one_line_whatever_the_values_hold() {
    let line = audit_line(
        "2026-12-05 10:00:00",
        &AuditRecord {
            actor: "eve\"\nforged=1",
            command: "utils patch-manager install",
            subject: "p.zip",
            started: "2026-12-05 09:59:00",
            run: Some(4),
            result: "Failure",
            detail: Some("a\\b"),
        },
    );
    assert!(!line.contains('\n'));
    assert_eq!(
        line,
        "2026-12-05 10:00:00 UTC user=\"eve\\\"\\u{a}forged=1\" command=\"utils patch-manager install\" subject=\"p.zip\" started=\"2026-12-05 09:59:00\" run=4 result=\"Failure\" detail=\"a\\\\b\""
    );
}
