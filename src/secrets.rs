//! The `SecretStore` of rule R6 in docs/rules.md#r6: where credentials (Artifactory key or token, a
//! remembered SFTP password) are kept.
//!
//! A credential must survive a reboot, because the 02:00 download needs it. So the automatic
//! choice is a *persistent* OS keyring where one exists (macOS Keychain, Windows Credential
//! Manager, a desktop Secret Service reachable over D-Bus) and otherwise an owner-only file in
//! the state directory, as OpenSSH keeps private keys. Kernel keyutils is deliberately not used:
//! it forgets everything at reboot.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::state::Db;

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
    /// All but the last four characters replaced by `*` (`show`, rule R7 item 5 in
    /// docs/rules.md#r7).
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

/// Where a secret is kept: the domain's value, re-exported here where it is used most.
pub use crate::domain::StoreKind;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or write the secret file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot record where a secret is kept: {0}")]
    State(String),
    #[error("refusing the secret file {path}: {reason}")]
    Unsafe { path: PathBuf, reason: String },
    #[error("the secret file {path} is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error("the keyring refused the operation on '{name}': {reason}")]
    Keyring { name: String, reason: String },
    #[error("{0}")]
    NoKeyring(KeyringIssue),
    #[error("the {store} store does not hold the secret '{name}'")]
    Missing { store: StoreKind, name: String },
}

impl SecretError {
    /// What the administrator can do about it.
    pub fn remedy(&self) -> Option<String> {
        match self {
            SecretError::NoKeyring(i) => Some(i.remedy().to_owned()),
            SecretError::Unsafe { path, .. } => Some(format!(
                "make it yours and private: chown $(id -u) {0}; chmod 600 {0}",
                path.display()
            )),
            SecretError::Missing { .. } => {
                Some("enter the secret again with the command that sets it".into())
            }
            _ => None,
        }
    }
}

/// Why the persistent keyring cannot be used, decided from the keyring's error variants (never
/// from their text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringIssue {
    /// Linux without a D-Bus session: no Secret Service can be asked.
    NoSession,
    /// A D-Bus session, but no Secret Service answers on it.
    NoService(String),
    /// The Secret Service answers, but its collection is locked.
    Locked(String),
    /// The Secret Service has no default collection to store into.
    NoDefaultCollection(String),
    /// Anything else the keyring said.
    Failed(String),
}

impl fmt::Display for KeyringIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyringIssue::NoSession | KeyringIssue::NoService(_) => {
                write!(f, "no persistent keyring is available: {}", self.reason())
            }
            _ => write!(f, "{}", self.reason()),
        }
    }
}

impl KeyringIssue {
    /// The reason alone, for a line that already says the keyring is not available.
    pub fn reason(&self) -> String {
        match self {
            KeyringIssue::NoSession => "there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service can be asked".into(),
            KeyringIssue::NoService(r) => format!("no Secret Service answers on the D-Bus session ({r})"),
            KeyringIssue::Locked(r) => format!("the keyring is locked ({r})"),
            KeyringIssue::NoDefaultCollection(r) => format!("the keyring has no default collection to keep secrets in ({r})"),
            KeyringIssue::Failed(r) => format!("the keyring cannot be used: {r}"),
        }
    }
}

impl KeyringIssue {
    pub fn remedy(&self) -> &'static str {
        match self {
            KeyringIssue::NoSession => "run ccadmin inside a desktop session, or keep secrets in the owner-only file: --secret-store file",
            KeyringIssue::NoService(_) => "start a Secret Service (e.g. gnome-keyring-daemon --components=secrets), or use --secret-store file",
            KeyringIssue::Locked(_) => "unlock the keyring (sign in to the desktop session, or unlock it in Passwords and Keys / seahorse), then run the command again",
            KeyringIssue::NoDefaultCollection(_) => "create a default keyring (Passwords and Keys / seahorse: New Password Keyring, Set as default), or use --secret-store file",
            KeyringIssue::Failed(_) => "use --secret-store file to keep secrets in an owner-only file in the state directory",
        }
    }

    /// Classify a keyring error; `None` for "the keyring works but has no such entry".
    pub fn of(e: &keyring::Error) -> Option<KeyringIssue> {
        let detail = e.to_string();
        #[cfg(target_os = "linux")]
        {
            use secret_service::Error as Ss;
            let platform = match e {
                keyring::Error::PlatformFailure(p) | keyring::Error::NoStorageAccess(p) => {
                    p.downcast_ref::<Ss>()
                }
                _ => None,
            };
            match platform {
                Some(Ss::Locked) | Some(Ss::Prompt) | Some(Ss::PromptDisconnected) => {
                    return Some(KeyringIssue::Locked(detail))
                }
                Some(Ss::NoResult) => return Some(KeyringIssue::NoDefaultCollection(detail)),
                Some(Ss::Unavailable) | Some(Ss::Zbus(_)) | Some(Ss::ZbusFdo(_)) => {
                    return Some(KeyringIssue::NoService(detail))
                }
                _ => {}
            }
        }
        match e {
            keyring::Error::NoEntry => None,
            keyring::Error::NoDefaultStore => Some(KeyringIssue::NoService(detail)),
            keyring::Error::NoStorageAccess(_) => Some(KeyringIssue::Locked(detail)),
            _ => Some(KeyringIssue::Failed(detail)),
        }
    }
}

