//! Orchestration (issue 13): install or roll back a patch, upgrade, switch forward or roll back
//! the inventory's nodes, one node at a time per cluster or pair, from this Cloud Connect node.
//!
//! A run is planned first: the chosen inventory hosts (a node, a group, a side, a platform,
//! all), only those of the artifact's product, in groups that must never have two members down
//! at once (a VOS cluster, a Windows pair), publisher before subscribers and side A before side
//! B inside each group. Up to `parallel` groups run at once (Ansible's `serial`); one node of a
//! group at a time. For every node: log in with this node's key (the host key recorded at
//! onboarding for VOS, known_hosts for Windows), read what it runs, decide (done already, does
//! not apply, or do it), check the free space, write the step as started, transfer, install,
//! wait for a restart when the artifact restarts the node, read what it runs again and check
//! that it is what was meant. Each step is in the database when it starts and when it ends, so
//! `utils deployment show in-progress` is exact and the same command run again after a crash,
//! Ctrl-C or reboot resumes: the nodes done are not touched, the node that was in the middle is
//! read again and only done if it is not (never twice).

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::connectivity::{Access, Target};
use super::lease::{self, Lease, Taken};
use super::patches::{ArtifactKind, Manifest, Platform, MANIFEST_SUFFIX};
use super::software::{Installed, InstalledPatch, MAX_RECORD, WINDOWS_RECORD};
use super::{Kind, Node, OpError, OpResult};
use crate::cancel::Cancel;
use crate::clients::ssh::{self, Auth, Connection, Endpoint, SshError};
use crate::state::orchestration::{Run, Step};

/// How long connecting to a node may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a remote command that only reads may take.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one node's installer may run.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(3600);
/// How long a node that restarts may take to go down, and then to come back.
const DOWN_TIMEOUT: Duration = Duration::from_secs(300);
const UP_TIMEOUT: Duration = Duration::from_secs(1800);
/// How often a restarting node is probed.
const PROBE_EVERY: Duration = Duration::from_millis(250);

/// What a run does to each node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    PatchInstall,
    PatchRollback,
    Upgrade,
    SwitchForward,
    Rollback,
}

impl Operation {
    /// The name recorded in the history.
    pub fn label(self) -> &'static str {
        match self {
            Operation::PatchInstall => "patch install",
            Operation::PatchRollback => "patch rollback",
            Operation::Upgrade => "upgrade",
            Operation::SwitchForward => "switch-forward",
            Operation::Rollback => "rollback",
        }
    }
    /// The command that runs it (the owner of the orchestration lock).
    pub fn command(self) -> &'static str {
        match self {
            Operation::PatchInstall => "utils patch-manager install",
            Operation::PatchRollback => "utils patch-manager rollback",
            Operation::Upgrade => "utils upgrade-manager upgrade",
            Operation::SwitchForward => "utils upgrade-manager switch-forward",
            Operation::Rollback => "utils upgrade-manager rollback",
        }
    }
    fn mail(self) -> &'static str {
        match self {
            Operation::PatchInstall => "Patch install",
            Operation::PatchRollback => "Patch rollback",
            Operation::Upgrade => "Upgrade",
            Operation::SwitchForward => "Switch forward",
            Operation::Rollback => "Rollback",
        }
    }
    /// Whether the run changes versions (and so is subject to the compatibility check).
    pub fn changes_version(self) -> bool {
        matches!(
            self,
            Operation::Upgrade | Operation::SwitchForward | Operation::Rollback
        )
    }
    fn vos_only(self) -> bool {
        matches!(self, Operation::SwitchForward | Operation::Rollback)
    }
}

/// Which inventory hosts: every filter given must match; none given (or `all`) means all.
#[derive(Debug, Default, Clone)]
pub struct Choice {
    pub nodes: Vec<String>,
    /// A product (e.g. Finesse, CVP) or a cluster / pair name from the inventory.
    pub group: Option<String>,
    pub side: Option<String>,
    pub platform: Option<String>,
    pub all: bool,
}

impl Choice {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.group.is_none()
            && self.side.is_none()
            && self.platform.is_none()
            && !self.all
    }
    fn matches(&self, r: &crate::inventory::model::HostRow) -> bool {
        let host_only = |n: &str| n.split(':').next().unwrap_or(n).to_owned();
        (self.nodes.is_empty()
            || self.nodes.iter().any(|n| {
                n.eq_ignore_ascii_case(&r.name) || n.eq_ignore_ascii_case(&host_only(&r.name))
            }))
            && self.group.as_ref().is_none_or(|g| {
                g.eq_ignore_ascii_case(&r.product) || g.eq_ignore_ascii_case(&r.group)
            })
            && self
                .side
                .as_ref()
                .is_none_or(|s| s.eq_ignore_ascii_case(&r.side))
            && self
                .platform
                .as_ref()
                .is_none_or(|p| p.eq_ignore_ascii_case(r.platform))
    }
}

/// A verified artifact: its manifest (and the signed bytes of it), its file, who signed it.
pub struct Artifact {
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub path: PathBuf,
    pub size: u64,
    pub signer: String,
}

/// A checked run, before anything is touched.
pub struct Plan {
    pub op: Operation,
    pub artifact: Option<Artifact>,
    /// Upgrade: switch to the new version on each node once installed.
    pub switch: bool,
    /// The groups, each in the order its nodes are done.
    pub groups: Vec<Vec<Target>>,
    /// Chosen hosts left out, with the reason.
    pub left_out: Vec<(String, String)>,
    access: Access,
    /// How Windows hosts are asked what they run (the signed product catalogue).
    catalogue: super::probe::Catalogue,
    /// Verified patch manifests by file name (a Windows patch rollback's uninstall command,
    /// its check and running commands).
    uninstall: HashMap<String, Manifest>,
    /// Patch rollback: the patch each node loses (host, patch), as read before the run.
    rollback_names: Vec<(String, String)>,
    /// Every inventory member of each planned group (by group index), the ones not chosen
    /// too: their leases are checked before a member of the group is touched.
    members: Vec<Vec<Target>>,
}

impl Plan {
    /// What the run installs or undoes, for the history and the mail.
    pub fn subject(&self) -> String {
        match (&self.artifact, self.op) {
            (Some(a), _) => a.manifest.file.clone(),
            (None, Operation::PatchRollback) if !self.rollback_names.is_empty() => format!(
                "the newest patch: {}",
                self.rollback_names
                    .iter()
                    .map(|(h, p)| format!("{p} from {h}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, Operation::PatchRollback) => "the newest patch".to_owned(),
            (None, Operation::SwitchForward) => "to the newer inactive version".to_owned(),
            (None, _) => "to the previous version".to_owned(),
        }
    }
    /// Patch rollback: name the patch each planned node loses, from what the nodes run now.
    pub fn name_rollback(&mut self, now: &[HostStatus]) {
        self.rollback_names = self
            .groups
            .iter()
            .flatten()
            .filter_map(|t| {
                let s = now.iter().find(|s| s.host == t.row.name)?;
                let p = s.installed.as_ref()?.patches.last()?;
                Some((t.row.name.clone(), p.name.clone()))
            })
            .collect();
    }
    /// The patch a rollback removes from `host`, when known.
    pub fn removes(&self, host: &str) -> Option<&str> {
        self.rollback_names
            .iter()
            .find(|(h, _)| h == host)
            .map(|(_, p)| p.as_str())
    }
    pub fn node_count(&self) -> usize {
        self.groups.iter().map(Vec::len).sum()
    }
}

/// The verified artifact named `name` (its file name or its manifest's).
pub fn find_artifact(node: &mut Node, name: &str, kind: ArtifactKind) -> OpResult<Artifact> {
    let all = super::patches::list(node)?;
    let found = all
        .iter()
        .find(|p| {
            p.patch.as_ref().is_some_and(|m| m.file == name)
                || p.manifest.rsplit('/').next() == Some(name)
        })
        .ok_or_else(|| {
            OpError::new(
                Kind::NotFound,
                format!("no downloaded artifact is named {name}"),
            )
            .hint(match kind {
                ArtifactKind::Patch => "see them with: utils patch-manager list",
                ArtifactKind::Upgrade => "see them with: utils upgrade-manager list",
            })
        })?;
    let super::patches::Status::Verified { signer } = &found.status else {
        return Err(OpError::new(
            Kind::Forbidden,
            format!("{name} cannot be used: {}", found.status.label()),
        )
        .hint("only an artifact signed by a trusted signer whose file matches is installed"));
    };
    let manifest = found
        .patch
        .clone()
        .ok_or_else(|| OpError::new(Kind::Failed, format!("{name}: the manifest went away")))?;
    if manifest.kind != kind {
        let (is, use_) = match manifest.kind {
            ArtifactKind::Patch => ("a patch", "utils patch-manager install"),
            ArtifactKind::Upgrade => ("an upgrade", "utils upgrade-manager upgrade"),
        };
        return Err(
            OpError::new(Kind::Invalid, format!("{name} is {is}")).hint(format!("use {use_}"))
        );
    }
    if manifest.platform == Platform::Windows
        && manifest.install.as_deref().unwrap_or_default().is_empty()
    {
        return Err(OpError::new(
            Kind::Invalid,
            format!("{name}: its manifest gives no install command line"),
        ));
    }
    let manifest_path = node.root().join("artifacts").join(&found.manifest);
    let path = manifest_path.with_file_name(&manifest.file);
    let manifest_bytes = crate::state::read_bounded(&manifest_path, MAX_RECORD).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot read {}: {e}", manifest_path.display()),
        )
    })?;
    let size = std::fs::metadata(&path)
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot read {}: {e}", path.display()),
            )
        })?
        .len();
    Ok(Artifact {
        manifest,
        manifest_bytes,
        path,
        size,
        signer: signer.clone(),
    })
}

