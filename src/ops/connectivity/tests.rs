//! Unit tests of one host's check (the judged answer, retries) and of the other node's report.

use super::*;
use crate::clients::ssh::SshError;

#[test]
fn the_other_nodes_report_is_escaped_and_bounded() {
    let r = NodeReport::from_peer(NodeReport {
        node: "cc\u{1b}]0;owned\u{7}".into(),
        public_key: "ssh-ed25519 AAAA".into(),
        hosts: vec![NodeHost {
            host: "pga.lab".into(),
            result: Outcome::Failed,
            seconds: 1.0,
            stage: Some("auth\u{1b}[2J".into()),
            detail: format!("\u{1b}[31mred{}", "x".repeat(5000)),
        }],
    });
    let all = format!("{}{:?}{}", r.node, r.hosts[0].stage, r.hosts[0].detail);
    assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{all}");
    assert!(r.hosts[0].detail.chars().count() <= MAX_PEER_TEXT);
    assert!(r.hosts[0].detail.contains("red"));
}

#[test]
fn the_remote_command_is_the_platforms_and_its_answer_is_judged_typed() {
    assert_eq!(probe("VOS"), PROBE_VOS);
    assert_eq!(probe("Windows"), format!("echo {MARKER}"));
    let report = "{\"version\": \"12.6.1\", \"patches\": []}\n";
    assert_eq!(
        judge("VOS", 0, report),
        Ok("VOS CLI answered: active version 12.6.1".to_owned())
    );
    // The VOS CLI does not run echo; a shell does not run the VOS CLI's command.
    assert_eq!(
        judge("VOS", 2, "Invalid command\n").map_err(|e| e.to_string()),
        Err("remote command failed: exit status 2: Invalid command".to_owned())
    );
    assert_eq!(
        judge("Windows", 0, &format!("{MARKER}\r\n")),
        Ok(String::new())
    );
    assert_eq!(
        judge("Windows", 1, "").map_err(|e| e.to_string()),
        Err("remote command failed: exit status 1".to_owned())
    );
    // What a host says is bounded and escaped, never passed raw.
    let hostile = judge(
        "VOS",
        0,
        "\u{1b}]0;pwned\u{7}{\"version\": \"1\u{1b}[31m\"}",
    )
    .unwrap_err()
    .to_string();
    assert!(
        hostile.contains("gave no valid version report"),
        "{hostile}"
    );
    assert!(
        !hostile.chars().any(crate::text::acts_on_terminal),
        "{hostile:?}"
    );
    let long = judge("Windows", 5, &"\u{202e}x".repeat(1000))
        .unwrap_err()
        .to_string();
    assert!(long.len() < 1000 && !long.contains('\u{202e}'), "{long}");
    // A version holding a bidi override is refused by the record's checks (it would otherwise
    // reach exported files as it is), and the refusal shows nothing a terminal acts on.
    let bidi = judge("VOS", 0, r#"{"version": "12.6\u202e1"}"#)
        .unwrap_err()
        .to_string();
    assert!(bidi.contains("gave no valid version report"), "{bidi}");
    assert!(!bidi.contains('\u{202e}'), "{bidi:?}");
}

#[test]
fn only_a_busy_or_slow_answer_is_retried() {
    let t = |stage| SshError::Timeout {
        endpoint: "h".into(),
        stage,
        secs: 10,
    };
    assert_eq!(retry_class(&t("remote command")), Retry::Yes);
    assert_eq!(retry_class(&t("SSH handshake")), Retry::Yes);
    assert_eq!(retry_class(&t("SSH banner exchange")), Retry::IfLoaded);
    assert_eq!(retry_class(&t("TCP connect")), Retry::Never);
    let busy = SshError::Busy {
        endpoint: "h".into(),
        reason: "x".into(),
    };
    assert_eq!(retry_class(&busy), Retry::Yes);
    let refused = SshError::AuthFailed {
        user: "u".into(),
        endpoint: "h".into(),
        method: "publickey",
    };
    assert_eq!(retry_class(&refused), Retry::Never);
}
