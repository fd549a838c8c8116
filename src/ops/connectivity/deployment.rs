//! `utils deployment test-connection` over the inventory: which hosts, how this node logs in
//! to them, and the run the other Cloud Connect node asks for (its report made safe to show).

use std::time::Duration;

use crate::clients::ssh::{Endpoint, HostKeys};
use crate::inventory::model::HostRow;

use super::*;
use crate::ops::{Kind, Node, OpError, OpResult};

/// `utils deployment test-connection`, reporting (done, total) as hosts finish: log in to every selected inventory host with
/// this node's key. Windows hosts with the inventory's account; VOS hosts with the account
/// and host key recorded at onboarding (never learning another); others are skipped.
pub fn test_deployment(
    node: &mut Node,
    filter: &Filter,
    settings: &Settings,
    on_done: &(dyn Fn(usize, usize) + Sync),
) -> OpResult<Report> {
    let inv = crate::ops::inventory::current(node)?;
    let mut rows = inv.rows();
    if let Some(n) = &filter.node {
        rows.retain(|r| {
            r.name.eq_ignore_ascii_case(n)
                || r.name
                    .split(':')
                    .next()
                    .is_some_and(|h| h.eq_ignore_ascii_case(n))
        });
    }
    if let Some(p) = &filter.product {
        rows.retain(|r| r.product.eq_ignore_ascii_case(p));
    }
    if let Some(hosts) = &filter.hosts {
        rows.retain(|r| hosts.contains(&r.name));
    }
    if rows.is_empty() {
        let what = if filter.node.is_some() || filter.product.is_some() {
            "no inventory host matches --node/--product"
        } else {
            "the inventory has no hosts"
        };
        return Err(
            OpError::new(Kind::NotFound, format!("nothing to test: {what}"))
                .hint("see the hosts with: utils system inventory show"),
        );
    }
    let (targets, access) = access(node, rows)?;
    let (results, stats) = check_all(
        &targets,
        &access.key.private,
        &Keys {
            known_hosts: &access.known_hosts,
            recorded: &access.recorded,
        },
        settings.accept_new_host_keys,
        settings.parallel,
        settings.retries,
        settings.timeout,
        &node.cancel,
        &|n| on_done(n, targets.len()),
    );
    node.cancel.check()?;
    Ok(Report {
        results: results.into_iter().flatten().collect(),
        stats,
        public_key: access.key.public_line,
    })
}

/// How this node logs in to deployment hosts: its key, the host keys it learnt, and the host
/// keys recorded when VOS clusters were onboarded.
pub struct Access {
    pub key: crate::nodekey::NodeKey,
    pub known_hosts: HostKeys,
    pub recorded: HostKeys,
}

impl Access {
    /// The host keys a target is checked against.
    pub fn host_keys(&self, t: &Target) -> &HostKeys {
        if t.recorded_key {
            &self.recorded
        } else {
            &self.known_hosts
        }
    }
}

