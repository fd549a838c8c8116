//! Maintenance mode (issue 26): `utils system maintenance initiate|end|status`, and what a
//! patch or Microsoft updates run calls to put a node in maintenance before its change.
//!
//! On a real CCE deployment, a node in maintenance fails over gracefully or shuts its services
//! down gracefully, so the work on it interrupts no active call and refuses no new one: Cisco's
//! Cloud Connect supports it for PG, CVP server, IdS and Finesse, and never lets both members
//! of a pair or cluster be in maintenance at once. Router and Rogger also record why (a
//! [`Reason`]). A node leaves maintenance when it restarts after the work; `end` brings it back
//! without a restart.
//!
//! How a node enters, leaves and tells its maintenance state is not ccadmin's to guess: as for
//! the ICM services, it is a command set the publisher signs, per product, `maintenance.json`
//! anywhere under the artifacts with `maintenance.json.minisig` by a trusted signer (verified
//! and bounded by `ops::signed_set`):
//!
//! ```json
//! {"PG": {"status": "…", "initiate": "… {reason} …", "end": "…"}}
//! ```
//!
//! `status` prints exactly `In maintenance` or `Not in maintenance` (read into a [`State`],
//! bounded, never printed as it came); `initiate` puts the node in maintenance, `{reason}` in it
//! replaced by the [`Reason`]'s fixed token only (`ms-updates-install`), never by free text;
//! `end` takes it out. A product is supported when the set has commands for it.
//!
//! This module holds the node-level work ([`enter`], [`end`], [`status_of`]); `run` holds the
//! command's recorded run over the chosen nodes.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};
use thiserror::Error;

use super::connectivity::Target;
use super::orchestrate::{Hosts, NodeError, RemoteHost};
use super::signed_set::{CommandSet, SetError};
use super::{Node, OpResult};
use crate::cancel::Cancel;
use crate::inventory::model::HostRow;

mod for_change;
pub mod run;
pub use for_change::{after_change, before_change, left_in, ForChange};
#[cfg(test)]
mod tests;

pub use run::{
    chosen, status, Action, HostOutcome, HostResult, Report, StatusLine, COMMAND_END,
    COMMAND_INITIATE,
};

/// The signed command set's file name (its signature: `maintenance.json.minisig`).
pub const SET: &str = "maintenance.json";
/// The most a status command may print.
pub const MAX_OUTPUT: usize = 4096;
/// The products whose nodes are put in maintenance with a reason.
pub const REASON_PRODUCTS: &[&str] = &["ROUTER", "ROGGER"];

/// One product's commands.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    /// Prints `In maintenance` or `Not in maintenance`.
    pub status: String,
    /// Puts the node in maintenance; `{reason}` in it is replaced by the reason's token.
    pub initiate: String,
    /// Takes the node out of maintenance.
    pub end: String,
}

impl CommandSet for Commands {
    fn commands(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("status", &self.status),
            ("initiate", &self.initiate),
            ("end", &self.end),
        ]
    }
}

impl Commands {
    /// The initiate command: `{reason}` replaced by the reason's token, or by nothing without
    /// one (a product that asks none).
    pub fn initiate_command(&self, reason: Option<Reason>) -> String {
        self.initiate
            .replace("{reason}", reason.map(Reason::token).unwrap_or(""))
    }
}

/// The command set: the commands of each product, by the product's name.
pub type Set = BTreeMap<String, Commands>;

/// Parse and check a command set.
pub fn parse_set(data: &[u8]) -> Result<Set, SetError> {
    super::signed_set::parse(data)
}

/// The verified command set from the downloaded artifacts, or why there is none to use (no
/// set, unsigned, signed by a key this cluster does not trust, changed, not valid).
pub fn load_set(node: &mut Node) -> OpResult<Set> {
    let set = super::signed_set::load(node, SET, "maintenance")?;
    parse_set(&set.data).map_err(|e| set.refused(format!("is not valid: {e}")))
}

/// The commands of `product` (its name in any case), if the set supports it.
pub fn commands_for<'a>(set: &'a Set, product: &str) -> Option<&'a Commands> {
    set.iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(product))
        .map(|(_, c)| c)
}

/// Whether the set supports `product` (has commands for it, in any case).
pub fn supports(set: &Set, product: &str) -> bool {
    commands_for(set, product).is_some()
}

