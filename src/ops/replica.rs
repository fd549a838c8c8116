//! The subscriber's files and secrets of a replicated batch, staged so that applying a batch
//! is all or nothing (issue 29). Everything a batch brings is first written under a name
//! nothing uses yet (a secret under a new name, the trust set in a directory named by its
//! content, the CA file named by its content); the database transaction that records the
//! batch points at them; only after it committed does what they replaced go. A batch that
//! is not applied (late, or failing) removes what it staged and changes nothing, and an
//! apply interrupted at any instant leaves the previous state in use, its leftovers swept by
//! the next one. Applies on one node take turns (a lock file), so the sweep never takes what
//! another apply staged.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{Kind, Node, OpError, OpResult};
use crate::state::replication::TRUST_SET;

/// The lock file that makes applies on one node take turns.
const LOCK: &str = "replication.lock";
/// The replicated trust sets: `trust-<digest>/`, and `trust`, the link to the one in use.
const SET_PREFIX: &str = "trust-";
const TMP_PREFIX: &str = ".trust-tmp-";
/// Secret slots whose staged names (`slot.<random>`) a sweep may remove when unused.
const SLOTS: &[&str] = &[
    crate::state::notify::PASSWORD_SLOT,
    super::cloudconnect::TOKEN_SECRET,
];
/// The subscriber's credential references of the image-repository setting.
pub const CREDENTIAL_PREFIX: &str = "artifactory-replicated-";

