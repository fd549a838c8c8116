//! One node's change, as a worker thread does it: take the next group from the queue, and for
//! each member in order log in, read what it runs, wait for an installer an interrupted run
//! left running, decide ([`super::decide`]), lease the host (and make sure no other member of
//! its group is leased by another run), have its start recorded, act (transfer, install, wait
//! for a restart), read it again and check the change is what was meant. Everything asked of
//! the host goes through [`RemoteHost`], so this is unit-tested with a fake host.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use super::decide::{installed_patch, level, Decision, ROLLBACK_PENDING};
use super::host::INSTALL_TIMEOUT;
use super::host::{read_installed, write_record, Hosts, NodeError, RemoteHost};
use super::{tail, unfinished, NodeResult, Operation, Options, Outcome, Plan};
use crate::cancel::Cancel;
use crate::clients::ssh::SshError;
use crate::ops::connectivity::Target;
use crate::ops::lease::{self, Lease};
use crate::ops::maintenance::ForChange;
use crate::ops::patches::{Platform, MANIFEST_SUFFIX};
use crate::ops::software::Installed;
use crate::state::orchestration::Step;

/// How long a node that restarts may take to go down, and then to come back.
const DOWN_TIMEOUT: Duration = Duration::from_secs(300);
const UP_TIMEOUT: Duration = Duration::from_secs(1800);
/// How often a node's installer that an interrupted run started is asked whether it still runs.
const ATTACH_EVERY: Duration = Duration::from_millis(500);

/// What a worker tells the thread that records the run.
pub(super) enum Msg {
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

/// The groups of a plan as the workers take them: a whole group at a time, so that one
/// worker does all of a group's members, one after the other.
pub(super) type GroupQueue<'p> = Mutex<VecDeque<(usize, &'p Vec<Target>)>>;

pub(super) fn group_queue(plan: &Plan) -> GroupQueue<'_> {
    Mutex::new(plan.groups.iter().enumerate().collect())
}

/// What a worker needs: shared, read-only, or cancellation.
pub(super) struct Worker<'a> {
    pub plan: &'a Plan,
    /// How the hosts are reached (SSH/SFTP, or a test's fake).
    pub hosts: &'a dyn Hosts,
    pub data: &'a [u8],
    pub cancel: &'a Cancel,
    pub options: Options,
    pub failures: &'a AtomicUsize,
    /// The step each host had in the interrupted run being resumed.
    pub previous: &'a HashMap<String, Step>,
    /// This run's id and this Cloud Connect node (the hosts' leases name them).
    pub uid: &'a str,
    pub me: &'a str,
    /// The runs this cluster's record shows finished (their leases are stale).
    pub finished: &'a HashSet<String>,
    /// With maintenance mode: how each product enters and leaves it.
    pub maintenance: Option<&'a crate::ops::maintenance::Set>,
    /// The signed maintenance set when there is one (a resumed node left in maintenance is
    /// told even without maintenance mode).
    pub maintenance_known: Option<&'a crate::ops::maintenance::Set>,
}

/// A node's failure: what to say, and whether its installer may still be running.
pub(super) struct Fail {
    pub detail: String,
    pub installer_may_run: bool,
}

impl From<NodeError> for Fail {
    fn from(e: NodeError) -> Fail {
        Fail {
            detail: e.to_string(),
            installer_may_run: false,
        }
    }
}

impl From<crate::ops::lease::LeaseFileError> for Fail {
    fn from(e: crate::ops::lease::LeaseFileError) -> Fail {
        Fail::from(NodeError::from(e))
    }
}

impl Fail {
    /// A failure during which the node's installer may have been left running.
    fn may_run(detail: impl std::fmt::Display) -> Fail {
        Fail {
            detail: detail.to_string(),
            installer_may_run: true,
        }
    }
}

