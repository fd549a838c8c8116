//! The deployment inventory (`inventory.conf`, rule R9 in docs/rules.md#r9) as data: VOS products
//! → clusters → hosts, Windows products → pairs → hosts, and the deployment's name and
//! type. File order of clusters and hosts is kept; products are always in their canonical order.

use serde::{Deserialize, Serialize};

pub const VOS_PRODUCTS: &[&str] = &[
    "CUIC",
    "CUIC_LiveData_IdS",
    "Finesse",
    "IdS",
    "LiveData",
    "VVB",
];
pub const WINDOWS_PRODUCTS: &[&str] = &[
    "CVPOAMP",
    "CVPREPORTING",
    "CVPSERVER",
    "DISTRIBUTOR",
    "LOGGER",
    "PG",
    "ROGGER",
    "ROUTER",
];
pub const DEPLOYMENT_TYPES: &[&str] = &[
    "UCCE-2000-Agents",
    "UCCE-4000-Agents",
    "PCCE-2000-Agents",
    "PCCE-4000-Agents",
    "HCS-CC-2000-Agents",
    "HCS-CC-4000-Agents",
];
/// Reference designs that exist but that Cloud Connect does not orchestrate.
pub const UNSUPPORTED_TYPES: &[&str] = &[
    "UCCE-12000-Agents",
    "UCCE-24000-Agents",
    "UCCE-36000-Agents",
    "PCCE-12000-Agents",
    "HCS-CC-12000-Agents",
    "HCS-CC-24000-Agents",
    "HCS-CC-36000-Agents",
    "HCS-SCC",
    "HCS-Small-Contact-Center",
];
pub const DEFAULT_DEPLOYMENT_TYPE: &str = "UCCE-2000-Agents";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VosHost {
    pub name: String,
    /// `Publisher` or `Subscriber`.
    #[serde(rename = "type")]
    pub host_type: String,
    /// `A` or `B`.
    pub side: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsHost {
    pub name: String,
    pub side: String,
    pub user: String,
}

/// A VOS cluster or a Windows pair: a named group of hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group<H> {
    pub name: String,
    pub hosts: Vec<H>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product<H> {
    pub name: String,
    pub groups: Vec<Group<H>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub deployment_name: Option<String>,
    pub deployment_type: String,
    /// Every VOS product, in canonical order, empty ones included.
    pub vos: Vec<Product<VosHost>>,
    /// Every Windows product, in canonical order, empty ones included.
    pub windows: Vec<Product<WindowsHost>>,
}

/// One host with where it sits, for tables, diffs and connection tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostRow {
    pub platform: &'static str,
    pub product: String,
    pub group: String,
    pub name: String,
    pub side: String,
    /// VOS: Publisher/Subscriber; Windows: the user.
    pub detail: String,
}

impl Default for Inventory {
    fn default() -> Self {
        Inventory {
            deployment_name: None,
            deployment_type: DEFAULT_DEPLOYMENT_TYPE.to_owned(),
            vos: VOS_PRODUCTS
                .iter()
                .map(|p| Product {
                    name: (*p).to_owned(),
                    groups: Vec::new(),
                })
                .collect(),
            windows: WINDOWS_PRODUCTS
                .iter()
                .map(|p| Product {
                    name: (*p).to_owned(),
                    groups: Vec::new(),
                })
                .collect(),
        }
    }
}

/// What the rest of the code needs to know of a host, VOS or Windows.
pub trait Host {
    const PLATFORM: &'static str;
    fn name(&self) -> &str;
    fn side(&self) -> &str;
    /// VOS: `Publisher`/`Subscriber`; Windows: the user.
    fn detail(&self) -> &str;
    /// The host's lines in inventory.conf, after `- name: ...`.
    fn yaml_fields(&self) -> Vec<(&'static str, &str)>;
}

impl Host for VosHost {
    const PLATFORM: &'static str = "VOS";
    fn name(&self) -> &str {
        &self.name
    }
    fn side(&self) -> &str {
        &self.side
    }
    fn detail(&self) -> &str {
        &self.host_type
    }
    fn yaml_fields(&self) -> Vec<(&'static str, &str)> {
        vec![("type", &self.host_type), ("side", &self.side)]
    }
}

impl Host for WindowsHost {
    const PLATFORM: &'static str = "Windows";
    fn name(&self) -> &str {
        &self.name
    }
    fn side(&self) -> &str {
        &self.side
    }
    fn detail(&self) -> &str {
        &self.user
    }
    fn yaml_fields(&self) -> Vec<(&'static str, &str)> {
        vec![("side", &self.side), ("user", &self.user)]
    }
}

fn push_rows<H: Host>(products: &[Product<H>], out: &mut Vec<HostRow>) {
    for p in products {
        for g in &p.groups {
            for h in &g.hosts {
                out.push(HostRow {
                    platform: H::PLATFORM,
                    product: p.name.clone(),
                    group: g.name.clone(),
                    name: h.name().to_owned(),
                    side: h.side().to_owned(),
                    detail: h.detail().to_owned(),
                });
            }
        }
    }
}

impl Inventory {
    pub fn rows(&self) -> Vec<HostRow> {
        let mut out = Vec::new();
        push_rows(&self.vos, &mut out);
        push_rows(&self.windows, &mut out);
        out
    }

