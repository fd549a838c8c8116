//! The other members of this VOS cluster, which onboarding enrols: added (or changed), listed
//! and removed here, so the console only resolves the values and renders the result. A
//! member's `authorized_keys` defaults to `/home/USER/.ssh/authorized_keys` on that member
//! (VOS keeps homes under /home; this node's user database does not describe another host).

use std::path::PathBuf;

use crate::ops::{Kind, Node, OpError, OpResult};
use crate::state::db::VosMember;

/// A member as the administrator gives it.
pub struct NewMember {
    /// HOST or HOST:PORT, as Cloud Connect reaches it.
    pub host: String,
    /// Its orchestration account.
    pub user: String,
    /// That account's authorized_keys [default: `~USER/.ssh/authorized_keys`].
    pub authorized_keys: Option<String>,
    /// The private key this publisher logs in to the member with.
    pub identity: Option<PathBuf>,
}

/// Add (or change) a member; what was saved.
pub fn add(node: &mut Node, m: NewMember) -> OpResult<VosMember> {
    crate::names::validate_host(&m.host)
        .map_err(|w| OpError::new(Kind::Invalid, format!("{}: {w}", m.host)))?;
    crate::names::validate_user(&m.user)
        .map_err(|w| OpError::new(Kind::Invalid, format!("--user {}: {w}", m.user)))?;
    node.require_vos()?;
    let identity = match m.identity {
        Some(p) => Some(
            std::fs::canonicalize(&p)
                .map_err(|e| {
                    OpError::new(Kind::Failed, format!("cannot read {}: {e}", p.display()))
                })?
                .display()
                .to_string(),
        ),
        None => None,
    };
    let member = VosMember {
        // The member is another host: this node's user database does not know its homes.
        // VOS keeps every account's home under /home, so that is the default there.
        authorized_keys: m
            .authorized_keys
            .unwrap_or_else(|| format!("/home/{}/.ssh/authorized_keys", m.user)),
        host: m.host,
        user: m.user,
        identity,
    };
    node.db()?.set_vos_member(&member)?;
    Ok(member)
}

/// The members, by host name.
pub fn list(node: &mut Node) -> OpResult<Vec<VosMember>> {
    Ok(node.db()?.vos_members()?)
}

/// Remove the member added as `host`.
pub fn remove(node: &mut Node, host: &str) -> OpResult {
    if !node.db()?.remove_vos_member(host)? {
        return Err(OpError::new(
            Kind::Failed,
            format!("{host} is not a member of this cluster"),
        )
        .hint("see them with: utils node cluster list"));
    }
    Ok(())
}