/// Plan `op` on the chosen hosts.
pub fn plan(
    node: &mut Node,
    op: Operation,
    artifact: Option<Artifact>,
    choice: &Choice,
    switch: bool,
) -> OpResult<Plan> {
    node.require_cloud_connect(false)?;
    let all_rows = super::inventory::current(node)?.rows();
    let mut left_out = Vec::new();
    let mut chosen = Vec::new();
    for r in all_rows.iter().filter(|r| choice.matches(r)).cloned() {
        let why = match &artifact {
            Some(a) => {
                let platform = match a.manifest.platform {
                    Platform::Vos => "VOS",
                    Platform::Windows => "Windows",
                };
                (r.platform != platform || !r.product.eq_ignore_ascii_case(&a.manifest.product))
                    .then(|| {
                        format!(
                            "{} is for {} {}",
                            a.manifest.file, platform, a.manifest.product
                        )
                    })
            }
            None if op.vos_only() && r.platform != "VOS" => {
                Some("only VOS nodes keep an inactive version to switch to".to_owned())
            }
            None => None,
        };
        match why {
            Some(why) => left_out.push((r.name.clone(), why)),
            None => chosen.push(r),
        }
    }
    if chosen.is_empty() {
        let mut e = OpError::new(
            Kind::NotFound,
            "no chosen inventory host is one this applies to",
        );
        if let Some((_, why)) = left_out.first() {
            e = OpError::new(
                Kind::NotFound,
                format!("no chosen inventory host applies: {why}"),
            );
        }
        return Err(e.hint("see the hosts with: utils system inventory show"));
    }
    // Groups in inventory order; inside each, the publisher first, then side A before side B.
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for r in &chosen {
        let k = (r.platform.to_owned(), r.product.clone(), r.group.clone());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let chosen_names: HashSet<String> = chosen.iter().map(|r| r.name.clone()).collect();
    let key_of = |r: &crate::inventory::model::HostRow| {
        (r.platform.to_owned(), r.product.clone(), r.group.clone())
    };
    let in_groups: Vec<_> = all_rows
        .into_iter()
        .filter(|r| keys.contains(&key_of(r)))
        .collect();
    let (targets, access) = super::connectivity::access(node, in_groups)?;
    let mut groups: Vec<Vec<Target>> = keys.iter().map(|_| Vec::new()).collect();
    let mut members: Vec<Vec<Target>> = keys.iter().map(|_| Vec::new()).collect();
    for t in targets {
        let i = keys.iter().position(|x| *x == key_of(&t.row)).unwrap_or(0);
        if chosen_names.contains(&t.row.name) {
            groups[i].push(t);
        } else {
            members[i].push(t);
        }
    }
    for g in &mut groups {
        g.sort_by_key(|t| {
            (
                !t.row.detail.eq_ignore_ascii_case("Publisher"),
                !t.row.side.eq_ignore_ascii_case("A"),
            )
        });
    }
    let uninstall = if op == Operation::PatchRollback {
        super::patches::list(node)?
            .into_iter()
            .filter(|p| p.usable())
            .filter_map(|p| p.patch)
            .filter(|m| m.uninstall.is_some())
            .map(|m| (m.file.clone(), m))
            .collect()
    } else {
        HashMap::new()
    };
    Ok(Plan {
        op,
        artifact,
        switch,
        groups,
        left_out,
        access,
        catalogue: super::probe::load(node)?,
        uninstall,
        members,
        rollback_names: Vec::new(),
    })
}

/// How a node ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Done now.
    Done,
    /// Found done already (an earlier run, or the interrupted one being resumed).
    AlreadyDone,
    /// The artifact does not apply to what the node runs.
    NotApplicable,
    Failed,
    /// Stopped (Ctrl-C, a lost connection) while its installer ran: the installer may still
    /// run on the node, so it is neither done nor failed; the same command waits for it.
    Interrupted,
    /// Not started: the run had stopped.
    Skipped,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Done => "Done",
            Outcome::AlreadyDone => "Already done",
            Outcome::NotApplicable => "Not applicable",
            Outcome::Failed => "Failed",
            Outcome::Interrupted => "Interrupted",
            Outcome::Skipped => "Skipped",
        }
    }
    fn from_label(s: &str) -> Option<Outcome> {
        [
            Outcome::Done,
            Outcome::AlreadyDone,
            Outcome::NotApplicable,
            Outcome::Failed,
            Outcome::Interrupted,
            Outcome::Skipped,
        ]
        .into_iter()
        .find(|o| o.label() == s)
    }
    fn ok(self) -> bool {
        matches!(self, Outcome::Done | Outcome::AlreadyDone)
    }
}

/// A Windows node's record while a patch's uninstaller runs: `pending` is this and the patch.
const ROLLBACK_PENDING: &str = "rollback ";

/// The result recorded while a node's step runs.
pub const RUNNING: &str = "Running";

/// Whether a recorded step says its change began and was not seen to end.
fn unfinished(step: &Step) -> bool {
    step.result == RUNNING || step.result == Outcome::Interrupted.label()
}

/// How a whole run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Overall {
    /// Every node that needed the change has it, and at least one needed it.
    Success,
    /// No node needed anything (all done already, or the change does not apply).
    #[serde(rename = "Nothing to do")]
    NothingToDo,
    #[serde(rename = "Partial success")]
    Partial,
    Failure,
}

