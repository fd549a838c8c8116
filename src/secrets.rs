//! The `SecretStore` of SPEC 2: where credentials (Artifactory key or token, a remembered SFTP
//! password) are kept.
//!
//! A credential must survive a reboot, because the 02:00 download needs it. So the automatic
//! choice is a *persistent* OS keyring where one exists (macOS Keychain, Windows Credential
//! Manager, a desktop Secret Service reachable over D-Bus) and otherwise an owner-only file in
//! the state directory, as OpenSSH keeps private keys. Kernel keyutils is deliberately not used:
//! it forgets everything at reboot.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A secret value. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The value itself, for the one place that must send it (a header, a hash).
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// All but the last four characters replaced by `*` (SPEC 3's `show`).
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// Mask all but the last four characters; a secret of four or fewer characters is fully masked.
pub fn mask(s: &str) -> String {
    let n = s.chars().count();
    if n <= 4 {
        return "*".repeat(n);
    }
    let tail: String = s.chars().skip(n - 4).collect();
    format!("{}{}", "*".repeat(n - 4), tail)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The operating system's persistent keyring.
    Keyring,
    /// An owner-only (0600) file in the state directory.
    File,
}

impl StoreKind {
    /// The kind a stored setting names (`keyring` or `file`).
    pub fn from_name(name: &str) -> StoreKind {
        if name == "keyring" {
            StoreKind::Keyring
        } else {
            StoreKind::File
        }
    }
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or write the secret file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refusing the secret file {path}: {reason}")]
    Unsafe { path: PathBuf, reason: String },
    #[error("the secret file {path} is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error("the keyring refused the operation on '{name}': {reason}")]
    Keyring { name: String, reason: String },
    #[error("no persistent keyring is available on this machine ({0})")]
    NoKeyring(String),
}

/// Where secrets go. Object-safe, so tests can use an in-memory one.
pub trait SecretBackend {
    fn kind(&self) -> StoreKind;
    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError>;
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError>;
    fn delete(&self, name: &str) -> Result<(), SecretError>;
}

/// Owner-only JSON file `secrets` in the state directory, rewritten atomically.
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(state_dir: &Path) -> Self {
        FileStore {
            path: state_dir.join("secrets"),
        }
    }

    /// The file must be a plain file of this user that nobody else can read (OpenSSH's rule
    /// for private keys), checked on every read, not only on the next write.
    fn check(&self) -> Result<(), SecretError> {
        use std::os::unix::fs::PermissionsExt;
        let m = match std::fs::symlink_metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => {
                return Err(SecretError::File {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        let refuse = |reason: String| SecretError::Unsafe {
            path: self.path.clone(),
            reason,
        };
        if !m.file_type().is_file() {
            return Err(refuse("it is not a plain file (a symbolic link?)".into()));
        }
        crate::state::owned_by_us(&self.path, &m).map_err(|e| refuse(e.to_string()))?;
        let mode = m.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(refuse(format!(
                "its permissions {mode:04o} let other users read it; run: chmod 600 {}",
                self.path.display()
            )));
        }
        Ok(())
    }

    fn load(&self) -> Result<BTreeMap<String, String>, SecretError> {
        self.check()?;
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| SecretError::Damaged {
                path: self.path.clone(),
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(source) => Err(SecretError::File {
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn save(&self, map: &BTreeMap<String, String>) -> Result<(), SecretError> {
        let data = serde_json::to_vec_pretty(map).expect("a map of strings always serialises");
        crate::state::write_private_file(&self.path, &data).map_err(|source| SecretError::File {
            path: self.path.clone(),
            source,
        })
    }
}

impl SecretBackend for FileStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }
    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        let mut map = self.load()?;
        map.insert(name.to_owned(), secret.expose().to_owned());
        self.save(&map)
    }
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.load()?.remove(name).map(Secret))
    }
    fn delete(&self, name: &str) -> Result<(), SecretError> {
        let mut map = self.load()?;
        if map.remove(name).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }
}

/// The OS keyring, one entry per secret, under a service name unique to the state directory
/// (several nodes can share one machine).
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    pub fn new(state_dir: &Path) -> Self {
        KeyringStore {
            service: format!("ccadmin:{}", state_dir.display()),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, name).map_err(|e| SecretError::Keyring {
            name: name.to_owned(),
            reason: e.to_string(),
        })
    }

    /// Whether a persistent keyring answers here. Cheap where there is none: without a D-Bus
    /// session on Linux it does not even try.
    pub fn available(&self, dbus_session: bool) -> Result<(), SecretError> {
        if cfg!(target_os = "linux") && !dbus_session {
            return Err(SecretError::NoKeyring(
                "no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set".into(),
            ));
        }
        match self.entry("probe").and_then(|e| {
            e.get_password().map_err(|e| SecretError::Keyring {
                name: "probe".into(),
                reason: e.to_string(),
            })
        }) {
            Ok(_) => Ok(()),
            Err(SecretError::Keyring { reason, .. }) if reason.contains("No matching entry") => {
                Ok(())
            }
            Err(e) => Err(SecretError::NoKeyring(e.to_string())),
        }
    }
}

