//! `utils patch-manager ms-patches install|rollback` (issue 26): the Microsoft updates of the
//! inventory's Windows nodes, as Cisco's Cloud Connect installs and removes them during a patch
//! night — every pending update installed on a node (the KB numbers it installed recorded and
//! told), or one KB removed from the nodes where it is installed.
//!
//! How a node's updates are listed, installed and removed is not ccadmin's to guess: it is a
//! command set signed by the publisher, per product, `ms-patches.json` beside the artifacts
//! (verified as `icm-services.json` is, through `ops::signed_set`):
//!
//! ```json
//! {"PG": {"list": "powershell … Get-WindowsUpdate …", "install": "powershell … Install-WindowsUpdate …",
//!         "remove": "wusa /uninstall /kb:{kb_number} /quiet /norestart"}}
//! ```
//!
//! `list` prints one line per update, `Installed KB5031356` or `Pending KB5032189`; it is read
//! into typed [`Kb`] numbers, bounded, and never printed as it came. `install` installs every
//! pending update. `remove` names the KB to remove by `{kb}` (`KB5031356`) or `{kb_number}`
//! (`5031356`): only a [`Kb`] — `KB` and digits — is ever put there.
//!
//! A run keeps the orchestration's safety rules: Cloud Connect only, the orchestration lock and
//! the cluster's claim (one run per deployment), one node at a time (so never two members of a
//! group at once), recorded in the run history (both nodes) and the orchestration audit log.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};
use thiserror::Error;

use crate::cancel::Cancel;
use crate::inventory::model::HostRow;
use crate::ops::connectivity::Target;
use crate::ops::orchestrate::{Choice, Hosts, NodeError, RemoteHost, SshHosts};
use crate::ops::signed_set::{CommandSet, SetError};
use crate::ops::{Kind, Node, OpError, OpResult};
use crate::state::orchestration::{Outcome, Run, Step, StepResult};

/// The runs' operations as the run history names them.
pub const OPERATION_INSTALL: &str = "ms-patches install";
pub const OPERATION_ROLLBACK: &str = "ms-patches rollback";
/// The commands the lock holder runs, by operation (what `show in-progress` asks).
pub const COMMAND_INSTALL: &str = "utils patch-manager ms-patches install";
pub const COMMAND_ROLLBACK: &str = "utils patch-manager ms-patches rollback";

/// How a run may go ahead: the other Cloud Connect node known down, other runs' host leases
/// broken on the administrator's word.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    pub peer_down: bool,
    pub break_leases: bool,
    /// Each node in maintenance mode for its change (see `ops::maintenance`).
    pub maintenance: bool,
}

/// The signed command set's file name (its signature: `ms-patches.json.minisig`).
pub const SET: &str = "ms-patches.json";
/// The most a list command may print.
pub const MAX_OUTPUT: usize = 64 * 1024;
/// The most updates a node may list.
pub const MAX_KBS: usize = 4096;
/// The most digits of a KB number.
const MAX_DIGITS: usize = 10;

/// A Microsoft update's Knowledge Base number: `KB` and digits (`KB5031356`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kb(u64);

impl Kb {
    /// The digits only (`5031356`), as `wusa /kb:` takes them.
    pub fn number(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Kb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KB{}", self.0)
    }
}

impl Serialize for Kb {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a text is not a KB number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not a KB number (KB and 1 to {MAX_DIGITS} digits, not starting with 0, e.g. KB5031356)")]
pub struct KbError;

impl FromStr for Kb {
    type Err = KbError;
    fn from_str(s: &str) -> Result<Self, KbError> {
        let digits = s
            .strip_prefix("KB")
            .or_else(|| s.strip_prefix("kb"))
            .or_else(|| s.strip_prefix("Kb"))
            .or_else(|| s.strip_prefix("kB"))
            .ok_or(KbError)?;
        if digits.is_empty()
            || digits.len() > MAX_DIGITS
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(KbError);
        }
        digits.parse().map(Kb).map_err(|_| KbError)
    }
}

/// One product's commands.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    /// Prints `Installed KBn` or `Pending KBn` per update of the node.
    pub list: String,
    /// Installs every pending update.
    pub install: String,
    /// Removes the update named by `{kb}` or `{kb_number}`.
    pub remove: String,
    /// Prints `Busy` while an update installer runs on the node, `Idle` otherwise (on
    /// Windows, `Get-WUInstallerStatus`): nothing is installed or removed while one runs,
    /// such as the installer a run stopped by `kill -9` left behind.
    pub busy: String,
    /// Whether `install` and `remove` restart the node (Windows updates usually do): the run
    /// then waits for the node to go down and come back before it reads the node again and
    /// before the next node, so the other member of its group is never changed meanwhile.
    #[serde(default)]
    pub restarts: bool,
}

