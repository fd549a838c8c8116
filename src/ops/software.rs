//! What software a deployment node runs (issue 13), and the VOS side of installing it.
//!
//! A VOS node's record lives in its own database: the active version and the inactive one
//! (kept for switch-version and rollback) and the patches installed on each version. The
//! Cloud Connect node reads it over SSH with `show version active --output json` and installs
//! through `utils system upgrade initiate`, exactly as an administrator at the VOS console
//! would. A Windows node's record is the file `.ccadmin-installed.json` in the orchestration
//! account's home, read and written by Cloud Connect over SFTP around each installer run.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::patches::{ArtifactKind, Manifest, Platform, MANIFEST_SUFFIX};
use super::{Kind, Node, OpError, OpResult};
pub use crate::state::orchestration::InstalledPatch;

/// The version shown before one is known.
pub const UNKNOWN: &str = "unknown";
/// The largest record or manifest read.
pub const MAX_RECORD: u64 = 64 * 1024;
/// Where a Windows node's record is kept, relative to the account's home.
pub const WINDOWS_RECORD: &str = ".ccadmin-installed.json";

/// Why a node's record of its software (or a peer's report of it) is refused.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("larger than {MAX_RECORD} bytes")]
    TooLarge,
    #[error("{0}")]
    Json(serde_json::Error),
    #[error(
        "{0} is empty, longer than 128, or holds control characters or bidirectional overrides"
    )]
    Field(&'static str),
    #[error("more than 1024 patches")]
    TooManyPatches,
    #[error("a patch's installation time is not a time")]
    PatchTime,
}

/// A node's installed software.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Installed {
    /// The active version.
    pub version: String,
    /// The inactive version (VOS keeps the previous one for switch-version).
    #[serde(default)]
    pub inactive: Option<String>,
    /// The patches installed on the active version, oldest first.
    #[serde(default)]
    pub patches: Vec<InstalledPatch>,
    /// Windows: the artifact whose installer was started and has not been seen to end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
}

impl Installed {
    pub fn unknown() -> Installed {
        Installed {
            version: UNKNOWN.into(),
            inactive: None,
            patches: Vec::new(),
            pending: None,
        }
    }

