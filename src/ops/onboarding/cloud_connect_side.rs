//! Onboarding as Cloud Connect sees it: a VOS publisher registering its cluster's hosts (each
//! field checked, the host key stored in canonical form, one publisher per cluster name) and
//! removing them; only on the Cloud Connect publisher, whose onboarded clusters replicate.

use crate::clients::cloud_connect::OnboardRecord;
use crate::domain::HostType;
use crate::ops::{Kind, Node, OpError, OpResult};

/// Record a VOS host that onboarded (rule R8 item 3 in docs/rules.md#r8) for the application user
/// `owner`. Every field is checked and every problem named; the host key is stored in canonical
/// form. A cluster belongs to the user that registered it.
pub fn register(
    node: &mut Node,
    mut record: OnboardRecord,
    owner: &str,
) -> OpResult<OnboardRecord> {
    refuse_on_subscriber(node)?;
    let key = crate::sshkeys::SshPublicKey::parse(&record.host_key);
    let shown = |s: &str| s.escape_debug().to_string();
    let problems: Vec<String> = [
        (!crate::inventory::model::VOS_PRODUCTS.contains(&record.product.as_str()))
            .then(|| format!("unknown product {}", shown(&record.product))),
        crate::names::validate_host(&record.host)
            .err()
            .map(|e| format!("host {}: {e}", shown(&record.host))),
        crate::names::validate_user(&record.user)
            .err()
            .map(|e| format!("user {}: {e}", shown(&record.user))),
        key.as_ref().err().map(|e| format!("host_key: {e}")),
        (record.port == 0).then(|| "port must be 1-65535".to_owned()),
        crate::names::validate_cluster(&record.cluster)
            .err()
            .map(|e| format!("cluster: {e}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !problems.is_empty() {
        return Err(OpError::new(Kind::Invalid, problems.join("; ")));
    }
    if let Ok(k) = &key {
        record.host_key = k.canonical();
    }
    // One publisher per cluster: a second cluster under a name Cloud Connect knows (two
    // publishers both taking the default `Finesse-Cluster-1`) is refused, not merged.
    if record.host_type == HostType::Publisher {
        if let Some(other) = node.db()?.onboarded_hosts()?.into_iter().find(|h| {
            h.cluster.eq_ignore_ascii_case(&record.cluster)
                && h.host_type == HostType::Publisher
                && !h.host.eq_ignore_ascii_case(&record.host)
        }) {
            return Err(OpError::new(
                Kind::Forbidden,
                format!(
                    "cluster {} already has the publisher {}; another cluster needs its own name",
                    record.cluster, other.host
                ),
            )
            .hint(format!(
                "onboard with --cluster-name {}-Cluster-2 (or another name not in use)",
                record.product
            )));
        }
    }
    node.db()?
        .upsert_onboarded_host(&record, owner)?
        .map_err(|why| OpError::new(Kind::Forbidden, why))?;
    crate::ops::cluster::changed(node);
    Ok(record)
}

/// The onboarded clusters are the cluster's: registered on the publisher, replicated.
fn refuse_on_subscriber(node: &mut Node) -> OpResult {
    let me = node.identity()?;
    if me.role == crate::domain::Role::Subscriber {
        return Err(OpError::new(
            Kind::Forbidden,
            format!(
                "this Cloud Connect node is the subscriber: onboard against the publisher {}",
                me.publisher.unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

/// Forget an onboarded cluster: only its owner may, unless `owner` is `None` (the Cloud
/// Connect administrator at the console). Returns the number of hosts removed.
pub fn unregister(node: &mut Node, cluster: &str, owner: Option<&str>) -> OpResult<usize> {
    refuse_on_subscriber(node)?;
    crate::names::validate_cluster(cluster)
        .map_err(|why| OpError::new(Kind::Invalid, format!("cluster: {why}")))?;
    let removed = node
        .db()?
        .remove_onboarded_cluster(cluster, owner)?
        .map_err(|why| OpError::new(Kind::Forbidden, why))?;
    // An imported inventory holds the clusters that were onboarded when it was imported: the
    // removed one leaves it too (a new version, so the history keeps the old one), so
    // `inventory show` and `export` no longer list it.
    let db = node.db()?;
    let mut inv = db.inventory()?;
    let before = inv.host_count();
    for p in inv.vos.iter_mut() {
        p.groups.retain(|g| !g.name.eq_ignore_ascii_case(cluster));
    }
    if inv.host_count() != before {
        db.save_inventory(
            &inv,
            owner.unwrap_or("administrator"),
            &format!("onboarding: cluster {cluster} removed"),
        )?;
    }
    crate::ops::cluster::changed(node);
    Ok(removed)
}
