//! Unit tests of deciding and applying a batch, in-process: [`decide`] on its own, and
//! [`apply`] on a subscriber's real temporary state directory (no service, no HTTP).

use super::*;
use crate::state::replication::{Applied, Batch};

fn changes(from: i64, to: i64, snapshot: bool, epoch: &str, marks: &[(i64, &str)]) -> Changes {
    Changes {
        cluster: "c1".into(),
        publisher: "cc1".into(),
        from,
        to,
        snapshot,
        application_users: None,
        inventory: None,
        onboarded: None,
        image_repository: None,
        trust: None,
        smtp: None,
        signers: None,
        settings: None,
        hub_token: None,
        image_repository_removed: false,
        epoch: Some(epoch.into()),
        marks: marks.iter().map(|(s, m)| (*s, (*m).to_owned())).collect(),
    }
}

fn at(seq: i64, epoch: &str, mark: &str) -> Applied {
    Applied {
        cluster: "c1".into(),
        publisher: "cc1".into(),
        seq,
        applied_at: String::new(),
        epoch: Some(epoch.into()),
        mark: Some(mark.into()),
    }
}

/// Where a batch stands against this subscriber's place: late batches (and every batch of
/// a history it left) change nothing; a log that does not continue its place, or a gap,
/// asks for a snapshot; a snapshot of a new history applies whatever its numbers.
#[test]
fn a_batch_applies_only_when_it_continues_this_subscribers_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = crate::state::Db::open(&dir.path().join("state.db"), "cc2").unwrap();
    // The place, and whether the batch's epoch is one this subscriber applied before (as
    // its database says).
    let place = |db: &crate::state::Db, c: &Changes| Place {
        at: Some(at(149, "e1", "m149")),
        epoch_seen: c
            .epoch
            .as_deref()
            .is_some_and(|e| db.epoch_seen(&c.cluster, e).unwrap()),
    };
    let d = |db: &crate::state::Db, c: &Changes| decide(&place(db, c), c);
    use Decision::*;
    // The next changes, continuing the place.
    assert_eq!(
        d(
            &db,
            &changes(149, 150, false, "e1", &[(149, "m149"), (150, "x")])
        ),
        Apply
    );
    // Overlapping (an answer was lost): still continues.
    assert_eq!(
        d(&db, &changes(140, 155, false, "e1", &[(149, "m149")])),
        Apply
    );
    // Late: nothing changes.
    assert_eq!(d(&db, &changes(100, 120, false, "e1", &[])), Stale);
    assert_eq!(d(&db, &changes(0, 148, true, "e1", &[])), Stale);
    // A repair (the same place, whole) applies again.
    assert_eq!(d(&db, &changes(0, 149, true, "e1", &[])), Apply);
    // A restored publisher whose numbers passed this place: another mark there.
    assert!(matches!(
        d(&db, &changes(100, 160, false, "e1", &[(149, "other")])),
        NeedSnapshot(_)
    ));
    // A gap.
    assert!(matches!(
        d(&db, &changes(150, 151, false, "e1", &[])),
        NeedSnapshot(_)
    ));
    // A new history: only its snapshot applies, whatever its numbers.
    assert!(matches!(
        d(&db, &changes(119, 120, false, "e2", &[])),
        NeedSnapshot(_)
    ));
    assert_eq!(d(&db, &changes(0, 119, true, "e2", &[])), Apply);
    // No place yet: only a snapshot.
    assert!(matches!(
        decide(&Place::default(), &changes(1, 2, false, "e1", &[])),
        NeedSnapshot(_)
    ));
    // A history this subscriber left: its late batches change nothing.
    let mut node = db.node().unwrap();
    node.role = Role::Subscriber;
    node.publisher = Some("cc1".into());
    db.set_node(&node).unwrap();
    let slots = [];
    db.apply_batch(&Batch {
        cluster: "c1",
        publisher: "cc1",
        from: 0,
        to: 149,
        snapshot: true,
        kinds: String::new(),
        users: None,
        versions: None,
        onboarded: None,
        image_repository: None,
        smtp: None,
        signers: None,
        settings: None,
        epoch: Some("e0"),
        mark: None,
        slots: &slots,
        trust: None,
    })
    .unwrap();
    assert_eq!(d(&db, &changes(0, 200, true, "e0", &[])), Stale);
}

// ---- applying, on a real state directory ----

