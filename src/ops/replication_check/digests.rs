//! This node's digests of every replicated kind: one HMAC per kind and per item, keyed with
//! the cluster secret, of the values as they are used (so both nodes normalise alike).

use std::collections::BTreeMap;
use std::path::Path;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::{cluster, Digests, KindDigest, ReplKind, DIGEST_HEX, MAX_FILE};
use crate::domain::Role;
use crate::ops::{Kind, Node, OpError, OpResult};
use crate::secrets::Secret;

/// HMAC-SHA256 keyed with the cluster secret, over the parts (each length-prefixed, so no two
/// sequences of parts give the same input), hex-shortened.
pub(super) struct Digester<'a> {
    pub(super) key: &'a [u8],
}

impl Digester<'_> {
    pub(super) fn digest(&self, parts: &[&[u8]]) -> String {
        // An HMAC takes a key of any length.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.key) else {
            return String::new();
        };
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        let out = mac.finalize().into_bytes();
        let mut hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        hex.truncate(DIGEST_HEX);
        hex
    }

    pub(super) fn kind(&self, kind: &str, items: BTreeMap<String, String>) -> KindDigest {
        let mut parts: Vec<&[u8]> = vec![kind.as_bytes()];
        for (n, d) in &items {
            parts.push(n.as_bytes());
            parts.push(d.as_bytes());
        }
        KindDigest {
            kind: kind.to_owned(),
            digest: self.digest(&parts),
            items,
        }
    }
}

/// What a file's digest is made of: its text as replication reads it, or a marker that both
/// nodes would write alike when it cannot be read.
fn file_text(path: &Path) -> String {
    match crate::state::read_bounded(path, MAX_FILE) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(_) => "\0unreadable".to_owned(),
    }
}

/// A secret this node cannot read (missing from its store) is a difference to show, not a
/// failure of the comparison.
fn usable(r: OpResult<Option<crate::secrets::Secret>>) -> OpResult<Option<crate::secrets::Secret>> {
    match r {
        Err(e) if e.kind == Kind::Secret => Ok(None),
        r => r,
    }
}

fn json(v: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// This node's digests of every replicated kind.
pub fn digests(node: &mut Node) -> OpResult<Digests> {
    node.require_cloud_connect(false)?;
    let secret = cluster::secret(node)?.ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "no cluster secret is set")
            .hint("utils node cluster-secret")
    })?;
    digests_with(node, &secret)
}

/// The database's part, read in one snapshot with the change it corresponds to.
struct Read {
    change: i64,
    users: Vec<(String, String, String)>,
    versions: Vec<crate::state::replication::StoredVersion>,
    onboarded: Vec<(crate::state::db::OnboardedHost, Option<String>)>,
    image_repository: Option<crate::state::db::ImageRepository>,
    smtp: Option<crate::state::notify::SmtpConfig>,
    subscribers: Vec<String>,
    signers: Vec<crate::state::orchestration::Signer>,
    settings: Vec<(String, String)>,
}

