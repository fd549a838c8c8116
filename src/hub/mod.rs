//! `ccadmin hub` (issue 14): the self-hosted counterpart of Webex Control Hub's Cloud Connect
//! pages. This part is the hub's state and its operations: registering a Cloud Connect cluster
//! with a one-time code, the clusters and their automatic upgrade schedules (recorded changes,
//! postpone), and the ccadmin releases the hub offers (a withdrawn one never again). The clock
//! is always passed in.
//!
//! Registration: the hub issues a code bound to this hub, a display name and the publisher's
//! FQDN, valid 15 minutes and usable once; the publisher completes it with the code, its FQDN
//! and the SHA-256 of its service certificate (which the hub pins) and receives the hub's id and
//! a token for its polls (only its SHA-256 is kept). An expired, replayed, unknown or
//! wrongly-bound code registers nothing.

pub mod cli;
mod metrics;
pub mod server;
mod service;
mod web;

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The hub API's wire types live with its client, below both the hub and the node service.
pub use crate::clients::hub::{Offer, Registered};
use crate::ops::signing::{hex, sha256_hex};
use crate::ops::upgrade_window::{Frequency, UpgradeSchedule, Window};
use crate::ops::{Kind, OpError, OpResult};

/// How long a registration code is valid.
pub const CODE_VALIDITY: SignedDuration = SignedDuration::from_mins(15);

const MIGRATIONS: &[&str] = &[
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

/// The nodes a cluster has: a publisher and a subscriber. A poll naming a third is refused.
pub const MAX_NODES: usize = 2;

/// How long a signed-in session lasts.
pub const SESSION_VALIDITY: SignedDuration = SignedDuration::from_hours(8);

/// Where the hub's time comes from: the system clock, a fixed instant, or (for tests and
/// rehearsals that move time on) an instant read from a file at every use.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(Timestamp),
    File(PathBuf),
}

impl Clock {
    /// `TIME` (RFC 3339) or `@FILE` (a file holding one).
    pub fn parse(s: &str) -> Result<Clock, String> {
        match s.strip_prefix('@') {
            Some(f) => Ok(Clock::File(PathBuf::from(f))),
            None => s.parse().map(Clock::Fixed).map_err(|e| format!("{e}")),
        }
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t,
            Clock::File(f) => crate::state::read_bounded(f, 100)
                .ok()
                .and_then(|b| String::from_utf8_lossy(&b).trim().parse().ok())
                .unwrap_or_else(Timestamp::now),
        }
    }
}

/// A signed-in person: the account and the token their forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: String,
    pub csrf: String,
}

/// The hub's state directory and database.
pub struct Hub {
    dir: PathBuf,
    conn: Connection,
}

fn storage(e: impl std::fmt::Display) -> OpError {
    OpError::new(Kind::Storage, format!("the hub's database: {e}"))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    hex(&b)
}

/// A text from a person or a peer: 1 to `max` characters, none of them control characters.
fn text(what: &str, s: &str, max: usize) -> OpResult {
    if s.trim().is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(OpError::new(
            Kind::Invalid,
            format!("the {what} must be 1 to {max} characters without control characters"),
        ));
    }
    Ok(())
}

/// The registered cluster whose display name equals `name` in any case (Unicode, not only
/// ASCII as SQLite's NOCASE): two clusters never differ only in case.
fn name_taken(conn: &Connection, name: &str) -> OpResult<Option<String>> {
    let key = name.trim().to_lowercase();
    let mut st = conn
        .prepare("SELECT display_name FROM cluster")
        .map_err(storage)?;
    let names = st
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(storage)?;
    for n in names {
        let n = n.map_err(storage)?;
        if n.trim().to_lowercase() == key {
            return Ok(Some(n));
        }
    }
    Ok(None)
}

/// A cluster as the pages and the CLI show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterView {
    pub display_name: String,
    pub fqdn: String,
    pub registered_at: String,
    pub last_poll: Option<String>,
    pub schedule: UpgradeSchedule,
    /// The next regular window (the open one while it is open), postponement applied.
    pub next_upgrade: Window,
    pub next_urgent: Window,
}

/// A published ccadmin release.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub version: String,
    pub notes: String,
    pub urgent: bool,
    pub sha256: String,
    pub size: u64,
    pub added_at: String,
    /// When it was withdrawn and by whom (never offered again), if it was.
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
}

