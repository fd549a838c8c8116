//! This Cloud Connect node's own SSH key pair (rule R6 in docs/rules.md#r6): created on first use
//! in the state directory (ed25519, OpenSSH format, private key 0600), used to log in to every
//! inventory host; its public line is what goes into the hosts' authorized_keys.

use std::path::{Path, PathBuf};

use ssh_key::{rand_core::OsRng, Algorithm, LineEnding, PrivateKey};

/// Why the node's key pair could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum NodeKeyError {
    #[error("{0}")]
    Dir(crate::state::StateError),
    #[error("cannot make the SSH key: {0}")]
    Make(ssh_key::Error),
    #[error("cannot encode the SSH key: {0}")]
    Encode(ssh_key::Error),
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: ssh_key::Error,
    },
}

/// For the callers whose own errors are still text (the node service's start, the console).
impl From<NodeKeyError> for String {
    fn from(e: NodeKeyError) -> String {
        e.to_string()
    }
}

pub struct NodeKey {
    pub private: PathBuf,
    /// `ssh-ed25519 AAAA… ccadmin@<host>`
    pub public_line: String,
}

/// The key pair under `<state>/ssh/`, made now if it does not exist yet. Safe when several
/// processes or threads call it at once: a new key takes its name by a hard link, which only
/// one of them can win, and the public line is always derived from the private key on disk.
pub fn ensure(state_root: &Path, host_name: &str) -> Result<NodeKey, NodeKeyError> {
    let dir = state_root.join("ssh");
    crate::state::ensure_private_dir(&dir).map_err(NodeKeyError::Dir)?;
    let private = dir.join("id_ed25519");
    if !private.exists() {
        let mut key =
            PrivateKey::random(&mut OsRng, Algorithm::Ed25519).map_err(NodeKeyError::Make)?;
        key.set_comment(format!("ccadmin@{host_name}"));
        let pem = key
            .to_openssh(LineEnding::LF)
            .map_err(NodeKeyError::Encode)?;
        let tmp = dir.join(format!(
            ".id_ed25519.{}.{:?}.tmp",
            std::process::id(),
            std::thread::current().id()
        ));
        crate::state::write_private_file(&tmp, pem.as_bytes()).map_err(|source| {
            NodeKeyError::Write {
                path: tmp.clone(),
                source,
            }
        })?;
        let linked = std::fs::hard_link(&tmp, &private);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(source) => {
                return Err(NodeKeyError::Write {
                    path: private,
                    source,
                })
            }
        }
    }
    let key = PrivateKey::read_openssh_file(&private).map_err(|source| NodeKeyError::Read {
        path: private.clone(),
        source,
    })?;
    let public_line = key
        .public_key()
        .to_openssh()
        .map_err(NodeKeyError::Encode)?;
    let public = dir.join("id_ed25519.pub");
    if std::fs::read_to_string(&public)
        .map(|p| p.trim() != public_line)
        .unwrap_or(true)
    {
        crate::state::write_private_file(&public, format!("{public_line}\n").as_bytes()).map_err(
            |source| NodeKeyError::Write {
                path: public.clone(),
                source,
            },
        )?;
    }
    Ok(NodeKey {
        private,
        public_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn made_once_owner_only_and_stable() {
        let d = tempfile::tempdir().unwrap();
        let k = ensure(d.path(), "cc-pub.lab").unwrap();
        assert!(
            k.public_line.starts_with("ssh-ed25519 AAAA")
                && k.public_line.ends_with(" ccadmin@cc-pub.lab"),
            "{}",
            k.public_line
        );
        assert_eq!(
            std::fs::metadata(&k.private).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let again = ensure(d.path(), "other").unwrap();
        assert_eq!(again.public_line, k.public_line);
        // OpenSSH reads it.
        let out = std::process::Command::new("ssh-keygen")
            .arg("-y")
            .arg("-f")
            .arg(&k.private)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(k
            .public_line
            .starts_with(String::from_utf8_lossy(&out.stdout).trim()));
    }
}
