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
//!
//! This module holds the vocabulary every part shares (the operation, how a node and a run
//! end, the options and events of a run); the parts are one file per job:
//!
//! - [`plan`]: which hosts, in which groups and order (pure selection, testable without a node);
//! - [`engine`]: running a plan: the record, resuming, the group queue, the audit line;
//! - [`worker`]: one node's change (lease, start, act, wait for a restart, check);
//! - [`decide`]: what one node needs, from what it runs and what an interrupted run left;
//! - [`host`]: what is asked of a host, behind the [`RemoteHost`] seam (SSH/SFTP in production,
//!   a fake in the unit tests);
//! - [`queries`]: the read-only questions (status, progress, history, the parallel setting).

use std::collections::HashMap;

use serde::Serialize;

mod decide;
mod engine;
mod host;
mod plan;
mod queries;
mod worker;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

pub use engine::run;
pub use host::{await_restart, Hosts, NodeError, RemoteHost, RestartError, SshHosts};
pub use plan::{find_artifact, in_pair_order, plan, Artifact, Choice, Plan};
pub use queries::{
    history, in_progress, max_parallel, own_progress, progress_ha, refuse_beside_an_unfinished_run,
    refuse_beside_an_unfinished_run_but, reset_max_parallel, set_max_parallel, status,
    stopped_runs, HostStatus, DEFAULT_PARALLEL, MAX_PARALLEL,
};
// The wire form of a node's run view: shared with the client that asks the other node.
pub use crate::wire::{Progress, RunState};

use crate::state::orchestration::Step;

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
    /// Why a node is put in maintenance for this operation (what a Router or Rogger asks).
    pub fn maintenance_reason(self) -> crate::ops::maintenance::Reason {
        use crate::ops::maintenance::Reason;
        match self {
            Operation::PatchInstall => Reason::EsInstall,
            Operation::PatchRollback => Reason::EsRollback,
            Operation::Upgrade | Operation::SwitchForward | Operation::Rollback => {
                Reason::MajorUpgrade
            }
        }
    }

    const ALL: [Operation; 5] = [
        Operation::PatchInstall,
        Operation::PatchRollback,
        Operation::Upgrade,
        Operation::SwitchForward,
        Operation::Rollback,
    ];
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
    /// The operation a recorded label names.
    pub(crate) fn from_label(s: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| o.label() == s)
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
    /// Whether a node is shown by its patch level (version and newest patch), not its version.
    fn patch_level(self) -> bool {
        matches!(self, Operation::PatchInstall | Operation::PatchRollback)
    }
}

// How a node ended, and the result a step is recorded with: one text form each, declared
// with the record (`state::orchestration`).
pub use crate::state::orchestration::{Outcome, StepResult};

/// The result recorded while a node's step runs.
pub const RUNNING: &str = StepResult::RUNNING;

/// Whether a recorded step says its change began and was not seen to end.
pub fn unfinished(step: &Step) -> bool {
    matches!(
        step.result,
        StepResult::Running | StepResult::Ended(Outcome::Interrupted)
    )
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
                    .is_some_and(|s| unfinished(s) || s.result == StepResult::Ended(Outcome::Done))
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
    fn skipped(t: &super::connectivity::Target, why: String) -> NodeResult {
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

/// With maintenance mode, every node of a run must be of a product the signed maintenance
/// command set has commands for; else the run is refused, naming the nodes that are not.
pub fn require_maintenance_support(
    set: &crate::ops::maintenance::Set,
    rows: &[&crate::inventory::model::HostRow],
) -> crate::ops::OpResult {
    let not: Vec<String> = rows
        .iter()
        .filter(|r| !crate::ops::maintenance::supports(set, &r.product))
        .map(|r| format!("{} ({})", r.name, r.product))
        .collect();
    if !not.is_empty() {
        let products: Vec<&str> = set.keys().map(String::as_str).collect();
        return Err(crate::ops::OpError::new(
            crate::ops::Kind::Invalid,
            format!(
                "maintenance mode is not supported on {}",
                not.join(", ")
            ),
        )
        .hint(format!(
            "the signed maintenance command set covers {}; choose those nodes, or run without maintenance mode",
            products.join(", ")
        )));
    }
    Ok(())
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
    /// Put each node in maintenance mode before its change and take it out after (Cisco's
    /// "With maintenance mode"); the signed `maintenance.json` says how, per product.
    pub maintenance: bool,
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
