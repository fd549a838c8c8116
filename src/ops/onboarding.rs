//! Onboarding (rule R8 in docs/rules.md#r8), run on the publisher of a VOS cluster: enrol the
//! cluster with Cloud Connect so Cloud Connect can SSH into every member without a password.
//!
//! Every step is idempotent and recorded per member as it completes, so `update` after a
//! failure, a crash or Ctrl-C finishes exactly what is missing, and `remove` undoes exactly
//! the key lines onboarding installed.
//!
//! What Cloud Connect does when a publisher registers (and removes) its hosts is in
//! `cloud_connect_side`; which members a run takes is in `members`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::cloud_connect::{self, CloudConnect, Credential, OnboardRecord};
use crate::clients::ssh::{self, Auth, Endpoint, HostKeys};
use crate::domain::HostType;
use crate::secrets::Secret;
use crate::state::db::{OnboardState, VosMember};

mod cloud_connect_side;
pub mod members;

pub use cloud_connect_side::{register, unregister};

/// What this VOS node is, checked before anything is asked.
pub struct Identity {
    pub hostname: String,
    pub ssh_port: u16,
    pub product: String,
    pub user: String,
    pub authorized_keys: Option<String>,
}

/// Check that this node can onboard at all: a VOS node with a component, an orchestration
/// account, and a trusted certificate to verify Cloud Connect with.
pub fn preflight(node: &mut Node) -> OpResult<Identity> {
    node.require_vos()?;
    let id = node.identity()?;
    let product = id.component.clone().ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "this VOS node has no component")
            .hint("utils node set --component Finesse|CUIC|...")
    })?;
    let user = id.orchestration_user.clone().ok_or_else(|| {
        OpError::new(
            Kind::NotConfigured,
            "this node has no orchestration account for Cloud Connect",
        )
        .hint("utils node set --orchestration-user NAME [--authorized-keys PATH]")
    })?;
    if cloud_connect::trusted_certificates(node.root()).is_empty() {
        return Err(OpError::new(
            Kind::NotConfigured,
            "this node trusts no certificate yet, so it cannot verify Cloud Connect",
        )
        .hint("on the Cloud Connect publisher run `show cert own`, copy it here and run: utils cert import FILE"));
    }
    Ok(Identity {
        hostname: id.hostname,
        ssh_port: id.ssh_port,
        product,
        user,
        authorized_keys: id.authorized_keys,
    })
}

/// The values the administrator gave.
pub struct Request {
    /// The Cloud Connect publisher, `FQDN` or `FQDN:PORT`.
    pub cloud_connect: String,
    pub username: String,
    pub password: Secret,
    pub cluster_name: Option<String>,
    pub timeout: Duration,
}

/// One member of this VOS cluster, as onboarding handles it.
pub struct Member {
    /// Host name as Cloud Connect reaches it (`HOST` or `HOST:PORT`).
    pub name: String,
    pub host_type: HostType,
    pub user: String,
    /// `None`: this node itself (its authorized_keys is a local file).
    pub remote: Option<VosMember>,
    pub authorized_keys: String,
}

/// Everything the three operations start from.
pub struct Plan {
    pub cc: CloudConnect,
    pub cc_host: String,
    pub cluster: String,
    pub product: String,
    pub members: Vec<Member>,
    pub timeout: Duration,
}

/// The home directory of `user` from the system's user database (NSS: files, LDAP, SSSD).
fn home_of(user: &str) -> String {
    nix::unistd::User::from_name(user)
        .ok()
        .flatten()
        .map(|u| u.dir.display().to_string())
        .unwrap_or_else(|| format!("/home/{user}"))
}

/// The default cluster name, in Cisco's form: `Finesse-Cluster-1`. (Cloud Connect refuses a
/// second publisher under a name it knows, so a second cluster of a product gets its own
/// name with `--cluster-name`.)
fn default_cluster(product: &str) -> String {
    format!("{product}-Cluster-1")
}

/// This node as Cloud Connect reaches it: `HOST`, or `HOST:PORT` when SSH is not on 22.
fn own_member_name(hostname: &str, ssh_port: u16) -> String {
    if ssh_port == 22 || hostname.contains(':') {
        hostname.to_owned()
    } else {
        format!("{hostname}:{ssh_port}")
    }
}

/// One member's onboarding as this node recorded it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MemberStatus {
    pub member: String,
    /// `Publisher` or `Subscriber`.
    #[serde(rename = "type")]
    pub host_type: HostType,
    /// `onboarded`, `failed` or `not onboarded`.
    pub status: String,
    pub detail: Option<String>,
    /// Cloud Connect key lines installed into the member's authorized_keys.
    pub keys: usize,
}