/// Held while a batch is applied.
pub struct ApplyLock(#[allow(dead_code)] crate::state::FileLock);

impl ApplyLock {
    pub fn take(root: &Path) -> OpResult<ApplyLock> {
        let path = root.join(LOCK);
        crate::state::FileLock::exclusive(&path)
            .map(ApplyLock)
            .map_err(|e| {
                OpError::new(
                    Kind::Storage,
                    format!("cannot lock {}: {e}", path.display()),
                )
            })
    }
}

fn random_suffix() -> String {
    let mut b = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn storage(what: &Path, e: impl std::fmt::Display) -> OpError {
    OpError::new(
        Kind::Storage,
        format!("cannot write {}: {e}", what.display()),
    )
}

/// The name of the trust set holding `files` (name, PEM): the same files, the same name.
pub fn trust_set_name(files: &[(String, String)]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort();
    for (name, pem) in sorted {
        h.update((name.len() as u64).to_be_bytes());
        h.update(name.as_bytes());
        h.update((pem.len() as u64).to_be_bytes());
        h.update(pem.as_bytes());
    }
    let d = h.finalize();
    format!(
        "{SET_PREFIX}{}",
        d[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// Write the trust set of `files` beside the one in use (nothing reads it yet); its name.
pub fn stage_trust(replicated: &Path, files: &[(String, String)]) -> OpResult<String> {
    crate::state::ensure_private_dir(replicated)?;
    let name = trust_set_name(files);
    let dir = replicated.join(&name);
    if dir.is_dir() {
        return Ok(name);
    }
    let tmp = replicated.join(format!("{TMP_PREFIX}{}", random_suffix()));
    crate::state::ensure_private_dir(&tmp)?;
    for (file, pem) in files {
        let path = tmp.join(format!("{file}.pem"));
        crate::state::write_private_file(&path, pem.as_bytes()).map_err(|e| storage(&path, e))?;
    }
    match std::fs::rename(&tmp, &dir) {
        Ok(()) => Ok(name),
        // Another apply made the same set meanwhile.
        Err(_) if dir.is_dir() => {
            let _ = std::fs::remove_dir_all(&tmp);
            Ok(name)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(storage(&dir, e))
        }
    }
}

/// Make `replicated/trust` the set the database names (`None`: leave it as it is): a link
/// replaced in one rename, so a reader sees the old set or the new one, never a mix.
pub fn use_trust(replicated: &Path, set: Option<&str>) -> OpResult {
    let Some(set) = set else {
        return Ok(());
    };
    let link = replicated.join("trust");
    if std::fs::read_link(&link).is_ok_and(|t| t == Path::new(set)) {
        return Ok(());
    }
    // A directory from before sets were kept (a one-time change).
    if std::fs::symlink_metadata(&link).is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(&link).map_err(|e| storage(&link, e))?;
    }
    let tmp = replicated.join(format!(".trust-link-{}", random_suffix()));
    std::os::unix::fs::symlink(set, &tmp).map_err(|e| storage(&tmp, e))?;
    std::fs::rename(&tmp, &link).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        storage(&link, e)
    })?;
    if let Ok(d) = File::open(replicated) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Leftovers of applies that did not finish, or of sets and secrets no longer in use: every
/// trust set but the one in use, temporary files, the CA files the setting does not name,
/// staged secrets no slot points at. Only under the apply lock, on a subscriber.
pub fn sweep(node: &mut Node, _lock: &ApplyLock) -> OpResult {
    let replicated = super::cluster::replicated_dir(node.root());
    let (db, secrets) = node.db_and_secrets()?;
    let set = db.setting(TRUST_SET)?;
    use_trust(&replicated, set.as_deref())?;
    let setting = db.image_repository()?;
    let ca: Option<PathBuf> = setting
        .as_ref()
        .and_then(|s| s.ca_file.as_ref())
        .map(PathBuf::from);
    if let Ok(rd) = std::fs::read_dir(&replicated) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            let unused_set = name.starts_with(SET_PREFIX) && Some(&name) != set.as_ref();
            if unused_set || name.starts_with(TMP_PREFIX) {
                let _ = std::fs::remove_dir_all(&path);
            } else if name.starts_with(".trust-link-")
                || (name.starts_with("artifactory-ca") && Some(&path) != ca.as_ref())
            {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let credential = setting.map(|s| s.credential_ref);
    let unused: Vec<String> = db
        .secret_locations()?
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| {
            name.starts_with(CREDENTIAL_PREFIX)
                && credential
                    .as_deref()
                    .is_none_or(|c| *name != c && *name != format!("{c}-proxy"))
        })
        .collect();
    for name in unused {
        secrets.discard(db, &name);
    }
    secrets.sweep_staged(db, SLOTS)?;
    Ok(())
}

/// On a publisher, when its service starts: the secrets a command staged or replaced and
/// left behind when it was killed midway.
pub fn sweep_publisher(node: &mut Node) -> OpResult {
    if node.identity()?.role != crate::domain::Role::Publisher {
        return Ok(());
    }
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.sweep_staged(db, SLOTS)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trust_set_is_named_by_its_content_whatever_the_order() {
        let a = vec![("a".to_owned(), "1".to_owned()), ("b".into(), "2".into())];
        let b = vec![("b".to_owned(), "2".to_owned()), ("a".into(), "1".into())];
        assert_eq!(trust_set_name(&a), trust_set_name(&b));
        let c = vec![("a".to_owned(), "12".to_owned()), ("b".into(), "".into())];
        assert_ne!(
            trust_set_name(&a),
            trust_set_name(&c),
            "lengths are part of it"
        );
    }

    #[test]
    fn switching_the_trust_set_replaces_the_link_and_an_old_directory() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("replicated");
        std::fs::create_dir_all(r.join("trust")).unwrap();
        std::fs::write(r.join("trust").join("old.pem"), "x").unwrap();
        let files = vec![("pub".to_owned(), "PEM".to_owned())];
        let set = stage_trust(&r, &files).unwrap();
        assert!(
            r.join("trust").join("old.pem").exists(),
            "staged, not in use"
        );
        use_trust(&r, Some(&set)).unwrap();
        assert_eq!(
            std::fs::read_to_string(r.join("trust").join("pub.pem")).unwrap(),
            "PEM"
        );
        assert!(!r.join("trust").join("old.pem").exists());
        let other = stage_trust(&r, &[("x".to_owned(), "Y".to_owned())]).unwrap();
        use_trust(&r, Some(&other)).unwrap();
        assert!(r.join("trust").join("x.pem").exists());
        assert!(!r.join("trust").join("pub.pem").exists());
    }
}
