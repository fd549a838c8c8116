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

use super::connectivity::Target;
use super::orchestrate::{Choice, Hosts, NodeError, RemoteHost, SshHosts};
use super::signed_set::{CommandSet, SetError};
use super::{Kind, Node, OpError, OpResult};
use crate::cancel::Cancel;
use crate::inventory::model::HostRow;
use crate::state::orchestration::{Outcome, Run, Step, StepResult};

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
    let set: BTreeMap<String, Commands> = super::signed_set::parse(data)?;
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
    let set = super::signed_set::load(node, SET, "Microsoft updates")?;
    parse_set(&set.data).map_err(|e| set.refused(format!("is not valid: {e}")))
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
    let rows = super::inventory::current(node)?.rows();
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
    super::orchestrate::in_pair_order(&mut picked);
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
    Restart(Box<super::orchestrate::RestartError>),
    #[error(
        "it is leased by the {0}: a change may still be in progress there; it was not touched"
    )]
    Leased(String),
    #[error("not started: {0}, of its group, failed and may still be changing; run the command again once it is back")]
    GroupStopped(String),
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
            Action::Install => "utils patch-manager ms-patches install",
            Action::Remove(_) => "utils patch-manager ms-patches rollback",
        }
    }
    /// The operation as the run history names it.
    pub fn operation(self) -> &'static str {
        match self {
            Action::Install => "ms-patches install",
            Action::Remove(_) => "ms-patches rollback",
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
}