impl CommandSet for Commands {
    fn commands(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("list", &self.list),
            ("install", &self.install),
            ("remove", &self.remove),
            ("busy", &self.busy),
        ]
    }
}

impl Commands {
    /// The remove command for `kb`: its placeholders replaced by the KB's validated form.
    pub fn remove_command(&self, kb: Kb) -> String {
        self.remove
            .replace("{kb_number}", &kb.number().to_string())
            .replace("{kb}", &kb.to_string())
    }
}

/// Parse and check a command set: as every signed set, and `remove` names its KB.
pub fn parse_set(data: &[u8]) -> Result<BTreeMap<String, Commands>, SetError> {
    let set: BTreeMap<String, Commands> = crate::ops::signed_set::parse(data)?;
    for (name, c) in &set {
        if !c.remove.contains("{kb}") && !c.remove.contains("{kb_number}") {
            return Err(SetError::Rule {
                product: name.clone(),
                what: "remove",
                why: "names no {kb} or {kb_number}",
            });
        }
    }
    Ok(set)
}

/// The verified command set from the downloaded artifacts, or why there is none to use.
pub fn load_set(node: &mut Node) -> OpResult<BTreeMap<String, Commands>> {
    let set = crate::ops::signed_set::load(node, SET, "Microsoft updates")?;
    parse_set(&set.data).map_err(|e| set.refused(format!("is not valid: {e}")))
}

/// Read a busy command's answer: `Busy` (`true`) or `Idle`, one line.
pub fn parse_busy(out: &str) -> Result<bool, ListError> {
    if out.len() > 4096 {
        return Err(ListError::TooLarge);
    }
    match out.trim() {
        s if s.eq_ignore_ascii_case("Busy") => Ok(true),
        s if s.eq_ignore_ascii_case("Idle") => Ok(false),
        _ => Err(ListError::NotAnUpdate(1)),
    }
}

/// A node's updates as its list command tells them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub installed: BTreeSet<Kb>,
    pub pending: BTreeSet<Kb>,
}

/// Why a list command's answer is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ListError {
    #[error("it printed more than {MAX_OUTPUT} bytes")]
    TooLarge,
    #[error("line {0} holds control characters")]
    Control(usize),
    #[error("line {0} is not Installed KBn or Pending KBn")]
    NotAnUpdate(usize),
    #[error("it lists more than {MAX_KBS} updates")]
    TooMany,
}

/// Read a list command's answer: `Installed KBn` or `Pending KBn` a line (CRLF or LF, empty
/// lines skipped). An update both installed and pending counts as installed.
pub fn parse_list(out: &str) -> Result<Listing, ListError> {
    if out.len() > MAX_OUTPUT {
        return Err(ListError::TooLarge);
    }
    let mut l = Listing::default();
    for (i, line) in out.lines().enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.chars().any(char::is_control) {
            return Err(ListError::Control(n));
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((state, kb)) = line.split_once(' ') else {
            return Err(ListError::NotAnUpdate(n));
        };
        let kb: Kb = kb.trim().parse().map_err(|_| ListError::NotAnUpdate(n))?;
        if l.installed.len() + l.pending.len() == MAX_KBS {
            return Err(ListError::TooMany);
        }
        if state.eq_ignore_ascii_case("Installed") {
            l.installed.insert(kb);
        } else if state.eq_ignore_ascii_case("Pending") {
            l.pending.insert(kb);
        } else {
            return Err(ListError::NotAnUpdate(n));
        }
    }
    let installed = l.installed.clone();
    l.pending.retain(|k| !installed.contains(k));
    Ok(l)
}

/// The chosen Windows nodes, checked before anything is asked or touched: on a Cloud Connect
/// node, an inventory with Windows nodes, every `--node` a Windows node of it, and at least one
/// chosen; pair by pair as the inventory lists them, side A before side B.
pub fn chosen(node: &mut Node, choice: &Choice) -> OpResult<Vec<HostRow>> {
    node.require_cloud_connect(false)?;
    let rows = crate::ops::inventory::current(node)?.rows();
    let see = "see the hosts with: utils system inventory show";
    let windows: Vec<HostRow> = rows
        .iter()
        .filter(|r| r.platform == "Windows")
        .cloned()
        .collect();
    if windows.is_empty() {
        return Err(
            OpError::new(Kind::NotConfigured, "the inventory has no Windows node").hint(see),
        );
    }
    for name in &choice.nodes {
        let one = Choice {
            nodes: vec![name.clone()],
            ..Default::default()
        };
        match rows.iter().find(|r| one.matches(r)) {
            None => {
                return Err(
                    OpError::new(Kind::NotFound, format!("{name} is not in the inventory"))
                        .hint(see),
                )
            }
            Some(r) if r.platform != "Windows" => {
                return Err(OpError::new(
                    Kind::Invalid,
                    format!(
                        "{name} is not a Windows node (it is a {} {} host)",
                        r.platform, r.product
                    ),
                )
                .hint("Microsoft updates are installed on the inventory's Windows nodes"))
            }
            Some(_) => {}
        }
    }
    let mut picked: Vec<HostRow> = windows.into_iter().filter(|r| choice.matches(r)).collect();
    crate::ops::orchestrate::in_pair_order(&mut picked);
    if picked.is_empty() {
        return Err(
            OpError::new(Kind::NotFound, "no Windows node matches the selection").hint(see),
        );
    }
    Ok(picked)
}

