//! Downloaded patches (issue 13): each patch is an artifact with a manifest beside it,
//! `NAME.manifest.json`, signed by its publisher (`NAME.manifest.json.minisig`, minisign). The
//! manifest says what the patch is (product, platform, version, the versions it applies to,
//! whether it reboots, whether it can be rolled back, the SHA-256 of the file); the signature
//! makes the manifest trustworthy and the SHA-256 binds the file to it. Nothing here installs.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::signing::{self, Verdict};
use super::{Node, OpResult};

/// The largest manifest read.
const MAX_MANIFEST: u64 = 64 * 1024;
/// Bounds on the walk of `artifacts/`.
const MAX_DEPTH: usize = 8;
const MAX_PATCHES: usize = 10_000;
pub const MANIFEST_SUFFIX: &str = ".manifest.json";

/// The platform of an artifact or an inventory host: one text form, "VOS" or "Windows".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    #[serde(rename = "VOS")]
    Vos,
    Windows,
}

/// A text that names no platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("platform '{0}' is not VOS or Windows")]
pub struct NotAPlatform(pub String);

impl Platform {
    /// Its one text form (as the inventory and the manifests write it).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Vos => "VOS",
            Platform::Windows => "Windows",
        }
    }

    /// The platform of an inventory host (its row names it in its one text form).
    pub fn of(row: &crate::inventory::model::HostRow) -> Platform {
        if row.platform == Platform::Vos.as_str() {
            Platform::Vos
        } else {
            Platform::Windows
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// "VOS" or "Windows", in any case.
impl std::str::FromStr for Platform {
    type Err = NotAPlatform;
    fn from_str(s: &str) -> Result<Platform, NotAPlatform> {
        [Platform::Vos, Platform::Windows]
            .into_iter()
            .find(|p| s.eq_ignore_ascii_case(p.as_str()))
            .ok_or_else(|| NotAPlatform(s.to_owned()))
    }
}

/// Why a manifest is refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{0}")]
    Json(serde_json::Error),
    #[error("file '{}' is not a plain file name", .0.escape_debug())]
    FileName(String),
    #[error("{what} is empty, longer than {max}, or holds control characters")]
    Field { what: &'static str, max: usize },
    #[error("applies_to must list 1 to 256 versions")]
    AppliesTo,
    #[error("sha256 is not 64 hex digits")]
    Sha256,
}

/// A patch as its publisher describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The patch file, beside the manifest (a plain file name).
    pub file: String,
    pub product: String,
    pub platform: Platform,
    pub version: String,
    /// The installed versions it applies to.
    pub applies_to: Vec<String>,
    pub reboot: bool,
    pub rollback: bool,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// A patch (the default) or an upgrade to a new version.
    #[serde(default)]
    pub kind: ArtifactKind,
    /// Windows: the installer's silent command line.
    #[serde(default)]
    pub install: Option<String>,
    /// Windows: the silent command line that removes the patch (rollback).
    #[serde(default)]
    pub uninstall: Option<String>,
    /// Windows: a command line that exits 0 when the patch is installed (asked when an
    /// interrupted run resumes and cannot tell whether the installer finished).
    #[serde(default)]
    pub check: Option<String>,
    /// Windows: a command line that exits 0 while the installer (or uninstaller) still runs,
    /// so that a resumed run waits for the one an interrupted run started instead of starting
    /// a second (e.g. `tasklist /FI "IMAGENAME eq setup.exe" | find "setup.exe"`).
    #[serde(default)]
    pub running: Option<String>,
}

/// What installing an artifact does to a node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactKind {
    /// Adds to the installed version (an ES, an SU, a COP).
    #[default]
    Patch,
    /// Installs a new version beside the active one (switched to at once or later).
    Upgrade,
}

impl Manifest {
    /// A manifest from its bytes: well-formed JSON of the expected fields, every field checked.
    pub fn parse(data: &[u8]) -> Result<Manifest, ManifestError> {
        let m: Manifest = serde_json::from_slice(data).map_err(ManifestError::Json)?;
        m.check()?;
        Ok(m)
    }

    /// Every field within bounds: the file a plain name, texts without control characters,
    /// the checksum 64 hex digits.
    pub fn check(&self) -> Result<(), ManifestError> {
        let text = |what: &'static str, s: &str, max: usize| {
            if s.is_empty() || s.len() > max || s.chars().any(char::is_control) {
                Err(ManifestError::Field { what, max })
            } else {
                Ok(())
            }
        };
        if !super::certs::usable_name(&self.file) {
            return Err(ManifestError::FileName(self.file.clone()));
        }
        text("product", &self.product, 64)?;
        text("version", &self.version, 64)?;
        if self.applies_to.is_empty() || self.applies_to.len() > 256 {
            return Err(ManifestError::AppliesTo);
        }
        for v in &self.applies_to {
            text("applies_to", v, 64)?;
        }
        if self.sha256.len() != 64 || !self.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ManifestError::Sha256);
        }
        for (what, line) in [
            ("install", &self.install),
            ("uninstall", &self.uninstall),
            ("check", &self.check),
            ("running", &self.running),
        ] {
            if let Some(l) = line {
                text(what, l, 1024)?;
            }
        }
        Ok(())
    }
}