/// The targets of `rows` (Windows hosts with the inventory's account; VOS hosts with the
/// account and host key recorded at onboarding, or the reason they cannot be reached) and the
/// keys to log in with.
pub fn access(node: &mut Node, rows: Vec<HostRow>) -> OpResult<(Vec<Target>, Access)> {
    let onboarded = node.db()?.onboarded_hosts()?;
    let targets: Vec<Target> = rows
        .into_iter()
        .map(|row| {
            if row.platform == "Windows" {
                return Target {
                    user: Ok(row.detail.clone()),
                    row,
                    recorded_key: false,
                };
            }
            match onboarded
                .iter()
                .find(|h| h.host.eq_ignore_ascii_case(&row.name))
            {
                Some(h) => Target {
                    user: Ok(h.user.clone()),
                    row,
                    recorded_key: true,
                },
                None => Target {
                    user: Err(NotChecked::NotOnboarded),
                    row,
                    recorded_key: false,
                },
            }
        })
        .collect();
    let host = node.identity()?.hostname;
    let key =
        crate::nodekey::ensure(node.root(), &host).map_err(|e| OpError::new(Kind::Storage, e))?;
    let host_keys = HostKeys::new(node.root().join("known_hosts"));
    // The keys recorded at onboarding, as a known_hosts file of their own: each line rebuilt
    // from a parsed endpoint and a parsed key, so no stored text can add a line or a marker.
    let recorded_path = node.root().join("onboarded_known_hosts");
    let lines: String = onboarded
        .iter()
        .filter_map(|h| {
            let ep = Endpoint::parse(&h.host, h.port).ok()?;
            let key = crate::sshkeys::SshPublicKey::parse(&h.host_key).ok()?;
            Some(format!("{}\n", key.known_hosts_line(&ep)))
        })
        .collect();
    crate::state::write_private_file(&recorded_path, lines.as_bytes()).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot write {}: {e}", recorded_path.display()),
        )
    })?;
    let recorded = HostKeys::new(recorded_path);
    Ok((
        targets,
        Access {
            key,
            known_hosts: host_keys,
            recorded,
        },
    ))
}

/// The longest text of the other node's report kept.
pub(super) const MAX_PEER_TEXT: usize = 1024;
/// The most hosts of the other node's report kept.
const MAX_PEER_HOSTS: usize = 100_000;

impl NodeReport {
    /// The other Cloud Connect node's report, made safe to show: every text it sent is
    /// escaped for a terminal and bounded, whatever that node is (a compromised one too).
    pub fn from_peer(mut r: NodeReport) -> NodeReport {
        let safe = |s: &str| -> String {
            crate::text::terminal_safe(s)
                .chars()
                .take(MAX_PEER_TEXT)
                .collect()
        };
        r.node = safe(&r.node);
        r.public_key = safe(&r.public_key);
        r.hosts.truncate(MAX_PEER_HOSTS);
        for h in &mut r.hosts {
            h.host = safe(&h.host);
            h.detail = safe(&h.detail);
            h.stage = h.stage.as_deref().map(safe);
        }
        r
    }
}

impl From<&HostResult> for NodeHost {
    fn from(r: &HostResult) -> NodeHost {
        NodeHost {
            host: r.host.clone(),
            result: r.result,
            seconds: r.seconds,
            stage: r.stage.map(str::to_owned),
            detail: r.detail.clone(),
        }
    }
}

impl RemoteTest {
    /// The same bounds the console's flags have.
    pub fn settings(&self) -> OpResult<(Filter, Settings)> {
        if !(1..=1024).contains(&self.parallel)
            || !(1..=300).contains(&self.timeout_secs)
            || self.retries > 5
        {
            return Err(OpError::new(
                Kind::Invalid,
                "parallel, timeout_secs or retries is out of range",
            ));
        }
        Ok((
            Filter {
                node: self.node.clone(),
                product: self.product.clone(),
                hosts: None,
            },
            Settings {
                accept_new_host_keys: false,
                parallel: self.parallel,
                retries: self.retries,
                timeout: Duration::from_secs(self.timeout_secs),
            },
        ))
    }

    /// How long the whole run may take on the other node: every retry of the slowest host,
    /// and a margin for the call itself.
    pub fn deadline(&self) -> Duration {
        Duration::from_secs(self.timeout_secs * (u64::from(self.retries) + 2) + 10)
    }
}

/// Run test-connection on this node for the other Cloud Connect node.
pub fn test_for_peer(node: &mut Node, request: &RemoteTest) -> OpResult<NodeReport> {
    let (filter, settings) = request.settings()?;
    let report = test_deployment(node, &filter, &settings, &|_, _| {})?;
    Ok(NodeReport {
        node: node.identity()?.hostname,
        public_key: report.public_key,
        hosts: report.results.iter().map(NodeHost::from).collect(),
    })
}