/// Whether a node of `product` is put in maintenance with a reason (Router, Rogger).
pub fn asks_reason(product: &str) -> bool {
    REASON_PRODUCTS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(product))
}

/// The other members of `host`'s group: the other side of a Windows pair, the other members
/// of a VOS cluster (rows with the same non-empty group and product, another name).
pub fn peers<'a>(rows: &'a [HostRow], host: &HostRow) -> Vec<&'a HostRow> {
    rows.iter().filter(|r| is_peer(r, host)).collect()
}

/// Whether `r` is another member of `host`'s group.
pub fn is_peer(r: &HostRow, host: &HostRow) -> bool {
    !host.group.is_empty()
        && r.group == host.group
        && r.product.eq_ignore_ascii_case(&host.product)
        && r.platform == host.platform
        && !r.name.eq_ignore_ascii_case(&host.name)
}

/// Why a Router or Rogger node is put in maintenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    MsUpdatesInstall,
    MsUpdatesRollback,
    EsInstall,
    EsRollback,
    MrInstall,
    MrRollback,
    MajorUpgrade,
    Other,
}

impl Reason {
    /// Every reason, in the order the question lists them.
    pub const ALL: [Reason; 8] = [
        Reason::MsUpdatesInstall,
        Reason::MsUpdatesRollback,
        Reason::EsInstall,
        Reason::EsRollback,
        Reason::MrInstall,
        Reason::MrRollback,
        Reason::MajorUpgrade,
        Reason::Other,
    ];

    /// The fixed token put in the initiate command and taken by `--reason`.
    pub fn token(self) -> &'static str {
        match self {
            Reason::MsUpdatesInstall => "ms-updates-install",
            Reason::MsUpdatesRollback => "ms-updates-rollback",
            Reason::EsInstall => "es-install",
            Reason::EsRollback => "es-rollback",
            Reason::MrInstall => "mr-install",
            Reason::MrRollback => "mr-rollback",
            Reason::MajorUpgrade => "major-upgrade",
            Reason::Other => "other",
        }
    }

    /// As the question lists it.
    pub fn label(self) -> &'static str {
        match self {
            Reason::MsUpdatesInstall => "MS updates install",
            Reason::MsUpdatesRollback => "MS updates rollback",
            Reason::EsInstall => "ES install",
            Reason::EsRollback => "ES rollback",
            Reason::MrInstall => "MR install",
            Reason::MrRollback => "MR rollback",
            Reason::MajorUpgrade => "ISO/major upgrade",
            Reason::Other => "Other",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.token())
    }
}

/// Why a text is not a reason.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not a reason (one of: ms-updates-install, ms-updates-rollback, es-install, es-rollback, mr-install, mr-rollback, major-upgrade, other)")]
pub struct ReasonError;

impl FromStr for Reason {
    type Err = ReasonError;
    fn from_str(s: &str) -> Result<Self, ReasonError> {
        Reason::ALL
            .into_iter()
            .find(|r| r.token().eq_ignore_ascii_case(s))
            .ok_or(ReasonError)
    }
}

/// A node's maintenance state, as its status command tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    InMaintenance,
    NotInMaintenance,
}

impl State {
    /// As the status command prints it.
    pub fn label(self) -> &'static str {
        match self {
            State::InMaintenance => "In maintenance",
            State::NotInMaintenance => "Not in maintenance",
        }
    }
}

/// Why a status command's answer is not valid (its text is never repeated).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StatusError {
    #[error("it printed more than {MAX_OUTPUT} bytes")]
    TooLarge,
    #[error("line {0} holds control characters")]
    Control(usize),
    #[error("line {0} is not In maintenance or Not in maintenance")]
    NotAState(usize),
    #[error("it printed more than one line")]
    MoreThanOne,
    #[error("it printed nothing")]
    Empty,
}

/// Read a status command's answer: one line, `In maintenance` or `Not in maintenance` (CRLF
/// or LF, blanks around it and empty lines skipped).
pub fn parse_status(out: &str) -> Result<State, StatusError> {
    if out.len() > MAX_OUTPUT {
        return Err(StatusError::TooLarge);
    }
    let mut state = None;
    for (i, line) in out.lines().enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.chars().any(char::is_control) {
            return Err(StatusError::Control(n));
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if state.is_some() {
            return Err(StatusError::MoreThanOne);
        }
        state = Some(if line.eq_ignore_ascii_case("In maintenance") {
            State::InMaintenance
        } else if line.eq_ignore_ascii_case("Not in maintenance") {
            State::NotInMaintenance
        } else {
            return Err(StatusError::NotAState(n));
        });
    }
    state.ok_or(StatusError::Empty)
}

