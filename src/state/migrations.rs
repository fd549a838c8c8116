//! The database's migrations, apart from the code that reads and writes the tables: the schema's
//! history, applied in order (`PRAGMA user_version` is the number applied). Never edit one that
//! has shipped: add the next.
//!
//! A migration is SQL and, for the tables of cluster-wide state, the triggers that log a
//! publisher's writes, generated from the kinds of replicated state
//! ([`super::replication::kind`]). The generated text is the text these migrations first
//! shipped with by hand, so a database made now and one migrated then have the same schema
//! (the unit tests compare them with a copy of the shipped text).

use super::replication::kind::{
    self, Watched, APP_USER, IMAGE_REPOSITORY, INVENTORY_VERSION, ONBOARDED_HOST, PATCH_SIGNER,
    SECRET_SLOT, SHARED_SETTING, SMTP_CONFIG, SMTP_SUBSCRIBER,
};

/// A piece of a migration.
pub(super) enum Part {
    Sql(&'static str),
    /// The triggers that log the writes to a table of cluster-wide state.
    Log(&'static Watched),
}

use Part::{Log, Sql};

/// One migration's SQL, as one batch.
pub(super) fn sql(migration: &[Part]) -> String {
    migration
        .iter()
        .map(|p| match p {
            Sql(s) => (*s).to_owned(),
            Log(w) => kind::triggers(w),
        })
        .collect()
}

/// The migrations, in order.
pub(super) const MIGRATIONS: &[&[Part]] = &[
    // 1: node identity, application users, audit log, settings, orchestration lock.
    &[Sql(r#"
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
    "#)],
    // 2: inventory versions; the newest is the current inventory, the others its history.
    &[Sql(r#"
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
    "#)],
    // 3: the image repository (Artifactory) setting; the credential itself is in the secret
    // store under `credential_ref`.
    &[Sql(r#"
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
    "#)],
    // 4: onboarding. On a VOS publisher: the cluster's other members and what onboarding did
    // to each. On Cloud Connect: the VOS hosts onboarded against it.
    &[Sql(r#"
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
    "#)],
    // 5: the Cloud Connect cluster: the subscriber that joined this publisher, and settings
    // waiting to be replicated to it.
    &[Sql(r#"
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
    "#)],
    // 6: onboarded hosts are unique without case (as host names are), and each remembers the
    // application user that registered it: only that user may change or remove its cluster.
    &[Sql(r#"
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
    "#)],
    // 7: a plain-http Artifactory URL is used only when the administrator said so.
    &[Sql(r#"
    ALTER TABLE image_repository ADD COLUMN allow_http INTEGER NOT NULL DEFAULT 0;
    "#)],
    // 8: which store holds each secret of the node (never the secret itself).
    &[Sql(r#"
    CREATE TABLE secret_location (
        name  TEXT PRIMARY KEY,
        store TEXT NOT NULL CHECK (store IN ('file', 'keyring'))
    );
    INSERT OR IGNORE INTO secret_location (name, store)
        SELECT credential_ref, credential_store FROM image_repository
        WHERE credential_store IN ('file', 'keyring');
    CREATE VIEW secretlocation AS SELECT name, store FROM secret_location;
    "#)],
    // 9: replication as one ordered change log. On a publisher, every write to cluster-wide
    // state appends to `replication_log` in the same transaction (triggers, so no write can
    // forget it and a killed process leaves both or neither); the subscriber's progress is in
    // `cc_subscriber`. On a subscriber, `replication_applied` records every change batch
    // applied, in the transaction that applied it.
    &[
        Sql(r#"
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
"#),
        Log(&APP_USER),
        Log(&INVENTORY_VERSION),
        Log(&ONBOARDED_HOST),
        Log(&IMAGE_REPOSITORY),
        Sql(
            r#"    CREATE VIEW replicationlog AS SELECT seq, kind, ref, at FROM replication_log;
    CREATE VIEW replicationapplied AS
        SELECT id, cluster, publisher, seq_from, seq_to, snapshot, kinds, applied_at FROM replication_applied;
    "#,
        ),
    ],
    // 10: e-mail notifications: the SMTP server (its password is in the secret store), the
    // subscribed addresses (both cluster-wide, so replicated), and this node's outbox of mails
    // waiting to be delivered.
    &[
        Sql(r#"
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
"#),
        Log(&SMTP_CONFIG),
        Log(&SMTP_SUBSCRIBER),
        Sql(
            r#"    CREATE VIEW smtpconfig AS SELECT host, port, security, from_email, use_auth, user FROM smtp_config;
    CREATE VIEW smtpsubscriber AS SELECT email FROM smtp_subscriber;
    CREATE VIEW mailoutbox AS SELECT id, queued_at, subject, attempts, last_error, next_attempt_at FROM mail_outbox;
    "#,
        ),
    ],
    // 11: the publishers whose signatures on patches and releases this cluster trusts
    // (minisign public keys), cluster-wide.
    &[
        Sql(r#"
    CREATE TABLE patch_signer (
        name       TEXT PRIMARY KEY COLLATE NOCASE,
        public_key TEXT NOT NULL UNIQUE,
        added_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
"#),
        Log(&PATCH_SIGNER),
        Sql(
            r#"    CREATE VIEW patchsigner AS SELECT name, public_key, added_at FROM patch_signer;
    "#,
        ),
    ],
    // 12: settings whose key starts with `shared.` are the cluster's (e.g. the compatibility
    // check): logged for replication like the tables above. Other settings stay node-local.
    &[Log(&SHARED_SETTING)],
    // 13: orchestration runs (patch installs), and each node's step, written as it ends.
    &[Sql(r#"
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
    "#)],
    // 14: a VOS node's installed software (its versions are the settings software.active and
    // software.inactive), and each orchestration step's versions before and after.
    &[Sql(r#"
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
    "#)],
    // 15: runs belong to the Cloud Connect cluster (issue 23): each run has an id both nodes
    // know it by and the node that runs it; the other node's runs are kept as it reports them;
    // `cluster_claim` says which node holds the cluster's one orchestration run.
    &[Sql(r#"
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
    "#)],
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
    &[
        Sql(r#"
    CREATE TABLE secret_slot (
        slot TEXT PRIMARY KEY,
        name TEXT
    );
    INSERT INTO secret_slot (slot, name)
        SELECT name, name FROM secret_location WHERE name IN ('smtp-password', 'hub-token');
"#),
        Log(&SECRET_SLOT),
        Sql(r#"    ALTER TABLE replication_log ADD COLUMN mark TEXT;
    UPDATE replication_log SET mark = lower(hex(randomblob(8)));
    CREATE TRIGGER replication_log_mark AFTER INSERT ON replication_log
        WHEN NEW.mark IS NULL
        BEGIN UPDATE replication_log SET mark = lower(hex(randomblob(8))) WHERE seq = NEW.seq; END;
    ALTER TABLE replication_applied ADD COLUMN epoch TEXT;
    ALTER TABLE replication_applied ADD COLUMN mark TEXT;
    ALTER TABLE cc_subscriber ADD COLUMN retry_at TEXT;
    CREATE VIEW secretslot AS SELECT slot, name FROM secret_slot;
    "#),
    ],
];

#[cfg(test)]
mod tests;
