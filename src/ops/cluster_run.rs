//! One orchestration run at a time per Cloud Connect cluster, whichever node starts it
//! (issue 23).
//!
//! The orchestration lock of rule R12 in docs/rules.md#r12 is a node's: it keeps two processes on
//! one state directory apart, but the publisher and the subscriber each have their own. So a run
//! first takes its node's lock, then *claims the cluster*: it writes the claim in its own database
//! (state `claiming`) and asks the other node, which grants it unless a run of its own is live
//! there. When both ask at the same moment the publisher wins: a subscriber that is itself
//! still asking yields to its publisher, the publisher never yields, and each side confirms
//! its claim in one transaction after the answer, so at most one of the two goes on (both may
//! be refused; neither ever runs beside the other). The claim carries the run's record, so the
//! other node knows the run before any host is touched, and every step and the end are sent
//! to it as they happen: `show history` and `show in-progress` on either node show both
//! nodes' runs.
//!
//! When the other node cannot be asked the run is refused, unless the administrator says the
//! other node is down (`--peer-down`), which the run's record keeps. Beside this, the hosts
//! themselves carry a lease (`ops::lease`) that no second run can take, for the cases no claim
//! can see: two nodes that cannot reach each other, a stale claim, another deployment's
//! Cloud Connect.

use std::path::PathBuf;
use std::time::Duration;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::cloud_connect::CloudConnect;
use crate::domain::Role;
use crate::state::lock::LockGuard;
use crate::state::orchestration::{Claim, ClaimAnswer, Run};
/// Declared in `wire` (the client and the service both read it).
pub use crate::wire::PeerClaim;

/// How long the other node may take to answer a claim or take a record.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);

/// The cluster's run, held until dropped (the claim is released on both nodes' records as
/// the run's end is reported).
pub struct Held {
    db_path: PathBuf,
    me: String,
    uid: String,
    peer: Option<(String, CloudConnect)>,
    /// Why the other node was not asked, when it was not.
    pub note: Option<String>,
    _lock: LockGuard,
}

