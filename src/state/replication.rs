//! The replication's tables (SPEC 7; SQL stays in the state module). On the publisher: the
//! ordered change log, which triggers fill in the transaction of every write to cluster-wide
//! state, and the subscriber's progress through it. On the subscriber: every change batch it
//! applied, recorded by the one transaction that applies the batch.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::db::{Db, ImageRepository, OnboardedHost};
use super::StateError;
use crate::inventory::Inventory;

/// The subscriber that joined this publisher, and how far it is through the log.
#[derive(Debug, Clone, Serialize)]
pub struct SubscriberProgress {
    pub host: String,
    pub joined_at: String,
    /// The last sequence number the subscriber confirmed.
    pub applied_seq: i64,
    /// The next batch is a whole snapshot (a late joiner, or one that lost its place).
    pub snapshot: bool,
    /// Failed attempts since the last batch landed, and the last failure.
    pub attempts: i64,
    pub last_error: Option<String>,
    pub last_sent_at: Option<String>,
}

/// One entry of the change log: a kind of cluster-wide state changed.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub seq: i64,
    pub kind: String,
    /// For `inventory`: the version that was added (none: the history changed otherwise).
    pub reference: Option<i64>,
    /// When the change was made (UTC, milliseconds).
    pub at: String,
}

/// An inventory version as stored, with its model.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVersion {
    pub id: i64,
    pub created_at: String,
    pub actor: String,
    pub source: String,
    pub model: Inventory,
}

/// The last change batch this subscriber applied.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub cluster: String,
    pub publisher: String,
    pub seq: i64,
    pub applied_at: String,
}

/// A change batch to apply on a subscriber; `None` leaves that kind as it is.
pub struct Batch<'a> {
    pub cluster: &'a str,
    pub publisher: &'a str,
    pub from: i64,
    pub to: i64,
    pub snapshot: bool,
    /// The kinds it carries, for the record.
    pub kinds: String,
    /// (pkid, name, argon2 hash).
    pub users: Option<&'a [(String, String, String)]>,
    /// Versions to store; with `true` they are the whole history (others go).
    pub versions: Option<(&'a [StoredVersion], bool)>,
    pub onboarded: Option<&'a [(OnboardedHost, Option<String>)]>,
    pub image_repository: Option<&'a ImageRepository>,
    /// The SMTP setting (`None` inside: removed) and the subscribed addresses.
    pub smtp: Option<(Option<&'a super::notify::SmtpConfig>, &'a [String])>,
    /// The trusted signers of patches and releases.
    pub signers: Option<&'a [super::orchestration::Signer]>,
    /// The cluster's settings (`shared.*`).
    pub settings: Option<&'a [(String, String)]>,
}

const NOW_MS: &str = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

