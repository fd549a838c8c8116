//! The deployment inventory over SFTP (rule R9 in docs/rules.md#r9): the current inventory (the
//! last import, its VOS part from onboarded clusters), export written atomically, import validated
//! whole, shown as changes and saved in one transaction under the orchestration lock.

use std::time::Duration;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::ssh::{self, Auth, Connection, Endpoint, SshError, UnknownHost};
use crate::inventory::{diff, validate, Changes, Inventory, Problem};
use crate::secrets::{Secret, StoreKind};
use crate::state::db::InventoryVersion;

/// The file name on the SFTP server.
pub const FILE_NAME: &str = "inventory.conf";
/// The largest inventory.conf read (a 4000-agent inventory is about 6 KB).
pub const MAX_INVENTORY: u64 = 16 << 20;

/// Where inventory.conf is and how to log in there.
pub struct SftpTarget {
    pub server: Endpoint,
    pub user: String,
    pub auth: Auth,
    /// The directory, without a trailing `/` (`/` for the root).
    pub dir: String,
    pub timeout: Duration,
}

impl SftpTarget {
    /// `<dir>/inventory.conf`.
    pub fn path(&self) -> String {
        format!("{}/{FILE_NAME}", self.dir.trim_end_matches('/'))
    }
    /// `sftp://user@host:port/dir`, for messages and the history (no secret).
    pub fn location(&self) -> String {
        format!(
            "sftp://{}@{}{}{}",
            self.user,
            self.server,
            if self.dir.starts_with('/') { "" } else { "/" },
            self.dir
        )
    }
    /// `sftp://user@host:port/dir/FILE`: where `file` in the directory is.
    pub fn file_location(&self, file: &str) -> String {
        format!("{}/{file}", self.location().trim_end_matches('/'))
    }
}

/// A directory as typed: trailing slashes dropped, empty is the root.
pub fn normalize_dir(dir: &str) -> String {
    let d = dir.trim_end_matches('/');
    if d.is_empty() {
        "/".to_owned()
    } else {
        d.to_owned()
    }
}

/// The SFTP server, user and directory used last (never the password), as prompt defaults.
#[derive(Debug, Default, Clone)]
pub struct LastSftp {
    pub server: Option<String>,
    pub user: Option<String>,
    pub directory: Option<String>,
}

const LAST_SERVER: &str = "sftp.last_server";
const LAST_USER: &str = "sftp.last_user";
const LAST_DIRECTORY: &str = "sftp.last_directory";

pub fn last_sftp(node: &mut Node) -> OpResult<LastSftp> {
    let db = node.db()?;
    Ok(LastSftp {
        server: db.setting(LAST_SERVER)?,
        user: db.setting(LAST_USER)?,
        directory: db.setting(LAST_DIRECTORY)?,
    })
}

/// Remember where an export or import went, for the next prompts.
pub fn remember_sftp(node: &mut Node, target: &SftpTarget) -> OpResult {
    let db = node.db()?;
    db.set_setting(LAST_SERVER, &target.server.to_string())?;
    db.set_setting(LAST_USER, &target.user)?;
    db.set_setting(LAST_DIRECTORY, &target.dir)?;
    Ok(())
}

/// The secret-store name of a remembered SFTP password: the account and server it opens.
fn remembered_name(user: &str, server: &Endpoint) -> String {
    format!("sftp:{user}@{server}")
}

pub fn remembered_password(
    node: &mut Node,
    user: &str,
    server: &Endpoint,
) -> OpResult<Option<Secret>> {
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.get(db, &remembered_name(user, server))?)
}

pub fn remember_password(
    node: &mut Node,
    user: &str,
    server: &Endpoint,
    password: &Secret,
) -> OpResult<StoreKind> {
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.put(db, &remembered_name(user, server), password)?)
}

/// The node's known_hosts, where the SFTP server's key is checked and learned.
pub fn known_hosts(node: &Node) -> OpResult<ssh::HostKeys> {
    node.state.ensure()?;
    Ok(ssh::HostKeys::new(node.root().join("known_hosts")))
}

/// Connect and authenticate; `on_unknown` decides about a host key seen for the first time.
pub fn connect(
    known_hosts: &ssh::HostKeys,
    target: &SftpTarget,
    on_unknown: &mut dyn FnMut(&UnknownHost) -> Result<bool, SshError>,
    cancel: &crate::cancel::Cancel,
) -> OpResult<Connection> {
    Ok(ssh::connect(
        &target.server,
        &target.user,
        &target.auth,
        known_hosts,
        on_unknown,
        target.timeout,
        cancel,
    )?)
}

/// The current inventory: the last import, its VOS part generated from onboarded clusters.
pub fn current(node: &mut Node) -> OpResult<Inventory> {
    let db = node.db()?;
    let inv = db.inventory()?;
    let onboarded = db.onboarded_hosts()?;
    Ok(crate::inventory::model::with_onboarded(inv, &onboarded))
}

/// `utils system inventory history`: the current inventory version first, then the ones it
/// replaced.
pub fn history(node: &mut Node) -> OpResult<Vec<InventoryVersion>> {
    Ok(node.db()?.inventory_history()?)
}