impl Worker<'_> {
    /// Take groups from the queue until it is empty, each member of a group after the other.
    pub fn drain(&self, queue: &GroupQueue, tx: &mpsc::Sender<Msg>) {
        while let Some((g, group)) = queue.lock().ok().and_then(|mut q| q.pop_front()) {
            let mut stopped: Option<String> = None;
            for t in group {
                let r = match &stopped {
                    // Never a second member of the group while one may still be in its
                    // installer, or down.
                    Some(host) => NodeResult::skipped(
                        t,
                        format!(
                            "not started: {host}, of the same group, may still be in its installer"
                        ),
                    ),
                    None => self.node(g, t, tx),
                };
                if r.result == Outcome::Interrupted {
                    stopped = Some(r.host.clone());
                }
                if tx.send(Msg::Finished(r)).is_err() {
                    return;
                }
            }
        }
    }

    pub fn node(&self, group: usize, t: &Target, tx: &mpsc::Sender<Msg>) -> NodeResult {
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
    fn take_lease(&self, group: usize, t: &Target, conn: &dyn RemoteHost) -> Result<(), NodeError> {
        let finished = |run: &str| self.finished.contains(run);
        let others: Vec<&Target> = self.plan.groups[group]
            .iter()
            .chain(&self.plan.members[group])
            .collect();
        lease::take_for_group(
            conn,
            &self.lease_for(t),
            self.hosts,
            &others,
            self.cancel,
            &finished,
            self.options.break_leases,
        )
        .map_err(|e| match e {
            lease::TakeError::File(e) => NodeError::from(e),
            lease::TakeError::Refused(why) => NodeError::Refused(why),
        })
    }

    /// Decide, act, check. `Err` is the node's failure, said for the table.
    fn change(
        &self,
        group: usize,
        t: &Target,
        tx: &mpsc::Sender<Msg>,
        r: &mut NodeResult,
    ) -> Result<(Outcome, String), Fail> {
        let conn = self.hosts.connect(t)?;
        let catalogue = &self.plan.catalogue;
        let mut before = read_installed(self.cancel, t, conn.as_ref(), catalogue)?;
        let shown = |i: &Installed| {
            if self.plan.op.patch_level() {
                level(i)
            } else {
                i.version.clone()
            }
        };
        r.from_version = shown(&before);
        r.to_version = shown(&before);
        // An interrupted run's installer on this host: wait for it to end, then read again.
        if self.attach(t, conn.as_ref(), &before, tx)? {
            // FROM stays what the node had before that installer; TO is what it left.
            before = read_installed(self.cancel, t, conn.as_ref(), catalogue)?;
            r.to_version = shown(&before);
        }
        let decision = self.decide(t, conn.as_ref(), &before)?;
        // A change the interrupted run began and that ended meanwhile: with maintenance mode,
        // its node is taken out of the maintenance that run put it in.
        let settled = |outcome: Outcome, d: String| -> Result<(Outcome, String), Fail> {
            if self.interrupted_step(t).is_some() {
                self.leave_maintenance(t, conn.as_ref(), ForChange::WasIn, tx)
                    .map_err(NodeError::Refused)?;
                self.tell_left_in_maintenance(t, conn.as_ref(), tx);
            }
            let _ = lease::release(conn.as_ref(), self.uid, self.cancel);
            Ok((outcome, d))
        };
        let (to, what) = match decision {
            Decision::Already(d) => return settled(Outcome::AlreadyDone, d),
            Decision::NotApplicable(d) => return settled(Outcome::NotApplicable, d),
            Decision::Do { to, what } => (to, what),
        };
        r.to_version = to.clone();
        if let Some(a) = &self.plan.artifact {
            let free = conn.free_space().map_err(NodeError::FreeSpace)?;
            if free < a.size.saturating_mul(2) {
                return Err(NodeError::NoSpace {
                    free_mib: free >> 20,
                    needed_mib: (a.size.saturating_mul(2) >> 20).max(1),
                }
                .into());
            }
        }
        self.take_lease(group, t, conn.as_ref())?;
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
            let _ = lease::release(conn.as_ref(), self.uid, self.cancel);
            return Err(NodeError::NotStarted.into());
        }
        let how = match self.enter_maintenance(group, t, conn.as_ref(), tx) {
            Ok(how) => how,
            Err(why) => {
                let _ = lease::release(conn.as_ref(), self.uid, self.cancel);
                return Err(NodeError::Refused(why).into());
            }
        };
        let (conn, reported) = match self.act(t, conn, &before, tx) {
            Ok(x) => x,
            Err(mut f) => {
                if how != ForChange::Without {
                    f.detail.push_str(if f.installer_may_run {
                        "; it stays in maintenance mode until the same command, run again, settles it"
                    } else {
                        "; it stays in maintenance mode (utils system maintenance end takes it out once it is fixed)"
                    });
                }
                if f.installer_may_run {
                    // The step keeps what was being done (a resumed rollback's target).
                    f.detail = format!("{what}: {}", f.detail);
                } else if let Ok(c) = self.hosts.connect(t) {
                    // The installer ended (or never started): the host is free again.
                    let _ = lease::release(c.as_ref(), self.uid, self.cancel);
                }
                return Err(f);
            }
        };
        // The health check: the node answers with what it runs now (a VOS node's console
        // reports it as the command's result; a Windows node is read again).
        let after = match reported {
            Some(report) => {
                Installed::parse(report.trim().as_bytes()).map_err(NodeError::AfterReport)
            }
            None => read_installed(self.cancel, t, conn.as_ref(), catalogue)
                .map_err(|e| NodeError::HealthCheck(Box::new(e))),
        };
        if let Ok(a) = &after {
            r.to_version = shown(a);
        }
        let checked = after.and_then(|a| self.verify(&before, &a, &to));
        // Out of maintenance mode only once the change is seen to end well (a restart may
        // have taken it out already): a node that fails its check stays out of service, and
        // its line says so. Then the host is free again, read or not.
        let left = match &checked {
            Ok(_) => self.leave_maintenance(t, conn.as_ref(), how, tx),
            Err(_) => Ok(()),
        };
        let _ = lease::release(conn.as_ref(), self.uid, self.cancel);
        match checked {
            Err(e) if how != ForChange::Without => Err(Fail::from(NodeError::Refused(format!(
                "{e}; it stays in maintenance mode (utils system maintenance end takes it out once it is fixed)"
            )))),
            Err(e) => Err(Fail::from(e)),
            Ok(d) => {
                left.map_err(NodeError::Refused)?;
                Ok((Outcome::Done, d))
            }
        }
    }

    /// Maintenance mode around the node's change, before it: with it, the node's peers in
    /// the group (chosen or not) must not be in maintenance and the node is put in it;
    /// without it, a peer in maintenance refuses the change. `Err`: why not; nothing was
    /// changed.
    fn enter_maintenance(
        &self,
        group: usize,
        t: &Target,
        conn: &dyn RemoteHost,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<ForChange, String> {
        let members = self.plan.groups[group]
            .iter()
            .chain(&self.plan.members[group]);
        let how = crate::ops::maintenance::before_change(
            self.hosts,
            t,
            members,
            conn,
            self.maintenance,
            self.maintenance_known,
            self.plan.op.maintenance_reason(),
            self.cancel,
        )?;
        if how != ForChange::Without {
            let _ = tx.send(Msg::Waiting {
                host: t.row.name.clone(),
                what: "in maintenance mode".into(),
            });
        }
        Ok(how)
    }

    /// Without maintenance mode, on a node an interrupted run had begun to change: say when it
    /// is still in maintenance (that run may have put it there), with the remedy.
    fn tell_left_in_maintenance(&self, t: &Target, conn: &dyn RemoteHost, tx: &mpsc::Sender<Msg>) {
        let Some(set) = self
            .maintenance_known
            .filter(|_| self.maintenance.is_none())
        else {
            return;
        };
        if let Some(why) = crate::ops::maintenance::left_in(conn, t, set) {
            let _ = tx.send(Msg::Waiting {
                host: t.row.name.clone(),
                what: why,
            });
        }
    }

    /// After the node's change was seen to end well: out of the maintenance this run (or the
    /// interrupted run it resumes) put it in; left in one it found, said.
    fn leave_maintenance(
        &self,
        t: &Target,
        conn: &dyn RemoteHost,
        how: ForChange,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<(), String> {
        let resumed = self.interrupted_step(t).is_some();
        let note = crate::ops::maintenance::after_change(
            conn,
            t,
            self.maintenance,
            how,
            resumed,
            self.cancel,
        )?;
        if let Some(what) = note {
            let _ = tx.send(Msg::Waiting {
                host: t.row.name.clone(),
                what,
            });
        }
        Ok(())
    }

    /// The step this host had in the interrupted run, when its change began and was not seen
    /// to end.
    pub(super) fn interrupted_step(&self, t: &Target) -> Option<&Step> {
        self.previous.get(&t.row.name).filter(|s| unfinished(s))
    }

    /// A host whose installer an interrupted run started and did not see end: never start a
    /// second one. A VOS node is asked whether its own install still runs; a Windows node with
    /// the manifest's `running` command. While it runs, wait (saying so, naming the host).
    /// `Ok(true)`: waited, read the node again.
    fn attach(
        &self,
        t: &Target,
        conn: &dyn RemoteHost,
        now: &Installed,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<bool, Fail> {
        let started = self.interrupted_step(t).is_some() || now.pending.is_some();
        // Even --force never starts an installer beside one that still runs.
        if !started {
            return Ok(false);
        }
        let vos = Platform::of(&t.row) == Platform::Vos;
        let probe = if vos {
            Some("utils system upgrade status --output json".to_owned())
        } else {
            self.pending_manifest(now).and_then(|m| m.running.clone())
        };
        let Some(probe) = probe else {
            return Ok(false);
        };
        let still_runs = || -> Result<bool, Fail> {
            let (code, out) = conn.run_read(&probe).map_err(|e| {
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

    /// Run an installing command on the node; its output's tail when it fails. Stopped before
    /// its end (Ctrl-C, a dropped connection, the time limit), it may still run on the node.
    fn remote(&self, conn: &dyn RemoteHost, command: &str, what: &str) -> Result<String, Fail> {
        match conn.run_install(command, self.cancel) {
            Ok((0, out)) => Ok(out),
            Ok((code, out)) => Err(NodeError::Exited {
                what: what.to_owned(),
                code,
                tail: tail(&out, 200),
            }
            .into()),
            Err(e) => Err(Fail::may_run(format!("{what}: {e}"))),
        }
    }

    /// Do the change; the connection to use afterwards (a new one after a restart) and, from a
    /// VOS node, its console's report of what it runs now (`--output json`).
    fn act<'h>(
        &self,
        t: &Target,
        conn: Box<dyn RemoteHost + 'h>,
        before: &Installed,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<(Box<dyn RemoteHost + 'h>, Option<String>), Fail>
    where
        Self: 'h,
    {
        let vos = Platform::of(&t.row) == Platform::Vos;
        match self.plan.op {
            Operation::PatchInstall | Operation::Upgrade => {
                let a = self
                    .plan
                    .artifact
                    .as_ref()
                    .ok_or(NodeError::Missing("artifact"))?;
                let m = &a.manifest;
                conn.write_file(&m.file, self.data, self.cancel)
                    .map_err(NodeError::Transfer)?;
                if vos {
                    let name = format!("{}{MANIFEST_SUFFIX}", m.file);
                    conn.write_file(&name, &a.manifest_bytes, self.cancel)
                        .map_err(NodeError::Transfer)?;
                    let switch = if self.plan.switch {
                        " --switch-version"
                    } else {
                        ""
                    };
                    let command = format!(
                        "utils system upgrade initiate --file {}{switch} --yes --output json",
                        m.file
                    );
                    let report = self.remote(conn.as_ref(), &command, "the VOS upgrade")?;
                    return Ok((conn, Some(report)));
                }
                let mut pending = before.clone();
                pending.pending = Some(m.file.clone());
                write_record(conn.as_ref(), self.cancel, &pending)?;
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
                write_record(conn.as_ref(), self.cancel, &after)?;
                Ok((conn, None))
            }
            Operation::PatchRollback => {
                if vos {
                    let report = self.remote(
                        conn.as_ref(),
                        "utils system upgrade rollback-patch --yes --output json",
                        "the VOS rollback",
                    )?;
                    return Ok((conn, Some(report)));
                }
                let latest = before.patches.last().ok_or(NodeError::Missing("patch"))?;
                let command = self
                    .plan
                    .uninstall
                    .get(&latest.name)
                    .and_then(|m| m.uninstall.clone())
                    .unwrap_or_default();
                let mut pending = before.clone();
                pending.pending = Some(format!("{ROLLBACK_PENDING}{}", latest.name));
                write_record(conn.as_ref(), self.cancel, &pending)?;
                let conn = self.run_installer(t, conn, &command, false, before, tx)?;
                let mut after = before.clone();
                after.pending = None;
                after.patches.pop();
                write_record(conn.as_ref(), self.cancel, &after)?;
                Ok((conn, None))
            }
            Operation::SwitchForward | Operation::Rollback => {
                let report = self.remote(
                    conn.as_ref(),
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
    fn run_installer<'h>(
        &self,
        t: &Target,
        conn: Box<dyn RemoteHost + 'h>,
        command: &str,
        reboot: bool,
        before: &Installed,
        tx: &mpsc::Sender<Msg>,
    ) -> Result<Box<dyn RemoteHost + 'h>, Fail>
    where
        Self: 'h,
    {
        match conn.run_install(command, self.cancel) {
            Ok((0, _)) => {}
            // The session of an installer that restarts the node may end with the node.
            Err(SshError::Dropped { .. }) if reboot => {}
            Ok((code, out)) => {
                let failed = NodeError::Exited {
                    what: "the installer".to_owned(),
                    code,
                    tail: tail(&out, 200),
                };
                return Err(match write_record(conn.as_ref(), self.cancel, before) {
                    Ok(()) => failed,
                    Err(e) => NodeError::Both(Box::new(failed), Box::new(e)),
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
        let mut went_down = |what: &str| {
            let _ = tx.send(Msg::Waiting {
                host: t.row.name.clone(),
                what: what.into(),
            });
        };
        super::host::await_restart(
            self.hosts,
            t,
            self.cancel,
            DOWN_TIMEOUT,
            UP_TIMEOUT,
            &mut went_down,
        )
        .map_err(|e| match e {
            super::host::RestartError::Probe(e) => Fail::from(*e),
            other => Fail::may_run(other),
        })
    }

    /// The change is what was meant.
    fn verify(&self, before: &Installed, after: &Installed, to: &str) -> Result<String, NodeError> {
        let refused = |s: String| Err(NodeError::Refused(s));
        match self.plan.op {
            Operation::PatchInstall => {
                let m = &self
                    .plan
                    .artifact
                    .as_ref()
                    .ok_or(NodeError::Missing("artifact"))?
                    .manifest;
                if after.has_patch(&m.file) {
                    Ok(format!("{} installed", m.file))
                } else {
                    refused(format!(
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
                    refused(format!("the node still reports {gone}"))
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
                    refused(format!("the node does not report {to} after the upgrade"))
                }
            }
            Operation::SwitchForward | Operation::Rollback => {
                if after.version == to {
                    Ok(format!("{to} active"))
                } else {
                    refused(format!(
                        "the node runs {} after the switch, not {to}",
                        after.version
                    ))
                }
            }
        }
    }
}
