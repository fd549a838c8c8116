//! The generated migrations against the ones that shipped by hand: the same schema, and the
//! same change log for the same writes.

use rusqlite::Connection;

use super::{sql, MIGRATIONS};

/// The migrations as they shipped by hand, up to schema version 16.
const SHIPPED: &str = include_str!("shipped_v16.sql");

fn shipped() -> Vec<&'static str> {
    SHIPPED.split("-- migration ").skip(1).collect()
}

fn migrated(migrations: &[String]) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    for (i, m) in migrations.iter().enumerate() {
        conn.execute_batch(m)
            .unwrap_or_else(|e| panic!("migration {}: {e}", i + 1));
    }
    conn
}

/// Every object of the schema: (type, name, table, SQL text as SQLite keeps it).
fn schema(conn: &Connection) -> Vec<(String, String, String, Option<String>)> {
    let mut st = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn generated(upto: usize) -> Vec<String> {
    MIGRATIONS[..upto].iter().map(|m| sql(m)).collect()
}

#[test]
fn the_generated_migrations_make_the_schema_the_shipped_ones_made() {
    let shipped: Vec<String> = shipped()
        .into_iter()
        .map(|m| m.split_once('\n').unwrap().1.to_owned())
        .collect();
    assert_eq!(shipped.len(), 16);
    let old = schema(&migrated(&shipped));
    let new = schema(&migrated(&generated(16)));
    let triggers = |s: &[(String, String, String, Option<String>)]| {
        s.iter()
            .filter(|o| o.0 == "trigger")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(triggers(&new).len(), 27, "26 that log, and the mark's");
    // Names and text, trigger by trigger (the clearer failure), then everything.
    for (o, n) in triggers(&old).iter().zip(triggers(&new).iter()) {
        assert_eq!(o, n);
    }
    assert_eq!(old, new);
}

/// The same writes on a publisher log the same kinds, whichever text made the triggers.
#[test]
fn the_generated_triggers_log_what_the_shipped_ones_logged() {
    let shipped: Vec<String> = shipped()
        .into_iter()
        .map(|m| m.split_once('\n').unwrap().1.to_owned())
        .collect();
    let log = |conn: Connection| {
        conn.execute_batch(
            "INSERT INTO node (id, role, hostname) VALUES (1, 'publisher', 'cc1');
             INSERT INTO app_user (pkid, name, password_hash) VALUES ('p1', 'a', 'h');
             UPDATE app_user SET password_hash = 'h2';
             DELETE FROM app_user;
             INSERT INTO inventory_version (actor, source, hosts, deployment_type, model)
                 VALUES ('a', 's', 0, 'x', '{}');
             UPDATE inventory_version SET actor = 'b';
             DELETE FROM inventory_version;
             INSERT INTO onboarded_host (host, cluster, product, type, host_key, user, port)
                 VALUES ('h', 'c', 'p', 't', 'k', 'u', 22);
             UPDATE onboarded_host SET port = 23;
             DELETE FROM onboarded_host;
             INSERT INTO image_repository (id, url, repository, auth_type, software,
                 credential_store, credential_ref, last_validated)
                 VALUES (1, 'u', 'r', 'a', 's', 'file', 'c', 'now');
             UPDATE image_repository SET url = 'v';
             DELETE FROM image_repository;
             INSERT INTO smtp_config (id, host) VALUES (1, 'm');
             UPDATE smtp_config SET host = 'n';
             DELETE FROM smtp_config;
             INSERT INTO smtp_subscriber (email) VALUES ('a@b');
             DELETE FROM smtp_subscriber;
             INSERT INTO patch_signer (name, public_key) VALUES ('s', 'k');
             UPDATE patch_signer SET public_key = 'l';
             DELETE FROM patch_signer;
             INSERT INTO setting (key, value) VALUES ('shared.x', '1'), ('local.x', '1');
             UPDATE setting SET value = '2';
             DELETE FROM setting;
             INSERT INTO secret_slot (slot, name) VALUES ('smtp-password', 'a'), ('hub-token', 'b');
             UPDATE secret_slot SET name = name;
             UPDATE secret_slot SET name = name || '.2';
             DELETE FROM secret_slot;
             UPDATE node SET role = 'subscriber';
             INSERT INTO app_user (pkid, name, password_hash) VALUES ('p2', 'b', 'h');",
        )
        .unwrap();
        let mut st = conn
            .prepare("SELECT seq, kind, ref IS NOT NULL, mark IS NOT NULL FROM replication_log ORDER BY seq")
            .unwrap();
        let rows: Vec<(i64, String, bool, bool)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows
    };
    let old = log(migrated(&shipped));
    let new = log(migrated(&generated(16)));
    assert_eq!(old, new);
    let kinds: Vec<&str> = new.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "application-users",
            "application-users",
            "application-users",
            "inventory",
            "inventory",
            "inventory",
            "onboarded",
            "onboarded",
            "onboarded",
            "image-repository",
            "image-repository",
            "image-repository",
            "smtp",
            "smtp",
            "smtp",
            "smtp",
            "smtp",
            "signers",
            "signers",
            "signers",
            // One shared setting of two, written three times.
            "settings",
            "settings",
            "settings",
            // Two slots added, one update that changes nothing, two that do, two removed.
            "smtp",
            "settings",
            "smtp",
            "settings",
            "smtp",
            "settings",
        ]
    );
    assert!(new[3].2, "an added inventory version names itself");
    assert!(new.iter().all(|r| r.3), "every entry has its mark");
}