/// A subscriber of `cc1`, its secrets in the file store of a temporary state directory.
fn subscriber() -> (tempfile::TempDir, Node) {
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::new(
        crate::state::StateDir::new(dir.path().to_path_buf(), "cc2".into()),
        crate::ops::Stores {
            choice: Some(crate::secrets::StoreKind::File),
            dbus_session: false,
        },
        crate::cancel::Cancel::new(),
    );
    let db = node.db().unwrap();
    let mut me = db.node().unwrap();
    me.role = Role::Subscriber;
    me.publisher = Some("cc1".into());
    db.set_node(&me).unwrap();
    (dir, node)
}

fn with_users(mut c: Changes, names: &[&str]) -> Changes {
    c.application_users = Some(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| ReplicatedUser {
                pkid: format!("{i:08x}-0000"),
                name: (*n).to_owned(),
                hash: format!("$argon2id${n}"),
            })
            .collect(),
    );
    c
}

/// Everything a batch may change on a subscriber: every replicated table and the record of
/// batches (read-only, beside the node's connection), the secrets file's entries, and the
/// files under `replicated/`.
fn everything(node: &Node) -> String {
    let root = node.root();
    let conn = crate::state::db::open_read_only(&root.join(crate::state::DB_FILE)).unwrap();
    let mut out = String::new();
    for table in [
        "app_user",
        "inventory_version",
        "onboarded_host",
        "image_repository",
        "smtp_config",
        "smtp_subscriber",
        "patch_signer",
        "setting",
        "secret_slot",
        "secret_location",
        "replication_applied",
    ] {
        let mut st = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = st.column_count();
        let rows: Vec<Vec<rusqlite::types::Value>> = st
            .query_map([], |r| (0..n).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out += &format!("{table}: {rows:?}\n");
    }
    let secrets: std::collections::BTreeMap<String, String> = std::fs::read(root.join("secrets"))
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap_or_default();
    out += &format!("secrets: {secrets:?}\n");
    let mut files = Vec::new();
    let mut dirs = vec![replicated_dir(root)];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                dirs.push(p.clone());
            }
            files.push((p.display().to_string(), std::fs::read(&p).ok()));
        }
    }
    files.sort();
    out += &format!("files: {files:?}\n");
    out
}

fn user_names(node: &mut Node) -> Vec<String> {
    let mut names: Vec<String> = node
        .db()
        .unwrap()
        .app_user_hashes()
        .unwrap()
        .into_iter()
        .map(|(_, n, _)| n)
        .collect();
    names.sort();
    names
}

fn place(node: &mut Node) -> (i64, Option<String>, Option<String>) {
    let l = node.db().unwrap().last_applied().unwrap().unwrap();
    (l.seq, l.epoch, l.mark)
}

/// A subscriber at change 8 of epoch `e1` (mark `a8`), with the users alice and bob.
fn at_change_8() -> (tempfile::TempDir, Node) {
    let (dir, mut node) = subscriber();
    let first = with_users(changes(0, 5, true, "e1", &[(5, "a5")]), &["alice"]);
    assert!(matches!(apply(&mut node, first), Ok(Outcome::Applied(_))));
    let next = with_users(
        changes(5, 8, false, "e1", &[(5, "a5"), (8, "a8")]),
        &["alice", "bob"],
    );
    assert!(matches!(apply(&mut node, next), Ok(Outcome::Applied(_))));
    assert_eq!(place(&mut node), (8, Some("e1".into()), Some("a8".into())));
    (dir, node)
}

/// A batch older than the subscriber's place (an answer lost, a retry overtaken) is answered
/// with the place it has, and changes nothing.
#[test]
fn a_late_batch_changes_nothing() {
    let (_dir, mut node) = at_change_8();
    let before = everything(&node);
    let late = with_users(changes(1, 3, false, "e1", &[(3, "a3")]), &["carol"]);
    match apply(&mut node, late).unwrap() {
        Outcome::AlreadyHad(a) => assert_eq!((a.applied, a.mark.as_deref()), (8, Some("a8"))),
        other => panic!("{other:?}"),
    }
    let late_snapshot = with_users(changes(0, 4, true, "e1", &[(4, "a4")]), &["carol"]);
    assert!(matches!(
        apply(&mut node, late_snapshot),
        Ok(Outcome::AlreadyHad(_))
    ));
    assert_eq!(everything(&node), before);
    assert_eq!(user_names(&mut node), ["alice", "bob"]);
}