/// Why a node's updates could not be read, installed or removed.
#[derive(Debug, Error)]
pub enum HostError {
    #[error("{0}")]
    Node(Box<NodeError>),
    #[error("the signed Microsoft updates command set has no commands for {0}")]
    NoCommands(String),
    #[error("its {what} command could not run: {source}")]
    Run {
        what: &'static str,
        source: Box<crate::clients::ssh::SshError>,
    },
    #[error("its {what} command exited with {code}: {tail}")]
    Exit {
        what: &'static str,
        code: i32,
        tail: String,
    },
    #[error("its list command answered something that is not valid: {0}")]
    Answer(ListError),
    #[error("after the install, still pending: {0}")]
    StillPending(String),
    #[error("after the removal, still installed: {0}")]
    StillInstalled(Kb),
    #[error("{0}")]
    Restart(Box<crate::ops::orchestrate::RestartError>),
    #[error(
        "it is leased by {0}: a change may still be in progress there; it was not touched. If that run is over, run this again with --break-leases"
    )]
    Leased(String),
    #[error("not started: {0}, of its group, failed and may still be changing; run the command again once it is back")]
    GroupStopped(String),
    #[error("its busy command answered something that is not Busy or Idle")]
    BusyAnswer,
    #[error("an update installer still ran on it after {0}s; nothing was started. Run the command again once it has ended")]
    StillBusy(u64),
    #[error("interrupted while waiting for its update installer to end; nothing was started")]
    Interrupted,
    #[error("{0}")]
    Lease(crate::ops::lease::TakeError),
    /// Maintenance mode around the change (said whole: not entered, or not left).
    #[error("{0}")]
    Maintenance(String),
    #[error("{0}; {why}", why = stays(.0))]
    InMaintenance(Box<HostError>),
}

/// What a failed change in maintenance mode leaves its node in.
fn stays(e: &HostError) -> &'static str {
    if e.may_still_run() {
        "it stays in maintenance mode until the same command, run again, settles it"
    } else {
        "it stays in maintenance mode (utils system maintenance end takes it out once it is fixed)"
    }
}

impl HostError {
    /// Whether the node's install or removal may still run after this (its session dropped
    /// or was stopped mid-command, or its restart was not seen back).
    pub fn may_still_run(&self) -> bool {
        match self {
            HostError::Run { what, .. } => *what == "install" || *what == "remove",
            HostError::Restart(_) => true,
            HostError::InMaintenance(inner) => inner.may_still_run(),
            _ => false,
        }
    }
}

/// What is done on each node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Install every pending update.
    Install,
    /// Remove this update.
    Remove(Kb),
}

impl Action {
    /// The command, as the orchestration lock and the audit log name it.
    pub fn command(self) -> &'static str {
        match self {
            Action::Install => COMMAND_INSTALL,
            Action::Remove(_) => COMMAND_ROLLBACK,
        }
    }
    /// The operation as the run history names it.
    pub fn operation(self) -> &'static str {
        match self {
            Action::Install => OPERATION_INSTALL,
            Action::Remove(_) => OPERATION_ROLLBACK,
        }
    }
    /// Why a node is put in maintenance mode for it.
    pub fn maintenance_reason(self) -> crate::ops::maintenance::Reason {
        match self {
            Action::Install => crate::ops::maintenance::Reason::MsUpdatesInstall,
            Action::Remove(_) => crate::ops::maintenance::Reason::MsUpdatesRollback,
        }
    }
    /// Whether a node's listing leaves it anything to do.
    pub fn applies(self, l: &Listing) -> bool {
        match self {
            Action::Install => !l.pending.is_empty(),
            Action::Remove(kb) => l.installed.contains(&kb),
        }
    }
}

/// A node as it was asked before the question: its listing, or why it could not be read.
#[derive(Debug)]
pub struct Asked {
    pub row: HostRow,
    pub listing: Result<Listing, HostError>,
    /// A Microsoft updates run's lease is on the node: a run stopped there (or another that
    /// runs), so the node takes part whatever its listing says (the run settles it).
    pub leased: bool,
}

