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

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::connectivity::{Access, Target};
use super::patches::{ArtifactKind, Manifest, Platform, MANIFEST_SUFFIX};
use super::software::{Installed, InstalledPatch, MAX_RECORD, WINDOWS_RECORD};
use super::{Kind, Node, OpError, OpResult};
use crate::cancel::Cancel;
use crate::clients::ssh::{self, Auth, Connection, Endpoint, SshError};
use crate::state::orchestration::Step;

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
    /// Verified patch manifests by file name (a Windows patch rollback's uninstall command).
    uninstall: HashMap<String, String>,
}

impl Plan {
    /// What the run installs or undoes, for the history and the mail.
    pub fn subject(&self) -> String {
        match (&self.artifact, self.op) {
            (Some(a), _) => a.manifest.file.clone(),
            (None, Operation::PatchRollback) => "the newest patch".to_owned(),
            (None, Operation::SwitchForward) => "to the newer inactive version".to_owned(),
            (None, _) => "to the previous version".to_owned(),
        }
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
    let rows = super::inventory::current(node)?.rows();
    let mut left_out = Vec::new();
    let mut chosen = Vec::new();
    for r in rows.into_iter().filter(|r| choice.matches(r)) {
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
    let (targets, access) = super::connectivity::access(node, chosen)?;
    let mut groups: Vec<Vec<Target>> = keys.iter().map(|_| Vec::new()).collect();
    for t in targets {
        let k = (
            t.row.platform.to_owned(),
            t.row.product.clone(),
            t.row.group.clone(),
        );
        let i = keys.iter().position(|x| *x == k).unwrap_or(0);
        groups[i].push(t);
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
            .filter_map(|m| m.uninstall.map(|u| (m.file, u)))
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
        uninstall,
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
            Outcome::Skipped => "Skipped",
        }
    }
    fn from_label(s: &str) -> Option<Outcome> {
        [
            Outcome::Done,
            Outcome::AlreadyDone,
            Outcome::NotApplicable,
            Outcome::Failed,
            Outcome::Skipped,
        ]
        .into_iter()
        .find(|o| o.label() == s)
    }
    fn ok(self) -> bool {
        matches!(self, Outcome::Done | Outcome::AlreadyDone)
    }
}

/// The result recorded while a node's step runs.
pub const RUNNING: &str = "Running";

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

/// What a run reports as it goes.
pub enum Event<'a> {
    /// An interrupted run of the same command is resumed.
    Resumed {
        run: i64,
        done: usize,
    },
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
    pub overall: &'static str,
}

/// Options of one run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Go on after this many failed nodes.
    pub max_fail: usize,
    /// Groups done at once.
    pub parallel: usize,
    /// Install even where an interrupted install cannot be confirmed either way.
    pub force: bool,
}

