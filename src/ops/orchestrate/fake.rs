//! A fake fleet of hosts for the unit tests: each host keeps what it runs, its files (the
//! lease, a Windows record) and every command asked of it, and the fleet counts the installers
//! running at once in each group. `drive` runs a plan's groups through the real worker as the
//! engine does, answering each start as recorded.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicUsize;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use super::host::{Hosts, NodeError, RemoteHost};
use super::worker::{group_queue, Msg, Worker};
use super::{NodeResult, Options, Plan};
use crate::cancel::Cancel;
use crate::clients::ssh::SshError;
use crate::ops::connectivity::Target;
use crate::ops::probe::Catalogue;
use crate::ops::software::{Installed, InstalledPatch};
use crate::state::orchestration::{Step, StepResult};

/// One fake host: what it runs, its files, and what was asked of it.
#[derive(Default)]
pub(super) struct HostState {
    /// A VOS host's answer to `show version active` (a Windows host keeps its record file).
    pub(super) installed: Option<Installed>,
    pub(super) files: HashMap<String, Vec<u8>>,
    /// Every command run on it.
    pub(super) commands: Vec<String>,
    /// Installers started on it.
    pub(super) installs: usize,
    /// How many more times an installer an earlier run started is reported as still running;
    /// when that reaches 0 it has done its work (`finishes`).
    pub(super) still_running: usize,
    pub(super) finishes: Option<String>,
    /// The installer's connection drops (its end is not seen).
    pub(super) drops: bool,
    /// The Windows check command passes.
    pub(super) check_passes: bool,
}

pub(super) struct Fleet {
    hosts: HashMap<String, Arc<Mutex<HostState>>>,
    /// Installers running now, and the most at once, by group.
    running: Mutex<HashMap<String, (usize, usize)>>,
}

impl Fleet {
    pub(super) fn new(names: &[&str]) -> Fleet {
        Fleet {
            hosts: names
                .iter()
                .map(|n| (n.to_string(), Arc::default()))
                .collect(),
            running: Mutex::default(),
        }
    }
    pub(super) fn host(&self, name: &str) -> std::sync::MutexGuard<'_, HostState> {
        self.hosts[name].lock().unwrap()
    }
    pub(super) fn most_at_once(&self, group: &str) -> usize {
        self.running.lock().unwrap().get(group).map_or(0, |r| r.1)
    }
}

struct FakeHost<'a> {
    fleet: &'a Fleet,
    group: String,
    state: Arc<Mutex<HostState>>,
}

fn not_found(path: &str) -> SshError {
    SshError::NotFound {
        endpoint: "fake".into(),
        path: path.into(),
    }
}

fn patch(name: &str) -> InstalledPatch {
    InstalledPatch {
        name: name.into(),
        version: "12.6.1".into(),
        rollback: true,
        installed_at: String::new(),
    }
}

impl FakeHost<'_> {
    fn finish_earlier_installer(s: &mut HostState) {
        if let Some(p) = s.finishes.take() {
            if let Some(i) = s.installed.as_mut() {
                i.patches.push(patch(&p));
            }
        }
    }
}