/// The same batch delivered twice is applied once.
#[test]
fn a_repeated_batch_changes_nothing() {
    let (_dir, mut node) = at_change_8();
    let batch = || {
        let mut c = with_users(
            changes(8, 9, false, "e1", &[(8, "a8"), (9, "a9")]),
            &["alice", "bob", "carol"],
        );
        c.settings = Some(vec![("shared.check".into(), "on".into())]);
        c.hub_token = Some("abcd".into());
        c
    };
    assert!(matches!(apply(&mut node, batch()), Ok(Outcome::Applied(_))));
    let before = everything(&node);
    match apply(&mut node, batch()).unwrap() {
        Outcome::AlreadyHad(a) => assert_eq!((a.applied, a.mark.as_deref()), (9, Some("a9"))),
        other => panic!("{other:?}"),
    }
    assert_eq!(everything(&node), before);
    assert_eq!(user_names(&mut node), ["alice", "bob", "carol"]);
}

/// A publisher that began a new history (an epoch this subscriber never applied) is followed
/// only through a snapshot, whatever its numbers; then the old history's batches change
/// nothing.
#[test]
fn a_batch_of_a_new_epoch_is_taken_as_a_snapshot() {
    let (_dir, mut node) = at_change_8();
    let before = everything(&node);
    let changes_only = with_users(changes(2, 3, false, "e2", &[(3, "b3")]), &["dave"]);
    assert!(matches!(
        apply(&mut node, changes_only).unwrap(),
        Outcome::NeedSnapshot {
            applied: 8,
            why: "the publisher began a new history"
        }
    ));
    assert_eq!(everything(&node), before);
    let snapshot = with_users(changes(0, 3, true, "e2", &[(3, "b3")]), &["dave"]);
    assert!(matches!(
        apply(&mut node, snapshot),
        Ok(Outcome::Applied(_))
    ));
    assert_eq!(place(&mut node), (3, Some("e2".into()), Some("b3".into())));
    assert_eq!(user_names(&mut node), ["dave"], "taken whole");
    let before = everything(&node);
    let old_history = with_users(changes(0, 20, true, "e1", &[(20, "a20")]), &["alice"]);
    assert!(matches!(
        apply(&mut node, old_history),
        Ok(Outcome::AlreadyHad(_))
    ));
    assert_eq!(everything(&node), before);
}

/// A batch whose mark at the subscriber's place is not the one it applied comes from another
/// history of the log (a publisher restored from a backup): refused, a snapshot asked for.
#[test]
fn a_batch_whose_mark_does_not_match_the_place_is_refused() {
    let (_dir, mut node) = at_change_8();
    let before = everything(&node);
    let other = with_users(
        changes(8, 10, false, "e1", &[(8, "ff"), (10, "a10")]),
        &["mallory"],
    );
    assert!(matches!(
        apply(&mut node, other).unwrap(),
        Outcome::NeedSnapshot {
            applied: 8,
            why: "the publisher's log does not continue what it applied"
        }
    ));
    assert_eq!(everything(&node), before);
}

/// A row that fails in the batch's transaction leaves everything as it was: the rows written
/// before it, the record, the staged secrets and the staged trust set.
#[test]
fn apply_is_all_or_nothing_when_a_row_fails() {
    let (dir, mut node) = at_change_8();
    // One address the database refuses, written after the users, the settings' slot and
    // the trust set were staged.
    rusqlite::Connection::open(dir.path().join(crate::state::DB_FILE))
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER refuse_for_the_test BEFORE INSERT ON smtp_subscriber
                 WHEN NEW.email = 'refused@example.com'
                 BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;",
        )
        .unwrap();
    let before = everything(&node);
    let pem = rcgen::generate_simple_self_signed(vec!["cc1.example.com".to_owned()])
        .unwrap()
        .cert
        .pem();
    let mut c = with_users(
        changes(8, 9, false, "e1", &[(8, "a8"), (9, "a9")]),
        &["alice", "bob", "carol"],
    );
    c.settings = Some(vec![("shared.check".into(), "on".into())]);
    c.hub_token = Some("abcd".into());
    c.trust = Some(vec![TrustedFile {
        name: "cc1".into(),
        pem,
    }]);
    c.smtp = Some(ReplicatedSmtp {
        config: None,
        password: Some("smtp-secret".into()),
        subscribers: vec!["ok@example.com".into(), "refused@example.com".into()],
    });
    let e = apply(&mut node, c).unwrap_err();
    assert!(e.to_string().contains("refused for the test"), "{e}");
    assert_eq!(everything(&node), before);
    assert_eq!(user_names(&mut node), ["alice", "bob"]);
    assert_eq!(place(&mut node).0, 8);
}