/// The cluster's onboarding as recorded here: no network call.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub cluster: Option<String>,
    pub cloud_connect: Option<String>,
    pub members: Vec<MemberStatus>,
}

pub fn status(node: &mut Node) -> OpResult<Status> {
    node.require_vos()?;
    let id = node.identity()?;
    let states = node.db()?.onboard_states()?;
    let mut names = vec![(
        own_member_name(&id.hostname, id.ssh_port),
        HostType::Publisher,
    )];
    names.extend(
        node.db()?
            .vos_members()?
            .into_iter()
            .map(|m| (m.host, HostType::Subscriber)),
    );
    let members = names
        .into_iter()
        .map(|(member, host_type)| {
            let s = states.iter().find(|s| s.member == member);
            MemberStatus {
                status: s.map_or("not onboarded".to_owned(), |s| s.status.clone()),
                detail: s.and_then(|s| s.detail.clone()),
                keys: s.map_or(0, |s| s.keys.len()),
                member,
                host_type,
            }
        })
        .collect();
    Ok(Status {
        cluster: states.first().map(|s| s.cluster.clone()),
        cloud_connect: states.first().map(|s| s.cc.clone()),
        members,
    })
}

/// The Cloud Connect node and cluster name this node onboarded with, if it did.
pub struct Recorded {
    pub cloud_connect: String,
    pub cluster: String,
}

pub fn recorded(node: &mut Node) -> OpResult<Option<Recorded>> {
    Ok(node
        .db()?
        .onboard_states()?
        .into_iter()
        .next()
        .map(|s| Recorded {
            cloud_connect: s.cc,
            cluster: s.cluster,
        }))
}

/// Validate the request and build the client and the member list. Without a cluster name the
/// one onboarding recorded is kept (so `update` and `remove` act on the same cluster), else
/// the default.
pub fn plan(node: &mut Node, id: Identity, req: Request) -> OpResult<Plan> {
    crate::names::validate_host(&req.cloud_connect)
        .map_err(|w| OpError::new(Kind::Invalid, format!("{}: {w}", req.cloud_connect)))?;
    let cluster = match req.cluster_name {
        Some(c) => c,
        None => match recorded(node)? {
            Some(r) => r.cluster,
            None => default_cluster(&id.product),
        },
    };
    crate::names::validate_cluster(&cluster).map_err(|w| {
        OpError::new(Kind::Invalid, format!("cluster name {cluster}: {w}"))
            .hint("choose another with --cluster-name NAME")
    })?;
    let cc = CloudConnect::from_trust(
        node.root(),
        Credential::AppUser {
            user: req.username,
            password: req.password,
        },
        req.timeout,
    )?
    .with_cancel(node.cancel.clone());
    let own_name = own_member_name(&id.hostname, id.ssh_port);
    let mut members = vec![Member {
        name: own_name,
        host_type: HostType::Publisher,
        user: id.user.clone(),
        remote: None,
        authorized_keys: id
            .authorized_keys
            .clone()
            .unwrap_or_else(|| format!("{}/.ssh/authorized_keys", home_of(&id.user))),
    }];
    for m in node.db()?.vos_members()? {
        members.push(Member {
            name: m.host.clone(),
            host_type: HostType::Subscriber,
            user: m.user.clone(),
            authorized_keys: m.authorized_keys.clone(),
            remote: Some(m),
        });
    }
    Ok(Plan {
        cc,
        cc_host: req.cloud_connect,
        cluster,
        product: id.product,
        members,
        timeout: req.timeout,
    })
}

/// The SSH key line of every Cloud Connect node (publisher and subscriber). Any node that
/// cannot be asked stops everything before anything changed.
pub fn cloud_connect_keys(plan: &Plan) -> OpResult<Vec<String>> {
    let cluster = plan.cc.cluster(&plan.cc_host)?;
    let mut nodes = vec![cluster.publisher.unwrap_or_else(|| plan.cc_host.clone())];
    nodes.extend(cluster.subscriber);
    // Host names from the peer become URLs: only valid host names are contacted.
    if let Some(bad) = nodes
        .iter()
        .find(|n| crate::names::validate_host(n).is_err())
    {
        return Err(OpError::new(
            Kind::Peer,
            format!(
                "{} named a Cloud Connect node that is not a host name ({}); nothing was changed",
                cloud_connect::base(&plan.cc_host),
                crate::text::terminal_safe(bad)
            ),
        ));
    }
    let mut keys = Vec::new();
    for n in nodes {
        let v = plan.cc.control_node_key(&n).map_err(|e| {
            OpError::new(
                e.kind(),
                format!(
                    "the SSH key of Cloud Connect node {n} cannot be fetched; nothing was changed"
                ),
            )
            .hint("bring that node back (ccadmin serve), then run the command again")
            .caused_by(e)
        })?;
        // The line goes into authorized_keys: only a parsed key, rebuilt, with no options.
        let key = crate::sshkeys::SshPublicKey::parse(&v.public_key).map_err(|why| {
            OpError::new(Kind::Peer, format!(
                "Cloud Connect node {n} sent a publicKey that is not one SSH public key: {why}; nothing was changed"
            ))
        })?;
        keys.push(key.authorized_keys_line());
    }
    Ok(keys)
}

