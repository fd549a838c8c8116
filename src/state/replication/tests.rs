//! The replication tables' unit tests: the log, a batch's record and slots, backing off.

use super::*;
use crate::domain::Role;

fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("state.db"), "cc1.example.com").unwrap();
    (dir, db)
}

/// Every write to cluster-wide state on a publisher is in the log, in its own
/// transaction; on a subscriber nothing is logged.
#[test]
fn a_publisher_logs_every_write_and_a_subscriber_none() {
    let (_d, mut db) = db();
    assert_eq!(db.replication_seq().unwrap(), 0);
    assert!(db.add_app_user("alice", "$argon2id$x").unwrap());
    assert!(db.set_app_user_hash("alice", "$argon2id$y").unwrap());
    let id = db
        .save_inventory(&Inventory::default(), "admin", "test")
        .unwrap();
    let log = db.log_since(0).unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["application-users", "application-users", "inventory"]
    );
    assert_eq!(log[2].reference, Some(id));
    assert_eq!(db.replication_seq().unwrap(), 3);
    db.prune_log(3).unwrap();
    let kept: Vec<i64> = db.log_since(0).unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(kept, [3], "the newest entry stays, for its mark");
    assert_eq!(db.replication_seq().unwrap(), 3, "numbers are never reused");

    let mut node = db.node().unwrap();
    node.role = Role::Subscriber;
    node.publisher = Some("cc1.example.com".into());
    db.set_node(&node).unwrap();
    assert!(db.add_app_user("bob", "$argon2id$z").unwrap());
    db.log_change(ReplKind::Trust).unwrap();
    assert_eq!(db.replication_seq().unwrap(), 3);
}

/// A batch records its place (epoch, mark) and switches secret slots in its transaction,
/// naming what it replaced; a publisher logs a slot's switch, a subscriber does not.
#[test]
fn a_batch_switches_slots_and_records_its_place() {
    let (_d, mut db) = db();
    assert_eq!(
        db.switch_secret("smtp-password", Some("smtp-password.a"), &[])
            .unwrap(),
        None
    );
    assert_eq!(
        db.log_since(0).unwrap().len(),
        1,
        "a publisher logs the switch"
    );
    let mut node = db.node().unwrap();
    node.role = Role::Subscriber;
    node.publisher = Some("cc1.example.com".into());
    db.set_node(&node).unwrap();
    let users = vec![(
        "p1".to_owned(),
        "alice".to_owned(),
        "$argon2id$a".to_owned(),
    )];
    let slots = [("smtp-password", Some("smtp-password.b".to_owned()))];
    let batch = Batch {
        cluster: "c1",
        publisher: "cc1",
        from: 0,
        to: 5,
        snapshot: true,
        kinds: "application-users".into(),
        users: Some(&users),
        versions: None,
        onboarded: None,
        image_repository: None,
        smtp: None,
        signers: None,
        settings: None,
        epoch: Some("e1"),
        mark: Some("m5"),
        slots: &slots,
        trust: Some("trust-1"),
    };
    let replaced = db.apply_batch(&batch).unwrap();
    assert_eq!(replaced.secrets, ["smtp-password.a"]);
    assert_eq!(replaced.trust, None);
    assert_eq!(db.app_user_hashes().unwrap(), users);
    let last = db.last_applied().unwrap().unwrap();
    assert_eq!(
        (last.seq, last.epoch.as_deref(), last.mark.as_deref()),
        (5, Some("e1"), Some("m5"))
    );
    assert!(db.epoch_seen("c1", "e1").unwrap());
    assert!(!db.epoch_seen("c1", "e2").unwrap());
    assert_eq!(
        db.secret_slot("smtp-password").unwrap(),
        Some(Some("smtp-password.b".into()))
    );
    assert_eq!(
        db.log_since(0).unwrap().len(),
        1,
        "a subscriber logs nothing"
    );
}

