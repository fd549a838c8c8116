//! A Microsoft updates run: each chosen node in turn under the orchestration lock, the
//! cluster's claim and the host's lease; a run stopped by Ctrl-C or `kill -9` is resumed by
//! the same command, which waits for an update installer it left running before reading the
//! node again.

use std::collections::BTreeMap;

use crate::ops::lease::{Lease, Taken};
use crate::ops::maintenance::ForChange;

use super::*;

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
    crate::ops::orchestrate::await_restart(hosts, t, cancel, RESTART_DOWN, RESTART_UP, said)
        .map_err(|e| HostError::Restart(Box::new(e)))
}

/// How long a restarting node may take to go down, and then to come back.
const RESTART_DOWN: std::time::Duration = std::time::Duration::from_secs(300);
const RESTART_UP: std::time::Duration = std::time::Duration::from_secs(1800);

/// How often a busy node's installer is asked again.
const BUSY_POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// What guards a run's changes on a host: its lease (this run's id and Cloud Connect node),
/// the runs known finished (their leases are stale), and the members of each group.
pub(super) struct Guard<'a> {
    pub uid: &'a str,
    pub me: &'a str,
    pub finished: &'a std::collections::HashSet<String>,
    /// This node's Microsoft updates runs that were stopped (none runs: this node's lock is
    /// held): their lease on a node is taken over once the node's installer is idle; on
    /// another member of a group it still stands (that member may be in their installer).
    pub adoptable: &'a std::collections::HashSet<String>,
    /// The nodes found idle under a stopped run's lease (or with none): settled.
    pub settled: &'a std::cell::RefCell<std::collections::HashSet<String>>,
    pub break_leases: bool,
    /// Every Windows member of the chosen nodes' groups (chosen or not).
    pub members: &'a [Target],
    /// With maintenance mode: how each product enters and leaves it.
    pub maintenance: Option<&'a crate::ops::maintenance::Set>,
    /// Without it: the signed set if there is one, to tell a resumed node left in it.
    pub maintenance_known: Option<&'a crate::ops::maintenance::Set>,
}

impl Guard<'_> {
    fn lease_for(&self, t: &Target, action: Action) -> Lease {
        Lease {
            run: self.uid.to_owned(),
            node: self.me.to_owned(),
            host: t.row.name.clone(),
            group: t.row.group.clone(),
            operation: action.operation().to_owned(),
            since: crate::state::now_utc(),
        }
    }
}

/// Wait until no update installer runs on the node (one an interrupted run left running, or
/// Windows Update's own): never a second install or removal beside it.
fn wait_idle(
    conn: &dyn RemoteHost,
    c: &Commands,
    cancel: &Cancel,
    said: &mut dyn FnMut(&str),
) -> Result<(), HostError> {
    let began = std::time::Instant::now();
    let mut told = false;
    loop {
        let (code, out) = conn.run_read(&c.busy).map_err(|source| HostError::Run {
            what: "busy",
            source: Box::new(source),
        })?;
        if code != 0 {
            return Err(HostError::Exit {
                what: "busy",
                code,
                tail: tail(&out),
            });
        }
        if !parse_busy(&out).map_err(|_| HostError::BusyAnswer)? {
            return Ok(());
        }
        if !told {
            said("an update installer runs on the node; waiting for it to end");
            told = true;
        }
        if began.elapsed() >= RESTART_UP {
            return Err(HostError::StillBusy(RESTART_UP.as_secs()));
        }
        if cancel.wait(BUSY_POLL) {
            return Err(HostError::Interrupted);
        }
    }
}