impl Hub {
    /// Open (or create) the hub's state in `dir`.
    pub fn open(dir: &Path) -> OpResult<Hub> {
        crate::state::ensure_private_dir(dir).map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let mut conn = Connection::open(dir.join("hub.db")).map_err(storage)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(storage)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(storage)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(storage)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(OpError::new(
                Kind::Storage,
                format!(
                    "{} was written by a newer ccadmin (schema {version})",
                    dir.join("hub.db").display()
                ),
            ));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction().map_err(storage)?;
            tx.execute_batch(sql).map_err(storage)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(storage)?;
            tx.commit().map_err(storage)?;
        }
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('hub_id', ?1)",
            params![random_hex(16)],
        )
        .map_err(storage)?;
        Ok(Hub {
            dir: dir.to_path_buf(),
            conn,
        })
    }

    /// This hub's identity, which a registration code is bound to.
    pub fn id(&self) -> OpResult<String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'hub_id'", [], |r| {
                r.get(0)
            })
            .map_err(storage)
    }

    /// *Add Cloud Connect*: a one-time code for `display_name` and the publisher `fqdn`,
    /// valid for 15 minutes from `now`. Only its SHA-256 is stored.
    pub fn begin_registration(
        &mut self,
        display_name: &str,
        fqdn: &str,
        now: Timestamp,
    ) -> OpResult<(String, Timestamp)> {
        text("display name", display_name, 64)?;
        let ep = crate::clients::ssh::Endpoint::parse(fqdn, 8445).map_err(|e| {
            OpError::new(
                Kind::Invalid,
                format!("'{}' is not an FQDN: {e}", fqdn.escape_debug()),
            )
        })?;
        if let Some(taken) = name_taken(&self.conn, display_name)? {
            return Err(OpError::new(
                Kind::Invalid,
                format!("a cluster named {taken} is registered already"),
            )
            .hint("choose another display name (names differing only in case are the same), or unregister that cluster first"));
        }
        let code = random_hex(16);
        let expires = now + CODE_VALIDITY;
        self.conn
            .execute(
                "INSERT INTO registration (code_sha256, display_name, fqdn, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sha256_hex(code.as_bytes()), display_name, ep.to_string(), now.to_string(), expires.to_string()],
            )
            .map_err(storage)?;
        Ok((code, expires))
    }

    /// The publisher's side of the handshake: `code` as issued for this hub and `fqdn`, used
    /// once, before it expires. Registers the cluster with the default schedule and pins the
    /// publisher's certificate.
    pub fn complete_registration(
        &mut self,
        hub_id: &str,
        code: &str,
        fqdn: &str,
        node_cert_sha256: &str,
        now: Timestamp,
    ) -> OpResult<Registered> {
        let refused = |m: String| OpError::new(Kind::Refused, m);
        if hub_id != self.id()? {
            return Err(refused("the code was issued by another hub".into()));
        }
        if node_cert_sha256.len() != 64 || !node_cert_sha256.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(OpError::new(
                Kind::Invalid,
                "the certificate fingerprint is not a SHA-256",
            ));
        }
        let tx = self.conn.transaction().map_err(storage)?;
        let row: Option<(String, String, String, Option<String>)> = tx
            .query_row(
                "SELECT display_name, fqdn, expires_at, used_at FROM registration WHERE code_sha256 = ?1",
                params![sha256_hex(code.as_bytes())],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(storage)?;
        let Some((display_name, bound_fqdn, expires_at, used_at)) = row else {
            return Err(refused(
                "the registration code is not one this hub issued".into(),
            ));
        };
        if used_at.is_some() {
            return Err(refused("the registration code was used already".into()));
        }
        let expires: Timestamp = expires_at.parse().map_err(storage)?;
        if now >= expires {
            return Err(refused(format!(
                "the registration code expired at {expires} (codes are valid 15 minutes)"
            ))
            .hint("start again with Add Cloud Connect"));
        }
        let given = crate::clients::ssh::Endpoint::parse(fqdn, 8445)
            .map(|e| e.to_string())
            .unwrap_or_default();
        if !given.eq_ignore_ascii_case(&bound_fqdn) {
            return Err(refused(format!(
                "the registration code was issued for {bound_fqdn}, not {}",
                fqdn.escape_debug()
            )));
        }
        if let Some(taken) = name_taken(&tx, &display_name)? {
            return Err(refused(format!(
                "a cluster named {taken} was registered meanwhile"
            )));
        }
        let token = random_hex(32);
        let schedule =
            serde_json::to_string(&UpgradeSchedule::default_in("UTC")).map_err(storage)?;
        tx.execute(
            "UPDATE registration SET used_at = ?2 WHERE code_sha256 = ?1",
            params![sha256_hex(code.as_bytes()), now.to_string()],
        )
        .map_err(storage)?;
        tx.execute(
            "INSERT INTO cluster (display_name, fqdn, token_sha256, node_cert_sha256, registered_at, schedule)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![display_name, bound_fqdn, sha256_hex(token.as_bytes()), node_cert_sha256.to_ascii_lowercase(), now.to_string(), schedule],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                refused(format!("a cluster named {display_name} was registered meanwhile"))
            }
            e => storage(e),
        })?;
        tx.commit().map_err(storage)?;
        Ok(Registered {
            hub_id: hub_id.to_owned(),
            display_name,
            token,
        })
    }

    /// A registration code as the publisher's consent link: `hub_url` (this hub's address as
    /// the publisher must reach it), this hub's id, the code, the display name and the
    /// publisher's FQDN. The code, the link and when the code expires.
    pub fn register_url(
        &mut self,
        display_name: &str,
        fqdn: &str,
        hub_url: &str,
        now: Timestamp,
    ) -> OpResult<(String, String, Timestamp)> {
        let (code, expires) = self.begin_registration(display_name, fqdn, now)?;
        let ep = crate::clients::ssh::Endpoint::parse(fqdn, 8445)
            .map_err(|e| OpError::new(Kind::Invalid, e.to_string()))?;
        let q = serde_urlencoded::to_string([
            ("hub", hub_url),
            ("hub_id", &self.id()?),
            ("code", &code),
            ("name", display_name),
            ("fqdn", &ep.to_string()),
        ])
        .map_err(|e| OpError::new(Kind::Failed, e.to_string()))?;
        let url = format!("https://{ep}/cloudconnect/register?{q}");
        Ok((code, url, expires))
    }

    /// The address `hub serve` last announced (`https://HOST:PORT`), for consent links made
    /// at the console.
    pub fn address(&self) -> OpResult<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'address'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(storage)
    }

    pub fn set_address(&mut self, url: &str) -> OpResult {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('address', ?1)",
                params![url],
            )
            .map_err(storage)?;
        Ok(())
    }

    fn find(&self, name: &str) -> OpResult<Option<(i64, ClusterRow)>> {
        self.conn
            .query_row(
                "SELECT id, display_name, fqdn, registered_at, last_poll, schedule FROM cluster WHERE display_name = ?1",
                params![name],
                |r| {
                    Ok((
                        r.get(0)?,
                        ClusterRow {
                            display_name: r.get(1)?,
                            fqdn: r.get(2)?,
                            registered_at: r.get(3)?,
                            last_poll: r.get(4)?,
                            schedule: r.get(5)?,
                        },
                    ))
                },
            )
            .optional()
            .map_err(storage)
    }

    fn get(&self, name: &str) -> OpResult<(i64, ClusterRow)> {
        self.find(name)?.ok_or_else(|| {
            OpError::new(Kind::NotFound, format!("no cluster is named {name}"))
                .hint("see them with: ccadmin hub cluster list")
        })
    }

    /// The clusters whose display name contains `search` (any case), by name.
    pub fn clusters(&self, search: Option<&str>, now: Timestamp) -> OpResult<Vec<ClusterView>> {
        let mut st = self
            .conn
            .prepare("SELECT display_name FROM cluster ORDER BY display_name COLLATE NOCASE")
            .map_err(storage)?;
        let names: Vec<String> = st
            .query_map([], |r| r.get(0))
            .map_err(storage)?
            .collect::<Result<_, _>>()
            .map_err(storage)?;
        let wanted = search.map(str::to_lowercase).unwrap_or_default();
        names
            .iter()
            .filter(|n| n.to_lowercase().contains(&wanted))
            .map(|n| self.cluster(n, now))
            .collect()
    }

    pub fn cluster(&self, name: &str, now: Timestamp) -> OpResult<ClusterView> {
        let (_, row) = self.get(name)?;
        let schedule: UpgradeSchedule = serde_json::from_str(&row.schedule).map_err(storage)?;
        Ok(ClusterView {
            next_upgrade: schedule.window(now, false)?,
            next_urgent: schedule.window(now, true)?,
            display_name: row.display_name,
            fqdn: row.fqdn,
            registered_at: row.registered_at,
            last_poll: row.last_poll,
            schedule,
        })
    }

    fn save_schedule(
        &mut self,
        id: i64,
        old: &UpgradeSchedule,
        new: &UpgradeSchedule,
        actor: &str,
        now: Timestamp,
    ) -> OpResult {
        let (o, n) = (
            serde_json::to_string(old).map_err(storage)?,
            serde_json::to_string(new).map_err(storage)?,
        );
        let tx = self.conn.transaction().map_err(storage)?;
        tx.execute(
            "UPDATE cluster SET schedule = ?2 WHERE id = ?1",
            params![id, n],
        )
        .map_err(storage)?;
        tx.execute(
            "INSERT INTO schedule_change (cluster_id, at, actor, old, new) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, now.to_string(), actor, o, n],
        )
        .map_err(storage)?;
        tx.commit().map_err(storage)
    }

    /// Replace a cluster's schedule (a postponement does not carry over); recorded with the
    /// old and new values.
    pub fn set_schedule(
        &mut self,
        name: &str,
        new: UpgradeSchedule,
        actor: &str,
        now: Timestamp,
    ) -> OpResult<ClusterView> {
        let (id, row) = self.get(name)?;
        let old: UpgradeSchedule = serde_json::from_str(&row.schedule).map_err(storage)?;
        let mut s = old.clone();
        s.replace(new)?;
        self.save_schedule(id, &old, &s, actor, now)?;
        self.cluster(name, now)
    }

    /// Skip the cluster's next regular window, once.
    pub fn postpone(&mut self, name: &str, actor: &str, now: Timestamp) -> OpResult<ClusterView> {
        let (id, row) = self.get(name)?;
        let old: UpgradeSchedule = serde_json::from_str(&row.schedule).map_err(storage)?;
        let mut s = old.clone();
        s.postpone(now)?;
        self.save_schedule(id, &old, &s, actor, now)?;
        self.cluster(name, now)
    }

    /// Every recorded change of a cluster's schedule: (when, who, old, new), oldest first.
    pub fn schedule_changes(&self, name: &str) -> OpResult<Vec<(String, String, String, String)>> {
        let (id, _) = self.get(name)?;
        let mut st = self
            .conn
            .prepare("SELECT at, actor, old, new FROM schedule_change WHERE cluster_id = ?1 ORDER BY rowid")
            .map_err(storage)?;
        let rows = st
            .query_map(params![id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)
    }

    /// Forget a cluster: its token stops working at once.
    pub fn unregister(&mut self, name: &str) -> OpResult {
        let (id, _) = self.get(name)?;
        let tx = self.conn.transaction().map_err(storage)?;
        tx.execute(
            "DELETE FROM schedule_change WHERE cluster_id = ?1",
            params![id],
        )
        .map_err(storage)?;
        tx.execute("DELETE FROM cluster WHERE id = ?1", params![id])
            .map_err(storage)?;
        tx.commit().map_err(storage)
    }

    /// Publish a release: the archive is copied into the hub's `releases/`, its SHA-256 and the
    /// publisher's minisign signature of it kept for the nodes to verify.
    pub fn add_release(
        &mut self,
        archive: &Path,
        version: &str,
        notes: &str,
        urgent: bool,
        signature: &str,
        now: Timestamp,
    ) -> OpResult<Release> {
        if !crate::ops::release::is_version(version) {
            return Err(OpError::new(
                Kind::Invalid,
                format!(
                    "version '{}' may hold only letters, digits and . - + _ (1 to 64, not starting with .)",
                    version.escape_debug()
                ),
            ));
        }
        if notes.chars().count() > 10_000 || notes.chars().any(|c| c.is_control() && c != '\n') {
            return Err(OpError::new(
                Kind::Invalid,
                "the notes must be at most 10,000 characters without control characters",
            ));
        }
        if minisign_verify::Signature::decode(signature).is_err() {
            return Err(
                OpError::new(Kind::Invalid, "the signature is not a minisign signature")
                    .hint("sign the archive with: minisign -S -m ARCHIVE"),
            );
        }
        let data = std::fs::read(archive).map_err(|e| {
            OpError::new(
                Kind::NotFound,
                format!("cannot read {}: {e}", archive.display()),
            )
        })?;
        let dir = self.dir.join("releases");
        crate::state::ensure_private_dir(&dir).map_err(storage)?;
        let stored = dir.join(format!("ccadmin-{version}.tar.gz"));
        let r = Release {
            version: version.to_owned(),
            notes: notes.to_owned(),
            urgent,
            sha256: sha256_hex(&data),
            size: data.len() as u64,
            added_at: now.to_string(),
            withdrawn_at: None,
            withdrawn_by: None,
        };
        let inserted = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO release (version, notes, urgent, sha256, size, signature, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.version, r.notes, r.urgent, r.sha256, r.size as i64, signature, r.added_at],
            )
            .map_err(storage)?;
        if inserted == 0 {
            return Err(OpError::new(
                Kind::Invalid,
                format!("release {version} is published already"),
            ));
        }
        crate::state::write_private_file(&stored, &data).map_err(storage)?;
        Ok(r)
    }

    /// The releases, newest first.
    pub fn releases(&self) -> OpResult<Vec<Release>> {
        let mut st = self
            .conn
            .prepare("SELECT version, notes, urgent, sha256, size, added_at, withdrawn_at, withdrawn_by FROM release ORDER BY added_at DESC, version DESC")
            .map_err(storage)?;
        let rows = st.query_map([], release_row).map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)
    }

    /// Withdraw a release: it is never offered again (nor downloaded), and who withdrew it
    /// when is recorded. A version is published once, so it cannot come back either.
    pub fn withdraw_release(
        &mut self,
        version: &str,
        actor: &str,
        now: Timestamp,
    ) -> OpResult<Release> {
        let Some(r) = self.releases()?.into_iter().find(|r| r.version == version) else {
            return Err(OpError::new(
                Kind::NotFound,
                format!("no release {} is published", version.escape_debug()),
            )
            .hint("see them with: ccadmin hub release list"));
        };
        if let (Some(at), Some(by)) = (&r.withdrawn_at, &r.withdrawn_by) {
            return Err(OpError::new(
                Kind::Invalid,
                format!("release {version} was withdrawn already, at {at} by {by}"),
            ));
        }
        self.conn
            .execute(
                "UPDATE release SET withdrawn_at = ?2, withdrawn_by = ?3 WHERE version = ?1",
                params![version, now.to_string(), actor],
            )
            .map_err(storage)?;
        Ok(Release {
            withdrawn_at: Some(now.to_string()),
            withdrawn_by: Some(actor.to_owned()),
            ..r
        })
    }
}

