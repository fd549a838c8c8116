//! E-mail notifications (Cisco's `set smtp-*`, `utils smtp`): the SMTP server and the
//! subscribed addresses are the cluster's (set on the publisher, replicated); a notification is
//! put in this node's outbox and delivered by its service, retried with back-off until it
//! lands, so a mail never blocks or fails the operation it reports.

use std::time::Duration;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::smtp::{self, Mail, Server};
use crate::secrets::Secret;
use crate::state::notify::{Outbox, QueuedMail, Security, SmtpConfig};

/// The SMTP password's name in the secret store.
pub const PASSWORD_SECRET: &str = crate::state::notify::PASSWORD_SLOT;
/// How long one SMTP exchange may take.
const TIMEOUT: Duration = Duration::from_secs(15);
/// The longest wait between two attempts at a mail.
const MAX_RETRY: Duration = Duration::from_secs(3600);

/// SMTP settings change on the publisher only (they replicate).
fn require_writer(node: &mut Node) -> OpResult {
    let subscriber = node.identity()?.role == crate::domain::Role::Subscriber;
    node.require_cloud_connect(true).map_err(|e| {
        if subscriber {
            e.hint("the SMTP settings are changed on the publisher and replicate to this node")
        } else {
            e
        }
    })
}

/// The setting, empty when nothing is set.
pub fn config(node: &mut Node) -> OpResult<SmtpConfig> {
    Ok(node.db()?.smtp_config()?.unwrap_or_default())
}

/// Whether the SMTP password is in the secret store (never the password itself).
pub fn password_set(node: &mut Node) -> OpResult<bool> {
    Ok(password(node)?.is_some())
}

/// The SMTP password in use, if one is set.
pub fn password(node: &mut Node) -> OpResult<Option<Secret>> {
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.slot(db, PASSWORD_SECRET)?)
}

fn update(node: &mut Node, f: impl FnOnce(&mut SmtpConfig)) -> OpResult<SmtpConfig> {
    require_writer(node)?;
    let mut c = config(node)?;
    f(&mut c);
    node.db()?.set_smtp_config(&c)?;
    super::cluster::changed(node);
    Ok(c)
}

/// The default port of a kind of protection.
pub fn default_port(security: Security) -> u16 {
    match security {
        Security::Starttls => 587,
        Security::Tls => 465,
        Security::None => 25,
    }
}

/// `set smtp-host HOST[:PORT] [--security ...]`: without --security, port 465 means implicit
/// TLS and any other STARTTLS.
pub fn set_host(node: &mut Node, host: &str, security: Option<Security>) -> OpResult<SmtpConfig> {
    let (name, port) = crate::names::split_host_port(host)
        .map_err(|w| OpError::new(Kind::Invalid, format!("'{host}' is not HOST[:PORT]: {w}")))?;
    let port: Option<u16> = match port {
        Some(p) => Some(p.parse().ok().filter(|p| *p > 0).ok_or_else(|| {
            OpError::new(Kind::Invalid, format!("'{p}' is not a port (1-65535)"))
        })?),
        None => None,
    };
    crate::names::validate_host(name)
        .map_err(|w| OpError::new(Kind::Invalid, format!("'{name}' is not a host name: {w}")))?;
    let security = security.unwrap_or(if port == Some(465) {
        Security::Tls
    } else {
        Security::Starttls
    });
    let port = port.unwrap_or(default_port(security));
    let name = name.to_owned();
    update(node, |c| {
        c.host = Some(name);
        c.port = Some(port);
        c.security = Some(security);
    })
}

pub fn set_from(node: &mut Node, email: &str) -> OpResult<SmtpConfig> {
    smtp::check_address(email)?;
    let email = email.to_owned();
    update(node, |c| c.from_email = Some(email))
}

pub fn set_use_auth(node: &mut Node, on: bool) -> OpResult<SmtpConfig> {
    update(node, |c| c.use_auth = on)
}

pub fn set_user(node: &mut Node, user: &str) -> OpResult<SmtpConfig> {
    if user.is_empty() || user.len() > 256 || user.chars().any(char::is_control) {
        return Err(OpError::new(
            Kind::Invalid,
            "the SMTP user name must be 1-256 characters without control characters",
        ));
    }
    let user = user.to_owned();
    update(node, |c| c.user = Some(user))
}

