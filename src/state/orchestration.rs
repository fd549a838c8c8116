//! The tables of orchestration: the signers trusted for patches and releases, the cluster's
//! shared settings (`shared.*`, e.g. the compatibility check; both replicated by triggers),
//! and the record of every run with each node's step.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::db::Db;
use super::StateError;

/// A publisher whose signatures are trusted: its name and minisign public key (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub name: String,
    pub public_key: String,
}

impl Db {
    pub fn signers(&self) -> Result<Vec<Signer>, StateError> {
        self.query_all(
            "SELECT name, public_key FROM patch_signer ORDER BY name COLLATE NOCASE",
            |r| {
                Ok(Signer {
                    name: r.get(0)?,
                    public_key: r.get(1)?,
                })
            },
        )
    }

    /// Trust a signer; `Ok(false)` when the name or the key is trusted already.
    pub fn add_signer(&mut self, s: &Signer) -> Result<bool, StateError> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO patch_signer (name, public_key) VALUES (?1, ?2)",
            params![s.name, s.public_key],
        )? == 1)
    }

    pub fn remove_signer(&mut self, name: &str) -> Result<bool, StateError> {
        Ok(self
            .conn
            .execute("DELETE FROM patch_signer WHERE name = ?1", params![name])?
            == 1)
    }
}

/// Make the signers exactly `signers` (a subscriber applying the publisher's list).
pub(in crate::state) fn replace_signers(
    conn: &Connection,
    signers: &[Signer],
) -> Result<(), StateError> {
    conn.execute("DELETE FROM patch_signer", [])?;
    for s in signers {
        conn.execute(
            "INSERT OR IGNORE INTO patch_signer (name, public_key) VALUES (?1, ?2)",
            params![s.name, s.public_key],
        )?;
    }
    Ok(())
}

/// The prefix of the settings that are the cluster's.
pub const SHARED: &str = "shared.";

impl Db {
    /// The cluster's settings (key, value).
    pub fn shared_settings(&self) -> Result<Vec<(String, String)>, StateError> {
        self.query_all(
            "SELECT key, value FROM setting WHERE key LIKE 'shared.%' ORDER BY key",
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}

/// Make the cluster's settings exactly `settings` (a subscriber applying the publisher's).
pub(in crate::state) fn replace_shared_settings(
    conn: &Connection,
    settings: &[(String, String)],
) -> Result<(), StateError> {
    conn.execute("DELETE FROM setting WHERE key LIKE 'shared.%'", [])?;
    for (k, v) in settings {
        conn.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES (?1, ?2)",
            params![k, v],
        )?;
    }
    Ok(())
}

impl Db {
    /// Start recording an orchestration run; its id.
    pub fn start_run(
        &mut self,
        operation: &str,
        subject: &str,
        actor: &str,
    ) -> Result<i64, StateError> {
        self.conn.execute(
            "INSERT INTO orchestration_run (operation, subject, actor) VALUES (?1, ?2, ?3)",
            params![operation, subject, actor],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// One node's step of a run: written when it starts and again when it ends.
    pub fn record_step(&mut self, run: i64, s: &Step) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO orchestration_step (run_id, host, side, result, detail, seconds, from_version, to_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![run, s.host, s.side, s.result, s.detail, s.seconds, s.from_version, s.to_version],
        )?;
        Ok(())
    }

    pub fn finish_run(&mut self, run: i64, result: &str) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE orchestration_run SET finished_at = strftime('%Y-%m-%d %H:%M:%S', 'now'), result = ?2 WHERE id = ?1",
            params![run, result],
        )?;
        Ok(())
    }
}

/// A recorded orchestration run with its nodes' steps.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub id: i64,
    pub operation: String,
    pub subject: String,
    pub actor: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub result: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Step {
    pub host: String,
    pub side: String,
    pub result: String,
    pub detail: String,
    pub seconds: f64,
    /// When the step was last written (its end, or its start while it runs).
    pub ended_at: String,
    pub from_version: String,
    pub to_version: String,
}

