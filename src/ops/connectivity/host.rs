//! One host's check within its deadline, the remote command that proves the login, and the
//! short reason a failure is shown with.

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use crate::cancel::Cancel;
use crate::clients::ssh::{self, Auth, Endpoint, SshError};

use super::*;

/// The harmless command that proves a login can do what orchestration needs on `platform`:
/// the VOS CLI's version report, or `echo` (which cmd.exe, PowerShell and sh all run).
pub(super) fn probe(platform: &str) -> String {
    if platform == "VOS" {
        PROBE_VOS.to_owned()
    } else {
        format!("echo {MARKER}")
    }
}

/// At most `n` characters of what a host said, escaped so that it cannot act on a terminal.
fn peer_text(said: &str, n: usize) -> String {
    crate::text::terminal_safe(said).chars().take(n).collect()
}

/// Why the remote command's answer does not prove that the login works; its text is the
/// host's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotProven {
    /// A failed exit status, or an answer without the marker, with the first line the host
    /// said (escaped and bounded) when it said something worth showing.
    Status { code: i32, said: Option<String> },
    /// The VOS CLI's answer is not a version report (why, escaped and bounded).
    NoVersionReport(String),
}

impl std::fmt::Display for NotProven {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotProven::Status { code, said: None } => {
                write!(f, "remote command failed: exit status {code}")
            }
            NotProven::Status {
                code,
                said: Some(said),
            } => write!(f, "remote command failed: exit status {code}: {said}"),
            NotProven::NoVersionReport(why) => write!(
                f,
                "remote command failed: `{PROBE_VOS}` gave no valid version report ({why})"
            ),
        }
    }
}

/// Whether the remote command's exit status and output prove the login works: the detail of
/// a success (a VOS host's active version), or the failure.
pub(super) fn judge(platform: &str, code: i32, out: &str) -> Result<String, NotProven> {
    let said = out.lines().next().unwrap_or("").trim();
    if code != 0 {
        return Err(NotProven::Status {
            code,
            said: (!said.is_empty() && !said.contains(MARKER)).then(|| peer_text(said, 120)),
        });
    }
    if platform == "VOS" {
        return match crate::ops::software::Installed::parse(out.trim().as_bytes()) {
            Ok(i) => Ok(format!(
                "VOS CLI answered: active version {}",
                peer_text(&i.version, 128)
            )),
            Err(e) => Err(NotProven::NoVersionReport(peer_text(&e.to_string(), 120))),
        };
    }
    if out.contains(MARKER) {
        Ok(String::new())
    } else {
        Err(NotProven::Status {
            code,
            said: (!said.is_empty()).then(|| peer_text(said, 120)),
        })
    }
}

fn reason(e: &SshError, port: u16) -> (Option<&'static str>, String) {
    match e {
        SshError::Resolve { host, reason } => (Some("DNS"), format!("DNS: cannot resolve {host} ({reason})")),
        SshError::Connect { refused: true, .. } => {
            (Some("TCP connect"), format!("connection refused (TCP {port})"))
        }
        SshError::Connect { reason, .. } => (Some("TCP connect"), format!("cannot connect (TCP {port}): {reason}")),
        SshError::Timeout { stage, secs, .. } => (Some(stage), format!("timed out after {secs}s during {stage} (TCP {port})")),
        SshError::Busy { reason, .. } => (Some("SSH banner exchange"), format!("busy: {reason} (TCP {port})")),
        SshError::Handshake { reason, .. } => (Some("SSH handshake"), format!("SSH handshake failed: {reason}")),
        SshError::HostKeyChanged { key_type, fingerprint, .. } => {
            (Some("host key"), format!("host key changed: the {key_type} key is now {fingerprint}, known_hosts holds another"))
        }
        SshError::HostKeyUnknown { key_type, fingerprint, .. } => {
            (Some("host key"), format!("host key unknown ({key_type} {fingerprint}); --accept-new-host-keys learns it"))
        }
        SshError::AuthFailed { user, .. } => (Some("authentication"), format!("authentication refused for publickey as {user}")),
        SshError::Key { path, reason } => (Some("authentication"), format!("this node's key {} cannot be used: {reason}", path.display())),
        e => (None, e.to_string()),
    }
}

