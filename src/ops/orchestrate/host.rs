//! What orchestration asks of a host, behind one seam: [`RemoteHost`] is a logged-in host
//! (run a command that reads, run an installer, read and write files in the orchestration
//! account's home, its free space, a Windows product's probe) and [`Hosts`] logs in to one and
//! tells whether a restarting host answers. The real implementation is SSH/SFTP
//! ([`SshHosts`]); the unit tests plug in a fake, so planning, deciding what to run or skip,
//! resuming and the group rule are tested in-process.
//!
//! Reading what a host runs (`read_installed`) and writing a Windows host's record are here
//! too: they are the only questions every part asks, written once over the seam.

use std::time::{Duration, Instant};

use super::tail;
use crate::cancel::Cancel;
use crate::clients::ssh::{self, Auth, Connection, Endpoint, SshError};
use crate::names::NameError;
use crate::ops::connectivity::{Access, Target};
use crate::ops::lease::LeaseFileError;
use crate::ops::patches::Platform;
use crate::ops::probe::Catalogue;
use crate::ops::software::{Installed, RecordError, MAX_RECORD, WINDOWS_RECORD};

/// How long connecting to a node may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a remote command that only reads may take.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one node's installer may run.
pub(super) const INSTALL_TIMEOUT: Duration = Duration::from_secs(3600);
/// How often a restarting node is probed.
pub(super) const PROBE_EVERY: Duration = Duration::from_millis(250);

/// A host logged in to: everything a run does to it. Paths are relative to the orchestration
/// account's home.
pub trait RemoteHost {
    /// Run a command that only reads (within a minute); its exit status and output.
    fn run_read(&self, command: &str) -> Result<(i32, String), SshError>;
    /// Run an installing command (within an hour, stopped on `cancel`).
    fn run_install(&self, command: &str, cancel: &Cancel) -> Result<(i32, String), SshError>;
    fn read_file(&self, name: &str, limit: u64, cancel: &Cancel) -> Result<Vec<u8>, SshError>;
    /// Write a file whole (under a temporary name, then renamed into place).
    fn write_file(&self, name: &str, data: &[u8], cancel: &Cancel) -> Result<(), SshError>;
    /// Make a file only if there is none of that name; `Ok(false)` when there is.
    fn create_file_exclusive(
        &self,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
    ) -> Result<bool, SshError>;
    /// Rename, never replacing an existing file.
    fn rename_no_replace(&self, from: &str, to: &str) -> Result<(), SshError>;
    /// Remove a file; `Ok(false)` when there was none.
    fn remove_file(&self, name: &str) -> Result<bool, SshError>;
    /// The bytes free in the account's home.
    fn free_space(&self) -> Result<u64, SshError>;
    /// What a Windows host runs: its product's probe from the signed catalogue, merged with
    /// its record (`ops::probe::installed`).
    fn probe_installed(
        &self,
        catalogue: &Catalogue,
        cancel: &Cancel,
        t: &Target,
        record: Option<Installed>,
    ) -> Result<Installed, NodeError>;
}

/// Logging in to a run's hosts.
pub trait Hosts: Sync {
    fn connect(&self, t: &Target) -> Result<Box<dyn RemoteHost + '_>, NodeError>;
    /// Whether the host's SSH port answers now (a restarting host going down, coming back).
    fn reachable(&self, t: &Target) -> Result<bool, NodeError>;
}

/// Why a restarting node was not seen back.
#[derive(Debug, thiserror::Error)]
pub enum RestartError {
    #[error("interrupted while waiting for the restart")]
    Interrupted,
    #[error("the node did not go down for its restart within {0}s")]
    NotDown(u64),
    #[error("the node did not come back within {0}s")]
    NotBack(u64),
    #[error("after its restart: {0}")]
    Reconnect(String),
    /// Probing the host failed (its name, its address).
    #[error("{0}")]
    Probe(Box<NodeError>),
}