    /// Every field within bounds and printable: what a peer sent is checked before use.
    pub fn check(&self) -> Result<(), RecordError> {
        let text = |what: &'static str, s: &str| {
            if s.is_empty()
                || s.len() > 128
                || s.chars()
                    .any(|c| c.is_control() || crate::text::acts_on_terminal(c))
            {
                Err(RecordError::Field(what))
            } else {
                Ok(())
            }
        };
        text("version", &self.version)?;
        if let Some(v) = &self.inactive {
            text("inactive version", v)?;
        }
        if let Some(v) = &self.pending {
            text("pending artifact", v)?;
        }
        if self.patches.len() > 1024 {
            return Err(RecordError::TooManyPatches);
        }
        for p in &self.patches {
            text("patch name", &p.name)?;
            text("patch version", &p.version)?;
            if p.installed_at.len() > 64 || p.installed_at.chars().any(char::is_control) {
                return Err(RecordError::PatchTime);
            }
        }
        Ok(())
    }

    /// Parse a peer's record: typed, bounded, checked.
    pub fn parse(data: &[u8]) -> Result<Installed, RecordError> {
        if data.len() as u64 > MAX_RECORD {
            return Err(RecordError::TooLarge);
        }
        let i: Installed = serde_json::from_slice(data).map_err(RecordError::Json)?;
        i.check()?;
        Ok(i)
    }

    /// Whether the patch `name` (an artifact's file name) is installed: a patch of that name, or
    /// one a Windows host's probe found that ccadmin did not install
    /// (`super::probe::found_as`: its registry name is `name` or `name` without its extension).
    pub fn has_patch(&self, name: &str) -> bool {
        self.patches
            .iter()
            .any(|p| p.name == name || super::probe::found_as(p, name))
    }

    /// The patch level as a row shows it: the version and, when there is one, the newest
    /// patch (`12.6.2 + ES5`).
    pub fn patch_level(&self) -> String {
        match self.patches.last() {
            Some(p) => format!("{} + {}", self.version, p.name),
            None => self.version.clone(),
        }
    }

    /// The patches as a console shows them.
    pub fn patch_names(&self) -> String {
        if self.patches.is_empty() {
            "No patch installed".into()
        } else {
            self.patches
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

/// This VOS node's record.
pub fn local(node: &mut Node) -> OpResult<Installed> {
    node.require_vos_node()?;
    let db = node.db()?;
    let version = db
        .setting("software.active")?
        .unwrap_or_else(|| UNKNOWN.into());
    Ok(Installed {
        inactive: db.setting("software.inactive")?,
        patches: db.installed_patches(&version)?,
        version,
        pending: None,
    })
}

/// `utils node set --software-version`: the version this VOS node's image runs.
pub fn set_version(node: &mut Node, version: &str) -> OpResult {
    node.require_vos_node()?;
    let candidate = Installed {
        version: version.to_owned(),
        inactive: None,
        patches: Vec::new(),
        pending: None,
    };
    candidate
        .check()
        .map_err(|e| OpError::new(Kind::Invalid, format!("software version: {e}")))?;
    let inactive = node.db()?.setting("software.inactive")?;
    node.db()?.set_versions(version, inactive.as_deref())?;
    Ok(())
}

/// Read `file`'s manifest (`file.manifest.json`, transferred with it) and check that the file
/// is the one it describes and that it is meant for this node.
fn manifest_for(node: &mut Node, file: &Path) -> OpResult<Manifest> {
    let path = std::path::PathBuf::from(format!("{}{MANIFEST_SUFFIX}", file.display()));
    let data = crate::state::read_bounded(&path, MAX_RECORD).map_err(|e| {
        OpError::new(
            Kind::NotFound,
            format!("cannot read the manifest {}: {e}", path.display()),
        )
        .hint("the manifest travels with the file; transfer both")
    })?;
    let m = Manifest::parse(&data).map_err(|e| {
        OpError::new(
            Kind::Invalid,
            format!(
                "{}: {}",
                path.display(),
                crate::text::terminal_safe(&e.to_string())
            ),
        )
    })?;
    if m.platform != Platform::Vos {
        return Err(OpError::new(
            Kind::Refused,
            format!("{} is not a VOS artifact", m.file),
        ));
    }
    let component = node.identity()?.component.unwrap_or_default();
    if !component.eq_ignore_ascii_case(&m.product) {
        return Err(OpError::new(
            Kind::Refused,
            format!(
                "{} is for {}, this node runs {component}",
                m.file, m.product
            ),
        ));
    }
    match super::patches::sha256_file(file) {
        Some(h) if h.eq_ignore_ascii_case(&m.sha256) => Ok(m),
        Some(_) => Err(OpError::new(
            Kind::Invalid,
            format!(
                "{} does not match the SHA-256 of its manifest",
                file.display()
            ),
        )
        .hint("transfer the file again")),
        None => Err(OpError::new(
            Kind::NotFound,
            format!("cannot read {}", file.display()),
        )),
    }
}

/// `utils system upgrade initiate --file F [--switch-version]`: install a patch on the active
/// version, or an upgrade as the inactive version (switched to at once with `switch`). Doing
/// it again is harmless: what is installed already is said, not installed twice.
pub fn initiate(
    node: &mut Node,
    file: &Path,
    switch: bool,
    takes: std::time::Duration,
) -> OpResult<(String, Installed)> {
    node.require_vos_node()?;
    let _lock = node.orchestration_lock(INITIATE)?;
    let m = manifest_for(node, file)?;
    let now = local(node)?;
    let installs = match m.kind {
        ArtifactKind::Patch => !now.has_patch(&m.file) && m.applies_to.contains(&now.version),
        ArtifactKind::Upgrade => {
            now.version != m.version && now.inactive.as_deref() != Some(m.version.as_str())
        }
    };
    let _logged = if installs {
        Some(emulate(node, takes, "install", &m.file)?)
    } else {
        None
    };
    let applies = |v: &str| m.applies_to.iter().any(|a| a == v);
    let said = match m.kind {
        ArtifactKind::Patch if now.has_patch(&m.file) => {
            format!("{} is installed already on {}", m.file, now.version)
        }
        ArtifactKind::Patch => {
            if !applies(&now.version) {
                return Err(not_applicable(&m, &now.version));
            }
            node.db()?
                .record_patch(&now.version, &m.file, &m.version, m.rollback)?;
            format!("{} installed on {}", m.file, now.version)
        }
        ArtifactKind::Upgrade if now.version == m.version => {
            format!("{} is the active version already", m.version)
        }
        ArtifactKind::Upgrade => {
            if now.inactive.as_deref() != Some(m.version.as_str()) {
                if !applies(&now.version) {
                    return Err(not_applicable(&m, &now.version));
                }
                node.db()?.set_versions(&now.version, Some(&m.version))?;
            }
            if switch {
                node.db()?.set_versions(&m.version, Some(&now.version))?;
                format!(
                    "{} installed and active; {} is inactive",
                    m.version, now.version
                )
            } else {
                format!(
                    "{} installed as the inactive version; switch to it with utils system switch-version",
                    m.version
                )
            }
        }
    };
    Ok((said, local(node)?))
}

fn not_applicable(m: &Manifest, version: &str) -> OpError {
    OpError::new(
        Kind::Refused,
        format!(
            "{} applies to {}; this node runs {version}",
            m.file,
            m.applies_to.join(", ")
        ),
    )
}

/// The lock owner while an install runs (what `utils system upgrade status` looks for).
const INITIATE: &str = "utils system upgrade initiate";

/// Writes the end of an install or removal into the node's install log when dropped.
pub struct Logged {
    path: std::path::PathBuf,
    what: &'static str,
    file: String,
}

fn log_line(path: &Path, what: &str, file: &str) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // Rotated by size as the node's other logs are (`super::logs::LogFile`).
    let _ = super::logs::LogFile::new(path.to_path_buf()).append(&format!(
        "{} {what} {} pid {}",
        jiff::Timestamp::now().as_millisecond(),
        crate::text::one_line(file),
        std::process::id()
    ));
}

impl Drop for Logged {
    fn drop(&mut self) {
        log_line(&self.path, &format!("{}-end", self.what), &self.file)
    }
}

/// The installer's own log (`logs/install.log`: when it began and ended, a line each) and, on
/// an emulated node, the time a real install takes (`takes`, under the node's lock).
fn emulate(
    node: &mut Node,
    takes: std::time::Duration,
    what: &'static str,
    file: &str,
) -> OpResult<Logged> {
    let path = node.root().join("logs").join("install.log");
    log_line(&path, &format!("{what}-start"), file);
    let logged = Logged {
        path,
        what,
        file: file.to_owned(),
    };
    let until = std::time::Instant::now() + takes;
    while std::time::Instant::now() < until {
        node.cancel.check()?;
        std::thread::sleep(std::time::Duration::from_millis(50).min(takes));
    }
    Ok(logged)
}

/// `utils system upgrade status`: whether an install runs on this VOS node now.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeStatus {
    /// `running` or `idle`.
    pub state: &'static str,
    pub command: Option<String>,
    pub since: Option<String>,
}

