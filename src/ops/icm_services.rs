//! `utils system icm-services start` (issue 26): start the ICM services of the inventory's ICM
//! hosts — the Windows hosts of an ICM product (Router, Logger, Rogger, PG, Distributor/AW) —
//! as Cisco's Cloud Connect does after a patch night, and say per host whether they were
//! started or were running already.
//!
//! How a host's services are read and started is not ccadmin's to guess: like the product
//! catalogue's probes (`ops::probe`), it is data signed by the publisher, per product:
//! `icm-services.json` anywhere under the artifacts, with `icm-services.json.minisig` by a
//! trusted signer (`utils patch-manager signer add`):
//!
//! ```json
//! {"ROUTER": {"status": "powershell … Get-Service …", "start": "powershell … Start-Service"}}
//! ```
//!
//! `status` prints one line per service, `STATE NAME` (PowerShell's service status names:
//! `Running`, `Stopped`, `StartPending` …); `start` starts the ones not running. Both run over
//! SSH in the orchestration account's shell, through the orchestration's [`RemoteHost`] seam
//! (read within a minute; the start within an hour, stopped on Ctrl-C). A set that is there but
//! unsigned, signed by a stranger, changed or not valid is never used.
//!
//! The run keeps the orchestration's safety rules: Cloud Connect only, this node's
//! orchestration lock and the cluster's claim (one run per deployment), recorded in the run
//! history (both nodes) and in the orchestration audit log.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::connectivity::Target;
use super::orchestrate::{Hosts, NodeError, RemoteHost, SshHosts};
use super::{Kind, Node, OpError, OpResult};
use crate::cancel::Cancel;
use crate::inventory::model::HostRow;
use crate::state::orchestration::{Outcome, Run, Step, StepResult};
use crate::text::terminal_safe;

/// The command, as the orchestration lock and the audit log name it.
pub const COMMAND: &str = "utils system icm-services start";
/// The operation as the run history names it.
pub const OPERATION: &str = "icm-services start";
/// The signed command set's file name (its signature: `icm-services.json.minisig`).
pub const SET: &str = "icm-services.json";
/// The inventory's Windows products that are ICM (a CVP server is not).
pub const ICM_PRODUCTS: &[&str] = &["DISTRIBUTOR", "LOGGER", "PG", "ROGGER", "ROUTER"];

/// The most a status command may print.
pub const MAX_OUTPUT: usize = 64 * 1024;
/// The most services a host may list.
pub const MAX_SERVICES: usize = 512;
/// The longest service name.
pub const MAX_NAME: usize = 256;

/// Whether an inventory host is an ICM host.
pub fn is_icm(row: &HostRow) -> bool {
    row.platform == "Windows"
        && ICM_PRODUCTS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&row.product))
}

/// One product's commands.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    /// Prints `STATE NAME` per ICM service of the host.
    pub status: String,
    /// Starts the ICM services that are not running.
    pub start: String,
}

pub use super::signed_set::SetError;

impl super::signed_set::CommandSet for Commands {
    fn commands(&self) -> Vec<(&'static str, &str)> {
        vec![("status", &self.status), ("start", &self.start)]
    }
}

/// Parse and check a command set.
pub fn parse_set(data: &[u8]) -> Result<BTreeMap<String, Commands>, SetError> {
    super::signed_set::parse(data)
}

/// The verified command set from the downloaded artifacts, or why there is none to use.
pub fn load_set(node: &mut Node) -> OpResult<BTreeMap<String, Commands>> {
    let set = super::signed_set::load(node, SET, "ICM services")?;
    parse_set(&set.data).map_err(|e| set.refused(format!("is not valid: {e}")))
}

