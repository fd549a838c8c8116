//! The node's SQLite database: opening (WAL, busy timeout), migrating (the migrations
//! themselves are in `state::migrations`), and the typed reads and writes of every table. SQL
//! stays in the state module; commands call functions. The onboarding tables' are in
//! `onboarding`.
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

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = super::migrations::MIGRATIONS.len() as i64;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Db {
    pub(in crate::state) conn: Connection,
    path: PathBuf,
}

/// The node's identity (rule R6 in docs/rules.md#r6).
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

/// The image repository setting (rule R7 in docs/rules.md#r7). The credential is not here:
/// `credential_ref` names it in the secret store `credential_store`.
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

mod onboarding;
pub use onboarding::Conflict;

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
        for (i, m) in super::migrations::MIGRATIONS
            .iter()
            .enumerate()
            .skip(version as usize)
        {
            tx.execute_batch(&super::migrations::sql(m))?;
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
