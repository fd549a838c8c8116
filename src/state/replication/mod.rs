//! The replication's tables (rule R11 in docs/rules.md#r11; SQL stays in the state module). On the
//! publisher: the ordered change log, which triggers fill in the transaction of every write to
//! cluster-wide state, and the subscriber's progress through it. On the subscriber: every change
//! batch it applied, recorded by the one transaction that applies the batch.

pub mod kind;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::db::{Db, ImageRepository, OnboardedHost};
use super::StateError;
use crate::inventory::Inventory;
pub use kind::{ReplKind, UnknownKind};

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
    /// After failures: not tried again before this time (UTC).
    pub retry_at: Option<String>,
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
    /// A random mark of this entry: the same number in another history has another mark.
    pub mark: Option<String>,
}

impl LogEntry {
    /// Whether the entry records a change of `kind`.
    pub fn is(&self, kind: ReplKind) -> bool {
        self.kind == kind.as_str()
    }
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
    /// The publisher's history it belongs to (none: applied before epochs were recorded).
    pub epoch: Option<String>,
    /// The mark of the publisher's change `seq` (none: not known).
    pub mark: Option<String>,
}

/// What a batch that was applied replaced: the secrets and files no longer in use, to be
/// removed once the transaction committed.
#[derive(Debug, Default)]
pub struct Replaced {
    /// Secret names the slots pointed at before.
    pub secrets: Vec<String>,
    /// The image-repository setting's credential reference before, if it changed.
    pub image_repository_ref: Option<String>,
    /// The replicated trust set in use before, if it changed.
    pub trust: Option<String>,
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
    /// `Some(None)`: the setting goes.
    pub image_repository: Option<Option<&'a ImageRepository>>,
    /// The SMTP setting (`None` inside: removed) and the subscribed addresses.
    pub smtp: Option<(Option<&'a super::notify::SmtpConfig>, &'a [String])>,
    /// The trusted signers of patches and releases.
    pub signers: Option<&'a [super::orchestration::Signer]>,
    /// The cluster's settings (`shared.*`).
    pub settings: Option<&'a [(String, String)]>,
    /// The publisher's history, and the mark of its change `to`.
    pub epoch: Option<&'a str>,
    pub mark: Option<&'a str>,
    /// Secret slots to point at staged names (`None`: the secret goes).
    pub slots: &'a [(&'a str, Option<String>)],
    /// The replicated trust set to use (its directory's name).
    pub trust: Option<&'a str>,
}