/// The chosen ICM hosts, checked before anything is asked or touched: on a Cloud Connect node,
/// an inventory with ICM hosts, every `--node` an ICM host of it, and at least one chosen.
pub fn chosen(node: &mut Node, choice: &super::orchestrate::Choice) -> OpResult<Vec<HostRow>> {
    node.require_cloud_connect(false)?;
    let rows = super::inventory::current(node)?.rows();
    let icm: Vec<HostRow> = rows.iter().filter(|r| is_icm(r)).cloned().collect();
    if icm.is_empty() {
        return Err(OpError::new(
            Kind::NotConfigured,
            "the inventory has no ICM host (a Windows host of ROUTER, LOGGER, ROGGER, PG or DISTRIBUTOR)",
        )
        .hint("see the hosts with: utils system inventory show"));
    }
    for name in &choice.nodes {
        let one = super::orchestrate::Choice {
            nodes: vec![name.clone()],
            ..Default::default()
        };
        match rows.iter().find(|r| one.matches(r)) {
            None => {
                return Err(
                    OpError::new(Kind::NotFound, format!("{name} is not in the inventory"))
                        .hint("see the hosts with: utils system inventory show"),
                )
            }
            Some(r) if !is_icm(r) => {
                return Err(OpError::new(
                    Kind::Invalid,
                    format!(
                        "{name} is not an ICM host (it is a {} {} host)",
                        r.platform, r.product
                    ),
                )
                .hint(
                    "ICM hosts are the Windows hosts of ROUTER, LOGGER, ROGGER, PG and DISTRIBUTOR",
                ))
            }
            Some(_) => {}
        }
    }
    let mut picked: Vec<HostRow> = icm.into_iter().filter(|r| choice.matches(r)).collect();
    super::orchestrate::in_pair_order(&mut picked);
    if picked.is_empty() {
        return Err(
            OpError::new(Kind::NotFound, "no ICM host matches the selection")
                .hint("see the hosts with: utils system inventory show"),
        );
    }
    Ok(picked)
}

/// A service's state as the status command prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Running,
    /// Any other state (`Stopped`, `StartPending`, `Paused` …).
    NotRunning,
}

const STATES: &[&str] = &[
    "Running",
    "Stopped",
    "StartPending",
    "StopPending",
    "ContinuePending",
    "PausePending",
    "Paused",
];

/// Why a status command's answer is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StatusError {
    #[error("it printed more than {MAX_OUTPUT} bytes")]
    TooLarge,
    #[error("line {0} holds control characters")]
    Control(usize),
    #[error("line {0} is not STATE NAME (a state of {states})", states = STATES.join(", "))]
    NotAService(usize),
    #[error("line {0} names a service longer than {MAX_NAME} characters")]
    NameTooLong(usize),
    #[error("it lists more than {MAX_SERVICES} services")]
    TooMany,
    #[error("it lists no ICM service")]
    Empty,
}

/// Read a status command's answer: `STATE NAME` a line (CRLF or LF, empty lines skipped).
pub fn parse_status(out: &str) -> Result<Vec<(String, State)>, StatusError> {
    if out.len() > MAX_OUTPUT {
        return Err(StatusError::TooLarge);
    }
    let mut services = Vec::new();
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
        let Some((state, name)) = line.split_once(' ') else {
            return Err(StatusError::NotAService(n));
        };
        let name = name.trim();
        let Some(state) = STATES.iter().find(|s| s.eq_ignore_ascii_case(state)) else {
            return Err(StatusError::NotAService(n));
        };
        if name.is_empty() {
            return Err(StatusError::NotAService(n));
        }
        if name.chars().count() > MAX_NAME {
            return Err(StatusError::NameTooLong(n));
        }
        if services.len() == MAX_SERVICES {
            return Err(StatusError::TooMany);
        }
        let state = if *state == "Running" {
            State::Running
        } else {
            State::NotRunning
        };
        services.push((name.to_owned(), state));
    }
    if services.is_empty() {
        return Err(StatusError::Empty);
    }
    Ok(services)
}

/// Why a host's services could not be started or told.
#[derive(Debug, Error)]
pub enum HostError {
    #[error("{0}")]
    Node(Box<NodeError>),
    #[error("the signed ICM services command set has no commands for {0}")]
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
    #[error("its status command answered something that is not valid: {0}")]
    Answer(StatusError),
    #[error("after the start, not running: {0}")]
    StillDown(String),
    #[error("it is leased by the {0}: a change may still be in progress there; its services were not touched")]
    Leased(String),
    #[error("interrupted before its services were started")]
    Interrupted,
}

