//! `utils patch-manager install` on Windows nodes (issue 13, first part): a verified patch,
//! the inventory hosts of its product, one node at a time, side A before side B. For each
//! node: log in with this node's key (known host keys only), transfer the file over SFTP
//! into the account's home, run the manifest's silent command line, take its exit status.
//! The run holds the orchestration lock, every node's result is recorded as it ends, the run
//! stops after `max_fail` failures, and the result is mailed to the subscribers.

use std::time::{Duration, Instant};

use super::patches::{Manifest, Platform};
use super::{Kind, Node, OpError, OpResult};
use crate::clients::ssh::{self, Auth, Endpoint, HostKeys};
use crate::inventory::model::HostRow;

/// How long one node's installer may run.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(1800);
/// How long connecting to a node may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// A checked install: the patch, its file and the nodes, in the order they will be done.
pub struct Plan {
    pub manifest: Manifest,
    pub data: Vec<u8>,
    pub signer: String,
    pub nodes: Vec<HostRow>,
}

/// Which nodes: by name (any of), by side; none given means every host of the product.
#[derive(Debug, Default, Clone)]
pub struct Choice {
    pub nodes: Vec<String>,
    pub side: Option<String>,
}

/// Find the verified patch named `patch` (its file or manifest name) and the nodes to do.
pub fn plan(node: &mut Node, patch: &str, choice: &Choice) -> OpResult<Plan> {
    let all = super::patches::list(node)?;
    let found = all
        .iter()
        .find(|p| {
            p.patch.as_ref().is_some_and(|m| m.file == patch)
                || p.manifest.rsplit('/').next() == Some(patch)
        })
        .ok_or_else(|| {
            OpError::new(
                Kind::NotFound,
                format!("no downloaded patch is named {patch}"),
            )
            .hint("see them with: utils patch-manager list")
        })?;
    let super::patches::Status::Verified { signer } = &found.status else {
        return Err(OpError::new(
            Kind::Forbidden,
            format!("{patch} cannot be installed: {}", found.status.label()),
        )
        .hint("only a patch signed by a trusted signer whose file matches is installed"));
    };
    let manifest = found
        .patch
        .clone()
        .ok_or_else(|| OpError::new(Kind::Failed, format!("{patch}: the manifest went away")))?;
    if manifest.platform == Platform::Vos {
        return Err(OpError::new(
            Kind::Failed,
            format!("{patch} is a VOS patch: installing on VOS nodes needs the VOS-side upgrade command, which this release does not have yet"),
        ));
    }
    let install = manifest.install.clone().unwrap_or_default();
    if install.is_empty() {
        return Err(OpError::new(
            Kind::Invalid,
            format!("{patch}: its manifest gives no install command line"),
        ));
    }
    let rows = super::inventory::current(node)?.rows();
    let mut nodes: Vec<HostRow> = rows
        .into_iter()
        .filter(|r| found.nodes.contains(&r.name))
        .filter(|r| {
            choice.nodes.is_empty() || choice.nodes.iter().any(|n| n.eq_ignore_ascii_case(&r.name))
        })
        .filter(|r| {
            choice
                .side
                .as_ref()
                .is_none_or(|s| s.eq_ignore_ascii_case(&r.side))
        })
        .collect();
    if nodes.is_empty() {
        return Err(OpError::new(
            Kind::NotFound,
            format!("no inventory host of {} matches", manifest.product),
        )
        .hint("see the hosts with: utils system inventory show"));
    }
    // Side A before side B, so a redundant pair never has both sides down.
    nodes.sort_by_key(|r| r.side != "A");
    let file = node
        .root()
        .join("artifacts")
        .join(&found.manifest)
        .with_file_name(&manifest.file);
    let data = std::fs::read(&file).map_err(|e| {
        OpError::new(
            Kind::Storage,
            format!("cannot read {}: {e}", file.display()),
        )
    })?;
    Ok(Plan {
        manifest,
        data,
        signer: signer.clone(),
        nodes,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Result_ {
    Installed,
    Failed,
    /// Not started: the run had stopped.
    Skipped,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct NodeResult {
    pub host: String,
    pub side: String,
    pub result: Result_,
    pub seconds: f64,
    pub detail: String,
}

pub struct Report {
    pub run: i64,
    pub nodes: Vec<NodeResult>,
}

fn one(
    node: &Node,
    key: &std::path::Path,
    host_keys: &HostKeys,
    row: &HostRow,
    plan: &Plan,
) -> Result<String, String> {
    let ep = Endpoint::parse(&row.name, 22).map_err(|e| format!("host name: {e}"))?;
    let conn = ssh::connect(
        &ep,
        &row.detail,
        &Auth::Key(key.to_path_buf()),
        host_keys,
        &mut |_| Ok(false),
        CONNECT_TIMEOUT,
        &node.cancel,
    )
    .map_err(|e| e.to_string())?;
    conn.write_file_atomic(
        ".",
        &plan.manifest.file,
        &plan.data,
        &node.cancel,
        &mut |_, _| {},
    )
    .map_err(|e| format!("transfer: {e}"))?;
    let command = plan.manifest.install.clone().unwrap_or_default();
    let (code, output) = conn
        .run(&command, Instant::now() + INSTALL_TIMEOUT, INSTALL_TIMEOUT)
        .map_err(|e| format!("install: {e}"))?;
    let tail: String = {
        let safe = crate::output::terminal_safe(output.trim()).into_owned();
        let chars: Vec<char> = safe.chars().collect();
        chars[chars.len().saturating_sub(200)..].iter().collect()
    };
    if code == 0 {
        Ok(format!("{} installed", plan.manifest.version))
    } else {
        Err(format!("the installer exited with {code}: {tail}"))
    }
}

/// The per-node table of a run, for the console and the mail.
pub const TABLE: [&str; 5] = ["NODE", "SIDE", "RESULT", "TIME", "DETAIL"];

pub fn table(results: &[NodeResult]) -> Vec<Vec<String>> {
    results
        .iter()
        .map(|r| {
            vec![
                r.host.clone(),
                r.side.clone(),
                format!("{:?}", r.result),
                format!("{:.1}s", r.seconds),
                r.detail.clone(),
            ]
        })
        .collect()
}

/// Install on the plan's nodes, one at a time; `on_node` hears each result as it ends.
pub fn install(
    node: &mut Node,
    plan: &Plan,
    actor: &str,
    max_fail: usize,
    on_node: &mut dyn FnMut(&NodeResult),
) -> OpResult<Report> {
    node.require_cloud_connect(false)?;
    let _lock = node.orchestration_lock("utils patch-manager install")?;
    let host = node.identity()?.hostname;
    let key =
        crate::nodekey::ensure(node.root(), &host).map_err(|e| OpError::new(Kind::Storage, e))?;
    let host_keys = HostKeys::new(node.root().join("known_hosts"));
    let run = node
        .db()?
        .start_run("patch install", &plan.manifest.file, actor)?;
    let mut results = Vec::new();
    let mut failures = 0;
    for row in &plan.nodes {
        let started = Instant::now();
        let (result, detail) = if failures > max_fail || node.cancel.is_cancelled() {
            (
                Result_::Skipped,
                "not started: the run stopped before this node".to_owned(),
            )
        } else {
            match one(node, &key.private, &host_keys, row, plan) {
                Ok(d) => (Result_::Installed, d),
                Err(d) => {
                    failures += 1;
                    (Result_::Failed, d)
                }
            }
        };
        let r = NodeResult {
            host: row.name.clone(),
            side: row.side.clone(),
            result,
            seconds: started.elapsed().as_secs_f64(),
            detail,
        };
        node.db()?.record_step(
            run,
            &r.host,
            &r.side,
            &format!("{:?}", r.result),
            &r.detail,
            r.seconds,
        )?;
        on_node(&r);
        results.push(r);
    }
    let done = results
        .iter()
        .filter(|r| r.result == Result_::Installed)
        .count();
    let overall = if done == results.len() {
        "Success"
    } else if done == 0 {
        "Failed"
    } else {
        "Partial"
    };
    node.db()?.finish_run(run, overall)?;
    let rows = table(&results);
    // A mail that cannot be queued never fails the run.
    let _ = super::notify::notify(
        node,
        &format!("Patch install {}", plan.manifest.file),
        overall,
        &TABLE,
        &rows,
    );
    Ok(Report {
        run,
        nodes: results,
    })
}

/// Where the newest run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunState {
    /// Its process still holds the orchestration lock.
    Running,
    /// It ended without finishing (the process is gone: Ctrl-C, kill, a reboot).
    Interrupted,
    Finished,
}

/// `utils deployment show in-progress`: the newest run and whether it still runs.
pub fn in_progress(
    node: &mut Node,
) -> OpResult<Option<(crate::state::orchestration::Run, RunState)>> {
    let Some(run) = node.db()?.runs(1)?.into_iter().next() else {
        return Ok(None);
    };
    let state = if run.finished_at.is_some() {
        RunState::Finished
    } else {
        let path = node.db()?.path().to_path_buf();
        match crate::state::lock::live_holder(&path)? {
            Some(o) if o.command == "utils patch-manager install" => RunState::Running,
            _ => RunState::Interrupted,
        }
    };
    Ok(Some((run, state)))
}

/// The newest `limit` runs, newest first.
pub fn history(node: &mut Node, limit: usize) -> OpResult<Vec<crate::state::orchestration::Run>> {
    Ok(node.db()?.runs(limit)?)
}
