//! The hub database's schema, one step per release that changed it: `Hub::open` applies the
//! steps the file has not seen yet (its `user_version` counts them), each in a transaction.

pub(super) const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE registration (
        code_sha256  TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        fqdn         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        used_at      TEXT
    );
    CREATE TABLE cluster (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        display_name     TEXT NOT NULL UNIQUE COLLATE NOCASE,
        fqdn             TEXT NOT NULL,
        token_sha256     TEXT NOT NULL,
        node_cert_sha256 TEXT NOT NULL,
        registered_at    TEXT NOT NULL,
        schedule         TEXT NOT NULL,
        last_poll        TEXT
    );
    CREATE TABLE schedule_change (
        cluster_id INTEGER NOT NULL,
        at         TEXT NOT NULL,
        actor      TEXT NOT NULL,
        old        TEXT NOT NULL,
        new        TEXT NOT NULL
    );
    CREATE TABLE release (
        version   TEXT PRIMARY KEY,
        notes     TEXT NOT NULL,
        urgent    INTEGER NOT NULL,
        sha256    TEXT NOT NULL,
        size      INTEGER NOT NULL,
        signature TEXT NOT NULL,
        added_at  TEXT NOT NULL
    );
"#,
    r#"
    CREATE TABLE cluster_node (
        cluster_id INTEGER NOT NULL,
        node       TEXT NOT NULL,
        version    TEXT NOT NULL,
        last_poll  TEXT NOT NULL,
        PRIMARY KEY (cluster_id, node)
    );
    CREATE TABLE rollout (
        cluster_id INTEGER NOT NULL,
        version    TEXT NOT NULL,
        node       TEXT NOT NULL,
        state      TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        detail     TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (cluster_id, version, node)
    );
"#,
    r#"
    CREATE TABLE account (
        name       TEXT PRIMARY KEY COLLATE NOCASE,
        hash       TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE session (
        id_sha256  TEXT PRIMARY KEY,
        account    TEXT NOT NULL,
        csrf       TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
"#,
    // A withdrawn release is never offered again (issue 24, finding 6).
    r#"
    ALTER TABLE release ADD COLUMN withdrawn_at TEXT;
    ALTER TABLE release ADD COLUMN withdrawn_by TEXT;
"#,
];