/// `set smtp-pswd`: into the secret store; the change is logged for replication.
pub fn set_password(node: &mut Node, password: &Secret) -> OpResult {
    require_writer(node)?;
    if password.expose().is_empty() {
        return Err(OpError::new(Kind::Invalid, "the password is empty"));
    }
    // The password and its change-log entry are one transaction.
    let (db, secrets) = node.db_and_secrets()?;
    secrets.switch(db, PASSWORD_SECRET, Some(password), |db, name| {
        OpResult::Ok(db.switch_secret(PASSWORD_SECRET, name, &[])?)
    })?;
    super::cluster::changed(node);
    Ok(())
}

/// `utils smtp remove-config`: the setting, the password and the subscriptions go.
pub fn remove(node: &mut Node) -> OpResult {
    require_writer(node)?;
    let (db, secrets) = node.db_and_secrets()?;
    secrets.switch(db, PASSWORD_SECRET, None, |db, _| {
        OpResult::Ok(db.remove_smtp_config()?)
    })?;
    super::cluster::changed(node);
    Ok(())
}

/// The addresses of a comma-separated list, each checked; duplicates once.
pub fn parse_list(list: &str) -> OpResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for a in list.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        smtp::check_address(a)?;
        if !out.iter().any(|o| o.eq_ignore_ascii_case(a)) {
            out.push(a.to_owned());
        }
    }
    if out.is_empty() {
        return Err(OpError::new(Kind::Invalid, "no address given")
            .hint("give addresses separated by commas: a@example.com,b@example.com"));
    }
    Ok(out)
}

/// Subscribe addresses; how many were new.
pub fn subscribe(node: &mut Node, list: &str) -> OpResult<usize> {
    require_writer(node)?;
    let emails = parse_list(list)?;
    let n = node.db()?.add_smtp_subscribers(&emails)?;
    super::cluster::changed(node);
    Ok(n)
}

/// Unsubscribe addresses (`all`: every one); how many were removed.
pub fn unsubscribe(node: &mut Node, list: &str) -> OpResult<usize> {
    require_writer(node)?;
    let n = if list.trim().eq_ignore_ascii_case("all") {
        node.db()?.remove_smtp_subscribers(None)?
    } else {
        let emails = parse_list(list)?;
        node.db()?.remove_smtp_subscribers(Some(&emails))?
    };
    super::cluster::changed(node);
    Ok(n)
}

/// The commands that set each part of an SMTP setting, named when a part is missing (the
/// node's `set smtp-*`, the hub's `hub smtp set`).
pub struct SetBy {
    pub host: &'static str,
    pub from: &'static str,
    pub user: &'static str,
    pub password: &'static str,
    /// How to protect the connection, or log in no more, when a password would go in clear.
    pub clear_auth: &'static str,
}

/// The node's commands.
const NODE_SET_BY: SetBy = SetBy {
    host: "set smtp-host HOST[:PORT]",
    from: "set smtp-from-email ADDRESS",
    user: "set smtp-user NAME",
    password: "set smtp-pswd",
    clear_auth: "set smtp-host HOST --security starttls (or tls), or set smtp-use-auth disable",
};

/// The server as the setting describes it, and the sender.
pub fn server(node: &mut Node) -> OpResult<(Server, String)> {
    let c = config(node)?;
    let hello = crate::names::split_host_port(&node.identity()?.hostname)
        .map(|(h, _)| h.to_owned())
        .unwrap_or_else(|_| "localhost".into());
    let trust = crate::clients::cloud_connect::trust_files(node.root());
    server_from(&c, || password(node), trust, hello, &NODE_SET_BY)
}

