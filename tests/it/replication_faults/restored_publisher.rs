//! Finding 2: a publisher restored from a copy of its state directory is detected and the
//! subscriber follows it; with nothing pending, `repair` makes the pair equal.

use super::*;

/// Stop the publisher, copy its state directory aside (the backup), and start it again.
fn back_up(p: &Path, publisher: Served, port: u16) -> (PathBuf, Served) {
    assert_eq!(publisher.terminate(), Some(0));
    let backup = p.parent().unwrap().join("backup");
    copy_dir(p, &backup);
    (backup, Served::start_on(p, port))
}

/// Stop the publisher, put the backup back in place of its state, and start it again.
fn restore(p: &Path, publisher: Served, port: u16, backup: &Path) -> Served {
    assert_eq!(publisher.terminate(), Some(0));
    std::fs::remove_dir_all(p).unwrap();
    copy_dir(backup, p);
    Served::start_on(p, port)
}

/// `cp -a` of a state directory (the service stopped).
fn copy_dir(from: &Path, to: &Path) {
    let st = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(st.success(), "cp -a {} {}", from.display(), to.display());
}

/// Finding 2: the publisher's state is restored from a copy made at change N, after it had
/// gone on to N+5 (replicated); it makes 3 new changes. The subscriber ends with exactly the
/// publisher's users (those added after the restore, without those the restore took away),
/// and the publisher's `runtimestate` shows no negative lag.
#[test]
fn a_publisher_restored_from_a_backup_is_detected_and_the_subscriber_follows_it() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        pp,
        _dirs,
        ..
    } = crate::cluster::pair();
    for u in ["kept1", "kept2", "gone1"] {
        add_user_as(&p, u, "Restored-Pass-2026");
    }
    same_users(&p, &s, "the subscriber to catch up");
    // The backup, at change N.
    let (backup, publisher) = back_up(&p, publisher, pp);
    for i in 1..=5 {
        add_user_as(&p, &format!("lost{i}"), "Restored-Pass-2026");
    }
    same_users(&p, &s, "the five changes after the backup to replicate");
    // The publisher is restored from the backup: back at change N.
    let _publisher = restore(&p, publisher, pp, &backup);
    // Fewer new changes than were lost: 2 users added, one removed.
    add_user_as(&p, "after1", "Restored-Pass-2026");
    add_user_as(&p, "after2", "Restored-Pass-2026");
    node(
        &p,
        &["--yes", "utils", "applicationuser", "delete", "gone1"],
    );
    let want = users(&p);
    assert!(
        want.contains("after1") && !want.contains("lost1") && !want.contains("gone1"),
        "{want}"
    );
    wait_for_showing(
        "the subscriber to have exactly the restored publisher's users",
        Duration::from_secs(60),
        || users(&s) == want,
        || {
            format!(
                "publisher:\n{want}\nsubscriber:\n{}\nruntimestate: {}",
                users(&s),
                replication(&p)
            )
        },
    );
    wait_for_showing(
        "the publisher to see the subscriber caught up",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    let st = replication(&p);
    for n in st["nodes"].as_array().unwrap() {
        let lag = n["lag"].as_i64().unwrap_or(0);
        assert!(lag >= 0, "a negative lag: {st}");
    }
}

/// The publisher restored from a backup made when the subscriber had everything (so nothing
/// is pending after the restore, and nothing replicates by itself): `utils dbreplication
/// status` finds the difference, `repair` (whose snapshot the subscriber, being ahead, takes
/// for a late one) begins a new history and makes the pair equal, and the next change
/// arrives (found by a review: the repair's snapshot was ignored and replication wedged).
#[test]
fn repair_after_a_publisher_restored_with_nothing_pending_makes_the_pair_equal() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        pp,
        _dirs,
        ..
    } = crate::cluster::pair();
    add_user_as(&p, "kept1", "Restored-Pass-2026");
    same_users(&p, &s, "the subscriber to catch up");
    let (backup, publisher) = back_up(&p, publisher, pp);
    add_user_as(&p, "lost1", "Restored-Pass-2026");
    same_users(&p, &s, "the change after the backup to replicate");
    let _publisher = restore(&p, publisher, pp, &backup);
    let status = |st: &Path| {
        let r = run(
            st,
            &["--output", "json", "utils", "dbreplication", "status"],
            "",
        );
        (
            r.code,
            serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap_or_default(),
        )
    };
    let (code, v) = status(&p);
    assert_ne!(code, 0, "{v}");
    assert!(
        v.to_string().contains("lost1"),
        "the difference names the user: {v}"
    );
    let r = run(&p, &["-y", "utils", "dbreplication", "repair"], "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let (code, v) = status(&s);
    assert_eq!(code, 0, "equal after the repair: {v}");
    assert!(!users(&s).contains("lost1"));
    let st = replication(&p);
    assert!(
        st["epoch_changed_why"]
            .as_str()
            .is_some_and(|w| w.contains("restored")),
        "runtimestate says why a new history began: {st}"
    );
    add_user_as(&p, "after1", "Restored-Pass-2026");
    wait_for_showing(
        "the next change to arrive",
        Duration::from_secs(60),
        || users(&s).contains("after1"),
        || format!("{}", replication(&p)),
    );
}
