//! The one door through which patch, upgrade and Microsoft updates runs meet maintenance
//! mode around a node's change: before it, the node's peers checked and the node put in
//! maintenance (with maintenance mode), or, without it, refused while a peer is in
//! maintenance (both sides of a pair would be out of service at once); after it, the node
//! taken out of the maintenance this run put it in, and left in one it found.

use super::{
    commands_for, end_on, enter_on, is_peer, read_state, status_of, supports, Entered, Reason, Set,
    State,
};
use crate::cancel::Cancel;
use crate::ops::connectivity::Target;
use crate::ops::orchestrate::{Hosts, RemoteHost};

/// How a run's change of a node stands with maintenance mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForChange {
    /// Put in maintenance by this run: taken out after the change.
    Entered,
    /// In maintenance when the run came to it (an administrator's `initiate`, or a stopped
    /// run of the same command): left in it unless the run resumes a change of its own.
    WasIn,
    /// Without maintenance mode.
    Without,
}

/// Before a run changes `t` (logged in to through `conn`; `members`: the members of its group
/// the run knows, chosen or not). With maintenance mode (`with`): its peers must not be in
/// maintenance, then it is put in it. Without (`known`: the signed set, when there is one,
/// covering its product): a peer in maintenance refuses the change, which would take the
/// group's last member in service out of it. `Err` says why, for the node's line; nothing was
/// changed then.
#[allow(clippy::too_many_arguments)]
pub fn before_change<'a>(
    hosts: &dyn Hosts,
    t: &Target,
    members: impl Iterator<Item = &'a Target>,
    conn: &dyn RemoteHost,
    with: Option<&Set>,
    known: Option<&Set>,
    reason: Reason,
    cancel: &Cancel,
) -> Result<ForChange, String> {
    let mut peers = members.filter(|m| is_peer(&m.row, &t.row));
    if let Some(set) = with {
        super::check_these_peers(hosts, t, peers, set)
            .and_then(|()| enter_on(conn, t, set, Some(reason), cancel))
            .map(|e| match e {
                Entered::Now => ForChange::Entered,
                Entered::Already => ForChange::WasIn,
            })
            .map_err(|e| format!("not changed: it could not be put in maintenance mode: {e}"))
    } else {
        let Some(set) = known.filter(|s| supports(s, &t.row.product)) else {
            return Ok(ForChange::Without);
        };
        // A peer whose state cannot be read is let be here: its lease was asked for already.
        match peers.find(|p| matches!(status_of(hosts, p, set), Ok(State::InMaintenance))) {
            Some(p) => Err(format!(
                "not changed: its peer {} is in maintenance mode, so changing it without maintenance mode would take both of them out of service; end the peer's maintenance first (utils system maintenance end --node {}) or run with --maintenance with",
                p.row.name, p.row.name
            )),
            None => Ok(ForChange::Without),
        }
    }
}

/// After a run's change of `t` was seen to end well: a node this run put in maintenance (or,
/// `resumed`, a stopped run of the same command did) is taken out; one found in maintenance is
/// left in it, said (`Ok(Some(note))`).
pub fn after_change(
    conn: &dyn RemoteHost,
    t: &Target,
    with: Option<&Set>,
    how: ForChange,
    resumed: bool,
    cancel: &Cancel,
) -> Result<Option<String>, String> {
    let Some(set) = with else {
        return Ok(None);
    };
    if how == ForChange::WasIn && !resumed {
        return Ok(Some(
            "left in maintenance mode: it was in maintenance before this run (utils system maintenance end takes it out)".to_owned(),
        ));
    }
    end_on(conn, t, set, cancel).map(|_| None).map_err(|e| {
        format!(
            "changed, but it did not leave maintenance mode: {e}; take it out with: utils system maintenance end --node {}",
            t.row.name
        )
    })
}

/// For a node a stopped run had begun to change, resumed without maintenance mode: whether
/// the node is still in maintenance (that run may have put it there), said with the remedy.
/// `None` when it is not, or its product has no commands, or it cannot be read.
pub fn left_in(conn: &dyn RemoteHost, t: &Target, set: &Set) -> Option<String> {
    let c = commands_for(set, &t.row.product)?;
    match read_state(conn, &t.row.name, c) {
        Ok(State::InMaintenance) => Some(format!(
            "still in maintenance mode; take it out with: utils system maintenance end --node {}",
            t.row.name
        )),
        _ => None,
    }
}
