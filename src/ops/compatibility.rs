//! `utils deployment compatibility-check enable|disable|show` (issue 13): whether an upgrade or
//! rollback that would leave the deployment in a combination not supported for its
//! `deploymentType` is refused. Enabled unless the publisher disabled it; the cluster's
//! setting (replicated).

use super::{Kind, Node, OpError, OpResult};

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

/// The file that says which combinations of versions are supported, per deploymentType:
/// `{"UCCE-2000-Agents": [{"Finesse": "12.6.2", "CUIC_LiveData_IdS": "12.6.*"}, …]}` — each
/// entry one supported combination, a version ending in `*` matching any version with that
/// prefix. It is signed like a patch manifest (`compatibility.json.minisig`).
pub const MATRIX: &str = "compatibility.json";
const MAX_MATRIX: u64 = 1024 * 1024;

type Matrix = std::collections::BTreeMap<String, Vec<std::collections::BTreeMap<String, String>>>;

/// The signed matrix from the downloaded artifacts.
fn matrix(node: &mut Node) -> OpResult<Matrix> {
    let dir = node.root().join("artifacts");
    let signers = node.db()?.signers()?;
    let missing = || {
        OpError::new(
            Kind::Refused,
            format!("the compatibility check is on and no signed {MATRIX} was downloaded"),
        )
        .hint("download it with the artifacts, or turn the check off: utils deployment compatibility-check disable")
    };
    let path = super::patches::find_files(&dir, MATRIX)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == MATRIX))
        .ok_or_else(missing)?;
    let data = crate::state::read_bounded(&path, MAX_MATRIX)
        .map_err(|e| OpError::new(Kind::Storage, format!("{}: {e}", path.display())))?;
    let sig = crate::state::read_bounded(
        &std::path::PathBuf::from(format!("{}.minisig", path.display())),
        super::signing::MAX_SIGNATURE,
    )
    .ok()
    .map(|b| String::from_utf8_lossy(&b).into_owned());
    if !matches!(
        super::signing::verify(&data, sig.as_deref(), &signers),
        super::signing::Verdict::Trusted { .. }
    ) {
        return Err(OpError::new(
            Kind::Forbidden,
            format!("{} is not signed by a trusted signer", path.display()),
        )
        .hint("see the signers with: utils patch-manager signer list"));
    }
    serde_json::from_slice(&data).map_err(|e| {
        OpError::new(
            Kind::Invalid,
            format!(
                "{}: {}",
                path.display(),
                crate::text::terminal_safe(&e.to_string())
            ),
        )
    })
}

fn version_matches(pattern: &str, version: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => version.starts_with(prefix),
        None => pattern == version,
    }
}

/// Refuse a plan that would leave the deployment in a combination of versions its
/// deploymentType does not support, naming the nodes and versions. Reads every inventory
/// host's version (hosts that cannot be read are left out of the check, and said) and judges
/// what will be active after the run (`Plan::planned_versions`): a staged upgrade (no switch)
/// leaves the active versions as they are, so one product can be staged before another.
pub fn check_plan(node: &mut Node, plan: &super::orchestrate::Plan) -> OpResult {
    if !enabled(node)? {
        return Ok(());
    }
    let matrix = matrix(node)?;
    let deployment_type = super::inventory::current(node)?.deployment_type;
    let now = super::orchestrate::status(node, &super::orchestrate::Choice::default())?;
    let planned = plan.planned_versions(&now);
    // product -> version -> hosts, as the deployment would be.
    let mut after: std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, Vec<String>>,
    > = Default::default();
    for s in &now {
        let Some(i) = &s.installed else { continue };
        let v = planned
            .get(&s.host)
            .cloned()
            .unwrap_or_else(|| i.version.clone());
        if v == super::software::UNKNOWN {
            continue;
        }
        after
            .entry(s.product.clone())
            .or_default()
            .entry(v)
            .or_default()
            .push(s.host.clone());
    }
    let combos = matrix.get(&deployment_type).cloned().unwrap_or_default();
    let supported = combos.iter().any(|combo| {
        after.iter().all(|(product, versions)| {
            combo
                .get(product)
                .is_none_or(|p| versions.keys().all(|v| version_matches(p, v)))
        })
    });
    if supported {
        return Ok(());
    }
    let described: Vec<String> = after
        .iter()
        .flat_map(|(product, versions)| {
            versions
                .iter()
                .map(move |(v, hosts)| format!("{product} {v} ({})", hosts.join(", ")))
        })
        .collect();
    Err(OpError::new(
        Kind::Refused,
        format!(
            "refused by the compatibility check: the deployment would run {}, which is not a combination supported for {deployment_type}",
            described.join("; ")
        ),
    )
    .hint(format!(
        "choose nodes and versions that {MATRIX} lists for {deployment_type}, or turn the check off: utils deployment compatibility-check disable"
    )))
}
