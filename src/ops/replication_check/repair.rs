//! `utils dbreplication repair`: the publisher sends its subscriber a whole snapshot now (on
//! the subscriber, the publisher is asked to).

use super::{cluster, truncate, Repaired, REPAIR_TIMEOUT};
use crate::domain::Role;
use crate::ops::cluster::Flushed;
use crate::ops::{Kind, Node, OpError, OpResult};

/// `utils dbreplication repair`: the publisher sends its subscriber a full snapshot now. On
/// the subscriber the publisher is asked to (over the cluster channel).
pub fn repair(node: &mut Node) -> OpResult<Repaired> {
    node.require_cloud_connect(false)?;
    let me = node.identity()?;
    match me.role {
        Role::Publisher => repair_here(node),
        _ => {
            let publisher = me.publisher.ok_or_else(|| {
                OpError::new(Kind::NotConfigured, "this subscriber names no publisher")
                    .hint("utils node set --publisher FQDN")
            })?;
            let mut answer = cluster::peer(node, REPAIR_TIMEOUT)?
                .replication_repair(&publisher)
                .map_err(|e| {
                    let hint = e.remedy().unwrap_or_else(|| {
                        format!("check that ccadmin serve runs on {publisher}, or run utils dbreplication repair there")
                    });
                    OpError::new(
                        e.kind(),
                        format!("the publisher {publisher} could not be asked for a snapshot: {e}"),
                    )
                    .hint(hint)
                })?;
            // The publisher's words, shown here: one line, nothing a terminal acts on.
            for s in [
                &mut answer.publisher,
                &mut answer.subscriber,
                &mut answer.message,
            ] {
                *s = crate::text::one_line(&truncate(s, 4096)).into_owned();
            }
            Ok(answer)
        }
    }
}

/// On the publisher: mark the subscriber for a whole snapshot and send it now.
pub fn repair_here(node: &mut Node) -> OpResult<Repaired> {
    node.require_cloud_connect(true)?;
    let publisher = node.identity()?.hostname;
    let subscriber = node.db()?.cc_subscriber()?.ok_or_else(|| {
        OpError::new(
            Kind::NotConfigured,
            "no subscriber has joined this publisher: there is nothing to repair",
        )
        .hint("start ccadmin serve on the subscriber, with the same cluster secret")
    })?;
    node.db()?
        .request_snapshot("a full snapshot was requested (utils dbreplication repair)")?;
    let flushed = cluster::flush(node)?;
    let message = flushed.as_ref().map(ToString::to_string);
    match flushed {
        Some(Flushed::Replicated { to, applied, .. }) => Ok(Repaired {
            message: message.unwrap_or_default(),
            publisher,
            subscriber: to,
            sent: true,
            applied: Some(applied),
        }),
        Some(Flushed::Failed { to, error }) => Err(error.context(format!(
            "the snapshot did not reach {to} (the service sends it again at its next attempt)"
        ))),
        Some(Flushed::NoSecret) => Err(OpError::new(
            Kind::NotConfigured,
            "no cluster secret is set",
        )
        .hint("utils node cluster-secret")),
        // Backing off towards the subscriber: the service sends it at its next attempt.
        Some(Flushed::Waiting(left)) => Ok(Repaired {
            message: format!(
                "the snapshot for {subscriber} waits for the next attempt, in {}s",
                left.as_secs().max(1)
            ),
            publisher,
            subscriber,
            sent: false,
            applied: None,
        }),
        // The service's own replication sent it meanwhile.
        None => Ok(Repaired {
            message: format!("the service sent {subscriber} the snapshot meanwhile"),
            publisher,
            subscriber,
            sent: true,
            applied: None,
        }),
    }
}