/// The server an SMTP setting describes (the password read only when it logs in), and the
/// sender: what the node's and the hub's mails are sent through.
pub fn server_from(
    c: &SmtpConfig,
    password: impl FnOnce() -> OpResult<Option<Secret>>,
    trust: Vec<std::path::PathBuf>,
    hello: String,
    set_by: &SetBy,
) -> OpResult<(Server, String)> {
    let missing = |what: &str, cmd: &str| {
        OpError::new(Kind::NotConfigured, format!("the SMTP {what} is not set"))
            .hint(format!("set it with: {cmd}"))
    };
    let host = c.host.clone().ok_or_else(|| missing("host", set_by.host))?;
    let from = c
        .from_email
        .clone()
        .ok_or_else(|| missing("sender address", set_by.from))?;
    let security = c.security.unwrap_or(Security::Starttls);
    let credentials = if c.use_auth {
        if security == Security::None {
            return Err(OpError::new(
                Kind::Invalid,
                "authentication is enabled but the SMTP connection has no TLS: the password would travel in clear",
            )
            .hint(set_by.clear_auth));
        }
        let user = c.user.clone().ok_or_else(|| missing("user", set_by.user))?;
        let pw = password()?.ok_or_else(|| missing("password", set_by.password))?;
        Some((user, pw))
    } else {
        None
    };
    Ok((
        Server {
            host,
            port: c.port.unwrap_or(default_port(security)),
            security,
            trust,
            credentials,
            hello,
            timeout: TIMEOUT,
        },
        from,
    ))
}

/// `utils smtp test-connection`: connect, TLS, log in, NOOP.
pub fn test(node: &mut Node) -> OpResult<String> {
    let (s, _) = server(node)?;
    smtp::check(&s)?;
    Ok(format!("{}:{}", s.host, s.port))
}

/// The subscribed addresses.
pub fn subscribers(node: &mut Node) -> OpResult<Vec<String>> {
    Ok(node.db()?.smtp_subscribers()?)
}

/// Who receives notifications, and the mails this node has not delivered yet.
pub struct Subscriptions {
    pub subscribers: Vec<String>,
    /// The outbox, oldest first.
    pub waiting: Vec<QueuedMail>,
}

/// `utils smtp show subscriptions`: the subscribed addresses and the outbox.
pub fn subscriptions(node: &mut Node) -> OpResult<Subscriptions> {
    let subscribers = subscribers(node)?;
    let waiting = node.db()?.outbox(false)?;
    Ok(Subscriptions {
        subscribers,
        waiting,
    })
}

/// Send a test mail now, to `to` (default: every subscriber).
pub fn send_test(node: &mut Node, to: Vec<String>) -> OpResult<usize> {
    let (s, from) = server(node)?;
    let host = node.identity()?.hostname;
    let mail = Mail {
        from,
        subject: subject(node, "SMTP test", "Success")?,
        body: format!(
            "This is a test mail from ccadmin on {host}: notifications reach this address.\n"
        ),
        to,
    };
    smtp::send(&s, &mail)?;
    Ok(mail.to.len())
}

/// `<deploymentName>: <operation> <status>`, or without a deployment name `<operation> <status>`.
fn subject(node: &mut Node, operation: &str, status: &str) -> OpResult<String> {
    let name = node.db()?.inventory()?.deployment_name;
    Ok(match name.filter(|n| !n.is_empty()) {
        Some(n) => format!("{n}: {operation} {status}"),
        None => format!("{operation} {status}"),
    })
}

/// Queue a notification for every subscriber: subject `<deploymentName>: <operation>
/// <status>`, body the table. Nothing is queued (Ok(false)) without a server or subscribers.
/// Callers never fail their operation on its error; the service delivers the mail.
pub fn notify(
    node: &mut Node,
    operation: &str,
    status: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> OpResult<bool> {
    let c = config(node)?;
    let to = subscribers(node)?;
    if c.host.is_none() || c.from_email.is_none() || to.is_empty() {
        return Ok(false);
    }
    let host = node.identity()?.hostname;
    let subject = subject(node, operation, status)?;
    let body = format!(
        "{subject}\n\n{}\n\nSent by ccadmin on {host}.\n",
        crate::text::plain_table(headers, rows)
    );
    node.db()?.queue_mail(&subject, &body, &to)?;
    super::cluster::changed(node);
    Ok(true)
}

/// What one delivery attempt did (`id`: the mail's in its outbox).
pub enum Delivery {
    Sent {
        id: i64,
        subject: String,
        to: usize,
    },
    Failed {
        id: i64,
        subject: String,
        error: OpError,
        retry: Duration,
    },
}

impl std::fmt::Display for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Delivery::Sent { subject, to, .. } => {
                write!(f, "mail sent to {to} address(es): {subject}")
            }
            Delivery::Failed {
                subject,
                error,
                retry,
                ..
            } => write!(
                f,
                "mail not delivered, trying again in {}s: {subject}: {error}",
                retry.as_secs()
            ),
        }
    }
}