/// Lines of an authorized_keys file with `add` appended (those not there yet) and `drop`
/// removed; other lines are kept as they are.
pub fn edit_keys(text: &str, add: &[String], drop: &[String]) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !drop.iter().any(|d| d.trim() == l.trim()))
        .map(str::to_owned)
        .collect();
    for k in add {
        if !lines.iter().any(|l| l.trim() == k.trim()) {
            lines.push(k.clone());
        }
    }
    let mut out = lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn local_io(path: &Path, what: &str, e: std::io::Error) -> OpError {
    OpError::new(
        Kind::Storage,
        format!("cannot {what} {}: {e}", path.display()),
    )
    .caused_by(e)
}

/// Apply `add`/`drop` to a member's authorized_keys; returns the member's SSH host key line.
pub fn apply_keys(
    node: &Node,
    plan: &Plan,
    m: &Member,
    add: &[String],
    drop: &[String],
) -> OpResult<String> {
    let endpoint = |name: &str| {
        Endpoint::parse(name, 22).map_err(|e| OpError::new(Kind::Invalid, format!("{name}: {e}")))
    };
    match &m.remote {
        None => {
            let path = Path::new(&m.authorized_keys);
            let old = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(local_io(path, "read", e)),
            };
            let new = edit_keys(&old, add, drop);
            if new != old {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| local_io(dir, "create", e))?;
                }
                crate::state::write_private_file(path, new.as_bytes())
                    .map_err(|e| local_io(path, "write", e))?;
            }
            Ok(ssh::scan_host_key(&endpoint(&m.name)?, plan.timeout)?)
        }
        Some(member) => {
            let ep = endpoint(&member.host)?;
            let identity = member.identity.clone().ok_or_else(|| {
                OpError::new(Kind::NotConfigured, "no --identity key to log in to this member with (utils node cluster add ... --identity KEYFILE)")
            })?;
            let known = HostKeys::new(node.root().join("known_hosts"));
            // Cluster members are added by the administrator by name; their keys are learned
            // on first contact, as the VOS platform trusts its own members.
            let conn = ssh::connect(
                &ep,
                &member.user,
                &Auth::Key(PathBuf::from(identity)),
                &known,
                &mut |_| Ok(true),
                plan.timeout,
                &node.cancel,
            )?;
            let flag = &node.cancel;
            let old = match conn.read_file(&member.authorized_keys, 1 << 20, flag, &mut |_, _| {}) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(ssh::SshError::NotFound { .. }) => String::new(),
                Err(e) => return Err(e.into()),
            };
            let new = edit_keys(&old, add, drop);
            if new != old {
                let p = Path::new(&member.authorized_keys);
                let dir = p
                    .parent()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|| "/".into());
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "authorized_keys".into());
                conn.write_file_atomic(&dir, &name, new.as_bytes(), flag, &mut |_, _| {})?;
            }
            conn.host_key_line()
                .ok_or_else(|| OpError::new(Kind::Peer, "the member sent no host key"))
        }
    }
}

/// Which members an operation touches: the member, what was recorded for it, and the Cloud
/// Connect keys of now.
pub type Selector<'a> = &'a dyn Fn(&Member, Option<&OnboardState>, &[String]) -> bool;

/// `trigger`: every member.
pub fn every_member(_: &Member, _: Option<&OnboardState>, _: &[String]) -> bool {
    true
}

/// `update`: members not onboarded, or onboarded with keys Cloud Connect no longer has.
pub fn unfinished_members(_: &Member, state: Option<&OnboardState>, keys: &[String]) -> bool {
    match state {
        Some(s) => {
            s.status != "onboarded"
                || s.keys.len() != keys.len()
                || keys.iter().any(|k| !s.keys.contains(k))
        }
        None => true,
    }
}

/// What happened to one member.
pub enum MemberOutcome {
    Onboarded,
    AlreadyOnboarded,
    Removed,
    Failed(String),
}

