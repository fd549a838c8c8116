//! Who may sign patches and releases, and checking their signatures: minisign (ed25519) public
//! keys that the cluster trusts (`utils patch-manager signer`, replicated), and detached
//! `.minisig` signatures verified against them. A signature made by any other key, a broken
//! one and a missing one are told apart.

use std::path::Path;

use base64::Engine;

use super::{Kind, Node, OpError, OpResult};
use crate::state::orchestration::Signer;

/// The largest public key file and signature file read.
const MAX_KEY_FILE: u64 = 4096;
pub const MAX_SIGNATURE: u64 = 4096;

/// The base64 key of a minisign public key file (its comment line skipped) or of a bare key.
fn key_line(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
}

/// The key id as minisign prints it for a key or signature line: bytes 2..10 as a
/// little-endian number, in hex without leading zeros.
fn key_id(b64: &str) -> Option<String> {
    let bin = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let id: [u8; 8] = bin.get(2..10)?.try_into().ok()?;
    Some(format!("{:X}", u64::from_le_bytes(id)))
}

/// Parse a public key: its base64 form and its key id.
pub fn parse_public_key(text: &str) -> OpResult<(String, String)> {
    let bad = |why: &str| {
        OpError::new(Kind::Invalid, format!("not a minisign public key: {why}"))
            .hint("give the publisher's minisign.pub file (two lines: a comment and the key)")
    };
    let line = key_line(text).ok_or_else(|| bad("the file is empty"))?;
    minisign_verify::PublicKey::from_base64(line).map_err(|e| bad(&e.to_string()))?;
    let id = key_id(line).ok_or_else(|| bad("no key id"))?;
    Ok((line.to_owned(), id))
}

/// A signer as stored or replicated: a usable name and a key that parses.
pub fn check_signer(s: &Signer) -> OpResult {
    if !super::certs::usable_name(&s.name) {
        return Err(OpError::new(
            Kind::Invalid,
            format!("'{}' is not a usable signer name", s.name.escape_debug()),
        )
        .hint("use letters, digits, '-', '_' and '.'"));
    }
    parse_public_key(&s.public_key).map(|_| ())
}

/// A trusted signer with its key id, as listed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    pub name: String,
    pub key_id: String,
    pub public_key: String,
}

pub fn signers(node: &mut Node) -> OpResult<Vec<Listed>> {
    Ok(node
        .db()?
        .signers()?
        .into_iter()
        .map(|s| Listed {
            key_id: key_id(&s.public_key).unwrap_or_default(),
            name: s.name,
            public_key: s.public_key,
        })
        .collect())
}

/// `utils patch-manager signer add NAME FILE` (publisher): trust a publisher's key.
pub fn add(node: &mut Node, name: &str, file: &Path) -> OpResult<String> {
    node.require_cloud_connect(true)?;
    let text = crate::state::read_bounded(file, MAX_KEY_FILE)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| {
            OpError::new(
                Kind::Invalid,
                format!("cannot read {}: {e}", file.display()),
            )
        })?;
    let (public_key, id) = parse_public_key(&text)?;
    let signer = Signer {
        name: name.to_owned(),
        public_key,
    };
    check_signer(&signer)?;
    if !node.db()?.add_signer(&signer)? {
        return Err(OpError::new(
            Kind::Invalid,
            format!("a signer named {name}, or the key {id}, is trusted already"),
        )
        .hint("see them with: utils patch-manager signer list"));
    }
    super::cluster::changed(node);
    Ok(id)
}

pub fn remove(node: &mut Node, name: &str) -> OpResult {
    node.require_cloud_connect(true)?;
    if !node.db()?.remove_signer(name)? {
        return Err(
            OpError::new(Kind::NotFound, format!("no signer is named {name}"))
                .hint("see them with: utils patch-manager signer list"),
        );
    }
    super::cluster::changed(node);
    Ok(())
}

/// What a signature says of some data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "signature", rename_all = "kebab-case")]
pub enum Verdict {
    /// Signed by this trusted signer.
    Trusted { signer: String },
    /// No signature.
    Unsigned,
    /// Signed, but by a key this cluster does not trust.
    UnknownKey { key_id: String },
    /// The signature does not match the data (or is not a minisign signature).
    Invalid,
}

/// Check `data` against its detached minisign signature and the trusted signers.
pub fn verify(data: &[u8], signature: Option<&str>, signers: &[Signer]) -> Verdict {
    let Some(text) = signature else {
        return Verdict::Unsigned;
    };
    let Ok(sig) = minisign_verify::Signature::decode(text) else {
        return Verdict::Invalid;
    };
    for s in signers {
        let Some(line) = key_line(&s.public_key) else {
            continue;
        };
        let Ok(pk) = minisign_verify::PublicKey::from_base64(line) else {
            continue;
        };
        match pk.verify(data, &sig, false) {
            Ok(()) => {
                return Verdict::Trusted {
                    signer: s.name.clone(),
                }
            }
            Err(minisign_verify::Error::UnexpectedKeyId) => continue,
            Err(_) => return Verdict::Invalid,
        }
    }
    // The signature's own line (after its comment) carries the key id.
    let id = key_line(text).and_then(key_id).unwrap_or_default();
    Verdict::UnknownKey { key_id: id }
}

/// Hex and SHA-256 text forms live in `text` (the hub client pins a certificate with them).
pub use crate::text::{hex, sha256_hex};