/// Where secrets go. Object-safe, so tests can use an in-memory one.
pub trait SecretBackend {
    fn kind(&self) -> StoreKind;
    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError>;
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError>;
    fn delete(&self, name: &str) -> Result<(), SecretError>;
}

/// The secrets file's content: each secret's name and value.
type Entries = BTreeMap<String, String>;

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

    fn load(&self) -> Result<Entries, SecretError> {
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

    /// Writers take turns (read, change, write back): two processes writing at once would
    /// otherwise lose one's secret.
    fn lock(&self) -> Result<crate::state::FileLock, SecretError> {
        let path = self.path.with_file_name("secrets.lock");
        crate::state::FileLock::exclusive(&path)
            .map_err(|source| SecretError::File { path, source })
    }

    fn save(&self, map: &Entries) -> Result<(), SecretError> {
        let data = serde_json::to_vec_pretty(map).expect("a map of strings always serialises");
        crate::state::write_private_file(&self.path, &data).map_err(|source| SecretError::File {
            path: self.path.clone(),
            source,
        })
    }
}

impl FileStore {
    /// The names of the secrets in the file.
    pub fn names(&self) -> Result<Vec<String>, SecretError> {
        Ok(self.load()?.into_keys().collect())
    }
}

impl SecretBackend for FileStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }
    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        let _turn = self.lock()?;
        let mut map = self.load()?;
        map.insert(name.to_owned(), secret.expose().to_owned());
        self.save(&map)
    }
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.load()?.remove(name).map(Secret))
    }
    fn delete(&self, name: &str) -> Result<(), SecretError> {
        let _turn = self.lock()?;
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
        keyring::Entry::new(&self.service, name).map_err(|e| keyring_error(name, &e))
    }

    /// Whether a persistent keyring answers here, decided from the keyring's error variant: a
    /// probe for an entry that does not exist answers `NoEntry` when the keyring works. Cheap
    /// where there is none: without a D-Bus session on Linux it does not even try.
    pub fn available(&self, dbus_session: bool) -> Result<(), SecretError> {
        if cfg!(target_os = "linux") && !dbus_session {
            return Err(SecretError::NoKeyring(KeyringIssue::NoSession));
        }
        if let Err(e) = keyring::Entry::store_status() {
            return Err(SecretError::NoKeyring(
                KeyringIssue::of(e).unwrap_or(KeyringIssue::NoService(e.to_string())),
            ));
        }
        match self.entry("probe")?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::NoKeyring(
                KeyringIssue::of(&e).unwrap_or(KeyringIssue::Failed(e.to_string())),
            )),
        }
    }
}

/// A keyring error on the entry `name`: a keyring that cannot be used says why and what to do.
fn keyring_error(name: &str, e: &keyring::Error) -> SecretError {
    match KeyringIssue::of(e) {
        Some(KeyringIssue::Failed(reason)) => SecretError::Keyring {
            name: name.to_owned(),
            reason,
        },
        None => SecretError::Keyring {
            name: name.to_owned(),
            reason: e.to_string(),
        },
        Some(issue) => SecretError::NoKeyring(issue),
    }
}

impl SecretBackend for KeyringStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }
    fn put(&self, name: &str, secret: &Secret) -> Result<(), SecretError> {
        self.entry(name)?
            .set_password(secret.expose())
            .map_err(|e| keyring_error(name, &e))
    }
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(s) => Ok(Some(Secret(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(name, &e)),
        }
    }
    fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(name, &e)),
        }
    }
}

/// The secrets of one node, each in the store the database records for it (`secret_location`),
/// so a secret is found where it was put whatever the process (shell, `serve`, a scheduler) and
/// its environment, and `migrate` can move them all.
pub struct NodeSecrets {
    root: PathBuf,
    dbus: bool,
    /// `--secret-store`: where new secrets go.
    choice: Option<StoreKind>,
}

impl NodeSecrets {
    pub fn new(root: &Path, choice: Option<StoreKind>, dbus: bool) -> NodeSecrets {
        NodeSecrets {
            root: root.to_path_buf(),
            dbus,
            choice,
        }
    }