/// How one host ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostResult {
    /// Some services were not running and are now.
    Started,
    /// Every service was running already; nothing was started.
    Running,
    Failed,
}

impl HostResult {
    pub fn label(self) -> &'static str {
        match self {
            HostResult::Started => "Services started",
            HostResult::Running => "Services running",
            HostResult::Failed => "Failed",
        }
    }
}

/// One host's line.
#[derive(Debug, Clone, Serialize)]
pub struct HostOutcome {
    pub host: String,
    pub product: String,
    pub group: String,
    pub side: String,
    pub result: HostResult,
    /// The services this run started.
    pub started: Vec<String>,
    /// How many ICM services the host lists.
    pub services: usize,
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
        overall_of(&self.hosts)
    }
}

fn tail(out: &str) -> String {
    let safe = crate::text::one_line(out.trim()).into_owned();
    let chars: Vec<char> = safe.chars().collect();
    chars[chars.len().saturating_sub(200)..].iter().collect()
}

fn read_status(conn: &dyn RemoteHost, c: &Commands) -> Result<Vec<(String, State)>, HostError> {
    let (code, out) = conn.run_read(&c.status).map_err(|source| HostError::Run {
        what: "status",
        source: Box::new(source),
    })?;
    if code != 0 {
        return Err(HostError::Exit {
            what: "status",
            code,
            tail: tail(&out),
        });
    }
    parse_status(&out).map_err(HostError::Answer)
}

/// On one logged-in host: read its services; start them when some are not running, and read
/// again. `Ok((services, started))`: how many it lists, and the ones started (none: all were
/// running).
pub fn on_host(
    conn: &dyn RemoteHost,
    cancel: &Cancel,
    c: &Commands,
) -> Result<(usize, Vec<String>), HostError> {
    let before = read_status(conn, c)?;
    let down: Vec<String> = before
        .iter()
        .filter(|(_, s)| *s == State::NotRunning)
        .map(|(n, _)| n.clone())
        .collect();
    if down.is_empty() {
        return Ok((before.len(), Vec::new()));
    }
    // Ctrl-C while the status was read: the start is not sent.
    if cancel.is_cancelled() {
        return Err(HostError::Interrupted);
    }
    let (code, out) = conn
        .run_install(&c.start, cancel)
        .map_err(|source| HostError::Run {
            what: "start",
            source: Box::new(source),
        })?;
    if code != 0 {
        return Err(HostError::Exit {
            what: "start",
            code,
            tail: tail(&out),
        });
    }
    let after = read_status(conn, c)?;
    // Every service that was down must now be listed as running (one missing from the new
    // listing did not start), and no other service may have stopped.
    let running = |name: &str| {
        after
            .iter()
            .any(|(n, s)| n.as_str() == name && *s != State::NotRunning)
    };
    let mut still: Vec<&str> = after
        .iter()
        .filter(|(_, s)| *s == State::NotRunning)
        .map(|(n, _)| n.as_str())
        .collect();
    let missing: Vec<&str> = down
        .iter()
        .map(String::as_str)
        .filter(|n| !running(n) && !still.contains(n))
        .collect();
    still.extend(missing);
    if !still.is_empty() {
        return Err(HostError::StillDown(
            terminal_safe(&still.join(", ")).into_owned(),
        ));
    }
    Ok((after.len(), down))
}

