//! Planning a run: which inventory hosts it touches (the chosen ones the artifact is for),
//! in which groups (a VOS cluster, a Windows pair: never two members down at once) and in
//! which order (publisher first, then side A before side B). The choosing and the grouping are
//! pure functions of the inventory's rows, so they are unit-tested without a node; [`plan`]
//! adds what only a node knows (the logins, the catalogue, the downloaded manifests).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::Operation;
use crate::inventory::model::HostRow;
use crate::ops::connectivity::{Access, Target};
use crate::ops::patches::{ArtifactKind, Manifest, Platform};
use crate::ops::software::MAX_RECORD;
use crate::ops::{Kind, Node, OpError, OpResult};

/// Which inventory hosts: every filter given must match; none given (or `all`) means all.
#[derive(Debug, Default, Clone)]
pub struct Choice {
    pub nodes: Vec<String>,
    /// A product (e.g. Finesse, CVP) or a cluster / pair name from the inventory.
    pub group: Option<String>,
    pub side: Option<String>,
    pub platform: Option<Platform>,
    pub all: bool,
}

impl Choice {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.group.is_none()
            && self.side.is_none()
            && self.platform.is_none()
            && !self.all
    }
    pub fn matches(&self, r: &HostRow) -> bool {
        let host_only = |n: &str| n.split(':').next().unwrap_or(n).to_owned();
        (self.nodes.is_empty()
            || self.nodes.iter().any(|n| {
                n.eq_ignore_ascii_case(&r.name) || n.eq_ignore_ascii_case(&host_only(&r.name))
            }))
            && self.group.as_ref().is_none_or(|g| {
                g.eq_ignore_ascii_case(&r.product) || g.eq_ignore_ascii_case(&r.group)
            })
            && self
                .side
                .as_ref()
                .is_none_or(|s| s.eq_ignore_ascii_case(&r.side))
            && self.platform.is_none_or(|p| p == Platform::of(r))
    }
}

/// A verified artifact: its manifest (and the signed bytes of it), its file, who signed it.
pub struct Artifact {
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub path: PathBuf,
    pub size: u64,
    pub signer: String,
}

/// A checked run, before anything is touched.
pub struct Plan {
    pub op: Operation,
    pub artifact: Option<Artifact>,
    /// Upgrade: switch to the new version on each node once installed.
    pub switch: bool,
    /// The groups, each in the order its nodes are done.
    pub groups: Vec<Vec<Target>>,
    /// Chosen hosts left out, with the reason.
    pub left_out: Vec<(String, String)>,
    pub(super) access: Access,
    /// How Windows hosts are asked what they run (the signed product catalogue).
    pub(super) catalogue: crate::ops::probe::Catalogue,
    /// Verified patch manifests by file name (a Windows patch rollback's uninstall command,
    /// its check and running commands).
    pub(super) uninstall: HashMap<String, Manifest>,
    /// Patch rollback: the patch each node loses (host, patch), as read before the run.
    pub(super) rollback_names: Vec<(String, String)>,
    /// Every inventory member of each planned group (by group index), the ones not chosen
    /// too: their leases are checked before a member of the group is touched.
    pub(super) members: Vec<Vec<Target>>,
}

