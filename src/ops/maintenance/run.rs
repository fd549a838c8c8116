//! The commands' side of maintenance mode: which nodes may be chosen (the products the signed
//! set supports), the recorded run of `utils system maintenance initiate|end` over them (the
//! orchestration lock, the cluster's claim, the run history and the audit log, through the run
//! `icm-services` shares: `ops::icm_services::run_hosts`), and the read-only `status`.

use serde::Serialize;

use super::{
    commands_for, end_on, enter_on, load_set, status_of, Ended, Entered, MaintError, Reason, Set,
    State,
};
use crate::inventory::model::HostRow;
use crate::ops::connectivity::Target;
use crate::ops::icm_services::{overall_of, run_hosts, HostLine, HostRun};
use crate::ops::orchestrate::{Choice, Hosts, SshHosts};
use crate::ops::{Kind, Node, OpError, OpResult};
use crate::state::orchestration::Outcome;

/// `utils system maintenance initiate`, as the orchestration lock and the audit log name it.
pub const COMMAND_INITIATE: &str = "utils system maintenance initiate";
/// `utils system maintenance end`, as the orchestration lock and the audit log name it.
pub const COMMAND_END: &str = "utils system maintenance end";

/// What is done on each node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Put it in maintenance, with this reason (Router, Rogger: required).
    Initiate(Option<Reason>),
    /// Take it out.
    End,
}

impl Action {
    /// The command, as the orchestration lock and the audit log name it.
    pub fn command(self) -> &'static str {
        match self {
            Action::Initiate(_) => COMMAND_INITIATE,
            Action::End => COMMAND_END,
        }
    }
    /// The operation as the run history names it.
    pub fn operation(self) -> &'static str {
        match self {
            Action::Initiate(_) => "maintenance initiate",
            Action::End => "maintenance end",
        }
    }
}

const SEE: &str = "see the hosts with: utils system inventory show";

/// The supported products of the set, for a refusal (`PG, ROUTER`).
fn supported(set: &Set) -> String {
    set.keys().cloned().collect::<Vec<_>>().join(", ")
}

/// The signed set and the chosen nodes, checked before anything is asked or touched: on a
/// Cloud Connect node, a usable signed set, every `--node` in the inventory and of a product
/// the set supports, and at least one chosen; pair by pair, side A first.
pub fn chosen(node: &mut Node, choice: &Choice) -> OpResult<(Set, Vec<HostRow>)> {
    node.require_cloud_connect(false)?;
    let set = load_set(node)?;
    let rows = crate::ops::inventory::current(node)?.rows();
    let able: Vec<HostRow> = rows
        .iter()
        .filter(|r| commands_for(&set, &r.product).is_some())
        .cloned()
        .collect();
    if able.is_empty() {
        return Err(OpError::new(
            Kind::NotConfigured,
            format!(
                "the inventory has no node of a product the maintenance command set supports ({})",
                supported(&set)
            ),
        )
        .hint(SEE));
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
                        .hint(SEE),
                )
            }
            Some(r) if commands_for(&set, &r.product).is_none() => {
                return Err(OpError::new(
                    Kind::Invalid,
                    format!(
                        "{name} does not support maintenance mode (it is a {} {} host); the signed maintenance command set supports {}",
                        r.platform,
                        r.product,
                        supported(&set)
                    ),
                )
                .hint("Cisco supports maintenance mode for PG, CVP server, IdS and Finesse (Router and Rogger with a reason)"))
            }
            Some(_) => {}
        }
    }
    let mut picked: Vec<HostRow> = able.into_iter().filter(|r| choice.matches(r)).collect();
    crate::ops::orchestrate::in_pair_order(&mut picked);
    if picked.is_empty() {
        return Err(OpError::new(
            Kind::NotFound,
            "no node that supports maintenance mode matches the selection",
        )
        .hint(SEE));
    }
    Ok((set, picked))
}

/// How one node ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostResult {
    /// Put in maintenance now.
    InMaintenance,
    /// It was in maintenance already; nothing was run.
    AlreadyInMaintenance,
    /// Taken out of maintenance now.
    Ended,
    /// It was not in maintenance; nothing was run.
    NotInMaintenance,
    Failed,
}

