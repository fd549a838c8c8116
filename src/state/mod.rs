//! Everything a node keeps on disk lives under one state directory (rule R6 in docs/rules.md#r6):
//! the SQLite database, the history, the secret file, later keys, certificates and artifacts.
//!
//! The directory is opened lazily: a command that needs no state never creates or migrates it,
//! and the database is opened at most once per process.

pub mod db;
mod migrations;

/// Now, in UTC, as the database writes times (`2026-12-05 10:14:03`).
/// Where this node keeps what it received: the CA file of the image repository, and the
/// publisher's `trust/`.
pub fn replicated_dir(root: &std::path::Path) -> std::path::PathBuf {
    root.join("replicated")
}

pub fn now_utc() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

pub mod lock;
pub mod metrics;
pub mod notify;
pub mod orchestration;
pub mod replication;

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub use db::Db;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot use the state directory {path}: {source}")]
    Dir { path: PathBuf, source: io::Error },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the database {path} has schema version {found}, newer than this ccadmin understands ({known})")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Other(String),
}

impl StateError {
    pub fn hint(&self) -> Option<String> {
        match self {
            StateError::Dir { .. } => Some(
                "choose another directory with --state-dir or CCADMIN_STATE_DIR, or fix its permissions".into(),
            ),
            StateError::TooNew { .. } => Some("upgrade ccadmin to a release that knows this schema".into()),
            StateError::Sql(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                Some("another ccadmin process holds the database; try again in a moment".into())
            }
            _ => None,
        }
    }
}

/// The database's file in a state directory.
pub const DB_FILE: &str = "ccadmin.db";

/// The state directory of one node, and its database once something needed it.
pub struct StateDir {
    root: PathBuf,
    db: Option<Db>,
    host_name: String,
}

impl StateDir {
    /// `host_name` names a fresh node (rule R6 in docs/rules.md#r6: a new state directory is a
    /// stand-alone publisher named after the machine).
    pub fn new(root: PathBuf, host_name: String) -> Self {
        StateDir {
            root,
            db: None,
            host_name,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn history_path(&self) -> PathBuf {
        self.root.join("history")
    }

    pub fn db_path(&self) -> PathBuf {
        self.root.join(DB_FILE)
    }

    /// Create the directory (0700) if it is missing; tighten it if others can read it.
    pub fn ensure(&self) -> Result<(), StateError> {
        ensure_private_dir(&self.root)
    }

    /// The database, created and migrated on first use.
    pub fn db(&mut self) -> Result<&mut Db, StateError> {
        if self.db.is_none() {
            self.ensure()?;
            let db = Db::open(&self.db_path(), &self.host_name)?;
            self.db = Some(db);
        }
        // The branch above has just filled it.
        Ok(self.db.as_mut().expect("database opened above"))
    }
}

/// Create `dir` and its parents with mode 0700 (OpenSSH's rule for `~/.ssh`), and take group
/// and other permissions away from an existing one.
pub fn ensure_private_dir(dir: &Path) -> Result<(), StateError> {
    let err = |source| StateError::Dir {
        path: dir.to_path_buf(),
        source,
    };
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            owned_by_us(dir, &m).map_err(err)?;
            if m.permissions().mode() & 0o077 != 0 {
                fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(err)?;
            }
            Ok(())
        }
        Ok(_) => Err(err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "it exists and is not a directory",
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(err),
        Err(e) => Err(err(e)),
    }
}

/// Refuse a file or directory of the state that another user owns, as OpenSSH refuses a
/// foreign-owned key: that user could read or replace what this node trusts.
pub fn owned_by_us(path: &Path, m: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = nix::unistd::geteuid().as_raw();
    if m.uid() != me {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is owned by uid {}, not by this user (uid {me}); refusing to use it",
                path.display(),
                m.uid()
            ),
        ));
    }
    Ok(())
}

/// A file's content, read only up to `max` bytes: a larger file is an error (`InvalidData`), so
/// a file from a peer or an administrator can never make the node read without bound.
/// An exclusive lock on a file of the state directory (`flock`), held until dropped: the
/// processes working on one state directory take turns at what it guards. Blocks while
/// another holds it; the kernel lets go when a holder dies.
pub struct FileLock(#[allow(dead_code)] nix::fcntl::Flock<fs::File>);

impl FileLock {
    pub fn exclusive(path: &Path) -> io::Result<FileLock> {
        use std::os::unix::fs::OpenOptionsExt;
        let f = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(path)?;
        nix::fcntl::Flock::lock(f, nix::fcntl::FlockArg::LockExclusive)
            .map(FileLock)
            .map_err(|(_, e)| io::Error::from(e))
    }
}

pub fn read_bounded(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    fs::File::open(path)?.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {max} bytes"),
        ));
    }
    Ok(buf)
}

/// Write `data` to `path` with mode 0600, atomically (temporary file, then rename), so a crash
/// leaves either the old content or the new one. The temporary file is created new
/// (`O_EXCL | O_NOFOLLOW`) under an unpredictable name, so a file or symlink planted in the
/// directory can never redirect the write.
pub fn write_private_file(path: &Path, data: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut attempt = 0;
    let (tmp, mut f) = loop {
        let mut r = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut r);
        let suffix: String = r.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = dir.join(format!(".{name}.{suffix}.tmp"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .mode(0o600)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let written = f.write_all(data).and_then(|_| f.sync_all());
    drop(f);
    if let Err(e) = written.and_then(|_| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 9, item 9): a symlink planted where a private file goes never
    /// redirects the write, and the temporary file is never a name an attacker can predict.
    #[test]
    fn a_planted_symlink_never_redirects_a_private_write() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        fs::write(&victim, b"untouched").unwrap();
        let target = d.path().join("secrets");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_private_file(&target, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"untouched");
        let m = fs::symlink_metadata(&target).unwrap();
        assert!(m.file_type().is_file());
        assert_eq!(m.permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::read(&target).unwrap(), b"new");
        // No temporary file is left behind.
        let left: Vec<_> = fs::read_dir(d.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn a_foreign_state_directory_is_refused() {
        if !nix::unistd::geteuid().is_root() {
            return assert!(ensure_private_dir(Path::new("/")).is_err());
        }
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("state");
        fs::create_dir(&dir).unwrap();
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
        let e = ensure_private_dir(&dir).unwrap_err().to_string();
        assert!(e.contains("owned by uid 65534"), "{e}");
    }
}