pub(super) fn digests_with(node: &mut Node, secret: &Secret) -> OpResult<Digests> {
    let me = node.identity()?;
    let publisher = me.role == Role::Publisher;
    let read = node.db()?.read_consistent(|db| {
        Ok(Read {
            change: if publisher {
                db.replication_seq()?
            } else {
                db.last_applied()?.map_or(0, |l| l.seq)
            },
            users: db.app_user_hashes()?,
            versions: db.inventory_versions(None)?,
            onboarded: db.onboarded_hosts_with_owners()?,
            image_repository: db.image_repository()?,
            smtp: db.smtp_config()?,
            subscribers: db.smtp_subscribers()?,
            signers: db.signers()?,
            settings: db.shared_settings()?,
        })
    })?;
    let d = Digester {
        key: secret.expose().as_bytes(),
    };
    let mut kinds = Vec::new();

    let users = read
        .users
        .iter()
        .map(|(pkid, name, hash)| (name.clone(), d.digest(&[pkid.as_bytes(), hash.as_bytes()])))
        .collect();
    kinds.push(d.kind(ReplKind::ApplicationUsers.as_str(), users));

    let versions = read
        .versions
        .iter()
        .map(|v| {
            (
                v.id.to_string(),
                d.digest(&[
                    v.created_at.as_bytes(),
                    v.actor.as_bytes(),
                    v.source.as_bytes(),
                    &json(&v.model),
                ]),
            )
        })
        .collect();
    kinds.push(d.kind(ReplKind::Inventory.as_str(), versions));

    let hosts = read
        .onboarded
        .iter()
        .map(|(h, owner)| (h.host.clone(), d.digest(&[&json(h), &json(owner)])))
        .collect();
    kinds.push(d.kind(ReplKind::Onboarded.as_str(), hosts));

    let mut repo = BTreeMap::new();
    if let Some(stored) = &read.image_repository {
        // The setting as it is used: the proxy with its password, the credential from the
        // store. A credential missing from the store is a difference to show, not a failure.
        let (s, credential) = match crate::ops::image_repository::load(node) {
            Ok((s, c)) => (s, Some(c)),
            Err(e) if e.kind == Kind::Secret => (stored.clone(), None),
            Err(e) => return Err(e),
        };
        repo.insert(
            "setting".to_owned(),
            d.digest(&[
                s.url.as_bytes(),
                s.repository.as_bytes(),
                s.auth_type.to_string().as_bytes(),
                s.software.to_string().as_bytes(),
                &json(&s.proxy),
                &[u8::from(s.allow_http)],
                s.last_validated.as_bytes(),
            ]),
        );
        if let Some(c) = credential {
            repo.insert(
                "credential".to_owned(),
                d.digest(&[b"credential", c.expose().as_bytes()]),
            );
        }
        if let Some(f) = &s.ca_file {
            repo.insert(
                "ca-file".to_owned(),
                d.digest(&[file_text(Path::new(f)).as_bytes()]),
            );
        }
    }
    kinds.push(d.kind(ReplKind::ImageRepository.as_str(), repo));

    kinds.push(d.kind(
        ReplKind::Trust.as_str(),
        trust_items(node.root(), publisher, &d),
    ));

    let mut smtp = BTreeMap::new();
    if let Some(c) = &read.smtp {
        smtp.insert("setting".to_owned(), d.digest(&[&json(c)]));
    }
    if let Some(p) = usable(crate::ops::notify::password(node))? {
        smtp.insert(
            "password".to_owned(),
            d.digest(&[b"smtp-password", p.expose().as_bytes()]),
        );
    }
    for a in &read.subscribers {
        smtp.insert(format!("subscriber {a}"), d.digest(&[a.as_bytes()]));
    }
    kinds.push(d.kind(ReplKind::Smtp.as_str(), smtp));

    let signers = read
        .signers
        .iter()
        .map(|s| (s.name.clone(), d.digest(&[s.public_key.as_bytes()])))
        .collect();
    kinds.push(d.kind(ReplKind::Signers.as_str(), signers));

    let mut settings: BTreeMap<String, String> = read
        .settings
        .iter()
        .map(|(k, v)| (k.clone(), d.digest(&[v.as_bytes()])))
        .collect();
    if let Some(t) = usable(crate::ops::cloudconnect::token(node))? {
        settings.insert(
            "hub-token".to_owned(),
            d.digest(&[b"hub-token", t.expose().as_bytes()]),
        );
    }
    kinds.push(d.kind(ReplKind::Settings.as_str(), settings));

    Ok(Digests {
        node: me.hostname,
        role: me.role,
        change: read.change,
        kinds,
    })
}

/// The replicated certificates: on the publisher its own `trust/` (what it sends, named by
/// the file's stem), on the subscriber what it received under `replicated/trust/`.
fn trust_items(root: &Path, publisher: bool, d: &Digester<'_>) -> BTreeMap<String, String> {
    let files = if publisher {
        crate::clients::cloud_connect::own_trust_files(root)
    } else {
        let dir = cluster::replicated_dir(root).join("trust");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    files
        .iter()
        .filter_map(|f| {
            let name = f.file_stem()?.to_string_lossy().into_owned();
            Some((name, d.digest(&[file_text(f).as_bytes()])))
        })
        .collect()
}