impl Hub {
    /// Add a person's account (the argon2 hash of its password).
    pub fn add_account(&mut self, name: &str, hash: &str, now: Timestamp) -> OpResult {
        crate::names::validate_user(name)
            .map_err(|e| OpError::new(Kind::Invalid, e.to_string()))?;
        self.conn
            .execute(
                "INSERT INTO account (name, hash, created_at) VALUES (?1, ?2, ?3)",
                params![name, hash, now.to_string()],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    OpError::new(Kind::Invalid, format!("the account {name} exists already"))
                }
                e => storage(e),
            })?;
        Ok(())
    }

    /// Remove an account and end its sessions.
    pub fn delete_account(&mut self, name: &str) -> OpResult {
        let n = self
            .conn
            .execute("DELETE FROM account WHERE name = ?1", params![name])
            .map_err(storage)?;
        if n == 0 {
            return Err(OpError::new(
                Kind::NotFound,
                format!("no account is named {name}"),
            ));
        }
        self.conn
            .execute("DELETE FROM session WHERE account = ?1", params![name])
            .map_err(storage)?;
        Ok(())
    }

    /// The accounts: (name, created).
    pub fn accounts(&self) -> OpResult<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT name, created_at FROM account ORDER BY name")
            .map_err(storage)?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)
    }

    /// The stored hash of an account's password (and the name as stored).
    pub fn account_hash(&self, name: &str) -> OpResult<Option<(String, String)>> {
        self.conn
            .query_row(
                "SELECT name, hash FROM account WHERE name = ?1",
                params![name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(storage)
    }

    /// Start a session for a signed-in account: its id (the cookie; only its SHA-256 kept).
    pub fn new_session(&mut self, account: &str, now: Timestamp) -> OpResult<String> {
        let id = random_hex(32);
        self.conn
            .execute(
                "DELETE FROM session WHERE expires_at <= ?1",
                params![now.to_string()],
            )
            .map_err(storage)?;
        self.conn
            .execute(
                "INSERT INTO session (id_sha256, account, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![sha256_hex(id.as_bytes()), account, random_hex(16), (now + SESSION_VALIDITY).to_string()],
            )
            .map_err(storage)?;
        Ok(id)
    }

    /// The session a cookie names, while it lasts.
    pub fn session(&self, id: &str, now: Timestamp) -> OpResult<Option<Session>> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT account, csrf, expires_at FROM session WHERE id_sha256 = ?1",
                params![sha256_hex(id.as_bytes())],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(storage)?;
        Ok(row.and_then(|(account, csrf, expires)| {
            (expires.parse::<Timestamp>().is_ok_and(|e| now < e))
                .then_some(Session { account, csrf })
        }))
    }

    /// Sign out.
    pub fn end_session(&mut self, id: &str) -> OpResult {
        self.conn
            .execute(
                "DELETE FROM session WHERE id_sha256 = ?1",
                params![sha256_hex(id.as_bytes())],
            )
            .map_err(storage)?;
        Ok(())
    }
}

