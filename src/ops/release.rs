//! The ccadmin release a Cloud Connect node runs, and installing another (issue 14). A node
//! that upgrades itself runs from a release directory (`serve --release-root DIR`):
//!
//! ```text
//! DIR/releases/0.1.0/release.json   {"version": "0.1.0"}
//! DIR/releases/0.1.0/bin/ccadmin
//! DIR/releases/0.2.0/...            staged beside it
//! DIR/current -> releases/0.1.0     what the service is started from
//! ```
//!
//! A release offered by the hub is downloaded (resumed if interrupted), its SHA-256 compared
//! with the offer's and its minisign signature checked against the cluster's trusted signers
//! (the patch signers), then unpacked beside the current one — only directories and regular
//! files, no path outside, bounded in size — and its `release.json` must name the offered
//! version. Switching `current` is one atomic rename.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::hub::Offer;

/// The largest archive and the most it may unpack to.
pub const MAX_ARCHIVE: u64 = 512 << 20;
const MAX_UNPACKED: u64 = 2 << 30;
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Deserialize)]
struct Manifest {
    version: String,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> OpError + '_ {
    move |e| OpError::new(Kind::Storage, format!("{}: {e}", path.display()))
}

/// A release version: 1 to 64 letters, digits, `.`, `-`, `+`, `_`, not starting with `.` (it
/// names a directory and a file).
pub fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

/// The version of the release in `dir` (its `release.json`).
pub fn version_in(dir: &Path) -> OpResult<String> {
    let path = dir.join("release.json");
    let raw = crate::state::read_bounded(&path, 4096).map_err(io(&path))?;
    let m: Manifest = serde_json::from_slice(&raw).map_err(|e| {
        OpError::new(
            Kind::Invalid,
            format!("{} is not a release manifest: {e}", path.display()),
        )
    })?;
    if !is_version(&m.version) {
        return Err(OpError::new(
            Kind::Invalid,
            format!("{}: the version is not one", path.display()),
        ));
    }
    Ok(m.version)
}

/// The version this process runs: its release directory's, else the version it was built as.
pub fn running_version(root: Option<&Path>) -> String {
    root.and_then(|r| version_in(&r.join("current")).ok())
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned())
}

/// A release unpacked beside the current one, ready to switch to.
#[derive(Debug, Clone)]
pub struct Staged {
    pub version: String,
    pub dir: PathBuf,
}

/// Download, verify and unpack an offered release, saying through `on` how far the download
/// is (about once a second) and when it is verified. `Err`: why it was refused (reported to
/// the hub); an unsigned or tampered archive is deleted.
pub fn prepare(
    node: &mut Node,
    client: &crate::clients::hub::HubClient,
    root: &Path,
    offer: &Offer,
    on: &(dyn Fn(super::upgrade_status::Event) + Sync),
) -> OpResult<Staged> {
    let Offer::Install {
        version,
        sha256,
        size,
        signature,
        ..
    } = offer
    else {
        return Err(OpError::new(Kind::Invalid, "nothing to install"));
    };
    if *size > MAX_ARCHIVE {
        return Err(OpError::new(
            Kind::Peer,
            format!(
                "the release {version} is {size} bytes, more than this node takes ({MAX_ARCHIVE})"
            ),
        ));
    }
    let releases = root.join("releases");
    let incoming = releases.join(".incoming");
    std::fs::create_dir_all(&incoming).map_err(io(&incoming))?;
    // The version came from the hub: it names a file only once it is known to be plain.
    if !is_version(version) {
        return Err(OpError::new(
            Kind::Peer,
            "the hub offered a version that is not one",
        ));
    }
    let archive = incoming.join(format!("ccadmin-{version}.tar.gz"));
    super::upgrade_status::watch_download(&archive, *size, on, || {
        client.download(version, *size, &archive)
    })?;
    on(super::upgrade_status::Event::Verifying);
    let data = crate::state::read_bounded(&archive, MAX_ARCHIVE).map_err(io(&archive))?;
    let refuse = |why: String| {
        let _ = std::fs::remove_file(&archive);
        OpError::new(Kind::Untrusted, why)
    };
    let got = super::signing::sha256_hex(&data);
    if !got.eq_ignore_ascii_case(sha256) {
        return Err(refuse(format!(
            "the release {version} is tampered: its SHA-256 is {got}, the hub said {sha256}"
        )));
    }
    let signers = node.db()?.signers()?;
    match super::signing::verify(&data, (!signature.is_empty()).then_some(signature.as_str()), &signers) {
        super::signing::Verdict::Trusted { .. } => {}
        super::signing::Verdict::Unsigned => return Err(refuse(format!("the release {version} is not signed"))),
        super::signing::Verdict::UnknownKey { key_id } => {
            return Err(refuse(format!("the release {version} is signed by key {key_id}, which this cluster does not trust (utils patch-manager signer add)")))
        }
        super::signing::Verdict::Invalid => return Err(refuse(format!("the signature of the release {version} does not match it (tampered)"))),
    }
    let staging = releases.join(format!(".staging-{version}"));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let unpacked = unpack(&data, &staging).and_then(|()| {
        let v = version_in(&staging)?;
        if &v != version {
            return Err(OpError::new(
                Kind::Peer,
                format!("the archive of {version} holds release {v}"),
            ));
        }
        let bin = staging.join("bin/ccadmin");
        let meta = std::fs::metadata(&bin).map_err(|_| {
            OpError::new(
                Kind::Peer,
                format!("the release {version} has no bin/ccadmin"),
            )
        })?;
        if !meta.is_file() {
            return Err(OpError::new(
                Kind::Peer,
                format!("bin/ccadmin of {version} is not a file"),
            ));
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).map_err(io(&bin))
    });
    if let Err(e) = unpacked {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let dir = releases.join(version);
    if dir.exists() {
        // A staged copy of an earlier attempt (never the current release: it is older).
        std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
    }
    sync_tree(&staging);
    std::fs::rename(&staging, &dir).map_err(io(&dir))?;
    sync_dir(&releases);
    let _ = std::fs::remove_file(&archive);
    Ok(Staged {
        version: version.clone(),
        dir,
    })
}

/// Flush a directory's entries to disk (a rename in it survives a power loss).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Flush every directory of a tree (its files were flushed as they were written).
fn sync_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                sync_tree(&e.path());
            }
        }
    }
    sync_dir(dir);
}