/// An onboarded VOS cluster about to be forgotten, found before anything changes (the
/// console asks between [`plan_cluster_removal`] and [`ClusterRemoval::run`]).
pub struct ClusterRemoval {
    name: String,
    /// How many onboarded hosts the cluster has.
    pub hosts: usize,
}

/// The administrator's removal of an onboarded VOS cluster, whichever application user
/// registered it: on the Cloud Connect publisher only, of a cluster that is onboarded.
pub fn plan_cluster_removal(node: &mut Node, name: &str) -> OpResult<ClusterRemoval> {
    node.require_cloud_connect(true)?;
    crate::names::validate_cluster(name)
        .map_err(|w| OpError::new(Kind::Invalid, format!("{name}: {w}")))?;
    let hosts = node
        .db()?
        .onboarded_hosts()?
        .into_iter()
        .filter(|h| h.cluster == name)
        .count();
    if hosts == 0 {
        return Err(OpError::new(
            Kind::NotFound,
            format!("no onboarded cluster is named {name}"),
        )
        .hint("see the onboarded clusters with: utils system inventory show"));
    }
    Ok(ClusterRemoval {
        name: name.to_owned(),
        hosts,
    })
}

impl ClusterRemoval {
    /// Forget the cluster; its hosts leave the VOS part of the inventory. Returns how many
    /// hosts were removed.
    pub fn run(self, node: &mut Node) -> OpResult<usize> {
        super::onboarding::unregister(node, &self.name, None)
    }
}