/// Failures back off, doubling; a requested snapshot goes at once; a new epoch starts the
/// subscriber over.
#[test]
fn failures_back_off_and_a_new_epoch_starts_over() {
    let (_d, mut db) = db();
    db.subscriber_joined("cc2", 0, false).unwrap();
    assert_eq!(db.retry_in().unwrap(), None);
    db.replication_failed("down", std::time::Duration::from_secs(30))
        .unwrap();
    let first = db.retry_in().unwrap().expect("waits");
    db.replication_failed("down", std::time::Duration::from_secs(30))
        .unwrap();
    let second = db.retry_in().unwrap().expect("waits");
    assert!(second > first, "{second:?} > {first:?}");
    for _ in 0..10 {
        db.replication_failed("down", std::time::Duration::from_secs(30))
            .unwrap();
    }
    assert!(db.retry_in().unwrap().unwrap() <= std::time::Duration::from_secs(30));
    db.request_snapshot("asked").unwrap();
    assert_eq!(db.retry_in().unwrap(), None);
    db.replication_sent(3).unwrap();
    let before = db.replication_epoch().unwrap();
    let after = db.new_replication_epoch("restored").unwrap();
    assert_ne!(before, after);
    let p = db.subscriber_progress().unwrap().unwrap();
    assert_eq!((p.applied_seq, p.snapshot), (0, true));
    assert_eq!(db.epoch_change().unwrap().unwrap().1, "restored");
}

/// A repair's snapshot still owed is not forgotten when the same subscriber joins again.
#[test]
fn a_join_keeps_a_snapshot_owed_to_the_same_subscriber() {
    let (_d, mut db) = db();
    db.subscriber_joined("cc2", 0, false).unwrap();
    db.request_snapshot("repair").unwrap();
    db.subscriber_joined("cc2", 5, false).unwrap();
    assert!(db.subscriber_progress().unwrap().unwrap().snapshot);
    db.replication_sent(5).unwrap();
    db.subscriber_joined("cc3", 5, false).unwrap();
    assert!(
        !db.subscriber_progress().unwrap().unwrap().snapshot,
        "another one: as it says"
    );
}

/// A snapshot from a publisher without an image-repository setting removes this node's,
/// and names the credential it used so that it goes after the commit.
#[test]
fn a_batch_can_remove_the_image_repository_setting() {
    let (_d, mut db) = db();
    let mut node = db.node().unwrap();
    node.role = Role::Subscriber;
    node.publisher = Some("cc1".into());
    db.set_node(&node).unwrap();
    let setting = ImageRepository {
        url: "https://a.example.com".into(),
        repository: "r".into(),
        auth_type: crate::domain::AuthType::ApiKey,
        software: crate::domain::Software::Unrestricted,
        ca_file: None,
        proxy: None,
        credential_store: crate::domain::StoreKind::File,
        credential_ref: "artifactory-replicated-1-aa".into(),
        last_validated: "2026-12-05 10:00:00".into(),
        allow_http: false,
    };
    let batch = |to, image_repository| Batch {
        cluster: "c1",
        publisher: "cc1",
        from: 0,
        to,
        snapshot: true,
        kinds: "image-repository".into(),
        users: None,
        versions: None,
        onboarded: None,
        image_repository,
        smtp: None,
        signers: None,
        settings: None,
        epoch: None,
        mark: None,
        slots: &[],
        trust: None,
    };
    db.apply_batch(&batch(1, Some(Some(&setting)))).unwrap();
    assert!(db.image_repository().unwrap().is_some());
    let replaced = db.apply_batch(&batch(2, Some(None))).unwrap();
    assert!(db.image_repository().unwrap().is_none());
    assert_eq!(
        replaced.image_repository_ref.as_deref(),
        Some("artifactory-replicated-1-aa")
    );
}

/// The log keeps the entry at the subscriber's place: its mark proves the history.
#[test]
fn the_log_keeps_the_mark_of_the_confirmed_change() {
    let (_d, mut db) = db();
    db.subscriber_joined("cc2", 0, false).unwrap();
    for n in ["a", "b", "c"] {
        assert!(db.add_app_user(n, "$argon2id$x").unwrap());
    }
    let marks: Vec<Option<String>> = db
        .log_since(0)
        .unwrap()
        .into_iter()
        .map(|e| e.mark)
        .collect();
    assert!(marks
        .iter()
        .all(|m| m.as_ref().is_some_and(|m| m.len() == 16)));
    db.replication_sent(2).unwrap();
    assert_eq!(db.log_oldest().unwrap(), Some(2));
    assert_eq!(db.log_mark(2).unwrap(), marks[1]);
}