impl HostResult {
    pub fn label(self) -> &'static str {
        match self {
            HostResult::InMaintenance => "In maintenance",
            HostResult::AlreadyInMaintenance => "Already in maintenance",
            HostResult::Ended => "Maintenance ended",
            HostResult::NotInMaintenance => "Not in maintenance",
            HostResult::Failed => "Failed",
        }
    }
}

/// One node's line.
#[derive(Debug, Clone, Serialize)]
pub struct HostOutcome {
    pub host: String,
    pub product: String,
    pub group: String,
    pub side: String,
    pub result: HostResult,
    /// Why it failed.
    pub error: Option<String>,
}

impl HostLine for HostOutcome {
    fn step(&self) -> (Outcome, String) {
        match self.result {
            HostResult::InMaintenance => (Outcome::Done, "in maintenance".into()),
            HostResult::Ended => (Outcome::Done, "maintenance ended".into()),
            HostResult::AlreadyInMaintenance => {
                (Outcome::AlreadyDone, "already in maintenance".into())
            }
            HostResult::NotInMaintenance => (Outcome::AlreadyDone, "not in maintenance".into()),
            HostResult::Failed => (Outcome::Failed, self.error.clone().unwrap_or_default()),
        }
    }
    fn host(&self) -> (&str, &str) {
        (&self.host, &self.side)
    }
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

/// What the run loads before it takes anything: the set, and the targets of the chosen
/// nodes' peers (read before a node is put in maintenance).
struct Prepared {
    set: Set,
    peers: Vec<Target>,
    break_leases: bool,
}

/// How a maintenance run may go ahead: the other Cloud Connect node known down, other runs'
/// leases passed over on the administrator's word.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub peer_down: bool,
    pub break_leases: bool,
}

/// Do `action` on `hosts` (from [`chosen`]), one node after another, under the orchestration
/// lock and the cluster's claim; the run is recorded and audited (refusals included).
/// `on_host_done` is told each node's line as it ends. A node under a run's lease is not
/// touched; a node whose peer is in maintenance (or cannot be read) is not put in it.
pub fn run(
    node: &mut Node,
    action: Action,
    hosts: Vec<HostRow>,
    actor: &str,
    opts: Options,
    on_host_done: &mut dyn FnMut(&HostOutcome),
) -> OpResult<Report> {
    let what = match action {
        Action::Initiate(Some(r)) => format!(" ({r})"),
        _ => String::new(),
    };
    let run = HostRun {
        command: action.command(),
        operation: action.operation(),
        subject: match hosts.as_slice() {
            [one] => format!("maintenance of {}{what}", one.name),
            many => format!("maintenance of {} nodes{what}", many.len()),
        },
        actor,
        peer_down: opts.peer_down,
    };
    let chosen = hosts.clone();
    let prepare = |node: &mut Node| -> OpResult<Prepared> {
        let set = load_set(node)?;
        let peers = match action {
            Action::End => Vec::new(),
            Action::Initiate(_) => {
                let rows = crate::ops::inventory::current(node)?.rows();
                let mut wanted: Vec<HostRow> = Vec::new();
                for h in &chosen {
                    for p in super::peers(&rows, h) {
                        if !wanted.iter().any(|w| w.name == p.name) {
                            wanted.push(p.clone());
                        }
                    }
                }
                crate::ops::connectivity::access(node, wanted)?.0
            }
        };
        Ok(Prepared {
            set,
            peers,
            break_leases: opts.break_leases,
        })
    };
    let (run, hosts) = run_hosts(
        node,
        &run,
        hosts,
        prepare,
        |p: &Prepared, ctx: &crate::ops::icm_services::HostCtx, t: &Target| {
            let r = on_node(p, ctx, t, action);
            HostOutcome {
                host: t.row.name.clone(),
                product: t.row.product.clone(),
                group: t.row.group.clone(),
                side: t.row.side.clone(),
                result: r.as_ref().copied().unwrap_or(HostResult::Failed),
                error: r.err().map(|e| e.to_string()),
            }
        },
        on_host_done,
    )?;
    Ok(Report { run, hosts })
}