enum Msg {
    Started {
        host: String,
        side: String,
        from: String,
        to: String,
        what: String,
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
}

/// Run the plan. Holds the orchestration lock throughout; resumes an interrupted run of the
/// same command and subject.
pub fn run(
    node: &mut Node,
    plan: &Plan,
    actor: &str,
    options: Options,
    on_event: &mut dyn FnMut(Event),
) -> OpResult<Report> {
    node.require_cloud_connect(false)?;
    let _lock = node.orchestration_lock(plan.op.command())?;
    let subject = plan.subject();
    let interrupted = node.db()?.runs(1)?.into_iter().next().filter(|r| {
        r.finished_at.is_none() && r.operation == plan.op.label() && r.subject == subject
    });
    let mut previous = HashMap::new();
    let run = match interrupted {
        Some(r) => {
            let done = r
                .steps
                .iter()
                .filter(|s| Outcome::from_label(&s.result).is_some_and(Outcome::ok))
                .count();
            on_event(Event::Resumed { run: r.id, done });
            for s in r.steps {
                previous.insert(s.host.clone(), s);
            }
            r.id
        }
        None => node.db()?.start_run(plan.op.label(), &subject, actor)?,
    };
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
    let queue: Mutex<VecDeque<&Vec<Target>>> = Mutex::new(plan.groups.iter().collect());
    let worker = Worker {
        plan,
        data: &data,
        cancel: &cancel,
        options,
        failures: &failures,
        previous: &previous,
    };
    let mut results: Vec<NodeResult> = Vec::new();
    let mut storage_error = None;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Msg>();
        for _ in 0..options.parallel.clamp(1, plan.groups.len().max(1)) {
            let tx = tx.clone();
            let (worker, queue) = (&worker, &queue);
            scope.spawn(move || {
                while let Some(group) = queue.lock().ok().and_then(|mut q| q.pop_front()) {
                    for t in group {
                        let r = worker.node(t, &tx);
                        if tx.send(Msg::Finished(r)).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(tx);
        // The database is written here, by the one thread that owns it, as each event comes.
        for msg in rx {
            let step = match &msg {
                Msg::Started {
                    host,
                    side,
                    from,
                    to,
                    what,
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
            if let Msg::Finished(r) = msg {
                results.push(r);
            }
        }
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
    if cancel.is_cancelled() {
        // Interrupted: the run stays unfinished, so the same command resumes it.
        return Err(OpError::new(
            Kind::Interrupted,
            format!(
                "interrupted; {} of {} node(s) done",
                results.iter().filter(|r| r.result.ok()).count(),
                results.len()
            ),
        )
        .hint(format!(
            "run the same command again to resume ({})",
            plan.op.command()
        )));
    }
    let ok = results.iter().filter(|r| r.result.ok()).count();
    let acted = results
        .iter()
        .filter(|r| r.result != Outcome::NotApplicable)
        .count();
    let overall = if ok == acted {
        "Success"
    } else if ok == 0 {
        "Failure"
    } else {
        "Partial success"
    };
    node.db()?.finish_run(run, overall)?;
    // A mail that cannot be queued never fails the run.
    let _ = super::notify::notify(
        node,
        &format!("{} {}", plan.op.mail(), subject),
        overall,
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
    let safe = crate::output::terminal_safe(output.trim()).into_owned();
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

/// What the node runs: a VOS node says it at its console; a Windows node's record file.
fn read_installed(cancel: &Cancel, t: &Target, conn: &Connection) -> Result<Installed, String> {
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
    match conn.read_file(WINDOWS_RECORD, MAX_RECORD, cancel, &mut |_, _| {}) {
        Ok(data) => Installed::parse(&data)
            .map_err(|e| format!("{WINDOWS_RECORD} on the node is not valid: {e}")),
        Err(SshError::NotFound { .. }) => Ok(Installed::unknown()),
        Err(e) => Err(format!("cannot read {WINDOWS_RECORD}: {e}")),
    }
}

fn write_record(w: &Worker, conn: &Connection, i: &Installed) -> Result<(), String> {
    let data = serde_json::to_vec_pretty(i).map_err(|e| e.to_string())?;
    conn.write_file_atomic(".", WINDOWS_RECORD, &data, w.cancel, &mut |_, _| {})
        .map_err(|e| format!("cannot write {WINDOWS_RECORD}: {e}"))
}

/// Run a command on the node; its output's tail when it fails.
fn remote(w: &Worker, conn: &Connection, command: &str, what: &str) -> Result<String, String> {
    match conn.run_cancellable(
        command,
        Instant::now() + INSTALL_TIMEOUT,
        INSTALL_TIMEOUT,
        w.cancel,
    ) {
        Ok((0, out)) => Ok(out),
        Ok((code, out)) => Err(format!("{what} exited with {code}: {}", tail(&out, 200))),
        Err(e) => Err(format!("{what}: {e}")),
    }
}

/// What to do on one node, decided from what it runs.
enum Decision {
    Do { to: String, what: String },
    Already(String),
    NotApplicable(String),
}

impl Worker<'_> {
    fn node(&self, t: &Target, tx: &mpsc::Sender<Msg>) -> NodeResult {
        let started = Instant::now();
        let mut r = NodeResult {
            host: t.row.name.clone(),
            side: t.row.side.clone(),
            from_version: String::new(),
            to_version: String::new(),
            result: Outcome::Failed,
            seconds: 0.0,
            detail: String::new(),
        };
        if self.failures.load(Ordering::SeqCst) > self.options.max_fail
            || self.cancel.is_cancelled()
        {
            r.result = Outcome::Skipped;
            r.detail = "not started: the run stopped before this node".into();
            return r;
        }
        match self.change(t, tx, &mut r) {
            Ok((outcome, detail)) => {
                r.result = outcome;
                r.detail = detail;
            }
            Err(detail) => {
                self.failures.fetch_add(1, Ordering::SeqCst);
                r.result = Outcome::Failed;
                r.detail = if self.cancel.is_cancelled() {
                    format!("interrupted: {detail}")
                } else {
                    detail
                };
            }
        }
        r.seconds = started.elapsed().as_secs_f64();
        r
    }

    /// Decide, act, check. `Err` is the node's failure, said for the table.
    fn change(
        &self,
        t: &Target,
        tx: &mpsc::Sender<Msg>,
        r: &mut NodeResult,
    ) -> Result<(Outcome, String), String> {
        let conn = connect(&self.plan.access, self.cancel, t)?;
        let before = read_installed(self.cancel, t, &conn)?;
        r.from_version = before.version.clone();
        r.to_version = before.version.clone();
        let decision = self.decide(t, &conn, &before)?;
        let (to, what) = match decision {
            Decision::Already(d) => return Ok((Outcome::AlreadyDone, d)),
            Decision::NotApplicable(d) => return Ok((Outcome::NotApplicable, d)),
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
                ));
            }
        }
        let _ = tx.send(Msg::Started {
            host: t.row.name.clone(),
            side: t.row.side.clone(),
            from: before.version.clone(),
            to: to.clone(),
            what: what.clone(),
        });
        let (conn, reported) = self.act(t, conn, &before, tx)?;
        // The health check: the node answers with what it runs now (a VOS node's console
        // reports it as the command's result; a Windows node's record is read again).
        let after = match reported {
            Some(report) => Installed::parse(report.trim().as_bytes())
                .map_err(|e| format!("after the change, the node's report is not valid: {e}"))?,
            None => read_installed(self.cancel, t, &conn)
                .map_err(|e| format!("after the change, the health check failed: {e}"))?,
        };
        r.to_version = after.version.clone();
        self.verify(&before, &after, &to)
            .map(|d| (Outcome::Done, d))
    }

    fn decide(&self, t: &Target, conn: &Connection, now: &Installed) -> Result<Decision, String> {
        let prev = self
            .previous
            .get(&t.row.name)
            .filter(|s| s.result == RUNNING);
        let vos = t.row.platform == "VOS";
        Ok(match self.plan.op {
            Operation::PatchInstall => {
                let m = &self.plan.artifact.as_ref().ok_or("no artifact")?.manifest;
                if now.has_patch(&m.file) {
                    return Ok(Decision::Already(format!(
                        "{} is installed already",
                        m.file
                    )));
                }
                if !vos && now.pending.as_deref() == Some(m.file.as_str()) && !self.options.force {
                    // The installer was started and its end was not seen.
                    match &m.check {
                        Some(check) => {
                            if conn
                                .run(check, Instant::now() + READ_TIMEOUT, READ_TIMEOUT)
                                .is_ok_and(|(code, _)| code == 0)
                            {
                                let mut done = now.clone();
                                done.pending = None;
                                done.patches.push(installed_patch(m));
                                write_record(self, conn, &done)?;
                                return Ok(Decision::Already(format!(
                                    "{} was installed by the interrupted run (its check passes)",
                                    m.file
                                )));
                            }
                        }
                        None => {
                            return Err(format!(
                                "an install of {} was interrupted on this node and its manifest gives no check command; check the node, then run again with --force",
                                m.file
                            ))
                        }
                    }
                }
                if let Some(no) = applies(m, now, "applies to") {
                    return Ok(no);
                }
                Decision::Do {
                    to: now.version.clone(),
                    what: format!("installing {}", m.file),
                }
            }
            Operation::PatchRollback => {
                // Resumed: the patch the interrupted run was removing, never the one below it.
                let target = prev
                    .map(|s| s.detail.trim_start_matches("removing ").to_owned())
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
                Decision::Do {
                    to: now.version.clone(),
                    what: format!("removing {target}"),
                }
            }
            Operation::Upgrade => {
                let m = &self.plan.artifact.as_ref().ok_or("no artifact")?.manifest;
                let done = if self.plan.switch || !vos {
                    now.version == m.version
                } else {
                    now.version == m.version || now.inactive.as_deref() == Some(&m.version)
                };
                if done {
                    return Ok(Decision::Already(format!(
                        "{} is installed already",
                        m.version
                    )));
                }
                if let Some(no) = applies(m, now, "upgrades") {
                    return Ok(no);
                }
                Decision::Do {
                    to: m.version.clone(),
                    what: format!("upgrading to {}", m.version),
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
    ) -> Result<(Connection, Option<String>), String> {
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
                    .cloned()
                    .unwrap_or_default();
                let conn = self.run_installer(t, conn, &command, false, before, tx)?;
                let mut after = before.clone();
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
    /// back. An installer that ended with a failure leaves the node's record as `before`.
    fn run_installer(
        &self,
        t: &Target,
        conn: Connection,
        command: &str,
        reboot: bool,
        before: &Installed,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<Connection, String> {
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
                });
            }
            Err(e) => return Err(format!("the installer: {e}")),
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
        let wait = |up: bool, limit: Duration| -> Result<(), String> {
            let until = Instant::now() + limit;
            while reachable() != up {
                if self.cancel.is_cancelled() {
                    return Err("interrupted while waiting for the restart".into());
                }
                if Instant::now() > until {
                    return Err(format!(
                        "the node did not {} within {}s",
                        if up {
                            "come back"
                        } else {
                            "go down for its restart"
                        },
                        limit.as_secs()
                    ));
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
        Err(format!("after its restart: {last}"))
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

/// Where the newest run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunState {
    /// Its process still holds the orchestration lock.
    Running,
    /// It ended without finishing (the process is gone: Ctrl-C, kill, a reboot); the same
    /// command resumes it.
    Interrupted,
    Finished,
}

/// `utils deployment show in-progress`: the newest run and whether it still runs.
pub fn in_progress(
    node: &mut Node,
) -> OpResult<Option<(crate::state::orchestration::Run, RunState)>> {
    let Some(run) = node.db()?.runs(1)?.into_iter().next() else {
        return Ok(None);
    };
    let state = if run.finished_at.is_some() {
        RunState::Finished
    } else {
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
        match crate::state::lock::live_holder(&path)? {
            Some(o) if Some(o.command.as_str()) == command => RunState::Running,
            _ => RunState::Interrupted,
        }
    };
    Ok(Some((run, state)))
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
    let cancel = node.cancel.clone();
    let read = |t: &Target| -> Result<Installed, String> {
        let conn = connect(&access, &cancel, t)?;
        read_installed(&cancel, t, &conn)
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
    /// The version each planned node will run when the plan is done, as far as it is known
    /// now (`Err`: the node could not be read).
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