/// Whether a failure may be the host being busy rather than broken, so worth one more try at
/// the end: turned away at the banner, or timed out once it had answered. A host that never
/// answered (banner timeout: a black hole) is retried only when its silence may have been
/// load (see `Pace::silence_may_be_load`); a refusal, a rejected key or a changed host key
/// never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Retry {
    Never,
    IfLoaded,
    Yes,
}

pub(super) fn retry_class(e: &SshError) -> Retry {
    match e {
        SshError::Busy { .. } => Retry::Yes,
        SshError::Timeout { stage, .. } => match *stage {
            "SSH handshake" | "authentication" | "remote command" => Retry::Yes,
            "SSH banner exchange" => Retry::IfLoaded,
            _ => Retry::Never,
        },
        _ => Retry::Never,
    }
}

/// One attempt at one host; the retry class of its failure, and the handshake time when the
/// server got that far (for the pace).
pub(super) fn check(
    t: &Target,
    key: &Path,
    keys: &Keys,
    accept_new: bool,
    timeout: Duration,
    heard: &AtomicU64,
    cancel: &Cancel,
) -> (HostResult, Retry, Option<Duration>) {
    let (host_keys, accept_new) = if t.recorded_key {
        (keys.recorded, false)
    } else {
        (keys.known_hosts, accept_new)
    };
    // The deadline runs from the moment this host's attempt starts.
    let start = Instant::now();
    let mut r = HostResult {
        product: t.row.product.clone(),
        group: t.row.group.clone(),
        host: t.row.name.clone(),
        side: t.row.side.clone(),
        platform: t.row.platform,
        result: Outcome::Failed,
        seconds: 0.0,
        stage: None,
        detail: String::new(),
        attempts: 1,
        unknown_host_key: None,
    };
    let user = match &t.user {
        Ok(u) => u.clone(),
        Err(why) => {
            r.result = Outcome::Skipped;
            r.detail = why.to_string();
            return (r, Retry::Never, None);
        }
    };
    let ep = match Endpoint::parse(&t.row.name, 22) {
        Ok(ep) => ep,
        Err(why) => {
            r.detail = format!("invalid host name: {why}");
            return (r, Retry::Never, None);
        }
    };
    let deadline = start + timeout;
    let mut decide = |_: &ssh::UnknownHost| Ok(accept_new);
    let mut handshake = None;
    let mut retry = Retry::Never;
    let outcome = ssh::connect_until(
        &ep,
        &user,
        &Auth::Key(key.to_path_buf()),
        host_keys,
        &mut decide,
        &ssh::Attempt {
            budget: timeout,
            deadline,
            heard: Some(heard),
            cancel: Some(cancel),
        },
    )
    .and_then(|conn| {
        handshake = Some(conn.handshake);
        conn.run(&probe(t.row.platform), deadline, timeout)
    });
    match outcome {
        Ok((code, out)) => match judge(t.row.platform, code, &out) {
            Ok(detail) => {
                r.result = Outcome::Success;
                r.detail = detail;
            }
            Err(why) => {
                r.stage = Some("remote command");
                r.detail = why.to_string();
            }
        },
        Err(e) => {
            let (stage, detail) = reason(&e, ep.port);
            r.stage = stage;
            r.detail = detail;
            if let SshError::HostKeyUnknown {
                key_type,
                fingerprint,
                ..
            } = &e
            {
                r.unknown_host_key = Some(format!("{key_type} {fingerprint}"));
            }
            retry = retry_class(&e);
            // A key exchange that timed out was slow: that is the load signal too.
            if matches!(
                &e,
                SshError::Timeout {
                    stage: "SSH handshake",
                    ..
                }
            ) {
                handshake = Some(start.elapsed());
            }
        }
    }
    r.seconds = start.elapsed().as_secs_f64();
    (r, retry, handshake)
}
