//! The host's own guard against two installers (issue 23): a lease file in the orchestration
//! account's home, `.ccadmin-lease.json`, made before anything is installed on the host and
//! removed when the install has been seen to end.
//!
//! The cluster claim (`ops::cluster_run`) keeps the two Cloud Connect nodes of one cluster
//! apart while they can talk; the lease holds where no claim can see: two nodes cut off from
//! each other (both started with `--peer-down`), a claim left stale, another deployment's
//! Cloud Connect reaching the same hosts. It is created atomically over SFTP (written whole
//! under a temporary name, then renamed, which never replaces an existing file), names the
//! run, the Cloud Connect node, the group and the time, and after a host's lease is taken the
//! leases of every other member of its group (a VOS cluster, a Windows pair) are read: a lease
//! of another run there means another run may be installing on that member, so this host is
//! released again and not touched. Two runs racing on one group may then both stand back;
//! they never both install.
//!
//! A lease of this run (a resumed run) is this run's. A lease of a run that this cluster's
//! record shows finished is stale and removed. Any other lease is only broken on the
//! administrator's word (`--break-leases`), since its installer may still run.

use serde::{Deserialize, Serialize};

use super::connectivity::Target;
use super::orchestrate::{Hosts, RemoteHost};
use crate::cancel::Cancel;
use crate::clients::ssh::SshError;

/// The lease's file in the orchestration account's home.
pub const LEASE_FILE: &str = ".ccadmin-lease.json";
/// The largest lease read.
const MAX_LEASE: u64 = 4096;

/// Why a lease's text is not a lease.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error("larger than {MAX_LEASE} bytes")]
    TooLarge,
    #[error("{0}")]
    Json(serde_json::Error),
    #[error("its {0} is empty, longer than 300 or holds control characters")]
    Field(&'static str),
}

/// Why a host's lease could not be read, taken or released.
#[derive(Debug, thiserror::Error)]
pub enum LeaseFileError {
    #[error("its lease {LEASE_FILE} is not valid: {0}")]
    Invalid(LeaseError),
    #[error("cannot read its lease {LEASE_FILE}: {0}")]
    Read(SshError),
    #[error("{0}")]
    Encode(serde_json::Error),
    #[error("cannot make its lease {LEASE_FILE}: {0}")]
    Create(SshError),
    #[error("its lease {LEASE_FILE} changed while a stale one was being removed; run this again")]
    Changed,
    #[error("cannot remove the stale lease {aside}: {source}")]
    RemoveStale { aside: String, source: SshError },
    #[error("its lease {LEASE_FILE} keeps changing under this run")]
    KeepsChanging,
    #[error("cannot remove its lease {LEASE_FILE}: {0}")]
    Remove(SshError),
}

/// Who leases a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lease {
    /// The run's id (the same on both Cloud Connect nodes).
    pub run: String,
    /// The Cloud Connect node that runs it.
    pub node: String,
    /// The leased host and its group, as the inventory names them.
    pub host: String,
    pub group: String,
    pub operation: String,
    /// When it was taken (UTC).
    pub since: String,
}

impl Lease {
    /// A host's lease: typed, bounded, printable.
    pub fn parse(data: &[u8]) -> Result<Lease, LeaseError> {
        if data.len() as u64 > MAX_LEASE {
            return Err(LeaseError::TooLarge);
        }
        let l: Lease = serde_json::from_slice(data).map_err(LeaseError::Json)?;
        for (what, s) in [
            ("run", &l.run),
            ("node", &l.node),
            ("host", &l.host),
            ("group", &l.group),
            ("operation", &l.operation),
            ("since", &l.since),
        ] {
            if s.is_empty() || s.len() > 300 || s.chars().any(char::is_control) {
                return Err(LeaseError::Field(what));
            }
        }
        Ok(l)
    }

    /// The lease as a sentence: whose run, since when.
    pub fn describe(&self) -> String {
        format!(
            "run {} of Cloud Connect node {} ({}, since {} UTC)",
            self.run, self.node, self.operation, self.since
        )
    }
}

/// Whose lease the host behind `conn` holds, said for a refusal (`the patch install run R on
/// NODE`), or `None` when it holds none or only a stale one (its run is `finished`). A lease
/// that cannot be read counts as held: the host may be in the middle of a change either way.
pub fn held(
    conn: &dyn RemoteHost,
    cancel: &Cancel,
    finished: &dyn Fn(&str) -> bool,
) -> Option<String> {
    match read(conn, cancel) {
        Ok(None) => None,
        Ok(Some(l)) if finished(&l.run) => None,
        Ok(Some(l)) => Some(format!(
            "{} run {} on {}",
            crate::text::one_line(&l.operation),
            crate::text::one_line(&l.run),
            crate::text::one_line(&l.node)
        )),
        Err(e) => Some(format!("a lease that cannot be read ({e})")),
    }
}

/// The lease on the host behind `conn`, if it has one.
pub fn read(conn: &dyn RemoteHost, cancel: &Cancel) -> Result<Option<Lease>, LeaseFileError> {
    match conn.read_file(LEASE_FILE, MAX_LEASE, cancel) {
        Ok(data) => Lease::parse(&data)
            .map(Some)
            .map_err(LeaseFileError::Invalid),
        Err(SshError::NotFound { .. }) => Ok(None),
        Err(e) => Err(LeaseFileError::Read(e)),
    }
}

/// How taking a host's lease went.
pub enum Taken {
    /// Made now.
    New,
    /// This run held it already (a resumed run).
    Ours,
    /// Another run holds it.
    Held(Lease),
}