/// Why a node was not put in or taken out of maintenance, or its state not read. Each names
/// the node it is about when that is not the node itself.
#[derive(Debug, Error)]
pub enum MaintError {
    #[error("{0}")]
    Node(Box<NodeError>),
    #[error("the signed maintenance command set has no commands for {0}")]
    NoCommands(String),
    #[error("a {0} node is put in maintenance with a reason; none was given")]
    NoReason(String),
    #[error("the {what} command of {host} could not run: {source}")]
    Run {
        host: String,
        what: &'static str,
        source: Box<crate::clients::ssh::SshError>,
    },
    #[error("the {what} command of {host} exited with {code}: {tail}")]
    Exit {
        host: String,
        what: &'static str,
        code: i32,
        tail: String,
    },
    #[error("the status command of {host} answered something that is not valid: {why}")]
    Answer { host: String, why: StatusError },
    #[error("not put in maintenance: its peer {0} is in maintenance")]
    PeerIn(String),
    #[error(
        "not put in maintenance: the maintenance state of its peer {peer} cannot be read: {why}"
    )]
    PeerUnread { peer: String, why: Box<MaintError> },
    #[error("after the initiate command, {0} is not in maintenance")]
    NotEntered(String),
    #[error("after the end command, {0} is still in maintenance")]
    NotEnded(String),

    /// This node or a member of its group is leased by another run (said whole).
    #[error("{0}")]
    Lease(String),
    #[error("interrupted before it was changed")]
    Interrupted,
}

/// How [`enter`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entered {
    /// The node was not in maintenance and now is.
    Now,
    /// The node was in maintenance already; nothing was run.
    Already,
}

/// How [`end`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The node was in maintenance and no longer is.
    Now,
    /// The node was not in maintenance; nothing was run.
    Already,
}

fn tail(out: &str) -> String {
    let safe = crate::text::one_line(out.trim()).into_owned();
    let chars: Vec<char> = safe.chars().collect();
    chars[chars.len().saturating_sub(200)..].iter().collect()
}

fn commands<'a>(set: &'a Set, t: &Target) -> Result<&'a Commands, MaintError> {
    commands_for(set, &t.row.product).ok_or_else(|| MaintError::NoCommands(t.row.product.clone()))
}

fn connect<'h>(hosts: &'h dyn Hosts, t: &Target) -> Result<Box<dyn RemoteHost + 'h>, MaintError> {
    hosts.connect(t).map_err(|e| MaintError::Node(Box::new(e)))
}

/// Read the state of the node behind `conn` (`host`: its name) with its status command.
pub fn read_state(conn: &dyn RemoteHost, host: &str, c: &Commands) -> Result<State, MaintError> {
    let (code, out) = conn.run_read(&c.status).map_err(|source| MaintError::Run {
        host: host.to_owned(),
        what: "status",
        source: Box::new(source),
    })?;
    if code != 0 {
        return Err(MaintError::Exit {
            host: host.to_owned(),
            what: "status",
            code,
            tail: tail(&out),
        });
    }
    parse_status(&out).map_err(|why| MaintError::Answer {
        host: host.to_owned(),
        why,
    })
}

fn run_changing(
    conn: &dyn RemoteHost,
    cancel: &Cancel,
    host: &str,
    what: &'static str,
    command: &str,
) -> Result<(), MaintError> {
    let (code, out) = conn
        .run_install(command, cancel)
        .map_err(|source| MaintError::Run {
            host: host.to_owned(),
            what,
            source: Box::new(source),
        })?;
    if code != 0 {
        return Err(MaintError::Exit {
            host: host.to_owned(),
            what,
            code,
            tail: tail(&out),
        });
    }
    Ok(())
}

/// The maintenance state of one node (read only).
pub fn status_of(hosts: &dyn Hosts, t: &Target, set: &Set) -> Result<State, MaintError> {
    let c = commands(set, t)?;
    let conn = connect(hosts, t)?;
    read_state(conn.as_ref(), &t.row.name, c)
}

