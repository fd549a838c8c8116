//! The alerts on a hub in a temporary directory: once per episode, the mail queued only with a
//! server and subscribers, the digest once a day, an offline node alerted once and cleared.

use jiff::Timestamp;
use rusqlite::params;

use super::*;
use crate::cancel::Cancel;
use crate::secrets::Secret;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn hub() -> (tempfile::TempDir, Hub) {
    let d = tempfile::tempdir().unwrap();
    let h = Hub::open(d.path()).unwrap();
    (d, h)
}

/// A cluster `c1` with nodes `a` and `b`, both last polled at `polled`.
fn cluster(h: &Hub, polled: &str) -> i64 {
    let schedule = serde_json::to_string(&crate::ops::upgrade_window::UpgradeSchedule::default_in(
        "Europe/Berlin",
    ))
    .unwrap();
    h.conn
        .execute(
            "INSERT INTO cluster (display_name, fqdn, token_sha256, node_cert_sha256, registered_at, schedule, last_poll)
             VALUES ('c1', 'c1.example.com:8445', 't', 'c', '2026-12-01T00:00:00Z', ?1, ?2)",
            params![schedule, polled],
        )
        .unwrap();
    let id = h.conn.last_insert_rowid();
    for n in ["a", "b"] {
        h.conn
            .execute(
                "INSERT INTO cluster_node (cluster_id, node, version, last_poll) VALUES (?1, ?2, '1.0', ?3)",
                params![id, n, polled],
            )
            .unwrap();
    }
    id
}

#[test]
fn an_alert_is_raised_once_per_episode_and_mailed_only_when_it_can_be() {
    let (_d, mut h) = hub();
    let id = cluster(&h, "2026-12-03T03:00:00Z");
    let now = t("2026-12-03T03:10:00Z");
    rollout_stopped(&h.conn, id, "a", "2.0", false, "<b>bad</b>\nline", now).unwrap();
    rollout_stopped(&h.conn, id, "a", "2.0", true, "", now).unwrap();
    let page = h.alerts(1).unwrap();
    assert_eq!(page.total, 1);
    let a = &page.alerts[0];
    assert_eq!(a.kind, "rollout-stopped");
    assert!(
        a.text.contains("<b>bad</b>") && !a.text.contains('\n'),
        "{}",
        a.text
    );
    assert_eq!(a.mail.state, "not-sent");
    assert!(a.mail.note.contains("no SMTP server"), "{}", a.mail.note);
    assert_eq!(a.time_zone, "Europe/Berlin");

    h.set_smtp(SmtpChange {
        host: Some("localhost".into()),
        from: Some("hub@example.com".into()),
        login: Some(Some(("u".into(), Secret::new("Pw-123456")))),
        ..SmtpChange::default()
    })
    .unwrap();
    h.alert_subscribe("ops@example.com, OPS@example.com")
        .unwrap();
    let s = h.alert_settings().unwrap();
    assert_eq!(s.subscribers, ["ops@example.com"]);
    assert!(s.password_set && s.smtp.use_auth);
    assert_eq!(s.smtp.port, Some(587));
    // The password is in the owner-only secrets file, never in the database.
    let db = std::fs::read(_d.path().join("hub.db")).unwrap();
    assert!(!db.windows(9).any(|w| w == b"Pw-123456"));

    // Offline: 3 × 300 s after the last poll, then 60 minutes; once per episode.
    let later = t("2026-12-03T04:14:00Z");
    let r = h.alert_chores(later, &Cancel::new()).unwrap();
    assert!(r.raised.iter().all(|l| !l.contains("offline")), "{r:?}");
    let later = t("2026-12-03T04:16:00Z");
    h.alert_chores(later, &Cancel::new()).unwrap();
    h.alert_chores(later, &Cancel::new()).unwrap();
    let page = h.alerts(1).unwrap();
    let offline: Vec<_> = page
        .alerts
        .iter()
        .filter(|a| a.kind == "node-offline")
        .collect();
    assert_eq!(offline.len(), 2, "{page:?}");
    assert!(offline.iter().all(|a| a.mail.state == "queued"));
    assert!(offline.iter().all(|a| a.since == "2026-12-03T03:15:00Z"));
    // Node a polls again: its alert clears.
    h.conn
        .execute(
            "UPDATE cluster_node SET last_poll = '2026-12-03T04:20:00Z' WHERE node = 'a'",
            [],
        )
        .unwrap();
    let r = h
        .alert_chores(t("2026-12-03T04:21:00Z"), &Cancel::new())
        .unwrap();
    assert_eq!(r.cleared, 1);
}

#[test]
fn the_digest_is_raised_once_a_day_after_its_hour() {
    let (_d, mut h) = hub();
    h.set_digest_hour(9).unwrap();
    let digests = |h: &Hub| {
        h.alerts(1)
            .unwrap()
            .alerts
            .into_iter()
            .filter(|a| a.kind == "digest")
            .count()
    };
    h.alert_chores(t("2026-12-03T08:59:00Z"), &Cancel::new())
        .unwrap();
    assert_eq!(digests(&h), 0);
    h.alert_chores(t("2026-12-03T15:00:00Z"), &Cancel::new())
        .unwrap();
    h.alert_chores(t("2026-12-03T23:59:00Z"), &Cancel::new())
        .unwrap();
    assert_eq!(digests(&h), 1);
    h.alert_chores(t("2026-12-04T09:00:00Z"), &Cancel::new())
        .unwrap();
    assert_eq!(digests(&h), 2);
    assert!(h.set_digest_hour(24).is_err());
    assert!(h.set_offline_after(0).is_err());
}