/// A new id for a run, the same on both nodes.
pub fn new_uid() -> String {
    use rand_core::RngCore;
    let mut b = [0u8; 12];
    rand_core::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Take this node's orchestration lock, then the cluster's, for `run`.
pub fn claim(node: &mut Node, command: &str, run: &Run, peer_down: bool) -> OpResult<Held> {
    let lock = node.orchestration_lock(command)?;
    let me = node.identity()?;
    let db_path = node.db()?.path().to_path_buf();
    let mine = Claim {
        holder: me.hostname.clone(),
        run_uid: run.uid.clone(),
        command: command.to_owned(),
        subject: run.subject.clone(),
        actor: run.actor.clone(),
        state: "claiming".into(),
        since: String::new(),
    };
    node.db()?
        .claim_start(&me.hostname, &mine, std::process::id())?;
    let mut held = Held {
        db_path,
        me: me.hostname.clone(),
        uid: run.uid.clone(),
        peer: None,
        note: None,
        _lock: lock,
    };
    if let Some(other) = super::cluster::other_node(node)? {
        let body = PeerClaim {
            publisher: me.role == Role::Publisher,
            command: command.to_owned(),
            run: run.clone(),
        };
        let asked = super::cluster::peer(node, PEER_TIMEOUT)
            .and_then(|c| Ok((c.claim_run(&other, &body)?, c)));
        match asked {
            Ok((ClaimAnswer::Granted, client)) => held.peer = Some((other, client)),
            Ok((ClaimAnswer::Refused(theirs), _)) => {
                return Err(OpError::new(
                    Kind::Busy,
                    format!(
                        "the other Cloud Connect node {other} is running '{} {}' (started by {}{}); one orchestration runs at a time in the cluster",
                        theirs.command,
                        theirs.subject,
                        theirs.actor,
                        if theirs.since.is_empty() { String::new() } else { format!(" at {} UTC", theirs.since) }
                    ),
                )
                .hint("watch it with utils deployment show progress-HA, and run this again when it has ended"));
            }
            // The other node answered, and not with a grant: never passed over.
            Err(e)
                if !matches!(
                    e.kind,
                    Kind::Unreachable | Kind::NotConfigured | Kind::Untrusted
                ) =>
            {
                return Err(OpError::new(
                    e.kind,
                    format!(
                        "the other Cloud Connect node {other} answered the claim of the cluster's orchestration run with an error: {}",
                        e.message
                    ),
                )
                .hint("see that node's log (logs/ in its state directory); both nodes of a cluster must run the same ccadmin release"));
            }
            Err(e) if peer_down => {
                held.note = Some(format!(
                    "the other Cloud Connect node {other} could not be asked ({}); started with --peer-down",
                    e.message
                ));
            }
            Err(e) => {
                return Err(OpError::new(
                    Kind::Unreachable,
                    format!(
                        "the other Cloud Connect node {other} cannot be asked whether it runs an orchestration: {}",
                        e.message
                    ),
                )
                .hint("start its service (ccadmin serve) and run this again; if you know it is down, add --peer-down (the run records it; the hosts' leases still keep two runs apart)"));
            }
        }
    }
    if let Some(theirs) = node.db()?.claim_confirm(&held.me, &held.uid)? {
        return Err(OpError::new(
            Kind::Busy,
            format!(
                "the other Cloud Connect node {} started '{} {}' at the same moment; it goes on, this run does not",
                theirs.holder, theirs.command, theirs.subject
            ),
        )
        .hint("watch it with utils deployment show progress-HA, and run this again when it has ended"));
    }
    Ok(held)
}

impl Held {
    /// Whether there is another node to tell (it was asked and granted the claim).
    pub fn has_peer(&self) -> bool {
        self.peer.is_some()
    }

    /// Tell the other node how the run stands (best effort: a node that cannot be told now
    /// is told at the next step or at the end).
    pub fn share(&self, run: &Run) -> bool {
        match &self.peer {
            Some((host, client)) => client.report_run(host, run).is_ok(),
            None => false,
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Ok(mut db) = crate::state::Db::open(&self.db_path, &self.me) {
            let _ = db.claim_release(&self.me, &self.uid);
        }
    }
}

/// The other node claims the cluster (`POST /cluster/orchestration/claim`).
pub fn claim_for_peer(node: &mut Node, c: &PeerClaim) -> OpResult<ClaimAnswer> {
    node.require_cloud_connect(false)?;
    c.run
        .check()
        .map_err(|e| OpError::new(Kind::Invalid, format!("the run: {e}")))?;
    let me = node.identity()?;
    if c.run.node == me.hostname {
        return Err(OpError::new(
            Kind::Invalid,
            "the claim names this node as the one that runs it",
        ));
    }
    if c.command.len() > 64 || c.command.chars().any(char::is_control) {
        return Err(OpError::new(Kind::Invalid, "the command is not a command"));
    }
    let claim = Claim {
        holder: c.run.node.clone(),
        run_uid: c.run.uid.clone(),
        command: c.command.clone(),
        subject: c.run.subject.clone(),
        actor: c.run.actor.clone(),
        state: "granted".into(),
        since: String::new(),
    };
    let db = node.db()?;
    let answer = db.claim_for_peer(&me.hostname, me.role == Role::Publisher, &claim)?;
    if answer == ClaimAnswer::Granted {
        db.keep_remote_run(&me.hostname, &c.run)?;
    }
    Ok(answer)
}

/// The other node reports one of its runs (`PUT /cluster/orchestration/run`).
pub fn keep_peer_run(node: &mut Node, run: &Run) -> OpResult {
    node.require_cloud_connect(false)?;
    run.check()
        .map_err(|e| OpError::new(Kind::Invalid, format!("the run: {e}")))?;
    let me = node.identity()?;
    if run.node == me.hostname {
        return Err(OpError::new(
            Kind::Invalid,
            "the run names this node as the one that runs it",
        ));
    }
    node.db()?.keep_remote_run(&me.hostname, run)?;
    Ok(())
}
