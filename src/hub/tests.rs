//! The hub's state and operations, exercised on a temporary directory with the clock passed in.

use super::*;
use crate::ops::signing::sha256_hex;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}
const CERT: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
/// A real minisign signature of b"archive" (its shape is what the hub checks).
const SIG: &str = "untrusted comment: signature from minisign secret key\nRUThBq7c+sVoFqPSwu+pugHSNSl5MoY4ImkBYNi192r3/BlueB152EVI8+OnHJ42pk4Yv1Od2pnMbsLKtzUGBa4NFouyoEDGqQM=\ntrusted comment: ccadmin 2.0.0\nt1J4dES0PQbGrPKF7RbnPYXxxh75ltJbkwgZVWDEkVt4jKyOhAFy2H7eNF6KVJ7TbhmF4ZfvpoKv0GG05RC+AQ==\n";

/// A hub in `dir` with the cluster "Lab" (publisher cc1) registered at `t`; its token.
fn lab(dir: &Path, t: Timestamp) -> (Hub, String) {
    let mut hub = Hub::open(dir).unwrap();
    let id = hub.id().unwrap();
    let (code, _) = hub.begin_registration("Lab", "cc1", t).unwrap();
    let token = hub
        .complete_registration(&id, &code, "cc1", CERT, t)
        .unwrap()
        .token;
    (hub, token)
}

#[test]
fn a_code_registers_once_within_15_minutes_for_its_fqdn_and_hub() {
    let d = tempfile::tempdir().unwrap();
    let mut hub = Hub::open(d.path()).unwrap();
    let id = hub.id().unwrap();
    let t0 = at("2026-12-02T10:00:00Z");
    let (code, expires) = hub
        .begin_registration("Lab", "cc1.example.com", t0)
        .unwrap();
    assert_eq!(expires, at("2026-12-02T10:15:00Z"));
    // Expired: at 15 minutes exactly nothing is registered.
    let e = hub
        .complete_registration(&id, &code, "cc1.example.com", CERT, expires)
        .unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    assert!(hub.clusters(None, t0).unwrap().is_empty());
    let (code, _) = hub
        .begin_registration("Lab", "cc1.example.com", t0)
        .unwrap();
    let t = at("2026-12-02T10:14:59Z");
    for (hub_id, fqdn, cert, why) in [
        ("other", "cc1.example.com", CERT, "another hub"),
        (
            id.as_str(),
            "cc2.example.com",
            CERT,
            "issued for cc1.example.com:8445",
        ),
        (id.as_str(), "cc1.example.com", "nope", "not a SHA-256"),
    ] {
        let e = hub
            .complete_registration(hub_id, &code, fqdn, cert, t)
            .unwrap_err();
        assert!(e.to_string().contains(why), "{e}");
    }
    let e = hub
        .complete_registration(&id, "0000", "cc1.example.com", CERT, t)
        .unwrap_err();
    assert!(e.to_string().contains("not one this hub issued"), "{e}");
    let r = hub
        .complete_registration(&id, &code, "CC1.example.com:8445", CERT, t)
        .unwrap();
    assert_eq!(r.display_name, "Lab");
    assert_eq!(r.token.len(), 64);
    // Replayed.
    let e = hub
        .complete_registration(&id, &code, "cc1.example.com", CERT, t)
        .unwrap_err();
    assert!(e.to_string().contains("used already"), "{e}");
    let list = hub.clusters(Some("la"), t).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].fqdn, "cc1.example.com:8445");
    assert_eq!(list[0].next_upgrade.start, at("2026-12-03T03:00:00Z"));
    assert!(hub.clusters(Some("zzz"), t).unwrap().is_empty());
    // Nothing secret is stored in the clear.
    let db = std::fs::read(d.path().join("hub.db")).unwrap();
    let text = String::from_utf8_lossy(&db);
    assert!(!text.contains(&r.token) && !text.contains(&code));
    // The display name is unique.
    assert!(hub.begin_registration("lab", "x.example.com", t).is_err());
    hub.unregister("Lab").unwrap();
    assert!(hub.clusters(None, t).unwrap().is_empty());
}

/// Regression (issue 24, finding 14): SQLite's NOCASE folds ASCII only, so "ZÜRICH" was
/// registered beside "Zürich"; and two codes issued before either completed both counted.
#[test]
fn cluster_names_differing_only_in_case_are_one_name() {
    let d = tempfile::tempdir().unwrap();
    let t = at("2026-12-02T10:00:00Z");
    let mut hub = Hub::open(d.path()).unwrap();
    let id = hub.id().unwrap();
    let (first, _) = hub.begin_registration("Zürich", "cc1", t).unwrap();
    let (second, _) = hub.begin_registration("ZÜRICH", "cc2", t).unwrap();
    hub.complete_registration(&id, &first, "cc1", CERT, t)
        .unwrap();
    let e = hub
        .complete_registration(&id, &second, "cc2", CERT, t)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("named Zürich was registered meanwhile"),
        "{e}"
    );
    for other in ["ZÜRICH", "zürich", "ZüRiCh"] {
        let e = hub.begin_registration(other, "cc3", t).unwrap_err();
        assert!(
            e.to_string().contains("named Zürich is registered already"),
            "{e}"
        );
    }
    assert_eq!(hub.clusters(None, t).unwrap().len(), 1);
}

