//! The SMTP client of e-mail notifications: lettre on rustls. STARTTLS is required when chosen
//! (never silently skipped), implicit TLS speaks TLS from the first byte; the server is
//! trusted through the system's CAs and the node's `trust/`. Text from the server (its
//! replies) is made terminal-safe and bounded before it reaches an error message.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Message, SmtpTransport, Transport};

use crate::secrets::Secret;
use crate::state::notify::Security;

/// How to reach the SMTP server.
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// PEM files of certificates to trust besides the system's.
    pub trust: Vec<PathBuf>,
    pub credentials: Option<(String, Secret)>,
    /// The name this node gives in EHLO.
    pub hello: String,
    pub timeout: Duration,
}

/// One mail.
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("{what} '{value}' is not an e-mail address: {reason}")]
    Address {
        what: &'static str,
        value: String,
        reason: String,
    },
    #[error("cannot reach the SMTP server {server}: {reason}")]
    Unreachable { server: String, reason: String },
    #[error("the TLS connection to the SMTP server {server} failed: {reason}")]
    Tls { server: String, reason: String },
    #[error("the SMTP server {server} refused the login of {user}: {reason}")]
    AuthRefused {
        server: String,
        user: String,
        reason: String,
    },
    #[error("the SMTP server {server} refused the mail: {reason}")]
    Rejected { server: String, reason: String },
}

impl SmtpError {
    pub fn kind(&self) -> crate::op_error::Kind {
        use crate::op_error::Kind;
        match self {
            SmtpError::Address { .. } => Kind::Invalid,
            SmtpError::Unreachable { .. } => Kind::Unreachable,
            SmtpError::Tls { .. } => Kind::Untrusted,
            SmtpError::AuthRefused { .. } => Kind::Refused,
            SmtpError::Rejected { .. } => Kind::Peer,
        }
    }

    pub fn remedy(&self) -> String {
        match self {
            SmtpError::Address { .. } => "give addresses as name@domain".into(),
            SmtpError::Unreachable { .. } => {
                "check set smtp-host (host and port) and that the server accepts connections from this node".into()
            }
            SmtpError::Tls { .. } => {
                "trust the server's CA with utils cert import FILE, or choose the right --security (starttls on 587, tls on 465)".into()
            }
            SmtpError::AuthRefused { .. } => "check set smtp-user and set smtp-pswd".into(),
            SmtpError::Rejected { .. } => {
                "check set smtp-from-email and the subscribed addresses (utils smtp show subscriptions)".into()
            }
        }
    }
}

fn mailbox(what: &'static str, s: &str) -> Result<Mailbox, SmtpError> {
    s.parse()
        .map_err(|e: lettre::address::AddressError| SmtpError::Address {
            what,
            value: crate::text::terminal_safe(s).into_owned(),
            reason: e.to_string(),
        })
}

/// An address as the notifications accept it: one plain `name@domain`.
pub fn check_address(s: &str) -> Result<(), SmtpError> {
    s.parse::<lettre::Address>()
        .map(|_| ())
        .map_err(|e| SmtpError::Address {
            what: "address",
            value: crate::text::terminal_safe(s).into_owned(),
            reason: e.to_string(),
        })
}

fn transport(s: &Server) -> Result<SmtpTransport, SmtpError> {
    let server = format!("{}:{}", s.host, s.port);
    let mut builder = SmtpTransport::builder_dangerous(s.host.as_str())
        .port(s.port)
        .timeout(Some(s.timeout))
        .hello_name(ClientId::Domain(s.hello.clone()));
    if s.security != Security::None {
        let mut params = TlsParameters::builder(s.host.clone());
        for f in &s.trust {
            use rustls_pki_types::pem::PemObject;
            // A file may hold several certificates; lettre takes them one by one.
            let Ok(certs) = rustls_pki_types::CertificateDer::pem_file_iter(f) else {
                continue;
            };
            for der in certs.flatten() {
                if let Ok(c) = Certificate::from_der(der.to_vec()) {
                    params = params.add_root_certificate(c);
                }
            }
        }
        let params = params.build_rustls().map_err(|e| SmtpError::Tls {
            server: server.clone(),
            reason: e.to_string(),
        })?;
        builder = builder.tls(match s.security {
            Security::Tls => Tls::Wrapper(params),
            _ => Tls::Required(params),
        });
    }
    if let Some((user, password)) = &s.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    Ok(builder.build())
}

/// What went wrong, from lettre's error: the server's own words made safe to show.
fn classify(s: &Server, e: lettre::transport::smtp::Error) -> SmtpError {
    let server = format!("{}:{}", s.host, s.port);
    let mut reason = crate::text::terminal_safe(&super::error_chain(&e)).into_owned();
    reason.truncate(300);
    let code = e.status().map(|c| c.to_string());
    if e.is_tls() {
        return SmtpError::Tls { server, reason };
    }
    if code.as_deref().is_some_and(|c| c.starts_with("53")) || reason.contains("authentication") {
        if let Some((user, _)) = &s.credentials {
            return SmtpError::AuthRefused {
                server,
                user: user.clone(),
                reason,
            };
        }
    }
    if e.is_response() || e.is_permanent() || e.is_transient() {
        return SmtpError::Rejected { server, reason };
    }
    if reason.contains("certificate") || reason.contains("InvalidCertificate") {
        return SmtpError::Tls { server, reason };
    }
    SmtpError::Unreachable { server, reason }
}

/// Connect, protect, log in and say NOOP: the server would take a mail from this node.
pub fn check(s: &Server) -> Result<(), SmtpError> {
    let t = transport(s)?;
    match t.test_connection() {
        Ok(true) => Ok(()),
        Ok(false) => Err(SmtpError::Unreachable {
            server: format!("{}:{}", s.host, s.port),
            reason: "the connection closed".into(),
        }),
        Err(e) => Err(classify(s, e)),
    }
}

/// Deliver one mail.
pub fn send(s: &Server, mail: &Mail) -> Result<(), SmtpError> {
    let mut m = Message::builder()
        .from(mailbox("sender", &mail.from)?)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN);
    for to in &mail.to {
        m = m.to(mailbox("recipient", to)?);
    }
    let message = m.body(mail.body.clone()).map_err(|e| SmtpError::Address {
        what: "mail",
        value: String::new(),
        reason: e.to_string(),
    })?;
    transport(s)?
        .send(&message)
        .map(|_| ())
        .map_err(|e| classify(s, e))
}