fn on_node(
    p: &Prepared,
    ctx: &crate::ops::icm_services::HostCtx,
    t: &Target,
    action: Action,
) -> Result<HostResult, MaintError> {
    let (hosts, cancel) = (ctx.hosts, ctx.cancel);
    if commands_for(&p.set, &t.row.product).is_none() {
        return Err(MaintError::NoCommands(t.row.product.clone()));
    }
    if let Action::Initiate(reason) = action {
        if reason.is_none() && super::asks_reason(&t.row.product) {
            return Err(MaintError::NoReason(t.row.product.clone()));
        }
    }
    let conn = hosts
        .connect(t)
        .map_err(|e| MaintError::Node(Box::new(e)))?;
    // The node is leased to this run while its maintenance changes, and no member of its
    // group may be leased by another run not known finished (it may be changing, or another
    // Cloud Connect node cut off from this one may be putting it in maintenance): a node under
    // another run's lease is untouched.
    let members: Vec<&Target> = p
        .peers
        .iter()
        .filter(|o| super::is_peer(&o.row, &t.row))
        .collect();
    let mine = crate::ops::lease::Lease {
        run: ctx.uid.to_owned(),
        node: ctx.me.to_owned(),
        host: t.row.name.clone(),
        group: t.row.group.clone(),
        operation: action.operation().to_owned(),
        since: crate::state::now_utc(),
    };
    crate::ops::lease::take_for_group(
        conn.as_ref(),
        &mine,
        hosts,
        &members,
        cancel,
        &|r| ctx.is_finished(r),
        p.break_leases,
    )
    .map_err(|e| MaintError::Lease(e.to_string()))?;
    let r = change(p, hosts, conn.as_ref(), t, cancel, action);
    // Seen to end (or refused): the lease goes; one a kill left is stale once this node's
    // next maintenance run ends this one as interrupted.
    let _ = crate::ops::lease::release(conn.as_ref(), ctx.uid, cancel);
    r
}

fn change(
    p: &Prepared,
    hosts: &dyn Hosts,
    conn: &dyn crate::ops::orchestrate::RemoteHost,
    t: &Target,
    cancel: &crate::cancel::Cancel,
    action: Action,
) -> Result<HostResult, MaintError> {
    cancel.check().map_err(|_| MaintError::Interrupted)?;
    match action {
        Action::Initiate(reason) => {
            let peers = p.peers.iter().filter(|o| super::is_peer(&o.row, &t.row));
            super::check_these_peers(hosts, t, peers, &p.set)?;
            Ok(match enter_on(conn, t, &p.set, reason, cancel)? {
                Entered::Now => HostResult::InMaintenance,
                Entered::Already => HostResult::AlreadyInMaintenance,
            })
        }
        Action::End => Ok(match end_on(conn, t, &p.set, cancel)? {
            Ended::Now => HostResult::Ended,
            Ended::Already => HostResult::NotInMaintenance,
        }),
    }
}

/// One node's maintenance state, or why it cannot be read.
#[derive(Debug, Clone, Serialize)]
pub struct StatusLine {
    pub host: String,
    pub product: String,
    pub group: String,
    pub side: String,
    /// `None`: it could not be read (`error` says why).
    pub state: Option<State>,
    pub error: Option<String>,
}

/// The maintenance state of each of `hosts` (from [`chosen`]): read only, no lock, nothing
/// recorded; a node that cannot be read says why.
pub fn status(node: &mut Node, set: &Set, hosts: Vec<HostRow>) -> OpResult<Vec<StatusLine>> {
    let (targets, access) = crate::ops::connectivity::access(node, hosts)?;
    let cancel = node.cancel.clone();
    let ssh = SshHosts {
        access: &access,
        cancel: &cancel,
    };
    let mut out = Vec::new();
    for t in &targets {
        cancel.check()?;
        let r = status_of(&ssh, t, set);
        out.push(StatusLine {
            host: t.row.name.clone(),
            product: t.row.product.clone(),
            group: t.row.group.clone(),
            side: t.row.side.clone(),
            state: r.as_ref().ok().copied(),
            error: r.err().map(|e| e.to_string()),
        });
    }
    Ok(out)
}
