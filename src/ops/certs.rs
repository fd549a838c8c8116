//! The certificates this node trusts (`<state>/trust/`, the VOS `tomcat-trust` equivalent) and
//! its own service certificate.

use std::path::{Path, PathBuf};

use super::{Kind, Node, OpError, OpResult};

/// What is wrong with a PEM certificate file.
#[derive(Debug, thiserror::Error)]
pub enum PemError {
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: rustls_pki_types::pem::Error,
    },
    #[error("{} is not a PEM certificate file: {source}", .path.display())]
    NotPem {
        path: PathBuf,
        source: rustls_pki_types::pem::Error,
    },
    #[error("{} holds no certificate (expected -----BEGIN CERTIFICATE-----)", .path.display())]
    Empty { path: PathBuf },
}

/// Shown as its text (`--output json` of `utils cert list`).
impl serde::Serialize for PemError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The certificates of a PEM file, DER-encoded, or what is wrong with the file.
fn pem_certs(path: &Path) -> Result<Vec<Vec<u8>>, PemError> {
    use rustls_pki_types::pem::PemObject;
    let certs: Vec<Vec<u8>> = rustls_pki_types::CertificateDer::pem_file_iter(path)
        .map_err(|source| PemError::Read {
            path: path.to_path_buf(),
            source,
        })?
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|source| PemError::NotPem {
            path: path.to_path_buf(),
            source,
        })?;
    if certs.is_empty() {
        return Err(PemError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(certs)
}

/// The certificates of a PEM file, DER-encoded; an error says what is wrong with the file.
pub fn read_pem_certs(path: &Path) -> OpResult<Vec<Vec<u8>>> {
    pem_certs(path).map_err(|e| {
        OpError::new(Kind::Failed, e.to_string())
            .hint("export the certificate in PEM (Base64) form and try again")
    })
}

/// `SHA256:` and the hex of a certificate's SHA-256, as `openssl x509 -fingerprint -sha256` shows.
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hex: Vec<String> = Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    format!("SHA256:{}", hex.join(":"))
}

/// What a certificate says of itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Details {
    pub fingerprint: String,
    pub subject: String,
    pub issuer: String,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub expires: String,
    pub expired: bool,
}

/// Read a DER certificate's subject, issuer and expiry; a certificate that does not parse
/// still has its fingerprint.
pub fn details(der: &[u8]) -> Details {
    let fingerprint = fingerprint(der);
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, c)) => {
            let after = c.validity().not_after.timestamp();
            let expires = jiff::Timestamp::from_second(after)
                .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|_| c.validity().not_after.to_string());
            Details {
                fingerprint,
                subject: crate::text::terminal_safe(&c.subject().to_string()).into_owned(),
                issuer: crate::text::terminal_safe(&c.issuer().to_string()).into_owned(),
                expires,
                expired: after < jiff::Timestamp::now().as_second(),
            }
        }
        Err(e) => Details {
            fingerprint,
            subject: format!("(not X.509: {e})"),
            issuer: String::new(),
            expires: String::new(),
            expired: false,
        },
    }
}

/// One trusted certificate: the file's name, and what it says or why it cannot be read.
pub struct Trusted {
    pub name: String,
    pub details: Result<Details, PemError>,
}

pub fn trusted(node: &Node) -> Vec<Trusted> {
    let mut out = Vec::new();
    for f in crate::clients::cloud_connect::trust_files(node.root()) {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match pem_certs(&f) {
            Ok(certs) => out.extend(certs.iter().map(|c| Trusted {
                name: name.clone(),
                details: Ok(details(c)),
            })),
            Err(e) => out.push(Trusted {
                name,
                details: Err(e),
            }),
        }
    }
    out
}

/// A certificate file to trust, read and checked, not yet stored.
pub struct Import {
    pub name: String,
    dest: PathBuf,
    data: Vec<u8>,
    pub fingerprints: Vec<String>,
    /// The same certificate is trusted already under this name.
    pub already: bool,
    /// Another certificate of this name would be replaced.
    pub replaces: bool,
}

/// A name a certificate can be kept under in `trust/`: letters, digits, '-', '_' and '.', not
/// starting with '.'.
pub fn usable_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub fn prepare_import(node: &Node, file: &Path, name: Option<&str>) -> OpResult<Import> {
    let certs = read_pem_certs(file)?;
    let name = name.map(str::to_owned).unwrap_or_else(|| {
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "certificate".into())
    });
    if !usable_name(&name) {
        return Err(
            OpError::new(Kind::Invalid, format!("'{name}' is not a usable name"))
                .hint("pass --name with letters, digits, '-', '_' and '.'"),
        );
    }
    let dest = node.root().join("trust").join(format!("{name}.pem"));
    let data = std::fs::read(file)
        .map_err(|e| OpError::new(Kind::Failed, format!("cannot read {}: {e}", file.display())))?;
    let current = std::fs::read(&dest).ok();
    Ok(Import {
        already: current.as_deref() == Some(data.as_slice()),
        replaces: current.is_some_and(|c| c != data),
        name,
        dest,
        data,
        fingerprints: certs.iter().map(|c| fingerprint(c)).collect(),
    })
}

/// Store the certificate in `trust/`. On a publisher `trust/` replicates: the change is logged
/// before the file is written and again after, so a process killed in between leaves a log
/// entry whose batch carries `trust/` as it is, and a finished import is always sent.
pub fn import(node: &mut Node, i: &Import) -> OpResult {
    node.db()?.log_change(super::cluster::TRUST)?;
    let dir = node.root().join("trust");
    crate::state::ensure_private_dir(&dir)?;
    crate::state::write_private_file(&i.dest, &i.data).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot write {}: {e}", i.dest.display()),
        )
    })?;
    node.db()?.log_change(super::cluster::TRUST)?;
    super::cluster::changed(node);
    Ok(())
}

/// This node's service certificate (PEM), made on first use.
pub fn own(node: &mut Node) -> OpResult<String> {
    let host = node.identity()?.hostname;
    let files =
        super::tls::ensure(node.root(), &host).map_err(|e| OpError::new(Kind::Storage, e))?;
    std::fs::read_to_string(&files.cert).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot read {}: {e}", files.cert.display()),
        )
    })
}
