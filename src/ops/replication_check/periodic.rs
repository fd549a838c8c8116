//! The service's periodic check on the publisher: one comparison every interval, one log line
//! each, and one notification mail per new difference.

use std::time::Duration;

use super::compare::{status, Comparison, KindComparison};
use super::{CHECK_MAILED, SHOWN};
use crate::domain::Role;
use crate::ops::{Node, OpResult};

/// What one periodic check did, for the service's log.
pub fn check_and_notify(node: &mut Node) -> Option<String> {
    let me = node.identity().ok()?;
    // The publisher checks: it is the one writer, knows whether its subscriber is behind, and
    // one check per pair means one log line and one mail per difference.
    if me.role != Role::Publisher || node.db().ok()?.cc_subscriber().ok()?.is_none() {
        return None;
    }
    Some(match status(node) {
        Ok(c) if c.equal => {
            if let Ok(db) = node.db() {
                let _ = db.delete_setting(CHECK_MAILED);
            }
            format!("replication check: {}", c.summary())
        }
        Ok(c) => {
            let mut line = format!("replication check: {}", c.summary());
            match mail(node, &c) {
                Ok(true) => line += "; a notification mail is queued",
                Ok(false) => {}
                Err(e) => line += &format!("; no notification mail: {e}"),
            }
            line
        }
        Err(e) => {
            crate::text::one_line(&format!("replication check: not compared: {e}")).into_owned()
        }
    })
}

/// Queue a notification for a difference not mailed yet (when SMTP is set up).
fn mail(node: &mut Node, c: &Comparison) -> OpResult<bool> {
    let what = c.different().join(",");
    if node.db()?.setting(CHECK_MAILED)?.as_deref() == Some(what.as_str()) {
        return Ok(false);
    }
    let rows: Vec<Vec<String>> = c
        .kinds
        .iter()
        .filter(|k| !k.equal)
        .map(|k| {
            vec![
                k.kind.clone(),
                k.publisher_items.to_string(),
                k.subscriber_items.to_string(),
                describe(k, SHOWN),
            ]
        })
        .collect();
    let queued = crate::ops::notify::notify(
        node,
        "Replication check",
        "DIFFERENT",
        &["KIND", "PUBLISHER", "SUBSCRIBER", "WHAT DIFFERS"],
        &rows,
    )?;
    if queued {
        node.db()?.set_setting(CHECK_MAILED, &what)?;
    }
    Ok(queued)
}

/// What differs in one kind, in words, each list capped at `shown` names (escaped).
pub fn describe(k: &KindComparison, shown: usize) -> String {
    let list = |names: &[String]| {
        let mut s = names
            .iter()
            .take(shown)
            .map(|n| crate::text::one_line(n).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > shown {
            s += &format!(" and {} more", names.len() - shown);
        }
        s
    };
    let mut parts = Vec::new();
    if !k.only_publisher.is_empty() {
        parts.push(format!(
            "only on the publisher: {}",
            list(&k.only_publisher)
        ));
    }
    if !k.only_subscriber.is_empty() {
        parts.push(format!(
            "only on the subscriber: {}",
            list(&k.only_subscriber)
        ));
    }
    if !k.different.is_empty() {
        parts.push(format!("differ: {}", list(&k.different)));
    }
    if parts.is_empty() && !k.equal {
        parts.push("the kind's digests differ".to_owned());
    }
    parts.join("; ")
}

/// `ccadmin serve`'s check: every `interval` until `cancel` fires, [`check_and_notify`] on a
/// node from `node`, each result given to `log`.
pub fn periodic(
    node: impl Fn() -> Node,
    interval: Duration,
    cancel: &crate::cancel::Cancel,
    log: impl Fn(&str),
) {
    while !cancel.wait(interval) {
        if let Some(line) = check_and_notify(&mut node()) {
            log(&line);
        }
    }
}
