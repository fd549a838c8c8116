//! What the deployment's hosts answer: test-connection passes VOS hosts whose account shell is the
//! VOS CLI, and hostile nodes are unreadable, never trusted or printed raw.

use super::*;

/// Issue 23 finding 3: test-connection sent `echo <marker>`, which the VOS CLI (the shell of
/// an onboarded VOS host's orchestration account) answers with `Invalid command`, exit 2, so
/// every such host failed although orchestration reached it. It now asks a VOS host what
/// orchestration reads, `show version active --output json`, and parses the answer.
#[test]
fn test_connection_passes_vos_hosts_whose_account_shell_is_the_vos_cli() {
    let lab = lab();
    let args = [
        "utils",
        "deployment",
        "test-connection",
        "--product",
        "Finesse",
    ];
    let (code, v) = lab.json(&args);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(2), Some(0)),
        "{v}"
    );
    let row = |v: &serde_json::Value, h: &Host| {
        v["hosts"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .find(|r| r["host"] == h.name().as_str())
            .unwrap_or_else(|| panic!("no row for {}: {v}", h.name()))
            .clone()
    };
    for h in &lab.vos {
        let r = row(&v, h);
        assert_eq!(r["platform"], "VOS", "{r}");
        assert_eq!(r["result"], "Success", "{r}");
        assert_eq!(r["stage"], serde_json::Value::Null, "{r}");
        assert_eq!(
            r["detail"], "VOS CLI answered: active version 12.6.1",
            "{r}"
        );
    }
    let text = lab.run(&args, "");
    assert_eq!(text.code, 0, "{}\n{}", text.stdout, text.stderr);
    for h in &lab.vos {
        let line = text
            .stdout
            .lines()
            .find(|l| l.contains(&h.name()))
            .unwrap_or_else(|| panic!("{}", text.stdout));
        assert!(
            line.contains("VOS")
                && line.contains("Success")
                && line.ends_with("VOS CLI answered: active version 12.6.1"),
            "{line}"
        );
    }
    assert!(
        text.stdout.contains("2 of 2 hosts passed"),
        "{}",
        text.stdout
    );

    // A host whose console does not answer as the VOS CLI does fails, said specifically and
    // never raw: one that answers escape sequences, one whose account runs sh (which has no
    // `show`), one that refuses the command.
    let shell = |h: &Host, body: &str| {
        let home = h.home.path().display();
        std::fs::write(
            h.sshd.dir.path().join("shell.sh"),
            format!("#!/bin/sh\ncd '{home}' || exit 97\n{body}\n"),
        )
        .unwrap();
    };
    shell(
        &lab.vos[0],
        r#"printf '\033]0;pwned\007{"version": "12.6.1\033[31m"}\n'"#,
    );
    shell(&lab.vos[1], "exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"");
    let text = lab.run(&args, "");
    assert_eq!(text.code, 1, "{}\n{}", text.stdout, text.stderr);
    assert!(
        !text.stdout.contains('\u{1b}') && !text.stdout.contains('\u{7}'),
        "raw control characters reached the terminal: {:?}",
        text.stdout
    );
    let (code, v) = lab.json(&args);
    assert_eq!(code, 1, "{v}");
    let hostile = row(&v, &lab.vos[0]);
    assert_eq!(
        (&hostile["result"], &hostile["stage"]),
        (&"Failed".into(), &"remote command".into()),
        "{hostile}"
    );
    let detail = hostile["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(
            "remote command failed: `show version active --output json` gave no valid version report"
        ) && !detail.contains('\u{1b}'),
        "{detail:?}"
    );
    let sh = row(&v, &lab.vos[1]);
    assert_eq!(
        sh["detail"], "remote command failed: exit status 127",
        "{sh}"
    );
    shell(&lab.vos[1], "echo 'Invalid command'; exit 2");
    let (_, v) = lab.json(&args);
    assert_eq!(
        row(&v, &lab.vos[1])["detail"],
        "remote command failed: exit status 2: Invalid command",
        "{v}"
    );
}

/// Nodes are peers: what they say is parsed into a typed, bounded record and never reaches the
/// terminal raw. A VOS console that answers escape sequences, one that floods, and a Windows
/// record too large or with control characters are each unreadable, said safely.
#[test]
fn hostile_nodes_are_unreadable_never_trusted_or_printed_raw() {
    let lab = lab();
    let shell = |h: &Host, body: &str| {
        let home = h.home.path().display();
        std::fs::write(
            h.sshd.dir.path().join("shell.sh"),
            format!("#!/bin/sh\ncd '{home}' || exit 97\n{body}\n"),
        )
        .unwrap();
    };
    // Escape sequences and a bell where the version record should be.
    shell(
        &lab.vos[0],
        r#"printf '\033]0;pwned\007\033[2J{"version": "12.6.1\033[31m"}\n'"#,
    );
    // A flood: far more than any version report.
    shell(&lab.vos[1], "head -c 3000000 /dev/zero | tr '\\0' 'x'");
    std::fs::write(
        lab.win[0].home.path().join(".ccadmin-installed.json"),
        format!("{{\"version\": \"{}\"}}", "9".repeat(100_000)),
    )
    .unwrap();
    std::fs::write(
        lab.win[1].home.path().join(".ccadmin-installed.json"),
        "{\"version\": \"12.6.1\\u001b[2J\"}",
    )
    .unwrap();
    let r = lab.run(&["utils", "deployment", "show", "status"], "");
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'),
        "raw control characters reached the terminal: {:?}",
        r.stdout
    );
    assert!(
        r.stderr.contains("4 of 4 node(s) could not be read"),
        "{}",
        r.stderr
    );
    let (_, v) = lab.json(&["utils", "deployment", "show", "status"]);
    let error = |i: usize| {
        v["hosts"][i]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_owned()
    };
    let by_host = |name: String| {
        (0..4)
            .find(|i| v["hosts"][*i]["host"] == name.as_str())
            .map(error)
            .unwrap()
    };
    assert!(
        by_host(lab.vos[0].name()).contains("version report is not valid"),
        "{v}"
    );
    assert!(
        by_host(lab.vos[1].name()).contains("1048576"),
        "the flood is cut off: {v}"
    );
    assert!(by_host(lab.win[0].name()).contains("65536"), "{v}");
    assert!(
        by_host(lab.win[1].name()).contains("control characters"),
        "{v}"
    );
    // Nothing is installed on a node that cannot be read.
    lab.artifact(
        "es1.sh",
        b"touch ran\n",
        serde_json::json!({"install": "sh es1.sh"}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "es1.sh",
        "--all",
        "--max-fail",
        "5",
    ]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        results(&v),
        [
            (lab.win[0].name(), "failed".into()),
            (lab.win[1].name(), "failed".into())
        ]
    );
    for h in &lab.win {
        assert!(!h.home.path().join("ran").exists());
    }
}
