//! `utils cert` menu: the CA certificates this node trusts (`<state>/trust/`, the VOS
//! `tomcat-trust` equivalent).

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod import;
pub mod list;

#[derive(Debug, Subcommand)]
pub enum CertCommands {
    Import(import::UtilsCertImportArgs),
    List(list::UtilsCertListArgs),
}

impl CertCommands {
    pub fn changes_state(&self) -> bool {
        matches!(self, CertCommands::Import(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: CertCommands) -> CmdResult {
    match cmd {
        CertCommands::Import(a) => import::cmd_utils_cert_import(ctx, a),
        CertCommands::List(a) => list::cmd_utils_cert_list(ctx, a),
    }
}

/// The certificates of a PEM file, DER-encoded; an error says what is wrong with the file.
pub fn read_pem_certs(path: &std::path::Path) -> Result<Vec<Vec<u8>>, String> {
    use rustls_pki_types::pem::PemObject;
    let certs: Vec<Vec<u8>> = rustls_pki_types::CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{} is not a PEM certificate file: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "{} holds no certificate (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(certs)
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