/// Start the ICM services of `hosts` (from [`chosen`]), one host after another, under the
/// orchestration lock and the cluster's claim; the run is recorded and audited. `on_host_done`
/// is told each host's line as it ends.
pub fn start(
    node: &mut Node,
    hosts: Vec<HostRow>,
    actor: &str,
    peer_down: bool,
    on_host_done: &mut dyn FnMut(&HostOutcome),
) -> OpResult<Report> {
    let run = HostRun {
        command: COMMAND,
        operation: OPERATION,
        // Short whatever the number of hosts: the other node's check of a shared run bounds it.
        subject: match hosts.as_slice() {
            [one] => format!("ICM services of {}", one.name),
            many => format!("ICM services of {} hosts", many.len()),
        },
        actor,
        peer_down,
    };
    let (run, hosts) = run_hosts(
        node,
        &run,
        hosts,
        load_set,
        |set, ctx: &HostCtx, t| {
            let r = one(ctx, set, t);
            HostOutcome {
                host: t.row.name.clone(),
                product: t.row.product.clone(),
                group: t.row.group.clone(),
                side: t.row.side.clone(),
                result: match &r {
                    Ok((_, s)) if s.is_empty() => HostResult::Running,
                    Ok(_) => HostResult::Started,
                    Err(_) => HostResult::Failed,
                },
                services: r.as_ref().map(|(n, _)| *n).unwrap_or(0),
                started: r.as_ref().map(|(_, s)| s.clone()).unwrap_or_default(),
                error: r.as_ref().err().map(|e| e.to_string()),
            }
        },
        on_host_done,
    )?;
    Ok(Report { run, hosts })
}

impl HostLine for HostOutcome {
    fn step(&self) -> (Outcome, String) {
        match self.result {
            HostResult::Started => (
                Outcome::Done,
                format!("started {}", self.started.join(", ")),
            ),
            HostResult::Running => (Outcome::AlreadyDone, "all running".to_owned()),
            HostResult::Failed => (Outcome::Failed, self.error.clone().unwrap_or_default()),
        }
    }
    fn host(&self) -> (&str, &str) {
        (&self.host, &self.side)
    }
}

/// A run over inventory hosts, one after another — `utils system icm-services start`, `utils
/// system maintenance initiate|end` — as the orchestration lock, the run history and the audit
/// log name it.
pub struct HostRun<'a> {
    /// The command (the lock's holder, the audit log's `command`).
    pub command: &'a str,
    /// The operation as the run history names it.
    pub operation: &'a str,
    /// Keep it short whatever the number of hosts: the other node's check of a shared run
    /// bounds it.
    pub subject: String,
    pub actor: &'a str,
    /// Run although the other Cloud Connect node cannot be asked (the run records it).
    pub peer_down: bool,
}

/// What each host of such a run is handled with: how hosts are reached, the cancellation,
/// and the run's identity for a host's lease (this run's id and Cloud Connect node, and the
/// runs known finished, whose leases are stale).
pub struct HostCtx<'a> {
    pub hosts: &'a dyn Hosts,
    pub cancel: &'a Cancel,
    pub uid: &'a str,
    pub me: &'a str,
    pub finished: &'a std::collections::HashSet<String>,
}

impl HostCtx<'_> {
    /// Whether run `uid` is known finished (its lease is stale).
    pub fn is_finished(&self, uid: &str) -> bool {
        self.finished.contains(uid)
    }
}

/// One host's line of such a run: how the run history records it (the step's outcome and
/// detail).
pub trait HostLine {
    fn step(&self) -> (Outcome, String);
    /// The host and its side, as the mail's table names them.
    fn host(&self) -> (&str, &str);
}

/// The run's result as the history names it, from its hosts' lines: `Nothing to do` (none
/// done, none failed), `Success`, `Failure` (all failed) or `Partial success`.
pub fn overall_of<T: HostLine>(hosts: &[T]) -> &'static str {
    let steps: Vec<Outcome> = hosts.iter().map(|h| h.step().0).collect();
    let count = |o: Outcome| steps.iter().filter(|s| **s == o).count();
    match (count(Outcome::Failed), count(Outcome::Done)) {
        (0, 0) => "Nothing to do",
        (0, _) => "Success",
        (f, _) if f == steps.len() => "Failure",
        _ => "Partial success",
    }
}

