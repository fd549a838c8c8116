//! The cancellation's decisions, on a state directory of its own: the race with the commit,
//! the refusals, and a request that never outlives its attempt.

use super::*;
use crate::ops::upgrade_status::{status, FILE};

/// A fresh node: a stand-alone Cloud Connect publisher.
fn node(dir: &Path) -> Node {
    Node::new(
        crate::state::StateDir::new(dir.to_path_buf(), "cc-pub.example".into()),
        crate::ops::Stores {
            choice: None,
            dbus_session: false,
        },
        crate::cancel::Cancel::new(),
    )
}

/// The commit (the service's point of no return) and a cancel, started together again and
/// again on the same lock: each time exactly one wins — the commit recorded `switching` and the
/// cancel was refused as too late, or the cancel wrote its request and the commit refused to
/// switch — and the record agrees with the winner.
#[test]
fn a_cancel_racing_the_commit_either_wins_or_is_too_late_never_both() {
    let d = tempfile::tempdir().unwrap();
    let mut n = node(d.path());
    assert_eq!(status(&mut n).unwrap().state, "none");
    let rec = Recorder::new(d.path(), "0.1.0");
    let (mut won, mut lost) = (0, 0);
    for _ in 0..200 {
        let a = Attempt::begin(&rec, "0.2.0");
        a.step(Step::Trying, None).unwrap();
        let barrier = std::sync::Barrier::new(2);
        let (committed, asked) = std::thread::scope(|s| {
            let c = s.spawn(|| {
                barrier.wait();
                a.commit("healthy beside 0.1.0; switching to it")
            });
            let q = s.spawn(|| {
                barrier.wait();
                request(&mut n)
            });
            (c.join().unwrap(), q.join().unwrap())
        });
        let r = read_record(d.path()).unwrap().unwrap();
        match (committed, asked) {
            (Ok(()), Err(e)) => {
                assert!(e.message.starts_with("Too late to cancel"), "{e}");
                assert_eq!(r.step, Step::Switching);
                assert!(!a.requested());
                lost += 1;
                a.finish(Step::Healthy, None, None).unwrap();
            }
            (Err(Stop::Cancelled), Ok(p)) => {
                assert_eq!((p.attempt.as_str(), p.state), (a.id.as_str(), "trying"));
                assert_eq!(r.step, Step::Trying, "nothing recorded past the request");
                won += 1;
                a.finish(Step::Cancelled, Some("cancelled"), Some(true))
                    .unwrap();
                assert!(!d.path().join(REQUEST).exists(), "answered and removed");
            }
            (c, q) => panic!("neither or both won: commit {c:?}, cancel {q:?}"),
        }
    }
    assert_eq!(won + lost, 200);
}

/// Nothing offered, an upgrade that ended, one past the switch, one whose service is gone:
/// each refused in its words, no request written.
#[test]
fn a_cancel_with_nothing_to_cancel_is_refused_in_its_words() {
    let d = tempfile::tempdir().unwrap();
    let mut n = node(d.path());
    let e = request(&mut n).unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
    assert!(
        e.message
            .contains("no release from the hub has been offered"),
        "{e}"
    );
    let rec = Recorder::new(d.path(), "0.1.0");
    rec.step(Step::Failed, "0.2.0", Some("not signed")).unwrap();
    let e = request(&mut n).unwrap_err();
    assert!(
        e.message
            .contains("the last one ended: 0.2.0 (failed: not signed)"),
        "{e}"
    );
    for (step, says) in [
        (Step::Switching, "is switching to 0.2.0"),
        (Step::Healthy, "already switched to 0.2.0 (from 0.1.0)"),
    ] {
        rec.step(step, "0.2.0", None).unwrap();
        let e = request(&mut n).unwrap_err();
        assert!(
            e.message.starts_with("Too late to cancel") && e.message.contains(says),
            "{e}"
        );
        assert!(e.hint.unwrap().contains("utils cloudconnect switch-back"));
    }
    // In flight, but recorded by a service that is gone.
    let a = Attempt::begin(&rec, "0.2.0");
    a.step(Step::Downloading, None).unwrap();
    let mut r = read_record(d.path()).unwrap().unwrap();
    r.pid = u32::MAX - 1;
    std::fs::write(d.path().join(FILE), serde_json::to_vec(&r).unwrap()).unwrap();
    let e = request(&mut n).unwrap_err();
    assert!(e.message.contains("is not running"), "{e}");
    assert!(!d.path().join(REQUEST).exists());
    // Stopped in the middle of its switch: not "too late", and no switch back advised (the
    // current link may not have moved).
    let mut r = read_record(d.path()).unwrap().unwrap();
    r.step = Step::Switching;
    r.pid = u32::MAX - 1;
    std::fs::write(d.path().join(FILE), serde_json::to_vec(&r).unwrap()).unwrap();
    let e = request(&mut n).unwrap_err();
    assert!(
        e.message
            .contains("stopped during the switch, so there is nothing to cancel"),
        "{e}"
    );
    assert!(!e
        .hint
        .unwrap()
        .contains("utils cloudconnect switch-back --release-root"));
}

/// A request names its attempt: asked twice it is one request; once that attempt ended, the
/// next attempt (a later offer, a restarted service) removes it and goes on, never cancelled.
#[test]
fn a_request_cancels_its_attempt_only() {
    let d = tempfile::tempdir().unwrap();
    let mut n = node(d.path());
    let rec = Recorder::new(d.path(), "0.1.0");
    let a = Attempt::begin(&rec, "0.2.0");
    a.step(Step::Downloading, None).unwrap();
    // The same process going on with its unfinished attempt keeps its id.
    assert_eq!(Attempt::begin(&rec, "0.2.0").id, a.id);
    let p = request(&mut n).unwrap();
    assert!(!p.already && p.release == "0.2.0" && p.state == "downloading");
    assert!(request(&mut n).unwrap().already);
    assert!(matches!(
        a.progress(Progress {
            bytes: 1,
            total: 2,
            bytes_per_second: 1
        }),
        Err(Stop::Cancelled)
    ));
    // A stale request (its attempt gone with its process) never cancels a later attempt.
    let b = Attempt::begin(&Recorder::new(d.path(), "0.1.1"), "0.2.0");
    assert_ne!(b.id, a.id);
    assert!(
        !d.path().join(REQUEST).exists(),
        "the stale request is removed"
    );
    b.step(Step::Trying, None).unwrap();
    b.commit("switching").unwrap();
    // Late writes of an ended attempt are dropped.
    a.finish(Step::Cancelled, None, Some(false)).unwrap();
    assert!(matches!(a.step(Step::Verifying, None), Err(Stop::Ended)));
}

/// The command's wait ends with what the service recorded for the attempt.
#[test]
fn the_wait_ends_with_the_attempts_answer() {
    let d = tempfile::tempdir().unwrap();
    let mut n = node(d.path());
    let rec = Recorder::new(d.path(), "0.1.0");
    let a = Attempt::begin(&rec, "0.2.0");
    a.step(Step::Verifying, None).unwrap();
    let p = request(&mut n).unwrap();
    let e = wait(&n, &p, Duration::ZERO).unwrap_err();
    assert!(e.message.contains("did not confirm it within 0 s"), "{e}");
    a.finish(
        Step::Cancelled,
        Some("cancelled while verifying"),
        Some(true),
    )
    .unwrap();
    assert_eq!(
        wait(&n, &p, Duration::ZERO).unwrap(),
        Outcome::Cancelled {
            hub_told: Some(true),
            detail: Some("cancelled while verifying".into())
        }
    );
    assert_eq!(status(&mut n).unwrap().state, "cancelled");
}
