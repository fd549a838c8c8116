//! The rollout history on a temporary hub, the clock passed in: attempts opened by offers and
//! ended by reports (repeated ones recorded once), a hostile reason kept bounded, the state
//! and the history written together or not at all, the history carried over from the rollout
//! table, paging, and each release's counts over the fleet.

use std::path::Path;

use jiff::Timestamp;

use super::*;
use crate::hub::{Count, Hub, Offer, ReleaseUse};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}
const CERT: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
/// A real minisign signature (its shape is what the hub checks).
const SIG: &str = "untrusted comment: signature from minisign secret key\nRUThBq7c+sVoFqPSwu+pugHSNSl5MoY4ImkBYNi192r3/BlueB152EVI8+OnHJ42pk4Yv1Od2pnMbsLKtzUGBa4NFouyoEDGqQM=\ntrusted comment: ccadmin 2.0.0\nt1J4dES0PQbGrPKF7RbnPYXxxh75ltJbkwgZVWDEkVt4jKyOhAFy2H7eNF6KVJ7TbhmF4ZfvpoKv0GG05RC+AQ==\n";
/// Inside the default window (03:00–04:00 UTC).
const WINDOW: &str = "2026-12-03T03:05:00Z";

/// A hub in `dir` with the cluster `name` registered; its token.
fn cluster(hub: &mut Hub, name: &str, t: Timestamp) -> String {
    let id = hub.id().unwrap();
    let (code, _) = hub.begin_registration(name, "cc1", t).unwrap();
    hub.complete_registration(&id, &code, "cc1", CERT, t)
        .unwrap()
        .token
}

fn publish(hub: &mut Hub, dir: &Path, version: &str) {
    let archive = dir.join("a.tar.gz");
    std::fs::write(&archive, b"archive").unwrap();
    hub.add_release(
        &archive,
        version,
        "",
        false,
        SIG,
        at("2026-12-01T00:00:00Z"),
    )
    .unwrap();
}

/// An attempt's node, release, from-version, result and reason.
type Row = (String, String, Option<String>, Option<String>, String);

fn rows(hub: &Hub) -> Vec<Row> {
    let mut st = hub
        .conn
        .prepare("SELECT node, version, from_version, result, why FROM rollout_attempt ORDER BY id")
        .unwrap();
    let r = st
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    r.collect::<Result<_, _>>().unwrap()
}

#[test]
fn an_offer_opens_one_attempt_and_a_repeated_report_records_it_once() {
    let d = tempfile::tempdir().unwrap();
    let t = at(WINDOW);
    let mut hub = Hub::open(&d.path().join("hub")).unwrap();
    let token = cluster(&mut hub, "Lab", t);
    publish(&mut hub, d.path(), "2.0.0");
    // Offered twice (the node polled again while upgrading): one attempt.
    for _ in 0..2 {
        assert!(matches!(
            hub.poll(&token, "cc-a", "1.0.0", t).unwrap(),
            Offer::Install { .. }
        ));
    }
    let open = hub.history("Lab", 1, t).unwrap();
    assert_eq!(open.total, 1);
    assert_eq!(open.attempts[0].result, None);
    assert_eq!(open.attempts[0].ended_at, None);
    assert_eq!(open.attempts[0].from_version.as_deref(), Some("1.0.0"));
    assert_eq!(open.attempts[0].started_at, WINDOW);
    // Healthy, reported twice (the answer was lost): one row, ended at the first report.
    let t1 = at("2026-12-03T03:07:00Z");
    hub.report(&token, "cc-a", "2.0.0", true, "", t1).unwrap();
    hub.report(
        &token,
        "cc-a",
        "2.0.0",
        true,
        "",
        at("2026-12-03T03:09:00Z"),
    )
    .unwrap();
    let h = hub.history("Lab", 1, t1).unwrap();
    assert_eq!(h.total, 1);
    assert_eq!(h.attempts[0].result, Some("upgraded"));
    assert_eq!(
        h.attempts[0].ended_at.as_deref(),
        Some("2026-12-03T03:07:00Z")
    );
    // The switch then failed: the same attempt, now switched back.
    let why = "healthy, but the switch failed: read-only file system; kept 1.0.0";
    hub.report(&token, "cc-a", "2.0.0", false, why, t1).unwrap();
    hub.report(&token, "cc-a", "2.0.0", false, why, t1).unwrap();
    assert_eq!(
        rows(&hub),
        [(
            "cc-a".into(),
            "2.0.0".into(),
            Some("1.0.0".into()),
            Some("switched-back".into()),
            why.into()
        )]
    );
    // The next window offers it again: a second attempt, newest first.
    let next = at("2026-12-04T03:05:00Z");
    assert!(matches!(
        hub.poll(&token, "cc-a", "1.0.0", next).unwrap(),
        Offer::Install { .. }
    ));
    hub.report(
        &token,
        "cc-a",
        "2.0.0",
        false,
        "cancelled by the administrator (utils system upgrade cancel) while downloading; kept 1.0.0",
        next,
    )
    .unwrap();
    let h = hub.history("Lab", 1, next).unwrap();
    assert_eq!(h.total, 2);
    assert_eq!(h.attempts[0].result, Some("cancelled"));
    assert_eq!(h.attempts[0].started_at, "2026-12-04T03:05:00Z");
    assert_eq!(h.attempts[1].result, Some("switched-back"));
    // A report for a release never offered records nothing.
    assert!(hub.report(&token, "cc-a", "9.0.0", true, "", next).is_err());
    assert_eq!(hub.history("Lab", 1, next).unwrap().total, 2);
}

