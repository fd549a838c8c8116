//! Unit tests of the orchestration tables: the cluster claim, the other node's runs, the
//! checks of what a peer reports.

use super::*;

fn db(dir: &tempfile::TempDir, name: &str) -> Db {
    Db::open(&dir.path().join(format!("{name}.db")), name).unwrap()
}

fn claim(holder: &str, uid: &str) -> Claim {
    Claim {
        holder: holder.into(),
        run_uid: uid.into(),
        command: "utils patch-manager install".into(),
        subject: "ES5.exe".into(),
        actor: "admin".into(),
        state: "claiming".into(),
        since: String::new(),
    }
}

/// Both nodes claim at the same moment: each writes its claim, then each asks the other.
/// The subscriber yields to the publisher; the publisher refuses the subscriber; only the
/// publisher's confirmation holds.
#[test]
fn two_nodes_claiming_at_once_leave_exactly_the_publisher_running() {
    let dir = tempfile::tempdir().unwrap();
    let (mut p, mut s) = (db(&dir, "cc-pub"), db(&dir, "cc-sub"));
    let me = std::process::id();
    p.claim_start("cc-pub", &claim("cc-pub", "p1"), me).unwrap();
    s.claim_start("cc-sub", &claim("cc-sub", "s1"), me).unwrap();
    let to_sub = s
        .claim_for_peer("cc-sub", false, &claim("cc-pub", "p1"))
        .unwrap();
    let to_pub = p
        .claim_for_peer("cc-pub", true, &claim("cc-sub", "s1"))
        .unwrap();
    assert_eq!(to_sub, ClaimAnswer::Granted);
    assert!(matches!(to_pub, ClaimAnswer::Refused(c) if c.holder == "cc-pub"));
    assert_eq!(p.claim_confirm("cc-pub", "p1").unwrap(), None);
    let lost = s.claim_confirm("cc-sub", "s1").unwrap().unwrap();
    assert_eq!(lost.holder, "cc-pub");
    // Running now: the publisher refuses the subscriber, and a running subscriber refuses
    // the publisher too (it yields only while it is still asking).
    p.claim_release("cc-pub", "p1").unwrap();
    s.claim_start("cc-sub", &claim("cc-sub", "s2"), me).unwrap();
    assert_eq!(s.claim_confirm("cc-sub", "s2").unwrap(), None);
    assert!(matches!(
        s.claim_for_peer("cc-sub", false, &claim("cc-pub", "p2"))
            .unwrap(),
        ClaimAnswer::Refused(c) if c.run_uid == "s2"
    ));
}

/// The other node's word replaces one of this node's own runs only when this node
/// granted it the cluster for that run (a take-over), never otherwise.
#[test]
fn the_other_node_rewrites_an_own_run_only_after_a_granted_take_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = db(&dir, "cc-sub");
    let own = Run {
        uid: "abc1".into(),
        node: "cc-sub".into(),
        operation: "patch install".into(),
        subject: "ES5.exe".into(),
        actor: "admin".into(),
        started_at: "2026-12-05 10:00:00".into(),
        ..Run::default()
    };
    s.start_run(&own).unwrap();
    let forged = Run {
        node: "cc-pub".into(),
        finished_at: Some("2026-12-05 10:01:00".into()),
        result: Some("Success".into()),
        ..own.clone()
    };
    forged.check().unwrap();
    s.keep_remote_run("cc-sub", &forged).unwrap();
    let kept = s.run_by_uid("abc1").unwrap().unwrap();
    assert!(!kept.remote && kept.finished_at.is_none(), "{kept:?}");
    // Granted to cc-pub for this run: now it is cc-pub's.
    s.claim_for_peer("cc-sub", false, &claim("cc-pub", "abc1"))
        .unwrap();
    s.keep_remote_run("cc-sub", &forged).unwrap();
    let kept = s.run_by_uid("abc1").unwrap().unwrap();
    assert!(kept.remote && kept.node == "cc-pub", "{kept:?}");
    // A peer's run with a line break outside its detail, or a time that is not one.
    let bad = Run {
        subject: "ES5\nforged row".into(),
        ..forged.clone()
    };
    assert!(bad.check().is_err());
    let bad = Run {
        started_at: "9999-99-99T".into(),
        ..forged
    };
    assert!(bad.check().is_err());
}

/// A peer's step whose detail holds a line break is refused: shown as a table row, it
/// would start a line of its own (a forged `admin:` line).
#[test]
fn a_peer_run_is_one_line_in_every_field() {
    let mut r = Run {
        uid: "abc1".into(),
        node: "cc-pub".into(),
        operation: "patch install".into(),
        subject: "ES5.exe".into(),
        actor: "admin".into(),
        started_at: "2026-12-05 10:00:00".into(),
        steps: vec![Step {
            host: "pga.lab".into(),
            side: "A".into(),
            result: Outcome::Done.into(),
            detail: "installed".into(),
            ..Step::default()
        }],
        ..Run::default()
    };
    r.check().unwrap();
    r.steps[0].detail = "installed\nadmin:forged".into();
    assert!(r
        .check()
        .unwrap_err()
        .to_string()
        .contains("a step's detail"));
    r.steps[0].detail = "installed".into();
    r.note = "note\r\nadmin:forged".into();
    assert!(r.check().is_err());
}

/// A claim whose process is gone (kill -9) is granted away; the same node's next run
/// takes it over.
#[test]
fn a_claim_of_a_dead_process_is_no_claim() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = db(&dir, "cc-sub");
    // PID 0 is never a process of ours; a start time that is not its own.
    s.claim_start("cc-sub", &claim("cc-sub", "s1"), u32::MAX)
        .unwrap();
    assert_eq!(
        s.claim("cc-sub").unwrap().map(|(_, live)| live),
        Some(false)
    );
    assert_eq!(
        s.claim_for_peer("cc-sub", false, &claim("cc-pub", "p1"))
            .unwrap(),
        ClaimAnswer::Granted
    );
}
