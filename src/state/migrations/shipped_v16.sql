-- The migrations as they shipped, by hand, up to schema version 16 (a copy, for the test that
-- the generated ones make the same database). Never edit.
-- migration 1

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
    -- migration 2

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
    -- migration 3

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
    -- migration 4

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
    -- migration 5

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
    -- migration 6

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
    -- migration 7

    ALTER TABLE image_repository ADD COLUMN allow_http INTEGER NOT NULL DEFAULT 0;
    -- migration 8

    CREATE TABLE secret_location (
        name  TEXT PRIMARY KEY,
        store TEXT NOT NULL CHECK (store IN ('file', 'keyring'))
    );
    INSERT OR IGNORE INTO secret_location (name, store)
        SELECT credential_ref, credential_store FROM image_repository
        WHERE credential_store IN ('file', 'keyring');
    CREATE VIEW secretlocation AS SELECT name, store FROM secret_location;
    -- migration 9

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
    -- migration 10

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
    -- migration 11

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
    -- migration 12

    CREATE TRIGGER repl_shared_setting_ins AFTER INSERT ON setting
        WHEN NEW.key LIKE 'shared.%' AND (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('settings'); END;
    CREATE TRIGGER repl_shared_setting_upd AFTER UPDATE ON setting
        WHEN NEW.key LIKE 'shared.%' AND (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('settings'); END;
    CREATE TRIGGER repl_shared_setting_del AFTER DELETE ON setting
        WHEN OLD.key LIKE 'shared.%' AND (SELECT role FROM node WHERE id = 1) = 'publisher'
        BEGIN INSERT INTO replication_log (kind) VALUES ('settings'); END;
    -- migration 13

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
    -- migration 14

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
    -- migration 15

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
    -- migration 16

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
    