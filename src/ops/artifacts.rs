//! Artifact download (rule R11 in docs/rules.md#r11): list the repository, keep what the software
//! choice allows, fetch what is missing into `artifacts/`. `utils image-repository download` and
//! the node service's scheduled download call the same code.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::{Node, OpResult};
use crate::clients::artifactory::{wanted, ArtError, Artifactory, RemoteFile};
use crate::domain::Software;

/// What the scheduled download did.
pub enum Scheduled {
    /// Nothing to do: the image repository is not configured.
    NotConfigured,
    Done(Summary),
}

/// The scheduled download (rule R11 in docs/rules.md#r11), for the node service and `utils
/// initiate software-download` (through `software_download::run`, which records the run): the
/// stored setting, its credential, the lock (held as `holder`), the plan and the download at
/// the node's bandwidth. `node.cancel` (SIGTERM, Ctrl-C) stops it between reads; what arrived
/// stays in the `.part` file and the next run resumes it.
pub fn scheduled(
    node: &mut Node,
    holder: &str,
    progress: &mut dyn FnMut(Event),
) -> OpResult<Scheduled> {
    if node.db()?.image_repository()?.is_none() {
        return Ok(Scheduled::NotConfigured);
    }
    let (s, credential) = super::image_repository::load(node)?;
    let bandwidth = super::software_download::bandwidth(node)?;
    let _lock = node.orchestration_lock(holder)?;
    let client = super::image_repository::client(
        node.root(),
        &s,
        credential,
        Duration::from_secs(60),
        &node.cancel,
    )?
    .with_bandwidth(bandwidth.bytes_per_second());
    let dir = node.root().join("artifacts");
    let p = plan(&client, s.software, &dir)?;
    let sum = download(
        &client,
        &p,
        &dir,
        5,
        Duration::from_secs(5),
        node.cancel.flag(),
        progress,
    )?;
    // A mail that cannot be queued never fails the download; the service logs the summary.
    let _ = announce(node, &p, &sum);
    Ok(Scheduled::Done(sum))
}

/// "New software available": a notification listing what a download brought, when it
/// brought anything (queued for the subscribers; never fails the download).
pub fn announce(node: &mut Node, plan: &Plan, sum: &Summary) -> OpResult<bool> {
    if sum.downloaded == 0 {
        return Ok(false);
    }
    let rows: Vec<Vec<String>> = plan
        .fetch
        .iter()
        .map(|f| vec![f.uri.clone(), f.size.to_string()])
        .collect();
    super::notify::notify(
        node,
        "Software download",
        "new software available",
        &["ARTIFACT", "BYTES"],
        &rows,
    )
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
    // A name a terminal would act on (an escape sequence, a bidirectional override) is refused
    // too: it would become a file name here and reach every listing and progress line.
    if rel.as_os_str().is_empty()
        || rel.components().any(|c| !matches!(c, Component::Normal(_)))
        || uri
            .chars()
            .any(|c| c.is_control() || crate::text::acts_on_terminal(c))
    {
        return Err(ArtError::NotArtifactory {
            url: crate::text::one_line(uri).into_owned(),
            reason: format!(
                "the file list holds an unsafe path '{}'",
                crate::text::one_line(uri)
            ),
        });
    }
    Ok(dir.join(rel))
}

pub fn plan(client: &Artifactory, software: Software, dir: &Path) -> Result<Plan, ArtError> {
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
        // Names a terminal would act on: an escape sequence, a bell, a bidi override, a newline.
        for hostile in [
            "/12.6/\u{1b}]0;PWNED\u{7}.cop",
            "/12.6/\u{1b}[2Jevil.cop",
            "/12.6/gpj.\u{202e}exe",
            "/12.6/a\nb.cop",
        ] {
            let e = local_path(d, hostile).unwrap_err().to_string();
            assert!(e.contains("unsafe path"), "{e}");
            assert!(
                !e.contains('\u{1b}') && !e.contains('\u{202e}'),
                "escaped: {e}"
            );
        }
    }
}
