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
    // The fleet at scale (issue 28): the poll interval a node states (NULL: the hub's
    // default), the versions the nodes run (the version filter and its suggestions), and no
    // nodes or rollout rows of clusters unregistered before unregistering removed them.
    r#"
    ALTER TABLE cluster_node ADD COLUMN poll_interval INTEGER;
    CREATE INDEX cluster_node_version ON cluster_node (version);
    DELETE FROM cluster_node WHERE cluster_id NOT IN (SELECT id FROM cluster);
    DELETE FROM rollout WHERE cluster_id NOT IN (SELECT id FROM cluster);
"#,
    // 6. Rollout history (issue 28): every upgrade attempt of a node — offered at a poll,
    // ended by the node's report — written in the transaction that changes the rollout's
    // state. At most one attempt of a node and release is open (`ended_at` NULL), so an offer
    // repeated while it runs starts none. The rollout's current rows are carried over (when an
    // attempt that had ended began is unknown: it is given the time it ended). An
    // unregistered cluster's attempts go with it.
    r#"
    CREATE TABLE rollout_attempt (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        cluster_id   INTEGER NOT NULL,
        node         TEXT NOT NULL,
        version      TEXT NOT NULL,
        from_version TEXT,
        started_at   TEXT NOT NULL,
        ended_at     TEXT,
        result       TEXT CHECK (result IN ('upgraded', 'failed', 'switched-back', 'cancelled')),
        why          TEXT NOT NULL DEFAULT '',
        CHECK ((ended_at IS NULL) = (result IS NULL))
    );
    CREATE INDEX rollout_attempt_cluster ON rollout_attempt (cluster_id, id);
    CREATE UNIQUE INDEX rollout_attempt_open ON rollout_attempt (cluster_id, node, version)
        WHERE ended_at IS NULL;
    INSERT INTO rollout_attempt (cluster_id, node, version, from_version, started_at, ended_at, result, why)
        SELECT r.cluster_id, r.node, r.version,
               CASE WHEN r.state = 'upgrading' THEN n.version END,
               r.updated_at,
               CASE WHEN r.state <> 'upgrading' THEN r.updated_at END,
               CASE r.state WHEN 'upgraded' THEN 'upgraded' WHEN 'failed' THEN 'failed' END,
               r.detail
        FROM rollout r
        LEFT JOIN cluster_node n ON n.cluster_id = r.cluster_id AND n.node = r.node
        WHERE r.state IN ('upgrading', 'upgraded', 'failed')
        ORDER BY r.updated_at;
    CREATE TRIGGER rollout_attempt_unregistered AFTER DELETE ON cluster BEGIN
        DELETE FROM rollout_attempt WHERE cluster_id = OLD.id;
    END;
"#,
    // 7. Alerts (issue 28): what the hub tells its administrators — a rollout that stopped,
    // a node offline longer than the threshold, the daily digest — each raised once (its
    // `episode`), shown on `/alerts` and mailed through the hub's own outbox (the nodes'
    // `mail_outbox`, retried with back-off). The SMTP setting and the thresholds are in
    // `meta`; the SMTP password is in the hub directory's owner-only `secrets` file.
    r#"
    CREATE TABLE alert (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL CHECK (kind IN ('rollout-stopped', 'node-offline', 'digest')),
        episode     TEXT NOT NULL UNIQUE,
        cluster_id  INTEGER,
        cluster     TEXT,
        node        TEXT,
        since       TEXT NOT NULL,
        raised_at   TEXT NOT NULL,
        text        TEXT NOT NULL,
        cleared_at  TEXT,
        mail_state  TEXT NOT NULL CHECK (mail_state IN ('queued', 'sent', 'not-sent')),
        mail_id     INTEGER,
        mailed_at   TEXT,
        mail_note   TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX alert_open ON alert (kind, cleared_at);
    CREATE INDEX alert_mail ON alert (mail_id);
    CREATE TABLE alert_subscriber (email TEXT PRIMARY KEY COLLATE NOCASE);
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
"#,
    // 8. A poll finds its cluster by its token's SHA-256: indexed (it was a scan of every
    // cluster under the hub's one lock: 0.8 ms a poll at 10,000 clusters, and the poll rate
    // at 60 s intervals fell behind; bench/hub_capacity.py, issue 28).
    r#"
    CREATE INDEX cluster_token ON cluster (token_sha256);
"#,
];