#[test]
fn a_hostile_reason_is_kept_as_one_bounded_line() {
    let hostile = format!(
        "\u{1b}[2J\u{1b}]0;owned\u{7}\r\nline two\u{202e}{}",
        "x".repeat(100 * 1024)
    );
    let why = Why::from_node(&hostile);
    assert_eq!(why.as_str().chars().count(), MAX_WHY);
    assert!(why.as_str().ends_with('…'));
    assert!(!why
        .as_str()
        .chars()
        .any(|c| c.is_control() || c == '\u{202e}'));
    assert!(why
        .as_str()
        .starts_with("\\u{1b}[2J\\u{1b}]0;owned\\u{7}\\u{d}\\u{a}line two\\u{202e}x"));
    assert_eq!(Why::from_node("short").as_str(), "short");
    assert_eq!(Outcome::of_report(false, &why), Outcome::Failed);
    for (healthy, text, outcome) in [
        (true, "this node runs it already", Outcome::Upgraded),
        (
            false,
            "health check failed, kept 1.0.0: it exited",
            Outcome::SwitchedBack,
        ),
        (
            false,
            "healthy, but the switch failed: x; kept 1.0.0",
            Outcome::SwitchedBack,
        ),
        (
            false,
            "cancelled by the administrator (…) while trying",
            Outcome::Cancelled,
        ),
        (
            false,
            "the signature is not by a trusted signer",
            Outcome::Failed,
        ),
    ] {
        assert_eq!(
            Outcome::of_report(healthy, &Why::from_node(text)),
            outcome,
            "{text}"
        );
    }
}