/// On one node: read its updates and do `action` when it applies. `Ok((result,
/// kbs))`: how it ended and the KBs installed or removed. `touched`: whether the node may be
/// changing (its change began, or another run holds it), so its group stops.
#[allow(clippy::too_many_arguments)]
fn on_host(
    hosts: &dyn Hosts,
    t: &Target,
    cancel: &Cancel,
    c: &Commands,
    action: Action,
    guard: &Guard,
    said: &mut dyn FnMut(&str),
    started: &mut dyn FnMut(),
    touched: &std::cell::Cell<bool>,
) -> Result<(HostResult, Vec<Kb>), HostError> {
    let conn = hosts.connect(t).map_err(|e| HostError::Node(Box::new(e)))?;
    // A host under another run's lease is in the middle of a change (or was left in it):
    // untouched, and, as a member that may be changing, it stops its group. A lease of a run
    // known finished is stale; this run's own is taken again.
    // Whether a run of this one's kind was stopped in the middle of this node (its lease).
    let mut resumed = false;
    match crate::ops::lease::read(conn.as_ref(), cancel) {
        Ok(Some(l))
            if l.run == guard.uid
                || guard.finished.contains(&l.run)
                || guard.adoptable.contains(&l.run) =>
        {
            resumed = l.operation == OPERATION_INSTALL || l.operation == OPERATION_ROLLBACK;
        }
        Ok(Some(_)) if guard.break_leases => {}
        Ok(None) => {}
        Ok(Some(l)) => {
            touched.set(true);
            return Err(HostError::Leased(l.describe()));
        }
        Err(e) => {
            touched.set(true);
            return Err(HostError::Leased(format!(
                "a lease that cannot be read ({e})"
            )));
        }
    }
    wait_idle(conn.as_ref(), c, cancel, said)?;
    guard.settled.borrow_mut().insert(t.row.name.clone());
    let before = read_list(conn.as_ref(), c)?;
    // On this node, a stopped run's lease is stale now that its installer is idle.
    let stale = |run: &str| guard.finished.contains(run) || guard.adoptable.contains(run);
    if !action.applies(&before) {
        // The change a stopped run began ended meanwhile: with maintenance mode, the node
        // leaves the maintenance that run put it in.
        if resumed {
            crate::ops::maintenance::after_change(
                conn.as_ref(),
                t,
                guard.maintenance,
                ForChange::WasIn,
                true,
                cancel,
            )
            .map_err(HostError::Maintenance)?;
        }
        if let (true, None, Some(set)) = (resumed, guard.maintenance, guard.maintenance_known) {
            if let Some(why) = crate::ops::maintenance::left_in(conn.as_ref(), t, set) {
                said(&why);
            }
        }
        // Nothing changes here: this run's lease, or a stale one an interrupted run left, goes.
        if let Ok(Taken::New | Taken::Ours) = crate::ops::lease::take(
            conn.as_ref(),
            &guard.lease_for(t, action),
            cancel,
            &stale,
            false,
        ) {
            let _ = crate::ops::lease::release(conn.as_ref(), guard.uid, cancel);
        }
        return Ok(match action {
            Action::Install => (HostResult::UpToDate, Vec::new()),
            Action::Remove(_) => (HostResult::NotInstalled, Vec::new()),
        });
    }
    // Leased before anything changes (a stopped run's lease here taken over), and no other
    // member of its group leased by another run not known finished (another Cloud Connect
    // node cut off from this one may be changing it, or a stopped run's installer may still
    // run there).
    crate::ops::lease::take(
        conn.as_ref(),
        &guard.lease_for(t, action),
        cancel,
        &stale,
        false,
    )
    .map_err(|e| HostError::Lease(e.into()))?;
    let finished = |run: &str| guard.finished.contains(run);
    let others: Vec<&Target> = guard
        .members
        .iter()
        .filter(|m| !t.row.group.is_empty() && m.row.group == t.row.group)
        .collect();
    crate::ops::lease::take_for_group(
        conn.as_ref(),
        &guard.lease_for(t, action),
        hosts,
        &others,
        cancel,
        &finished,
        guard.break_leases,
    )
    // Refused: this node was not touched (its own lease was read free above).
    .map_err(HostError::Lease)?;
    started();
    let how = crate::ops::maintenance::before_change(
        hosts,
        t,
        guard.members.iter(),
        conn.as_ref(),
        guard.maintenance,
        guard.maintenance_known,
        action.maintenance_reason(),
        cancel,
    );
    let how = match how {
        Ok(how) => how,
        Err(why) => {
            let _ = crate::ops::lease::release(conn.as_ref(), guard.uid, cancel);
            return Err(HostError::Maintenance(why));
        }
    };
    if how != ForChange::Without {
        said("in maintenance mode");
    }
    touched.set(true);
    let changed = change_listed(hosts, t, conn, cancel, c, action, &before, said);
    let (conn, result) = match (changed, how) {
        (Ok(x), _) => x,
        (Err(e), ForChange::Without) => return Err(e),
        (Err(e), _) => return Err(HostError::InMaintenance(Box::new(e))),
    };
    let note = crate::ops::maintenance::after_change(
        conn.as_ref(),
        t,
        guard.maintenance,
        how,
        resumed,
        cancel,
    )
    .map_err(HostError::Maintenance)?;
    if let Some(note) = note {
        said(&note);
    }
    // Seen to end: the lease goes (one that cannot be removed is stale once the run ends).
    let _ = crate::ops::lease::release(conn.as_ref(), guard.uid, cancel);
    Ok(result)
}