/// Ask each node for its updates (read only: no lock, nothing changes). The command set is
/// verified first: a set that cannot be used is refused before any node is touched.
pub fn ask(node: &mut Node, hosts: Vec<HostRow>) -> OpResult<Vec<Asked>> {
    node.require_cloud_connect(false)?;
    let set = load_set(node)?;
    // Nothing is installed beside a patch or upgrade run that has not ended (asked first, so
    // nothing is asked of the administrator either).
    super::orchestrate::refuse_beside_an_unfinished_run(node)?;
    let (targets, access) = super::connectivity::access(node, hosts)?;
    let cancel = node.cancel.clone();
    let ssh = SshHosts {
        access: &access,
        cancel: &cancel,
    };
    let mut out = Vec::new();
    for t in &targets {
        cancel.check()?;
        let listing = commands_for(&set, t).and_then(|c| {
            let conn = ssh.connect(t).map_err(|e| HostError::Node(Box::new(e)))?;
            read_list(conn.as_ref(), c)
        });
        out.push(Asked {
            row: t.row.clone(),
            listing,
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

impl Report {
    pub fn count(&self, r: HostResult) -> usize {
        self.hosts.iter().filter(|h| h.result == r).count()
    }
    /// The run's result as the history names it.
    pub fn overall(&self) -> &'static str {
        let failed = self.count(HostResult::Failed);
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

fn run_changing(
    conn: &dyn RemoteHost,
    cancel: &Cancel,
    what: &'static str,
    command: &str,
) -> Result<(), HostError> {
    let (code, out) = conn
        .run_install(command, cancel)
        .map_err(|source| HostError::Run {
            what,
            source: Box::new(source),
        })?;
    if code != 0 {
        return Err(HostError::Exit {
            what,
            code,
            tail: tail(&out),
        });
    }
    Ok(())
}

/// Run the changing `command` on the node; when the set says it restarts the node, wait for
/// the node to go down and come back (its session may end with it) and log in again.
#[allow(clippy::too_many_arguments)]
fn change<'h>(
    hosts: &'h dyn Hosts,
    t: &Target,
    conn: Box<dyn RemoteHost + 'h>,
    cancel: &Cancel,
    c: &Commands,
    what: &'static str,
    command: &str,
    said: &mut dyn FnMut(&str),
) -> Result<Box<dyn RemoteHost + 'h>, HostError> {
    match run_changing(conn.as_ref(), cancel, what, command) {
        Ok(()) => {}
        Err(HostError::Run { source, .. })
            if c.restarts && matches!(*source, crate::clients::ssh::SshError::Dropped { .. }) => {}
        Err(e) => return Err(e),
    }
    if !c.restarts {
        return Ok(conn);
    }
    drop(conn);
    said("waiting for the node to restart");
    super::orchestrate::await_restart(hosts, t, cancel, RESTART_DOWN, RESTART_UP, said)
        .map_err(|e| HostError::Restart(Box::new(e)))
}

/// How long a restarting node may take to go down, and then to come back.
const RESTART_DOWN: std::time::Duration = std::time::Duration::from_secs(300);
const RESTART_UP: std::time::Duration = std::time::Duration::from_secs(1800);

/// On one node: read its updates and do `action` when it applies. `Ok((result,
/// kbs))`: how it ended and the KBs installed or removed.
pub fn on_host(
    hosts: &dyn Hosts,
    t: &Target,
    cancel: &Cancel,
    c: &Commands,
    action: Action,
    said: &mut dyn FnMut(&str),
    touched: &std::cell::Cell<bool>,
) -> Result<(HostResult, Vec<Kb>), HostError> {
    let conn = hosts.connect(t).map_err(|e| HostError::Node(Box::new(e)))?;
    // A host under a run's lease is in the middle of a change (or was left in it): untouched,
    // and, as a member that may be changing, it stops its group.
    if let Some(whose) = super::lease::held(conn.as_ref(), cancel) {
        touched.set(true);
        return Err(HostError::Leased(whose));
    }
    let before = read_list(conn.as_ref(), c)?;
    match action {
        Action::Install if before.pending.is_empty() => Ok((HostResult::UpToDate, Vec::new())),
        Action::Install => {
            touched.set(true);
            let conn = change(hosts, t, conn, cancel, c, "install", &c.install, said)?;
            let after = read_list(conn.as_ref(), c)?;
            let installed: Vec<Kb> = after
                .installed
                .difference(&before.installed)
                .copied()
                .collect();
            let still: Vec<Kb> = before
                .pending
                .intersection(&after.pending)
                .copied()
                .collect();
            if !still.is_empty() {
                return Err(HostError::StillPending(joined(&still)));
            }
            Ok((HostResult::Installed, installed))
        }
        Action::Remove(kb) if !before.installed.contains(&kb) => {
            Ok((HostResult::NotInstalled, Vec::new()))
        }
        Action::Remove(kb) => {
            let command = c.remove_command(kb);
            touched.set(true);
            let conn = change(hosts, t, conn, cancel, c, "remove", &command, said)?;
            let after = read_list(conn.as_ref(), c)?;
            if after.installed.contains(&kb) {
                return Err(HostError::StillInstalled(kb));
            }
            Ok((HostResult::Removed, vec![kb]))
        }
    }
}

/// Do `action` on `hosts` (from [`ask`]), one node after another, under the orchestration lock
/// and the cluster's claim; the run is recorded and audited. `on_host_done` is told each
/// node's line as it ends, `on_wait` what a node is waited for (its restart).
pub fn run(
    node: &mut Node,
    action: Action,
    hosts: Vec<HostRow>,
    actor: &str,
    peer_down: bool,
    on_host_done: &mut dyn FnMut(&HostOutcome),
    on_wait: &mut dyn FnMut(&str, &str),
) -> OpResult<Report> {
    let started = crate::state::now_utc();
    let names = hosts
        .iter()
        .map(|h| h.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let subject = match action {
        Action::Install => format!("Microsoft updates on {names}"),
        Action::Remove(kb) => format!("{kb} on {names}"),
    };
    let result = run_recorded(
        node,
        action,
        hosts,
        actor,
        &subject,
        peer_down,
        on_host_done,
        on_wait,
    );
    let (run, outcome, detail) = match &result {
        Ok(r) => (Some(r.run), r.overall().to_owned(), None),
        Err(e) => (
            None,
            super::logs::kind_name(e.kind),
            Some(e.message.as_str()),
        ),
    };
    // As for every run: an audit line that cannot be written never fails what was done.
    let _ = super::logs::audit(
        node.root(),
        &super::logs::AuditRecord {
            actor,
            command: action.command(),
            subject: &subject,
            started: &started,
            run,
            result: &outcome,
            detail,
        },
    );
    result
}

// The run's parts and its two callbacks (a node's end, a node waited for), passed through.
#[allow(clippy::too_many_arguments)]
fn run_recorded(
    node: &mut Node,
    action: Action,
    hosts: Vec<HostRow>,
    actor: &str,
    subject: &str,
    peer_down: bool,
    on_host_done: &mut dyn FnMut(&HostOutcome),
    on_wait: &mut dyn FnMut(&str, &str),
) -> OpResult<Report> {
    node.require_cloud_connect(false)?;
    let set = load_set(node)?;
    super::orchestrate::refuse_beside_an_unfinished_run(node)?;
    let me = node.identity()?.hostname;
    let mut record = Run {
        uid: super::cluster_run::new_uid(),
        node: me,
        operation: action.operation().into(),
        subject: subject.to_owned(),
        actor: actor.into(),
        started_at: crate::state::now_utc(),
        ..Run::default()
    };
    let held = super::cluster_run::claim(node, action.command(), &record, peer_down)?;
    record.note = held.note.clone().unwrap_or_default();
    let id = node.db()?.start_run(&record)?;
    let share = |node: &mut Node| {
        if let Ok(Some(r)) = node.db().and_then(|db| Ok(db.run_by_uid(&record.uid)?)) {
            held.share(&r);
        }
    };
    share(node);
    // The run ends recorded whatever happens: running the command again is its resume, nodes
    // with nothing left to do being left alone.
    match each_host(node, id, action, hosts, &set, &share, on_host_done, on_wait) {
        Ok(hosts) => {
            let report = Report { run: id, hosts };
            node.db()?.finish_run(id, report.overall())?;
            share(node);
            Ok(report)
        }
        Err(e) => {
            let _ = node.db().and_then(|db| Ok(db.finish_run(id, "Failure")?));
            share(node);
            Err(e)
        }
    }
}

/// Each node in turn (so one member of a group at a time), its step recorded as it ends.
#[allow(clippy::too_many_arguments)]
fn each_host(
    node: &mut Node,
    id: i64,
    action: Action,
    hosts: Vec<HostRow>,
    set: &BTreeMap<String, Commands>,
    share: &dyn Fn(&mut Node),
    on_host_done: &mut dyn FnMut(&HostOutcome),
    on_wait: &mut dyn FnMut(&str, &str),
) -> OpResult<Vec<HostOutcome>> {
    let (targets, access) = super::connectivity::access(node, hosts)?;
    let cancel = node.cancel.clone();
    let ssh = SshHosts {
        access: &access,
        cancel: &cancel,
    };
    let mut out = Vec::new();
    // A group whose member failed once its change had begun: its other members are not
    // changed (the failed one may still be installing or restarting), as an orchestration run
    // stops a group. A member that could not be reached or read was not touched and stops
    // nothing.
    let mut stopped: std::collections::HashMap<String, String> = Default::default();
    for t in &targets {
        cancel.check()?;
        let began = std::time::Instant::now();
        let touched = std::cell::Cell::new(false);
        let r = match stopped.get(&t.row.group) {
            Some(member) => Err(HostError::GroupStopped(member.clone())),
            None => commands_for(set, t).and_then(|c| {
                let mut said = |what: &str| on_wait(&t.row.name, what);
                on_host(&ssh, t, &cancel, c, action, &mut said, &touched)
            }),
        };
        if r.is_err() && touched.get() && !t.row.group.is_empty() {
            stopped
                .entry(t.row.group.clone())
                .or_insert_with(|| t.row.name.clone());
        }
        let outcome = HostOutcome {
            host: t.row.name.clone(),
            product: t.row.product.clone(),
            group: t.row.group.clone(),
            side: t.row.side.clone(),
            result: r.as_ref().map(|(h, _)| *h).unwrap_or(HostResult::Failed),
            kbs: r.as_ref().map(|(_, k)| k.clone()).unwrap_or_default(),
            error: r.as_ref().err().map(|e| e.to_string()),
        };
        let (result, detail) = match outcome.result {
            HostResult::Installed => (Outcome::Done, format!("installed {}", joined(&outcome.kbs))),
            HostResult::Removed => (Outcome::Done, format!("removed {}", joined(&outcome.kbs))),
            HostResult::UpToDate => (Outcome::AlreadyDone, "no pending update".to_owned()),
            HostResult::NotInstalled => (Outcome::AlreadyDone, "not installed".to_owned()),
            HostResult::Failed => (Outcome::Failed, outcome.error.clone().unwrap_or_default()),
        };
        node.db()?.record_step(
            id,
            &Step {
                host: t.row.name.clone(),
                side: t.row.side.clone(),
                result: StepResult::Ended(result),
                detail: crate::text::one_line(&detail).chars().take(4000).collect(),
                seconds: began.elapsed().as_secs_f64(),
                ..Step::default()
            },
        )?;
        share(node);
        on_host_done(&outcome);
        out.push(outcome);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kb_number_is_kb_and_digits() {
        let kb: Kb = "KB5031356".parse().unwrap();
        assert_eq!((kb.to_string(), kb.number()), ("KB5031356".into(), 5031356));
        assert_eq!("kb42".parse::<Kb>().unwrap().to_string(), "KB42");
        for bad in [
            "",
            "KB",
            "5031356",
            "KB0123",
            "KB12a",
            "KB 1",
            "KB1;calc",
            "KB12345678901",
            "KB-1",
            "KB+1",
        ] {
            assert_eq!(bad.parse::<Kb>(), Err(KbError), "{bad}");
        }
    }

    #[test]
    fn a_list_answer_is_read_into_kb_numbers() {
        let l =
            parse_list("Installed KB1\r\n\r\nPending KB2\npending kb3\nInstalled KB3\n").unwrap();
        assert_eq!(
            l.installed.iter().map(Kb::to_string).collect::<Vec<_>>(),
            ["KB1", "KB3"]
        );
        assert_eq!(
            l.pending.iter().map(Kb::to_string).collect::<Vec<_>>(),
            ["KB2"]
        );
        assert_eq!(parse_list(""), Ok(Listing::default()));
        assert_eq!(
            parse_list("Installed KB1\nGone KB2\n"),
            Err(ListError::NotAnUpdate(2))
        );
        assert_eq!(
            parse_list("Installed KB1;rm\n"),
            Err(ListError::NotAnUpdate(1))
        );
        assert_eq!(
            parse_list("Pending KB1\x1b[2J\n"),
            Err(ListError::Control(1))
        );
        let many: String = (1..=MAX_KBS + 1)
            .map(|i| format!("Pending KB{i}\n"))
            .collect();
        assert_eq!(parse_list(&many), Err(ListError::TooMany));
        assert_eq!(
            parse_list(&"x".repeat(MAX_OUTPUT + 1)),
            Err(ListError::TooLarge)
        );
    }

    #[test]
    fn a_command_set_names_the_kb_of_its_remove_command() {
        let ok = parse_set(
            br#"{"PG": {"list": "sh l", "install": "sh i", "remove": "wusa /uninstall /kb:{kb_number} /quiet"}}"#,
        )
        .unwrap();
        let kb: Kb = "KB5031356".parse().unwrap();
        assert_eq!(
            ok["PG"].remove_command(kb),
            "wusa /uninstall /kb:5031356 /quiet"
        );
        assert!(matches!(
            parse_set(br#"{"PG": {"list": "l", "install": "i", "remove": "sh r"}}"#),
            Err(SetError::Rule { what: "remove", .. })
        ));
        assert!(matches!(
            parse_set(br#"{"PG": {"list": "l", "install": "i", "remove": "r {kb}", "x": "y"}}"#),
            Err(SetError::Json(_))
        ));
        assert_eq!(
            parse_set(br#"{"PG": {"list": "l", "install": "a\u0007", "remove": "r {kb}"}}"#),
            Err(SetError::Command {
                product: "PG".into(),
                what: "install"
            })
        );
    }
}