/// Ask each node for its updates (read only: no lock, nothing changes). The command set is
/// verified first: a set that cannot be used is refused before any node is touched.
pub fn ask(node: &mut Node, hosts: Vec<HostRow>) -> OpResult<Vec<Asked>> {
    node.require_cloud_connect(false)?;
    let set = load_set(node)?;
    // Nothing is installed beside a patch or upgrade run that has not ended (asked first, so
    // nothing is asked of the administrator either).
    crate::ops::orchestrate::refuse_beside_an_unfinished_run_but(
        node,
        &[OPERATION_INSTALL, OPERATION_ROLLBACK],
    )?;
    let (targets, access) = crate::ops::connectivity::access(node, hosts)?;
    let cancel = node.cancel.clone();
    let ssh = SshHosts {
        access: &access,
        cancel: &cancel,
    };
    let mut out = Vec::new();
    for t in &targets {
        cancel.check()?;
        let mut leased = false;
        let listing = commands_for(&set, t).and_then(|c| {
            let conn = ssh.connect(t).map_err(|e| HostError::Node(Box::new(e)))?;
            leased = matches!(
                crate::ops::lease::read(conn.as_ref(), &cancel),
                Ok(Some(l)) if l.operation == OPERATION_INSTALL || l.operation == OPERATION_ROLLBACK
            );
            read_list(conn.as_ref(), c)
        });
        out.push(Asked {
            row: t.row.clone(),
            listing,
            leased,
        });
    }
    Ok(out)
}

/// How one node ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostResult {
    /// Its pending updates are installed.
    Installed,
    /// It had no pending update when the run came to it.
    UpToDate,
    /// The KB is removed.
    Removed,
    /// The KB was not installed when the run came to it.
    NotInstalled,
    Failed,
    /// Stopped while its change may still run on it (Ctrl-C, a dropped session, a restart
    /// not seen back): the run stays unfinished and the same command settles the node.
    Interrupted,
}

/// One node's line.
#[derive(Debug, Clone, Serialize)]
pub struct HostOutcome {
    pub host: String,
    pub product: String,
    pub group: String,
    pub side: String,
    pub result: HostResult,
    /// The KBs this run installed (install) or removed (rollback).
    pub kbs: Vec<Kb>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub run: i64,
    pub hosts: Vec<HostOutcome>,
}

impl HostResult {
    /// As the mail's table says it.
    pub fn label(self) -> &'static str {
        match self {
            HostResult::Installed => "Installed",
            HostResult::UpToDate => "No pending updates",
            HostResult::Removed => "Removed",
            HostResult::NotInstalled => "Not installed",
            HostResult::Failed => "Failed",
            HostResult::Interrupted => "Interrupted",
        }
    }
}

impl Report {
    pub fn count(&self, r: HostResult) -> usize {
        self.hosts.iter().filter(|h| h.result == r).count()
    }
    /// The nodes that failed or were interrupted.
    pub fn failed(&self) -> usize {
        self.count(HostResult::Failed) + self.count(HostResult::Interrupted)
    }
    /// The run's result as the history names it.
    pub fn overall(&self) -> &'static str {
        let failed = self.failed();
        let done = self.count(HostResult::Installed) + self.count(HostResult::Removed);
        match (failed, done) {
            (0, 0) => "Nothing to do",
            (0, _) => "Success",
            (f, _) if f == self.hosts.len() => "Failure",
            _ => "Partial success",
        }
    }
}

fn tail(out: &str) -> String {
    let safe = crate::text::one_line(out.trim()).into_owned();
    let chars: Vec<char> = safe.chars().collect();
    chars[chars.len().saturating_sub(200)..].iter().collect()
}

fn joined(kbs: &[Kb]) -> String {
    kbs.iter().map(Kb::to_string).collect::<Vec<_>>().join(", ")
}

fn commands_for<'a>(
    set: &'a BTreeMap<String, Commands>,
    t: &Target,
) -> Result<&'a Commands, HostError> {
    set.iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(&t.row.product))
        .map(|(_, c)| c)
        .ok_or_else(|| HostError::NoCommands(t.row.product.clone()))
}

fn read_list(conn: &dyn RemoteHost, c: &Commands) -> Result<Listing, HostError> {
    let (code, out) = conn.run_read(&c.list).map_err(|source| HostError::Run {
        what: "list",
        source: Box::new(source),
    })?;
    if code != 0 {
        return Err(HostError::Exit {
            what: "list",
            code,
            tail: tail(&out),
        });
    }
    parse_list(&out).map_err(HostError::Answer)
}

mod run;
pub use run::run;

#[cfg(test)]
mod tests;
