//! Application users (rule R6 in docs/rules.md#r6): the accounts `ccadmin serve` authenticates.
//! Only an argon2 hash of each password is stored.

use super::{Kind, Node, OpError, OpResult};
use crate::secrets::Secret;
use crate::state::db::AppUser;

/// A name typed for an application user, checked.
pub fn check_name(name: &str) -> OpResult {
    crate::names::validate_user(name).map_err(|why| {
        OpError::new(
            Kind::Invalid,
            format!("'{name}' is not a valid application user name: {why}"),
        )
    })
}

/// The password policy, checked before anything is stored (and before a confirmation is asked).
pub fn check_password(name: &str, password: &Secret) -> OpResult {
    crate::passwords::check_policy(name, password).map_err(|why| {
        OpError::new(
            Kind::Invalid,
            format!("the password is not acceptable: {why}"),
        )
    })
}

fn missing(name: &str) -> OpError {
    OpError::new(
        Kind::NotFound,
        format!("there is no application user {name}"),
    )
    .hint("list them with: utils applicationuser list")
}

fn exists(name: &str) -> OpError {
    OpError::new(
        Kind::Failed,
        format!("application user {name} already exists"),
    )
    .hint(format!(
        "change its password with: utils applicationuser password {name}"
    ))
}

fn hash(password: &Secret) -> OpResult<String> {
    crate::passwords::hash(password).map_err(|e| OpError::new(Kind::Failed, e.to_string()))
}

/// Whether `name` is an application user.
pub fn is_user(node: &mut Node, name: &str) -> OpResult<bool> {
    check_name(name)?;
    Ok(node.db()?.app_user_hash(name)?.is_some())
}

/// Refuse early (before a password is asked) what `add` would refuse.
pub fn check_new(node: &mut Node, name: &str) -> OpResult {
    require_writer(node)?;
    if is_user(node, name)? {
        return Err(exists(name));
    }
    Ok(())
}

/// Refuse early what `set_password` and `delete` would refuse.
pub fn check_existing(node: &mut Node, name: &str) -> OpResult {
    require_writer(node)?;
    if !is_user(node, name)? {
        return Err(missing(name));
    }
    Ok(())
}

/// Users are cluster-wide: they change on the publisher (or a VOS node) and replicate.
fn require_writer(node: &mut Node) -> OpResult {
    if node.identity()?.role == crate::domain::Role::Subscriber {
        return Err(OpError::new(
            Kind::WrongRole,
            "This command can only be run on the publisher node.",
        )
        .hint("application users are changed on the publisher and replicate to this node"));
    }
    Ok(())
}

/// The change is in the replication log already (the database logs it); tell the service.
fn replicate(node: &mut Node) -> OpResult {
    super::cluster::changed(node);
    Ok(())
}

pub fn add(node: &mut Node, name: &str, password: &Secret) -> OpResult {
    require_writer(node)?;
    check_name(name)?;
    check_password(name, password)?;
    let h = hash(password)?;
    // Another process may have added the same name while the password was being asked.
    if !node.db()?.add_app_user(name, &h)? {
        return Err(exists(name));
    }
    replicate(node)
}

pub fn set_password(node: &mut Node, name: &str, password: &Secret) -> OpResult {
    require_writer(node)?;
    check_name(name)?;
    check_password(name, password)?;
    let h = hash(password)?;
    if !node.db()?.set_app_user_hash(name, &h)? {
        return Err(missing(name));
    }
    replicate(node)
}

pub fn delete(node: &mut Node, name: &str) -> OpResult {
    require_writer(node)?;
    check_name(name)?;
    if !node.db()?.delete_app_user(name)? {
        return Err(missing(name));
    }
    replicate(node)
}

pub fn list(node: &mut Node) -> OpResult<Vec<AppUser>> {
    Ok(node.db()?.app_users()?)
}