    pub fn host_count(&self) -> usize {
        self.rows().len()
    }
}

/// What an import would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub added: Vec<HostRow>,
    pub removed: Vec<HostRow>,
    /// (before, after)
    pub changed: Vec<(HostRow, HostRow)>,
    pub deployment_name: Option<(Option<String>, Option<String>)>,
    pub deployment_type: Option<(String, String)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.deployment_name.is_none()
            && self.deployment_type.is_none()
    }
}

/// Hosts are matched by name (without case, as DNS does).
pub fn diff(old: &Inventory, new: &Inventory) -> Changes {
    use std::collections::HashMap;
    let old_rows = old.rows();
    let new_rows = new.rows();
    let old_by_name: HashMap<String, &HostRow> = old_rows
        .iter()
        .map(|r| (r.name.to_ascii_lowercase(), r))
        .collect();
    let new_names: std::collections::HashSet<String> = new_rows
        .iter()
        .map(|r| r.name.to_ascii_lowercase())
        .collect();
    let mut c = Changes::default();
    for n in &new_rows {
        match old_by_name.get(&n.name.to_ascii_lowercase()) {
            None => c.added.push(n.clone()),
            Some(o) if *o != n => c.changed.push(((*o).clone(), n.clone())),
            Some(_) => {}
        }
    }
    for o in &old_rows {
        if !new_names.contains(&o.name.to_ascii_lowercase()) {
            c.removed.push(o.clone());
        }
    }
    if old.deployment_name != new.deployment_name {
        c.deployment_name = Some((old.deployment_name.clone(), new.deployment_name.clone()));
    }
    if old.deployment_type != new.deployment_type {
        c.deployment_type = Some((old.deployment_type.clone(), new.deployment_type.clone()));
    }
    c
}

/// The inventory with its VOS part generated from the onboarded hosts (rule R8 in docs/rules.md#r8:
/// on the Cloud Connect side the onboarded VOS clusters become the `VOS` part). Sides come from
/// `inv` where it names the host (an administrator may add them by hand), else `A`. Without
/// onboarded hosts the inventory is returned as it is.
pub fn with_onboarded(mut inv: Inventory, onboarded: &[crate::domain::OnboardedHost]) -> Inventory {
    if onboarded.is_empty() {
        return inv;
    }
    let side_of = |name: &str| {
        inv.vos
            .iter()
            .flat_map(|p| p.groups.iter().flat_map(|g| g.hosts.iter()))
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.side.clone())
            .unwrap_or_else(|| "A".to_owned())
    };
    let mut vos: Vec<Product<VosHost>> = VOS_PRODUCTS
        .iter()
        .map(|p| Product {
            name: (*p).to_owned(),
            groups: Vec::new(),
        })
        .collect();
    for h in onboarded {
        let Some(p) = vos.iter_mut().find(|p| p.name == h.product) else {
            continue;
        };
        let host = VosHost {
            name: h.host.clone(),
            host_type: h.host_type.to_string(),
            side: side_of(&h.host),
        };
        match p.groups.iter_mut().find(|g| g.name == h.cluster) {
            Some(g) => g.hosts.push(host),
            None => p.groups.push(Group {
                name: h.cluster.clone(),
                hosts: vec![host],
            }),
        }
    }
    // Each cluster's publisher first, as Cisco lists them.
    for g in vos.iter_mut().flat_map(|p| p.groups.iter_mut()) {
        g.hosts.sort_by_key(|h| h.host_type != "Publisher");
    }
    inv.vos = vos;
    inv
}