/// Write the current inventory to the server, atomically (the remote file is the old one or
/// the complete new one, never partial).
pub fn export(
    node: &mut Node,
    conn: &Connection,
    target: &SftpTarget,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> OpResult<String> {
    let text = crate::inventory::render(&current(node)?);
    conn.write_file_atomic(
        &target.dir,
        FILE_NAME,
        text.as_bytes(),
        &node.cancel,
        progress,
    )?;
    Ok(target.path())
}

/// Read inventory.conf from the server (at most [`MAX_INVENTORY`] bytes).
pub fn fetch(
    node: &Node,
    conn: &Connection,
    target: &SftpTarget,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> OpResult<Vec<u8>> {
    let path = target.path();
    conn.read_file(&path, MAX_INVENTORY, &node.cancel, progress)
        .map_err(|e| match e {
            SshError::NotFound { endpoint, .. } => OpError::new(
                Kind::NotFound,
                format!("there is no {path} on {endpoint}"),
            )
            .hint(
                "check --sftp-directory, or export the current inventory first and edit that file",
            ),
            e => e.into(),
        })
}

/// An import, checked and compared, not yet saved.
pub struct ImportPlan {
    /// The current inventory the changes were computed against.
    pub base: Inventory,
    pub new: Inventory,
    pub changes: Changes,
    /// What the file says of VOS hosts that the import does not take, each with why: VOS
    /// clusters are what onboarding made them (the file may only set their sides).
    pub ignored_vos: Vec<String>,
}

/// The VOS hosts of `file` that differ from the onboarded clusters, as sentences.
fn ignored_vos_changes(
    file: &Inventory,
    onboarded: &[crate::state::db::OnboardedHost],
) -> Vec<String> {
    if onboarded.is_empty() {
        return Vec::new();
    }
    let in_file: Vec<crate::inventory::model::HostRow> = file
        .rows()
        .into_iter()
        .filter(|r| super::patches::Platform::of(r) == super::patches::Platform::Vos)
        .collect();
    let mut out = Vec::new();
    for r in &in_file {
        match onboarded.iter().find(|h| h.host.eq_ignore_ascii_case(&r.name)) {
            None => out.push(format!(
                "VOS host {} ({} {}) is not onboarded: it was not added (onboard its cluster with utils system onboard trigger on the cluster's publisher)",
                r.name, r.product, r.group
            )),
            Some(h) if h.product != r.product || h.cluster != r.group => out.push(format!(
                "VOS host {} is onboarded as {} {}: the file's {} {} was not taken (a VOS host moves only by onboarding it again)",
                r.name, h.product, h.cluster, r.product, r.group
            )),
            Some(_) => {}
        }
    }
    for h in onboarded {
        if !in_file.iter().any(|r| r.name.eq_ignore_ascii_case(&h.host)) {
            out.push(format!(
                "VOS host {} ({} {}) is onboarded but not in the file: it stays (remove it with utils system onboard remove on its publisher, or utils system inventory remove-cluster {})",
                h.host, h.product, h.cluster, h.cluster
            ));
        }
    }
    out
}

/// Validate a downloaded file completely and compare it with the current inventory. A file
/// with problems gives every one of them (`Err(problems)`), and nothing changes.
pub fn prepare_import(node: &mut Node, bytes: &[u8]) -> OpResult<Result<ImportPlan, Vec<Problem>>> {
    let inv = match validate(bytes) {
        Ok(inv) => inv,
        Err(problems) => return Ok(Err(problems)),
    };
    // Onboarded VOS clusters are what onboarding made them; the file may only add sides.
    let onboarded = node.db()?.onboarded_hosts()?;
    let ignored_vos = ignored_vos_changes(&inv, &onboarded);
    let new = crate::inventory::model::with_onboarded(inv, &onboarded);
    let base = current(node)?;
    let changes = diff(&base, &new);
    Ok(Ok(ImportPlan {
        base,
        new,
        changes,
        ignored_vos,
    }))
}

/// Save a prepared import. The orchestration lock is held only for the replacement, and the
/// inventory is compared again under it: if another import (or onboarding) changed it since
/// the plan was made, nothing is saved and the administrator is told to look again.
pub fn apply_import(node: &mut Node, plan: &ImportPlan, actor: &str, location: &str) -> OpResult {
    node.cancel.check()?;
    let _lock = node.orchestration_lock("utils system inventory import")?;
    if current(node)? != plan.base {
        return Err(OpError::new(
            Kind::Busy,
            "the current inventory changed while the import was being confirmed; nothing was imported",
        )
        .hint("run the import again to see the changes against the inventory as it is now"));
    }
    let db = node.db()?;
    db.save_inventory(&plan.new, actor, location)?;
    super::cluster::changed(node);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;
    use crate::ops::Stores;
    use crate::state::StateDir;

    const FILE: &str = "---\ninventory:\n  VOS:\n    Finesse: {}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"pg1a\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n";

    /// Issue 11 D4: an import holds the orchestration lock only while it saves, and saves only
    /// if the inventory is still the one its changes were shown against.
    #[test]
    fn an_import_locks_only_to_save_and_refuses_a_changed_base() {
        let dir = tempfile::tempdir().unwrap();
        let mut node = Node::new(
            StateDir::new(dir.path().to_path_buf(), "cc1".into()),
            Stores::default(),
            Cancel::new(),
        );
        let plan = prepare_import(&mut node, FILE.as_bytes()).unwrap().unwrap();
        assert_eq!(plan.changes.added.len(), 1);
        // While the administrator reads the changes, the lock is free for others.
        drop(
            node.orchestration_lock("utils image-repository download")
                .unwrap(),
        );
        // Another import lands meanwhile: this one, confirmed now, saves nothing.
        let other = prepare_import(&mut node, FILE.replace("pg1a", "pg9z").as_bytes())
            .unwrap()
            .unwrap();
        apply_import(&mut node, &other, "alice", "sftp://x").unwrap();
        let e = apply_import(&mut node, &plan, "bob", "sftp://y").unwrap_err();
        assert_eq!(e.kind, Kind::Busy);
        assert!(e
            .message
            .contains("changed while the import was being confirmed"));
        let rows = current(&mut node).unwrap().rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "pg9z");
        // Against the inventory as it is now, the same file imports.
        let again = prepare_import(&mut node, FILE.as_bytes()).unwrap().unwrap();
        apply_import(&mut node, &again, "bob", "sftp://y").unwrap();
        assert_eq!(current(&mut node).unwrap().rows()[0].name, "pg1a");
    }

    /// The administrator's removal of an onboarded cluster counts its hosts before anything
    /// changes, refuses a bad name (invalid) and an unknown cluster (not found, with where to
    /// look), whoever registered it, and then forgets every host of it.
    #[test]
    fn a_cluster_removal_is_counted_first_and_refuses_bad_or_unknown_names() {
        use crate::domain::{HostType, OnboardedHost};
        let dir = tempfile::tempdir().unwrap();
        let mut node = Node::new(
            StateDir::new(dir.path().to_path_buf(), "cc1".into()),
            Stores::default(),
            Cancel::new(),
        );
        assert!(history(&mut node).unwrap().is_empty());
        let e = plan_cluster_removal(&mut node, "-x").err().unwrap();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.message.starts_with("-x: "), "{}", e.message);
        let e = plan_cluster_removal(&mut node, "Finesse-fin-a")
            .err()
            .unwrap();
        assert_eq!(e.kind, Kind::NotFound);
        assert_eq!(e.message, "no onboarded cluster is named Finesse-fin-a");
        assert_eq!(
            e.hint.as_deref(),
            Some("see the onboarded clusters with: utils system inventory show")
        );
        for (host, host_type) in [
            ("fin-a", HostType::Publisher),
            ("fin-b", HostType::Subscriber),
        ] {
            let h = OnboardedHost {
                host: host.into(),
                cluster: "Finesse-fin-a".into(),
                product: "Finesse".into(),
                host_type,
                host_key: "ssh-ed25519 AAAA".into(),
                user: "ccadmin".into(),
                port: 22,
            };
            node.db()
                .unwrap()
                .upsert_onboarded_host(&h, "app1")
                .unwrap()
                .unwrap();
        }
        let removal = plan_cluster_removal(&mut node, "Finesse-fin-a").unwrap();
        assert_eq!(removal.hosts, 2);
        assert_eq!(node.db().unwrap().onboarded_hosts().unwrap().len(), 2);
        assert_eq!(removal.run(&mut node).unwrap(), 2);
        assert!(node.db().unwrap().onboarded_hosts().unwrap().is_empty());
    }
}
