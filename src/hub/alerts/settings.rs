//! The hub's mail setting for its alerts: its own SMTP server (the same `SmtpConfig` and
//! client the nodes use; the password in the hub directory's owner-only `secrets` file, never
//! in the database), the subscribed addresses, how long a node is offline before it is
//! alerted and the hour of the daily digest.

use std::path::PathBuf;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{DEFAULT_DIGEST_HOUR, DEFAULT_OFFLINE_AFTER, MAX_QUEUED};
use crate::clients::smtp::{self, Mail, Server};
use crate::hub::{storage, Hub};
use crate::ops::notify::{self, SetBy};
use crate::ops::{Kind, OpError, OpResult};
use crate::secrets::{FileStore, Secret, SecretBackend};
use crate::state::notify::{QueuedMail, Security, SmtpConfig};

/// The SMTP password's name in the hub's `secrets` file.
pub const SMTP_PASSWORD_SECRET: &str = "hub-smtp-password";

/// The hub's commands, named when a part of the setting is missing.
const HUB_SET_BY: SetBy = SetBy {
    host: "ccadmin hub smtp set --host HOST",
    from: "ccadmin hub smtp set --from ADDRESS",
    user: "ccadmin hub smtp set --user NAME",
    password: "ccadmin hub smtp set --user NAME (the password is asked)",
    clear_auth: "ccadmin hub smtp set --security starttls (or tls), or --no-user",
};

/// What `hub smtp set` changes (what is not given stays).
#[derive(Debug, Clone, Default)]
pub struct SmtpChange {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub from: Option<String>,
    /// `Some(Some(user, password))`: log in; `Some(None)`: log in no more.
    pub login: Option<Option<(String, Secret)>>,
}

/// The alert settings as `hub smtp show` and `hub alerts list` show them (never the password).
#[derive(Debug, Clone, Serialize)]
pub struct AlertSettings {
    pub smtp: SmtpConfig,
    pub password_set: bool,
    pub subscribers: Vec<String>,
    /// Minutes a node is offline before it is alerted.
    pub offline_after: u64,
    /// The hour (UTC) of the daily digest.
    pub digest_hour: u8,
    /// The mails not delivered yet, oldest first.
    pub waiting: Vec<QueuedMail>,
}

fn meta(conn: &Connection, key: &str) -> OpResult<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
        r.get(0)
    })
    .optional()
    .map_err(storage)
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> OpResult {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![key, value],
    )
    .map_err(storage)?;
    Ok(())
}