/// Deliver the mails whose time has come; a failure waits `base` × 2^attempts (at most an
/// hour) before the next try.
pub fn deliver(node: &mut Node, base: Duration) -> OpResult<Vec<Delivery>> {
    if node.db()?.outbox(true)?.is_empty() {
        return Ok(Vec::new());
    }
    let server = server(node);
    let cancel = node.cancel.clone();
    deliver_due(&node.db()?.mail_outbox(), &server, base, &cancel)
}

/// One attempt at each mail of `outbox` whose time has come, through `server` (or its
/// error, recorded on each mail): a delivered mail leaves the outbox, a failed one waits
/// `base` × 2^attempts (at most an hour). The node's service and the hub's chores both
/// deliver through this.
pub fn deliver_due(
    outbox: &Outbox<'_>,
    server: &OpResult<(Server, String)>,
    base: Duration,
    cancel: &crate::cancel::Cancel,
) -> OpResult<Vec<Delivery>> {
    let mut out = Vec::new();
    for m in outbox.list(true)? {
        cancel.check()?;
        let result = server
            .as_ref()
            .map_err(|e| OpError::new(e.kind, e.message.clone()))
            .and_then(|(s, from)| {
                let mail = Mail {
                    from: from.clone(),
                    to: m.recipients.clone(),
                    subject: m.subject.clone(),
                    body: m.body.clone(),
                };
                Ok(smtp::send(s, &mail)?)
            });
        match result {
            Ok(()) => {
                outbox.sent(m.id)?;
                out.push(Delivery::Sent {
                    id: m.id,
                    subject: m.subject,
                    to: m.recipients.len(),
                });
            }
            Err(error) => {
                let retry = base
                    .saturating_mul(1u32 << m.attempts.clamp(0, 12) as u32)
                    .min(MAX_RETRY);
                outbox.failed(m.id, &error.to_string(), retry.as_secs().max(1))?;
                out.push(Delivery::Failed {
                    id: m.id,
                    subject: m.subject,
                    error,
                    retry,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;
    use crate::ops::Stores;
    use crate::state::StateDir;

    const INVENTORY: &str = "---\ninventory:\n  VOS:\n    Finesse: {}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"pg1a\"\n          side: \"A\"\n          user: \"root\"\n  deploymentName: \"Lab-East\"\n  deploymentType: \"UCCE-2000-Agents\"\n";

    /// A notification is queued only with a server, a sender and subscribers; its subject
    /// names the deployment when the inventory has a name, and its body is the table.
    #[test]
    fn a_notification_names_the_deployment_and_carries_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let mut node = Node::new(
            StateDir::new(dir.path().to_path_buf(), "cc1".into()),
            Stores::default(),
            Cancel::new(),
        );
        let row = vec![vec!["/12.6/a.cop".to_owned(), "10".to_owned()]];
        assert!(!notify(&mut node, "Software download", "ok", &["A", "B"], &row).unwrap());
        set_host(&mut node, "smtp.example.com", None).unwrap();
        set_from(&mut node, "cc@example.com").unwrap();
        assert!(!notify(&mut node, "Software download", "ok", &["A", "B"], &row).unwrap());
        subscribe(&mut node, "ops@example.com").unwrap();
        assert!(notify(&mut node, "Software download", "ok", &["A", "B"], &row).unwrap());
        let plan = super::super::inventory::prepare_import(&mut node, INVENTORY.as_bytes())
            .unwrap()
            .unwrap();
        super::super::inventory::apply_import(&mut node, &plan, "admin", "test").unwrap();
        assert!(notify(&mut node, "Upgrade", "Success", &["A", "B"], &row).unwrap());
        let out = node.db().unwrap().outbox(false).unwrap();
        assert_eq!(out[0].subject, "Software download ok");
        assert_eq!(out[1].subject, "Lab-East: Upgrade Success");
        assert!(out[1].body.contains("/12.6/a.cop"), "{}", out[1].body);
        assert_eq!(out[1].recipients, ["ops@example.com"]);
    }
}
