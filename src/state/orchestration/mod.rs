//! The tables of orchestration: the signers trusted for patches and releases, the cluster's
//! shared settings (`shared.*`, e.g. the compatibility check; both replicated by triggers),
//! and the record of every run with each node's step.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::db::Db;
use super::StateError;

mod outcome;
pub use outcome::{NotAResult, Outcome, StepResult};

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
    /// Start recording an orchestration run, under the id `r.uid` both Cloud Connect nodes
    /// know it by; its local id.
    pub fn start_run(&mut self, r: &Run) -> Result<i64, StateError> {
        self.conn.execute(
            "INSERT INTO orchestration_run (uid, node, operation, subject, actor, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.uid, r.node, r.operation, r.subject, r.actor, r.note],
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

    /// This node takes over a run the other node started and left interrupted: from now on it
    /// is this node's run (`node`), its steps as they were.
    pub fn take_over_run(&mut self, id: i64, node: &str, note: &str) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE orchestration_run SET remote = 0, node = ?2,
                 note = CASE WHEN note = '' THEN ?3 ELSE note || '; ' || ?3 END
             WHERE id = ?1",
            params![id, node, note],
        )?;
        Ok(())
    }

    /// Keep the other node's run as it reports it (its steps replace what was kept). A run of
    /// this node's own is replaced only when the other node took it over (resumed it after
    /// it was interrupted here), never while this node's process runs it.
    pub fn keep_remote_run(&mut self, me: &str, r: &Run) -> Result<(), StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing: Option<(i64, bool)> = tx
            .query_row(
                "SELECT id, remote FROM orchestration_run WHERE uid = ?1",
                params![r.uid],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let claim = Self::claim_row(&tx)?;
        let live_here = claim
            .as_ref()
            .is_some_and(|row| live(row, me) && row.0.run_uid == r.uid);
        // One of this node's own runs becomes the other's only when this node granted that
        // node the cluster for it (a take-over of an interrupted run).
        let taken_over = claim
            .as_ref()
            .is_some_and(|(c, _, _)| c.holder == r.node && c.run_uid == r.uid);
        if live_here || r.node == me || existing.is_some_and(|(_, remote)| !remote) && !taken_over {
            return Ok(());
        }
        let id: i64 = tx.query_row(
            "INSERT INTO orchestration_run (uid, node, remote, operation, subject, actor, started_at, finished_at, result, note)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (uid) DO UPDATE SET remote = 1, node = excluded.node,
                 operation = excluded.operation, subject = excluded.subject, actor = excluded.actor,
                 started_at = excluded.started_at, finished_at = excluded.finished_at,
                 result = excluded.result, note = excluded.note
             RETURNING id",
            params![
                r.uid,
                r.node,
                r.operation,
                r.subject,
                r.actor,
                r.started_at,
                r.finished_at,
                r.result,
                r.note
            ],
            |row| row.get(0),
        )?;
        // Its steps are what it reports now.
        tx.execute(
            "DELETE FROM orchestration_step WHERE run_id = ?1",
            params![id],
        )?;
        for s in &r.steps {
            tx.execute(
                "INSERT OR REPLACE INTO orchestration_step (run_id, host, side, result, detail, seconds, ended_at, from_version, to_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, s.host, s.side, s.result, s.detail, s.seconds, s.ended_at, s.from_version, s.to_version],
            )?;
        }
        // The other node's run ended: it holds the cluster no more.
        if r.finished_at.is_some() {
            tx.execute(
                "DELETE FROM cluster_claim WHERE id = 1 AND run_uid = ?1 AND holder = ?2",
                params![r.uid, r.node],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// A recorded orchestration run with its nodes' steps.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Run {
    /// This node's number for it (the other node numbers it its own way).
    #[serde(default)]
    pub id: i64,
    /// The id both Cloud Connect nodes know the run by.
    pub uid: String,
    /// The Cloud Connect node that runs it.
    pub node: String,
    /// Kept as the other Cloud Connect node reported it.
    #[serde(default)]
    pub remote: bool,
    pub operation: String,
    pub subject: String,
    pub actor: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub result: Option<String>,
    /// What the run must be known for, e.g. that the other node could not be asked.
    #[serde(default)]
    pub note: String,
    pub steps: Vec<Step>,
}

/// The most steps a run reported by the other node may have.
pub const MAX_STEPS: usize = 10_000;

/// Why a run the other node reported is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunCheckError {
    #[error("{what} is longer than {max} or holds control characters")]
    Text { what: &'static str, max: usize },
    #[error("{0} is not a time (YYYY-MM-DD HH:MM:SS)")]
    Time(&'static str),
    #[error("the run's uid is not an id")]
    Uid,
    #[error("the run's node is not a host name: {0}")]
    Node(crate::names::NameError),
    #[error("more than {MAX_STEPS} steps")]
    TooManySteps,
    #[error("a step's duration is not a duration")]
    Duration,
}

impl Run {
    /// A run reported by the other node: every field bounded and printable.
    pub fn check(&self) -> Result<(), RunCheckError> {
        let text = |what: &'static str, s: &str, max: usize| {
            // Every field is one line: shown as a row of a table, it can start no line of ours.
            if s.len() > max || s.chars().any(char::is_control) {
                Err(RunCheckError::Text { what, max })
            } else {
                Ok(())
            }
        };
        let time = |what: &'static str, s: &str| {
            let b = s.as_bytes();
            let shape = b.len() == 19
                && b.iter().enumerate().all(|(i, c)| match i {
                    4 | 7 => *c == b'-',
                    10 => *c == b' ',
                    13 | 16 => *c == b':',
                    _ => c.is_ascii_digit(),
                });
            if shape {
                Ok(())
            } else {
                Err(RunCheckError::Time(what))
            }
        };
        time("started_at", &self.started_at)?;
        if let Some(f) = &self.finished_at {
            time("finished_at", f)?;
        }
        if self.uid.is_empty()
            || self.uid.len() > 64
            || !self
                .uid
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(RunCheckError::Uid);
        }
        crate::names::validate_host(&self.node).map_err(RunCheckError::Node)?;
        for (what, s, max) in [
            ("operation", self.operation.as_str(), 64),
            ("subject", &self.subject, 4096),
            ("actor", &self.actor, 256),
            ("started_at", &self.started_at, 64),
            ("note", &self.note, 4096),
        ] {
            text(what, s, max)?;
        }
        text(
            "finished_at",
            self.finished_at.as_deref().unwrap_or_default(),
            64,
        )?;
        text("result", self.result.as_deref().unwrap_or_default(), 64)?;
        if self.steps.len() > MAX_STEPS {
            return Err(RunCheckError::TooManySteps);
        }
        for st in &self.steps {
            for (what, s, max) in [
                ("a step's host", st.host.as_str(), 300),
                ("a step's side", &st.side, 8),
                ("a step's detail", &st.detail, 4096),
                ("a step's time", &st.ended_at, 64),
                ("a step's from-version", &st.from_version, 256),
                ("a step's to-version", &st.to_version, 256),
            ] {
                text(what, s, max)?;
            }
            if !st.seconds.is_finite() || st.seconds < 0.0 {
                return Err(RunCheckError::Duration);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Step {
    pub host: String,
    pub side: String,
    /// Running, or how it ended (its label in the database and on the wire).
    pub result: StepResult,
    pub detail: String,
    pub seconds: f64,
    /// When the step was last written (its end, or its start while it runs).
    #[serde(default)]
    pub ended_at: String,
    pub from_version: String,
    pub to_version: String,
}

impl Db {
    /// The newest `limit` runs of the cluster (this node's and the other's), newest first,
    /// with their steps in the order they ended.
    pub fn runs(&self, limit: usize) -> Result<Vec<Run>, StateError> {
        self.runs_where("1", limit)
    }

    /// The runs this node ran itself.
    pub fn own_runs(&self, limit: usize) -> Result<Vec<Run>, StateError> {
        self.runs_where("remote = 0", limit)
    }

    fn runs_where(&self, filter: &str, limit: usize) -> Result<Vec<Run>, StateError> {
        let mut runs: Vec<Run> = self.query_all(
            &format!(
                "SELECT id, uid, node, remote, operation, subject, actor, started_at, finished_at, result, note
                 FROM orchestration_run WHERE {filter}
                 ORDER BY id DESC LIMIT {}",
                limit.min(10_000)
            ),
            |r| {
                Ok(Run {
                    id: r.get(0)?,
                    uid: r.get(1)?,
                    node: r.get(2)?,
                    remote: r.get(3)?,
                    operation: r.get(4)?,
                    subject: r.get(5)?,
                    actor: r.get(6)?,
                    started_at: r.get(7)?,
                    finished_at: r.get(8)?,
                    result: r.get(9)?,
                    note: r.get(10)?,
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

    /// The ids of the runs this node knows as finished (theirs and the other node's).
    pub fn finished_run_uids(&self) -> Result<std::collections::HashSet<String>, StateError> {
        Ok(self
            .query_all(
                "SELECT uid FROM orchestration_run WHERE finished_at IS NOT NULL",
                |r| r.get(0),
            )?
            .into_iter()
            .collect())
    }

    /// The run with this uid, if this node knows it.
    pub fn run_by_uid(&self, uid: &str) -> Result<Option<Run>, StateError> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM orchestration_run WHERE uid = ?1",
                params![uid],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        Ok(self
            .runs_where(&format!("id = {id}"), 1)?
            .into_iter()
            .next())
    }
}

/// Which Cloud Connect node holds the cluster's one orchestration run, as this node knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub holder: String,
    pub run_uid: String,
    pub command: String,
    pub subject: String,
    pub actor: String,
    /// `claiming` (asking the other node), `running`, or `granted` (to the other node).
    pub state: String,
    pub since: String,
}

/// A claim as stored, with the PID and start time of the process that holds it (this node's).
type ClaimRow = (Claim, Option<u32>, Option<String>);

/// Whether a stored claim is this node's (`me`) and its process still runs.
fn live((c, pid, start): &ClaimRow, me: &str) -> bool {
    c.holder == me && pid.is_some_and(|p| super::lock::alive(p, start.as_deref()))
}

/// How the other node's claim was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimAnswer {
    Granted,
    /// This node runs one itself (or won the tie: the publisher's claim wins).
    Refused(Claim),
}

impl Db {
    fn claim_row(tx: &Connection) -> Result<Option<ClaimRow>, StateError> {
        Ok(tx
            .query_row(
                "SELECT holder, run_uid, command, subject, actor, state, since, pid, proc_start
                 FROM cluster_claim WHERE id = 1",
                [],
                |r| {
                    Ok((
                        Claim {
                            holder: r.get(0)?,
                            run_uid: r.get(1)?,
                            command: r.get(2)?,
                            subject: r.get(3)?,
                            actor: r.get(4)?,
                            state: r.get(5)?,
                            since: r.get(6)?,
                        },
                        r.get(7)?,
                        r.get(8)?,
                    ))
                },
            )
            .optional()?)
    }

    /// Who holds the cluster's run as this node knows it; `live` is whether the holder is this
    /// node's own process and it still runs.
    pub fn claim(&self, me: &str) -> Result<Option<(Claim, bool)>, StateError> {
        Ok(Self::claim_row(&self.conn)?.map(|row| {
            let is_live = live(&row, me);
            (row.0, is_live)
        }))
    }

    /// This node's process `pid` starts claiming the cluster for a run (it holds this node's
    /// orchestration lock, so no other local process does at the same time).
    pub fn claim_start(&mut self, me: &str, c: &Claim, pid: u32) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO cluster_claim (id, holder, run_uid, command, subject, actor, state, pid, proc_start)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, 'claiming', ?6, ?7)",
            params![me, c.run_uid, c.command, c.subject, c.actor, pid, super::lock::process_start(pid)],
        )?;
        Ok(())
    }

    /// The other node claims the cluster. Refused while this node's own run is live — except
    /// that a subscriber still asking yields to its publisher, so that when both nodes ask at
    /// the same moment exactly one (the publisher) goes on.
    pub fn claim_for_peer(
        &mut self,
        me: &str,
        i_am_publisher: bool,
        c: &Claim,
    ) -> Result<ClaimAnswer, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(row) = Self::claim_row(&tx)? {
            let yields = row.0.state == "claiming" && !i_am_publisher;
            if live(&row, me) && !yields {
                let (ours, _, _) = row;
                return Ok(ClaimAnswer::Refused(ours));
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO cluster_claim (id, holder, run_uid, command, subject, actor, state, pid, proc_start)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, 'granted', NULL, NULL)",
            params![c.holder, c.run_uid, c.command, c.subject, c.actor],
        )?;
        tx.commit()?;
        Ok(ClaimAnswer::Granted)
    }

    /// The claim is granted: `Ok(None)` when this node still holds it (now running), else who
    /// took it meanwhile (the publisher, asking at the same moment).
    pub fn claim_confirm(&mut self, me: &str, uid: &str) -> Result<Option<Claim>, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let row = Self::claim_row(&tx)?;
        match row {
            Some((c, _, _)) if c.holder == me && c.run_uid == uid => {
                tx.execute(
                    "UPDATE cluster_claim SET state = 'running' WHERE id = 1",
                    [],
                )?;
                tx.commit()?;
                Ok(None)
            }
            Some((c, _, _)) => Ok(Some(c)),
            None => Ok(Some(Claim {
                holder: "(none)".into(),
                run_uid: String::new(),
                command: String::new(),
                subject: String::new(),
                actor: String::new(),
                state: String::new(),
                since: String::new(),
            })),
        }
    }

    /// The run is over (or never started): this node's claim goes.
    pub fn claim_release(&mut self, me: &str, uid: &str) -> Result<(), StateError> {
        self.conn.execute(
            "DELETE FROM cluster_claim WHERE id = 1 AND holder = ?1 AND run_uid = ?2",
            params![me, uid],
        )?;
        Ok(())
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

#[cfg(test)]
mod tests;
