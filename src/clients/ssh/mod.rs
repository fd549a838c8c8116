//! SSH and SFTP over libssh2 (the `ssh2` crate), shared by every command that reaches a host:
//! connection with a deadline, host keys checked against the node's `known_hosts` the way
//! OpenSSH does, password or key authentication, and SFTP transfers with 1 MiB buffers,
//! progress, Ctrl-C, and an atomic remote write (temporary name, then rename).
//!
//! One job a file: `connect` (resolve, TCP within the deadline, banner, handshake, host key,
//! authentication), `known_hosts` (reading and matching the node's known_hosts as OpenSSH
//! does), `exec` (running a command) and `sftp` (transfers).

use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use ssh2::Session;

use crate::secrets::Secret;

mod connect;
mod exec;
mod known_hosts;
mod sftp;

pub use connect::*;
pub use exec::*;
pub use known_hosts::*;
pub use sftp::*;

/// Transfer buffer: small buffers make libssh2 SFTP several times slower than OpenSSH's.
pub const CHUNK: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// `HOST`, `HOST:PORT`, `[V6]:PORT`.
    pub fn parse(s: &str, default_port: u16) -> Result<Endpoint, crate::names::NameError> {
        crate::names::validate_host(s)?;
        let (host, port) = crate::names::split_host_port(s)?;
        let port = match port {
            Some(p) => p
                .parse()
                .map_err(|_| crate::names::NameError::Port(p.to_owned()))?,
            None => default_port,
        };
        Ok(Endpoint {
            host: host.to_owned(),
            port,
        })
    }

    /// The name OpenSSH uses in known_hosts: `host`, or `[host]:port` off port 22.
    pub fn known_hosts_name(&self) -> String {
        if self.port == 22 {
            self.host.clone()
        } else {
            format!("[{}]:{}", self.host, self.port)
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.port == 22 {
            write!(f, "{}", self.host)
        } else if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

pub enum Auth {
    Password(Secret),
    /// A private key file (ed25519 or RSA), unencrypted.
    Key(PathBuf),
}

/// A host key that known_hosts does not hold yet.
#[derive(Debug, Clone)]
pub struct UnknownHost {
    pub name: String,
    pub key_type: &'static str,
    /// `SHA256:` and the unpadded base64 of the key's SHA-256, as OpenSSH prints it.
    pub fingerprint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SshError {
    #[error("cannot resolve the host name {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("cannot connect to {endpoint}: {reason}")]
    Connect {
        endpoint: String,
        /// The host answered that nothing listens on the port.
        refused: bool,
        reason: String,
    },
    #[error("timed out after {secs}s during {stage} with {endpoint}")]
    Timeout {
        endpoint: String,
        stage: &'static str,
        secs: u64,
    },
    #[error("the SSH handshake with {endpoint} failed: {reason}")]
    Handshake { endpoint: String, reason: String },
    #[error("the {key_type} host key of {endpoint} has CHANGED (now {fingerprint}); it does not match {known_hosts}")]
    HostKeyChanged {
        endpoint: String,
        key_type: &'static str,
        fingerprint: String,
        known_hosts: PathBuf,
    },
    #[error("the {key_type} host key of {endpoint} is not known ({fingerprint})")]
    HostKeyUnknown {
        endpoint: String,
        key_type: &'static str,
        fingerprint: String,
    },
    #[error("{user}@{endpoint} refused {method} authentication")]
    AuthFailed {
        user: String,
        endpoint: String,
        method: &'static str,
    },
    #[error("{path} does not exist on {endpoint}")]
    NotFound { endpoint: String, path: String },
    #[error("permission denied for {path} on {endpoint}")]
    PermissionDenied { endpoint: String, path: String },
    #[error("SFTP {op} of {path} on {endpoint} failed: {reason}")]
    Sftp {
        endpoint: String,
        op: &'static str,
        path: String,
        reason: String,
    },
    #[error("the connection to {endpoint} was lost during {op} of {path}: {reason}")]
    Dropped {
        endpoint: String,
        op: &'static str,
        path: String,
        reason: String,
    },
    #[error("{endpoint} is busy: {reason}")]
    Busy { endpoint: String, reason: String },
    #[error("{path} on {endpoint} is larger than {limit} bytes; refusing to read it")]
    TooLarge {
        endpoint: String,
        path: String,
        limit: u64,
    },
    #[error("cannot use the known_hosts file {path}: {reason}")]
    KnownHosts { path: PathBuf, reason: String },
    #[error("cannot read the key {path}: {reason}")]
    Key { path: PathBuf, reason: String },
    #[error("interrupted")]
    Interrupted,
}

impl SshError {
    /// What an administrator can do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SshError::Resolve { .. } => "check the host name and this node's DNS settings".into(),
            SshError::Connect { .. } => "check that the SSH server runs and that no firewall blocks the port".into(),
            SshError::Timeout { .. } => "check the network path to the host (routing, firewall) and that it is up".into(),
            SshError::HostKeyChanged { known_hosts, endpoint, .. } => format!(
                "someone may be intercepting the connection, or the server was reinstalled; verify the new key with its administrator, then remove the old entry (ssh-keygen -R '{}' -f {}) and try again",
                endpoint, known_hosts.display()
            ),
            SshError::HostKeyUnknown { .. } => "verify the fingerprint with the server's administrator, then run the command again with --accept-new-host-key".into(),
            SshError::AuthFailed { method: "password", .. } => "check the user name and password".into(),
            SshError::AuthFailed { .. } => "check that the public key is in the user's authorized_keys on the server".into(),
            SshError::NotFound { .. } => "check the directory (it must exist on the server)".into(),
            SshError::PermissionDenied { .. } => "check that the SFTP user may read and write that directory".into(),
            SshError::Dropped { .. } => "check the network and the server, then run the command again; nothing was changed".into(),
            SshError::Busy { .. } => "the server turned new connections away for a moment (sshd's MaxStartups); try again, or test fewer hosts at once (--parallel)".into(),
            SshError::TooLarge { .. } => "check that the path names the right file; nothing was changed".into(),
            _ => return None,
        })
    }
}

/// An authenticated SSH session.
pub struct Connection {
    session: Session,
    endpoint: Endpoint,
    timeout: Duration,
    /// How long the banner and key exchange took (a measure of the server's load).
    pub handshake: Duration,
    /// Holds the connection's hard deadline while it lives, if it has one.
    deadline: Option<DeadlineGuard>,
    /// The socket, to shut it when a transfer is cancelled.
    sock: Option<TcpStream>,
    /// The SFTP channel, opened on first use and kept: each channel is a round trip and a new
    /// subsystem process on the server.
    sftp: std::sync::OnceLock<ssh2::Sftp>,
}