/// Regression (issue 24, finding 11): every poll with a new node name added a row (23,000
/// names grew the database to 18 MB); a cluster has two nodes.
#[test]
fn a_poll_may_name_only_the_clusters_two_nodes() {
    let d = tempfile::tempdir().unwrap();
    let t = at("2026-12-02T10:00:00Z");
    let (mut hub, token) = lab(d.path(), t);
    hub.poll(&token, "cc1", "1.0.0", t).unwrap();
    hub.poll(&token, "cc2", "1.0.0", t).unwrap();
    for n in 0..20 {
        let e = hub
            .poll(&token, &format!("invented-{n}"), "1.0.0", t)
            .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden);
        assert!(
            e.to_string().contains("has its 2 nodes already (cc1, cc2)"),
            "{e}"
        );
    }
    // The two keep polling.
    hub.poll(&token, "cc1", "1.0.1", t).unwrap();
    let nodes: Vec<String> = hub
        .nodes("Lab")
        .unwrap()
        .into_iter()
        .map(|n| n.node)
        .collect();
    assert_eq!(nodes, ["cc1", "cc2"]);
}

/// Regression (issue 24, finding 6): a broken release could not be withdrawn; the next
/// window offered it again.
#[test]
fn a_withdrawn_release_is_never_offered_again() {
    let d = tempfile::tempdir().unwrap();
    let t = at("2026-12-02T10:00:00Z");
    let (mut hub, token) = lab(d.path(), t);
    let archive = d.path().join("a.tar.gz");
    std::fs::write(&archive, b"archive").unwrap();
    hub.add_release(&archive, "1.1.0", "", false, SIG, t)
        .unwrap();
    hub.add_release(&archive, "1.2.0", "", false, SIG, t)
        .unwrap();
    let w = at("2026-12-03T03:05:00Z");
    assert!(matches!(
        hub.poll(&token, "cc1", "1.1.0", w).unwrap(),
        Offer::Install { version, .. } if version == "1.2.0"
    ));
    hub.report(&token, "cc1", "1.2.0", false, "health check failed", w)
        .unwrap();
    let r = hub.withdraw_release("1.2.0", "alice", w).unwrap();
    assert_eq!(r.withdrawn_by.as_deref(), Some("alice"));
    assert_eq!(r.withdrawn_at.as_deref(), Some("2026-12-03T03:05:00Z"));
    // Never again: not in the next window, not as the newest, not for download, not
    // published again, not withdrawn twice.
    let next = at("2026-12-04T03:05:00Z");
    assert_eq!(
        hub.poll(&token, "cc1", "1.1.0", next).unwrap(),
        Offer::UpToDate
    );
    assert!(matches!(
        hub.poll(&token, "cc2", "1.0.0", next).unwrap(),
        Offer::Install { version, .. } if version == "1.1.0"
    ));
    assert_eq!(
        hub.release_archive("1.2.0").unwrap_err().kind,
        Kind::NotFound
    );
    assert!(hub.release_archive("1.1.0").is_ok());
    assert!(hub
        .add_release(&archive, "1.2.0", "", false, SIG, next)
        .is_err());
    let e = hub.withdraw_release("1.2.0", "bob", next).unwrap_err();
    assert!(
        e.to_string()
            .contains("withdrawn already, at 2026-12-03T03:05:00Z by alice"),
        "{e}"
    );
    assert_eq!(
        hub.withdraw_release("9.9.9", "bob", next).unwrap_err().kind,
        Kind::NotFound
    );
    let listed = hub.releases().unwrap();
    let withdrawn = listed.iter().find(|r| r.version == "1.2.0").unwrap();
    assert_eq!(withdrawn.withdrawn_by.as_deref(), Some("alice"));
    assert!(listed
        .iter()
        .find(|r| r.version == "1.1.0")
        .unwrap()
        .withdrawn_at
        .is_none());
}

