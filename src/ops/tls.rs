//! The service's TLS certificate (rule R11 in docs/rules.md#r11): `<state>/tls/cert.pem` and
//! `key.pem`, self-signed on first start with the node's FQDN in the subject alternative names,
//! unless the administrator put their own there.
//!
//! It sits in `ops` (it was `serve::tls`) because `ops::certs` makes it as well as the node
//! service and the hub, and the operations must not import the servers; `serve::tls` still
//! names it.

use std::path::{Path, PathBuf};

/// Why the service certificate could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{0}")]
    Dir(crate::state::StateError),
    #[error("cannot make the certificate: {0}")]
    Params(rcgen::Error),
    #[error("cannot make the key: {0}")]
    Key(rcgen::Error),
    #[error("cannot sign the certificate: {0}")]
    Sign(rcgen::Error),
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// For the callers whose own errors are still text (the node service's start).
impl From<TlsError> for String {
    fn from(e: TlsError) -> String {
        e.to_string()
    }
}

pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn paths(state_root: &Path) -> CertFiles {
    let dir = state_root.join("tls");
    CertFiles {
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    }
}

/// The certificate and key, made now (self-signed for `host_name`) if missing.
pub fn ensure(state_root: &Path, host_name: &str) -> Result<CertFiles, TlsError> {
    let files = paths(state_root);
    if files.cert.exists() && files.key.exists() {
        return Ok(files);
    }
    crate::state::ensure_private_dir(&state_root.join("tls")).map_err(TlsError::Dir)?;
    let host = crate::names::split_host_port(host_name)
        .map(|(h, _)| h.to_owned())
        .unwrap_or_else(|_| host_name.to_owned());
    let mut names = vec![host.clone()];
    if host != "localhost" {
        names.push("localhost".into());
    }
    let mut params = rcgen::CertificateParams::new(names).map_err(TlsError::Params)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, host.clone());
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "ccadmin Cloud Connect");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    params.not_before = rcgen::date_time_ymd(1970, 1, 1)
        + std::time::Duration::from_secs(now.saturating_sub(86_400));
    params.not_after = params.not_before + std::time::Duration::from_secs(5 * 365 * 86_400);
    let key = rcgen::KeyPair::generate().map_err(TlsError::Key)?;
    let cert = params.self_signed(&key).map_err(TlsError::Sign)?;
    let write = |path: &Path, data: &[u8]| {
        crate::state::write_private_file(path, data).map_err(|source| TlsError::Write {
            path: path.to_path_buf(),
            source,
        })
    };
    write(&files.key, key.serialize_pem().as_bytes())?;
    write(&files.cert, cert.pem().as_bytes())?;
    Ok(files)
}