/// Put the node `t` in maintenance: each of its `peers` (from [`peers`], as targets) is read
/// first — one in maintenance, or whose state cannot be read, refuses it —, then its own state
/// (in maintenance already: [`Entered::Already`], nothing run); then `initiate` runs (within an
/// hour, stopped on `cancel`) and the state is read again, which must say `In maintenance`.
/// A Router or Rogger node needs a `reason`; the others take one too (their `{reason}`).
pub fn enter(
    hosts: &dyn Hosts,
    t: &Target,
    peers: &[Target],
    set: &Set,
    reason: Option<Reason>,
    cancel: &Cancel,
) -> Result<Entered, MaintError> {
    commands(set, t)?;
    if reason.is_none() && asks_reason(&t.row.product) {
        return Err(MaintError::NoReason(t.row.product.clone()));
    }
    check_peers(hosts, t, peers, set)?;
    let conn = connect(hosts, t)?;
    enter_on(conn.as_ref(), t, set, reason, cancel)
}

/// Refuse when a peer of `t` is in maintenance or cannot be read.
pub fn check_peers(
    hosts: &dyn Hosts,
    t: &Target,
    peers: &[Target],
    set: &Set,
) -> Result<(), MaintError> {
    check_these_peers(hosts, t, peers.iter(), set)
}

/// [`check_peers`] over any peers' targets (the ones of a run's own list that are peers of
/// `t`, say: `is_peer`); `t` itself among them is skipped.
pub fn check_these_peers<'a>(
    hosts: &dyn Hosts,
    t: &Target,
    peers: impl Iterator<Item = &'a Target>,
    set: &Set,
) -> Result<(), MaintError> {
    for p in peers.filter(|p| !p.row.name.eq_ignore_ascii_case(&t.row.name)) {
        match status_of(hosts, p, set) {
            Ok(State::NotInMaintenance) => {}
            Ok(State::InMaintenance) => return Err(MaintError::PeerIn(p.row.name.clone())),
            Err(why) => {
                return Err(MaintError::PeerUnread {
                    peer: p.row.name.clone(),
                    why: Box::new(why),
                })
            }
        }
    }
    Ok(())
}

/// [`enter`] on a node already logged in to, its peers checked ([`check_peers`]).
pub fn enter_on(
    conn: &dyn RemoteHost,
    t: &Target,
    set: &Set,
    reason: Option<Reason>,
    cancel: &Cancel,
) -> Result<Entered, MaintError> {
    let c = commands(set, t)?;
    if reason.is_none() && asks_reason(&t.row.product) {
        return Err(MaintError::NoReason(t.row.product.clone()));
    }
    let host = &t.row.name;
    if read_state(conn, host, c)? == State::InMaintenance {
        return Ok(Entered::Already);
    }
    // Ctrl-C while the states were read: the initiate is not sent.
    cancel.check().map_err(|_| MaintError::Interrupted)?;
    run_changing(conn, cancel, host, "initiate", &c.initiate_command(reason))?;
    match read_state(conn, host, c)? {
        State::InMaintenance => Ok(Entered::Now),
        State::NotInMaintenance => Err(MaintError::NotEntered(host.clone())),
    }
}

/// Take the node `t` out of maintenance: not in maintenance → [`Ended::Already`], nothing
/// run; else `end` runs (within an hour, stopped on `cancel`) and the state is read again,
/// which must say `Not in maintenance`.
pub fn end(hosts: &dyn Hosts, t: &Target, set: &Set, cancel: &Cancel) -> Result<Ended, MaintError> {
    commands(set, t)?;
    let conn = connect(hosts, t)?;
    end_on(conn.as_ref(), t, set, cancel)
}

/// [`end`] on a node already logged in to.
pub fn end_on(
    conn: &dyn RemoteHost,
    t: &Target,
    set: &Set,
    cancel: &Cancel,
) -> Result<Ended, MaintError> {
    let c = commands(set, t)?;
    let host = &t.row.name;
    if read_state(conn, host, c)? == State::NotInMaintenance {
        return Ok(Ended::Already);
    }
    cancel.check().map_err(|_| MaintError::Interrupted)?;
    run_changing(conn, cancel, host, "end", &c.end)?;
    match read_state(conn, host, c)? {
        State::NotInMaintenance => Ok(Ended::Now),
        State::InMaintenance => Err(MaintError::NotEnded(host.clone())),
    }
}