/// Wait for a node whose change restarts it: its SSH port goes quiet (within `down`), answers
/// again (within `up`), and a login succeeds (sshd may still be starting: a few tries). `said`
/// is told when it went down. Never returns before the node is back or known not to be: the
/// next member of its group is not touched while this one restarts.
pub fn await_restart<'h>(
    hosts: &'h dyn Hosts,
    t: &Target,
    cancel: &Cancel,
    down: Duration,
    up: Duration,
    said: &mut dyn FnMut(&str),
) -> Result<Box<dyn RemoteHost + 'h>, RestartError> {
    let wait = |want_up: bool, limit: Duration| -> Result<(), RestartError> {
        let until = std::time::Instant::now() + limit;
        while hosts
            .reachable(t)
            .map_err(|e| RestartError::Probe(Box::new(e)))?
            != want_up
        {
            if cancel.is_cancelled() {
                return Err(RestartError::Interrupted);
            }
            if std::time::Instant::now() > until {
                // Down, or still installing: either way not free for the next member.
                return Err(if want_up {
                    RestartError::NotBack(limit.as_secs())
                } else {
                    RestartError::NotDown(limit.as_secs())
                });
            }
            std::thread::sleep(PROBE_EVERY);
        }
        Ok(())
    };
    wait(false, down)?;
    said("the node went down; waiting for it to come back");
    wait(true, up)?;
    let mut last = None;
    for _ in 0..40 {
        match hosts.connect(t) {
            Ok(c) => return Ok(c),
            Err(e) => last = Some(e),
        }
        if cancel.is_cancelled() {
            break;
        }
        std::thread::sleep(PROBE_EVERY);
    }
    Err(RestartError::Reconnect(
        last.map(|e| e.to_string()).unwrap_or_default(),
    ))
}

/// Why a node's step cannot go on, said as the table shows it.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The host is not checked, with the reason (e.g. a VOS host that is not onboarded).
    #[error("{0}")]
    NoAccess(String),
    #[error("host name: {0}")]
    HostName(NameError),
    /// The host's name, as a restart probe meets it.
    #[error("{0}")]
    Endpoint(NameError),
    #[error("unreachable: {0}")]
    Unreachable(SshError),
    #[error("cannot read the installed version: {0}")]
    ReadVersion(SshError),
    #[error("cannot read the installed version (exit status {code}): {tail}")]
    VersionExit { code: i32, tail: String },
    #[error("the node's version report is not valid: {0}")]
    VersionReport(RecordError),
    #[error("{WINDOWS_RECORD} on the node is not valid: {0}")]
    RecordInvalid(RecordError),
    #[error("cannot read {WINDOWS_RECORD}: {0}")]
    ReadRecord(SshError),
    /// The Windows product's probe (its sentence names the host).
    #[error("{0}")]
    Probe(String),
    #[error("{0}")]
    EncodeRecord(serde_json::Error),
    #[error("cannot write {WINDOWS_RECORD}: {0}")]
    WriteRecord(SshError),
    #[error("{0}")]
    Lease(#[from] LeaseFileError),
    #[error("cannot read the free space: {0}")]
    FreeSpace(SshError),
    #[error(
        "only {free_mib} MiB free in the account's home, {needed_mib} MiB needed (twice the file)"
    )]
    NoSpace { free_mib: u64, needed_mib: u64 },
    #[error("transfer: {0}")]
    Transfer(SshError),
    /// A command or installer that ran and failed.
    #[error("{what} exited with {code}: {tail}")]
    Exited {
        what: String,
        code: i32,
        tail: String,
    },
    #[error("cannot run the check of {file}: {source}")]
    Check { file: String, source: SshError },
    #[error("after the change, the node's report is not valid: {0}")]
    AfterReport(RecordError),
    #[error("after the change, the health check failed: {0}")]
    HealthCheck(Box<NodeError>),
    #[error("interrupted before the change began")]
    NotStarted,
    /// What the plan needs and does not have (an artifact, a patch to remove).
    #[error("no {0}")]
    Missing(&'static str),
    /// Why the node is not touched, or the change not accepted, in a sentence.
    #[error("{0}")]
    Refused(String),
    /// Two things went wrong (an installer failed, and its record could not be written back).
    #[error("{0}; {1}")]
    Both(Box<NodeError>, Box<NodeError>),
}

/// The real hosts: SSH with this node's key, the host keys recorded at onboarding (VOS) or
/// known_hosts (Windows); SFTP for files.
pub struct SshHosts<'a> {
    pub access: &'a Access,
    pub cancel: &'a Cancel,
}