/// An instant on a zone's clock, for people.
pub fn when(t: Timestamp, zone: &str) -> String {
    match jiff::tz::TimeZone::get(zone) {
        Ok(tz) => t.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string(),
        Err(_) => t.to_string(),
    }
}

/// A schedule in words.
pub fn describe(s: &UpgradeSchedule) -> String {
    let when = match &s.frequency {
        Frequency::Daily => "every day".to_owned(),
        Frequency::Weekly { days } => format!(
            "every {}",
            days.iter().map(|d| d.name()).collect::<Vec<_>>().join(",")
        ),
        Frequency::Monthly { day } => format!("day {day} of every month"),
    };
    format!(
        "{when} at {:02}:00 {} (urgent: every day at {:02}:00)",
        s.hour, s.time_zone, s.urgent_hour
    )
}

/// A node's place in a release's rollout.
#[derive(Debug, Clone, Serialize)]
pub struct NodeState {
    pub node: String,
    pub version: String,
    pub last_poll: String,
    /// pending, upgrading, upgraded or failed (for the newest release), with why it failed.
    pub state: String,
    pub detail: String,
}

impl Hub {
    /// The cluster a poll's token belongs to.
    fn by_token(&self, token: &str) -> OpResult<(i64, String)> {
        self.conn
            .query_row(
                "SELECT id, display_name FROM cluster WHERE token_sha256 = ?1",
                params![sha256_hex(token.as_bytes())],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(storage)?
            .ok_or_else(|| {
                OpError::new(
                    Kind::Forbidden,
                    "the token is not one of a registered cluster",
                )
                .hint("the cluster was unregistered: register it again")
            })
    }

    /// The cluster a token belongs to, or `Forbidden`.
    pub fn authorize(&self, token: &str) -> OpResult<String> {
        self.by_token(token).map(|(_, name)| name)
    }

    /// The stored archive of a published release.
    pub fn release_archive(&self, version: &str) -> OpResult<PathBuf> {
        let known: Option<String> = self
            .conn
            .query_row(
                "SELECT version FROM release WHERE version = ?1 AND withdrawn_at IS NULL",
                params![version],
                |r| r.get(0),
            )
            .optional()
            .map_err(storage)?;
        // The version comes from the table (letters, digits, . - + _), never from the request.
        let version = known.ok_or_else(|| OpError::new(Kind::NotFound, "no such release"))?;
        Ok(self
            .dir
            .join("releases")
            .join(format!("ccadmin-{version}.tar.gz")))
    }

    /// The newest release (by version) and its signature.
    fn newest(&self) -> OpResult<Option<(Release, String)>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT version, notes, urgent, sha256, size, added_at, withdrawn_at, withdrawn_by, signature
                 FROM release WHERE withdrawn_at IS NULL",
            )
            .map_err(storage)?;
        let rows = st
            .query_map([], |r| Ok((release_row(r)?, r.get::<_, String>(8)?)))
            .map_err(storage)?;
        let all: Vec<(Release, String)> = rows.collect::<Result<_, _>>().map_err(storage)?;
        Ok(all
            .into_iter()
            .max_by(|a, b| crate::ops::orchestrate::version_cmp(&a.0.version, &b.0.version)))
    }

    /// A node polls: it says who it is and what it runs. It is offered the newest release
    /// only when the cluster's window is open (the urgent window for an urgent release), no
    /// other node of the cluster is upgrading to it, and the release did not fail on a node of
    /// the cluster in this window (a failure halts the rollout until the next window).
    pub fn poll(
        &mut self,
        token: &str,
        node: &str,
        version: &str,
        now: Timestamp,
    ) -> OpResult<Offer> {
        let (id, name) = self.by_token(token)?;
        text("node name", node, 255)?;
        text("version", version, 64)?;
        // A cluster is two nodes: names beyond those are refused, never stored (a token
        // holder cannot grow the database or the pages with invented nodes).
        let known: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT node FROM cluster_node WHERE cluster_id = ?1 ORDER BY node")
                .map_err(storage)?;
            let rows = st.query_map(params![id], |r| r.get(0)).map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)?
        };
        if !known.iter().any(|n| n == node) && known.len() >= MAX_NODES {
            return Err(OpError::new(
                Kind::Forbidden,
                format!(
                    "{name} has its {MAX_NODES} nodes already ({}); {node} is not one of them",
                    known.join(", ")
                ),
            )
            .hint("a node was replaced or renamed: unregister the cluster at the hub and register it again"));
        }
        self.conn
            .execute(
                "INSERT OR REPLACE INTO cluster_node (cluster_id, node, version, last_poll) VALUES (?1, ?2, ?3, ?4)",
                params![id, node, version, now.to_string()],
            )
            .map_err(storage)?;
        self.conn
            .execute(
                "UPDATE cluster SET last_poll = ?2 WHERE id = ?1",
                params![id, now.to_string()],
            )
            .map_err(storage)?;
        let Some((release, signature)) = self.newest()? else {
            return Ok(Offer::UpToDate);
        };
        if crate::ops::orchestrate::version_cmp(&release.version, version)
            != std::cmp::Ordering::Greater
        {
            return Ok(Offer::UpToDate);
        }
        let wait = |reason: String| {
            Ok(Offer::Wait {
                version: release.version.clone(),
                reason,
            })
        };
        let view = self.cluster(&name, now)?;
        let window = if release.urgent {
            view.next_urgent
        } else {
            view.next_upgrade
        };
        if !window.contains(now) {
            return wait(format!(
                "the cluster's next {}window opens at {}",
                if release.urgent { "urgent " } else { "" },
                window.start
            ));
        }
        let states: Vec<(String, String, String)> = {
            let mut st = self
                .conn
                .prepare("SELECT node, state, updated_at FROM rollout WHERE cluster_id = ?1 AND version = ?2")
                .map_err(storage)?;
            let rows = st
                .query_map(params![id, release.version], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)?
        };
        let since_window = |at: &str| at.parse::<Timestamp>().is_ok_and(|t| t >= window.start);
        if let Some((n, _, _)) = states
            .iter()
            .find(|(_, s, at)| s == "failed" && since_window(at))
        {
            return wait(format!(
                "the rollout of {} stopped: it failed on {n}",
                release.version
            ));
        }
        if let Some((n, _, _)) = states
            .iter()
            .find(|(n, s, _)| s == "upgrading" && n != node)
        {
            return wait(format!("{n} is upgrading; one node at a time"));
        }
        self.conn
            .execute(
                "INSERT OR REPLACE INTO rollout (cluster_id, version, node, state, updated_at) VALUES (?1, ?2, ?3, 'upgrading', ?4)",
                params![id, release.version, node, now.to_string()],
            )
            .map_err(storage)?;
        Ok(Offer::Install {
            version: release.version,
            sha256: release.sha256,
            size: release.size,
            signature,
            urgent: release.urgent,
        })
    }

    /// A node reports how its upgrade went: healthy on the new version (the next node may go),
    /// or failed with why (the release was refused — unsigned, tampered — or its health check
    /// failed and the node switched back): the cluster's rollout stops.
    pub fn report(
        &mut self,
        token: &str,
        node: &str,
        version: &str,
        healthy: bool,
        detail: &str,
        now: Timestamp,
    ) -> OpResult {
        let (id, _) = self.by_token(token)?;
        let detail: String = crate::text::one_line(detail).chars().take(1000).collect();
        let changed = self
            .conn
            .execute(
                "UPDATE rollout SET state = ?4, updated_at = ?5, detail = ?6 WHERE cluster_id = ?1 AND version = ?2 AND node = ?3",
                params![id, version, node, if healthy { "upgraded" } else { "failed" }, now.to_string(), detail],
            )
            .map_err(storage)?;
        if changed == 0 {
            return Err(OpError::new(
                Kind::Invalid,
                format!("{node} was not offered {version}"),
            ));
        }
        Ok(())
    }

    /// The nodes of a cluster and where each stands in the newest release's rollout.
    pub fn nodes(&self, name: &str) -> OpResult<Vec<NodeState>> {
        let (id, _) = self.get(name)?;
        let newest = self.newest()?.map(|(r, _)| r.version).unwrap_or_default();
        let mut st = self
            .conn
            .prepare(
                "SELECT n.node, n.version, n.last_poll, COALESCE(r.state, 'pending'), COALESCE(r.detail, '')
                 FROM cluster_node n LEFT JOIN rollout r
                   ON r.cluster_id = n.cluster_id AND r.node = n.node AND r.version = ?2
                 WHERE n.cluster_id = ?1 ORDER BY n.node",
            )
            .map_err(storage)?;
        let rows = st
            .query_map(params![id, newest], |r| {
                Ok(NodeState {
                    node: r.get(0)?,
                    version: r.get(1)?,
                    last_poll: r.get(2)?,
                    state: r.get(3)?,
                    detail: r.get(4)?,
                })
            })
            .map_err(storage)?;
        let mut out: Vec<NodeState> = rows.collect::<Result<_, _>>().map_err(storage)?;
        for n in &mut out {
            if n.state == "pending" && n.version == newest {
                n.state = "upgraded".into();
            }
        }
        Ok(out)
    }
}

