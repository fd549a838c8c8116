//! This Cloud Connect node's own upgrade from its hub, step by step, for `utils system upgrade
//! status` (Cisco's command for it on Cloud Connect): offered, downloading (bytes so far of
//! the total, and the rate), verifying, trying, switching, healthy, switched back, failed or
//! cancelled (and why), with the time of the last change.
//!
//! Nothing else keeps the steps where a command can read them (the hub's poll result is one
//! sentence; serve.log is prose), so the service records each step in one small file of the
//! state directory ([`FILE`], at most [`MAX_FILE`] bytes), replaced atomically at every change,
//! under the upgrade's lock ([`cancel::LOCK`]). Only `ccadmin serve` writes it, and a
//! download's progress at most about once a second, from a sampler beside the download that
//! reads the size of the file being written: the download never waits on the record. The
//! command reads it through [`status`]; `utils system upgrade cancel` decides on it, under the
//! same lock, in [`cancel`].

pub mod cancel;

use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Kind, Node, OpError, OpResult};

/// The record's file in the node's state directory.
pub const FILE: &str = "upgrade-status.json";
/// The largest record read (a record is a few hundred bytes; its detail is bounded).
pub const MAX_FILE: u64 = 16 << 10;
/// The longest detail kept (a reason from a failed step, a hub's words).
const MAX_DETAIL: usize = 1000;
/// How often a download's progress is sampled (and recorded, when it changed).
const SAMPLE: Duration = Duration::from_secs(1);

/// A step of the self-upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// The hub offered a newer release; it is about to be downloaded (or its download was
    /// interrupted and resumes at the next poll).
    Offered,
    Downloading,
    /// Its SHA-256 and signature checked, then unpacked beside the current release.
    Verifying,
    /// Started beside the running release, its health checked (it may still be cancelled).
    Trying,
    /// Proved healthy: `current` is being switched to it (past the point of no return).
    Switching,
    /// Healthy and switched to: the node runs it.
    Healthy,
    /// Not healthy (or the switch could not be made): the node kept, or went back to, the
    /// release it ran.
    SwitchedBack,
    /// Refused before it was tried (older, not signed, tampered, not installable here).
    Failed,
    /// Cancelled by the administrator (`utils system upgrade cancel`) before the switch.
    Cancelled,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Offered => "offered",
            Step::Downloading => "downloading",
            Step::Verifying => "verifying",
            Step::Trying => "trying",
            Step::Switching => "switching",
            Step::Healthy => "healthy",
            Step::SwitchedBack => "switched-back",
            Step::Failed => "failed",
            Step::Cancelled => "cancelled",
        }
    }

    /// Whether the upgrade is still under way at this step.
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            Step::Offered | Step::Downloading | Step::Verifying | Step::Trying | Step::Switching
        )
    }
}

/// A download's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub bytes: u64,
    pub total: u64,
    /// Over the last sample (0 while nothing arrives).
    pub bytes_per_second: u64,
}

/// What preparing a release reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Downloading(Progress),
    Verifying,
}

/// The record as the service writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub step: Step,
    pub version: String,
    /// The release the node ran when the step was recorded.
    pub from: String,
    /// When the record last changed (`YYYY-MM-DD HH:MM:SS`, UTC).
    pub changed_at: String,
    pub progress: Option<Progress>,
    pub detail: Option<String>,
    /// The service process that wrote it (the same after a switch: the release is exec'd).
    pub pid: u32,
    /// The attempt at this release the step belongs to (a random id the service picks when
    /// the offer arrives): a cancellation names it, so it never cancels a later attempt.
    #[serde(default)]
    pub attempt: Option<String>,
    /// A cancelled attempt: whether the hub was told (its failure report).
    #[serde(default)]
    pub hub_told: Option<bool>,
}

/// The record of the state directory `dir`, if there is one (bounded, typed).
pub fn read_record(dir: &Path) -> OpResult<Option<Record>> {
    let path = dir.join(FILE);
    let raw = match crate::state::read_bounded(&path, MAX_FILE) {
        Ok(raw) => raw,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(OpError::new(
                Kind::Storage,
                format!("{}: {e}", path.display()),
            ))
        }
    };
    serde_json::from_slice(&raw).map(Some).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("{} is not an upgrade record: {e}", path.display()),
        )
        .hint("the service writes it again at the next step of an upgrade")
    })
}