#[test]
fn schedules_are_recorded_postponed_once_and_releases_kept() {
    let d = tempfile::tempdir().unwrap();
    let t = at("2026-12-02T10:00:00Z");
    let (mut hub, _) = lab(d.path(), t);
    let mut s = UpgradeSchedule::default_in("Europe/Berlin");
    s.hour = 22;
    let v = hub.set_schedule("Lab", s, "alice", t).unwrap();
    assert_eq!(v.next_upgrade.start, at("2026-12-02T21:00:00Z"));
    let v = hub.postpone("Lab", "bob", t).unwrap();
    assert_eq!(v.next_upgrade.start, at("2026-12-03T21:00:00Z"));
    assert!(hub.postpone("Lab", "bob", t).is_err());
    let changes = hub.schedule_changes("Lab").unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].1, "alice");
    assert!(changes[0].2.contains("\"UTC\"") && changes[0].3.contains("Europe/Berlin"));
    assert!(changes[1].3.contains("postponed"));
    // A release with its signature.
    let archive = d.path().join("a.tar.gz");
    std::fs::write(&archive, b"archive").unwrap();
    let sig = SIG;
    assert!(hub
        .add_release(&archive, "2.0.0", "", false, "junk", t)
        .is_err());
    assert!(hub
        .add_release(&archive, "2.0 0", "", false, sig, t)
        .is_err());
    let r = hub
        .add_release(&archive, "2.0.0", "fixes", true, sig, t)
        .unwrap();
    assert_eq!(r.sha256, sha256_hex(b"archive"));
    assert!(d.path().join("releases/ccadmin-2.0.0.tar.gz").exists());
    assert!(hub
        .add_release(&archive, "2.0.0", "", false, sig, t)
        .is_err());
    assert_eq!(hub.releases().unwrap().len(), 1);
}

#[test]
fn a_pair_upgrades_one_node_at_a_time_inside_its_window_and_a_failure_stops_it() {
    let d = tempfile::tempdir().unwrap();
    let t = at("2026-12-02T10:00:00Z");
    let (mut hub, token) = lab(d.path(), t);
    let sig = SIG;
    let archive = d.path().join("a.tar.gz");
    std::fs::write(&archive, b"archive").unwrap();
    assert_eq!(
        hub.poll(&token, "cc1", "1.0.0", t).unwrap(),
        Offer::UpToDate
    );
    hub.add_release(&archive, "1.1.0", "", false, sig, t)
        .unwrap();
    // Before the window (03:00 UTC daily): wait, saying when.
    match hub.poll(&token, "cc1", "1.0.0", t).unwrap() {
        Offer::Wait { reason, .. } => {
            assert!(reason.contains("2026-12-03T03:00:00Z"), "{reason}")
        }
        o => panic!("{o:?}"),
    }
    let w = at("2026-12-03T03:05:00Z");
    assert!(matches!(
        hub.poll(&token, "cc1", "1.0.0", w).unwrap(),
        Offer::Install { .. }
    ));
    // The other node waits while the first upgrades.
    match hub.poll(&token, "cc2", "1.0.0", w).unwrap() {
        Offer::Wait { reason, .. } => assert!(reason.contains("cc1 is upgrading"), "{reason}"),
        o => panic!("{o:?}"),
    }
    hub.report(&token, "cc1", "1.1.0", true, "healthy", w)
        .unwrap();
    assert_eq!(
        hub.poll(&token, "cc1", "1.1.0", w).unwrap(),
        Offer::UpToDate
    );
    assert!(matches!(
        hub.poll(&token, "cc2", "1.0.0", w).unwrap(),
        Offer::Install { .. }
    ));
    hub.report(&token, "cc2", "1.1.0", true, "", w).unwrap();
    hub.poll(&token, "cc2", "1.1.0", w).unwrap();
    let states: Vec<String> = hub
        .nodes("Lab")
        .unwrap()
        .iter()
        .map(|n| n.state.clone())
        .collect();
    assert_eq!(states, ["upgraded", "upgraded"]);
    // The next release fails its health check on the first node: the rollout stops.
    hub.add_release(&archive, "1.2.0", "", false, sig, w)
        .unwrap();
    assert!(matches!(
        hub.poll(&token, "cc1", "1.1.0", w).unwrap(),
        Offer::Install { .. }
    ));
    hub.report(
        &token,
        "cc1",
        "1.2.0",
        false,
        "health check failed; switched back",
        w,
    )
    .unwrap();
    match hub.poll(&token, "cc2", "1.1.0", w).unwrap() {
        Offer::Wait { reason, .. } => assert!(reason.contains("failed on cc1"), "{reason}"),
        o => panic!("{o:?}"),
    }
    let failed = hub.nodes("Lab").unwrap();
    assert_eq!(failed[0].state, "failed");
    assert!(failed[0].detail.contains("switched back"));
    // An urgent release uses the urgent window (01:00 UTC) and a report for something not
    // offered is refused; an unknown token gets nothing.
    hub.add_release(&archive, "1.3.0", "", true, sig, w)
        .unwrap();
    let urgent = at("2026-12-04T01:10:00Z");
    assert!(matches!(
        hub.poll(&token, "cc2", "1.1.0", urgent).unwrap(),
        Offer::Install { urgent: true, .. }
    ));
    assert!(hub
        .report(&token, "cc1", "9.9.9", true, "", urgent)
        .is_err());
    assert!(hub.poll("nope", "cc1", "1.1.0", urgent).is_err());
    hub.unregister("Lab").unwrap();
    assert!(hub.poll(&token, "cc1", "1.1.0", urgent).is_err());
}
