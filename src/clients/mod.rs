//! Clients of the peers ccadmin talks to. Each is built from plain configuration (host, port,
//! paths, timeouts), so tests point them at loopback servers, and each has its own typed error
//! carrying host, path or URL — never a secret.

pub mod artifactory;
pub mod cloud_connect;
pub mod hub;
pub mod smtp;
pub mod ssh;

use tokio_rustls::rustls::{CertificateError, Error as TlsError};

/// Why a certificate was not accepted, told apart by the TLS library's own error values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// Signed by a CA this node does not trust.
    UnknownIssuer,
    Expired,
    /// Not issued for the host name in the URL.
    WrongName,
    Other,
}

/// What failed below HTTP, found by walking the error's causes for the typed errors of the
/// TLS library and the operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tls(TlsProblem),
    Refused,
    TimedOut,
    /// Name resolution, a proxy, or a connection that failed otherwise.
    Other,
}

/// The causes of `e`, outermost first, as one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.ends_with(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// Classify a failed HTTP request.
pub fn transport(e: &reqwest::Error) -> Transport {
    match find(e) {
        Some(t) => t,
        None if e.is_timeout() => Transport::TimedOut,
        None => Transport::Other,
    }
}

/// Search an error and its causes. An `io::Error` that wraps another error reports that
/// error's *source* as its own, skipping the wrapped error itself (hyper wraps rustls's error
/// in two of them), so wrapped errors are searched through `get_ref` as well.
fn find(e: &(dyn std::error::Error + 'static)) -> Option<Transport> {
    if let Some(t) = e.downcast_ref::<TlsError>() {
        return Some(Transport::Tls(tls_problem(t)));
    }
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        if let Some(t) = io.get_ref().and_then(|inner| find(inner)) {
            return Some(t);
        }
        match io.kind() {
            std::io::ErrorKind::ConnectionRefused => return Some(Transport::Refused),
            std::io::ErrorKind::TimedOut => return Some(Transport::TimedOut),
            _ => {}
        }
    }
    e.source().and_then(find)
}

fn tls_problem(e: &TlsError) -> TlsProblem {
    match e {
        TlsError::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => TlsProblem::UnknownIssuer,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsProblem::Expired
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsProblem::WrongName
            }
            _ => TlsProblem::Other,
        },
        _ => TlsProblem::Other,
    }
}