impl Overall {
    pub fn label(self) -> &'static str {
        match self {
            Overall::Success => "Success",
            Overall::NothingToDo => "Nothing to do",
            Overall::Partial => "Partial success",
            Overall::Failure => "Failure",
        }
    }
    /// The run's result from its nodes'. `previous`: the steps of the interrupted attempts of
    /// the same run; a node they changed is done by this run, though found done now.
    pub fn of(results: &[NodeResult], previous: &HashMap<String, Step>) -> Overall {
        let count = |o: Outcome| results.iter().filter(|r| r.result == o).count();
        let by_this_run = |r: &&NodeResult| {
            r.result == Outcome::AlreadyDone
                && previous
                    .get(&r.host)
                    .is_some_and(|s| unfinished(s) || s.result == Outcome::Done.label())
        };
        let done = count(Outcome::Done) + results.iter().filter(by_this_run).count();
        let ok = count(Outcome::Done) + count(Outcome::AlreadyDone);
        let bad = results.len() - ok - count(Outcome::NotApplicable);
        match (bad, done) {
            (0, 0) => Overall::NothingToDo,
            (0, _) => Overall::Success,
            _ if ok == 0 => Overall::Failure,
            _ => Overall::Partial,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeResult {
    pub host: String,
    pub side: String,
    pub from_version: String,
    pub to_version: String,
    pub result: Outcome,
    pub seconds: f64,
    pub detail: String,
}

impl NodeResult {
    /// A node not started, and why.
    fn skipped(t: &Target, why: String) -> NodeResult {
        NodeResult {
            host: t.row.name.clone(),
            side: t.row.side.clone(),
            from_version: String::new(),
            to_version: String::new(),
            result: Outcome::Skipped,
            seconds: 0.0,
            detail: why,
        }
    }
}

/// What a run reports as it goes.
pub enum Event<'a> {
    /// An interrupted run of the same command is resumed (`node`: the Cloud Connect node
    /// that ran it, when it was the other one).
    Resumed {
        run: i64,
        done: usize,
        node: Option<&'a str>,
    },
    /// The other Cloud Connect node could not be asked (`--peer-down`).
    PeerNotAsked(&'a str),
    /// A node's change begins.
    Started {
        host: &'a str,
        what: &'a str,
    },
    /// Something a node is waiting for (e.g. its restart).
    Waiting {
        host: &'a str,
        what: &'a str,
    },
    Finished(&'a NodeResult),
}

pub struct Report {
    pub run: i64,
    pub nodes: Vec<NodeResult>,
    pub overall: Overall,
}

/// Options of one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Go on after this many failed nodes.
    pub max_fail: usize,
    /// Groups done at once.
    pub parallel: usize,
    /// Install even where an interrupted install cannot be confirmed either way.
    pub force: bool,
    /// Run although the other Cloud Connect node cannot be asked (the administrator knows it
    /// is down).
    pub peer_down: bool,
    /// Remove host leases of other runs that are not known to be finished.
    pub break_leases: bool,
}

enum Msg {
    Started {
        host: String,
        side: String,
        from: String,
        to: String,
        what: String,
        /// Answered once the start is in the database.
        recorded: mpsc::Sender<()>,
    },
    Waiting {
        host: String,
        what: String,
    },
    Finished(NodeResult),
}

/// What a worker needs: shared, read-only, or cancellation.
struct Worker<'a> {
    plan: &'a Plan,
    data: &'a [u8],
    cancel: &'a Cancel,
    options: Options,
    failures: &'a AtomicUsize,
    /// The step each host had in the interrupted run being resumed.
    previous: &'a HashMap<String, Step>,
    /// This run's id and this Cloud Connect node (the hosts' leases name them).
    uid: &'a str,
    me: &'a str,
    /// The runs this cluster's record shows finished (their leases are stale).
    finished: &'a HashSet<String>,
}

/// A node's failure: what to say, and whether its installer may still be running.
struct Fail {
    detail: String,
    installer_may_run: bool,
}

impl From<String> for Fail {
    fn from(detail: String) -> Fail {
        Fail {
            detail,
            installer_may_run: false,
        }
    }
}

impl From<&str> for Fail {
    fn from(detail: &str) -> Fail {
        Fail::from(detail.to_owned())
    }
}

impl Fail {
    /// A failure during which the node's installer may have been left running.
    fn may_run(detail: impl Into<String>) -> Fail {
        Fail {
            detail: detail.into(),
            installer_may_run: true,
        }
    }
}

/// Run the plan, and record who ran it, when and how it ended in the orchestration audit log
/// (`logs/orchestration-audit/audit.log`, see [`super::logs::audit`]).
pub fn run(
    node: &mut Node,
    plan: &Plan,
    actor: &str,
    options: Options,
    on_event: &mut dyn FnMut(Event),
) -> OpResult<Report> {
    let started = crate::state::now_utc();
    let result = run_recorded(node, plan, actor, options, on_event);
    let (run, outcome, detail) = match &result {
        Ok(r) => (Some(r.run), r.overall.label().to_owned(), None),
        Err(e) => (
            None,
            super::logs::kind_name(e.kind),
            Some(e.message.as_str()),
        ),
    };
    // The run's own record is the database's; an audit line that cannot be written (a full
    // disk) never turns a run that was done into a failure.
    let _ = super::logs::audit(
        node.root(),
        &super::logs::AuditRecord {
            actor,
            command: plan.op.command(),
            subject: &plan.subject(),
            started: &started,
            run,
            result: &outcome,
            detail,
        },
    );
    result
}

/// Run the plan. Holds this node's orchestration lock and the cluster's run throughout;
/// resumes an interrupted run of the same command and subject (this node's, or the other
/// node's as it reported it).
fn run_recorded(
    node: &mut Node,
    plan: &Plan,
    actor: &str,
    options: Options,
    on_event: &mut dyn FnMut(Event),
) -> OpResult<Report> {
    node.require_cloud_connect(false)?;
    let me = node.identity()?.hostname;
    let subject = plan.subject();
    let resumable = |r: &Run| {
        r.finished_at.is_none()
            && r.operation == plan.op.label()
            && (r.subject == subject || plan.op == Operation::PatchRollback)
    };
    // The other node's interrupted run is taken over only when that node grants it (so it
    // does not run it): never on --peer-down, where it may still run there.
    let interrupted = node
        .db()?
        .runs(1)?
        .into_iter()
        .next()
        .filter(resumable)
        .filter(|r| !(r.remote && options.peer_down));
    let mut record = interrupted.clone().unwrap_or_else(|| Run {
        uid: super::cluster_run::new_uid(),
        node: me.clone(),
        operation: plan.op.label().into(),
        subject: subject.clone(),
        actor: actor.into(),
        started_at: crate::state::now_utc(),
        ..Run::default()
    });
    // The claim names this node as the one that runs it (a taken-over run too).
    record.node = me.clone();
    let held = super::cluster_run::claim(node, plan.op.command(), &record, options.peer_down)?;
    // Read again under the lock: a run that ended meanwhile is not resumed.
    if interrupted.is_some()
        && !node
            .db()?
            .run_by_uid(&record.uid)?
            .is_some_and(|r| resumable(&r))
    {
        return Err(OpError::new(
            Kind::Busy,
            "the interrupted run ended while this one started",
        )
        .hint("run the command again"));
    }
    if let Some(note) = &held.note {
        on_event(Event::PeerNotAsked(note));
    }
    let note = held.note.clone().unwrap_or_default();
    let mut previous = HashMap::new();
    let run = match interrupted {
        Some(r) => {
            let done = r
                .steps
                .iter()
                .filter(|s| Outcome::from_label(&s.result).is_some_and(Outcome::ok))
                .count();
            let from = r.remote.then_some(r.node.as_str());
            on_event(Event::Resumed {
                run: r.id,
                done,
                node: from,
            });
            let why: Vec<String> = r
                .remote
                .then(|| format!("resumed on {me} after {} was interrupted", r.node))
                .into_iter()
                .chain((!note.is_empty()).then(|| note.clone()))
                .collect();
            if !why.is_empty() {
                node.db()?.take_over_run(r.id, &me, &why.join("; "))?;
            }
            for s in r.steps {
                previous.insert(s.host.clone(), s);
            }
            r.id
        }
        None => {
            record.note = note;
            node.db()?.start_run(&record)?
        }
    };
    // The other node is told from a thread of its own, newest state first, so a slow or
    // unreachable node never holds up the record here.
    let (to_peer, sharing) = mpsc::channel::<Run>();
    let sharer = {
        let held = &held;
        move || {
            while let Ok(mut r) = sharing.recv() {
                while let Ok(newer) = sharing.try_recv() {
                    r = newer;
                }
                held.share(&r);
            }
        }
    };
    let peer = held.has_peer();
    let share = |node: &mut Node, to_peer: &mpsc::Sender<Run>| {
        if !peer {
            return;
        }
        if let Ok(Some(r)) = node.db().and_then(|db| Ok(db.run_by_uid(&record.uid)?)) {
            let _ = to_peer.send(r);
        }
    };
    let finished = node.db()?.finished_run_uids()?;
    let data = match &plan.artifact {
        Some(a) => std::fs::read(&a.path).map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot read {}: {e}", a.path.display()),
            )
        })?,
        None => Vec::new(),
    };
    let cancel = node.cancel.clone();
    let failures = AtomicUsize::new(0);
    let queue: Mutex<VecDeque<(usize, &Vec<Target>)>> =
        Mutex::new(plan.groups.iter().enumerate().collect());
    let worker = Worker {
        plan,
        data: &data,
        cancel: &cancel,
        options,
        failures: &failures,
        previous: &previous,
        uid: &record.uid,
        me: &me,
        finished: &finished,
    };
    let mut results: Vec<NodeResult> = Vec::new();
    let mut storage_error = None;
    std::thread::scope(|scope| {
        scope.spawn(sharer);
        share(node, &to_peer);
        let (tx, rx) = mpsc::channel::<Msg>();
        for _ in 0..options.parallel.clamp(1, plan.groups.len().max(1)) {
            let tx = tx.clone();
            let (worker, queue) = (&worker, &queue);
            scope.spawn(move || {
                while let Some((g, group)) = queue.lock().ok().and_then(|mut q| q.pop_front()) {
                    let mut stopped: Option<String> = None;
                    for t in group {
                        let r = match &stopped {
                            // Never a second member of the group while one may still be in
                            // its installer, or down.
                            Some(host) => NodeResult::skipped(
                                t,
                                format!("not started: {host}, of the same group, may still be in its installer"),
                            ),
                            None => worker.node(g, t, &tx),
                        };
                        if r.result == Outcome::Interrupted {
                            stopped = Some(r.host.clone());
                        }
                        if tx.send(Msg::Finished(r)).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(tx);
        // The database is written here, by the one thread that owns it, as each event comes,
        // and the other Cloud Connect node is told.
        for msg in rx {
            let step = match &msg {
                Msg::Started {
                    host,
                    side,
                    from,
                    to,
                    what,
                    ..
                } => {
                    on_event(Event::Started { host, what });
                    Step {
                        host: host.clone(),
                        side: side.clone(),
                        result: RUNNING.into(),
                        detail: what.clone(),
                        from_version: from.clone(),
                        to_version: to.clone(),
                        ..Step::default()
                    }
                }
                Msg::Waiting { host, what } => {
                    on_event(Event::Waiting { host, what });
                    continue;
                }
                Msg::Finished(r) => {
                    on_event(Event::Finished(r));
                    Step {
                        host: r.host.clone(),
                        side: r.side.clone(),
                        result: r.result.label().into(),
                        detail: r.detail.clone(),
                        seconds: r.seconds,
                        from_version: r.from_version.clone(),
                        to_version: r.to_version.clone(),
                        ..Step::default()
                    }
                }
            };
            if let Err(e) = node.db().and_then(|db| Ok(db.record_step(run, &step)?)) {
                // Without a record the run cannot be resumed exactly: stop it.
                cancel.cancel();
                storage_error.get_or_insert(e);
            }
            share(node, &to_peer);
            match msg {
                Msg::Finished(r) => results.push(r),
                // The worker acts only once its start is recorded.
                Msg::Started { recorded, .. } => {
                    let _ = recorded.send(());
                }
                Msg::Waiting { .. } => {}
            }
        }
        drop(to_peer);
    });
    if let Some(e) = storage_error {
        return Err(e);
    }
    // The nodes in plan order, for the table and the mail.
    let order: Vec<&str> = plan
        .groups
        .iter()
        .flatten()
        .map(|t| t.row.name.as_str())
        .collect();
    results.sort_by_key(|r| order.iter().position(|h| *h == r.host));
    let interrupted_nodes: Vec<&str> = results
        .iter()
        .filter(|r| r.result == Outcome::Interrupted)
        .map(|r| r.host.as_str())
        .collect();
    if cancel.is_cancelled() || !interrupted_nodes.is_empty() {
        // Interrupted, or a node's installer may still run: the run stays unfinished, so the
        // same command resumes it (and attaches to that installer).
        let still = if interrupted_nodes.is_empty() {
            String::new()
        } else {
            format!(
                "; the installer may still be running on {} (the same command waits for it and reads its result)",
                interrupted_nodes.join(", ")
            )
        };
        let (kind, how) = if cancel.is_cancelled() {
            (Kind::Interrupted, "interrupted")
        } else {
            (Kind::Failed, "not finished")
        };
        return Err(OpError::new(
            kind,
            format!(
                "{how}; {} of {} node(s) done{still}",
                results.iter().filter(|r| r.result.ok()).count(),
                results.len()
            ),
        )
        .hint(format!(
            "run the same command again to resume ({})",
            plan.op.command()
        )));
    }
    let overall = Overall::of(&results, &previous);
    node.db()?.finish_run(run, overall.label())?;
    if let Some(r) = peer
        .then(|| node.db().ok()?.run_by_uid(&record.uid).ok()?)
        .flatten()
    {
        held.share(&r);
    }
    drop(held);
    // A mail that cannot be queued never fails the run.
    let _ = super::notify::notify(
        node,
        &format!("{} {}", plan.op.mail(), subject),
        overall.label(),
        &TABLE,
        &table(&results),
    );
    Ok(Report {
        run,
        nodes: results,
        overall,
    })
}

/// The per-node table of a run, for the console and the mail.
pub const TABLE: [&str; 7] = ["NODE", "SIDE", "FROM", "TO", "RESULT", "TIME", "DETAIL"];

pub fn table(results: &[NodeResult]) -> Vec<Vec<String>> {
    results
        .iter()
        .map(|r| {
            vec![
                r.host.clone(),
                r.side.clone(),
                r.from_version.clone(),
                r.to_version.clone(),
                r.result.label().to_owned(),
                format!("{:.1}s", r.seconds),
                r.detail.clone(),
            ]
        })
        .collect()
}

/// The last `n` characters of what a remote command printed, safe for a terminal.
fn tail(output: &str, n: usize) -> String {
    // One line (a step's detail is a row of a table, here and on the other node): its lines
    // joined, every control character escaped.
    let joined = output
        .trim()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" | ");
    let safe = crate::text::one_line(&joined).into_owned();
    let chars: Vec<char> = safe.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

/// Compare versions as numbers where they are numbers (`12.6.10` after `12.6.9`).
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .map(|p| (p.parse::<u64>().unwrap_or(0), p.to_owned()))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

/// Connect to a target.
fn connect(access: &Access, cancel: &Cancel, t: &Target) -> Result<Connection, String> {
    let user = t.user.clone()?;
    let ep = Endpoint::parse(&t.row.name, 22).map_err(|e| format!("host name: {e}"))?;
    ssh::connect(
        &ep,
        &user,
        &Auth::Key(access.key.private.clone()),
        access.host_keys(t),
        &mut |_| Ok(false),
        CONNECT_TIMEOUT,
        cancel,
    )
    .map_err(|e| format!("unreachable: {e}"))
}

/// What the node runs: a VOS node says it at its console; a Windows node answers its product's
/// probe from the signed catalogue, merged with its record (`super::probe::installed`).
fn read_installed(
    cancel: &Cancel,
    t: &Target,
    conn: &Connection,
    catalogue: &super::probe::Catalogue,
) -> Result<Installed, String> {
    if t.row.platform == "VOS" {
        let (code, out) = conn
            .run(
                "show version active --output json",
                Instant::now() + READ_TIMEOUT,
                READ_TIMEOUT,
            )
            .map_err(|e| format!("cannot read the installed version: {e}"))?;
        if code != 0 {
            return Err(format!(
                "cannot read the installed version (exit status {code}): {}",
                tail(&out, 200)
            ));
        }
        return Installed::parse(out.trim().as_bytes())
            .map_err(|e| format!("the node's version report is not valid: {e}"));
    }
    let record = match conn.read_file(WINDOWS_RECORD, MAX_RECORD, cancel, &mut |_, _| {}) {
        Ok(data) => Some(
            Installed::parse(&data)
                .map_err(|e| format!("{WINDOWS_RECORD} on the node is not valid: {e}"))?,
        ),
        Err(SshError::NotFound { .. }) => None,
        Err(e) => return Err(format!("cannot read {WINDOWS_RECORD}: {e}")),
    };
    super::probe::installed(catalogue, conn, cancel, &t.row.name, &t.row.product, record)
}

fn write_record(w: &Worker, conn: &Connection, i: &Installed) -> Result<(), String> {
    let data = serde_json::to_vec_pretty(i).map_err(|e| e.to_string())?;
    conn.write_file_atomic(".", WINDOWS_RECORD, &data, w.cancel, &mut |_, _| {})
        .map_err(|e| format!("cannot write {WINDOWS_RECORD}: {e}"))
}

/// Run an installing command on the node; its output's tail when it fails. Stopped before
/// its end (Ctrl-C, a dropped connection, the time limit), it may still run on the node.
fn remote(w: &Worker, conn: &Connection, command: &str, what: &str) -> Result<String, Fail> {
    match conn.run_cancellable(
        command,
        Instant::now() + INSTALL_TIMEOUT,
        INSTALL_TIMEOUT,
        w.cancel,
    ) {
        Ok((0, out)) => Ok(out),
        Ok((code, out)) => Err(format!("{what} exited with {code}: {}", tail(&out, 200)).into()),
        Err(e) => Err(Fail::may_run(format!("{what}: {e}"))),
    }
}

/// How often a node's installer that an interrupted run started is asked whether it still runs.
const ATTACH_EVERY: Duration = Duration::from_millis(500);

/// What to do on one node, decided from what it runs.
enum Decision {
    Do { to: String, what: String },
    Already(String),
    NotApplicable(String),
}

/// A patch level as a row shows it: the version and, when there is one, the newest patch.
fn level(i: &Installed) -> String {
    match i.patches.last() {
        Some(p) => format!("{} + {}", i.version, p.name),
        None => i.version.clone(),
    }
}

impl Worker<'_> {
    fn node(&self, group: usize, t: &Target, tx: &mpsc::Sender<Msg>) -> NodeResult {
        let started = Instant::now();
        let mut r = NodeResult::skipped(t, "not started: the run stopped before this node".into());
        if self.failures.load(Ordering::SeqCst) > self.options.max_fail
            || self.cancel.is_cancelled()
        {
            return r;
        }
        match self.change(group, t, tx, &mut r) {
            Ok((outcome, detail)) => {
                r.result = outcome;
                r.detail = detail;
            }
            Err(f) if f.installer_may_run => {
                self.failures.fetch_add(1, Ordering::SeqCst);
                r.result = Outcome::Interrupted;
                r.detail = format!(
                    "{}; its installer may still be running on {}: run the same command again to wait for it and read its result (the host stays leased to this run)",
                    f.detail, t.row.name
                );
            }
            Err(f) => {
                self.failures.fetch_add(1, Ordering::SeqCst);
                r.result = Outcome::Failed;
                r.detail = if self.cancel.is_cancelled() {
                    format!("interrupted: {}", f.detail)
                } else {
                    f.detail
                };
            }
        }
        r.seconds = started.elapsed().as_secs_f64();
        r
    }

    /// The lease this run takes on a host.
    fn lease_for(&self, t: &Target) -> Lease {
        Lease {
            run: self.uid.to_owned(),
            node: self.me.to_owned(),
            host: t.row.name.clone(),
            group: t.row.group.clone(),
            operation: self.plan.op.label().to_owned(),
            since: crate::state::now_utc(),
        }
    }

    /// Lease the host, then make sure no other member of its group is leased by another run.
    fn take_lease(&self, group: usize, t: &Target, conn: &Connection) -> Result<(), String> {
        let finished = |run: &str| self.finished.contains(run);
        let mine = self.lease_for(t);
        match lease::take(
            conn,
            &mine,
            self.cancel,
            &finished,
            self.options.break_leases,
        )? {
            Taken::New | Taken::Ours => {}
            Taken::Held(l) => {
                return Err(format!(
                    "not touched: the host is leased by {}; another orchestration may be installing on it. If that run is over, run this again with --break-leases",
                    l.describe()
                ))
            }
        }
        let others = self.plan.groups[group]
            .iter()
            .chain(&self.plan.members[group])
            .filter(|m| m.row.name != t.row.name);
        for m in others {
            let held = connect(&self.plan.access, self.cancel, m)
                .and_then(|c| lease::read(&c, self.cancel));
            let conflict = match held {
                Ok(Some(l)) if l.run != self.uid && !finished(&l.run) => Some(format!(
                    "another member of {}, {}, is leased by {}",
                    t.row.group,
                    m.row.name,
                    l.describe()
                )),
                Ok(_) => None,
                // A member that cannot be asked may be in another run's installer: never two.
                Err(e) if !self.options.break_leases => Some(format!(
                    "another member of {}, {}, cannot be asked for its lease ({e})",
                    t.row.group, m.row.name
                )),
                Err(_) => None,
            };
            if let Some(why) = conflict {
                let _ = lease::release(conn, self.uid, self.cancel);
                return Err(format!(
                    "not touched: {why}; never two members of one group at once. Run this again when that run has ended{}",
                    if self.options.break_leases {
                        ""
                    } else {
                        " (or with --break-leases if it is over)"
                    }
                ));
            }
        }
        Ok(())
    }

    /// Decide, act, check. `Err` is the node's failure, said for the table.
    fn change(
        &self,
        group: usize,
        t: &Target,
        tx: &mpsc::Sender<Msg>,
        r: &mut NodeResult,
    ) -> Result<(Outcome, String), Fail> {
        let conn = connect(&self.plan.access, self.cancel, t)?;
        let mut before = read_installed(self.cancel, t, &conn, &self.plan.catalogue)?;
        let patch_level = matches!(
            self.plan.op,
            Operation::PatchInstall | Operation::PatchRollback
        );
        let shown = |i: &Installed| {
            if patch_level {
                level(i)
            } else {
                i.version.clone()
            }
        };
        r.from_version = shown(&before);
        r.to_version = shown(&before);
        // An interrupted run's installer on this host: wait for it to end, then read again.
        if self.attach(t, &conn, &before, tx)? {
            // FROM stays what the node had before that installer; TO is what it left.
            before = read_installed(self.cancel, t, &conn, &self.plan.catalogue)?;
            r.to_version = shown(&before);
        }
        let decision = self.decide(t, &conn, &before)?;
        let (to, what) = match decision {
            Decision::Already(d) => {
                let _ = lease::release(&conn, self.uid, self.cancel);
                return Ok((Outcome::AlreadyDone, d));
            }
            Decision::NotApplicable(d) => {
                let _ = lease::release(&conn, self.uid, self.cancel);
                return Ok((Outcome::NotApplicable, d));
            }
            Decision::Do { to, what } => (to, what),
        };
        r.to_version = to.clone();
        if let Some(a) = &self.plan.artifact {
            let free = conn
                .free_space(".")
                .map_err(|e| format!("cannot read the free space: {e}"))?;
            if free < a.size.saturating_mul(2) {
                return Err(format!(
                    "only {} MiB free in the account's home, {} MiB needed (twice the file)",
                    free >> 20,
                    (a.size.saturating_mul(2) >> 20).max(1)
                )
                .into());
            }
        }
        self.take_lease(group, t, &conn)?;
        // Nothing is changed on the node before its start is in the record.
        let (recorded, wait) = mpsc::channel();
        let _ = tx.send(Msg::Started {
            host: t.row.name.clone(),
            side: t.row.side.clone(),
            from: shown(&before),
            to: to.clone(),
            what: what.clone(),
            recorded,
        });
        if wait.recv().is_err() || self.cancel.is_cancelled() {
            let _ = lease::release(&conn, self.uid, self.cancel);
            return Err("interrupted before the change began".into());
        }
        let (conn, reported) = match self.act(t, conn, &before, tx) {
            Ok(x) => x,
            Err(mut f) => {
                if f.installer_may_run {
                    // The step keeps what was being done (a resumed rollback's target).
                    f.detail = format!("{what}: {}", f.detail);
                } else if let Ok(c) = connect(&self.plan.access, self.cancel, t) {
                    // The installer ended (or never started): the host is free again.
                    let _ = lease::release(&c, self.uid, self.cancel);
                }
                return Err(f);
            }
        };
        // The health check: the node answers with what it runs now (a VOS node's console
        // reports it as the command's result; a Windows node is read again).
        let after = match reported {
            Some(report) => Installed::parse(report.trim().as_bytes())
                .map_err(|e| format!("after the change, the node's report is not valid: {e}")),
            None => read_installed(self.cancel, t, &conn, &self.plan.catalogue)
                .map_err(|e| format!("after the change, the health check failed: {e}")),
        };
        // The change has been seen to end: the host is free again, read or not.
        let _ = lease::release(&conn, self.uid, self.cancel);
        let after = after?;
        r.to_version = shown(&after);
        self.verify(&before, &after, &to)
            .map(|d| (Outcome::Done, d))
            .map_err(Fail::from)
    }

    /// The step this host had in the interrupted run, when its change began and was not seen
    /// to end.
    fn interrupted_step(&self, t: &Target) -> Option<&Step> {
        self.previous.get(&t.row.name).filter(|s| unfinished(s))
    }

    /// A host whose installer an interrupted run started and did not see end: never start a
    /// second one. A VOS node is asked whether its own install still runs; a Windows node with
    /// the manifest's `running` command. While it runs, wait (saying so, naming the host).
    /// `Ok(true)`: waited, read the node again.
    fn attach(
        &self,
        t: &Target,
        conn: &Connection,
        now: &Installed,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<bool, Fail> {
        let started = self.interrupted_step(t).is_some() || now.pending.is_some();
        // Even --force never starts an installer beside one that still runs.
        if !started {
            return Ok(false);
        }
        let vos = t.row.platform == "VOS";
        let probe = if vos {
            Some("utils system upgrade status --output json".to_owned())
        } else {
            self.pending_manifest(now).and_then(|m| m.running.clone())
        };
        let Some(probe) = probe else {
            return Ok(false);
        };
        let still_runs = || -> Result<bool, Fail> {
            let (code, out) = conn
                .run(&probe, Instant::now() + READ_TIMEOUT, READ_TIMEOUT)
                .map_err(|e| {
                    Fail::may_run(format!("cannot ask whether the installer still runs: {e}"))
                })?;
            if !vos {
                return Ok(code == 0);
            }
            if code != 0 {
                // A VOS node without the command: nothing known to wait for.
                return Ok(false);
            }
            let v: serde_json::Value = serde_json::from_str(out.trim()).map_err(|e| {
                Fail::may_run(format!("the node's upgrade status is not valid: {e}"))
            })?;
            Ok(v.get("state").and_then(|s| s.as_str()) == Some("running"))
        };
        let until = Instant::now() + INSTALL_TIMEOUT;
        let mut waited = false;
        while still_runs()? {
            if !waited {
                let _ = tx.send(Msg::Waiting {
                    host: t.row.name.clone(),
                    what: "the installer the interrupted run started is still running; waiting for it to end".into(),
                });
                waited = true;
            }
            if self.cancel.is_cancelled() {
                return Err(Fail::may_run(
                    "interrupted while waiting for the installer the interrupted run started",
                ));
            }
            if Instant::now() > until {
                return Err(Fail::may_run(format!(
                    "the installer the interrupted run started still runs after {}s",
                    INSTALL_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(ATTACH_EVERY);
        }
        Ok(waited)
    }

    /// The verified manifest of what a Windows node's record says is being installed or
    /// removed.
    fn pending_manifest(&self, now: &Installed) -> Option<&Manifest> {
        let pending = now.pending.as_deref()?;
        let file = pending.strip_prefix(ROLLBACK_PENDING).unwrap_or(pending);
        match &self.plan.artifact {
            Some(a) if a.manifest.file == file => Some(&a.manifest),
            _ => self.plan.uninstall.get(file),
        }
    }

    /// A Windows node whose record says an installer was started and not seen to end (and
    /// that no longer runs, `attach` made sure where it can): the manifest's `check` says
    /// whether it did its work. Installed → recorded and `Already`; not → a failure that
    /// names the remedy, never a second installer without `--force`.
    fn settle_pending(
        &self,
        conn: &Connection,
        now: &Installed,
        m: &Manifest,
        removing: bool,
    ) -> Result<Option<Decision>, String> {
        if self.options.force {
            return Ok(None);
        }
        let Some(check) = &m.check else {
            return Err(format!(
                "an {} of {} was interrupted on this node and its manifest gives no check command; check the node, then run again with --force",
                if removing { "uninstall" } else { "install" },
                m.file
            ));
        };
        let installed = conn
            .run(check, Instant::now() + READ_TIMEOUT, READ_TIMEOUT)
            .map_err(|e| format!("cannot run the check of {}: {e}", m.file))?
            .0
            == 0;
        let mut settled = now.clone();
        settled.pending = None;
        if installed != removing {
            if removing {
                settled.patches.retain(|p| p.name != m.file);
            } else if self.plan.op == Operation::Upgrade {
                settled.inactive = Some(now.version.clone());
                settled.version = m.version.clone();
                settled.patches.clear();
            } else if !settled.has_patch(&m.file) {
                settled.patches.push(installed_patch(m));
            }
            write_record(self, conn, &settled)?;
            return Ok(Some(Decision::Already(format!(
                "{} was {} by the interrupted run (its check {})",
                m.file,
                if removing { "removed" } else { "installed" },
                if removing { "fails" } else { "passes" }
            ))));
        }
        Err(format!(
            "the {} of {} that an interrupted run started has ended without {} it (its check {}){}; look at the installer's log on the node, then run again with --force to {} again",
            if removing { "uninstall" } else { "install" },
            m.file,
            if removing { "removing" } else { "installing" },
            if removing { "passes" } else { "fails" },
            if m.running.is_none() {
                ", or it still runs (the manifest gives no running command to ask)"
            } else {
                ""
            },
            if removing { "remove it" } else { "install" }
        ))
    }

    fn decide(&self, t: &Target, conn: &Connection, now: &Installed) -> Result<Decision, String> {
        let prev = self.interrupted_step(t);
        let vos = t.row.platform == "VOS";
        let forced = if self.options.force && (prev.is_some() || now.pending.is_some()) {
            "--force: "
        } else {
            ""
        };
        // A Windows record that says some other installer was started and not seen to end:
        // nothing else is started there until it is settled (or --force).
        if let Some(p) = now
            .pending
            .as_deref()
            .filter(|_| !vos && !self.options.force)
        {
            let handled = match self.plan.op {
                Operation::PatchInstall | Operation::Upgrade => self
                    .plan
                    .artifact
                    .as_ref()
                    .is_some_and(|a| a.manifest.file == p),
                Operation::PatchRollback => p.starts_with(ROLLBACK_PENDING),
                _ => false,
            };
            if !handled {
                return Err(format!(
                    "the node's record says '{p}' was started and not seen to end; finish or settle that first (run its command again), or check the node and run this with --force"
                ));
            }
        }
        Ok(match self.plan.op {
            Operation::PatchInstall | Operation::Upgrade => {
                let m = &self.plan.artifact.as_ref().ok_or("no artifact")?.manifest;
                let upgrade = self.plan.op == Operation::Upgrade;
                let done = if !upgrade {
                    now.has_patch(&m.file)
                } else if self.plan.switch || !vos {
                    now.version == m.version
                } else {
                    now.version == m.version || now.inactive.as_deref() == Some(&m.version)
                };
                if done {
                    if !vos && now.pending.as_deref() == Some(m.file.as_str()) {
                        let mut settled = now.clone();
                        settled.pending = None;
                        write_record(self, conn, &settled)?;
                    }
                    return Ok(Decision::Already(format!(
                        "{} is installed already",
                        if upgrade { &m.version } else { &m.file }
                    )));
                }
                if !vos && now.pending.as_deref() == Some(m.file.as_str()) {
                    // The installer was started and its end was not seen.
                    if let Some(d) = self.settle_pending(conn, now, m, false)? {
                        return Ok(d);
                    }
                }
                if let Some(no) = applies(m, now, if upgrade { "upgrades" } else { "applies to" }) {
                    return Ok(no);
                }
                Decision::Do {
                    to: if upgrade {
                        m.version.clone()
                    } else {
                        format!("{} + {}", now.version, m.file)
                    },
                    what: if upgrade {
                        format!("{forced}upgrading to {}", m.version)
                    } else if forced.is_empty() {
                        format!("installing {}", m.file)
                    } else {
                        format!(
                            "{forced}installing {} again although the interrupted install was not confirmed",
                            m.file
                        )
                    },
                }
            }
            Operation::PatchRollback => {
                if !vos {
                    if let Some(file) = now
                        .pending
                        .as_deref()
                        .and_then(|p| p.strip_prefix(ROLLBACK_PENDING))
                    {
                        let m = self.plan.uninstall.get(file).ok_or_else(|| {
                            format!("an uninstall of {file} was interrupted and no verified manifest of it is downloaded")
                        })?;
                        if let Some(d) = self.settle_pending(conn, now, m, true)? {
                            return Ok(d);
                        }
                    }
                }
                // Resumed: the patch the interrupted run was removing, never the one below it.
                let target = prev
                    .and_then(|s| {
                        s.detail.strip_prefix("removing ").map(|d| {
                            d.split(|c: char| c == ':' || c.is_whitespace())
                                .next()
                                .unwrap_or(d)
                                .to_owned()
                        })
                    })
                    .or_else(|| now.patches.last().map(|p| p.name.clone()));
                let Some(target) = target else {
                    return Ok(Decision::NotApplicable(format!(
                        "no patch is installed on {}",
                        now.version
                    )));
                };
                if !now.has_patch(&target) {
                    return Ok(Decision::Already(format!("{target} is removed already")));
                }
                if now.patches.last().map(|p| &p.name) != Some(&target) {
                    return Err(format!("{target} is no longer the newest patch"));
                }
                if now.patches.last().is_some_and(|p| !p.rollback) {
                    return Err(format!(
                        "{target} cannot be rolled back (its publisher says so)"
                    ));
                }
                if !vos && !self.plan.uninstall.contains_key(&target) {
                    return Err(format!(
                        "no verified manifest of {target} with an uninstall command is downloaded"
                    ));
                }
                let below = now.patches.len().checked_sub(2).map(|i| &now.patches[i]);
                Decision::Do {
                    to: match below {
                        Some(p) => format!("{} + {}", now.version, p.name),
                        None => now.version.clone(),
                    },
                    what: format!("removing {target}"),
                }
            }
            Operation::SwitchForward | Operation::Rollback => {
                let forward = self.plan.op == Operation::SwitchForward;
                // Resumed: the version the interrupted run was switching to.
                if let Some(p) = prev {
                    if now.version == p.to_version {
                        return Ok(Decision::Already(format!(
                            "{} is active already",
                            p.to_version
                        )));
                    }
                }
                let Some(inactive) = now.inactive.clone() else {
                    return Ok(Decision::NotApplicable(
                        "there is no inactive version".into(),
                    ));
                };
                let newer = version_cmp(&inactive, &now.version) == std::cmp::Ordering::Greater;
                if forward != newer {
                    return Ok(Decision::NotApplicable(format!(
                        "the inactive version {inactive} is {} than the active {}",
                        if newer { "newer" } else { "not newer" },
                        now.version
                    )));
                }
                Decision::Do {
                    what: format!("switching to {inactive}"),
                    to: inactive,
                }
            }
        })
    }

    /// Do the change; the connection to use afterwards (a new one after a restart) and, from a
    /// VOS node, its console's report of what it runs now (`--output json`).
    fn act(
        &self,
        t: &Target,
        conn: Connection,
        before: &Installed,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<(Connection, Option<String>), Fail> {
        let vos = t.row.platform == "VOS";
        match self.plan.op {
            Operation::PatchInstall | Operation::Upgrade => {
                let a = self.plan.artifact.as_ref().ok_or("no artifact")?;
                let m = &a.manifest;
                conn.write_file_atomic(".", &m.file, self.data, self.cancel, &mut |_, _| {})
                    .map_err(|e| format!("transfer: {e}"))?;
                if vos {
                    let name = format!("{}{MANIFEST_SUFFIX}", m.file);
                    conn.write_file_atomic(
                        ".",
                        &name,
                        &a.manifest_bytes,
                        self.cancel,
                        &mut |_, _| {},
                    )
                    .map_err(|e| format!("transfer: {e}"))?;
                    let switch = if self.plan.switch {
                        " --switch-version"
                    } else {
                        ""
                    };
                    let report = remote(
                        self,
                        &conn,
                        &format!(
                            "utils system upgrade initiate --file {}{switch} --yes --output json",
                            m.file
                        ),
                        "the VOS upgrade",
                    )?;
                    return Ok((conn, Some(report)));
                }
                let mut pending = before.clone();
                pending.pending = Some(m.file.clone());
                write_record(self, &conn, &pending)?;
                let command = m.install.clone().unwrap_or_default();
                let conn = self.run_installer(t, conn, &command, m.reboot, before, tx)?;
                let mut after = before.clone();
                after.pending = None;
                if self.plan.op == Operation::Upgrade {
                    after.inactive = Some(before.version.clone());
                    after.version = m.version.clone();
                    after.patches.clear();
                } else {
                    after.patches.push(installed_patch(m));
                }
                write_record(self, &conn, &after)?;
                Ok((conn, None))
            }
            Operation::PatchRollback => {
                if vos {
                    let report = remote(
                        self,
                        &conn,
                        "utils system upgrade rollback-patch --yes --output json",
                        "the VOS rollback",
                    )?;
                    return Ok((conn, Some(report)));
                }
                let latest = before.patches.last().ok_or("no patch")?;
                let command = self
                    .plan
                    .uninstall
                    .get(&latest.name)
                    .and_then(|m| m.uninstall.clone())
                    .unwrap_or_default();
                let mut pending = before.clone();
                pending.pending = Some(format!("{ROLLBACK_PENDING}{}", latest.name));
                write_record(self, &conn, &pending)?;
                let conn = self.run_installer(t, conn, &command, false, before, tx)?;
                let mut after = before.clone();
                after.pending = None;
                after.patches.pop();
                write_record(self, &conn, &after)?;
                Ok((conn, None))
            }
            Operation::SwitchForward | Operation::Rollback => {
                let report = remote(
                    self,
                    &conn,
                    "utils system switch-version --yes --output json",
                    "switch-version",
                )?;
                Ok((conn, Some(report)))
            }
        }
    }

    /// A Windows installer, silently; when it restarts the node, wait for it to go and come
    /// back. An installer that ended with a failure leaves the node's record as `before`; one
    /// whose end was not seen (Ctrl-C, a dropped connection) leaves it pending.
    fn run_installer(
        &self,
        t: &Target,
        conn: Connection,
        command: &str,
        reboot: bool,
        before: &Installed,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<Connection, Fail> {
        match conn.run_cancellable(
            command,
            Instant::now() + INSTALL_TIMEOUT,
            INSTALL_TIMEOUT,
            self.cancel,
        ) {
            Ok((0, _)) => {}
            // The session of an installer that restarts the node may end with the node.
            Err(SshError::Dropped { .. }) if reboot => {}
            Ok((code, out)) => {
                let failed = format!("the installer exited with {code}: {}", tail(&out, 200));
                return Err(match write_record(self, &conn, before) {
                    Ok(()) => failed,
                    Err(e) => format!("{failed}; {e}"),
                }
                .into());
            }
            Err(e) => return Err(Fail::may_run(format!("the installer: {e}"))),
        }
        if !reboot {
            return Ok(conn);
        }
        drop(conn);
        let _ = tx.send(Msg::Waiting {
            host: t.row.name.clone(),
            what: "waiting for the node to restart".into(),
        });
        let ep = Endpoint::parse(&t.row.name, 22).map_err(|e| e.to_string())?;
        let reachable = || {
            use std::net::ToSocketAddrs;
            (ep.host.as_str(), ep.port)
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, PROBE_EVERY * 4).is_ok())
        };
        let wait = |up: bool, limit: Duration| -> Result<(), Fail> {
            let until = Instant::now() + limit;
            while reachable() != up {
                if self.cancel.is_cancelled() {
                    return Err(Fail::may_run("interrupted while waiting for the restart"));
                }
                if Instant::now() > until {
                    // Down, or still installing: either way not free for the next member.
                    return Err(Fail::may_run(format!(
                        "the node did not {} within {}s",
                        if up {
                            "come back"
                        } else {
                            "go down for its restart"
                        },
                        limit.as_secs()
                    )));
                }
                std::thread::sleep(PROBE_EVERY);
            }
            Ok(())
        };
        wait(false, DOWN_TIMEOUT)?;
        let _ = tx.send(Msg::Waiting {
            host: t.row.name.clone(),
            what: "the node went down; waiting for it to come back".into(),
        });
        wait(true, UP_TIMEOUT)?;
        // The port answers; sshd may still be starting: a few tries.
        let mut last = String::new();
        for _ in 0..40 {
            match connect(&self.plan.access, self.cancel, t) {
                Ok(c) => return Ok(c),
                Err(e) => last = e,
            }
            if self.cancel.is_cancelled() {
                break;
            }
            std::thread::sleep(PROBE_EVERY);
        }
        Err(Fail::may_run(format!("after its restart: {last}")))
    }

    /// The change is what was meant.
    fn verify(&self, before: &Installed, after: &Installed, to: &str) -> Result<String, String> {
        match self.plan.op {
            Operation::PatchInstall => {
                let m = &self.plan.artifact.as_ref().ok_or("no artifact")?.manifest;
                if after.has_patch(&m.file) {
                    Ok(format!("{} installed", m.file))
                } else {
                    Err(format!(
                        "the node does not report {} after the install",
                        m.file
                    ))
                }
            }
            Operation::PatchRollback => {
                let gone = before
                    .patches
                    .last()
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                if after.has_patch(&gone) {
                    Err(format!("the node still reports {gone}"))
                } else {
                    Ok(format!("{gone} removed"))
                }
            }
            Operation::Upgrade => {
                let ok = if self.plan.switch {
                    after.version == to
                } else {
                    after.version == to || after.inactive.as_deref() == Some(to)
                };
                if ok {
                    Ok(if after.version == to {
                        format!("{to} active")
                    } else {
                        format!("{to} installed (inactive)")
                    })
                } else {
                    Err(format!("the node does not report {to} after the upgrade"))
                }
            }
            Operation::SwitchForward | Operation::Rollback => {
                if after.version == to {
                    Ok(format!("{to} active"))
                } else {
                    Err(format!(
                        "the node runs {} after the switch, not {to}",
                        after.version
                    ))
                }
            }
        }
    }
}

/// `Some(NotApplicable)` when the node runs a version the artifact is not for.
fn applies(m: &Manifest, now: &Installed, verb: &str) -> Option<Decision> {
    (!m.applies_to.contains(&now.version)).then(|| {
        Decision::NotApplicable(format!(
            "{} {verb} {}; the node runs {}",
            m.file,
            m.applies_to.join(", "),
            now.version
        ))
    })
}

fn installed_patch(m: &Manifest) -> InstalledPatch {
    InstalledPatch {
        name: m.file.clone(),
        version: m.version.clone(),
        rollback: m.rollback,
        installed_at: httpdate::fmt_http_date(std::time::SystemTime::now()),
    }
}

// The wire form of a node's run view: shared with the client that asks the other node.
pub use crate::wire::{Progress, RunState};

/// Whether this node's own unfinished run `run` still runs here.
fn own_state(node: &mut Node, run: &Run) -> OpResult<RunState> {
    if run.finished_at.is_some() {
        return Ok(RunState::Finished);
    }
    let path = node.db()?.path().to_path_buf();
    let command = [
        Operation::PatchInstall,
        Operation::PatchRollback,
        Operation::Upgrade,
        Operation::SwitchForward,
        Operation::Rollback,
    ]
    .into_iter()
    .find(|o| o.label() == run.operation)
    .map(Operation::command);
    Ok(match crate::state::lock::live_holder(&path)? {
        Some(o) if Some(o.command.as_str()) == command => RunState::Running,
        _ => RunState::Interrupted,
    })
}

/// This node's newest run of its own and where it stands (what the other node asks for).
pub fn own_progress(node: &mut Node) -> OpResult<Progress> {
    let me = node.identity()?.hostname;
    let run = node.db()?.own_runs(1)?.into_iter().next();
    let state = match &run {
        Some(r) => Some(own_state(node, r)?),
        None => None,
    };
    Ok(Progress {
        node: me,
        state,
        run,
    })
}

/// `utils deployment show progress-HA`: the other Cloud Connect node's own view of its
/// running operation (Cisco's remote node snapshot).
pub fn progress_ha(node: &mut Node) -> OpResult<Progress> {
    node.require_cloud_connect(false)?;
    let other = super::cluster::other_node(node)?.ok_or_else(|| {
        OpError::new(
            Kind::NotConfigured,
            "this Cloud Connect node has no other node in its cluster",
        )
        .hint("see the cluster with: utils dbreplication runtimestate")
    })?;
    let p = super::cluster::peer(node, Duration::from_secs(10))?
        .run_progress(&other)
        .map_err(|e| {
            OpError::new(
                Kind::Unreachable,
                format!("the other Cloud Connect node {other} cannot be asked: {e}"),
            )
            .hint("start its service (ccadmin serve), or look at utils deployment show in-progress there")
        })?;
    if let Some(r) = &p.run {
        r.check().map_err(|e| {
            OpError::new(
                Kind::Peer,
                format!("{other} answered a run that is not valid: {e}"),
            )
        })?;
    }
    Ok(Progress { node: other, ..p })
}

/// `utils deployment show in-progress`: the cluster's newest run (this node's or the other
/// node's) and whether it still runs. The other node's run is asked about there.
pub fn in_progress(node: &mut Node) -> OpResult<Option<(Run, RunState)>> {
    let Some(run) = node.db()?.runs(1)?.into_iter().next() else {
        return Ok(None);
    };
    if !run.remote || run.finished_at.is_some() {
        let state = own_state(node, &run)?;
        return Ok(Some((run, state)));
    }
    // The other node's: its own word, fresher than what it last sent.
    Ok(Some(match progress_ha(node) {
        Ok(Progress {
            run: Some(theirs),
            state: Some(state),
            ..
        }) if theirs.uid == run.uid => (
            Run {
                id: run.id,
                remote: true,
                ..theirs
            },
            state,
        ),
        _ => (run, RunState::Unknown),
    }))
}

/// The newest `limit` runs, newest first.
pub fn history(node: &mut Node, limit: usize) -> OpResult<Vec<crate::state::orchestration::Run>> {
    Ok(node.db()?.runs(limit)?)
}

/// One inventory host and what it runs, or why that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct HostStatus {
    pub host: String,
    pub platform: &'static str,
    pub product: String,
    pub group: String,
    pub side: String,
    #[serde(flatten)]
    pub installed: Option<Installed>,
    pub error: Option<String>,
}

/// `utils deployment show status`: what each chosen inventory host runs, read from the host
/// (a few hosts at a time).
pub fn status(node: &mut Node, choice: &Choice) -> OpResult<Vec<HostStatus>> {
    node.require_cloud_connect(false)?;
    let rows: Vec<_> = super::inventory::current(node)?
        .rows()
        .into_iter()
        .filter(|r| choice.matches(r))
        .collect();
    let (targets, access) = super::connectivity::access(node, rows)?;
    let catalogue = super::probe::load(node)?;
    let cancel = node.cancel.clone();
    let read = |t: &Target| -> Result<Installed, String> {
        let conn = connect(&access, &cancel, t)?;
        read_installed(&cancel, t, &conn, &catalogue)
    };
    let mut out: Vec<Option<HostStatus>> = targets.iter().map(|_| None).collect();
    for (chunk, slots) in targets.chunks(8).zip(out.chunks_mut(8)) {
        std::thread::scope(|scope| {
            for (t, slot) in chunk.iter().zip(slots.iter_mut()) {
                let read = &read;
                scope.spawn(move || {
                    let r = read(t);
                    *slot = Some(HostStatus {
                        host: t.row.name.clone(),
                        platform: t.row.platform,
                        product: t.row.product.clone(),
                        group: t.row.group.clone(),
                        side: t.row.side.clone(),
                        installed: r.as_ref().ok().cloned(),
                        error: r.err(),
                    });
                });
            }
        });
        cancel.check()?;
    }
    Ok(out.into_iter().flatten().collect())
}

impl Plan {
    /// The version each planned node will have ACTIVE when the plan is done, as far as it is
    /// known now (nodes whose active version does not change, or that could not be read, are
    /// left out). A VOS upgrade without `--switch-version` stages the new version inactive, so
    /// it changes nothing active; with the switch, and on Windows (which keeps no inactive
    /// version), the new version is active.
    pub fn planned_versions(&self, now: &[HostStatus]) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for t in self.groups.iter().flatten() {
            let Some(i) = now
                .iter()
                .find(|s| s.host == t.row.name)
                .and_then(|s| s.installed.as_ref())
            else {
                continue;
            };
            let v = match self.op {
                Operation::Upgrade if !self.switch && t.row.platform == "VOS" => None,
                Operation::Upgrade => self
                    .artifact
                    .as_ref()
                    .filter(|a| a.manifest.applies_to.contains(&i.version))
                    .map(|a| a.manifest.version.clone()),
                Operation::SwitchForward | Operation::Rollback => i.inactive.clone(),
                _ => None,
            };
            if let Some(v) = v {
                out.insert(t.row.name.clone(), v);
            }
        }
        out
    }
}

const MAX_PARALLEL_KEY: &str = "shared.max-parallel-tasks";
/// The most groups a run may do at once.
pub const MAX_PARALLEL: usize = 64;

/// `utils show orchestration max-parallel-tasks`: the groups a run does at once unless
/// `--parallel-groups` says otherwise (the cluster's setting, 1 by default).
pub fn max_parallel(node: &mut Node) -> OpResult<usize> {
    Ok(node
        .db()?
        .setting(MAX_PARALLEL_KEY)?
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=MAX_PARALLEL).contains(n))
        .unwrap_or(1))
}

/// `utils set orchestration max-parallel-tasks N` (publisher only; replicated).
pub fn set_max_parallel(node: &mut Node, n: usize) -> OpResult {
    node.require_cloud_connect(true)?;
    if !(1..=MAX_PARALLEL).contains(&n) {
        return Err(OpError::new(
            Kind::Invalid,
            format!("max-parallel-tasks must be 1 to {MAX_PARALLEL}, not {n}"),
        ));
    }
    node.db()?.set_setting(MAX_PARALLEL_KEY, &n.to_string())?;
    super::cluster::changed(node);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What an installer printed becomes one line of a table: its lines joined, control
    /// characters escaped, the end kept.
    #[test]
    fn an_installers_output_tail_is_one_line() {
        let t = tail("step 1\r\nadmin:forged\n\x1b[2Jdisk C: full\n", 200);
        assert_eq!(t.lines().count(), 1, "{t}");
        assert!(
            t.contains("admin:forged | ") && t.ends_with("disk C: full"),
            "{t}"
        );
        assert!(!t.contains('\u{1b}'), "{t}");
        assert_eq!(tail(&"x".repeat(500), 10).len(), 10);
    }
}