pub(super) fn smtp_config(conn: &Connection) -> OpResult<SmtpConfig> {
    Ok(meta(conn, "smtp")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

pub(super) fn subscribers(conn: &Connection) -> OpResult<Vec<String>> {
    let mut st = conn
        .prepare("SELECT email FROM alert_subscriber ORDER BY email COLLATE NOCASE")
        .map_err(storage)?;
    let rows = st.query_map([], |r| r.get(0)).map_err(storage)?;
    rows.collect::<Result<_, _>>().map_err(storage)
}

/// Whom an alert raised now is mailed to, or why it is not mailed.
pub(super) enum MailPlan {
    To(Vec<String>),
    NotSent(String),
}

pub(super) fn mail_plan(conn: &Connection) -> OpResult<MailPlan> {
    let c = smtp_config(conn)?;
    if c.host.is_none() || c.from_email.is_none() {
        return Ok(MailPlan::NotSent(
            "no SMTP server is set (ccadmin hub smtp set --host HOST --from ADDRESS)".into(),
        ));
    }
    let to = subscribers(conn)?;
    if to.is_empty() {
        return Ok(MailPlan::NotSent(
            "nobody is subscribed (ccadmin hub alerts subscribe ADDRESS)".into(),
        ));
    }
    let queued: i64 = conn
        .query_row("SELECT COUNT(*) FROM mail_outbox", [], |r| r.get(0))
        .map_err(storage)?;
    if queued >= MAX_QUEUED {
        return Ok(MailPlan::NotSent(format!(
            "the outbox holds {MAX_QUEUED} mails not delivered yet (ccadmin hub smtp test)"
        )));
    }
    Ok(MailPlan::To(to))
}

impl Hub {
    fn secrets_file(&self) -> FileStore {
        FileStore::new(&self.dir)
    }

    /// The alert settings and the mails waiting.
    pub fn alert_settings(&self) -> OpResult<AlertSettings> {
        Ok(AlertSettings {
            smtp: smtp_config(&self.conn)?,
            password_set: self.smtp_password()?.is_some(),
            subscribers: subscribers(&self.conn)?,
            offline_after: self.offline_after()?,
            digest_hour: self.digest_hour()?,
            waiting: crate::state::notify::Outbox(&self.conn).list(false)?,
        })
    }

    fn smtp_password(&self) -> OpResult<Option<Secret>> {
        Ok(self.secrets_file().get(SMTP_PASSWORD_SECRET)?)
    }

    /// `hub smtp set`: change the parts given; a login's password goes to the `secrets` file.
    pub fn set_smtp(&mut self, change: SmtpChange) -> OpResult<SmtpConfig> {
        let mut c = smtp_config(&self.conn)?;
        if let Some(host) = change.host {
            crate::names::validate_host(&host).map_err(|w| {
                OpError::new(Kind::Invalid, format!("'{host}' is not a host name: {w}"))
            })?;
            c.host = Some(host);
        }
        if let Some(security) = change.security {
            c.security = Some(security);
        }
        match change.port {
            Some(0) => return Err(OpError::new(Kind::Invalid, "the port must be 1-65535")),
            Some(p) => c.port = Some(p),
            None if c.port.is_none() => {
                c.port = Some(notify::default_port(
                    c.security.unwrap_or(Security::Starttls),
                ))
            }
            None => {}
        }
        if let Some(from) = change.from {
            smtp::check_address(&from).map_err(|e| OpError::new(e.kind(), e.to_string()))?;
            c.from_email = Some(from);
        }
        match change.login {
            Some(Some((user, password))) => {
                if user.is_empty() || user.len() > 256 || user.chars().any(char::is_control) {
                    return Err(OpError::new(
                        Kind::Invalid,
                        "the SMTP user name must be 1-256 characters without control characters",
                    ));
                }
                if password.expose().is_empty() {
                    return Err(OpError::new(Kind::Invalid, "the password is empty"));
                }
                self.secrets_file().put(SMTP_PASSWORD_SECRET, &password)?;
                c.user = Some(user);
                c.use_auth = true;
            }
            Some(None) => {
                self.secrets_file().delete(SMTP_PASSWORD_SECRET)?;
                c.user = None;
                c.use_auth = false;
            }
            None => {}
        }
        if c.use_auth && c.security == Some(Security::None) {
            return Err(OpError::new(
                Kind::Invalid,
                "a login needs TLS: the password would travel in clear",
            )
            .hint("give --security starttls (or tls), or --no-user"));
        }
        let json = serde_json::to_string(&c).map_err(storage)?;
        set_meta(&self.conn, "smtp", &json)?;
        Ok(c)
    }

    /// The server the hub's setting describes, and the sender.
    pub(super) fn smtp_server(&self) -> OpResult<(Server, String)> {
        let c = smtp_config(&self.conn)?;
        let hello = self
            .address()?
            .and_then(|a| {
                let rest = a.strip_prefix("https://")?.to_owned();
                crate::names::split_host_port(&rest)
                    .ok()
                    .map(|(h, _)| h.to_owned())
            })
            .unwrap_or_else(|| "localhost".into());
        let trust: Vec<PathBuf> = crate::clients::cloud_connect::own_trust_files(&self.dir);
        notify::server_from(&c, || self.smtp_password(), trust, hello, &HUB_SET_BY)
    }

    /// `hub smtp test`: connect, protect, log in and say NOOP, then send a test mail to the
    /// subscribers (if any); the server and how many were sent to.
    pub fn smtp_test(&self) -> OpResult<(String, usize)> {
        let (s, from) = self.smtp_server()?;
        let hub_error = |e: smtp::SmtpError| {
            OpError::new(e.kind(), e.to_string())
                .hint("check ccadmin hub smtp show, and trust the server's CA in HUB_DIR/trust/")
        };
        smtp::check(&s).map_err(hub_error)?;
        let to = subscribers(&self.conn)?;
        if !to.is_empty() {
            let mail = Mail {
                from,
                to: to.clone(),
                subject: "ccadmin hub: SMTP test".into(),
                body: "This is a test mail from the ccadmin hub: its alerts reach this address.\n"
                    .into(),
            };
            smtp::send(&s, &mail).map_err(hub_error)?;
        }
        Ok((format!("{}:{}", s.host, s.port), to.len()))
    }

    /// Subscribe addresses (comma-separated); how many were new.
    pub fn alert_subscribe(&mut self, list: &str) -> OpResult<usize> {
        let mut n = 0;
        for e in notify::parse_list(list)? {
            n += self
                .conn
                .execute(
                    "INSERT OR IGNORE INTO alert_subscriber (email) VALUES (?1)",
                    params![e],
                )
                .map_err(storage)?;
        }
        Ok(n)
    }

    /// Unsubscribe addresses (`all`: every one); how many were removed.
    pub fn alert_unsubscribe(&mut self, list: &str) -> OpResult<usize> {
        if list.trim().eq_ignore_ascii_case("all") {
            return self
                .conn
                .execute("DELETE FROM alert_subscriber", [])
                .map_err(storage);
        }
        let mut n = 0;
        for e in notify::parse_list(list)? {
            n += self
                .conn
                .execute("DELETE FROM alert_subscriber WHERE email = ?1", params![e])
                .map_err(storage)?;
        }
        Ok(n)
    }

    /// Minutes a node is offline before it is alerted.
    pub fn offline_after(&self) -> OpResult<u64> {
        Ok(meta(&self.conn, "alerts.offline_after")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_OFFLINE_AFTER))
    }

    /// `hub alerts set offline-after MINUTES` (1 to a week).
    pub fn set_offline_after(&mut self, minutes: u64) -> OpResult {
        if !(1..=10080).contains(&minutes) {
            return Err(OpError::new(
                Kind::Invalid,
                "offline-after must be 1 to 10080 minutes (a week)",
            ));
        }
        set_meta(&self.conn, "alerts.offline_after", &minutes.to_string())
    }

    /// The hour (UTC) of the daily digest.
    pub fn digest_hour(&self) -> OpResult<u8> {
        Ok(meta(&self.conn, "alerts.digest_hour")?
            .and_then(|v| v.parse().ok())
            .filter(|h| *h < 24)
            .unwrap_or(DEFAULT_DIGEST_HOUR))
    }

    /// `hub alerts set digest-hour HOUR` (0-23, UTC).
    pub fn set_digest_hour(&mut self, hour: u8) -> OpResult {
        if hour > 23 {
            return Err(OpError::new(
                Kind::Invalid,
                "digest-hour must be an hour 0-23 (UTC)",
            ));
        }
        set_meta(&self.conn, "alerts.digest_hour", &hour.to_string())
    }
}