    /// The store of `kind`; a keyring that is not available is an error, never a fallback.
    pub fn backend(&self, kind: StoreKind) -> Result<Box<dyn SecretBackend>, SecretError> {
        open_store(&self.root, Some(kind), self.dbus)
    }

    /// Where a new secret goes: `--secret-store`, else the store this node already keeps
    /// secrets in, else a persistent keyring if one answers, else the owner-only file.
    pub fn kind_for_new(&self, db: &Db) -> Result<StoreKind, SecretError> {
        if let Some(k) = self.choice {
            return Ok(k);
        }
        if let Some(k) = db
            .secret_locations()
            .map_err(|e| SecretError::State(e.to_string()))?
            .into_iter()
            .map(|(_, k)| k)
            .next()
        {
            return Ok(k);
        }
        Ok(open_store(&self.root, None, self.dbus)?.kind())
    }

    /// Put `secret` under `name` and record where; returns the store used. A secret of that
    /// name in the other store is removed, so it is never in both.
    pub fn put(&self, db: &mut Db, name: &str, secret: &Secret) -> Result<StoreKind, SecretError> {
        let mut kind = self.kind_for_new(db)?;
        let automatic = self.choice.is_none()
            && db
                .secret_locations()
                .map_err(|e| SecretError::State(e.to_string()))?
                .is_empty();
        match self.backend(kind).and_then(|b| b.put(name, secret)) {
            Ok(()) => {}
            // The automatic choice found a keyring that answers reads but cannot store (no
            // default collection, locked): the owner-only file is the automatic fallback.
            Err(SecretError::NoKeyring(_)) if automatic && kind == StoreKind::Keyring => {
                kind = StoreKind::File;
                self.backend(kind)?.put(name, secret)?;
            }
            Err(e) => return Err(e),
        }
        let previous = self.location(db, name)?;
        if let Err(e) = db.set_secret_location(name, kind) {
            // Unrecorded, it would stay behind unseen: a new name is taken back at once.
            if previous.is_none() {
                if let Ok(b) = self.backend(kind) {
                    let _ = b.delete(name);
                }
            }
            return Err(SecretError::State(e.to_string()));
        }
        if previous.is_some_and(|p| p != kind) {
            if let Ok(other) = self.backend(kind.other()) {
                let _ = other.delete(name);
            }
        }
        Ok(kind)
    }

    fn location(&self, db: &Db, name: &str) -> Result<Option<StoreKind>, SecretError> {
        db.secret_location(name)
            .map_err(|e| SecretError::State(e.to_string()))
    }

    /// Where `name` is: the recorded store, else (a secret put before locations were recorded)
    /// the file, else the keyring.
    pub fn find(&self, db: &Db, name: &str) -> Result<Option<(StoreKind, Secret)>, SecretError> {
        if let Some(kind) = self.location(db, name)? {
            return Ok(self.backend(kind)?.get(name)?.map(|s| (kind, s)));
        }
        if let Some(s) = FileStore::new(&self.root).get(name)? {
            return Ok(Some((StoreKind::File, s)));
        }
        match self.backend(StoreKind::Keyring) {
            Ok(k) => Ok(k.get(name)?.map(|s| (StoreKind::Keyring, s))),
            Err(_) => Ok(None),
        }
    }

