//! The tables of e-mail notifications: the SMTP setting and subscribed addresses (cluster-wide,
//! replicated by triggers) and this node's outbox of mails waiting to be delivered.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::db::Db;
use super::StateError;

/// The secret slot of the SMTP password (the change-log trigger of `secret_slot` knows it).
pub const PASSWORD_SLOT: &str = "smtp-password";

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
    /// The setting, the subscriptions and the password go together; returns the name of the
    /// password's secret, no longer in use.
    pub fn remove_smtp_config(&mut self) -> Result<Option<String>, StateError> {
        let tx = self.conn.transaction()?;
        write_smtp_config(&tx, None)?;
        tx.execute("DELETE FROM smtp_subscriber", [])?;
        let old = super::replication::point_slot(&tx, PASSWORD_SLOT, None)?;
        tx.commit()?;
        Ok(old)
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

    /// This node's outbox.
    pub fn mail_outbox(&self) -> Outbox<'_> {
        Outbox(&self.conn)
    }

    /// Put a mail in the outbox, due now.
    pub fn queue_mail(
        &mut self,
        subject: &str,
        body: &str,
        recipients: &[String],
    ) -> Result<i64, StateError> {
        self.mail_outbox().queue(subject, body, recipients)
    }

    /// Every mail in the outbox; with `due_only`, those whose next attempt has come.
    pub fn outbox(&self, due_only: bool) -> Result<Vec<QueuedMail>, StateError> {
        self.mail_outbox().list(due_only)
    }

    pub fn mail_sent(&mut self, id: i64) -> Result<(), StateError> {
        self.mail_outbox().sent(id)
    }

    /// A delivery failed: try again after `retry_secs`.
    pub fn mail_failed(&mut self, id: i64, error: &str, retry_secs: u64) -> Result<(), StateError> {
        self.mail_outbox().failed(id, error, retry_secs)
    }
}

/// An outbox of mails waiting to be delivered: the `mail_outbox` table, the same in a node's
/// database and in the hub's (its alerts), so both deliver through one piece of code
/// (`ops::notify::deliver_due`).
pub struct Outbox<'a>(pub &'a Connection);

impl Outbox<'_> {
    /// Put a mail in the outbox, due now; its id.
    pub fn queue(
        &self,
        subject: &str,
        body: &str,
        recipients: &[String],
    ) -> Result<i64, StateError> {
        let to = serde_json::to_string(recipients).map_err(|e| StateError::Other(e.to_string()))?;
        self.0.execute(
            "INSERT INTO mail_outbox (subject, body, recipients) VALUES (?1, ?2, ?3)",
            params![subject, body, to],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// Every mail in the outbox; with `due_only`, those whose next attempt has come.
    pub fn list(&self, due_only: bool) -> Result<Vec<QueuedMail>, StateError> {
        let sql = format!(
            "SELECT id, queued_at, subject, body, recipients, attempts, last_error, next_attempt_at
             FROM mail_outbox {} ORDER BY id",
            if due_only {
                "WHERE next_attempt_at <= strftime('%Y-%m-%d %H:%M:%S', 'now')"
            } else {
                ""
            }
        );
        let mut st = self.0.prepare(&sql)?;
        let rows = st.query_map([], |r| {
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
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The mail was delivered: it leaves the outbox.
    pub fn sent(&self, id: i64) -> Result<(), StateError> {
        self.0
            .execute("DELETE FROM mail_outbox WHERE id = ?1", params![id])?;
        Ok(())
    }

    /// A delivery failed: try again after `retry_secs`.
    pub fn failed(&self, id: i64, error: &str, retry_secs: u64) -> Result<(), StateError> {
        self.0.execute(
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