/// Run `one` on each of `hosts` in turn, as a recorded orchestration run: on a Cloud Connect
/// node, with what `prepare` loads first (a signed command set: refused before anything is
/// touched), never beside an unfinished patch or upgrade run, under this node's orchestration
/// lock and the cluster's claim, each host's line recorded as a step (both nodes) as it ends
/// and told to `on_host_done`, the run finished in the history and audited whatever happens.
/// `Ok((run id, lines))`. Ctrl-C between hosts ends the run (recorded as a failure).
pub fn run_hosts<S, T: HostLine>(
    node: &mut Node,
    run: &HostRun,
    hosts: Vec<HostRow>,
    prepare: impl FnOnce(&mut Node) -> OpResult<S>,
    one: impl FnMut(&S, &HostCtx, &Target) -> T,
    on_host_done: &mut dyn FnMut(&T),
) -> OpResult<(i64, Vec<T>)> {
    let started = crate::state::now_utc();
    let result = run_recorded(node, run, hosts, prepare, one, on_host_done);
    let (id, outcome, detail) = match &result {
        Ok((id, lines)) => (Some(*id), overall_of(lines).to_owned(), None),
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
            actor: run.actor,
            command: run.command,
            subject: &run.subject,
            started: &started,
            run: id,
            result: &outcome,
            detail,
        },
    );
    result
}

fn run_recorded<S, T: HostLine>(
    node: &mut Node,
    run: &HostRun,
    hosts: Vec<HostRow>,
    prepare: impl FnOnce(&mut Node) -> OpResult<S>,
    one: impl FnMut(&S, &HostCtx, &Target) -> T,
    on_host_done: &mut dyn FnMut(&T),
) -> OpResult<(i64, Vec<T>)> {
    node.require_cloud_connect(false)?;
    let prepared = prepare(node)?;
    super::orchestrate::refuse_beside_an_unfinished_run(node)?;
    let me = node.identity()?.hostname;
    let mut record = Run {
        uid: super::cluster_run::new_uid(),
        node: me.clone(),
        operation: run.operation.into(),
        subject: run.subject.clone(),
        actor: run.actor.into(),
        started_at: crate::state::now_utc(),
        ..Run::default()
    };
    let held = super::cluster_run::claim(node, run.command, &record, run.peer_down)?;
    record.note = held.note.clone().unwrap_or_default();
    // This node's runs of this command that did not end were stopped (Ctrl-C, `kill -9`, a
    // reboot; this node's lock is held now, so none runs): they end as interrupted, and the
    // leases they left are stale.
    for old in super::orchestrate::stopped_runs(node, &record.node, &[run.operation])? {
        node.db()?.finish_run(old.id, "Interrupted")?;
    }
    let finished = node.db()?.finished_run_uids()?;
    let id = node.db()?.start_run(&record)?;
    let share = |node: &mut Node| {
        if let Ok(Some(r)) = node.db().and_then(|db| Ok(db.run_by_uid(&record.uid)?)) {
            held.share(&r);
        }
    };
    share(node);
    // The run ends recorded whatever happens (Ctrl-C, a full disk): running the command again
    // is its resume, hosts with nothing left to do being left alone.
    let ids = (record.uid.as_str(), record.node.as_str(), &finished);
    match each_host(node, id, ids, hosts, &prepared, one, &share, on_host_done) {
        Ok(lines) => {
            node.db()?.finish_run(id, overall_of(&lines))?;
            share(node);
            // The subscribers are told as for a patch run; a mail that cannot be queued never
            // fails the run.
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    let ((host, side), (outcome, detail)) = (l.host(), l.step());
                    vec![
                        host.to_owned(),
                        side.to_owned(),
                        outcome.label().to_owned(),
                        detail,
                    ]
                })
                .collect();
            let _ = super::notify::notify(
                node,
                &format!("{}: {}", run.operation, run.subject),
                overall_of(&lines),
                &["NODE", "SIDE", "RESULT", "DETAIL"],
                &rows,
            );
            Ok((id, lines))
        }
        Err(e) => {
            let _ = node.db().and_then(|db| Ok(db.finish_run(id, "Failure")?));
            share(node);
            Err(e)
        }
    }
}