impl RemoteHost for FakeHost<'_> {
    fn run_read(&self, command: &str) -> Result<(i32, String), SshError> {
        let mut s = self.state.lock().unwrap();
        s.commands.push(command.to_owned());
        if command == "show version active --output json" {
            let i = s.installed.clone().expect("a VOS host");
            return Ok((0, serde_json::to_string(&i).unwrap()));
        }
        if command == "utils system upgrade status --output json" || command.starts_with("running ")
        {
            let windows = command.starts_with("running ");
            if s.still_running > 0 {
                s.still_running -= 1;
                return Ok((0, r#"{"state":"running"}"#.into()));
            }
            Self::finish_earlier_installer(&mut s);
            return Ok(if windows {
                (1, String::new())
            } else {
                (0, r#"{"state":"idle"}"#.into())
            });
        }
        if command.starts_with("check ") {
            return Ok((if s.check_passes { 0 } else { 1 }, String::new()));
        }
        panic!("unexpected read command {command}");
    }

    fn run_install(&self, command: &str, _: &Cancel) -> Result<(i32, String), SshError> {
        {
            let mut s = self.state.lock().unwrap();
            s.commands.push(command.to_owned());
            s.installs += 1;
        }
        {
            let mut r = self.fleet.running.lock().unwrap();
            let e = r.entry(self.group.clone()).or_default();
            e.0 += 1;
            e.1 = e.1.max(e.0);
        }
        std::thread::sleep(Duration::from_millis(40));
        self.fleet
            .running
            .lock()
            .unwrap()
            .get_mut(&self.group)
            .unwrap()
            .0 -= 1;
        let mut s = self.state.lock().unwrap();
        if s.drops {
            return Err(SshError::Dropped {
                endpoint: "fake".into(),
                op: "exec",
                path: command.into(),
                reason: "connection reset".into(),
            });
        }
        if let Some(file) = command
            .strip_prefix("utils system upgrade initiate --file ")
            .and_then(|c| c.split(' ').next())
        {
            let i = s.installed.as_mut().expect("a VOS host");
            i.patches.push(patch(file));
            return Ok((0, serde_json::to_string(i).unwrap()));
        }
        Ok((0, String::new()))
    }

    fn read_file(&self, name: &str, _: u64, _: &Cancel) -> Result<Vec<u8>, SshError> {
        let s = self.state.lock().unwrap();
        s.files.get(name).cloned().ok_or_else(|| not_found(name))
    }

    fn write_file(&self, name: &str, data: &[u8], _: &Cancel) -> Result<(), SshError> {
        let mut s = self.state.lock().unwrap();
        s.files.insert(name.to_owned(), data.to_vec());
        Ok(())
    }

    fn create_file_exclusive(&self, name: &str, data: &[u8], _: &Cancel) -> Result<bool, SshError> {
        let mut s = self.state.lock().unwrap();
        if s.files.contains_key(name) {
            return Ok(false);
        }
        s.files.insert(name.to_owned(), data.to_vec());
        Ok(true)
    }

    fn rename_no_replace(&self, from: &str, to: &str) -> Result<(), SshError> {
        let mut s = self.state.lock().unwrap();
        if s.files.contains_key(to) {
            return Err(not_found(to));
        }
        let data = s.files.remove(from).ok_or_else(|| not_found(from))?;
        s.files.insert(to.to_owned(), data);
        Ok(())
    }

    fn remove_file(&self, name: &str) -> Result<bool, SshError> {
        Ok(self.state.lock().unwrap().files.remove(name).is_some())
    }

    fn free_space(&self) -> Result<u64, SshError> {
        Ok(1 << 40)
    }

    fn probe_installed(
        &self,
        _: &Catalogue,
        _: &Cancel,
        t: &Target,
        record: Option<Installed>,
    ) -> Result<Installed, NodeError> {
        record.ok_or_else(|| NodeError::Probe(format!("cannot tell what {} runs", t.row.name)))
    }
}

impl Hosts for Fleet {
    fn connect(&self, t: &Target) -> Result<Box<dyn RemoteHost + '_>, NodeError> {
        let state = self
            .hosts
            .get(&t.row.name)
            .ok_or_else(|| NodeError::NoAccess(format!("{} is not in the fleet", t.row.name)))?;
        Ok(Box::new(FakeHost {
            fleet: self,
            group: t.row.group.clone(),
            state: state.clone(),
        }))
    }
    fn reachable(&self, _: &Target) -> Result<bool, NodeError> {
        Ok(true)
    }
}

pub(super) fn running_vos(patches: &[&str]) -> Option<Installed> {
    Some(Installed {
        version: "12.6.1".into(),
        inactive: None,
        patches: patches.iter().map(|p| patch(p)).collect(),
        pending: None,
    })
}

pub(super) fn windows_record(i: &Installed) -> Vec<u8> {
    serde_json::to_vec(i).unwrap()
}

/// What a run reported, in the order it came.
#[derive(Default)]
pub(super) struct Seen {
    pub(super) results: Vec<NodeResult>,
    pub(super) events: Vec<String>,
}

impl Seen {
    pub(super) fn result(&self, host: &str) -> &NodeResult {
        self.results
            .iter()
            .find(|r| r.host == host)
            .unwrap_or_else(|| panic!("no result for {host}"))
    }
}

/// Run the plan's groups on the fleet as the engine does (up to `options.parallel` groups at
/// once), the interrupted run's steps `previous`, answering each start as recorded.
pub(super) fn drive(
    plan: &Plan,
    fleet: &Fleet,
    previous: &HashMap<String, Step>,
    options: Options,
) -> Seen {
    let cancel = Cancel::new();
    let failures = AtomicUsize::new(0);
    let finished = HashSet::from(["finished-run".to_owned()]);
    let worker = Worker {
        plan,
        hosts: fleet,
        data: b"the artifact",
        cancel: &cancel,
        options,
        failures: &failures,
        previous,
        uid: "run-1",
        me: "cc-pub",
        finished: &finished,
        maintenance: None,
        maintenance_known: None,
    };
    let queue = group_queue(plan);
    let mut seen = Seen::default();
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Msg>();
        for _ in 0..options.parallel.max(1) {
            let tx = tx.clone();
            let (worker, queue) = (&worker, &queue);
            scope.spawn(move || worker.drain(queue, &tx));
        }
        drop(tx);
        for msg in rx {
            match msg {
                Msg::Started {
                    host,
                    what,
                    recorded,
                    ..
                } => {
                    seen.events.push(format!("started {host}: {what}"));
                    let _ = recorded.send(());
                }
                Msg::Waiting { host, what } => seen.events.push(format!("waiting {host}: {what}")),
                Msg::Finished(r) => seen.results.push(r),
            }
        }
    });
    seen
}

pub(super) fn options() -> Options {
    Options {
        max_fail: 10,
        parallel: 1,
        ..Options::default()
    }
}

/// The step an interrupted run left for a host: its change began and its end was not seen.
pub(super) fn running_step(host: &str, what: &str) -> Step {
    Step {
        host: host.into(),
        side: "A".into(),
        result: StepResult::Running,
        detail: what.into(),
        ..Step::default()
    }
}