/// The connection after a change, how the node ended and the KBs installed or removed.
type Changed<'h> = (Box<dyn RemoteHost + 'h>, (HostResult, Vec<Kb>));

/// Install or remove on the node and read its list again: the connection to use afterwards
/// (a new one after a restart), how it ended and the KBs.
#[allow(clippy::too_many_arguments)]
fn change_listed<'h>(
    hosts: &'h dyn Hosts,
    t: &Target,
    conn: Box<dyn RemoteHost + 'h>,
    cancel: &Cancel,
    c: &Commands,
    action: Action,
    before: &Listing,
    said: &mut dyn FnMut(&str),
) -> Result<Changed<'h>, HostError> {
    Ok(match action {
        Action::Install => {
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
            (conn, (HostResult::Installed, installed))
        }
        Action::Remove(kb) => {
            let command = c.remove_command(kb);
            let conn = change(hosts, t, conn, cancel, c, "remove", &command, said)?;
            let after = read_list(conn.as_ref(), c)?;
            if after.installed.contains(&kb) {
                return Err(HostError::StillInstalled(kb));
            }
            (conn, (HostResult::Removed, vec![kb]))
        }
    })
}

/// Do `action` on `hosts` (from [`ask`]), one node after another, under the orchestration lock
/// and the cluster's claim; the run is recorded and audited. `on_host_done` is told each
/// node's line as it ends, `on_wait` what a node is waited for (its restart).
pub fn run(
    node: &mut Node,
    action: Action,
    hosts: Vec<HostRow>,
    actor: &str,
    opts: RunOptions,
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
        opts,
        on_host_done,
        on_wait,
    );
    let (run, outcome, detail) = match &result {
        Ok(r) => (Some(r.run), r.overall().to_owned(), None),
        Err(e) => (
            None,
            crate::ops::logs::kind_name(e.kind),
            Some(e.message.as_str()),
        ),
    };
    // As for every run: an audit line that cannot be written never fails what was done.
    let _ = crate::ops::logs::audit(
        node.root(),
        &crate::ops::logs::AuditRecord {
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
    opts: RunOptions,
    on_host_done: &mut dyn FnMut(&HostOutcome),
    on_wait: &mut dyn FnMut(&str, &str),
) -> OpResult<Report> {
    node.require_cloud_connect(false)?;
    let set = load_set(node)?;
    // With maintenance mode, every node's product must have its commands: refused before
    // anything is recorded or touched.
    let maintenance = match opts.maintenance {
        false => None,
        true => {
            let m = crate::ops::maintenance::load_set(node)?;
            crate::ops::orchestrate::require_maintenance_support(
                &m,
                &hosts.iter().collect::<Vec<_>>(),
            )?;
            Some(m)
        }
    };
    crate::ops::orchestrate::refuse_beside_an_unfinished_run_but(
        node,
        &[OPERATION_INSTALL, OPERATION_ROLLBACK],
    )?;
    let maintenance_known = match maintenance {
        Some(_) => None,
        None => crate::ops::maintenance::load_set(node).ok(),
    };
    let me = node.identity()?.hostname;
    let mut record = Run {
        uid: crate::ops::cluster_run::new_uid(),
        node: me,
        operation: action.operation().into(),
        subject: subject.to_owned(),
        actor: actor.into(),
        started_at: crate::state::now_utc(),
        ..Run::default()
    };
    let held = crate::ops::cluster_run::claim(node, action.command(), &record, opts.peer_down)?;
    record.note = held.note.clone().unwrap_or_default();
    // This node's Microsoft updates runs that did not end were stopped (Ctrl-C, `kill -9`, a
    // reboot): this node's orchestration lock is held now, so none of them runs. Their
    // leases stand until this run finds each such node's installer idle; a stopped run ends
    // (as interrupted) once every node it had begun to change is settled.
    let stopped: Vec<(i64, String, std::collections::HashSet<String>)> =
        crate::ops::orchestrate::stopped_runs(
            node,
            &record.node,
            &[OPERATION_INSTALL, OPERATION_ROLLBACK],
        )?
        .into_iter()
        .map(|r| {
            let begun = r
                .steps
                .iter()
                .filter(|s| crate::ops::orchestrate::unfinished(s))
                .map(|s| s.host.clone())
                .collect();
            (r.id, r.uid, begun)
        })
        .collect();
    let adoptable: std::collections::HashSet<String> =
        stopped.iter().map(|(_, uid, _)| uid.clone()).collect();
    let unsettled_first: std::collections::HashSet<String> = stopped
        .iter()
        .flat_map(|(_, _, begun)| begun.iter().cloned())
        .collect();
    let settled = std::cell::RefCell::new(std::collections::HashSet::new());
    let finished = node.db()?.finished_run_uids()?;
    let id = node.db()?.start_run(&record)?;
    let share = |node: &mut Node| {
        if let Ok(Some(r)) = node.db().and_then(|db| Ok(db.run_by_uid(&record.uid)?)) {
            held.share(&r);
        }
    };
    share(node);
    // The run ends recorded whatever happens: running the command again is its resume, nodes
    // with nothing left to do being left alone.
    let guard = Plan {
        id,
        uid: &record.uid,
        me: &record.node,
        finished: &finished,
        adoptable: &adoptable,
        settled: &settled,
        unsettled_first: &unsettled_first,
        break_leases: opts.break_leases,
        action,
        set: &set,
        maintenance: maintenance.as_ref(),
        maintenance_known: maintenance_known.as_ref(),
    };
    let result = each_host(node, &guard, hosts, &share, on_host_done, on_wait);
    // A stopped run whose begun nodes are all settled now has ended.
    for (old, _, begun) in &stopped {
        if begun.iter().all(|h| settled.borrow().contains(h)) {
            node.db()?.finish_run(*old, "Interrupted")?;
        }
    }
    // A run stopped while a node's change may still run stays unfinished: the same command
    // settles that node (waits for its installer) and ends it.
    match result {
        Ok(hosts) => {
            let report = Report { run: id, hosts };
            if report.count(HostResult::Interrupted) == 0 {
                node.db()?.finish_run(id, report.overall())?;
            }
            share(node);
            // The subscribers are told as for a patch run; a mail that cannot be queued never
            // fails the run.
            let rows: Vec<Vec<String>> = report
                .hosts
                .iter()
                .map(|h| {
                    vec![
                        h.host.clone(),
                        h.side.clone(),
                        h.result.label().to_owned(),
                        joined(&h.kbs),
                        h.error.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let _ = crate::ops::notify::notify(
                node,
                &format!("{}: {}", action.operation(), subject),
                report.overall(),
                &["NODE", "SIDE", "RESULT", "KBS", "DETAIL"],
                &rows,
            );
            Ok(report)
        }
        Err(e) => {
            if e.kind != Kind::Interrupted {
                let _ = node.db().and_then(|db| Ok(db.finish_run(id, "Failure")?));
            }
            share(node);
            Err(e)
        }
    }
}

/// A run's fixed parts.
struct Plan<'a> {
    id: i64,
    uid: &'a str,
    me: &'a str,
    finished: &'a std::collections::HashSet<String>,
    adoptable: &'a std::collections::HashSet<String>,
    settled: &'a std::cell::RefCell<std::collections::HashSet<String>>,
    /// The nodes a stopped run had begun to change: done first, to settle them.
    unsettled_first: &'a std::collections::HashSet<String>,
    break_leases: bool,
    action: Action,
    set: &'a BTreeMap<String, Commands>,
    maintenance: Option<&'a crate::ops::maintenance::Set>,
    maintenance_known: Option<&'a crate::ops::maintenance::Set>,
}

/// Each node in turn (so one member of a group at a time), its step recorded as it ends.
#[allow(clippy::too_many_arguments)]
fn each_host(
    node: &mut Node,
    plan: &Plan,
    hosts: Vec<HostRow>,
    share: &dyn Fn(&mut Node),
    on_host_done: &mut dyn FnMut(&HostOutcome),
    on_wait: &mut dyn FnMut(&str, &str),
) -> OpResult<Vec<HostOutcome>> {
    let (id, action, set) = (plan.id, plan.action, plan.set);
    // The chosen nodes, then the other Windows members of their groups (asked for their
    // leases before a member is changed).
    let chosen = hosts.len();
    let groups: std::collections::HashSet<String> = hosts
        .iter()
        .filter(|h| !h.group.is_empty())
        .map(|h| h.group.clone())
        .collect();
    let mut rows = hosts;
    for r in crate::ops::inventory::current(node)?.rows() {
        if r.platform == "Windows"
            && groups.contains(&r.group)
            && !rows.iter().any(|h| h.name == r.name)
        {
            rows.push(r.clone());
        }
    }
    let (members, access) = crate::ops::connectivity::access(node, rows)?;
    // The nodes a stopped run had begun to change come first: until they are settled their
    // lease keeps their group's other members unchanged.
    let mut targets: Vec<&Target> = members[..chosen].iter().collect();
    targets.sort_by_key(|t| !plan.unsettled_first.contains(&t.row.name));
    let guard = Guard {
        uid: plan.uid,
        me: plan.me,
        finished: plan.finished,
        adoptable: plan.adoptable,
        settled: plan.settled,
        break_leases: plan.break_leases,
        members: &members,
        maintenance: plan.maintenance,
        maintenance_known: plan.maintenance_known,
    };
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
    for t in targets {
        cancel.check()?;
        let began = std::time::Instant::now();
        let touched = std::cell::Cell::new(false);
        let r = match stopped.get(&t.row.group) {
            Some(member) => Err(HostError::GroupStopped(member.clone())),
            None => commands_for(set, t).and_then(|c| {
                let mut said = |what: &str| on_wait(&t.row.name, what);
                // Nothing is changed on the node before its start is in the record: a run
                // stopped from here on stays unfinished for the same command to settle.
                let mut started = || {
                    let step = Step {
                        host: t.row.name.clone(),
                        side: t.row.side.clone(),
                        result: StepResult::Running,
                        detail: match action {
                            Action::Install => "installing the pending updates".to_owned(),
                            Action::Remove(kb) => format!("removing {kb}"),
                        },
                        ..Step::default()
                    };
                    if node
                        .db()
                        .and_then(|db| Ok(db.record_step(id, &step)?))
                        .is_ok()
                    {
                        share(node);
                    }
                };
                on_host(
                    &ssh,
                    t,
                    &cancel,
                    c,
                    action,
                    &guard,
                    &mut said,
                    &mut started,
                    &touched,
                )
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
            result: match &r {
                Ok((h, _)) => *h,
                Err(e) if e.may_still_run() => HostResult::Interrupted,
                Err(_) => HostResult::Failed,
            },
            kbs: r.as_ref().map(|(_, k)| k.clone()).unwrap_or_default(),
            error: r.as_ref().err().map(|e| e.to_string()),
        };
        let (result, detail) = match outcome.result {
            HostResult::Installed => (Outcome::Done, format!("installed {}", joined(&outcome.kbs))),
            HostResult::Removed => (Outcome::Done, format!("removed {}", joined(&outcome.kbs))),
            HostResult::UpToDate => (Outcome::AlreadyDone, "no pending update".to_owned()),
            HostResult::NotInstalled => (Outcome::AlreadyDone, "not installed".to_owned()),
            HostResult::Failed => (Outcome::Failed, outcome.error.clone().unwrap_or_default()),
            HostResult::Interrupted => (
                Outcome::Interrupted,
                format!(
                    "{}; its change may still run on it: run the same command again to wait for it and settle the node",
                    outcome.error.clone().unwrap_or_default()
                ),
            ),
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