    pub fn get(&self, db: &Db, name: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.find(db, name)?.map(|(_, s)| s))
    }

    /// Remove `name` from wherever it is, and its record.
    pub fn delete(&self, db: &mut Db, name: &str) -> Result<(), SecretError> {
        if let Some((kind, _)) = self.find(db, name)? {
            self.backend(kind)?.delete(name)?;
        }
        db.remove_secret_location(name)
            .map_err(|e| SecretError::State(e.to_string()))
    }

    /// Put `secret` for `slot` under a new name of its own; nothing uses it until the slot
    /// is pointed at that name (in a database transaction).
    pub fn stage(&self, db: &mut Db, slot: &str, secret: &Secret) -> Result<String, SecretError> {
        let mut b = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
        let name = format!(
            "{slot}.{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        );
        self.put(db, &name, secret)?;
        Ok(name)
    }

    /// Remove a secret no longer in use (or staged and never used); a failure leaves it
    /// behind, unused.
    pub fn discard(&self, db: &mut Db, name: &str) {
        let _ = self.delete(db, name);
    }

    fn slots_lock(&self) -> Result<crate::state::FileLock, SecretError> {
        let path = self.root.join("slots.lock");
        crate::state::FileLock::exclusive(&path)
            .map_err(|source| SecretError::File { path, source })
    }

    /// Remove the secrets staged for `slots` that no slot points at: left by a process that
    /// died between staging and switching, or between switching and removing the old one.
    pub fn sweep_staged(&self, db: &mut Db, slots: &[&str]) -> Result<(), SecretError> {
        let _turn = self.slots_lock()?;
        let state = |e: crate::state::StateError| SecretError::State(e.to_string());
        let mut unused = Vec::new();
        for (name, _) in db.secret_locations().map_err(state)? {
            let Some(slot) = slots.iter().find(|s| {
                name.strip_prefix(**s)
                    .is_some_and(|rest| rest.starts_with('.'))
            }) else {
                continue;
            };
            if db.secret_slot(slot).map_err(state)?.flatten().as_deref() != Some(name.as_str()) {
                unused.push(name);
            }
        }
        for name in unused {
            self.discard(db, &name);
        }
        Ok(())
    }

    /// The secret `slot` points at (a slot from before names its own secret).
    pub fn slot(&self, db: &Db, slot: &str) -> Result<Option<Secret>, SecretError> {
        let pointed = |db: &Db| {
            db.secret_slot(slot)
                .map_err(|e| SecretError::State(e.to_string()))
        };
        let mut name = pointed(db)?;
        // A writer may switch the slot and remove the old secret between the two reads.
        for _ in 0..3 {
            let n = match &name {
                None => return self.get(db, slot),
                Some(None) => return Ok(None),
                Some(Some(n)) => n.clone(),
            };
            if let Some(s) = self.get(db, &n)? {
                return Ok(Some(s));
            }
            let now = pointed(db)?;
            if now == name {
                return Err(SecretError::Missing {
                    store: self.location(db, &n)?.unwrap_or(StoreKind::File),
                    name: slot.to_owned(),
                });
            }
            name = now;
        }
        Err(SecretError::State(format!(
            "the secret '{slot}' kept changing while it was read"
        )))
    }

    /// Make `slot` hold `value` (none: no secret) together with `commit`'s database writes:
    /// the new secret is written first under a new name, `commit` points the slot at that name
    /// in its transaction (with the setting and, on a publisher, the change-log entry) and
    /// returns the name it pointed at before, whose secret then goes. When anything fails the
    /// old secret stays in use and the new one is removed.
    pub fn switch<E: From<SecretError>>(
        &self,
        db: &mut Db,
        slot: &str,
        value: Option<&Secret>,
        commit: impl FnOnce(&mut Db, Option<&str>) -> Result<Option<String>, E>,
    ) -> Result<(), E> {
        // Switches take turns with the sweep of names left by one that died midway.
        let _turn = self.slots_lock()?;
        let staged = match value {
            Some(v) => Some(self.stage(db, slot, v)?),
            None => None,
        };
        match commit(db, staged.as_deref()) {
            Ok(old) => {
                if let Some(old) = old {
                    self.discard(db, &old);
                }
                Ok(())
            }
            Err(e) => {
                if let Some(n) = &staged {
                    self.discard(db, n);
                }
                Err(e)
            }
        }
    }

    /// Move every secret of the node to `to`, one at a time: copied, read back, recorded, then
    /// removed from where it was. A crash in between leaves the secret in both stores, never
    /// in neither, and running the move again finishes it. Returns the names moved.
    pub fn migrate(&self, db: &mut Db, to: StoreKind) -> Result<Vec<String>, SecretError> {
        let target = self.backend(to)?;
        let mut names: Vec<String> = db
            .secret_locations()
            .map_err(|e| SecretError::State(e.to_string()))?
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        // Secrets from before locations were recorded: whatever the file holds.
        for n in FileStore::new(&self.root).names()? {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let mut moved = Vec::new();
        for name in names {
            let Some((from, secret)) = self.find(db, &name)? else {
                continue;
            };
            if from != to {
                target.put(&name, &secret)?;
                if target.get(&name)?.as_ref() != Some(&secret) {
                    return Err(SecretError::Keyring {
                        name,
                        reason: format!(
                            "the {to} store did not give the secret back; nothing was moved"
                        ),
                    });
                }
                moved.push(name.clone());
            }
            db.set_secret_location(&name, to)
                .map_err(|e| SecretError::State(e.to_string()))?;
            // Also finishes a move that a crash interrupted after the record was written.
            if let Ok(source) = self.backend(to.other()) {
                source.delete(&name)?;
            }
        }
        Ok(moved)
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
    fn writers_of_the_file_store_take_turns() {
        // Eight writers at once (each its own open file, as processes have): none loses
        // another's secret.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let root = root.clone();
                std::thread::spawn(move || {
                    let store = FileStore::new(&root);
                    for i in 0..25 {
                        store
                            .put(&format!("s{t}-{i}"), &Secret::new(format!("v{t}-{i}")))
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let names = FileStore::new(&root).names().unwrap();
        assert_eq!(names.len(), 8 * 25, "lost writes: {}", 200 - names.len());
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
        if nix::unistd::geteuid().is_root() {
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