/// Whether a patch can be used, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Status {
    /// Signed by a trusted signer and the file matches: ready.
    Verified {
        signer: String,
    },
    Unsigned,
    UntrustedKey {
        key_id: String,
    },
    BadSignature,
    /// The manifest is signed but is not a valid manifest.
    Invalid {
        reason: String,
    },
    /// The file is not there (yet).
    MissingFile,
    /// The file differs from what the signed manifest says.
    Tampered {
        expected: String,
        found: String,
    },
}

impl Status {
    pub fn label(&self) -> String {
        match self {
            Status::Verified { signer } => format!("verified ({signer})"),
            Status::Unsigned => "REFUSED: unsigned".into(),
            Status::UntrustedKey { key_id } => {
                format!("REFUSED: signed by untrusted key {key_id}")
            }
            Status::BadSignature => "REFUSED: the signature does not match".into(),
            Status::Invalid { reason } => format!("REFUSED: invalid manifest: {reason}"),
            Status::MissingFile => "REFUSED: the patch file is missing".into(),
            Status::Tampered { .. } => "REFUSED: the file does not match its SHA-256".into(),
        }
    }
}

/// One downloaded patch.
#[derive(Debug, Clone, Serialize)]
pub struct Patch {
    /// The manifest, relative to `artifacts/`.
    pub manifest: String,
    #[serde(flatten)]
    pub status: Status,
    /// What the manifest says (shown even when refused, never trusted then).
    pub patch: Option<Manifest>,
    /// The inventory hosts of the patch's product and platform.
    pub nodes: Vec<String>,
}

impl Patch {
    pub fn usable(&self) -> bool {
        matches!(self.status, Status::Verified { .. })
    }
}

/// The files under `dir` whose names end in `suffix`, in name order (bounded walk).
pub fn find_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, 0, suffix, &mut out);
    out
}

fn walk(dir: &Path, depth: usize, suffix: &str, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH || out.len() >= MAX_PATCHES {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(t) = e.file_type() else { continue };
        let p = e.path();
        if t.is_dir() {
            walk(&p, depth + 1, suffix, out);
        } else if t.is_file() && e.file_name().to_string_lossy().ends_with(suffix) {
            out.push(p);
        }
    }
}

pub fn sha256_file(path: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(super::signing::hex(&h.finalize()))
}

/// One manifest, checked: signature, contents, file.
fn examine(
    path: &Path,
    signers: &[crate::state::orchestration::Signer],
) -> (Status, Option<Manifest>) {
    let Ok(data) = crate::state::read_bounded(path, MAX_MANIFEST) else {
        return (
            Status::Invalid {
                reason: format!("unreadable or larger than {MAX_MANIFEST} bytes"),
            },
            None,
        );
    };
    let sig_path = PathBuf::from(format!("{}.minisig", path.display()));
    let signature = crate::state::read_bounded(&sig_path, signing::MAX_SIGNATURE)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let verdict = signing::verify(&data, signature.as_deref(), signers);
    let parsed = Manifest::parse(&data);
    let shown = parsed.as_ref().ok().cloned();
    let signer = match verdict {
        Verdict::Trusted { signer } => signer,
        Verdict::Unsigned => return (Status::Unsigned, shown),
        Verdict::UnknownKey { key_id } => return (Status::UntrustedKey { key_id }, shown),
        Verdict::Invalid => return (Status::BadSignature, shown),
    };
    let m = match parsed {
        Ok(m) => m,
        Err(reason) => {
            return (
                Status::Invalid {
                    reason: crate::text::terminal_safe(&reason.to_string()).into_owned(),
                },
                None,
            )
        }
    };
    let file = path.with_file_name(&m.file);
    let status = match sha256_file(&file) {
        None => Status::MissingFile,
        Some(found) if !found.eq_ignore_ascii_case(&m.sha256) => Status::Tampered {
            expected: m.sha256.to_lowercase(),
            found,
        },
        Some(_) => Status::Verified { signer },
    };
    (status, Some(m))
}

/// `utils patch-manager list`: every downloaded patch, whether it can be trusted, and the
/// inventory hosts of its product.
pub fn list(node: &mut Node) -> OpResult<Vec<Patch>> {
    let dir = node.root().join("artifacts");
    let signers = node.db()?.signers()?;
    let rows = super::inventory::current(node)?.rows();
    let found = find_files(&dir, MANIFEST_SUFFIX);
    Ok(found
        .into_iter()
        .map(|path| {
            let (status, patch) = examine(&path, &signers);
            let nodes = patch
                .as_ref()
                .filter(|_| matches!(status, Status::Verified { .. }))
                .map(|m| {
                    rows.iter()
                        .filter(|r| {
                            Platform::of(r) == m.platform
                                && r.product.eq_ignore_ascii_case(&m.product)
                        })
                        .map(|r| r.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            Patch {
                manifest: path
                    .strip_prefix(&dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                status,
                patch,
                nodes,
            }
        })
        .collect())
}