/// A release from a row of (version, notes, urgent, sha256, size, added_at, withdrawn_at,
/// withdrawn_by).
fn release_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Release> {
    Ok(Release {
        version: r.get(0)?,
        notes: r.get(1)?,
        urgent: r.get(2)?,
        sha256: r.get(3)?,
        size: r.get::<_, i64>(4)? as u64,
        added_at: r.get(5)?,
        withdrawn_at: r.get(6)?,
        withdrawn_by: r.get(7)?,
    })
}

struct ClusterRow {
    display_name: String,
    fqdn: String,
    registered_at: String,
    last_poll: Option<String>,
    schedule: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }
    const CERT: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";
    /// A real minisign signature of b"archive" (its shape is what the hub checks).
    const SIG: &str = "untrusted comment: signature from minisign secret key\nRUThBq7c+sVoFqPSwu+pugHSNSl5MoY4ImkBYNi192r3/BlueB152EVI8+OnHJ42pk4Yv1Od2pnMbsLKtzUGBa4NFouyoEDGqQM=\ntrusted comment: ccadmin 2.0.0\nt1J4dES0PQbGrPKF7RbnPYXxxh75ltJbkwgZVWDEkVt4jKyOhAFy2H7eNF6KVJ7TbhmF4ZfvpoKv0GG05RC+AQ==\n";

    /// A hub in `dir` with the cluster "Lab" (publisher cc1) registered at `t`; its token.
    fn lab(dir: &Path, t: Timestamp) -> (Hub, String) {
        let mut hub = Hub::open(dir).unwrap();
        let id = hub.id().unwrap();
        let (code, _) = hub.begin_registration("Lab", "cc1", t).unwrap();
        let token = hub
            .complete_registration(&id, &code, "cc1", CERT, t)
            .unwrap()
            .token;
        (hub, token)
    }

    #[test]
    fn a_code_registers_once_within_15_minutes_for_its_fqdn_and_hub() {
        let d = tempfile::tempdir().unwrap();
        let mut hub = Hub::open(d.path()).unwrap();
        let id = hub.id().unwrap();
        let t0 = at("2026-12-02T10:00:00Z");
        let (code, expires) = hub
            .begin_registration("Lab", "cc1.example.com", t0)
            .unwrap();
        assert_eq!(expires, at("2026-12-02T10:15:00Z"));
        // Expired: at 15 minutes exactly nothing is registered.
        let e = hub
            .complete_registration(&id, &code, "cc1.example.com", CERT, expires)
            .unwrap_err();
        assert!(e.to_string().contains("expired"), "{e}");
        assert!(hub.clusters(None, t0).unwrap().is_empty());
        let (code, _) = hub
            .begin_registration("Lab", "cc1.example.com", t0)
            .unwrap();
        let t = at("2026-12-02T10:14:59Z");
        for (hub_id, fqdn, cert, why) in [
            ("other", "cc1.example.com", CERT, "another hub"),
            (
                id.as_str(),
                "cc2.example.com",
                CERT,
                "issued for cc1.example.com:8445",
            ),
            (id.as_str(), "cc1.example.com", "nope", "not a SHA-256"),
        ] {
            let e = hub
                .complete_registration(hub_id, &code, fqdn, cert, t)
                .unwrap_err();
            assert!(e.to_string().contains(why), "{e}");
        }
        let e = hub
            .complete_registration(&id, "0000", "cc1.example.com", CERT, t)
            .unwrap_err();
        assert!(e.to_string().contains("not one this hub issued"), "{e}");
        let r = hub
            .complete_registration(&id, &code, "CC1.example.com:8445", CERT, t)
            .unwrap();
        assert_eq!(r.display_name, "Lab");
        assert_eq!(r.token.len(), 64);
        // Replayed.
        let e = hub
            .complete_registration(&id, &code, "cc1.example.com", CERT, t)
            .unwrap_err();
        assert!(e.to_string().contains("used already"), "{e}");
        let list = hub.clusters(Some("la"), t).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].fqdn, "cc1.example.com:8445");
        assert_eq!(list[0].next_upgrade.start, at("2026-12-03T03:00:00Z"));
        assert!(hub.clusters(Some("zzz"), t).unwrap().is_empty());
        // Nothing secret is stored in the clear.
        let db = std::fs::read(d.path().join("hub.db")).unwrap();
        let text = String::from_utf8_lossy(&db);
        assert!(!text.contains(&r.token) && !text.contains(&code));
        // The display name is unique.
        assert!(hub.begin_registration("lab", "x.example.com", t).is_err());
        hub.unregister("Lab").unwrap();
        assert!(hub.clusters(None, t).unwrap().is_empty());
    }

    /// Regression (issue 24, finding 14): SQLite's NOCASE folds ASCII only, so "ZÜRICH" was
    /// registered beside "Zürich"; and two codes issued before either completed both counted.
    #[test]
    fn cluster_names_differing_only_in_case_are_one_name() {
        let d = tempfile::tempdir().unwrap();
        let t = at("2026-12-02T10:00:00Z");
        let mut hub = Hub::open(d.path()).unwrap();
        let id = hub.id().unwrap();
        let (first, _) = hub.begin_registration("Zürich", "cc1", t).unwrap();
        let (second, _) = hub.begin_registration("ZÜRICH", "cc2", t).unwrap();
        hub.complete_registration(&id, &first, "cc1", CERT, t)
            .unwrap();
        let e = hub
            .complete_registration(&id, &second, "cc2", CERT, t)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("named Zürich was registered meanwhile"),
            "{e}"
        );
        for other in ["ZÜRICH", "zürich", "ZüRiCh"] {
            let e = hub.begin_registration(other, "cc3", t).unwrap_err();
            assert!(
                e.to_string().contains("named Zürich is registered already"),
                "{e}"
            );
        }
        assert_eq!(hub.clusters(None, t).unwrap().len(), 1);
    }

    /// Regression (issue 24, finding 11): every poll with a new node name added a row (23,000
    /// names grew the database to 18 MB); a cluster has two nodes.
    #[test]
    fn a_poll_may_name_only_the_clusters_two_nodes() {
        let d = tempfile::tempdir().unwrap();
        let t = at("2026-12-02T10:00:00Z");
        let (mut hub, token) = lab(d.path(), t);
        hub.poll(&token, "cc1", "1.0.0", t).unwrap();
        hub.poll(&token, "cc2", "1.0.0", t).unwrap();
        for n in 0..20 {
            let e = hub
                .poll(&token, &format!("invented-{n}"), "1.0.0", t)
                .unwrap_err();
            assert_eq!(e.kind, Kind::Forbidden);
            assert!(
                e.to_string().contains("has its 2 nodes already (cc1, cc2)"),
                "{e}"
            );
        }
        // The two keep polling.
        hub.poll(&token, "cc1", "1.0.1", t).unwrap();
        let nodes: Vec<String> = hub
            .nodes("Lab")
            .unwrap()
            .into_iter()
            .map(|n| n.node)
            .collect();
        assert_eq!(nodes, ["cc1", "cc2"]);
    }

    /// Regression (issue 24, finding 6): a broken release could not be withdrawn; the next
    /// window offered it again.
    #[test]
    fn a_withdrawn_release_is_never_offered_again() {
        let d = tempfile::tempdir().unwrap();
        let t = at("2026-12-02T10:00:00Z");
        let (mut hub, token) = lab(d.path(), t);
        let archive = d.path().join("a.tar.gz");
        std::fs::write(&archive, b"archive").unwrap();
        hub.add_release(&archive, "1.1.0", "", false, SIG, t)
            .unwrap();
        hub.add_release(&archive, "1.2.0", "", false, SIG, t)
            .unwrap();
        let w = at("2026-12-03T03:05:00Z");
        assert!(matches!(
            hub.poll(&token, "cc1", "1.1.0", w).unwrap(),
            Offer::Install { version, .. } if version == "1.2.0"
        ));
        hub.report(&token, "cc1", "1.2.0", false, "health check failed", w)
            .unwrap();
        let r = hub.withdraw_release("1.2.0", "alice", w).unwrap();
        assert_eq!(r.withdrawn_by.as_deref(), Some("alice"));
        assert_eq!(r.withdrawn_at.as_deref(), Some("2026-12-03T03:05:00Z"));
        // Never again: not in the next window, not as the newest, not for download, not
        // published again, not withdrawn twice.
        let next = at("2026-12-04T03:05:00Z");
        assert_eq!(
            hub.poll(&token, "cc1", "1.1.0", next).unwrap(),
            Offer::UpToDate
        );
        assert!(matches!(
            hub.poll(&token, "cc2", "1.0.0", next).unwrap(),
            Offer::Install { version, .. } if version == "1.1.0"
        ));
        assert_eq!(
            hub.release_archive("1.2.0").unwrap_err().kind,
            Kind::NotFound
        );
        assert!(hub.release_archive("1.1.0").is_ok());
        assert!(hub
            .add_release(&archive, "1.2.0", "", false, SIG, next)
            .is_err());
        let e = hub.withdraw_release("1.2.0", "bob", next).unwrap_err();
        assert!(
            e.to_string()
                .contains("withdrawn already, at 2026-12-03T03:05:00Z by alice"),
            "{e}"
        );
        assert_eq!(
            hub.withdraw_release("9.9.9", "bob", next).unwrap_err().kind,
            Kind::NotFound
        );
        let listed = hub.releases().unwrap();
        let withdrawn = listed.iter().find(|r| r.version == "1.2.0").unwrap();
        assert_eq!(withdrawn.withdrawn_by.as_deref(), Some("alice"));
        assert!(listed
            .iter()
            .find(|r| r.version == "1.1.0")
            .unwrap()
            .withdrawn_at
            .is_none());
    }

    #[test]
    fn schedules_are_recorded_postponed_once_and_releases_kept() {
        let d = tempfile::tempdir().unwrap();
        let t = at("2026-12-02T10:00:00Z");
        let (mut hub, _) = lab(d.path(), t);
        let mut s = UpgradeSchedule::default_in("Europe/Berlin");
        s.hour = 22;
        let v = hub.set_schedule("Lab", s, "alice", t).unwrap();
        assert_eq!(v.next_upgrade.start, at("2026-12-02T21:00:00Z"));
        let v = hub.postpone("Lab", "bob", t).unwrap();
        assert_eq!(v.next_upgrade.start, at("2026-12-03T21:00:00Z"));
        assert!(hub.postpone("Lab", "bob", t).is_err());
        let changes = hub.schedule_changes("Lab").unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].1, "alice");
        assert!(changes[0].2.contains("\"UTC\"") && changes[0].3.contains("Europe/Berlin"));
        assert!(changes[1].3.contains("postponed"));
        // A release with its signature.
        let archive = d.path().join("a.tar.gz");
        std::fs::write(&archive, b"archive").unwrap();
        let sig = SIG;
        assert!(hub
            .add_release(&archive, "2.0.0", "", false, "junk", t)
            .is_err());
        assert!(hub
            .add_release(&archive, "2.0 0", "", false, sig, t)
            .is_err());
        let r = hub
            .add_release(&archive, "2.0.0", "fixes", true, sig, t)
            .unwrap();
        assert_eq!(r.sha256, sha256_hex(b"archive"));
        assert!(d.path().join("releases/ccadmin-2.0.0.tar.gz").exists());
        assert!(hub
            .add_release(&archive, "2.0.0", "", false, sig, t)
            .is_err());
        assert_eq!(hub.releases().unwrap().len(), 1);
    }

    #[test]
    fn a_pair_upgrades_one_node_at_a_time_inside_its_window_and_a_failure_stops_it() {
        let d = tempfile::tempdir().unwrap();
        let t = at("2026-12-02T10:00:00Z");
        let (mut hub, token) = lab(d.path(), t);
        let sig = SIG;
        let archive = d.path().join("a.tar.gz");
        std::fs::write(&archive, b"archive").unwrap();
        assert_eq!(
            hub.poll(&token, "cc1", "1.0.0", t).unwrap(),
            Offer::UpToDate
        );
        hub.add_release(&archive, "1.1.0", "", false, sig, t)
            .unwrap();
        // Before the window (03:00 UTC daily): wait, saying when.
        match hub.poll(&token, "cc1", "1.0.0", t).unwrap() {
            Offer::Wait { reason, .. } => {
                assert!(reason.contains("2026-12-03T03:00:00Z"), "{reason}")
            }
            o => panic!("{o:?}"),
        }
        let w = at("2026-12-03T03:05:00Z");
        assert!(matches!(
            hub.poll(&token, "cc1", "1.0.0", w).unwrap(),
            Offer::Install { .. }
        ));
        // The other node waits while the first upgrades.
        match hub.poll(&token, "cc2", "1.0.0", w).unwrap() {
            Offer::Wait { reason, .. } => assert!(reason.contains("cc1 is upgrading"), "{reason}"),
            o => panic!("{o:?}"),
        }
        hub.report(&token, "cc1", "1.1.0", true, "healthy", w)
            .unwrap();
        assert_eq!(
            hub.poll(&token, "cc1", "1.1.0", w).unwrap(),
            Offer::UpToDate
        );
        assert!(matches!(
            hub.poll(&token, "cc2", "1.0.0", w).unwrap(),
            Offer::Install { .. }
        ));
        hub.report(&token, "cc2", "1.1.0", true, "", w).unwrap();
        hub.poll(&token, "cc2", "1.1.0", w).unwrap();
        let states: Vec<String> = hub
            .nodes("Lab")
            .unwrap()
            .iter()
            .map(|n| n.state.clone())
            .collect();
        assert_eq!(states, ["upgraded", "upgraded"]);
        // The next release fails its health check on the first node: the rollout stops.
        hub.add_release(&archive, "1.2.0", "", false, sig, w)
            .unwrap();
        assert!(matches!(
            hub.poll(&token, "cc1", "1.1.0", w).unwrap(),
            Offer::Install { .. }
        ));
        hub.report(
            &token,
            "cc1",
            "1.2.0",
            false,
            "health check failed; switched back",
            w,
        )
        .unwrap();
        match hub.poll(&token, "cc2", "1.1.0", w).unwrap() {
            Offer::Wait { reason, .. } => assert!(reason.contains("failed on cc1"), "{reason}"),
            o => panic!("{o:?}"),
        }
        let failed = hub.nodes("Lab").unwrap();
        assert_eq!(failed[0].state, "failed");
        assert!(failed[0].detail.contains("switched back"));
        // An urgent release uses the urgent window (01:00 UTC) and a report for something not
        // offered is refused; an unknown token gets nothing.
        hub.add_release(&archive, "1.3.0", "", true, sig, w)
            .unwrap();
        let urgent = at("2026-12-04T01:10:00Z");
        assert!(matches!(
            hub.poll(&token, "cc2", "1.1.0", urgent).unwrap(),
            Offer::Install { urgent: true, .. }
        ));
        assert!(hub
            .report(&token, "cc1", "9.9.9", true, "", urgent)
            .is_err());
        assert!(hub.poll("nope", "cc1", "1.1.0", urgent).is_err());
        hub.unregister("Lab").unwrap();
        assert!(hub.poll(&token, "cc1", "1.1.0", urgent).is_err());
    }
}