/// Take the lease on the host behind `conn`. A stale lease (its run is finished, `finished`
/// says) or, with `break_foreign`, any other run's lease is removed first.
pub fn take(
    conn: &dyn RemoteHost,
    lease: &Lease,
    cancel: &Cancel,
    finished: &dyn Fn(&str) -> bool,
    break_foreign: bool,
) -> Result<Taken, LeaseFileError> {
    let data = serde_json::to_vec_pretty(lease).map_err(LeaseFileError::Encode)?;
    for _ in 0..3 {
        if conn
            .create_file_exclusive(LEASE_FILE, &data, cancel)
            .map_err(LeaseFileError::Create)?
        {
            return Ok(Taken::New);
        }
        let Some(held) = read(conn, cancel)? else {
            continue;
        };
        if held.run == lease.run {
            return Ok(Taken::Ours);
        }
        if !finished(&held.run) && !break_foreign {
            return Ok(Taken::Held(held));
        }
        // Moved aside under a name of this run's first, so that of two runs removing the
        // same stale lease only one does, and a lease made meanwhile is never removed.
        let aside = format!("{LEASE_FILE}.stale-{}", lease.run);
        if conn.rename_no_replace(LEASE_FILE, &aside).is_err() {
            continue;
        }
        let moved = conn
            .read_file(&aside, MAX_LEASE, cancel)
            .ok()
            .and_then(|d| Lease::parse(&d).ok());
        if moved.as_ref() != Some(&held) {
            // Not the lease that was judged stale: put it back and stand back.
            let _ = conn.rename_no_replace(&aside, LEASE_FILE);
            return Err(LeaseFileError::Changed);
        }
        conn.remove_file(&aside)
            .map_err(|source| LeaseFileError::RemoveStale {
                aside: aside.clone(),
                source,
            })?;
    }
    Err(LeaseFileError::KeepsChanging)
}

/// Remove the host's lease if it is this run's.
pub fn release(conn: &dyn RemoteHost, run: &str, cancel: &Cancel) -> Result<(), LeaseFileError> {
    match read(conn, cancel)? {
        Some(l) if l.run == run => conn
            .remove_file(LEASE_FILE)
            .map(|_| ())
            .map_err(LeaseFileError::Remove),
        _ => Ok(()),
    }
}

/// Why a host's lease was not taken for a change: its lease file, or another run.
#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    #[error("{0}")]
    File(#[from] LeaseFileError),
    /// Another run holds the host or a member of its group: said whole, for the table.
    #[error("{0}")]
    Refused(String),
}

/// Lease the host behind `conn` for `mine`'s run, then make sure no other member of its group
/// (`others`, chosen or not) is leased by another run that is not `finished`: a member leased
/// elsewhere, or that cannot be asked, may be in another run's installer, so this host is
/// released again and not touched (never two members of one group at once). With
/// `break_leases`, other runs' leases are the administrator's to break.
#[allow(clippy::too_many_arguments)]
pub fn take_for_group(
    conn: &dyn RemoteHost,
    mine: &Lease,
    hosts: &dyn Hosts,
    others: &[&Target],
    cancel: &Cancel,
    finished: &dyn Fn(&str) -> bool,
    break_leases: bool,
) -> Result<(), TakeError> {
    match take(conn, mine, cancel, finished, break_leases)? {
        Taken::New | Taken::Ours => {}
        Taken::Held(l) => {
            return Err(TakeError::Refused(format!(
                "not touched: the host is leased by {}; another orchestration may be installing on it. If that run is over, run this again with --break-leases",
                l.describe()
            )))
        }
    }
    for m in others.iter().filter(|m| m.row.name != mine.host) {
        let held = hosts
            .connect(m)
            .map_err(|e| e.to_string())
            .and_then(|c| read(c.as_ref(), cancel).map_err(|e| e.to_string()));
        let conflict = match held {
            Ok(Some(l)) if l.run != mine.run && !finished(&l.run) => Some(format!(
                "another member of {}, {}, is leased by {}",
                mine.group,
                m.row.name,
                l.describe()
            )),
            Ok(_) => None,
            Err(e) if !break_leases => Some(format!(
                "another member of {}, {}, cannot be asked for its lease ({e})",
                mine.group, m.row.name
            )),
            Err(_) => None,
        };
        if let Some(why) = conflict {
            let _ = release(conn, &mine.run, cancel);
            return Err(TakeError::Refused(format!(
                "not touched: {why}; never two members of one group at once. Run this again when that run has ended{}",
                if break_leases {
                    ""
                } else {
                    " (or with --break-leases if it is over)"
                }
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_typed_bounded_and_printable() {
        let good = br#"{"run":"ab12","node":"cc-pub.example","host":"pga.lab","group":"PG1","operation":"patch install","since":"2026-12-05 10:00:00"}"#;
        let l = Lease::parse(good).unwrap();
        assert_eq!(l.node, "cc-pub.example");
        assert!(l
            .describe()
            .contains("run ab12 of Cloud Connect node cc-pub.example"));
        let hostile = br#"{"run":"ab12","node":"cc\u001b[2Jpub","host":"h","group":"g","operation":"o","since":"s"}"#;
        assert!(Lease::parse(hostile)
            .unwrap_err()
            .to_string()
            .contains("control characters"));
        let extra =
            br#"{"run":"a","node":"n","host":"h","group":"g","operation":"o","since":"s","x":1}"#;
        assert!(Lease::parse(extra).is_err());
        let big = vec![b' '; 5000];
        assert!(Lease::parse(&big)
            .unwrap_err()
            .to_string()
            .contains("larger than"));
    }
}
