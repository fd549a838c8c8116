//! Findings 3 and 4 and the retry storm: writers never wait on a stopped service, `set smtp-pswd`
//! on a locked database changes nothing, and retries towards a subscriber that is down back off.

use super::*;

/// Finding 3: with the publisher's service stopped (SIGSTOP, a hung process), 20 changes one
/// after another each finish (a hang would be killed and fail the test); continued, the
/// service brings the subscriber all 20.
#[test]
fn writers_never_wait_on_a_stopped_service() {
    let Pair {
        p,
        s,
        publisher,
        subscriber: _subscriber,
        _dirs,
        ..
    } = crate::cluster::pair();
    wait_for_showing(
        "the first snapshot",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    let pid = publisher.pid() as i32;
    // SAFETY: signals to our own child process.
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    struct Continue(i32);
    impl Drop for Continue {
        fn drop(&mut self) {
            // SAFETY: as above.
            unsafe { libc::kill(self.0, libc::SIGCONT) };
        }
    }
    let stopped = Continue(pid);
    for i in 1..=20 {
        let name = format!("writer{i:02}");
        let child = spawn(
            &p,
            &["utils", "applicationuser", "add", &name],
            &[("CCADMIN_APPLICATIONUSER_PASSWORD", "Writer-Pass-2026")],
        );
        let (status, err) = finish(
            child,
            &format!(
                "change {i} of 20 (applicationuser add {name}) with the publisher's service stopped"
            ),
            30,
        );
        assert!(status.success(), "applicationuser add {name}: {err}");
    }
    drop(stopped);
    wait_for_showing(
        "the 20 users to reach the subscriber",
        Duration::from_secs(60),
        || users(&s) == users(&p),
        || format!("{}\n{}", users(&s), subscriber_state(&p)),
    );
    assert_eq!(users(&s).matches("writer").count(), 20, "{}", users(&s));
    drop(publisher);
}

/// Finding 4: `set smtp-pswd` on a database locked past the busy timeout fails, and the
/// publisher still uses the old password; set again once the lock is gone, the new one is used
/// there and reaches the subscriber.
#[test]
fn set_smtp_pswd_on_a_locked_database_changes_nothing() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        _dirs,
        ..
    } = crate::cluster::pair();
    set_smtp_password_ok(&p, "Smtp-Before-Lock-1");
    wait_for_showing(
        "the first password to reach the subscriber",
        Duration::from_secs(60),
        || caught_up(&p) && smtp_password(&s).as_deref() == Some("Smtp-Before-Lock-1"),
        || format!("{}", subscriber_state(&p)),
    );
    // Another process holds the write lock until the command has ended.
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let db = p.join("ccadmin.db");
    let locker = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked_tx.send(()).unwrap();
        let _ = release_rx.recv();
        conn.execute_batch("ROLLBACK").unwrap();
    });
    locked_rx.recv().unwrap();
    let child = spawn(
        &p,
        &["set", "smtp-pswd"],
        &[("CCADMIN_SMTP_PASSWORD", "Smtp-During-Lock-2")],
    );
    let (status, err) = finish(child, "set smtp-pswd on a locked database", 120);
    release_tx.send(()).unwrap();
    locker.join().unwrap();
    assert!(
        !status.success(),
        "set smtp-pswd succeeded on a locked database: {err}"
    );
    assert!(err.contains("locked"), "{err}");
    assert_eq!(
        smtp_password(&p).as_deref(),
        Some("Smtp-Before-Lock-1"),
        "set smtp-pswd failed ({}) but the publisher uses the new password",
        err.trim()
    );
    set_smtp_password_ok(&p, "Smtp-After-Lock-3");
    assert_eq!(smtp_password(&p).as_deref(), Some("Smtp-After-Lock-3"));
    wait_for_showing(
        "the new password to reach the subscriber",
        Duration::from_secs(60),
        || smtp_password(&s).as_deref() == Some("Smtp-After-Lock-3"),
        || format!("{:?} {}", smtp_password(&s), subscriber_state(&p)),
    );
}

/// The "975 attempts in 20 s" finding: with the subscriber's service down, 50 changes on the
/// publisher one after another do not make 50 attempts: the publisher backs off, and says
/// when it tries next.
#[test]
fn retries_towards_a_subscriber_that_is_down_back_off() {
    let Pair {
        p,
        publisher: _publisher,
        mut subscriber,
        _dirs,
        ..
    } = crate::cluster::pair();
    wait_for_showing(
        "the first snapshot",
        Duration::from_secs(60),
        || caught_up(&p),
        || format!("{}", subscriber_state(&p)),
    );
    drop(subscriber.take());
    let changes = 50;
    for i in 0..changes {
        add_user_as(&p, &format!("paced{i:02}"), "Paced-Pass-2026");
    }
    let st = subscriber_state(&p);
    let attempts = st["attempts"].as_i64().unwrap_or(0);
    assert!(st["lag"].as_i64().unwrap() >= changes, "{st}");
    assert!(attempts >= 1, "the publisher tried: {st}");
    // Without back-off every change wakes an attempt (50 for 50); with it, the attempts
    // double their spacing, so however long the changes take they are far fewer. Half the
    // changes is a bound no back-off comes near and no change-per-attempt service stays under.
    assert!(
        attempts <= changes / 2,
        "{attempts} attempts for {changes} changes towards a subscriber that is down: no back-off ({st})"
    );
    // The back-off is visible: when the next attempt is due.
    assert!(st["retry_at"].is_string(), "{st}");
}