impl Plan {
    /// What the run installs or undoes, for the history and the mail.
    pub fn subject(&self) -> String {
        match (&self.artifact, self.op) {
            (Some(a), _) => a.manifest.file.clone(),
            (None, Operation::PatchRollback) if !self.rollback_names.is_empty() => format!(
                "the newest patch: {}",
                self.rollback_names
                    .iter()
                    .map(|(h, p)| format!("{p} from {h}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, Operation::PatchRollback) => "the newest patch".to_owned(),
            (None, Operation::SwitchForward) => "to the newer inactive version".to_owned(),
            (None, _) => "to the previous version".to_owned(),
        }
    }
    /// Patch rollback: name the patch each planned node loses, from what the nodes run now.
    pub fn name_rollback(&mut self, now: &[super::HostStatus]) {
        self.rollback_names = self
            .groups
            .iter()
            .flatten()
            .filter_map(|t| {
                let s = now.iter().find(|s| s.host == t.row.name)?;
                let p = s.installed.as_ref()?.patches.last()?;
                Some((t.row.name.clone(), p.name.clone()))
            })
            .collect();
    }
    /// The patch a rollback removes from `host`, when known.
    pub fn removes(&self, host: &str) -> Option<&str> {
        self.rollback_names
            .iter()
            .find(|(h, _)| h == host)
            .map(|(_, p)| p.as_str())
    }
    pub fn node_count(&self) -> usize {
        self.groups.iter().map(Vec::len).sum()
    }

    /// The version each planned node will have ACTIVE when the plan is done, as far as it is
    /// known now (nodes whose active version does not change, or that could not be read, are
    /// left out). A VOS upgrade without `--switch-version` stages the new version inactive, so
    /// it changes nothing active; with the switch, and on Windows (which keeps no inactive
    /// version), the new version is active.
    pub fn planned_versions(&self, now: &[super::HostStatus]) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for t in self.groups.iter().flatten() {
            let Some(i) = now
                .iter()
                .find(|s| s.host == t.row.name)
                .and_then(|s| s.installed.as_ref())
            else {
                continue;
            };
            let v = match self.op {
                Operation::Upgrade if !self.switch && Platform::of(&t.row) == Platform::Vos => None,
                Operation::Upgrade => self
                    .artifact
                    .as_ref()
                    .filter(|a| a.manifest.applies_to.contains(&i.version))
                    .map(|a| a.manifest.version.clone()),
                Operation::SwitchForward | Operation::Rollback => i.inactive.clone(),
                _ => None,
            };
            if let Some(v) = v {
                out.insert(t.row.name.clone(), v);
            }
        }
        out
    }
}

/// The verified artifact named `name` (its file name or its manifest's).
pub fn find_artifact(node: &mut Node, name: &str, kind: ArtifactKind) -> OpResult<Artifact> {
    let all = crate::ops::patches::list(node)?;
    let found = all
        .iter()
        .find(|p| {
            p.patch.as_ref().is_some_and(|m| m.file == name)
                || p.manifest.rsplit('/').next() == Some(name)
        })
        .ok_or_else(|| {
            OpError::new(
                Kind::NotFound,
                format!("no downloaded artifact is named {name}"),
            )
            .hint(match kind {
                ArtifactKind::Patch => "see them with: utils patch-manager list",
                ArtifactKind::Upgrade => "see them with: utils upgrade-manager list",
            })
        })?;
    let crate::ops::patches::Status::Verified { signer } = &found.status else {
        return Err(OpError::new(
            Kind::Forbidden,
            format!("{name} cannot be used: {}", found.status.label()),
        )
        .hint("only an artifact signed by a trusted signer whose file matches is installed"));
    };
    let manifest = found
        .patch
        .clone()
        .ok_or_else(|| OpError::new(Kind::Failed, format!("{name}: the manifest went away")))?;
    if manifest.kind != kind {
        let (is, use_) = match manifest.kind {
            ArtifactKind::Patch => ("a patch", "utils patch-manager install"),
            ArtifactKind::Upgrade => ("an upgrade", "utils upgrade-manager upgrade"),
        };
        return Err(
            OpError::new(Kind::Invalid, format!("{name} is {is}")).hint(format!("use {use_}"))
        );
    }
    if manifest.platform == Platform::Windows
        && manifest.install.as_deref().unwrap_or_default().is_empty()
    {
        return Err(OpError::new(
            Kind::Invalid,
            format!("{name}: its manifest gives no install command line"),
        ));
    }
    let manifest_path = node.root().join("artifacts").join(&found.manifest);
    let path = manifest_path.with_file_name(&manifest.file);
    let manifest_bytes = crate::state::read_bounded(&manifest_path, MAX_RECORD).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot read {}: {e}", manifest_path.display()),
        )
    })?;
    let size = std::fs::metadata(&path)
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("cannot read {}: {e}", path.display()),
            )
        })?
        .len();
    Ok(Artifact {
        manifest,
        manifest_bytes,
        path,
        size,
        signer: signer.clone(),
    })
}

/// A planned group's key: platform, product and the cluster or pair.
type GroupKey = (Platform, String, String);

fn key_of(r: &HostRow) -> GroupKey {
    (Platform::of(r), r.product.clone(), r.group.clone())
}

/// The hosts chosen for `op` (of `rows`, those `choice` matches and the artifact is for), the
/// ones left out with why, and the keys of their groups in inventory order.
pub(super) struct Chosen {
    pub names: HashSet<String>,
    pub left_out: Vec<(String, String)>,
    keys: Vec<GroupKey>,
}