impl Hosts for SshHosts<'_> {
    fn connect(&self, t: &Target) -> Result<Box<dyn RemoteHost + '_>, NodeError> {
        Ok(Box::new(connect(self.access, self.cancel, t)?))
    }

    fn reachable(&self, t: &Target) -> Result<bool, NodeError> {
        use std::net::ToSocketAddrs;
        let ep = Endpoint::parse(&t.row.name, 22).map_err(NodeError::Endpoint)?;
        Ok((ep.host.as_str(), ep.port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, PROBE_EVERY * 4).is_ok()))
    }
}

/// Log in to a target.
pub(super) fn connect(
    access: &Access,
    cancel: &Cancel,
    t: &Target,
) -> Result<Connection, NodeError> {
    let user = t
        .user
        .clone()
        .map_err(|e| NodeError::NoAccess(e.to_string()))?;
    let ep = Endpoint::parse(&t.row.name, 22).map_err(NodeError::HostName)?;
    ssh::connect(
        &ep,
        &user,
        &Auth::Key(access.key.private.clone()),
        access.host_keys(t),
        &mut |_| Ok(false),
        CONNECT_TIMEOUT,
        cancel,
    )
    .map_err(NodeError::Unreachable)
}

impl RemoteHost for Connection {
    fn run_read(&self, command: &str) -> Result<(i32, String), SshError> {
        self.run(command, Instant::now() + READ_TIMEOUT, READ_TIMEOUT)
    }

    fn run_install(&self, command: &str, cancel: &Cancel) -> Result<(i32, String), SshError> {
        self.run_cancellable(
            command,
            Instant::now() + INSTALL_TIMEOUT,
            INSTALL_TIMEOUT,
            cancel,
        )
    }

    fn read_file(&self, name: &str, limit: u64, cancel: &Cancel) -> Result<Vec<u8>, SshError> {
        Connection::read_file(self, name, limit, cancel, &mut |_, _| {})
    }

    fn write_file(&self, name: &str, data: &[u8], cancel: &Cancel) -> Result<(), SshError> {
        self.write_file_atomic(".", name, data, cancel, &mut |_, _| {})
    }

    fn create_file_exclusive(
        &self,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
    ) -> Result<bool, SshError> {
        Connection::create_file_exclusive(self, ".", name, data, cancel)
    }

    fn rename_no_replace(&self, from: &str, to: &str) -> Result<(), SshError> {
        Connection::rename_no_replace(self, from, to)
    }

    fn remove_file(&self, name: &str) -> Result<bool, SshError> {
        Connection::remove_file(self, name)
    }

    fn free_space(&self) -> Result<u64, SshError> {
        Connection::free_space(self, ".")
    }

    fn probe_installed(
        &self,
        catalogue: &Catalogue,
        cancel: &Cancel,
        t: &Target,
        record: Option<Installed>,
    ) -> Result<Installed, NodeError> {
        crate::ops::probe::installed(catalogue, self, cancel, &t.row.name, &t.row.product, record)
            .map_err(|e| NodeError::Probe(e.to_string()))
    }
}

/// What the node runs: a VOS node says it at its console; a Windows node answers its product's
/// probe from the signed catalogue, merged with its record (`ops::probe::installed`).
pub(super) fn read_installed(
    cancel: &Cancel,
    t: &Target,
    conn: &dyn RemoteHost,
    catalogue: &Catalogue,
) -> Result<Installed, NodeError> {
    if Platform::of(&t.row) == Platform::Vos {
        let (code, out) = conn
            .run_read("show version active --output json")
            .map_err(NodeError::ReadVersion)?;
        if code != 0 {
            return Err(NodeError::VersionExit {
                code,
                tail: tail(&out, 200),
            });
        }
        return Installed::parse(out.trim().as_bytes()).map_err(NodeError::VersionReport);
    }
    let record = match conn.read_file(WINDOWS_RECORD, MAX_RECORD, cancel) {
        Ok(data) => Some(Installed::parse(&data).map_err(NodeError::RecordInvalid)?),
        Err(SshError::NotFound { .. }) => None,
        Err(e) => return Err(NodeError::ReadRecord(e)),
    };
    conn.probe_installed(catalogue, cancel, t, record)
}

/// Write a Windows node's record of what it runs.
pub(super) fn write_record(
    conn: &dyn RemoteHost,
    cancel: &Cancel,
    i: &Installed,
) -> Result<(), NodeError> {
    let data = serde_json::to_vec_pretty(i).map_err(NodeError::EncodeRecord)?;
    conn.write_file(WINDOWS_RECORD, &data, cancel)
        .map_err(NodeError::WriteRecord)
}