/// Writes this node's record (the service only).
#[derive(Debug, Clone)]
pub struct Recorder {
    dir: PathBuf,
    from: String,
}

impl Recorder {
    /// For the service of `state_dir`, which runs the release `from`.
    pub fn new(state_dir: &Path, from: &str) -> Recorder {
        Recorder {
            dir: state_dir.to_path_buf(),
            from: from.to_owned(),
        }
    }

    /// The state directory it writes in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The release the service runs.
    pub fn from(&self) -> &str {
        &self.from
    }

    /// Record `step` of `version`, with why where there is something to say (outside any
    /// attempt: a release refused before it was tried, a switch that could not be made).
    pub fn step(&self, step: Step, version: &str, detail: Option<&str>) -> std::io::Result<()> {
        let _held = cancel::lock(&self.dir)?;
        self.put(&self.record(step, version, None, detail))
    }

    /// Record a download's progress (outside any attempt).
    pub fn progress(&self, version: &str, p: Progress) -> std::io::Result<()> {
        let _held = cancel::lock(&self.dir)?;
        self.put(&self.record(Step::Downloading, version, Some(p), None))
    }

    /// The record of `step` now (no attempt named).
    fn record(
        &self,
        step: Step,
        version: &str,
        progress: Option<Progress>,
        detail: Option<&str>,
    ) -> Record {
        let detail = detail.map(|d| {
            let d = crate::text::one_line(d);
            match d.char_indices().nth(MAX_DETAIL) {
                Some((cut, _)) => format!("{}…", &d[..cut]),
                None => d.into_owned(),
            }
        });
        Record {
            step,
            version: version.chars().take(64).collect(),
            from: self.from.clone(),
            changed_at: crate::state::now_utc(),
            progress,
            detail,
            pid: std::process::id(),
            attempt: None,
            hub_told: None,
        }
    }

    /// Replace the record (atomically); the caller holds the upgrade's lock.
    fn put(&self, r: &Record) -> std::io::Result<()> {
        let data = serde_json::to_vec(r).map_err(std::io::Error::other)?;
        crate::state::write_private_file(&self.dir.join(FILE), &data)
    }
}

/// Run `download` while a sampler beside it reports the size of `file` (what has arrived of
/// `total` bytes) and the rate through `on`: at once, then about once a second whenever it
/// changed. The download never waits on the sampler; the sampler ends as the download does
/// (before this returns, so nothing is reported after it).
pub fn watch_download<R>(
    file: &Path,
    total: u64,
    on: &(dyn Fn(Event) + Sync),
    download: impl FnOnce() -> R,
) -> R {
    let (done, ended) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || {
            let size = || std::fs::metadata(file).map_or(0, |m| m.len()).min(total);
            let mut last = (size(), Instant::now());
            let mut shown = Progress {
                bytes: last.0,
                total,
                bytes_per_second: 0,
            };
            on(Event::Downloading(shown.clone()));
            loop {
                match ended.recv_timeout(SAMPLE) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
                let now = (size(), Instant::now());
                let secs = now.1.duration_since(last.1).as_secs_f64();
                let moved = now.0.saturating_sub(last.0) as f64;
                let p = Progress {
                    bytes: now.0,
                    total,
                    bytes_per_second: if secs > 0.0 { (moved / secs) as u64 } else { 0 },
                };
                if p != shown {
                    on(Event::Downloading(p.clone()));
                    shown = p;
                }
                last = now;
            }
        });
        let r = download();
        drop(done);
        r
    })
}

/// `utils system upgrade status` on a Cloud Connect node.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// `none` (no release offered yet) or the step's name.
    pub state: &'static str,
    pub version: Option<String>,
    pub from: Option<String>,
    pub changed_at: Option<String>,
    pub bytes: Option<u64>,
    pub total: Option<u64>,
    pub bytes_per_second: Option<u64>,
    pub detail: Option<String>,
    /// Whether the service that recorded an unfinished step still runs (`false`: it stopped
    /// there; a started service's next poll in the window goes on). `null` once finished.
    pub service_running: Option<bool>,
}

