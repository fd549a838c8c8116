//! Everything a node keeps on disk lives under one state directory (SPEC 2): the SQLite
//! database, the history, the secret file, later keys, certificates and artifacts.
//!
//! The directory is opened lazily: a command that needs no state never creates or migrates it,
//! and the database is opened at most once per process.

pub mod db;
pub mod lock;

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

/// The state directory of one node, and its database once something needed it.
pub struct StateDir {
    root: PathBuf,
    db: Option<Db>,
    host_name: String,
}

impl StateDir {
    /// `host_name` names a fresh node (SPEC 2: a new state directory is a stand-alone publisher
    /// named after the machine).
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
        self.root.join("ccadmin.db")
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

/// Write `data` to `path` with mode 0600, atomically (temporary file, then rename), so a crash
/// leaves either the old content or the new one.
pub fn write_private_file(path: &Path, data: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(data)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path)
}
