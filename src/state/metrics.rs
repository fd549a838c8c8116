//! The bounded reads `GET /metrics` makes at scrape time (SQL stays in the state module). Each
//! is one query whose cost does not grow with the node's history beyond a fixed bound: the
//! record of applied batches is pruned to its last 1000 rows, the change log to what the
//! subscriber has not confirmed, and runs are counted by an index-free aggregate over a table
//! that grows by one row per orchestration command.

use rusqlite::{params, OptionalExtension};

use super::db::Db;
use super::StateError;

/// The most rows of `replication_applied` read for the last apply per kind (the table keeps
/// its last 1000).
const APPLIED_ROWS: i64 = 1001;

/// The change-log entries a subscriber has not confirmed.
pub struct Pending {
    /// Entries by kind (as the log names them).
    pub by_kind: Vec<(String, i64)>,
    /// When the oldest was made (`YYYY-MM-DD HH:MM:SS.fff`, UTC).
    pub oldest: Option<String>,
}

impl Db {
    /// On a subscriber: for each kind (as the batches name them), when the newest batch that
    /// carried it was applied (`YYYY-MM-DD HH:MM:SS.fff`, UTC), newest first.
    pub fn last_applied_by_kind(&self) -> Result<Vec<(String, String)>, StateError> {
        let mut st = self.conn.prepare(
            "SELECT kinds, applied_at FROM replication_applied ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = st.query_map(params![APPLIED_ROWS], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out: Vec<(String, String)> = Vec::new();
        for row in rows {
            let (kinds, at) = row?;
            for kind in kinds.split(',').filter(|k| !k.is_empty()) {
                if !out.iter().any(|(k, _)| k == kind) {
                    out.push((kind.to_owned(), at.clone()));
                }
            }
        }
        Ok(out)
    }

    /// On a publisher: the change-log entries after `after`, by kind, and when the oldest was
    /// made.
    pub fn pending_changes(&self, after: i64) -> Result<Pending, StateError> {
        let mut st = self
            .conn
            .prepare("SELECT kind, COUNT(*) FROM replication_log WHERE seq > ?1 GROUP BY kind")?;
        let by_kind = st
            .query_map(params![after], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let oldest = self
            .conn
            .query_row(
                "SELECT at FROM replication_log WHERE seq > ?1 ORDER BY seq LIMIT 1",
                params![after],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Pending { by_kind, oldest })
    }

    /// This node's own orchestration runs (not the other node's, which it keeps for display)
    /// by recorded result; `None`: not finished.
    pub fn orchestration_results(&self) -> Result<Vec<(Option<String>, i64)>, StateError> {
        let mut st = self.conn.prepare(
            "SELECT CASE WHEN finished_at IS NULL THEN NULL ELSE COALESCE(result, '') END, COUNT(*)
             FROM orchestration_run WHERE remote = 0 GROUP BY 1",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::orchestration::Run;

    #[test]
    fn runs_are_counted_by_result_and_the_other_nodes_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("cc.db"), "cc-pub").unwrap();
        let run = |uid: &str| Run {
            uid: uid.into(),
            node: "cc-pub".into(),
            operation: "patch install".into(),
            subject: "ES5.exe".into(),
            actor: "admin".into(),
            ..Run::default()
        };
        for (uid, result) in [
            ("a", Some("Success")),
            ("b", Some("Success")),
            ("c", Some("Failure")),
            ("d", None),
        ] {
            let id = db.start_run(&run(uid)).unwrap();
            if let Some(r) = result {
                db.finish_run(id, r).unwrap();
            }
        }
        // A run the other node reported is kept for display, not counted here.
        let theirs = Run {
            node: "cc-sub".into(),
            finished_at: Some("2026-12-05 10:01:00".into()),
            result: Some("Success".into()),
            started_at: "2026-12-05 10:00:00".into(),
            ..run("e")
        };
        db.keep_remote_run("cc-pub", &theirs).unwrap();
        let mut got = db.orchestration_results().unwrap();
        got.sort();
        assert_eq!(
            got,
            vec![
                (None, 1),
                (Some("Failure".into()), 1),
                (Some("Success".into()), 2)
            ]
        );
    }
}
