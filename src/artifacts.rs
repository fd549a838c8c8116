//! Artifact download (SPEC 7): list the repository, keep what the software choice allows, fetch
//! what is missing into `artifacts/`. `utils image-repository download` calls this, and the node
//! service's scheduled download will call the same code.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::clients::artifactory::{wanted, ArtError, Artifactory, RemoteFile};

/// CA certificates to trust for the Artifactory: the setting's `--ca-file` and every file in
/// the node's `trust/`.
pub fn trusted_cas(state_root: &Path, ca_file: Option<&str>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ca_file.map(PathBuf::from).into_iter().collect();
    if let Ok(rd) = std::fs::read_dir(state_root.join("trust")) {
        let mut more: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        more.sort();
        out.extend(more);
    }
    out
}

/// The credential of a stored setting, from the store that holds it.
pub fn credential(
    db: &crate::state::Db,
    state_root: &Path,
    s: &crate::state::db::ImageRepository,
    dbus: bool,
) -> Result<crate::secrets::Secret, String> {
    crate::secrets::NodeSecrets::new(state_root, None, dbus)
        .get(db, &s.credential_ref)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!(
                "the Artifactory credential is missing from the {} store",
                s.credential_store
            )
        })
}

/// A client for a stored setting: its URL, repository, auth type, proxy, and the CAs of the
/// setting and the node's trust/.
pub fn client_for(
    state_root: &Path,
    s: &crate::state::db::ImageRepository,
    credential: crate::secrets::Secret,
    timeout: Duration,
) -> Result<Artifactory, ArtError> {
    use crate::clients::artifactory::{AuthType, Config};
    Artifactory::new(Config {
        url: s.url.clone(),
        repository: s.repository.clone(),
        auth: AuthType::parse(&s.auth_type).unwrap_or(AuthType::ApiKey),
        credential,
        ca_files: trusted_cas(state_root, s.ca_file.as_deref()),
        proxy: s.proxy.clone(),
        connect_timeout: timeout,
        io_timeout: timeout,
        allow_http: s.allow_http,
    })
}

/// The scheduled download (SPEC 7): the stored setting, its credential, the lock, the plan and
/// the download, for the node service. Returns a sentence for the log.
pub fn scheduled(db_path: &Path, state_root: &Path, dbus: bool) -> String {
    let run = || -> Result<String, String> {
        let db = crate::state::Db::open(db_path, "").map_err(|e| e.to_string())?;
        let Some(s) = db.image_repository().map_err(|e| e.to_string())? else {
            return Ok("scheduled download skipped: the image repository is not configured".into());
        };
        let credential = credential(&db, state_root, &s, dbus)?;
        let _lock =
            crate::state::lock::acquire(db_path, "scheduled artifact download", std::process::id())
                .map_err(|e| e.to_string())?;
        let client = client_for(state_root, &s, credential, Duration::from_secs(60))
            .map_err(|e| e.to_string())?;
        let dir = state_root.join("artifacts");
        let p = plan(&client, &s.software, &dir).map_err(|e| e.to_string())?;
        let never = AtomicBool::new(false);
        let sum = download(
            &client,
            &p,
            &dir,
            5,
            Duration::from_secs(5),
            &never,
            &mut |_| {},
        )
        .map_err(|e| e.to_string())?;
        Ok(format!(
            "scheduled download: {} artifact(s) downloaded ({} bytes), {} already complete",
            sum.downloaded, sum.bytes, sum.already_complete
        ))
    };
    run().unwrap_or_else(|e| {
        format!("scheduled download failed, will run again at the next time: {e}")
    })
}

/// What a download would do.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Plan {
    /// Files to fetch (missing, or only partly there).
    pub fetch: Vec<RemoteFile>,
    /// Files already complete on disk.
    pub complete: Vec<RemoteFile>,
    /// Files the software choice excludes.
    pub excluded: usize,
}

/// Where a repository file goes under `dir`; a path that would leave `dir` is refused.
pub fn local_path(dir: &Path, uri: &str) -> Result<PathBuf, ArtError> {
    let rel = Path::new(uri.trim_start_matches('/'));
    if rel.as_os_str().is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(ArtError::NotArtifactory {
            url: uri.to_owned(),
            reason: format!("the file list holds an unsafe path '{uri}'"),
        });
    }
    Ok(dir.join(rel))
}

pub fn plan(client: &Artifactory, software: &str, dir: &Path) -> Result<Plan, ArtError> {
    let mut p = Plan::default();
    for f in client.list_files()? {
        if !wanted(&f.uri, software) {
            p.excluded += 1;
            continue;
        }
        let dest = local_path(dir, &f.uri)?;
        // A file takes its final name only after its SHA-256 matched, so its presence with
        // the listed size means it is complete.
        match std::fs::metadata(&dest) {
            Ok(m) if m.len() == f.size => p.complete.push(f),
            _ => p.fetch.push(f),
        }
    }
    Ok(p)
}

/// Progress of a download, for bars.
pub enum Event<'a> {
    File { uri: &'a str, size: u64 },
    Bytes { done: u64 },
    Done,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub downloaded: usize,
    pub bytes: u64,
    pub already_complete: usize,
}

pub fn download(
    client: &Artifactory,
    plan: &Plan,
    dir: &Path,
    retries: u32,
    backoff: Duration,
    interrupt: &AtomicBool,
    progress: &mut dyn FnMut(Event),
) -> Result<Summary, ArtError> {
    let mut s = Summary {
        already_complete: plan.complete.len(),
        ..Summary::default()
    };
    for f in &plan.fetch {
        let dest = local_path(dir, &f.uri)?;
        progress(Event::File {
            uri: &f.uri,
            size: f.size,
        });
        let n = client.download(
            &f.uri,
            &dest,
            retries,
            backoff,
            interrupt,
            &mut |done, _| progress(Event::Bytes { done }),
        )?;
        progress(Event::Done);
        s.downloaded += 1;
        s.bytes += n;
    }
    Ok(s)
}

/// An artifact on disk.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LocalArtifact {
    pub path: String,
    pub size: u64,
    /// `complete`, or `partial` for a download that will resume.
    pub state: &'static str,
}

pub fn list_local(dir: &Path) -> Vec<LocalArtifact> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<LocalArtifact>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        let mut entries: Vec<_> = rd.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
                continue;
            }
            let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            let size = e.metadata().map(|m| m.len()).unwrap_or(0);
            match rel.strip_suffix(".part") {
                Some(name) => out.push(LocalArtifact {
                    path: format!("/{name}"),
                    size,
                    state: "partial",
                }),
                None => out.push(LocalArtifact {
                    path: format!("/{rel}"),
                    size,
                    state: "complete",
                }),
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        let d = Path::new("/state/artifacts");
        assert_eq!(
            local_path(d, "/12.6/a.iso").unwrap(),
            PathBuf::from("/state/artifacts/12.6/a.iso")
        );
        assert!(local_path(d, "/../etc/passwd").is_err());
        assert!(local_path(d, "/a/../../b").is_err());
        assert!(local_path(d, "/").is_err());
    }
}