#[test]
fn the_state_and_the_history_are_written_together_or_not_at_all() {
    let d = tempfile::tempdir().unwrap();
    let t = at(WINDOW);
    let mut hub = Hub::open(&d.path().join("hub")).unwrap();
    let token = cluster(&mut hub, "Lab", t);
    publish(&mut hub, d.path(), "2.0.0");
    let state = |hub: &Hub| -> Option<String> {
        hub.conn
            .query_row("SELECT state FROM rollout", [], |r| r.get(0))
            .ok()
    };
    // The history cannot be written: the offer's state is not either.
    hub.conn
        .execute_batch(
            "CREATE TEMP TRIGGER no_history BEFORE INSERT ON rollout_attempt
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    assert!(hub.poll(&token, "cc-a", "1.0.0", t).is_err());
    assert_eq!(state(&hub), None);
    hub.conn
        .execute_batch("DROP TRIGGER temp.no_history")
        .unwrap();
    assert!(matches!(
        hub.poll(&token, "cc-a", "1.0.0", t).unwrap(),
        Offer::Install { .. }
    ));
    assert_eq!(state(&hub).as_deref(), Some("upgrading"));
    // Nor can the report's end of it: the rollout is still upgrading, the attempt open.
    hub.conn
        .execute_batch(
            "CREATE TEMP TRIGGER no_end BEFORE UPDATE ON rollout_attempt
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    assert!(hub
        .report(&token, "cc-a", "2.0.0", false, "health check failed", t)
        .is_err());
    assert_eq!(state(&hub).as_deref(), Some("upgrading"));
    assert_eq!(hub.history("Lab", 1, t).unwrap().attempts[0].result, None);
    hub.conn.execute_batch("DROP TRIGGER temp.no_end").unwrap();
    hub.report(&token, "cc-a", "2.0.0", false, "health check failed", t)
        .unwrap();
    assert_eq!(state(&hub).as_deref(), Some("failed"));
    assert_eq!(
        hub.history("Lab", 1, t).unwrap().attempts[0].result,
        Some("switched-back")
    );
}

#[test]
fn the_rollout_before_the_history_is_carried_over_and_unregistering_removes_it() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("hub");
    let t = at(WINDOW);
    // A hub of the release before the history (schema 5): cc-a failed 2.0.0, cc-b upgrading.
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
        let conn = rusqlite::Connection::open(dir.join("hub.db")).unwrap();
        for sql in &crate::hub::migrations::MIGRATIONS[..5] {
            conn.execute_batch(sql).unwrap();
        }
        let schedule = serde_json::to_string(
            &crate::ops::upgrade_window::UpgradeSchedule::default_in("UTC"),
        )
        .unwrap();
        conn.execute(
            "INSERT INTO cluster (display_name, fqdn, token_sha256, node_cert_sha256, registered_at, schedule)
             VALUES ('Lab', 'cc1:8445', ?1, 'c', '2026-12-01T00:00:00Z', ?2)",
            rusqlite::params![crate::ops::signing::sha256_hex(b"tok"), schedule],
        )
        .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 5;
             INSERT INTO cluster_node (cluster_id, node, version, last_poll) VALUES
               (1, 'cc-a', '1.0.0', '2026-12-03T03:01:00Z'), (1, 'cc-b', '1.0.0', '2026-12-03T03:10:00Z');
             INSERT INTO rollout (cluster_id, version, node, state, updated_at, detail) VALUES
               (1, '2.0.0', 'cc-a', 'failed', '2026-12-03T03:02:00Z', 'health check failed'),
               (1, '2.0.0', 'cc-b', 'upgrading', '2026-12-03T03:10:00Z', '');",
        )
        .unwrap();
    }
    let mut hub = Hub::open(&dir).unwrap();
    let h = hub.history("Lab", 1, t).unwrap();
    assert_eq!(h.total, 2);
    let b = &h.attempts[0];
    assert_eq!(
        (
            b.node.as_str(),
            b.result,
            b.from_version.as_deref(),
            b.ended_at.as_deref()
        ),
        ("cc-b", None, Some("1.0.0"), None)
    );
    assert_eq!(b.started_at, "2026-12-03T03:10:00Z");
    let a = &h.attempts[1];
    assert_eq!(
        (
            a.node.as_str(),
            a.result,
            a.why.as_str(),
            a.ended_at.as_deref()
        ),
        (
            "cc-a",
            Some("failed"),
            "health check failed",
            Some("2026-12-03T03:02:00Z")
        )
    );
    // The carried-over open attempt is the one the report ends.
    hub.report("tok", "cc-b", "2.0.0", true, "", t).unwrap();
    let h = hub.history("Lab", 1, t).unwrap();
    assert_eq!((h.total, h.attempts[0].result), (2, Some("upgraded")));
    hub.unregister("Lab").unwrap();
    let left: i64 = hub
        .conn
        .query_row("SELECT COUNT(*) FROM rollout_attempt", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn history_pages_hold_50_newest_first_and_past_the_last_is_the_last() {
    let d = tempfile::tempdir().unwrap();
    let t = at(WINDOW);
    let mut hub = Hub::open(&d.path().join("hub")).unwrap();
    let token = cluster(&mut hub, "Lab", t);
    publish(&mut hub, d.path(), "2.0.0");
    // 120 windows, one failed attempt in each.
    for day in 0..120 {
        let w = t + jiff::SignedDuration::from_hours(24 * day);
        assert!(matches!(
            hub.poll(&token, "cc-a", "1.0.0", w).unwrap(),
            Offer::Install { .. }
        ));
        hub.report(&token, "cc-a", "2.0.0", false, &format!("try {day}"), w)
            .unwrap();
    }
    let first = hub.history("Lab", 1, t).unwrap();
    assert_eq!(
        (first.total, first.pages, first.attempts.len()),
        (120, 3, 50)
    );
    assert_eq!(first.attempts[0].why, "try 119");
    let last = hub.history("Lab", 99, t).unwrap();
    assert_eq!((last.page, last.attempts.len()), (3, 20));
    assert_eq!(last.attempts[19].why, "try 0");
    assert_eq!(hub.history("Nope", 1, t).unwrap_err().kind, Kind::NotFound);
    for bad in ["0", "-1", "x", "99999999999999999999999"] {
        assert_eq!(parse_page(bad).unwrap_err().kind, Kind::Invalid, "{bad}");
    }
    assert_eq!(parse_page("").unwrap(), 1);
}

#[test]
fn each_release_counts_the_clusters_and_nodes_that_run_upgrade_failed_or_wait() {
    let d = tempfile::tempdir().unwrap();
    let t = at(WINDOW);
    let mut hub = Hub::open(&d.path().join("hub")).unwrap();
    publish(&mut hub, d.path(), "1.0.0");
    publish(&mut hub, d.path(), "2.0.0");
    let a = cluster(&mut hub, "A", t);
    let b = cluster(&mut hub, "B", t);
    let c = cluster(&mut hub, "C", t);
    // A: a1 upgrading to 2.0.0, a2 waits (pending). B: b1 failed on it, b2 runs it.
    // C: both run 1.0.0 and were not offered (outside the window: pending).
    hub.poll(&a, "a1", "1.0.0", t).unwrap();
    hub.poll(&a, "a2", "1.0.0", t).unwrap();
    hub.poll(&b, "b1", "1.0.0", t).unwrap();
    hub.report(&b, "b1", "2.0.0", false, "health check failed", t)
        .unwrap();
    hub.poll(&b, "b2", "2.0.0", t).unwrap();
    let outside = at("2026-12-03T12:00:00Z");
    hub.poll(&c, "c1", "1.0.0", outside).unwrap();
    hub.poll(&c, "c2", "1.0.0", outside).unwrap();
    let list = hub.releases_in_fleet().unwrap();
    let of = |v: &str| list.iter().find(|r| r.release.version == v).unwrap().fleet;
    let n = |clusters, nodes| Count { clusters, nodes };
    assert_eq!(
        of("2.0.0"),
        ReleaseUse {
            running: n(1, 1),
            upgrading: n(1, 1),
            failed: n(1, 1),
            pending: n(2, 3),
        }
    );
    assert_eq!(
        of("1.0.0"),
        ReleaseUse {
            running: n(3, 5),
            ..ReleaseUse::default()
        }
    );
    // The fleet's summary counts the newest release the same way.
    let s = hub.summary(outside).unwrap();
    assert_eq!((s.upgrading, s.failed, s.on_newest), (1, 1, 1));
    // Withdrawn, 2.0.0 keeps its counts but has nothing pending; 1.0.0 is the newest, and
    // no node is older than it.
    hub.withdraw_release("2.0.0", "alice", t).unwrap();
    let list = hub.releases_in_fleet().unwrap();
    let of = |v: &str| list.iter().find(|r| r.release.version == v).unwrap().fleet;
    assert_eq!(of("2.0.0").pending, Count::default());
    assert_eq!(of("2.0.0").failed, n(1, 1));
    assert_eq!(of("1.0.0").pending, Count::default());
    // Unregistered clusters count no more.
    hub.unregister("B").unwrap();
    let list = hub.releases_in_fleet().unwrap();
    let of = |v: &str| list.iter().find(|r| r.release.version == v).unwrap().fleet;
    assert_eq!(
        of("2.0.0"),
        ReleaseUse {
            upgrading: n(1, 1),
            ..ReleaseUse::default()
        }
    );
}
