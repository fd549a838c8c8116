//! Running a plan: the run's record (started, resumed from an interrupted attempt, or taken
//! over from the other Cloud Connect node), the cluster's claim, the queue of groups the
//! workers take from, the one thread that writes each step to the database and tells the
//! other node, the run's end (finished, or left to be resumed), the audit line and the mail.
//! What happens on one node is the [`super::worker`]'s.

use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;

use super::host::SshHosts;
use super::worker::{group_queue, Msg, Worker};
use super::{
    table, Event, NodeResult, Operation, Options, Outcome, Overall, Plan, Report, StepResult, TABLE,
};
use crate::ops::{Kind, Node, OpError, OpResult};
use crate::state::orchestration::{Run, Step};

/// How many of the newest runs a resume looks through for the newest orchestration run.
const RESUME_LOOKBACK: usize = 50;

/// Run the plan, and record who ran it, when and how it ended in the orchestration audit log
/// (`logs/orchestration-audit/audit.log`, see [`crate::ops::logs::audit`]).
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
            crate::ops::logs::kind_name(e.kind),
            Some(e.message.as_str()),
        ),
    };
    // The run's own record is the database's; an audit line that cannot be written (a full
    // disk) never turns a run that was done into a failure.
    let _ = crate::ops::logs::audit(
        node.root(),
        &crate::ops::logs::AuditRecord {
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
    // With maintenance mode, every planned node's product must have its commands: refused
    // before anything is recorded or touched.
    let maintenance = match options.maintenance {
        false => None,
        true => {
            let set = crate::ops::maintenance::load_set(node)?;
            let rows: Vec<&crate::inventory::model::HostRow> =
                plan.groups.iter().flatten().map(|t| &t.row).collect();
            super::require_maintenance_support(&set, &rows)?;
            Some(set)
        }
    };
    let maintenance_known = match &maintenance {
        Some(_) => None,
        None => crate::ops::maintenance::load_set(node).ok(),
    };
    let me = node.identity()?.hostname;
    let subject = plan.subject();
    let resumable = |r: &Run| {
        r.finished_at.is_none()
            && r.operation == plan.op.label()
            && (r.subject == subject || plan.op == Operation::PatchRollback)
    };
    // The other node's interrupted run is taken over only when that node grants it (so it
    // does not run it): never on --peer-down, where it may still run there.
    // The newest run of an orchestration operation (a run of `icm-services start`, recorded in
    // the same history, does not hide an interrupted patch run from its resume).
    let interrupted = node
        .db()?
        .runs(RESUME_LOOKBACK)?
        .into_iter()
        .find(|r| Operation::from_label(&r.operation).is_some())
        .filter(resumable)
        .filter(|r| !(r.remote && options.peer_down));
    let mut record = interrupted.clone().unwrap_or_else(|| Run {
        uid: crate::ops::cluster_run::new_uid(),
        node: me.clone(),
        operation: plan.op.label().into(),
        subject: subject.clone(),
        actor: actor.into(),
        started_at: crate::state::now_utc(),
        ..Run::default()
    });
    // The claim names this node as the one that runs it (a taken-over run too).
    record.node = me.clone();
    let held = crate::ops::cluster_run::claim(node, plan.op.command(), &record, options.peer_down)?;
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
                .filter(|s| s.result.outcome().is_some_and(Outcome::ok))
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
    let queue = group_queue(plan);
    let hosts = SshHosts {
        access: &plan.access,
        cancel: &cancel,
    };
    let worker = Worker {
        plan,
        hosts: &hosts,
        data: &data,
        cancel: &cancel,
        options,
        failures: &failures,
        previous: &previous,
        uid: &record.uid,
        me: &me,
        finished: &finished,
        maintenance: maintenance.as_ref(),
        maintenance_known: maintenance_known.as_ref(),
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
            scope.spawn(move || worker.drain(queue, &tx));
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
                        result: StepResult::Running,
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
                        result: r.result.into(),
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
    let _ = crate::ops::notify::notify(
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