pub fn upgrade_status(node: &mut Node) -> OpResult<UpgradeStatus> {
    node.require_vos_node()?;
    let path = node.db()?.path().to_path_buf();
    Ok(match crate::state::lock::live_holder(&path)? {
        Some(o)
            if o.command.starts_with("utils system upgrade")
                || o.command == "utils system switch-version" =>
        {
            UpgradeStatus {
                state: "running",
                command: Some(o.command),
                since: Some(o.since),
            }
        }
        _ => UpgradeStatus {
            state: "idle",
            command: None,
            since: None,
        },
    })
}

/// `utils system switch-version`: the inactive version becomes the active one.
pub fn switch_version(node: &mut Node) -> OpResult<Installed> {
    node.require_vos_node()?;
    let _lock = node.orchestration_lock("utils system switch-version")?;
    let now = local(node)?;
    let Some(inactive) = now.inactive.clone() else {
        return Err(OpError::new(
            Kind::NotFound,
            "there is no inactive version to switch to",
        ));
    };
    node.db()?.set_versions(&inactive, Some(&now.version))?;
    local(node)
}

/// `utils system upgrade rollback-patch`: remove the newest patch of the active version.
pub fn rollback_patch(
    node: &mut Node,
    takes: std::time::Duration,
) -> OpResult<(InstalledPatch, Installed)> {
    node.require_vos_node()?;
    let _lock = node.orchestration_lock("utils system upgrade rollback-patch")?;
    let now = local(node)?;
    let Some(latest) = now.patches.last() else {
        return Err(OpError::new(
            Kind::NotFound,
            format!("no patch is installed on {}", now.version),
        ));
    };
    if !latest.rollback {
        return Err(OpError::new(
            Kind::Refused,
            format!(
                "{} cannot be rolled back (its publisher says so)",
                latest.name
            ),
        ));
    }
    let _logged = emulate(node, takes, "rollback", &latest.name.clone())?;
    let removed = node
        .db()?
        .remove_latest_patch(&now.version)?
        .ok_or_else(|| OpError::new(Kind::NotFound, "the patch went away"))?;
    Ok((removed, local(node)?))
}
