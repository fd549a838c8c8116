//! `utils dbreplication status`: both nodes' digests compared kind by kind, naming what
//! differs, and the result recorded on this node for `runtimestate`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::digests::digests_with;
use super::{cluster, Digests, ReplKind, CHECK_AT, CHECK_RESULT, TIMEOUT};
use crate::domain::Role;
use crate::ops::{Kind, Node, OpError, OpResult};

/// One kind compared: equal, or what differs (names as the nodes hold them; escape them
/// before showing).
#[derive(Debug, Clone, Serialize)]
pub struct KindComparison {
    pub kind: String,
    pub equal: bool,
    pub publisher_items: usize,
    pub subscriber_items: usize,
    pub only_publisher: Vec<String>,
    pub only_subscriber: Vec<String>,
    pub different: Vec<String>,
}

/// `utils dbreplication status`: both nodes' state compared kind by kind.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub this_node: String,
    pub publisher: String,
    pub subscriber: String,
    /// The change each side's state corresponds to.
    pub publisher_change: i64,
    pub subscriber_change: i64,
    pub equal: bool,
    pub checked_at: String,
    pub kinds: Vec<KindComparison>,
}

impl Comparison {
    /// The kinds that differ.
    pub fn different(&self) -> Vec<&str> {
        self.kinds
            .iter()
            .filter(|k| !k.equal)
            .map(|k| k.kind.as_str())
            .collect()
    }

    /// One line for the log, the record and a mail's subject.
    pub fn summary(&self) -> String {
        if self.equal {
            crate::text::one_line(&format!(
                "equal ({} and {}, every kind, at change {})",
                self.publisher, self.subscriber, self.publisher_change
            ))
            .into_owned()
        } else {
            let mut s = format!(
                "DIFFERENT between {} and {}: {}",
                self.publisher,
                self.subscriber,
                self.different().join(", ")
            );
            if let Some(n) = self.behind() {
                s += &format!(" (the subscriber is {n} changes behind: changes may be in flight)");
            }
            crate::text::one_line(&s).into_owned()
        }
    }

    /// How many changes the subscriber has yet to apply, if any.
    pub fn behind(&self) -> Option<i64> {
        let n = self.publisher_change - self.subscriber_change;
        (n > 0).then_some(n)
    }
}

/// Compare the two nodes' digests, kind by kind in the order of [`ReplKind::ALL`].
pub fn compare(publisher: &Digests, subscriber: &Digests) -> Vec<KindComparison> {
    let empty = BTreeMap::new();
    ReplKind::ALL
        .into_iter()
        .map(|kind| {
            let (p, s) = (publisher.kind(kind), subscriber.kind(kind));
            let pi = p.map_or(&empty, |k| &k.items);
            let si = s.map_or(&empty, |k| &k.items);
            let only = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| {
                a.keys()
                    .filter(|n| !b.contains_key(*n))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            let different: Vec<String> = pi
                .iter()
                .filter(|(n, d)| si.get(*n).is_some_and(|o| o != *d))
                .map(|(n, _)| n.clone())
                .collect();
            let (only_publisher, only_subscriber) = (only(pi, si), only(si, pi));
            let digests_equal = p.map(|k| &k.digest) == s.map(|k| &k.digest);
            KindComparison {
                kind: kind.as_str().to_owned(),
                equal: digests_equal
                    && different.is_empty()
                    && only_publisher.is_empty()
                    && only_subscriber.is_empty(),
                publisher_items: pi.len(),
                subscriber_items: si.len(),
                only_publisher,
                only_subscriber,
                different,
            }
        })
        .collect()
}

/// `utils dbreplication status`: ask the other node for its digests, compare them with this
/// node's, and record the result (or the failure) on this node.
pub fn status(node: &mut Node) -> OpResult<Comparison> {
    let result = compare_with_other(node);
    let recorded = match &result {
        Ok(c) => c.summary(),
        Err(e) => crate::text::one_line(&format!("not compared: {e}")).into_owned(),
    };
    // The record is for runtimestate; failing to write it does not hide the result.
    let _ = record(node, &recorded);
    result
}

fn compare_with_other(node: &mut Node) -> OpResult<Comparison> {
    node.require_cloud_connect(false)?;
    let me = node.identity()?;
    let Some(other) = cluster::other_node(node)? else {
        return Err(match me.role {
            Role::Publisher => OpError::new(
                Kind::NotConfigured,
                "no subscriber has joined this publisher: there is nothing to compare with",
            )
            .hint("start ccadmin serve on the subscriber, with the same cluster secret (utils node cluster-secret) and --publisher naming this node"),
            _ => OpError::new(Kind::NotConfigured, "this subscriber names no publisher")
                .hint("utils node set --publisher FQDN"),
        });
    };
    let secret = cluster::secret(node)?.ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "no cluster secret is set")
            .hint("utils node cluster-secret")
    })?;
    let ours = digests_with(node, &secret)?;
    let theirs = cluster::peer(node, TIMEOUT)?
        .replication_digest(&other)
        .map_err(|e| unreachable_other(&other, e))?;
    theirs.check().map_err(|why| {
        OpError::new(
            Kind::Peer,
            format!("{other} answered digests that are not usable: {why}"),
        )
        .hint(format!("check that {other} runs the same ccadmin release"))
    })?;
    let expected = match me.role {
        Role::Publisher => Role::Subscriber,
        _ => Role::Publisher,
    };
    if theirs.role != expected {
        return Err(OpError::new(
            Kind::Peer,
            format!("{other} says it is a {}, not the {expected}", theirs.role),
        )
        .hint("utils node show on both nodes: one publisher, one subscriber naming it"));
    }
    let (p, s) = match me.role {
        Role::Publisher => (&ours, &theirs),
        _ => (&theirs, &ours),
    };
    let kinds = compare(p, s);
    let checked_at = node.db()?.now()?;
    Ok(Comparison {
        this_node: me.hostname,
        publisher: p.node.clone(),
        subscriber: s.node.clone(),
        publisher_change: p.change,
        subscriber_change: s.change,
        equal: kinds.iter().all(|k| k.equal),
        checked_at,
        kinds,
    })
}

/// The other node could not be asked: what it was, and what to do about it.
fn unreachable_other(other: &str, e: crate::clients::cloud_connect::CcError) -> OpError {
    let kind = e.kind();
    let hint = e.remedy().unwrap_or_else(|| {
        format!("check that ccadmin serve runs on {other} and answers (utils dbreplication runtimestate)")
    });
    OpError::new(
        kind,
        format!("cannot ask {other} for its digests of the replicated state: {e}"),
    )
    .hint(hint)
    .caused_by(e)
}

fn record(node: &mut Node, result: &str) -> OpResult {
    let db = node.db()?;
    let at = db.now()?;
    db.set_setting(CHECK_AT, &at)?;
    db.set_setting(CHECK_RESULT, result)?;
    Ok(())
}

/// The last comparison this node made: when (UTC) and its result.
#[derive(Debug, Clone, Serialize)]
pub struct LastCheck {
    pub at: String,
    pub result: String,
}

/// The last comparison recorded on this node, if any ran.
pub fn last_check(node: &mut Node) -> OpResult<Option<LastCheck>> {
    let db = node.db()?;
    Ok(match (db.setting(CHECK_AT)?, db.setting(CHECK_RESULT)?) {
        (Some(at), Some(result)) => Some(LastCheck { at, result }),
        _ => None,
    })
}
