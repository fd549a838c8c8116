//! `test-connection`'s checks: for each inventory host, in parallel with bounded
//! concurrency, one deadline covering DNS, TCP, the SSH banner and key exchange, the host key,
//! public-key authentication as the host's user, and one harmless remote command that proves
//! what orchestration needs on the host's platform (see `PROBE_VOS`). Every failure becomes a
//! specific, short reason.
//!
//! One job a file: `host` checks one host and names its failure, `pace` runs many at once
//! at the pace the servers bear, and `deployment` picks the inventory's hosts and how to log
//! in to them, for this node's console and for the other Cloud Connect node.

use std::time::Duration;

use crate::clients::ssh::HostKeys;
use crate::inventory::model::HostRow;
/// Declared in `wire` (the client and the service both read them); checked here.
pub use crate::wire::{NodeHost, NodeReport, Outcome, RemoteTest};

mod deployment;
mod host;
mod pace;
#[cfg(test)]
mod tests;

pub use deployment::*;
pub use host::*;
pub use pace::*;

/// What the remote command prints: proof that a shell ran it (cmd.exe, PowerShell or sh).
pub const MARKER: &str = "ccadmin-connection-test";

/// The remote command on a VOS host. Its orchestration account's shell is the VOS CLI, which
/// answers only its own commands (`echo` is `Invalid command`, exit 2), so the host is asked
/// what orchestration reads first, and the answer must parse as a version report.
pub const PROBE_VOS: &str = "show version active --output json";

#[derive(Debug, Clone, serde::Serialize)]
pub struct HostResult {
    pub product: String,
    pub group: String,
    pub host: String,
    pub side: String,
    pub platform: &'static str,
    pub result: Outcome,
    pub seconds: f64,
    /// Which stage failed, when one did.
    pub stage: Option<&'static str>,
    pub detail: String,
    /// 1, or more when the host was tried again at the end of the run.
    pub attempts: u32,
    /// The host's key when known_hosts does not hold it: `ED25519 SHA256:…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_host_key: Option<String>,
}

/// A host to check and how to log in to it.
pub struct Target {
    pub row: HostRow,
    /// `Err`: not checked, with the reason (e.g. a VOS host that is not onboarded).
    pub user: Result<String, NotChecked>,
    /// The host key was recorded at onboarding: check against that, never learn a new one.
    pub recorded_key: bool,
}

/// Why a host is not checked at all (it is shown skipped, with this reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotChecked {
    /// A VOS host onboarding has not recorded an orchestration account and host key for.
    NotOnboarded,
}

impl std::fmt::Display for NotChecked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotChecked::NotOnboarded => f.write_str(
                "not onboarded: no orchestration account or host key recorded (run utils system onboard trigger on the VOS publisher)",
            ),
        }
    }
}

/// Where host keys are checked: known_hosts (learning new keys on request), and the keys
/// recorded at onboarding for VOS hosts.
pub struct Keys<'a> {
    pub known_hosts: &'a HostKeys,
    pub recorded: &'a HostKeys,
}

/// Which inventory hosts to test.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// A host name (with or without `:PORT`), any case.
    pub node: Option<String>,
    /// A product, any case.
    pub product: Option<String>,
    /// Only these hosts, as the inventory names them (a second pass over some of a run's).
    pub hosts: Option<Vec<String>>,
}

/// How to test.
#[derive(Debug, Clone)]
pub struct Settings {
    pub accept_new_host_keys: bool,
    pub parallel: usize,
    pub retries: u32,
    pub timeout: Duration,
}

/// A finished test-connection run.
pub struct Report {
    pub results: Vec<HostResult>,
    pub stats: RunStats,
    /// This node's public key, for the hosts' authorized_keys.
    pub public_key: String,
}