impl SecretBackend for KeyringStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }
    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        self.entry(name)?
            .set_password(secret.expose())
            .map_err(|e| SecretError::Keyring {
                name: name.to_owned(),
                reason: e.to_string(),
            })
    }
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(s) => Ok(Some(Secret(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::Keyring {
                name: name.to_owned(),
                reason: e.to_string(),
            }),
        }
    }
    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::Keyring {
                name: name.to_owned(),
                reason: e.to_string(),
            }),
        }
    }
}

/// Open the store for a state directory: the override if given (a keyring that is not there is
/// an error, not a silent fallback), else a persistent keyring if one answers, else the file.
pub fn open_store(
    state_dir: &Path,
    choice: Option<StoreKind>,
    dbus_session: bool,
) -> Result<Box<dyn SecretBackend>, SecretError> {
    match choice {
        Some(StoreKind::File) => Ok(Box::new(FileStore::new(state_dir))),
        Some(StoreKind::Keyring) => {
            let k = KeyringStore::new(state_dir);
            k.available(dbus_session)?;
            Ok(Box::new(k))
        }
        None => {
            let k = KeyringStore::new(state_dir);
            if k.available(dbus_session).is_ok() {
                Ok(Box::new(k))
            } else {
                Ok(Box::new(FileStore::new(state_dir)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn mask_keeps_last_four() {
        assert_eq!(mask("AKCp8abcdefa1b2"), "***********a1b2");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask(""), "");
        assert_eq!(
            format!("{:?} {}", Secret::new("hunter22"), Secret::new("hunter22")),
            "Secret(****) ****"
        );
    }

    #[test]
    fn file_store_round_trip_is_owner_only() {
        let d = tempfile::tempdir().unwrap();
        let s = FileStore::new(d.path());
        assert_eq!(s.get("artifactory").unwrap(), None);
        s.put("artifactory", &Secret::new("k1")).unwrap();
        s.put("sftp", &Secret::new("k2")).unwrap();
        assert_eq!(s.get("artifactory").unwrap().unwrap().expose(), "k1");
        let mode = std::fs::metadata(d.path().join("secrets"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        s.delete("artifactory").unwrap();
        assert_eq!(s.get("artifactory").unwrap(), None);
        assert_eq!(s.get("sftp").unwrap().unwrap().expose(), "k2");
    }

    #[test]
    fn damaged_file_is_reported_not_overwritten() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("secrets"), b"{not json").unwrap();
        std::fs::set_permissions(
            d.path().join("secrets"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let s = FileStore::new(d.path());
        assert!(matches!(s.get("x"), Err(SecretError::Damaged { .. })));
        assert!(s.put("x", &Secret::new("y")).is_err());
        assert_eq!(
            std::fs::read(d.path().join("secrets")).unwrap(),
            b"{not json"
        );
    }

    /// Regression (issue 9, item 9): a too-open, foreign or symlinked secrets file was read.
    #[test]
    fn an_unsafe_secret_file_is_refused_on_read() {
        let d = tempfile::tempdir().unwrap();
        let s = FileStore::new(d.path());
        s.put("k", &Secret::new("v")).unwrap();
        let f = d.path().join("secrets");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = s.get("k").unwrap_err().to_string();
        assert!(e.contains("0644") && e.contains("chmod 600"), "{e}");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(s.get("k").unwrap().unwrap().expose(), "v");
        // A symlink planted in its place is not followed.
        let other = d.path().join("elsewhere");
        std::fs::rename(&f, &other).unwrap();
        std::os::unix::fs::symlink(&other, &f).unwrap();
        assert!(s
            .get("k")
            .unwrap_err()
            .to_string()
            .contains("not a plain file"));
        std::fs::remove_file(&f).unwrap();
        std::fs::rename(&other, &f).unwrap();
        // Owned by another user (only root can arrange that).
        if unsafe { libc::geteuid() } == 0 {
            std::os::unix::fs::chown(&f, Some(65534), None).unwrap();
            assert!(s
                .get("k")
                .unwrap_err()
                .to_string()
                .contains("owned by uid 65534"));
        }
    }

    #[test]
    fn headless_linux_falls_back_to_the_file_and_refuses_a_forced_keyring() {
        let d = tempfile::tempdir().unwrap();
        let store = open_store(d.path(), None, false).unwrap();
        assert_eq!(store.kind(), StoreKind::File);
        if cfg!(target_os = "linux") {
            assert!(matches!(
                open_store(d.path(), Some(StoreKind::Keyring), false),
                Err(SecretError::NoKeyring(_))
            ));
        }
        assert_eq!(
            open_store(d.path(), Some(StoreKind::File), true)
                .unwrap()
                .kind(),
            StoreKind::File
        );
    }
}
