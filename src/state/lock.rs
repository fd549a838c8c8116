//! The orchestration lock of rule R12 in docs/rules.md#r12: one deployment-changing command at a
//! time per node.
//!
//! The lock is a row in the database, so it is visible to every process on the state directory
//! and taken in a transaction (no two processes can both see it free). It records its owner's
//! PID and that process's start time: a PID alone can be reused after a reboot or wrap-around,
//! the pair cannot. A lock whose owner is gone is stale and is taken over, never waited on.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::StateError;

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockOwner {
    pub command: String,
    pub pid: u32,
    pub since: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another operation is in progress: '{}' (process {}) has held the orchestration lock since {} UTC", .0.command, .0.pid, .0.since)]
    Held(LockOwner),
    #[error(transparent)]
    State(#[from] StateError),
}

impl From<rusqlite::Error> for LockError {
    fn from(e: rusqlite::Error) -> Self {
        LockError::State(StateError::Sql(e))
    }
}

/// Holds the lock until dropped.
#[derive(Debug)]
pub struct LockGuard {
    db_path: PathBuf,
    pid: u32,
    /// The owner this guard replaced because its process was gone, if any.
    pub took_over: Option<LockOwner>,
}

/// A process's identity: PID and, where the platform tells, its start time.
pub fn process_start(pid: u32) -> Option<String> {
    // Field 22 of /proc/PID/stat is the start time in clock ticks since boot; the command name
    // (field 2) may hold spaces and parentheses, so count from the last ')'.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_owned)
}

/// Whether process `pid` still runs and is the one that was recorded (its start time).
pub fn alive(pid: u32, recorded_start: Option<&str>) -> bool {
    // No signal: only whether the process exists (EPERM: it does, as another user's).
    let exists = match i32::try_from(pid) {
        Ok(p) => matches!(
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(p), None),
            Ok(()) | Err(nix::errno::Errno::EPERM)
        ),
        Err(_) => false,
    };
    if !exists {
        return false;
    }
    match (recorded_start, process_start(pid)) {
        (Some(rec), Some(now)) => rec == now,
        _ => true,
    }
}

fn connect(db_path: &Path) -> Result<Connection, StateError> {
    let conn = Connection::open(db_path).map_err(|source| StateError::Open {
        path: db_path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(Duration::from_secs(10))?;
    Ok(conn)
}

/// Take the lock for `command` on behalf of process `pid`.
pub fn acquire(db_path: &Path, command: &str, pid: u32) -> Result<LockGuard, LockError> {
    let mut conn = connect(db_path)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let held: Option<(String, u32, Option<String>, String)> = tx
        .query_row(
            "SELECT command, pid, proc_start, started_at FROM op_lock WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let mut took_over = None;
    if let Some((cmd, owner_pid, start, since)) = held {
        let owner = LockOwner {
            command: cmd,
            pid: owner_pid,
            since,
        };
        if alive(owner_pid, start.as_deref()) {
            return Err(LockError::Held(owner));
        }
        took_over = Some(owner);
    }
    tx.execute(
        "INSERT OR REPLACE INTO op_lock (id, command, pid, proc_start, started_at)
         VALUES (1, ?1, ?2, ?3, strftime('%Y-%m-%d %H:%M:%S', 'now'))",
        params![command, pid, process_start(pid)],
    )?;
    tx.commit()?;
    Ok(LockGuard {
        db_path: db_path.to_path_buf(),
        pid,
        took_over,
    })
}

/// The current holder, if any (stale or not).
pub fn holder(db_path: &Path) -> Result<Option<LockOwner>, StateError> {
    let conn = connect(db_path)?;
    Ok(conn
        .query_row(
            "SELECT command, pid, started_at FROM op_lock WHERE id = 1",
            [],
            |r| {
                Ok(LockOwner {
                    command: r.get(0)?,
                    pid: r.get(1)?,
                    since: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// The current holder if its process is still running (a stale lock is no holder).
pub fn live_holder(db_path: &Path) -> Result<Option<LockOwner>, StateError> {
    let conn = connect(db_path)?;
    let row: Option<(LockOwner, Option<String>)> = conn
        .query_row(
            "SELECT command, pid, started_at, proc_start FROM op_lock WHERE id = 1",
            [],
            |r| {
                Ok((
                    LockOwner {
                        command: r.get(0)?,
                        pid: r.get(1)?,
                        since: r.get(2)?,
                    },
                    r.get(3)?,
                ))
            },
        )
        .optional()?;
    Ok(row
        .filter(|(o, start)| alive(o.pid, start.as_deref()))
        .map(|(o, _)| o))
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // Only our own row: if a stale-lock takeover ever replaced us, leave the new owner be.
        if let Ok(conn) = connect(&self.db_path) {
            let _ = conn.execute(
                "DELETE FROM op_lock WHERE id = 1 AND pid = ?1",
                params![self.pid],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Db;

    fn db() -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ccadmin.db");
        Db::open(&p, "h").unwrap();
        (d, p)
    }

    #[test]
    fn second_acquire_while_held_names_the_owner() {
        let (_d, p) = db();
        let me = std::process::id();
        let g = acquire(&p, "utils system inventory import", me).unwrap();
        assert!(g.took_over.is_none());
        match acquire(&p, "utils image-repository download", me) {
            Err(LockError::Held(o)) => {
                assert_eq!(o.command, "utils system inventory import");
                assert_eq!(o.pid, me);
                let msg = LockError::Held(o).to_string();
                assert!(
                    msg.contains("utils system inventory import") && msg.contains("since"),
                    "{msg}"
                );
            }
            other => panic!("expected Held, got {other:?}"),
        }
        drop(g);
        assert!(holder(&p).unwrap().is_none());
        acquire(&p, "again", me).unwrap();
    }

    #[test]
    fn lock_of_a_dead_process_is_taken_over() {
        let (_d, p) = db();
        // A child that has exited and been reaped: its PID names no live process.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let conn = Connection::open(&p).unwrap();
        conn.execute(
            "INSERT INTO op_lock (id, command, pid, proc_start) VALUES (1, 'crashed import', ?1, '1')",
            params![dead],
        )
        .unwrap();
        let g = acquire(&p, "new command", std::process::id()).unwrap();
        assert_eq!(g.took_over.as_ref().unwrap().command, "crashed import");
        assert_eq!(holder(&p).unwrap().unwrap().command, "new command");
    }

    #[test]
    fn reused_pid_with_another_start_time_is_stale() {
        let (_d, p) = db();
        let me = std::process::id();
        let conn = Connection::open(&p).unwrap();
        conn.execute(
            "INSERT INTO op_lock (id, command, pid, proc_start) VALUES (1, 'old', ?1, 'not-my-start-time')",
            params![me],
        )
        .unwrap();
        let g = acquire(&p, "new", me).unwrap();
        assert_eq!(g.took_over.as_ref().unwrap().command, "old");
    }

    #[test]
    fn process_start_of_self_is_known_and_stable() {
        let me = std::process::id();
        let a = process_start(me).expect("/proc is mounted");
        assert_eq!(Some(a), process_start(me));
    }
}