/// Unpack a gzip'd tar into `into`: directories and regular files only, relative paths
/// without `..`, bounded in count and size.
fn unpack(data: &[u8], into: &Path) -> OpResult {
    let bad = |m: String| OpError::new(Kind::Peer, format!("the release archive: {m}"));
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(data));
    let (mut total, mut count) = (0u64, 0usize);
    for entry in ar.entries().map_err(|e| bad(e.to_string()))? {
        let mut entry = entry.map_err(|e| bad(e.to_string()))?;
        count += 1;
        if count > MAX_ENTRIES {
            return Err(bad("too many entries".into()));
        }
        let path = entry.path().map_err(|e| bad(e.to_string()))?.into_owned();
        if path
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(bad(format!(
                "'{}' leaves the release directory",
                path.display().to_string().escape_debug()
            )));
        }
        let target = into.join(&path);
        match entry.header().entry_type() {
            tar::EntryType::Directory => std::fs::create_dir_all(&target).map_err(io(&target))?,
            tar::EntryType::Regular => {
                total += entry.size();
                if total > MAX_UNPACKED {
                    return Err(bad("it unpacks to too much".into()));
                }
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(io(parent))?;
                }
                let mut out = std::fs::File::create(&target).map_err(io(&target))?;
                let n = entry.size();
                std::io::copy(&mut (&mut entry).take(n), &mut out).map_err(io(&target))?;
                // On disk before the release can become `current` (a power loss after the
                // switch must find it whole).
                out.sync_all().map_err(io(&target))?;
            }
            other => {
                return Err(bad(format!(
                    "'{}' is a {other:?}, not a file or directory",
                    path.display().to_string().escape_debug()
                )))
            }
        }
    }
    Ok(())
}

/// Remove every release directory under `root/releases` but `current` and `previous` (a
/// failed or superseded release is not kept; a node keeps one release to go back to).
pub fn prune(root: &Path, current: &Path, previous: Option<&Path>) {
    let releases = root.join("releases");
    let keep = |p: &Path| {
        let full = |q: &Path| {
            let q = if q.is_absolute() {
                q.to_path_buf()
            } else {
                root.join(q)
            };
            std::fs::canonicalize(&q).unwrap_or(q)
        };
        let p = full(p);
        p == full(current) || previous.is_some_and(|prev| p == full(prev))
    };
    let Ok(entries) = std::fs::read_dir(&releases) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        // Only what is a release by its own word (an administrator's other directories stay).
        let is_release = name
            .to_str()
            .is_some_and(|n| is_version(n) && version_in(&e.path()).is_ok_and(|v| v == n));
        if is_release && e.path().is_dir() && !keep(&e.path()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// `utils cloudconnect switch-back`: the release `current` would go back to — the newest kept
/// release older than the current one — as (current version, its version, its directory).
pub fn previous_release(root: &Path) -> OpResult<(String, String, PathBuf)> {
    let now = version_in(&root.join("current")).map_err(|e| {
        OpError::new(
            Kind::NotFound,
            format!("{} holds no current release: {}", root.display(), e.message),
        )
        .hint("give the node service's release directory: --release-root DIR")
    })?;
    let older = std::fs::read_dir(root.join("releases"))
        .map_err(io(&root.join("releases")))?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let v = version_in(&e.path()).ok()?;
            (is_version(&name)
                && v == name
                && e.path().join("bin").join("ccadmin").is_file()
                && super::orchestrate::version_cmp(&v, &now) == std::cmp::Ordering::Less)
                .then_some((v, e.path()))
        })
        .max_by(|a, b| super::orchestrate::version_cmp(&a.0, &b.0));
    let (v, dir) = older.ok_or_else(|| {
        OpError::new(
            Kind::NotFound,
            format!(
                "no release older than {now} is kept under {}",
                root.display()
            ),
        )
    })?;
    Ok((now, v, dir))
}