/// The whole of an onboarding run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub onboarded: usize,
    pub skipped: usize,
    pub failed: usize,
    pub total: usize,
}

const RETRY_HINT: &str =
    "fix the cause named for each member, then run: utils system onboard update";

/// Onboard the members `only` selects: install keys, register, record. Reports each member
/// to `each` as it is done; fails (partly) when some member failed.
pub fn onboard(
    node: &mut Node,
    plan: &Plan,
    only: Selector,
    each: &mut dyn FnMut(&Member, MemberOutcome) -> OpResult,
) -> OpResult<Summary> {
    let keys = cloud_connect_keys(plan)?;
    let states = node.db()?.onboard_states()?;
    let mut sum = Summary {
        total: plan.members.len(),
        ..Summary::default()
    };
    for m in &plan.members {
        node.cancel.check()?;
        let state = states.iter().find(|s| s.member == m.name);
        if !only(m, state, &keys) {
            each(m, MemberOutcome::AlreadyOnboarded)?;
            sum.skipped += 1;
            continue;
        }
        // Keys installed earlier but no longer Cloud Connect's go; the current ones are added.
        let stale: Vec<String> = state
            .map(|s| {
                s.keys
                    .iter()
                    .filter(|k| !keys.contains(k))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let result = apply_keys(node, plan, m, &keys, &stale).and_then(|host_key| {
            let port = Endpoint::parse(&m.name, 22).map(|e| e.port).unwrap_or(22);
            let record = OnboardRecord {
                host: m.name.clone(),
                cluster: plan.cluster.clone(),
                product: plan.product.clone(),
                host_type: m.host_type,
                host_key,
                user: m.user.clone(),
                port,
            };
            Ok(plan.cc.onboard(&plan.cc_host, &record)?)
        });
        let (status, detail) = match &result {
            Ok(()) => ("onboarded", None),
            Err(e) => ("failed", Some(e.message.clone())),
        };
        // What may now be in the member's file: the current keys on success; on a failure,
        // also whatever an earlier run installed (the write may or may not have happened).
        let mut installed: Vec<String> = keys.clone();
        if result.is_err() {
            for k in state.map(|s| s.keys.clone()).unwrap_or_default() {
                if !installed.contains(&k) {
                    installed.push(k);
                }
            }
        }
        node.db()?.set_onboard_state(&OnboardState {
            member: m.name.clone(),
            cc: plan.cc_host.clone(),
            cluster: plan.cluster.clone(),
            status: status.into(),
            detail,
            keys: installed,
        })?;
        match result {
            Ok(()) => {
                sum.onboarded += 1;
                each(m, MemberOutcome::Onboarded)?;
            }
            Err(e) => {
                sum.failed += 1;
                each(m, MemberOutcome::Failed(e.message))?;
            }
        }
    }
    Ok(sum)
}

/// The error for a run with failed members, after its summary line was shown.
pub fn failure(sum: &Summary) -> OpResult {
    if sum.failed == 0 {
        return Ok(());
    }
    if sum.onboarded + sum.skipped == 0 {
        return Err(
            OpError::new(Kind::Unreachable, "no cluster member could be onboarded")
                .hint(RETRY_HINT),
        );
    }
    Err(OpError::new(
        Kind::Partial,
        format!(
            "the cluster is partially onboarded: {} of {} members failed",
            sum.failed, sum.total
        ),
    )
    .hint(RETRY_HINT))
}

/// The cluster name onboarding recorded, else the plan's.
pub fn recorded_cluster(node: &mut Node, plan: &Plan) -> OpResult<String> {
    Ok(node
        .db()?
        .onboard_states()?
        .first()
        .map(|s| s.cluster.clone())
        .unwrap_or_else(|| plan.cluster.clone()))
}

/// De-register `cluster` from Cloud Connect, then take the keys onboarding installed out of
/// every member.
pub fn remove(
    node: &mut Node,
    plan: &Plan,
    cluster: &str,
    each: &mut dyn FnMut(&Member, MemberOutcome) -> OpResult,
) -> OpResult {
    let states = node.db()?.onboard_states()?;
    plan.cc.remove_cluster(&plan.cc_host, cluster)?;
    let mut failed = 0;
    for m in &plan.members {
        let Some(state) = states.iter().find(|s| s.member == m.name) else {
            continue;
        };
        match apply_keys(node, plan, m, &[], &state.keys) {
            Ok(_) => {
                node.db()?.clear_onboard_state(&m.name)?;
                each(m, MemberOutcome::Removed)?;
            }
            Err(e) => {
                failed += 1;
                each(m, MemberOutcome::Failed(e.message))?;
            }
        }
    }
    if failed > 0 {
        return Err(OpError::new(
            Kind::Partial,
            format!("the keys could not be removed from {failed} member(s)"),
        )
        .hint("fix the cause named for each member, then run the command again"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_keys_adds_once_drops_exactly_and_keeps_the_rest() {
        let a = "ssh-ed25519 AAAAa cc-pub".to_owned();
        let b = "ssh-ed25519 AAAAb cc-sub".to_owned();
        let admin = "ssh-rsa AAAAadmin admin@laptop";
        let file = format!("# my keys\n{admin}\n");
        let once = edit_keys(&file, &[a.clone(), b.clone()], &[]);
        assert_eq!(once, format!("# my keys\n{admin}\n{a}\n{b}\n"));
        assert_eq!(
            edit_keys(&once, &[a.clone(), b.clone()], &[]),
            once,
            "idempotent"
        );
        // A key rotated on Cloud Connect: the old one goes, the new one comes, others stay.
        let c = "ssh-ed25519 AAAAc cc-pub-new".to_owned();
        assert_eq!(
            edit_keys(&once, &[c.clone(), b.clone()], std::slice::from_ref(&a)),
            format!("# my keys\n{admin}\n{b}\n{c}\n")
        );
        // A line with surrounding blanks is the same key; removing all leaves an empty file.
        assert_eq!(
            edit_keys(&format!("  {a}  \n"), &[], std::slice::from_ref(&a)),
            ""
        );
        assert_eq!(edit_keys("", &[], &[]), "");
    }

    #[test]
    fn default_cluster_names_are_ciscos() {
        assert_eq!(default_cluster("Finesse"), "Finesse-Cluster-1");
        assert_eq!(
            default_cluster("CUIC_LiveData_IdS"),
            "CUIC_LiveData_IdS-Cluster-1"
        );
    }

    #[test]
    fn update_selects_failed_missing_and_rotated_members_only() {
        let m = Member {
            name: "h".into(),
            host_type: HostType::Publisher,
            user: "u".into(),
            remote: None,
            authorized_keys: String::new(),
        };
        let keys = vec!["k1".to_owned()];
        let state = |status: &str, keys: &[&str]| OnboardState {
            member: "h".into(),
            cc: "cc".into(),
            cluster: "c".into(),
            status: status.into(),
            detail: None,
            keys: keys.iter().map(|k| k.to_string()).collect(),
        };
        assert!(unfinished_members(&m, None, &keys));
        assert!(!unfinished_members(
            &m,
            Some(&state("onboarded", &["k1"])),
            &keys
        ));
        assert!(unfinished_members(
            &m,
            Some(&state("failed", &["k1"])),
            &keys
        ));
        assert!(unfinished_members(
            &m,
            Some(&state("onboarded", &["k0"])),
            &keys
        ));
        assert!(every_member(&m, Some(&state("onboarded", &["k1"])), &keys));
    }

    #[test]
    fn home_directories_come_from_the_user_database() {
        assert_eq!(home_of("root"), "/root");
        assert_eq!(home_of("no-such-user-here"), "/home/no-such-user-here");
    }

    #[test]
    fn a_second_publisher_under_a_known_cluster_name_is_refused_not_merged() {
        let dir = tempfile::tempdir().unwrap();
        let mut node = Node::new(
            crate::state::StateDir::new(dir.path().to_path_buf(), "cc1".into()),
            crate::ops::Stores::default(),
            crate::cancel::Cancel::new(),
        );
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5QeFu1gYE8XDATiS0Fggetmv2Cz927wa0sRD1Z0eDU";
        let rec = |host: &str, t: HostType| OnboardRecord {
            host: host.into(),
            cluster: "Finesse-Cluster-1".into(),
            product: "Finesse".into(),
            host_type: t,
            host_key: key.into(),
            user: "ccorch".into(),
            port: 22,
        };
        register(&mut node, rec("fin-a.lab", HostType::Publisher), "ccadmin").unwrap();
        register(&mut node, rec("fin-b.lab", HostType::Subscriber), "ccadmin").unwrap();
        // The same publisher again (update) is fine; another one is not.
        register(&mut node, rec("fin-a.lab", HostType::Publisher), "ccadmin").unwrap();
        let e = register(&mut node, rec("fin-x.lab", HostType::Publisher), "ccadmin").unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden);
        assert!(
            e.message.contains("already has the publisher fin-a.lab"),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains("--cluster-name Finesse-Cluster-2"));
        assert_eq!(node.db().unwrap().onboarded_hosts().unwrap().len(), 2);
    }
}
