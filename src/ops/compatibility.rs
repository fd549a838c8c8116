//! `utils deployment compatibility-check enable|disable|show` (issue 13): whether an upgrade or
//! rollback that would leave the deployment in a combination not supported for its
//! `deploymentType` is refused. Enabled unless the publisher disabled it; the cluster's
//! setting (replicated).

use super::{Node, OpResult};

const KEY: &str = "shared.compatibility-check";

/// Whether the check is on (the default).
pub fn enabled(node: &mut Node) -> OpResult<bool> {
    Ok(node.db()?.setting(KEY)?.as_deref() != Some("disabled"))
}

/// Turn the check on or off (publisher only).
pub fn set(node: &mut Node, on: bool) -> OpResult {
    node.require_cloud_connect(true)?;
    node.db()?
        .set_setting(KEY, if on { "enabled" } else { "disabled" })?;
    super::cluster::changed(node);
    Ok(())
}
