//! `utils dbreplication runtimestate`: each Cloud Connect node with its place in the log, as
//! this node knows it and as the other node's service answers.

use serde::Serialize;

use super::publish::publisher_view;
use super::{other_node, peer, PublisherView, TIMEOUT};
use crate::domain::Role;
use crate::ops::{Node, OpResult};

// ---- status ----

/// One Cloud Connect node's replication, as `utils dbreplication runtimestate` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NodeState {
    pub node: String,
    pub role: Role,
    pub this_node: bool,
    /// Whether the node's service answers (not asked of this node itself).
    pub reachable: Option<bool>,
    pub reason: Option<String>,
    /// The last change applied there (the publisher: its newest change).
    pub applied: Option<i64>,
    /// Changes it lacks, and since when (the oldest of them).
    pub lag: Option<i64>,
    pub behind_since: Option<String>,
    /// Failed attempts to send it the changes, and the last failure.
    pub attempts: i64,
    pub last_error: Option<String>,
    /// After failures: the next attempt is not before this time (UTC).
    pub retry_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub role: Role,
    pub cluster: Option<String>,
    /// The publisher's newest change, when known.
    pub sequence: Option<i64>,
    /// The publisher's history (epoch), and when and why it last began a new one.
    pub epoch: Option<String>,
    pub epoch_changed_at: Option<String>,
    pub epoch_changed_why: Option<String>,
    pub nodes: Vec<NodeState>,
}

/// `utils dbreplication runtimestate`: each Cloud Connect node with its place in the log.
pub fn status(node: &mut Node) -> OpResult<Status> {
    let me = node.identity()?;
    let other = other_node(node)?;
    let (reachable, reason, view) = match &other {
        Some(host) => {
            let asked = peer(node, TIMEOUT).and_then(|c| {
                if me.role == Role::Subscriber {
                    Ok(Some(c.replication_state(host)?))
                } else {
                    c.health(host)?;
                    Ok(None)
                }
            });
            match asked {
                Ok(v) => (Some(true), None, v),
                Err(e) => (Some(false), Some(e.message), None),
            }
        }
        None => (None, None, None),
    };
    let mut nodes = Vec::new();
    match me.role {
        Role::Publisher => {
            let view = publisher_view(node)?;
            nodes.push(NodeState {
                node: me.hostname.clone(),
                role: Role::Publisher,
                this_node: true,
                reachable: None,
                reason: None,
                applied: Some(view.sequence),
                lag: Some(0),
                behind_since: None,
                attempts: 0,
                last_error: None,
                retry_at: None,
            });
            if let Some(sub) = &view.subscriber {
                let applied = view.applied.unwrap_or(0);
                nodes.push(NodeState {
                    node: sub.clone(),
                    role: Role::Subscriber,
                    this_node: false,
                    reachable,
                    reason,
                    applied: Some(applied),
                    lag: Some(view.sequence - applied),
                    behind_since: view.behind_since.clone(),
                    attempts: view.attempts,
                    last_error: view.last_error.clone(),
                    retry_at: view.retry_at.clone(),
                });
            }
            Ok(Status {
                role: me.role,
                cluster: Some(view.cluster),
                sequence: Some(view.sequence),
                epoch: view.epoch,
                epoch_changed_at: view.epoch_changed_at,
                epoch_changed_why: view.epoch_changed_why,
                nodes,
            })
        }
        Role::Subscriber => {
            let last = node.db()?.last_applied()?;
            let applied = last.as_ref().map_or(0, |l| l.seq);
            let same = |v: &&PublisherView| last.as_ref().is_none_or(|l| l.cluster == v.cluster);
            if let Some(p) = &other {
                nodes.push(NodeState {
                    node: p.clone(),
                    role: Role::Publisher,
                    this_node: false,
                    reachable,
                    reason,
                    applied: view.as_ref().map(|v| v.sequence),
                    lag: view.as_ref().map(|_| 0),
                    behind_since: None,
                    attempts: 0,
                    last_error: None,
                    retry_at: None,
                });
            }
            let view = view.as_ref().filter(same);
            nodes.push(NodeState {
                node: me.hostname.clone(),
                role: Role::Subscriber,
                this_node: true,
                reachable: None,
                reason: None,
                applied: Some(applied),
                lag: view.map(|v| (v.sequence - applied).max(0)),
                behind_since: view.and_then(|v| v.behind_since.clone()),
                attempts: view.map_or(0, |v| v.attempts),
                last_error: view.and_then(|v| v.last_error.clone()),
                retry_at: view.and_then(|v| v.retry_at.clone()),
            });
            Ok(Status {
                role: me.role,
                cluster: last.map(|l| l.cluster),
                sequence: view.map(|v| v.sequence),
                epoch: view.and_then(|v| v.epoch.clone()),
                epoch_changed_at: view.and_then(|v| v.epoch_changed_at.clone()),
                epoch_changed_why: view.and_then(|v| v.epoch_changed_why.clone()),
                nodes,
            })
        }
        Role::Vos => Ok(Status {
            role: me.role,
            cluster: None,
            sequence: None,
            epoch: None,
            epoch_changed_at: None,
            epoch_changed_why: None,
            nodes,
        }),
    }
}
