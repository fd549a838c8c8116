//! What a real Windows host runs (issue 23): the signed product catalogue and its probes.
//!
//! A CCE Windows server (an ICM router, logger or PG, a CVP server…) keeps its version and its
//! installed ES patches in its own way — the registry, install folders — not in a file of
//! ccadmin's. So the publisher says, per product, how to ask: a command run over SSH and how its
//! output is parsed. That is data, signed like a patch manifest: `catalogue.json` anywhere under
//! the state directory's `artifacts/`, with `catalogue.json.minisig` by a trusted signer:
//!
//! ```json
//! {"PG": {"probe": {"command": "reg query \"HKLM\\SOFTWARE\\Cisco Systems, Inc.\\ICM\" /s",
//!                   "format": "reg-query", "version": "Version", "patches": "Patches"}}}
//! ```
//!
//! The probe's answer is a peer's answer: bounded (size, lines, line length, patches) and
//! checked as a record is ([`Installed::check`]) before anything uses it; what fails says which
//! host and why, never the raw text. The record `.ccadmin-installed.json` stays as the cache of
//! what ccadmin itself installed (and of `pending`, an installer started and not seen to end);
//! where a probe answers, the probe is the truth for the version and the patches.
//!
//! Nothing here knows a terminal: orchestration and `utils deployment show status` call
//! [`installed`] with the catalogue loaded once per command by [`load`].
//!
//! One job a file: `catalogue` (parsing, checking and loading the signed catalogue),
//! `reg_query` (reading a probe's `reg query` answer), `merge` (the probe's answer with the
//! record) and `errors` (why each is refused).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::cancel::Cancel;
use crate::clients::ssh::{Connection, SshError};
use crate::ops::software::Installed;
use crate::text::terminal_safe;

mod catalogue;
mod errors;
mod merge;
mod reg_query;
#[cfg(test)]
mod tests;

pub use catalogue::*;
pub use errors::*;
pub use merge::*;
pub use reg_query::*;

/// The catalogue's file name (its signature: `catalogue.json.minisig`).
pub const CATALOGUE: &str = "catalogue.json";
/// The largest catalogue read.
const MAX_CATALOGUE: u64 = 1024 * 1024;
/// The most products a catalogue names.
const MAX_PRODUCTS: usize = 256;
/// The longest probe command.
const MAX_COMMAND: usize = 1024;
/// The longest value or key name a probe looks for (the registry's own limit for a key name).
const MAX_NAME: usize = 255;

/// The most a probe may print.
pub const MAX_OUTPUT: usize = 256 * 1024;
/// The most lines a probe may print.
pub const MAX_LINES: usize = 8192;
/// The longest line of a probe's answer, in characters.
pub const MAX_LINE: usize = 2048;
/// The most patches a probe may report.
pub const MAX_PATCHES: usize = 256;
/// How long a probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

/// How a probe's output is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// The output of Windows' `reg query KEY [/s]`.
    RegQuery,
}

/// How to ask a host of one product what it runs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// Run over SSH in the orchestration account's shell (cmd.exe on a Windows host).
    pub command: String,
    pub format: Format,
    /// The registry value whose data is the version.
    pub version: String,
    /// The key whose direct subkeys are the installed patches (none: no patch is ever listed).
    #[serde(default)]
    pub patches: Option<String>,
}

/// One product's entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    #[serde(default)]
    pub probe: Option<Probe>,
}

/// Where the catalogue stands on this node.
#[derive(Debug, Clone)]
enum Source {
    /// None was downloaded.
    Absent,
    /// Verified and parsed.
    Loaded,
    /// There is one, and it must not be used: why.
    Refused(Refused),
}

/// The signed product catalogue, loaded once per command.
#[derive(Debug, Clone)]
pub struct Catalogue {
    source: Source,
    products: BTreeMap<String, Product>,
}

impl Default for Catalogue {
    fn default() -> Catalogue {
        Catalogue {
            source: Source::Absent,
            products: BTreeMap::new(),
        }
    }
}

/// What a probe found: the version and the patches' names, in the order listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    pub version: String,
    pub patches: Vec<String>,
}

/// Run `probe` on the host and parse its answer. Every failure names the host.
pub fn run(
    conn: &Connection,
    cancel: &Cancel,
    host: &str,
    product: &str,
    probe: &Probe,
) -> Result<Probed, ProbeError> {
    let failed = |failure: ProbeFailure| ProbeError {
        host: host.to_owned(),
        product: product.to_owned(),
        failure,
    };
    let (code, out) = match conn.run_cancellable(
        &probe.command,
        Instant::now() + PROBE_TIMEOUT,
        PROBE_TIMEOUT,
        cancel,
    ) {
        Ok(r) => r,
        Err(SshError::TooLarge { .. }) => return Err(failed(ProbeFailure::TooLarge)),
        Err(e) => return Err(failed(ProbeFailure::Run(Box::new(e)))),
    };
    if code != 0 {
        let safe = terminal_safe(out.trim()).into_owned();
        let chars: Vec<char> = safe.chars().collect();
        let tail: String = chars[chars.len().saturating_sub(200)..].iter().collect();
        return Err(failed(ProbeFailure::Exit { code, tail }));
    }
    match probe.format {
        Format::RegQuery => parse_reg_query(&out, &probe.version, probe.patches.as_deref()),
    }
    .map_err(|e| failed(ProbeFailure::Answer(e)))
}

/// What a Windows host runs: its product's probe when the catalogue has one (merged with the
/// record, `record`), else the record; with neither, why nothing can be told and what to do.
pub fn installed(
    catalogue: &Catalogue,
    conn: &Connection,
    cancel: &Cancel,
    host: &str,
    product: &str,
    record: Option<Installed>,
) -> Result<Installed, InstalledError> {
    let probe = catalogue
        .probe(product)
        .map_err(|refused| InstalledError::Refused {
            host: host.to_owned(),
            refused,
        })?;
    match (probe, record) {
        (Some(probe), record) => Ok(merge(run(conn, cancel, host, product, probe)?, record)),
        (None, Some(record)) => Ok(record),
        (None, None) => Err(match catalogue.source {
            Source::Absent => InstalledError::NoCatalogue {
                host: host.to_owned(),
            },
            _ => InstalledError::NoProbe {
                host: host.to_owned(),
                product: product.to_owned(),
            },
        }),
    }
}