/// Point `root/current` at `target` (atomically); what it pointed at before.
pub fn switch(root: &Path, target: &Path) -> OpResult<Option<PathBuf>> {
    let current = root.join("current");
    let before = std::fs::read_link(&current).ok();
    let relative = target.strip_prefix(root).unwrap_or(target);
    // A name of this process's own, so two switches (the service's and the console's) never
    // rename each other's link; a leftover of a power loss is removed by the next switch.
    for e in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let n = e.file_name();
        if n.to_string_lossy().starts_with(".current.new") && e.path() != current {
            let pid = n
                .to_string_lossy()
                .rsplit('.')
                .next()
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_none_or(|p| !crate::state::lock::alive(p, None)) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let next = root.join(format!(".current.new.{}", std::process::id()));
    let _ = std::fs::remove_file(&next);
    std::os::unix::fs::symlink(relative, &next).map_err(io(&next))?;
    std::fs::rename(&next, &current).map_err(io(&current))?;
    sync_dir(root);
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gzip'd tar whose entries are (raw name, type, content), names written as given.
    fn archive(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (name, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            let raw = &mut h.as_gnu_mut().unwrap().name;
            raw[..name.len()].copy_from_slice(name.as_bytes());
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            if *kind == tar::EntryType::Symlink {
                h.set_link_name("/etc/passwd").unwrap();
            }
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn a_release_archive_unpacks_only_plain_files_inside_its_directory() {
        let d = tempfile::tempdir().unwrap();
        let good = archive(&[
            (
                "./release.json",
                tar::EntryType::Regular,
                b"{\"version\": \"1.2.3\"}",
            ),
            ("./bin/", tar::EntryType::Directory, b""),
            ("./bin/ccadmin", tar::EntryType::Regular, b"#!/bin/sh\n"),
        ]);
        let ok = d.path().join("ok");
        unpack(&good, &ok).unwrap();
        assert_eq!(version_in(&ok).unwrap(), "1.2.3");
        for (name, kind) in [
            ("../escape", tar::EntryType::Regular),
            ("/etc/cron.d/x", tar::EntryType::Regular),
            ("bin/../../x", tar::EntryType::Regular),
            ("bin/link", tar::EntryType::Symlink),
            ("dev", tar::EntryType::Char),
        ] {
            let into = d.path().join("bad");
            let _ = std::fs::remove_dir_all(&into);
            std::fs::create_dir_all(&into).unwrap();
            let e = unpack(&archive(&[(name, kind, b"x")]), &into).unwrap_err();
            assert_eq!(e.kind, Kind::Peer, "{name}: {e}");
            assert!(!d.path().join("escape").exists() && !d.path().join("x").exists());
        }
        // Not an archive at all.
        assert!(unpack(b"not gzip", &d.path().join("junk")).is_err());
        // A manifest naming a version that is no version.
        let m = d.path().join("m");
        std::fs::create_dir_all(&m).unwrap();
        std::fs::write(m.join("release.json"), "{\"version\": \"../../x\"}").unwrap();
        assert_eq!(version_in(&m).unwrap_err().kind, Kind::Invalid);
    }

    #[test]
    fn switching_points_current_at_the_release_and_back() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("releases/1.0.0")).unwrap();
        std::fs::create_dir_all(root.join("releases/1.1.0")).unwrap();
        std::os::unix::fs::symlink("releases/1.0.0", root.join("current")).unwrap();
        let before = switch(root, &root.join("releases/1.1.0")).unwrap().unwrap();
        assert_eq!(
            std::fs::read_link(root.join("current")).unwrap(),
            Path::new("releases/1.1.0")
        );
        switch(root, &before).unwrap();
        assert_eq!(
            std::fs::read_link(root.join("current")).unwrap(),
            Path::new("releases/1.0.0")
        );
    }
}
