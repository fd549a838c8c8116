//! The read-only questions about orchestration: what each inventory host runs (`utils
//! deployment show status`), where this node's or the other node's run stands (`show
//! in-progress`, `show progress-HA`, and what the other node asks of this one), the history,
//! and the cluster's setting of how many groups a run does at once.

use std::time::Duration;

use serde::Serialize;

use super::host::{connect, read_installed, NodeError};
use super::plan::Choice;
use super::{Operation, Progress, RunState};
use crate::ops::connectivity::Target;
use crate::ops::patches::Platform;
use crate::ops::software::Installed;
use crate::ops::{Kind, Node, OpError, OpResult};
use crate::state::orchestration::Run;

/// Whether this node's own unfinished run `run` still runs here.
fn own_state(node: &mut Node, run: &Run) -> OpResult<RunState> {
    if run.finished_at.is_some() {
        return Ok(RunState::Finished);
    }
    let path = node.db()?.path().to_path_buf();
    // The lock holder's command for the recorded operation: one of the five, or a run of
    // `utils system icm-services start`, `utils patch-manager ms-patches` or `utils system
    // maintenance`, which record their runs in the same history.
    use crate::ops::maintenance::run::{self as maint, Action as Maint};
    use crate::ops::{icm_services as icm, ms_patches as ms};
    let command = Operation::from_label(&run.operation)
        .map(Operation::command)
        .or_else(|| {
            [
                (icm::OPERATION, icm::COMMAND),
                (ms::OPERATION_INSTALL, ms::COMMAND_INSTALL),
                (ms::OPERATION_ROLLBACK, ms::COMMAND_ROLLBACK),
                (Maint::Initiate(None).operation(), maint::COMMAND_INITIATE),
                (Maint::End.operation(), maint::COMMAND_END),
            ]
            .into_iter()
            .find(|(op, _)| *op == run.operation)
            .map(|(_, c)| c)
        });
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
    let other = crate::ops::cluster::other_node(node)?.ok_or_else(|| {
        OpError::new(
            Kind::NotConfigured,
            "this Cloud Connect node has no other node in its cluster",
        )
        .hint("see the cluster with: utils dbreplication runtimestate")
    })?;
    let p = crate::ops::cluster::peer(node, Duration::from_secs(10))?
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
pub fn history(node: &mut Node, limit: usize) -> OpResult<Vec<Run>> {
    Ok(node.db()?.runs(limit)?)
}

/// One inventory host and what it runs, or why that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct HostStatus {
    pub host: String,
    pub platform: Platform,
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
    let rows: Vec<_> = crate::ops::inventory::current(node)?
        .rows()
        .into_iter()
        .filter(|r| choice.matches(r))
        .collect();
    let (targets, access) = crate::ops::connectivity::access(node, rows)?;
    let catalogue = crate::ops::probe::load(node)?;
    let cancel = node.cancel.clone();
    let read = |t: &Target| -> Result<Installed, NodeError> {
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
                        platform: Platform::of(&t.row),
                        product: t.row.product.clone(),
                        group: t.row.group.clone(),
                        side: t.row.side.clone(),
                        installed: r.as_ref().ok().cloned(),
                        error: r.err().map(|e| e.to_string()),
                    });
                });
            }
        });
        cancel.check()?;
    }
    Ok(out.into_iter().flatten().collect())
}

const MAX_PARALLEL_KEY: &str = "shared.max-parallel-tasks";
/// The most groups a run may do at once.
pub const MAX_PARALLEL: usize = 64;
/// The groups a run does at once when the cluster has no setting.
pub const DEFAULT_PARALLEL: usize = 1;

/// `utils show orchestration max-parallel-tasks`: the groups a run does at once unless
/// `--parallel-groups` says otherwise (the cluster's setting, 1 by default).
pub fn max_parallel(node: &mut Node) -> OpResult<usize> {
    Ok(node
        .db()?
        .setting(MAX_PARALLEL_KEY)?
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=MAX_PARALLEL).contains(n))
        .unwrap_or(DEFAULT_PARALLEL))
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
    crate::ops::cluster::changed(node);
    Ok(())
}

/// `utils orchestration max-parallel-tasks reset-to-default` (publisher only; replicated): the
/// cluster's setting is removed, so runs do [`DEFAULT_PARALLEL`] group(s) at once again.
/// Returns the value in force now.
pub fn reset_max_parallel(node: &mut Node) -> OpResult<usize> {
    node.require_cloud_connect(true)?;
    node.db()?.delete_setting(MAX_PARALLEL_KEY)?;
    crate::ops::cluster::changed(node);
    Ok(DEFAULT_PARALLEL)
}

/// This Cloud Connect node's (`me`) runs of `operations` that have not ended. Asked holding
/// this node's orchestration lock, they are runs that were stopped (Ctrl-C, `kill -9`, a
/// reboot): none of them runs now.
pub fn stopped_runs(node: &mut Node, me: &str, operations: &[&str]) -> OpResult<Vec<Run>> {
    Ok(node
        .db()?
        .runs(50)?
        .into_iter()
        .filter(|r| {
            r.finished_at.is_none()
                && !r.remote
                && r.node == me
                && operations.contains(&r.operation.as_str())
        })
        .collect())
}

/// Nothing is changed on the nodes beside a patch or upgrade run that has not ended: its
/// installer may still run on a node (a run stopped by Ctrl-C or `kill -9` is left unfinished until the
/// same command resumes it). A live run is refused by the claim; this refuses an interrupted
/// one, from the history both nodes share.
pub fn refuse_beside_an_unfinished_run(node: &mut Node) -> OpResult {
    refuse_beside_an_unfinished_run_but(node, &[])
}

/// [`refuse_beside_an_unfinished_run`], a Microsoft updates run counted too (its update
/// installer may still run on a node), except the operations in `resumed_here` (the command
/// that settles them itself).
pub fn refuse_beside_an_unfinished_run_but(node: &mut Node, resumed_here: &[&str]) -> OpResult {
    use crate::ops::ms_patches::{OPERATION_INSTALL, OPERATION_ROLLBACK};
    let changes = |op: &str| {
        Operation::from_label(op).is_some()
            || ([OPERATION_INSTALL, OPERATION_ROLLBACK].contains(&op)
                && !resumed_here.contains(&op))
    };
    let unfinished = node
        .db()?
        .runs(50)?
        .into_iter()
        .find(|r| changes(&r.operation))
        .filter(|r| r.finished_at.is_none());
    match unfinished {
        None => Ok(()),
        Some(r) => Err(OpError::new(
            Kind::Busy,
            format!(
                "the {} run of {} started at {} on {} has not ended: its installer may still run on a node",
                r.operation,
                crate::text::one_line(&r.subject),
                r.started_at,
                crate::text::one_line(&r.node)
            ),
        )
        .hint("finish it first: run the same command again (utils deployment show in-progress shows it)")),
    }
}