/// The node-local setting that names the replicated trust set in use.
pub const TRUST_SET: &str = "replication.trust";

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
            "SELECT seq, kind, ref, at, mark FROM replication_log WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = st.query_map(params![after], |r| {
            Ok(LogEntry {
                seq: r.get(0)?,
                kind: r.get(1)?,
                reference: r.get(2)?,
                at: r.get(3)?,
                mark: r.get(4)?,
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
    pub fn log_change(&mut self, kind: ReplKind) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO replication_log (kind) SELECT ?1
             WHERE (SELECT role FROM node WHERE id = 1) = 'publisher'",
            params![kind.as_str()],
        )?;
        Ok(())
    }

    /// The mark of change `seq`, while the log holds it.
    pub fn log_mark(&self, seq: i64) -> Result<Option<String>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT mark FROM replication_log WHERE seq = ?1",
                params![seq],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Forget the entries before `upto` (the subscriber has them). The entry `upto` stays:
    /// its mark proves to the subscriber that the log continues what it applied.
    pub fn prune_log(&mut self, upto: i64) -> Result<(), StateError> {
        self.conn
            .execute("DELETE FROM replication_log WHERE seq < ?1", params![upto])?;
        Ok(())
    }

    /// The identity of this publisher's history, made on first use.
    pub fn replication_epoch(&mut self) -> Result<String, StateError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO setting (key, value) VALUES ('replication.epoch', lower(hex(randomblob(8))))",
            [],
        )?;
        Ok(self
            .setting("replication.epoch")?
            .expect("the epoch was just made"))
    }

    /// Begin a new history: the subscriber's place no longer continues this log (`why`), so it
    /// takes a whole snapshot, and batches of the old history are ignored wherever they arrive.
    pub fn new_replication_epoch(&mut self, why: &str) -> Result<String, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES ('replication.epoch', lower(hex(randomblob(8))))",
            [],
        )?;
        tx.execute(
            &format!("INSERT OR REPLACE INTO setting (key, value) VALUES ('replication.epoch.at', {NOW_MS})"),
            [],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES ('replication.epoch.why', ?1)",
            params![why],
        )?;
        tx.execute(
            "UPDATE cc_subscriber SET snapshot = 1, applied_seq = 0, retry_at = NULL WHERE id = 1",
            [],
        )?;
        tx.commit()?;
        self.replication_epoch()
    }

    /// When and why this publisher last began a new history.
    pub fn epoch_change(&self) -> Result<Option<(String, String)>, StateError> {
        Ok(
            match (
                self.setting("replication.epoch.at")?,
                self.setting("replication.epoch.why")?,
            ) {
                (Some(at), Some(why)) => Some((at, why)),
                _ => None,
            },
        )
    }

    /// Whether this subscriber applied a batch of `epoch` of `cluster` before (an epoch it
    /// left: its late batches change nothing).
    pub fn epoch_seen(&self, cluster: &str, epoch: &str) -> Result<bool, StateError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM replication_applied WHERE cluster = ?1 AND epoch = ?2)",
            params![cluster, epoch],
            |r| r.get(0),
        )?)
    }

    /// The secret name `slot` points at: `None` when the slot was never set through this
    /// table (a secret kept under its slot's own name, from before), `Some(None)` when the
    /// secret was removed.
    pub fn secret_slot(&self, slot: &str) -> Result<Option<Option<String>>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name FROM secret_slot WHERE slot = ?1",
                params![slot],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Point `slot` at `name` (`None`: no secret) with `settings` written (`None`: removed),
    /// in one transaction; on a publisher the change is logged in it. Returns the name it
    /// pointed at before, whose secret is no longer in use.
    pub fn switch_secret(
        &mut self,
        slot: &str,
        name: Option<&str>,
        settings: &[(&str, Option<&str>)],
    ) -> Result<Option<String>, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (k, v) in settings {
            match v {
                Some(v) => tx.execute(
                    "INSERT OR REPLACE INTO setting (key, value) VALUES (?1, ?2)",
                    params![k, v],
                )?,
                None => tx.execute("DELETE FROM setting WHERE key = ?1", params![k])?,
            };
        }
        let old = point_slot(&tx, slot, name)?;
        tx.commit()?;
        Ok(old)
    }

    /// When the publisher may next try its subscriber (after failures, it waits longer).
    pub fn set_retry_at(&mut self, at: Option<&str>) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE cc_subscriber SET retry_at = ?1 WHERE id = 1",
            params![at],
        )?;
        Ok(())
    }

    pub fn subscriber_progress(&self) -> Result<Option<SubscriberProgress>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT host, joined_at, applied_seq, snapshot, attempts, last_error, last_sent_at,
                        retry_at
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
                        retry_at: r.get(7)?,
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
                 -- A snapshot still owed to the same subscriber (a repair) stays owed.
                 snapshot = CASE WHEN host = excluded.host THEN MAX(snapshot, excluded.snapshot)
                            ELSE excluded.snapshot END,
                 host = excluded.host, applied_seq = excluded.applied_seq,
                 attempts = 0, last_error = NULL, retry_at = NULL",
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
                     attempts = 0, last_error = NULL, retry_at = NULL, last_sent_at = {NOW_MS}
                 WHERE id = 1"
            ),
            params![applied],
        )?;
        tx.execute(
            "DELETE FROM replication_log WHERE seq < (SELECT applied_seq FROM cc_subscriber WHERE id = 1)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A batch did not land: the next attempt waits, twice as long as the last time (one
    /// second after the first failure), at most `max`.
    pub fn replication_failed(
        &mut self,
        error: &str,
        max: std::time::Duration,
    ) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE cc_subscriber SET attempts = attempts + 1, last_error = ?1,
                 retry_at = strftime('%Y-%m-%d %H:%M:%f', 'now',
                     '+' || MIN(?2, 1 << MIN(attempts, 20)) || ' seconds')
             WHERE id = 1",
            params![error, max.as_secs() as i64],
        )?;
        Ok(())
    }

    /// The next batch carries the whole state (`why`, shown as the last error until it
    /// lands), and is sent at once.
    pub fn request_snapshot(&mut self, why: &str) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE cc_subscriber SET snapshot = 1, retry_at = NULL, last_error = ?1 WHERE id = 1",
            params![why],
        )?;
        Ok(())
    }

    /// How long the next attempt towards the subscriber still waits, if it waits.
    pub fn retry_in(&self) -> Result<Option<std::time::Duration>, StateError> {
        let secs: Option<f64> = self
            .conn
            .query_row(
                "SELECT (julianday(retry_at) - julianday('now')) * 86400.0 FROM cc_subscriber
                 WHERE id = 1 AND retry_at IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(secs
            .filter(|s| *s > 0.0)
            .map(|s| std::time::Duration::from_secs_f64(s.min(3600.0))))
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
                "SELECT cluster, publisher, seq_to, applied_at, epoch, mark FROM replication_applied
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(Applied {
                        cluster: r.get(0)?,
                        publisher: r.get(1)?,
                        seq: r.get(2)?,
                        applied_at: r.get(3)?,
                        epoch: r.get(4)?,
                        mark: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Apply a change batch in one transaction, with its record; the caller decided that it
    /// applies (the batch is newer than what this subscriber has). Returns what it replaced.
    pub fn apply_batch(&mut self, b: &Batch) -> Result<Replaced, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut replaced = Replaced::default();
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
            let before: Option<String> = tx
                .query_row(
                    "SELECT credential_ref FROM image_repository WHERE id = 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            match s {
                Some(s) => {
                    super::db::write_image_repository(&tx, s)?;
                    replaced.image_repository_ref = before.filter(|r| *r != s.credential_ref);
                }
                None => {
                    tx.execute("DELETE FROM image_repository WHERE id = 1", [])?;
                    replaced.image_repository_ref = before;
                }
            }
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
        for (slot, name) in b.slots {
            if let Some(old) = point_slot(&tx, slot, name.as_deref())? {
                replaced.secrets.push(old);
            }
        }
        if let Some(set) = b.trust {
            let before: Option<String> = tx
                .query_row(
                    "SELECT value FROM setting WHERE key = ?1",
                    params![TRUST_SET],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "INSERT OR REPLACE INTO setting (key, value) VALUES (?1, ?2)",
                params![TRUST_SET, set],
            )?;
            replaced.trust = before.filter(|t| t != set);
        }
        tx.execute(
            "INSERT INTO replication_applied (cluster, publisher, seq_from, seq_to, snapshot, kinds, epoch, mark)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![b.cluster, b.publisher, b.from, b.to, b.snapshot, b.kinds, b.epoch, b.mark],
        )?;
        // The record is for status and audit; the newest thousand batches are plenty.
        tx.execute(
            "DELETE FROM replication_applied WHERE id <= (SELECT MAX(id) FROM replication_applied) - 1000",
            [],
        )?;
        tx.commit()?;
        Ok(replaced)
    }
}

/// Point `slot` at `name` in the transaction `tx`; the name it pointed at before, if another.
/// A slot never set through the table held its secret under its own name.
pub(super) fn point_slot(
    tx: &Connection,
    slot: &str,
    name: Option<&str>,
) -> Result<Option<String>, StateError> {
    let before: Option<Option<String>> = tx
        .query_row(
            "SELECT name FROM secret_slot WHERE slot = ?1",
            params![slot],
            |r| r.get(0),
        )
        .optional()?;
    let before = match before {
        Some(b) => b,
        None => tx
            .query_row(
                "SELECT name FROM secret_location WHERE name = ?1",
                params![slot],
                |r| r.get(0),
            )
            .optional()?,
    };
    tx.execute(
        "INSERT INTO secret_slot (slot, name) VALUES (?1, ?2)
         ON CONFLICT(slot) DO UPDATE SET name = excluded.name",
        params![slot, name],
    )?;
    Ok(before.filter(|b| Some(b.as_str()) != name))
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
mod tests;
