//! Two (or eight) processes on one state directory never corrupt it.

use std::process::Stdio;

use crate::util::{bin, run, state};

#[test]
fn parallel_writers_all_land_and_the_database_stays_sound() {
    let (_d, s) = state();
    // Create the database first so the processes race on writes, not on creation...
    assert_eq!(run(&s, &["utils", "node", "show"], "").code, 0);
    // ...and then on a second, fresh directory, on creation too.
    let (_d2, fresh) = state();
    for dir in [&s, &fresh] {
        let children: Vec<_> = (0..8)
            .map(|i| {
                std::process::Command::new(bin())
                    .env("CCADMIN_STATE_DIR", dir)
                    .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Str0ng-password")
                    .args(["utils", "applicationuser", "add", &format!("user{i}")])
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let r = run(
            dir,
            &[
                "--output",
                "json",
                "run",
                "sql",
                "select count(*) as n from applicationuser",
            ],
            "",
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["rows"][0]["n"], 8);
        let r = run(
            dir,
            &[
                "--output",
                "json",
                "run",
                "sql",
                "select count(*) as n from auditlog",
            ],
            "",
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["rows"][0]["n"], 8);
        let conn = rusqlite_check(dir);
        assert_eq!(conn, "ok");
    }
}

/// `PRAGMA integrity_check` through the sqlite3 the crate bundles (via the library).
fn rusqlite_check(dir: &std::path::Path) -> String {
    ccadmin::state::db::integrity_check(&dir.join("ccadmin.db")).unwrap()
}