/// Each host in turn, its step recorded and shared as it ends.
#[allow(clippy::too_many_arguments)]
fn each_host<S, T: HostLine>(
    node: &mut Node,
    id: i64,
    (uid, me, finished): (&str, &str, &std::collections::HashSet<String>),
    hosts: Vec<HostRow>,
    prepared: &S,
    mut one: impl FnMut(&S, &HostCtx, &Target) -> T,
    share: &dyn Fn(&mut Node),
    on_host_done: &mut dyn FnMut(&T),
) -> OpResult<Vec<T>> {
    let (targets, access) = super::connectivity::access(node, hosts)?;
    let cancel = node.cancel.clone();
    let ssh = SshHosts {
        access: &access,
        cancel: &cancel,
    };
    let ctx = HostCtx {
        hosts: &ssh,
        cancel: &cancel,
        uid,
        me,
        finished,
    };
    let mut out = Vec::new();
    for t in &targets {
        cancel.check()?;
        let began = std::time::Instant::now();
        let line = one(prepared, &ctx, t);
        let (result, detail) = line.step();
        node.db()?.record_step(
            id,
            &Step {
                host: t.row.name.clone(),
                side: t.row.side.clone(),
                result: StepResult::Ended(result),
                detail: within_bytes(&crate::text::one_line(&detail), 4000),
                seconds: began.elapsed().as_secs_f64(),
                ..Step::default()
            },
        )?;
        share(node);
        on_host_done(&line);
        out.push(line);
    }
    Ok(out)
}

fn one(
    ctx: &HostCtx,
    set: &BTreeMap<String, Commands>,
    t: &Target,
) -> Result<(usize, Vec<String>), HostError> {
    let (hosts, cancel) = (ctx.hosts, ctx.cancel);
    let Some((_, c)) = set
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(&t.row.product))
    else {
        return Err(HostError::NoCommands(t.row.product.clone()));
    };
    let conn = hosts.connect(t).map_err(|e| HostError::Node(Box::new(e)))?;
    // A host under a run's lease is in the middle of a change (or was left in it): its
    // services are not touched.
    if let Some(whose) = super::lease::held(conn.as_ref(), cancel, &|r| ctx.is_finished(r)) {
        return Err(HostError::Leased(whose));
    }
    cancel.check().map_err(|_| HostError::Interrupted)?;
    on_host(conn.as_ref(), cancel, c)
}

/// `text` cut to at most `max` bytes on a character boundary (the other node's check of a
/// shared step counts bytes).
fn within_bytes(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_answer_is_read_line_by_line() {
        let s = parse_status("Running cisco icm cc RouterA\r\n\r\nStopped cisco icm cc LoggerA\n")
            .unwrap();
        assert_eq!(
            s,
            vec![
                ("cisco icm cc RouterA".to_owned(), State::Running),
                ("cisco icm cc LoggerA".to_owned(), State::NotRunning)
            ]
        );
        assert_eq!(parse_status("\r\n"), Err(StatusError::Empty));
        assert_eq!(
            parse_status("Running a\nGone b\n"),
            Err(StatusError::NotAService(2))
        );
        assert_eq!(
            parse_status("Running a\x1b[2J\n"),
            Err(StatusError::Control(1))
        );
        assert_eq!(parse_status("Running\n"), Err(StatusError::NotAService(1)));
    }

    #[test]
    fn a_command_set_is_checked() {
        let ok = parse_set(br#"{"PG": {"status": "sh s", "start": "sh t"}}"#).unwrap();
        assert_eq!(ok["PG"].start, "sh t");
        assert!(matches!(
            parse_set(br#"{"PG": {"status": "sh s", "start": "sh t", "stop": "x"}}"#),
            Err(SetError::Json(_))
        ));
        assert_eq!(
            parse_set(br#"{"PG": {"status": "sh s", "start": "a\u001bb"}}"#),
            Err(SetError::Command {
                product: "PG".into(),
                what: "start"
            })
        );
    }

    #[test]
    fn icm_hosts_are_the_windows_hosts_of_icm_products() {
        let row = |platform: &'static str, product: &str| HostRow {
            platform,
            product: product.into(),
            group: "g".into(),
            name: "h".into(),
            side: "A".into(),
            detail: String::new(),
        };
        assert!(is_icm(&row("Windows", "PG")));
        assert!(is_icm(&row("Windows", "rogger")));
        assert!(!is_icm(&row("Windows", "CVPSERVER")));
        assert!(!is_icm(&row("VOS", "Finesse")));
    }
}
