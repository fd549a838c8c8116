//! Membership: the subscriber announces itself and its place in the log to its publisher, and
//! the publisher decides from that place whether it continues or first takes a snapshot.

use super::{changed, peer, TIMEOUT};
use crate::clients::cloud_connect::Join;
use crate::ops::{Kind, Node, OpError, OpResult};

/// The subscriber announces itself to its publisher, with its place in the log.
pub fn join(node: &mut Node) -> OpResult<String> {
    let me = node.identity()?;
    let publisher = me.publisher.clone().ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "this subscriber names no publisher")
            .hint("utils node set --publisher FQDN")
    })?;
    // What an apply interrupted before (a crash) left is put right first.
    {
        let lock = crate::ops::replica::ApplyLock::take(node.root())?;
        crate::ops::replica::sweep(node, &lock)?;
    }
    let last = node.db()?.last_applied()?;
    let body = Join {
        host_name: me.hostname.clone(),
        cluster: last.as_ref().map(|l| l.cluster.clone()),
        applied: last.as_ref().map_or(0, |l| l.seq),
        epoch: last.as_ref().and_then(|l| l.epoch.clone()),
        mark: last.and_then(|l| l.mark),
    };
    peer(node, TIMEOUT)?.join(&publisher, &body)?;
    Ok(publisher)
}

/// The publisher records a subscriber that joined. One that applied this cluster's log up to
/// a change the log still has, with that change's mark (the same history), continues from
/// there; any other receives a snapshot first. One whose place in this cluster's log does not
/// continue it (this publisher, or the subscriber, was restored from a backup) starts a new
/// history, so that no late batch of the old one changes anything there.
pub fn accept_subscriber(node: &mut Node, join: &Join) -> OpResult {
    crate::names::validate_host(&join.host_name)
        .map_err(|w| OpError::new(Kind::Invalid, format!("hostName is not a host name: {w}")))?;
    let short = |t: &Option<String>| t.as_ref().is_none_or(|t| t.len() <= 64);
    if !short(&join.epoch) || !short(&join.mark) || !short(&join.cluster) {
        return Err(OpError::new(
            Kind::Invalid,
            "the join names no place in a log",
        ));
    }
    let db = node.db()?;
    let ours = db.cluster_id()?;
    let seq = db.replication_seq()?;
    let epoch = db.replication_epoch()?;
    let same_cluster = join.cluster.as_deref() == Some(ours.as_str());
    let continues = same_cluster
        && join.epoch.as_ref().is_none_or(|e| *e == epoch)
        && (1..=seq).contains(&join.applied)
        && match &join.mark {
            Some(m) => db.log_mark(join.applied)?.as_ref() == Some(m),
            None => true,
        };
    if continues {
        db.subscriber_joined(&join.host_name, join.applied, false)?;
    } else {
        db.subscriber_joined(&join.host_name, 0, true)?;
        if same_cluster && join.applied > 0 {
            db.new_replication_epoch(&format!(
                "{} joined at change {} of a history this log does not continue (was a node restored from a backup?)",
                join.host_name, join.applied
            ))?;
        }
    }
    changed(node);
    Ok(())
}
