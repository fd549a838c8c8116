//! The tables of e-mail notifications: the SMTP setting and subscribed addresses (cluster-wide,
//! replicated by triggers) and this node's outbox of mails waiting to be delivered.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::db::Db;
use super::StateError;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required, never skipped): port 587.
    Starttls,
    /// TLS from the first byte (implicit TLS, "SMTPS"): port 465.
    Tls,
    /// No TLS: only for a relay on this host; never with authentication.
    None,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Starttls => "starttls",
            Security::Tls => "tls",
            Security::None => "none",
        }
    }
    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "starttls" => Some(Security::Starttls),
            "tls" => Some(Security::Tls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// The SMTP setting as stored; each part is set by its own command.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpConfig {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub from_email: Option<String>,
    pub use_auth: bool,
    pub user: Option<String>,
}

/// A mail waiting in the outbox.
#[derive(Debug, Clone, Serialize)]
pub struct QueuedMail {
    pub id: i64,
    pub queued_at: String,
    pub subject: String,
    pub body: String,
    pub recipients: Vec<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: String,
}

impl Db {
    /// The SMTP setting, `None` when nothing was ever set (or it was removed).
    pub fn smtp_config(&self) -> Result<Option<SmtpConfig>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT host, port, security, from_email, use_auth, user FROM smtp_config WHERE id = 1",
                [],
                |r| {
                    let security: Option<String> = r.get(2)?;
                    Ok(SmtpConfig {
                        host: r.get(0)?,
                        port: r.get(1)?,
                        security: security.as_deref().and_then(Security::parse),
                        from_email: r.get(3)?,
                        use_auth: r.get(4)?,
                        user: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn set_smtp_config(&mut self, c: &SmtpConfig) -> Result<(), StateError> {
        write_smtp_config(&self.conn, Some(c))
    }

    /// Forget the setting and the subscriptions (the outbox keeps what it holds).
    pub fn remove_smtp_config(&mut self) -> Result<(), StateError> {
        let tx = self.conn.transaction()?;
        write_smtp_config(&tx, None)?;
        tx.execute("DELETE FROM smtp_subscriber", [])?;
        tx.commit()?;
        Ok(())
    }

    pub fn smtp_subscribers(&self) -> Result<Vec<String>, StateError> {
        self.query_all(
            "SELECT email FROM smtp_subscriber ORDER BY email COLLATE NOCASE",
            |r| r.get(0),
        )
    }

    /// Subscribe addresses; the number that were new.
    pub fn add_smtp_subscribers(&mut self, emails: &[String]) -> Result<usize, StateError> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        for e in emails {
            n += tx.execute(
                "INSERT OR IGNORE INTO smtp_subscriber (email) VALUES (?1)",
                params![e],
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Unsubscribe addresses (`None`: all); the number removed.
    pub fn remove_smtp_subscribers(
        &mut self,
        emails: Option<&[String]>,
    ) -> Result<usize, StateError> {
        let tx = self.conn.transaction()?;
        let n = match emails {
            None => tx.execute("DELETE FROM smtp_subscriber", [])?,
            Some(list) => {
                let mut n = 0;
                for e in list {
                    n += tx.execute("DELETE FROM smtp_subscriber WHERE email = ?1", params![e])?;
                }
                n
            }
        };
        tx.commit()?;
        Ok(n)
    }

    /// Put a mail in the outbox, due now.
    pub fn queue_mail(
        &mut self,
        subject: &str,
        body: &str,
        recipients: &[String],
    ) -> Result<i64, StateError> {
        let to = serde_json::to_string(recipients).map_err(|e| StateError::Other(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO mail_outbox (subject, body, recipients) VALUES (?1, ?2, ?3)",
            params![subject, body, to],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every mail in the outbox; with `due_only`, those whose next attempt has come.
    pub fn outbox(&self, due_only: bool) -> Result<Vec<QueuedMail>, StateError> {
        let sql = format!(
            "SELECT id, queued_at, subject, body, recipients, attempts, last_error, next_attempt_at
             FROM mail_outbox {} ORDER BY id",
            if due_only {
                "WHERE next_attempt_at <= strftime('%Y-%m-%d %H:%M:%S', 'now')"
            } else {
                ""
            }
        );
        self.query_all(&sql, |r| {
            let to: String = r.get(4)?;
            Ok(QueuedMail {
                id: r.get(0)?,
                queued_at: r.get(1)?,
                subject: r.get(2)?,
                body: r.get(3)?,
                recipients: serde_json::from_str(&to).unwrap_or_default(),
                attempts: r.get(5)?,
                last_error: r.get(6)?,
                next_attempt_at: r.get(7)?,
            })
        })
    }

    pub fn mail_sent(&mut self, id: i64) -> Result<(), StateError> {
        self.conn
            .execute("DELETE FROM mail_outbox WHERE id = ?1", params![id])?;
        Ok(())
    }

    /// A delivery failed: try again after `retry_secs`.
    pub fn mail_failed(&mut self, id: i64, error: &str, retry_secs: u64) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2,
                 next_attempt_at = strftime('%Y-%m-%d %H:%M:%S', 'now', '+' || ?3 || ' seconds')
             WHERE id = ?1",
            params![id, error, retry_secs as i64],
        )?;
        Ok(())
    }
}

/// Write (or, with `None`, delete) the SMTP setting inside whatever transaction `conn` is in.
pub(in crate::state) fn write_smtp_config(
    conn: &Connection,
    c: Option<&SmtpConfig>,
) -> Result<(), StateError> {
    match c {
        None => {
            conn.execute("DELETE FROM smtp_config", [])?;
        }
        Some(c) => {
            conn.execute(
                "INSERT OR REPLACE INTO smtp_config (id, host, port, security, from_email, use_auth, user)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    c.host,
                    c.port,
                    c.security.map(Security::as_str),
                    c.from_email,
                    c.use_auth,
                    c.user
                ],
            )?;
        }
    }
    Ok(())
}

/// Make the subscriptions exactly `emails` (a subscriber applying the publisher's list).
pub(in crate::state) fn replace_subscribers(
    conn: &Connection,
    emails: &[String],
) -> Result<(), StateError> {
    conn.execute("DELETE FROM smtp_subscriber", [])?;
    for e in emails {
        conn.execute(
            "INSERT OR IGNORE INTO smtp_subscriber (email) VALUES (?1)",
            params![e],
        )?;
    }
    Ok(())
}

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

    /// One node's step of a run, as it ended.
    pub fn record_step(
        &mut self,
        run: i64,
        host: &str,
        side: &str,
        result: &str,
        detail: &str,
        seconds: f64,
    ) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO orchestration_step (run_id, host, side, result, detail, seconds)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![run, host, side, result, detail, seconds],
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

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub host: String,
    pub side: String,
    pub result: String,
    pub detail: String,
    pub seconds: f64,
    pub ended_at: String,
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
                "SELECT host, side, result, detail, seconds, ended_at FROM orchestration_step
                 WHERE run_id = ?1 ORDER BY ended_at, rowid",
            )?;
            let rows = st.query_map(params![run.id], |r| {
                Ok(Step {
                    host: r.get(0)?,
                    side: r.get(1)?,
                    result: r.get(2)?,
                    detail: r.get(3)?,
                    seconds: r.get(4)?,
                    ended_at: r.get(5)?,
                })
            })?;
            run.steps = rows.collect::<Result<_, _>>()?;
        }
        Ok(runs)
    }
}