impl Db {
    /// The newest `limit` runs, newest first, with their steps in the order they ended.
    pub fn runs(&self, limit: usize) -> Result<Vec<Run>, StateError> {
        let mut runs: Vec<Run> = self.query_all(
            &format!(
                "SELECT id, operation, subject, actor, started_at, finished_at, result
                 FROM orchestration_run ORDER BY id DESC LIMIT {}",
                limit.min(10_000)
            ),
            |r| {
                Ok(Run {
                    id: r.get(0)?,
                    operation: r.get(1)?,
                    subject: r.get(2)?,
                    actor: r.get(3)?,
                    started_at: r.get(4)?,
                    finished_at: r.get(5)?,
                    result: r.get(6)?,
                    steps: Vec::new(),
                })
            },
        )?;
        for run in &mut runs {
            let mut st = self.conn.prepare(
                "SELECT host, side, result, detail, seconds, ended_at, from_version, to_version
                 FROM orchestration_step WHERE run_id = ?1 ORDER BY ended_at, rowid",
            )?;
            let rows = st.query_map(params![run.id], |r| {
                Ok(Step {
                    host: r.get(0)?,
                    side: r.get(1)?,
                    result: r.get(2)?,
                    detail: r.get(3)?,
                    seconds: r.get(4)?,
                    ended_at: r.get(5)?,
                    from_version: r.get(6)?,
                    to_version: r.get(7)?,
                })
            })?;
            run.steps = rows.collect::<Result<_, _>>()?;
        }
        Ok(runs)
    }
}

/// A patch installed on this VOS node, on top of the version `base`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledPatch {
    pub name: String,
    pub version: String,
    pub rollback: bool,
    pub installed_at: String,
}

impl Db {
    /// The patches installed on `base`, oldest first.
    pub fn installed_patches(&self, base: &str) -> Result<Vec<InstalledPatch>, StateError> {
        let mut st = self.conn.prepare(
            "SELECT name, version, rollback, installed_at FROM installed_patch
             WHERE base = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map(params![base], |r| {
            Ok(InstalledPatch {
                name: r.get(0)?,
                version: r.get(1)?,
                rollback: r.get(2)?,
                installed_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Record a patch installed on `base`; `Ok(false)` when it was installed already.
    pub fn record_patch(
        &mut self,
        base: &str,
        name: &str,
        version: &str,
        rollback: bool,
    ) -> Result<bool, StateError> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO installed_patch (base, name, version, rollback) VALUES (?1, ?2, ?3, ?4)",
            params![base, name, version, rollback],
        )? == 1)
    }

    /// Remove the newest patch of `base`; it, or `None` when there is none.
    pub fn remove_latest_patch(
        &mut self,
        base: &str,
    ) -> Result<Option<InstalledPatch>, StateError> {
        let tx = self.conn.transaction()?;
        let latest = tx
            .query_row(
                "SELECT seq, name, version, rollback, installed_at FROM installed_patch
                 WHERE base = ?1 ORDER BY seq DESC LIMIT 1",
                params![base],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        InstalledPatch {
                            name: r.get(1)?,
                            version: r.get(2)?,
                            rollback: r.get(3)?,
                            installed_at: r.get(4)?,
                        },
                    ))
                },
            )
            .optional()?;
        if let Some((seq, _)) = &latest {
            tx.execute("DELETE FROM installed_patch WHERE seq = ?1", params![seq])?;
        }
        tx.commit()?;
        Ok(latest.map(|(_, p)| p))
    }

    /// Set the active and inactive versions together.
    pub fn set_versions(&mut self, active: &str, inactive: Option<&str>) -> Result<(), StateError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES ('software.active', ?1)",
            params![active],
        )?;
        match inactive {
            Some(v) => tx.execute(
                "INSERT OR REPLACE INTO setting (key, value) VALUES ('software.inactive', ?1)",
                params![v],
            )?,
            None => tx.execute("DELETE FROM setting WHERE key = 'software.inactive'", [])?,
        };
        tx.commit()?;
        Ok(())
    }
}
