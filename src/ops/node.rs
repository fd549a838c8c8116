//! This node's identity (rule R6 in docs/rules.md#r6): role, host name, publisher, component,
//! orchestration account.

use super::{Kind, Node, OpError, OpResult};
use crate::domain::Role;
use crate::state::db;

/// What `utils node set` asks to change; `None` keeps the field.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub role: Option<Role>,
    pub hostname: Option<String>,
    pub publisher: Option<String>,
    pub component: Option<String>,
    pub orchestration_user: Option<String>,
    pub authorized_keys: Option<String>,
    pub ssh_port: Option<u16>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.role.is_none()
            && self.hostname.is_none()
            && self.publisher.is_none()
            && self.component.is_none()
            && self.orchestration_user.is_none()
            && self.authorized_keys.is_none()
            && self.ssh_port.is_none()
    }
}

fn invalid(message: impl Into<String>) -> OpError {
    OpError::new(Kind::Invalid, message)
}

/// The identity `changes` make of `before`, checked: fields of another role are dropped with
/// it, so `show` never says something stale.
pub fn apply(before: &db::Node, changes: &Changes) -> OpResult<db::Node> {
    let mut node = before.clone();
    if let Some(h) = &changes.hostname {
        crate::names::validate_host(h).map_err(|why| invalid(format!("--hostname {h}: {why}")))?;
        node.hostname = h.clone();
    }
    if let Some(p) = &changes.publisher {
        crate::names::validate_host(p).map_err(|why| invalid(format!("--publisher {p}: {why}")))?;
        node.publisher = Some(p.clone());
    }
    if let Some(r) = changes.role {
        node.role = r;
    }
    if let Some(c) = &changes.component {
        node.component = Some(c.clone());
    }
    if let Some(u) = &changes.orchestration_user {
        crate::names::validate_user(u)
            .map_err(|why| invalid(format!("--orchestration-user {u}: {why}")))?;
        node.orchestration_user = Some(u.clone());
    }
    if let Some(p) = &changes.authorized_keys {
        node.authorized_keys = Some(p.clone());
    }
    if let Some(p) = changes.ssh_port {
        node.ssh_port = p;
    }
    match node.role {
        Role::Publisher => {
            if changes.publisher.is_some() {
                return Err(
                    invalid("a publisher has no --publisher; it is the publisher").hint(
                        "use --role subscriber --publisher FQDN to make this node a subscriber",
                    ),
                );
            }
            node.publisher = None;
        }
        Role::Subscriber => {
            if node.publisher.is_none() {
                return Err(
                    invalid("a subscriber must name its publisher").hint("add --publisher FQDN")
                );
            }
        }
        Role::Vos => {
            if node.component.is_none() {
                return Err(invalid("a VOS node must name its component")
                    .hint("add --component Finesse|CUIC|LiveData|IdS|CUIC_LiveData_IdS|VVB"));
            }
        }
    }
    if node.role != Role::Vos {
        if changes.component.is_some() || changes.orchestration_user.is_some() {
            return Err(
                invalid("--component and --orchestration-user apply to VOS nodes only")
                    .hint("add --role vos"),
            );
        }
        node.component = None;
    }
    Ok(node)
}

pub fn save(node: &mut Node, identity: &db::Node) -> OpResult {
    Ok(node.db()?.set_node(identity)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publisher() -> db::Node {
        db::Node {
            role: Role::Publisher,
            hostname: "cc1".into(),
            publisher: None,
            component: None,
            orchestration_user: None,
            authorized_keys: None,
            ssh_port: 22,
        }
    }

    #[test]
    fn a_role_change_keeps_only_the_fields_of_the_new_role() {
        let vos = apply(
            &publisher(),
            &Changes {
                role: Some(Role::Vos),
                component: Some("Finesse".into()),
                orchestration_user: Some("ccorch".into()),
                ..Changes::default()
            },
        )
        .unwrap();
        assert_eq!(vos.component.as_deref(), Some("Finesse"));
        let back = apply(
            &vos,
            &Changes {
                role: Some(Role::Publisher),
                ..Changes::default()
            },
        )
        .unwrap();
        assert_eq!(back.component, None, "a publisher has no component");
        let e = apply(
            &publisher(),
            &Changes {
                role: Some(Role::Subscriber),
                ..Changes::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert_eq!(e.message, "a subscriber must name its publisher");
        assert!(apply(
            &publisher(),
            &Changes {
                component: Some("CUIC".into()),
                ..Changes::default()
            }
        )
        .is_err());
    }
}