/// This node's self-upgrade as the service recorded it.
pub fn status(node: &mut Node) -> OpResult<Status> {
    node.require_cloud_connect(false)?;
    let Some(r) = read_record(node.root())? else {
        return Ok(Status {
            state: "none",
            version: None,
            from: None,
            changed_at: None,
            bytes: None,
            total: None,
            bytes_per_second: None,
            detail: None,
            service_running: None,
        });
    };
    let p = r.progress.as_ref();
    Ok(Status {
        state: r.step.name(),
        service_running: r
            .step
            .in_flight()
            .then(|| crate::state::lock::alive(r.pid, None)),
        version: Some(r.version),
        from: Some(r.from),
        changed_at: Some(r.changed_at),
        bytes: p.map(|p| p.bytes),
        total: p.map(|p| p.total),
        bytes_per_second: p.map(|p| p.bytes_per_second),
        detail: r.detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh node: a stand-alone Cloud Connect publisher.
    fn node(dir: &Path) -> Node {
        Node::new(
            crate::state::StateDir::new(dir.to_path_buf(), "cc-pub.example".into()),
            super::super::Stores {
                choice: None,
                dbus_session: false,
            },
            crate::cancel::Cancel::new(),
        )
    }

    /// Each step the service records is read back as it was written, the newest one wins,
    /// a long reason is bounded to one line, and nothing recorded is `none`.
    #[test]
    fn every_recorded_step_is_read_back() {
        let d = tempfile::tempdir().unwrap();
        let mut n = node(d.path());
        assert_eq!(status(&mut n).unwrap().state, "none");
        let rec = Recorder::new(d.path(), "0.1.0");
        for step in [
            Step::Offered,
            Step::Verifying,
            Step::Trying,
            Step::Switching,
            Step::Healthy,
            Step::SwitchedBack,
            Step::Failed,
            Step::Cancelled,
        ] {
            rec.step(step, "0.2.0", Some("why\nthis")).unwrap();
            let s = status(&mut n).unwrap();
            assert_eq!(s.state, step.name());
            assert_eq!(s.version.as_deref(), Some("0.2.0"));
            assert_eq!(s.from.as_deref(), Some("0.1.0"));
            assert!(!s.detail.unwrap().contains('\n'));
            assert_eq!(s.service_running, step.in_flight().then_some(true));
            assert!(s.changed_at.is_some());
        }
        rec.progress(
            "0.2.0",
            Progress {
                bytes: 10,
                total: 40,
                bytes_per_second: 5,
            },
        )
        .unwrap();
        let s = status(&mut n).unwrap();
        assert_eq!(
            (s.state, s.bytes, s.total, s.bytes_per_second),
            ("downloading", Some(10), Some(40), Some(5))
        );
        rec.step(Step::Failed, "0.2.0", Some(&"x".repeat(5000)))
            .unwrap();
        let long = status(&mut n).unwrap().detail.unwrap();
        assert!(long.chars().count() <= MAX_DETAIL + 1, "{}", long.len());
        // A damaged record is said, not shown as nothing.
        std::fs::write(d.path().join(FILE), "{").unwrap();
        assert_eq!(status(&mut n).unwrap_err().kind, Kind::Storage);
    }

    /// The sampler reports at once and when the file grows, with the rate it grew at.
    #[test]
    fn a_download_is_sampled_while_it_runs() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("archive");
        let seen = std::sync::Mutex::new(Vec::new());
        let on = |e: Event| seen.lock().unwrap().push(e);
        let saw = |bytes: u64| {
            seen.lock()
                .unwrap()
                .iter()
                .any(|e| matches!(e, Event::Downloading(p) if p.bytes == bytes))
        };
        let out = watch_download(&file, 100, &on, || {
            // The first sample (nothing yet), then the file grows; until the sampler saw it
            // (it samples once a second).
            // Bounded: a sampler that never samples fails the test rather than hanging it.
            let until = std::time::Instant::now() + Duration::from_secs(30);
            let wait = |bytes: u64| {
                while !saw(bytes) {
                    assert!(
                        std::time::Instant::now() < until,
                        "the sampler never reported {bytes} bytes"
                    );
                    std::thread::sleep(Duration::from_millis(10));
                }
            };
            wait(0);
            std::fs::write(&file, [0u8; 60]).unwrap();
            wait(60);
            "done"
        });
        assert_eq!(out, "done");
        let got = seen.lock().unwrap().clone();
        assert_eq!(
            got.first(),
            Some(&Event::Downloading(Progress {
                bytes: 0,
                total: 100,
                bytes_per_second: 0
            }))
        );
        let Some(Event::Downloading(p)) = got.last() else {
            panic!("{got:?}")
        };
        assert!(p.bytes == 60 && p.bytes_per_second > 0, "{p:?}");
        // The sampler was joined before `watch_download` returned: nothing can come after.
    }
}
