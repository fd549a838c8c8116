//! The node's SQLite database: opening (WAL, busy timeout), versioned migrations, and the
//! typed reads and writes of every table. SQL stays in this module; commands call functions.
//!
//! Two processes on one state directory are safe because every write is one transaction and
//! SQLite serialises writers; `busy_timeout` makes the second writer wait instead of failing.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::StateError;
use crate::domain::StoreKind;
use crate::domain::{AuthType, Role, Software};
use crate::inventory::Inventory;

/// Migrations, applied in order; the database's `user_version` is the number applied.
/// Never edit one that has shipped: add the next.
const MIGRATIONS: &[&str] = &[
    // 1: node identity, application users, audit log, settings, orchestration lock.
    r#"
    CREATE TABLE node (
        id                 INTEGER PRIMARY KEY CHECK (id = 1),
        role               TEXT NOT NULL CHECK (role IN ('publisher', 'subscriber', 'vos')),
        hostname           TEXT NOT NULL,
        publisher          TEXT,
        component          TEXT,
        orchestration_user TEXT,
        authorized_keys    TEXT,
        ssh_port           INTEGER NOT NULL DEFAULT 22
    );
    CREATE TABLE app_user (
        pkid          TEXT PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        isstandard    INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        changed_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        actor   TEXT NOT NULL,
        command TEXT NOT NULL,
        result  TEXT NOT NULL,
        detail  TEXT
    );
    CREATE TABLE setting (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE op_lock (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        command    TEXT NOT NULL,
        pid        INTEGER NOT NULL,
        proc_start TEXT,
        started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    -- Views named like the VOS tables, for `run sql`. They never expose a hash or a secret.
    CREATE VIEW applicationuser AS
        SELECT pkid, name, CASE isstandard WHEN 1 THEN 't' ELSE 'f' END AS isstandard FROM app_user;
    CREATE VIEW auditlog AS
        SELECT id, at, actor, command, result, detail FROM audit_log;
    CREATE VIEW processnode AS
        SELECT hostname AS name, role, publisher, component FROM node;
    "#,
    // 2: inventory versions; the newest is the current inventory, the others its history.
    r#"
    CREATE TABLE inventory_version (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        actor           TEXT NOT NULL,
        source          TEXT NOT NULL,
        hosts           INTEGER NOT NULL,
        deployment_type TEXT NOT NULL,
        model           TEXT NOT NULL
    );
    CREATE VIEW inventoryversion AS
        SELECT id, created_at, actor, source, hosts, deployment_type FROM inventory_version;
    "#,
    // 3: the image repository (Artifactory) setting; the credential itself is in the secret
    // store under `credential_ref`.
    r#"
    CREATE TABLE image_repository (
        id               INTEGER PRIMARY KEY CHECK (id = 1),
        url              TEXT NOT NULL,
        repository       TEXT NOT NULL,
        auth_type        TEXT NOT NULL,
        software         TEXT NOT NULL,
        ca_file          TEXT,
        proxy            TEXT,
        credential_store TEXT NOT NULL,
        credential_ref   TEXT NOT NULL,
        last_validated   TEXT NOT NULL
    );
    "#,
    // 4: onboarding. On a VOS publisher: the cluster's other members and what onboarding did
    // to each. On Cloud Connect: the VOS hosts onboarded against it.
    r#"
    CREATE TABLE vos_member (
        host            TEXT PRIMARY KEY,
        user            TEXT NOT NULL,
        authorized_keys TEXT NOT NULL,
        identity        TEXT
    );
    CREATE TABLE onboard_state (
        member   TEXT PRIMARY KEY,
        cc       TEXT NOT NULL,
        cluster  TEXT NOT NULL,
        status   TEXT NOT NULL,
        detail   TEXT,
        keys     TEXT NOT NULL
    );
    CREATE TABLE onboarded_host (
        host         TEXT PRIMARY KEY,
        cluster      TEXT NOT NULL,
        product      TEXT NOT NULL,
        type         TEXT NOT NULL,
        host_key     TEXT NOT NULL,
        user         TEXT NOT NULL,
        port         INTEGER NOT NULL,
        onboarded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    CREATE VIEW onboardedhost AS
        SELECT host, cluster, product, type, user, port, onboarded_at FROM onboarded_host;
    "#,
    // 5: the Cloud Connect cluster: the subscriber that joined this publisher, and settings
    // waiting to be replicated to it.
    r#"
    CREATE TABLE cc_subscriber (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        host      TEXT NOT NULL,
        joined_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    CREATE TABLE replication_outbox (
        kind       TEXT PRIMARY KEY,
        queued_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    "#,
    // 6: onboarded hosts are unique without case (as host names are), and each remembers the
    // application user that registered it: only that user may change or remove its cluster.
    r#"
    DROP VIEW onboardedhost;
    CREATE TABLE onboarded_host_new (
        host         TEXT PRIMARY KEY COLLATE NOCASE,
        cluster      TEXT NOT NULL,
        product      TEXT NOT NULL,
        type         TEXT NOT NULL,
        host_key     TEXT NOT NULL,
        user         TEXT NOT NULL,
        port         INTEGER NOT NULL,
        onboarded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        owner        TEXT COLLATE NOCASE
    );
    INSERT OR IGNORE INTO onboarded_host_new (host, cluster, product, type, host_key, user, port, onboarded_at)
        SELECT host, cluster, product, type, host_key, user, port, onboarded_at FROM onboarded_host;
    DROP TABLE onboarded_host;
    ALTER TABLE onboarded_host_new RENAME TO onboarded_host;
    CREATE VIEW onboardedhost AS
        SELECT host, cluster, product, type, user, port, onboarded_at, owner FROM onboarded_host;
    "#,
    // 7: a plain-http Artifactory URL is used only when the administrator said so.
    r#"
    ALTER TABLE image_repository ADD COLUMN allow_http INTEGER NOT NULL DEFAULT 0;
    "#,
    // 8: which store holds each secret of the node (never the secret itself).
    r#"
    CREATE TABLE secret_location (
        name  TEXT PRIMARY KEY,
        store TEXT NOT NULL CHECK (store IN ('file', 'keyring'))
    );
    INSERT OR IGNORE INTO secret_location (name, store)
        SELECT credential_ref, credential_store FROM image_repository
        WHERE credential_store IN ('file', 'keyring');
    CREATE VIEW secretlocation AS SELECT name, store FROM secret_location;
    "#,
    // 9: replication as one ordered change log. On a publisher, every write to cluster-wide
    // state appends to `replication_log` in the same transaction (triggers, so no write can
    // forget it and a killed process leaves both or neither); the subscriber's progress is in
    // `cc_subscriber`. On a subscriber, `replication_applied` records every change batch
    // applied, in the transaction that applied it.
    r#"
    DROP TABLE replication_outbox;
    CREATE TABLE replication_log (
        seq  INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        ref  INTEGER,
        at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
    );
    ALTER TABLE cc_subscriber ADD COLUMN applied_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cc_subscriber ADD COLUMN snapshot INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE cc_subscriber ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cc_subscriber ADD COLUMN last_error TEXT;
    ALTER TABLE cc_subscriber ADD COLUMN last_sent_at TEXT;
    CREATE TABLE replication_applied (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        cluster    TEXT NOT NULL,
        publisher  TEXT NOT NULL,
        seq_from   INTEGER NOT NULL,
        seq_to     INTEGER NOT NULL,
        snapshot   INTEGER NOT NULL,
        kinds      TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
    );
    CREATE TRIGGER repl_app_user_ins AFTER INSERT ON app_user
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('application-users'); END;
    CREATE TRIGGER repl_app_user_upd AFTER UPDATE ON app_user
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('application-users'); END;
    CREATE TRIGGER repl_app_user_del AFTER DELETE ON app_user
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('application-users'); END;
    CREATE TRIGGER repl_inventory_ins AFTER INSERT ON inventory_version
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind, ref) VALUES ('inventory', NEW.id); END;
    CREATE TRIGGER repl_inventory_other_upd AFTER UPDATE ON inventory_version
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('inventory'); END;
    CREATE TRIGGER repl_inventory_del AFTER DELETE ON inventory_version
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('inventory'); END;
    CREATE TRIGGER repl_onboarded_ins AFTER INSERT ON onboarded_host
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('onboarded'); END;
    CREATE TRIGGER repl_onboarded_upd AFTER UPDATE ON onboarded_host
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('onboarded'); END;
    CREATE TRIGGER repl_onboarded_del AFTER DELETE ON onboarded_host
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('onboarded'); END;
    CREATE TRIGGER repl_image_repository_ins AFTER INSERT ON image_repository
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('image-repository'); END;
    CREATE TRIGGER repl_image_repository_upd AFTER UPDATE ON image_repository
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('image-repository'); END;
    CREATE TRIGGER repl_image_repository_del AFTER DELETE ON image_repository
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('image-repository'); END;
    CREATE VIEW replicationlog AS SELECT seq, kind, ref, at FROM replication_log;
    CREATE VIEW replicationapplied AS
        SELECT id, cluster, publisher, seq_from, seq_to, snapshot, kinds, applied_at FROM replication_applied;
    "#,
    // 10: e-mail notifications: the SMTP server (its password is in the secret store), the
    // subscribed addresses (both cluster-wide, so replicated), and this node's outbox of mails
    // waiting to be delivered.
    r#"
    CREATE TABLE smtp_config (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        host       TEXT,
        port       INTEGER,
        security   TEXT CHECK (security IN ('starttls', 'tls', 'none')),
        from_email TEXT,
        use_auth   INTEGER NOT NULL DEFAULT 0,
        user       TEXT
    );
    CREATE TABLE smtp_subscriber (
        email TEXT PRIMARY KEY COLLATE NOCASE
    );
    CREATE TABLE mail_outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        queued_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        subject         TEXT NOT NULL,
        body            TEXT NOT NULL,
        recipients      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        next_attempt_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    CREATE TRIGGER repl_smtp_config_ins AFTER INSERT ON smtp_config
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('smtp'); END;
    CREATE TRIGGER repl_smtp_config_upd AFTER UPDATE ON smtp_config
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('smtp'); END;
    CREATE TRIGGER repl_smtp_config_del AFTER DELETE ON smtp_config
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('smtp'); END;
    CREATE TRIGGER repl_smtp_subscriber_ins AFTER INSERT ON smtp_subscriber
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('smtp'); END;
    CREATE TRIGGER repl_smtp_subscriber_del AFTER DELETE ON smtp_subscriber
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('smtp'); END;
    CREATE VIEW smtpconfig AS SELECT host, port, security, from_email, use_auth, user FROM smtp_config;
    CREATE VIEW smtpsubscriber AS SELECT email FROM smtp_subscriber;
    CREATE VIEW mailoutbox AS SELECT id, queued_at, subject, attempts, last_error, next_attempt_at FROM mail_outbox;
    "#,
    // 11: the publishers whose signatures on patches and releases this cluster trusts
    // (minisign public keys), cluster-wide.
    r#"
    CREATE TABLE patch_signer (
        name       TEXT PRIMARY KEY COLLATE NOCASE,
        public_key TEXT NOT NULL UNIQUE,
        added_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    CREATE TRIGGER repl_patch_signer_ins AFTER INSERT ON patch_signer
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('signers'); END;
    CREATE TRIGGER repl_patch_signer_upd AFTER UPDATE ON patch_signer
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('signers'); END;
    CREATE TRIGGER repl_patch_signer_del AFTER DELETE ON patch_signer
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('signers'); END;
    CREATE VIEW patchsigner AS SELECT name, public_key, added_at FROM patch_signer;
    "#,
    // 12: settings whose key starts with `shared.` are the cluster's (e.g. the compatibility
    // check): logged for replication like the tables above. Other settings stay node-local.
    r#"
    CREATE TRIGGER repl_shared_setting_ins AFTER INSERT ON setting
        WHEN NEW.key LIKE 'shared.%' AND (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('settings'); END;
    CREATE TRIGGER repl_shared_setting_upd AFTER UPDATE ON setting
        WHEN NEW.key LIKE 'shared.%' AND (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('settings'); END;
    CREATE TRIGGER repl_shared_setting_del AFTER DELETE ON setting
        WHEN OLD.key LIKE 'shared.%' AND (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('settings'); END;
    "#,
    // 13: orchestration runs (patch installs), and each node's step, written as it ends.
    r#"
    CREATE TABLE orchestration_run (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        operation   TEXT NOT NULL,
        subject     TEXT NOT NULL,
        actor       TEXT NOT NULL,
        started_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        finished_at TEXT,
        result      TEXT
    );
    CREATE TABLE orchestration_step (
        run_id   INTEGER NOT NULL REFERENCES orchestration_run(id),
        host     TEXT NOT NULL,
        side     TEXT NOT NULL,
        result   TEXT NOT NULL,
        detail   TEXT NOT NULL,
        seconds  REAL NOT NULL,
        ended_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        PRIMARY KEY (run_id, host)
    );
    CREATE VIEW orchestrationrun AS SELECT id, operation, subject, actor, started_at, finished_at, result FROM orchestration_run;
    CREATE VIEW orchestrationstep AS SELECT run_id, host, side, result, detail, seconds, ended_at FROM orchestration_step;
    "#,
    // 14: a VOS node's installed software (its versions are the settings software.active and
    // software.inactive), and each orchestration step's versions before and after.
    r#"
    CREATE TABLE installed_patch (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        base         TEXT NOT NULL,
        name         TEXT NOT NULL,
        version      TEXT NOT NULL,
        rollback     INTEGER NOT NULL,
        installed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now')),
        UNIQUE (base, name)
    );
    CREATE VIEW installedpatch AS SELECT seq, base, name, version, rollback, installed_at FROM installed_patch;
    ALTER TABLE orchestration_step ADD COLUMN from_version TEXT NOT NULL DEFAULT '';
    ALTER TABLE orchestration_step ADD COLUMN to_version TEXT NOT NULL DEFAULT '';
    DROP VIEW orchestrationstep;
    CREATE VIEW orchestrationstep AS SELECT run_id, host, side, result, detail, seconds, ended_at, from_version, to_version FROM orchestration_step;
    "#,
    // 15: runs belong to the Cloud Connect cluster (issue 23): each run has an id both nodes
    // know it by and the node that runs it; the other node's runs are kept as it reports them;
    // `cluster_claim` says which node holds the cluster's one orchestration run.
    r#"
    ALTER TABLE orchestration_run ADD COLUMN uid TEXT;
    ALTER TABLE orchestration_run ADD COLUMN node TEXT NOT NULL DEFAULT '';
    ALTER TABLE orchestration_run ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE orchestration_run ADD COLUMN note TEXT NOT NULL DEFAULT '';
    UPDATE orchestration_run
       SET uid = 'local-' || id || '-' || lower(hex(randomblob(8))),
           node = COALESCE((SELECT hostname FROM node WHERE id = 1), '')
     WHERE uid IS NULL;
    CREATE UNIQUE INDEX orchestration_run_uid ON orchestration_run (uid);
    CREATE TABLE cluster_claim (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        holder     TEXT NOT NULL,
        run_uid    TEXT NOT NULL,
        command    TEXT NOT NULL,
        subject    TEXT NOT NULL,
        actor      TEXT NOT NULL,
        state      TEXT NOT NULL,
        pid        INTEGER,
        proc_start TEXT,
        since      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    DROP VIEW orchestrationrun;
    CREATE VIEW orchestrationrun AS SELECT id, uid, node, operation, subject, actor, started_at, finished_at, result, note FROM orchestration_run;
    "#,
    // 16: replication that never diverges silently (issue 29).
    // - A secret that belongs to a replicated setting (the SMTP password, the hub token) is
    //   kept under a new name each time it changes; `secret_slot` says which name is in use,
    //   so the switch is part of a database transaction (with the setting and, on a
    //   publisher, the change-log entry) and a failure leaves the old secret in use.
    // - Every change-log entry has a random mark: a subscriber remembers the mark of the last
    //   change it applied and so notices a publisher whose log no longer continues what it
    //   saw (a publisher restored from a backup).
    // - The subscriber records the publisher's epoch (the identity of its history) and the
    //   mark with every batch; the publisher records when it may try its subscriber again.
    r#"
    CREATE TABLE secret_slot (
        slot TEXT PRIMARY KEY,
        name TEXT
    );
    INSERT INTO secret_slot (slot, name)
        SELECT name, name FROM secret_location WHERE name IN ('smtp-password', 'hub-token');
    CREATE TRIGGER repl_secret_slot_ins AFTER INSERT ON secret_slot
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind)
            VALUES (CASE NEW.slot WHEN 'smtp-password' THEN 'smtp' ELSE 'settings' END); END;
    CREATE TRIGGER repl_secret_slot_upd AFTER UPDATE ON secret_slot
        WHEN OLD.name IS NOT NEW.name AND (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind)
            VALUES (CASE NEW.slot WHEN 'smtp-password' THEN 'smtp' ELSE 'settings' END); END;
    CREATE TRIGGER repl_secret_slot_del AFTER DELETE ON secret_slot
        WHEN (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind)
            VALUES (CASE OLD.slot WHEN 'smtp-password' THEN 'smtp' ELSE 'settings' END); END;
    ALTER TABLE replication_log ADD COLUMN mark TEXT;
    UPDATE replication_log SET mark = lower(hex(randomblob(8)));
    CREATE TRIGGER replication_log_mark AFTER INSERT ON replication_log
        WHEN NEW.mark IS NULL
        BEGIN UPDATE replication_log SET mark = lower(hex(randomblob(8))) WHERE seq = NEW.seq; END;
    ALTER TABLE replication_applied ADD COLUMN epoch TEXT;
    ALTER TABLE replication_applied ADD COLUMN mark TEXT;
    ALTER TABLE cc_subscriber ADD COLUMN retry_at TEXT;
    CREATE VIEW secretslot AS SELECT slot, name FROM secret_slot;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Db {
    pub(in crate::state) conn: Connection,
    path: PathBuf,
}

/// The node's identity (SPEC 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub role: Role,
    pub hostname: String,
    pub publisher: Option<String>,
    pub component: Option<String>,
    pub orchestration_user: Option<String>,
    pub authorized_keys: Option<String>,
    pub ssh_port: u16,
}

/// An application user as listed: never the hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppUser {
    pub pkid: String,
    pub name: String,
    pub isstandard: bool,
    pub created_at: String,
    pub changed_at: String,
}

/// The image repository setting (SPEC 3). The credential is not here: `credential_ref` names it
/// in the secret store `credential_store`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageRepository {
    pub url: String,
    pub repository: String,
    pub auth_type: AuthType,
    pub software: Software,
    pub ca_file: Option<String>,
    pub proxy: Option<String>,
    pub credential_store: StoreKind,
    pub credential_ref: String,
    pub last_validated: String,
    /// The administrator accepted a plain `http://` URL (`--allow-insecure-http`).
    pub allow_http: bool,
}

/// A member of this VOS node's cluster (not the node itself), as the publisher reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VosMember {
    /// `HOST` or `HOST:PORT`.
    pub host: String,
    pub user: String,
    pub authorized_keys: String,
    /// Private key the publisher logs in to the member with (the cluster's platform key).
    pub identity: Option<String>,
}

/// What onboarding did to one member, on the VOS publisher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnboardState {
    pub member: String,
    pub cc: String,
    pub cluster: String,
    /// `onboarded` or `failed`.
    pub status: String,
    pub detail: Option<String>,
    /// The Cloud Connect key lines installed into the member's authorized_keys.
    pub keys: Vec<String>,
}

/// A VOS host onboarded against this node: a domain value (the inventory reads it too).
pub use crate::domain::OnboardedHost;

/// One stored inventory version, as `inventory history` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InventoryVersion {
    pub version: i64,
    pub created_at: String,
    pub actor: String,
    pub source: String,
    pub hosts: i64,
    pub deployment_type: String,
}

impl Db {
    /// Open (creating if needed) and migrate. `host_name` names a fresh node.
    pub fn open(path: &Path, host_name: &str) -> Result<Db, StateError> {
        let open_err = |source| StateError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // The process umask already makes new files 0600; this covers a file created by an
        // older build or by hand.
        if let Ok(m) = std::fs::metadata(path) {
            if m.permissions().mode() & 0o077 != 0 {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
            }
        }
        let mut db = Db {
            conn,
            path: path.to_path_buf(),
        };
        // A fresh database opened by several processes at once: switching it to WAL needs
        // the file to itself, and SQLite may answer "busy" without waiting. Retry, bounded.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            match db.migrate(host_name) {
                Err(StateError::Sql(rusqlite::Error::SqliteFailure(f, _)))
                    if matches!(
                        f.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other.map(|()| db),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every row of a parameterless query, mapped by `f`.
    pub(in crate::state) fn query_all<T>(
        &self,
        sql: &str,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StateError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], f)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn migrate(&mut self, host_name: &str) -> Result<(), StateError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        if version > SCHEMA_VERSION {
            return Err(StateError::TooNew {
                path: self.path.clone(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        // WAL lets readers (run sql, show) proceed while a writer commits; it is persistent,
        // so it is set once, here, outside the transaction as SQLite requires.
        self.conn
            .query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the write lock.
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        }
        tx.execute(
            "INSERT OR IGNORE INTO node (id, role, hostname) VALUES (1, 'publisher', ?1)",
            params![host_name],
        )?;
        tx.commit()?;
        Ok(())
    }

    // ---- node identity ----

    pub fn node(&self) -> Result<Node, StateError> {
        Ok(self.conn.query_row(
            "SELECT role, hostname, publisher, component, orchestration_user, authorized_keys, ssh_port
             FROM node WHERE id = 1",
            [],
            |r| {
                Ok(Node {
                    role: r.get(0)?,
                    hostname: r.get(1)?,
                    publisher: r.get(2)?,
                    component: r.get(3)?,
                    orchestration_user: r.get(4)?,
                    authorized_keys: r.get(5)?,
                    ssh_port: r.get(6)?,
                })
            },
        )?)
    }

    pub fn set_node(&mut self, node: &Node) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE node SET role = ?1, hostname = ?2, publisher = ?3, component = ?4,
                 orchestration_user = ?5, authorized_keys = ?6, ssh_port = ?7 WHERE id = 1",
            params![
                node.role,
                node.hostname,
                node.publisher,
                node.component,
                node.orchestration_user,
                node.authorized_keys,
                node.ssh_port
            ],
        )?;
        Ok(())
    }

    // ---- application users ----

    pub fn app_users(&self) -> Result<Vec<AppUser>, StateError> {
        self.query_all(
            "SELECT pkid, name, isstandard, created_at, changed_at FROM app_user ORDER BY name COLLATE NOCASE",
            |r| {
                Ok(AppUser {
                    pkid: r.get(0)?,
                    name: r.get(1)?,
                    isstandard: r.get(2)?,
                    created_at: r.get(3)?,
                    changed_at: r.get(4)?,
                })
            },
        )
    }

    /// Add a user; `Ok(false)` if the name is taken (names compare without case, as on VOS).
    pub fn add_app_user(&mut self, name: &str, password_hash: &str) -> Result<bool, StateError> {
        let n = self.conn.execute(
            "INSERT INTO app_user (pkid, name, password_hash)
             SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
                    || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)
                    || '-' || hex(randomblob(6))), ?1, ?2
             WHERE NOT EXISTS (SELECT 1 FROM app_user WHERE name = ?1)",
            params![name, password_hash],
        )?;
        Ok(n == 1)
    }

    /// Every user with its hash (pkid, name, hash), for replication to the subscriber.
    pub fn app_user_hashes(&self) -> Result<Vec<(String, String, String)>, StateError> {
        self.query_all(
            "SELECT pkid, name, password_hash FROM app_user ORDER BY name",
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// The stored hash of a user, for verification by the node service.
    pub fn app_user_hash(&self, name: &str) -> Result<Option<String>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT password_hash FROM app_user WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Replace a user's hash; `Ok(false)` if there is no such user.
    pub fn set_app_user_hash(
        &mut self,
        name: &str,
        password_hash: &str,
    ) -> Result<bool, StateError> {
        let n = self.conn.execute(
            "UPDATE app_user SET password_hash = ?2, changed_at = strftime('%Y-%m-%d %H:%M:%S', 'now')
             WHERE name = ?1",
            params![name, password_hash],
        )?;
        Ok(n == 1)
    }

    /// Delete a user; `Ok(false)` if there is no such user.
    pub fn delete_app_user(&mut self, name: &str) -> Result<bool, StateError> {
        Ok(self
            .conn
            .execute("DELETE FROM app_user WHERE name = ?1", params![name])?
            == 1)
    }

    // ---- inventory ----

    /// The current inventory: the newest version, or an empty one.
    pub fn inventory(&self) -> Result<Inventory, StateError> {
        let model: Option<String> = self
            .conn
            .query_row(
                "SELECT model FROM inventory_version ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match model {
            None => Ok(Inventory::default()),
            Some(m) => serde_json::from_str(&m).map_err(|e| {
                StateError::Other(format!("the stored inventory cannot be read: {e}"))
            }),
        }
    }

    /// Make `inv` the current inventory in one transaction; the previous one stays in the
    /// history. Returns the new version's number.
    pub fn save_inventory(
        &mut self,
        inv: &Inventory,
        actor: &str,
        source: &str,
    ) -> Result<i64, StateError> {
        let model = serde_json::to_string(inv).map_err(|e| StateError::Other(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO inventory_version (actor, source, hosts, deployment_type, model) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![actor, source, inv.host_count() as i64, inv.deployment_type, model],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Every inventory version, newest first.
    pub fn inventory_history(&self) -> Result<Vec<InventoryVersion>, StateError> {
        self.query_all(
            "SELECT id, created_at, actor, source, hosts, deployment_type FROM inventory_version ORDER BY id DESC",
            |r| {
                Ok(InventoryVersion {
                    version: r.get(0)?,
                    created_at: r.get(1)?,
                    actor: r.get(2)?,
                    source: r.get(3)?,
                    hosts: r.get(4)?,
                    deployment_type: r.get(5)?,
                })
            },
        )
    }

    // ---- onboarding ----

    pub fn vos_members(&self) -> Result<Vec<VosMember>, StateError> {
        self.query_all(
            "SELECT host, user, authorized_keys, identity FROM vos_member ORDER BY host",
            |r| {
                Ok(VosMember {
                    host: r.get(0)?,
                    user: r.get(1)?,
                    authorized_keys: r.get(2)?,
                    identity: r.get(3)?,
                })
            },
        )
    }

    /// Add or replace a cluster member.
    pub fn set_vos_member(&mut self, m: &VosMember) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO vos_member (host, user, authorized_keys, identity) VALUES (?1, ?2, ?3, ?4)",
            params![m.host, m.user, m.authorized_keys, m.identity],
        )?;
        Ok(())
    }

    pub fn remove_vos_member(&mut self, host: &str) -> Result<bool, StateError> {
        Ok(self
            .conn
            .execute("DELETE FROM vos_member WHERE host = ?1", params![host])?
            == 1)
    }

    pub fn onboard_states(&self) -> Result<Vec<OnboardState>, StateError> {
        self.query_all(
            "SELECT member, cc, cluster, status, detail, keys FROM onboard_state ORDER BY member",
            |r| {
                let keys: String = r.get(5)?;
                Ok(OnboardState {
                    member: r.get(0)?,
                    cc: r.get(1)?,
                    cluster: r.get(2)?,
                    status: r.get(3)?,
                    detail: r.get(4)?,
                    keys: serde_json::from_str(&keys).unwrap_or_default(),
                })
            },
        )
    }

    pub fn set_onboard_state(&mut self, s: &OnboardState) -> Result<(), StateError> {
        let keys = serde_json::to_string(&s.keys).map_err(|e| StateError::Other(e.to_string()))?;
        self.conn.execute(
            "INSERT OR REPLACE INTO onboard_state (member, cc, cluster, status, detail, keys) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![s.member, s.cc, s.cluster, s.status, s.detail, keys],
        )?;
        Ok(())
    }

    pub fn clear_onboard_state(&mut self, member: &str) -> Result<(), StateError> {
        self.conn.execute(
            "DELETE FROM onboard_state WHERE member = ?1",
            params![member],
        )?;
        Ok(())
    }

    pub fn onboarded_hosts(&self) -> Result<Vec<OnboardedHost>, StateError> {
        self.query_all(
            "SELECT host, cluster, product, type, host_key, user, port FROM onboarded_host ORDER BY product, cluster, type DESC, host",
            |r| {
                Ok(OnboardedHost {
                    host: r.get(0)?,
                    cluster: r.get(1)?,
                    product: r.get(2)?,
                    host_type: r.get(3)?,
                    host_key: r.get(4)?,
                    user: r.get(5)?,
                    port: r.get(6)?,
                })
            },
        )
    }

    /// The onboarded hosts with the application user that registered each.
    pub fn onboarded_hosts_with_owners(
        &self,
    ) -> Result<Vec<(OnboardedHost, Option<String>)>, StateError> {
        let owners: Vec<(String, Option<String>)> = self
            .query_all("SELECT host, owner FROM onboarded_host", |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(self
            .onboarded_hosts()?
            .into_iter()
            .map(|h| {
                let owner = owners
                    .iter()
                    .find(|(host, _)| *host == h.host)
                    .and_then(|(_, o)| o.clone());
                (h, owner)
            })
            .collect())
    }

    /// Record (or refresh) an onboarded VOS host on behalf of the application user `owner`.
    /// The check and the write are one transaction: a cluster, or a host, that another
    /// application user registered is refused with `Ok(Err(why))`.
    pub fn upsert_onboarded_host(
        &mut self,
        h: &OnboardedHost,
        owner: &str,
    ) -> Result<Result<(), String>, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let cluster_owner: Option<String> = tx
            .query_row(
                "SELECT owner FROM onboarded_host WHERE cluster = ?1 AND owner IS NOT NULL AND owner <> ?2 LIMIT 1",
                params![h.cluster, owner],
                |r| r.get(0),
            )
            .optional()?;
        if cluster_owner.is_some() {
            return Ok(Err(format!(
                "cluster {} was registered by another application user; only that user can change it (or an administrator on Cloud Connect: utils system inventory remove-cluster {})",
                h.cluster, h.cluster
            )));
        }
        let existing: Option<(String, String, Option<String>)> = tx
            .query_row(
                "SELECT host, cluster, owner FROM onboarded_host WHERE host = ?1",
                params![h.host],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((host, cluster, other)) = existing {
            if other.is_some_and(|o| !o.eq_ignore_ascii_case(owner)) {
                return Ok(Err(format!(
                    "host {host} is onboarded in cluster {cluster} by another application user"
                )));
            }
            if host != h.host {
                return Ok(Err(format!(
                    "host {} is already onboarded as {host} in cluster {cluster}; host names are unique without regard to case",
                    h.host
                )));
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO onboarded_host (host, cluster, product, type, host_key, user, port, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![h.host, h.cluster, h.product, h.host_type, h.host_key, h.user, h.port, owner],
        )?;
        tx.commit()?;
        Ok(Ok(()))
    }

    /// Forget a whole cluster; the number of hosts removed. With `owner`, only a cluster that
    /// user registered (`Ok(Err(why))` otherwise); without, whatever registered it (the
    /// administrator's command on Cloud Connect).
    pub fn remove_onboarded_cluster(
        &mut self,
        cluster: &str,
        owner: Option<&str>,
    ) -> Result<Result<usize, String>, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(owner) = owner {
            let other: Option<String> = tx
                .query_row(
                    "SELECT owner FROM onboarded_host WHERE cluster = ?1 AND owner IS NOT NULL AND owner <> ?2 LIMIT 1",
                    params![cluster, owner],
                    |r| r.get(0),
                )
                .optional()?;
            if other.is_some() {
                return Ok(Err(format!(
                    "cluster {cluster} was registered by another application user; only that user can remove it (or an administrator on Cloud Connect: utils system inventory remove-cluster {cluster})"
                )));
            }
        }
        let n = tx.execute(
            "DELETE FROM onboarded_host WHERE cluster = ?1",
            params![cluster],
        )?;
        tx.commit()?;
        Ok(Ok(n))
    }

    // ---- Cloud Connect cluster ----

    pub fn cc_subscriber(&self) -> Result<Option<String>, StateError> {
        Ok(self
            .conn
            .query_row("SELECT host FROM cc_subscriber WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    // ---- image repository ----

    pub fn image_repository(&self) -> Result<Option<ImageRepository>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT url, repository, auth_type, software, ca_file, proxy, credential_store, credential_ref, last_validated, allow_http
                 FROM image_repository WHERE id = 1",
                [],
                |r| {
                    Ok(ImageRepository {
                        url: r.get(0)?,
                        repository: r.get(1)?,
                        auth_type: r.get(2)?,
                        software: r.get(3)?,
                        ca_file: r.get(4)?,
                        proxy: r.get(5)?,
                        credential_store: r.get(6)?,
                        credential_ref: r.get(7)?,
                        last_validated: r.get(8)?,
                        allow_http: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// Replace the setting in one statement (the row is the whole setting).
    pub fn set_image_repository(&mut self, s: &ImageRepository) -> Result<(), StateError> {
        write_image_repository(&self.conn, s)
    }

    // ---- small settings (never a secret) ----

    pub fn setting(&self, key: &str) -> Result<Option<String>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM setting WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn delete_setting(&mut self, key: &str) -> Result<(), StateError> {
        self.conn
            .execute("DELETE FROM setting WHERE key = ?1", params![key])?;
        Ok(())
    }

    // ---- where secrets are kept ----

    pub fn secret_locations(&self) -> Result<Vec<(String, StoreKind)>, StateError> {
        self.query_all(
            "SELECT name, store FROM secret_location ORDER BY name",
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    pub fn secret_location(&self, name: &str) -> Result<Option<StoreKind>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT store FROM secret_location WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Record where `name` is; the image-repository setting that names it follows.
    pub fn set_secret_location(&mut self, name: &str, store: StoreKind) -> Result<(), StateError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO secret_location (name, store) VALUES (?1, ?2)",
            params![name, store],
        )?;
        tx.execute(
            "UPDATE image_repository SET credential_store = ?2 WHERE credential_ref = ?1",
            params![name, store],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn remove_secret_location(&mut self, name: &str) -> Result<(), StateError> {
        self.conn
            .execute("DELETE FROM secret_location WHERE name = ?1", params![name])?;
        Ok(())
    }

    /// The database's clock, as stored timestamps use it.
    pub fn now(&self) -> Result<String, StateError> {
        Ok(self
            .conn
            .query_row("SELECT strftime('%Y-%m-%d %H:%M:%S', 'now')", [], |r| {
                r.get(0)
            })?)
    }

    // ---- audit log ----

    /// Record a state-changing command: who ran it, the command line (which never holds a
    /// secret: secrets are not arguments), and how it ended.
    pub fn audit(
        &mut self,
        actor: &str,
        command: &str,
        result: &str,
        detail: Option<&str>,
    ) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO audit_log (actor, command, result, detail) VALUES (?1, ?2, ?3, ?4)",
            params![actor, command, result, detail],
        )?;
        Ok(())
    }
}

/// Write the image-repository row (inside whatever transaction `conn` is in).
pub(in crate::state) fn write_image_repository(
    conn: &Connection,
    s: &ImageRepository,
) -> Result<(), StateError> {
    conn.execute(
        "INSERT OR REPLACE INTO image_repository
             (id, url, repository, auth_type, software, ca_file, proxy, credential_store, credential_ref, last_validated, allow_http)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            s.url,
            s.repository,
            s.auth_type,
            s.software,
            s.ca_file,
            s.proxy,
            s.credential_store,
            s.credential_ref,
            s.last_validated,
            s.allow_http
        ],
    )?;
    Ok(())
}

/// A connection that cannot write, for `run sql`: opened read-only by SQLite itself.
pub fn open_read_only(path: &Path) -> Result<Connection, StateError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| StateError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA query_only = 1")?;
    Ok(conn)
}

/// `PRAGMA integrity_check` of a database file: `ok`, or what is wrong.
pub fn integrity_check(path: &Path) -> Result<String, StateError> {
    let conn = open_read_only(path)?;
    Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("ccadmin.db"), "cc-pub.example.com").unwrap();
        (dir, db)
    }

    #[test]
    fn fresh_database_is_a_publisher_named_after_the_host() {
        let (_d, db) = temp_db();
        let n = db.node().unwrap();
        assert_eq!(n.role, Role::Publisher);
        assert_eq!(n.hostname, "cc-pub.example.com");
        assert_eq!(n.ssh_port, 22);
    }

    #[test]
    fn reopening_keeps_state_and_does_not_rename_the_node() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ccadmin.db");
        {
            let mut db = Db::open(&p, "first").unwrap();
            assert!(db.add_app_user("ccadmin", "hash").unwrap());
        }
        let db = Db::open(&p, "second").unwrap();
        assert_eq!(db.node().unwrap().hostname, "first");
        assert_eq!(db.app_users().unwrap().len(), 1);
        let v: i64 = db
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ccadmin.db");
        Connection::open(&p)
            .unwrap()
            .execute_batch("PRAGMA user_version = 999")
            .unwrap();
        match Db::open(&p, "h") {
            Err(StateError::TooNew { found: 999, .. }) => {}
            other => panic!("expected TooNew, got {:?}", other.err()),
        }
    }

    #[test]
    fn user_names_are_unique_without_case_and_pkid_is_a_uuid() {
        let (_d, mut db) = temp_db();
        assert!(db.add_app_user("Admin1", "h").unwrap());
        assert!(!db.add_app_user("admin1", "h").unwrap());
        let users = db.app_users().unwrap();
        assert_eq!(users.len(), 1);
        let pk = &users[0].pkid;
        assert_eq!(pk.len(), 36, "{pk}");
        assert_eq!(pk.matches('-').count(), 4, "{pk}");
        assert_eq!(&pk[14..15], "4", "{pk}");
        assert!(db.set_app_user_hash("ADMIN1", "h2").unwrap());
        assert_eq!(db.app_user_hash("admin1").unwrap().as_deref(), Some("h2"));
        assert!(db.delete_app_user("admin1").unwrap());
        assert!(!db.delete_app_user("admin1").unwrap());
    }

    #[test]
    fn applicationuser_view_never_shows_the_hash() {
        let (_d, mut db) = temp_db();
        db.add_app_user("u", "$argon2id$secret-hash").unwrap();
        let stmt = db.conn.prepare("SELECT * FROM applicationuser").unwrap();
        let cols: Vec<&str> = stmt.column_names().collect();
        assert_eq!(cols, vec!["pkid", "name", "isstandard"]);
    }
}