impl Db {
    /// This cluster's identity, made on first use: a subscriber knows its publisher's by it.
    pub fn cluster_id(&mut self) -> Result<String, StateError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO setting (key, value) VALUES ('cluster.id', lower(hex(randomblob(16))))",
            [],
        )?;
        Ok(self.conn.query_row(
            "SELECT value FROM setting WHERE key = 'cluster.id'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The newest sequence number of the change log (0 before the first change). Entries that
    /// were pruned still count: numbers are never reused.
    pub fn replication_seq(&self) -> Result<i64, StateError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'replication_log'), 0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The log entries after `after`, oldest first.
    pub fn log_since(&self, after: i64) -> Result<Vec<LogEntry>, StateError> {
        let mut st = self.conn.prepare(
            "SELECT seq, kind, ref, at FROM replication_log WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = st.query_map(params![after], |r| {
            Ok(LogEntry {
                seq: r.get(0)?,
                kind: r.get(1)?,
                reference: r.get(2)?,
                at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The oldest entry still in the log.
    pub fn log_oldest(&self) -> Result<Option<i64>, StateError> {
        Ok(self
            .conn
            .query_row("SELECT MIN(seq) FROM replication_log", [], |r| r.get(0))?)
    }

    /// Record a change that is not a row (the files of `trust/`); only a publisher logs.
    pub fn log_change(&mut self, kind: &str) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO replication_log (kind) SELECT ?1
             WHERE (SELECT role FROM node WHERE id = 1) = 'publisher'",
            params![kind],
        )?;
        Ok(())
    }

    /// Forget the entries up to `upto` (the subscriber has them).
    pub fn prune_log(&mut self, upto: i64) -> Result<(), StateError> {
        self.conn
            .execute("DELETE FROM replication_log WHERE seq <= ?1", params![upto])?;
        Ok(())
    }

    pub fn subscriber_progress(&self) -> Result<Option<SubscriberProgress>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT host, joined_at, applied_seq, snapshot, attempts, last_error, last_sent_at
                 FROM cc_subscriber WHERE id = 1",
                [],
                |r| {
                    Ok(SubscriberProgress {
                        host: r.get(0)?,
                        joined_at: r.get(1)?,
                        applied_seq: r.get(2)?,
                        snapshot: r.get(3)?,
                        attempts: r.get(4)?,
                        last_error: r.get(5)?,
                        last_sent_at: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// A subscriber joined, having applied `applied` of this cluster's log (0: none, or
    /// another cluster's); `snapshot` when it must first receive the whole state.
    pub fn subscriber_joined(
        &mut self,
        host: &str,
        applied: i64,
        snapshot: bool,
    ) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO cc_subscriber (id, host, applied_seq, snapshot) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET
                 joined_at = CASE WHEN host = excluded.host THEN joined_at
                             ELSE strftime('%Y-%m-%d %H:%M:%S', 'now') END,
                 host = excluded.host, applied_seq = excluded.applied_seq,
                 snapshot = excluded.snapshot, attempts = 0, last_error = NULL",
            params![host, applied, snapshot],
        )?;
        Ok(())
    }

    /// The subscriber confirmed the log up to `applied`; what it has leaves the log.
    pub fn replication_sent(&mut self, applied: i64) -> Result<(), StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            &format!(
                "UPDATE cc_subscriber SET applied_seq = MAX(applied_seq, ?1), snapshot = 0,
                     attempts = 0, last_error = NULL, last_sent_at = {NOW_MS} WHERE id = 1"
            ),
            params![applied],
        )?;
        tx.execute(
            "DELETE FROM replication_log WHERE seq <= (SELECT applied_seq FROM cc_subscriber WHERE id = 1)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A batch did not land; with `snapshot`, the next one carries the whole state.
    pub fn replication_failed(&mut self, error: &str, snapshot: bool) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE cc_subscriber SET attempts = attempts + 1, last_error = ?1,
                 snapshot = MAX(snapshot, ?2) WHERE id = 1",
            params![error, snapshot],
        )?;
        Ok(())
    }

    /// Run `f` on one read snapshot of the database: what it reads belongs together (the
    /// state and the sequence number it corresponds to).
    pub fn read_consistent<T>(
        &mut self,
        f: impl FnOnce(&Db) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let out = f(self);
        self.conn.execute_batch("COMMIT")?;
        out
    }

    /// Inventory versions with their models: all, or those of `ids`; oldest first.
    pub fn inventory_versions(
        &self,
        ids: Option<&[i64]>,
    ) -> Result<Vec<StoredVersion>, StateError> {
        let rows: Vec<(i64, String, String, String, String)> = self.query_all(
            "SELECT id, created_at, actor, source, model FROM inventory_version ORDER BY id",
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        rows.into_iter()
            .filter(|(id, ..)| ids.is_none_or(|ids| ids.contains(id)))
            .map(|(id, created_at, actor, source, model)| {
                Ok(StoredVersion {
                    id,
                    created_at,
                    actor,
                    source,
                    model: serde_json::from_str(&model).map_err(|e| {
                        StateError::Other(format!("inventory version {id} cannot be read: {e}"))
                    })?,
                })
            })
            .collect()
    }

    /// The last batch this subscriber applied.
    pub fn last_applied(&self) -> Result<Option<Applied>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT cluster, publisher, seq_to, applied_at FROM replication_applied
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(Applied {
                        cluster: r.get(0)?,
                        publisher: r.get(1)?,
                        seq: r.get(2)?,
                        applied_at: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Apply a change batch in one transaction, with its record. `Ok(false)`: it was applied
    /// already (by an earlier delivery of the same batch), and nothing changed.
    pub fn apply_batch(&mut self, b: &Batch) -> Result<bool, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<(String, i64)> = tx
            .query_row(
                "SELECT cluster, seq_to FROM replication_applied ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((cluster, seq)) = &last {
            if cluster == b.cluster && *seq >= b.to {
                return Ok(false);
            }
        }
        if let Some(users) = b.users {
            replace_app_users(&tx, users)?;
        }
        if let Some((versions, whole)) = b.versions {
            store_versions(&tx, versions, whole)?;
        }
        if let Some(hosts) = b.onboarded {
            replace_onboarded_hosts(&tx, hosts)?;
        }
        if let Some(s) = b.image_repository {
            super::db::write_image_repository(&tx, s)?;
        }
        if let Some((config, subscribers)) = b.smtp {
            super::notify::write_smtp_config(&tx, config)?;
            super::notify::replace_subscribers(&tx, subscribers)?;
        }
        if let Some(signers) = b.signers {
            super::orchestration::replace_signers(&tx, signers)?;
        }
        if let Some(settings) = b.settings {
            super::orchestration::replace_shared_settings(&tx, settings)?;
        }
        tx.execute(
            "INSERT INTO replication_applied (cluster, publisher, seq_from, seq_to, snapshot, kinds)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![b.cluster, b.publisher, b.from, b.to, b.snapshot, b.kinds],
        )?;
        // The record is for status and audit; the newest thousand batches are plenty.
        tx.execute(
            "DELETE FROM replication_applied WHERE id <= (SELECT MAX(id) FROM replication_applied) - 1000",
            [],
        )?;
        tx.commit()?;
        Ok(true)
    }
}

/// Make the users exactly `users` (pkid, name, hash). Applying the same list again changes
/// nothing (a user's `changed_at` moves only when the hash does).
fn replace_app_users(
    tx: &Connection,
    users: &[(String, String, String)],
) -> Result<(), StateError> {
    let keep: Vec<&str> = users.iter().map(|(pkid, _, _)| pkid.as_str()).collect();
    let existing: Vec<String> = {
        let mut st = tx.prepare("SELECT pkid FROM app_user")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for pkid in existing.iter().filter(|p| !keep.contains(&p.as_str())) {
        tx.execute("DELETE FROM app_user WHERE pkid = ?1", params![pkid])?;
    }
    for (pkid, name, hash) in users {
        // A name that moved to another pkid (deleted and added again) frees it first.
        tx.execute(
            "DELETE FROM app_user WHERE name = ?1 AND pkid <> ?2",
            params![name, pkid],
        )?;
        tx.execute(
            "INSERT INTO app_user (pkid, name, password_hash) VALUES (?1, ?2, ?3)
             ON CONFLICT(pkid) DO UPDATE SET name = excluded.name,
                 password_hash = excluded.password_hash,
                 changed_at = CASE WHEN password_hash = excluded.password_hash THEN changed_at
                              ELSE strftime('%Y-%m-%d %H:%M:%S', 'now') END",
            params![pkid, name, hash],
        )?;
    }
    Ok(())
}

/// Store inventory versions under the publisher's numbers; with `whole`, they are the entire
/// history and every other version goes.
fn store_versions(
    tx: &Connection,
    versions: &[StoredVersion],
    whole: bool,
) -> Result<(), StateError> {
    if whole {
        let keep: Vec<i64> = versions.iter().map(|v| v.id).collect();
        let existing: Vec<i64> = {
            let mut st = tx.prepare("SELECT id FROM inventory_version")?;
            let rows = st.query_map([], |r| r.get::<_, i64>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for id in existing.iter().filter(|id| !keep.contains(id)) {
            tx.execute("DELETE FROM inventory_version WHERE id = ?1", params![id])?;
        }
    }
    for v in versions {
        let model =
            serde_json::to_string(&v.model).map_err(|e| StateError::Other(e.to_string()))?;
        tx.execute(
            "INSERT OR REPLACE INTO inventory_version (id, created_at, actor, source, hosts, deployment_type, model)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                v.id,
                v.created_at,
                v.actor,
                v.source,
                v.model.host_count() as i64,
                v.model.deployment_type,
                model
            ],
        )?;
    }
    Ok(())
}

/// Make the onboarded hosts exactly `hosts`, with their owners.
fn replace_onboarded_hosts(
    tx: &Connection,
    hosts: &[(OnboardedHost, Option<String>)],
) -> Result<(), StateError> {
    tx.execute("DELETE FROM onboarded_host", [])?;
    for (h, owner) in hosts {
        tx.execute(
            "INSERT OR REPLACE INTO onboarded_host (host, cluster, product, type, host_key, user, port, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![h.host, h.cluster, h.product, h.host_type, h.host_key, h.user, h.port, owner],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
        assert!(db.log_since(0).unwrap().is_empty());
        assert_eq!(db.replication_seq().unwrap(), 3, "numbers are never reused");

        let mut node = db.node().unwrap();
        node.role = Role::Subscriber;
        node.publisher = Some("cc1.example.com".into());
        db.set_node(&node).unwrap();
        assert!(db.add_app_user("bob", "$argon2id$z").unwrap());
        db.log_change("trust").unwrap();
        assert_eq!(db.replication_seq().unwrap(), 3);
    }

    /// A batch applied twice changes nothing the second time, and is recorded once.
    #[test]
    fn a_batch_is_applied_once() {
        let (_d, mut db) = db();
        let users = vec![(
            "p1".to_owned(),
            "alice".to_owned(),
            "$argon2id$a".to_owned(),
        )];
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
        };
        assert!(db.apply_batch(&batch).unwrap());
        assert!(!db.apply_batch(&batch).unwrap());
        assert_eq!(db.app_user_hashes().unwrap(), users);
        assert_eq!(db.last_applied().unwrap().unwrap().seq, 5);
    }
}