/// Choose the hosts of a run from the inventory's rows.
pub(super) fn choose(
    rows: &[HostRow],
    op: Operation,
    manifest: Option<&Manifest>,
    choice: &Choice,
) -> OpResult<Chosen> {
    let mut left_out = Vec::new();
    let mut chosen = Vec::new();
    for r in rows.iter().filter(|r| choice.matches(r)) {
        let why = match manifest {
            Some(m) => (Platform::of(r) != m.platform
                || !r.product.eq_ignore_ascii_case(&m.product))
            .then(|| format!("{} is for {} {}", m.file, m.platform, m.product)),
            None if op.vos_only() && Platform::of(r) != Platform::Vos => {
                Some("only VOS nodes keep an inactive version to switch to".to_owned())
            }
            None => None,
        };
        match why {
            Some(why) => left_out.push((r.name.clone(), why)),
            None => chosen.push(r),
        }
    }
    if chosen.is_empty() {
        let mut e = OpError::new(
            Kind::NotFound,
            "no chosen inventory host is one this applies to",
        );
        if let Some((_, why)) = left_out.first() {
            e = OpError::new(
                Kind::NotFound,
                format!("no chosen inventory host applies: {why}"),
            );
        }
        return Err(e.hint("see the hosts with: utils system inventory show"));
    }
    // Groups in inventory order.
    let mut keys: Vec<GroupKey> = Vec::new();
    for r in &chosen {
        let k = key_of(r);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    Ok(Chosen {
        names: chosen.iter().map(|r| r.name.clone()).collect(),
        left_out,
        keys,
    })
}

impl Chosen {
    /// Whether a row is of a planned group (its members are all asked for their leases).
    pub fn in_groups(&self, r: &HostRow) -> bool {
        self.keys.contains(&key_of(r))
    }

    /// The planned groups of `targets` (chosen hosts, publisher first, then side A before
    /// side B), and each group's other members.
    pub fn arrange(&self, targets: Vec<Target>) -> (Vec<Vec<Target>>, Vec<Vec<Target>>) {
        let mut groups: Vec<Vec<Target>> = self.keys.iter().map(|_| Vec::new()).collect();
        let mut members: Vec<Vec<Target>> = self.keys.iter().map(|_| Vec::new()).collect();
        for t in targets {
            let i = self
                .keys
                .iter()
                .position(|x| *x == key_of(&t.row))
                .unwrap_or(0);
            if self.names.contains(&t.row.name) {
                groups[i].push(t);
            } else {
                members[i].push(t);
            }
        }
        for g in &mut groups {
            g.sort_by_key(|t| {
                (
                    !t.row.detail.eq_ignore_ascii_case("Publisher"),
                    !t.row.side.eq_ignore_ascii_case("A"),
                )
            });
        }
        (groups, members)
    }
}

/// Plan `op` on the chosen hosts.
pub fn plan(
    node: &mut Node,
    op: Operation,
    artifact: Option<Artifact>,
    choice: &Choice,
    switch: bool,
) -> OpResult<Plan> {
    node.require_cloud_connect(false)?;
    let all_rows = crate::ops::inventory::current(node)?.rows();
    let chosen = choose(
        &all_rows,
        op,
        artifact.as_ref().map(|a| &a.manifest),
        choice,
    )?;
    let in_groups: Vec<_> = all_rows
        .into_iter()
        .filter(|r| chosen.in_groups(r))
        .collect();
    let (targets, access) = crate::ops::connectivity::access(node, in_groups)?;
    let (groups, members) = chosen.arrange(targets);
    let uninstall = if op == Operation::PatchRollback {
        crate::ops::patches::list(node)?
            .into_iter()
            .filter(|p| p.usable())
            .filter_map(|p| p.patch)
            .filter(|m| m.uninstall.is_some())
            .map(|m| (m.file.clone(), m))
            .collect()
    } else {
        HashMap::new()
    };
    Ok(Plan {
        op,
        artifact,
        switch,
        groups,
        left_out: chosen.left_out,
        access,
        catalogue: crate::ops::probe::load(node)?,
        uninstall,
        members,
        rollback_names: Vec::new(),
    })
}

/// `rows` pair by pair (product and group) in the order the inventory lists them, side A
/// before side B within each: the order a node-by-node run takes them in.
pub fn in_pair_order(rows: &mut [HostRow]) {
    let groups: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.product.clone(), r.group.clone()))
        .collect();
    rows.sort_by_key(|r| {
        let g = groups
            .iter()
            .position(|(p, g)| *p == r.product && *g == r.group);
        (g, r.side.to_ascii_uppercase())
    });
}
