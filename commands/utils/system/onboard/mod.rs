//! `utils system onboard` (SPEC 4), run on the publisher of a VOS cluster: enrol the cluster
//! with Cloud Connect so Cloud Connect can SSH into every member without a password.
//!
//! Every step is idempotent and recorded per member as it completes, so `update` after a
//! failure, a crash or Ctrl-C finishes exactly what is missing, and `remove` undoes exactly
//! the key lines onboarding installed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::clients::ssh::{self, Auth, Endpoint, HostKeys};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::prompt::{read_secret_file, Field};
use crate::replication::base;
use crate::secrets::Secret;
use crate::state::db::{OnboardState, VosMember};

pub mod remove;
pub mod trigger;
pub mod update;

#[derive(Debug, Subcommand)]
pub enum OnboardCommands {
    /// Enrol this VOS cluster with Cloud Connect (password-less SSH for Cloud Connect)
    #[command(visible_alias = "initiate")]
    Trigger(trigger::UtilsSystemOnboardTriggerArgs),
    /// Finish a partial onboarding, and refresh what changed (e.g. a new Cloud Connect key)
    Update(update::UtilsSystemOnboardUpdateArgs),
    /// De-register this cluster from Cloud Connect and remove the keys onboarding installed
    Remove(remove::UtilsSystemOnboardRemoveArgs),
}

pub fn run(ctx: &mut Ctx, cmd: OnboardCommands) -> CmdResult {
    match cmd {
        OnboardCommands::Trigger(a) => trigger::cmd_utils_system_onboard_trigger(ctx, a),
        OnboardCommands::Update(a) => update::cmd_utils_system_onboard_update(ctx, a),
        OnboardCommands::Remove(a) => remove::cmd_utils_system_onboard_remove(ctx, a),
    }
}

/// What the three commands ask for.
#[derive(Debug, Args)]
pub struct CloudConnectArgs {
    /// The Cloud Connect publisher (FQDN or FQDN:PORT; port 8445 by default)
    #[arg(long, value_name = "FQDN")]
    pub cloud_connect: Option<String>,
    /// Application user on Cloud Connect
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the application user's password from the first line of FILE
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Name of this cluster at Cloud Connect [default: COMPONENT-PUBLISHER]
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,
    /// Seconds to wait for each Cloud Connect node and cluster member
    #[arg(long, value_name = "SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
}

/// The Cloud Connect REST API as a VOS node uses it: TLS trusted only through this node's
/// `trust/` (the tomcat-trust equivalent), HTTP Basic as an application user.
pub struct CloudConnect {
    client: reqwest::blocking::Client,
    user: String,
    password: Secret,
}

impl CloudConnect {
    fn call(
        &self,
        method: reqwest::Method,
        host: &str,
        path: &str,
        body: Option<Value>,
    ) -> CmdResult<Value> {
        let url = format!("{}{path}", base(host));
        let mut req = self
            .client
            .request(method, &url)
            .basic_auth(&self.user, Some(self.password.expose()));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().map_err(|e| {
            let text = crate::clients::artifactory::error_chain(&e);
            if text.to_lowercase().contains("certificate") {
                CommandError::failed(format!(
                    "the certificate of {} is not trusted by this node: {text}",
                    base(host)
                ))
                .with_hint(format!(
                    "on {host} run `show cert own`, copy it here and run: utils cert import FILE"
                ))
            } else {
                CommandError::failed(format!("{} cannot be reached: {text}", base(host)))
                    .with_hint("check the name, the port (8445) and that ccadmin serve runs there")
            }
        })?;
        let status = resp.status();
        let value: Value = resp.json().unwrap_or(Value::Null);
        match status.as_u16() {
            200 => Ok(value),
            401 => Err(CommandError::failed(format!("{} refused the application user {}", base(host), self.user))
                .with_hint("check the user name and password (utils applicationuser on the Cloud Connect publisher)")),
            429 => Err(CommandError::failed(format!("{} refuses logins from this address for a while: too many failed attempts", base(host)))
                .with_hint("wait a minute, then try again with the right password")),
            403 => Err(CommandError::failed(format!(
                "{} refused: {}",
                base(host),
                value["errors"][0]["message"].as_str().unwrap_or("forbidden")
            ))
            .with_hint("a cluster can be changed only by the application user that registered it: use that user, or ask the Cloud Connect administrator to run utils system inventory remove-cluster NAME")),
            s => Err(CommandError::failed(format!("{url} answered {s}: {value}"))),
        }
    }
}

/// One member of this VOS cluster, as onboarding handles it.
pub struct Member {
    /// Host name as Cloud Connect reaches it (`HOST` or `HOST:PORT`).
    pub name: String,
    pub host_type: &'static str,
    pub user: String,
    /// `None`: this node itself (its authorized_keys is a local file).
    pub remote: Option<VosMember>,
    pub authorized_keys: String,
}

/// Everything the three commands start from.
pub struct Plan {
    pub cc: CloudConnect,
    pub cc_host: String,
    pub cluster: String,
    pub product: String,
    pub members: Vec<Member>,
    pub timeout: Duration,
}

fn home_of(user: &str) -> String {
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| {
            p.lines()
                .find(|l| l.split(':').next() == Some(user))
                .and_then(|l| l.split(':').nth(5).map(str::to_owned))
        })
        .unwrap_or_else(|| format!("/home/{user}"))
}

/// Check the node, ask for what is missing, build the API client.
pub fn prepare(ctx: &mut Ctx, args: &CloudConnectArgs) -> CmdResult<Plan> {
    let node = ctx.db()?.node()?;
    if node.role != "vos" {
        return Err(CommandError::failed("This command runs on the publisher of a VOS cluster.")
            .with_hint("this node is a Cloud Connect node; on a VOS node: utils node set --role vos --component ..."));
    }
    let product = node.component.clone().ok_or_else(|| {
        CommandError::failed("this VOS node has no component")
            .with_hint("utils node set --component Finesse|CUIC|...")
    })?;
    let user = node.orchestration_user.clone().ok_or_else(|| {
        CommandError::failed("this node has no orchestration account for Cloud Connect")
            .with_hint("utils node set --orchestration-user NAME [--authorized-keys PATH]")
    })?;
    // Checked before anything is asked: without a trusted certificate nothing can work.
    let certs = crate::replication::trusted_certificates(ctx.state.root());
    if certs.is_empty() {
        return Err(CommandError::failed(
            "this node trusts no certificate yet, so it cannot verify Cloud Connect",
        )
        .with_hint("on the Cloud Connect publisher run `show cert own`, copy it here and run: utils cert import FILE"));
    }
    let cc_host = ctx.value(
        &Field {
            label: "Cloud Connect Publisher FQDN",
            flag: "--cloud-connect",
            env: Some("CCADMIN_CLOUD_CONNECT"),
            default: None,
        },
        args.cloud_connect.clone(),
    )?;
    crate::names::validate_host(&cc_host)
        .map_err(|w| CommandError::usage(format!("{cc_host}: {w}")))?;
    let username = ctx.value(
        &Field {
            label: "Application Username",
            flag: "--username",
            env: Some("CCADMIN_CC_USERNAME"),
            default: None,
        },
        args.username.clone(),
    )?;
    let given = match &args.password_file {
        Some(p) => Some(read_secret_file(ctx, p, "--password-file")?),
        None => None,
    };
    let password = ctx.secret(
        &Field {
            label: "Application Password",
            flag: "--password-file",
            env: Some("CCADMIN_CC_PASSWORD"),
            default: None,
        },
        given,
    )?;
    let timeout = Duration::from_secs(args.timeout);
    let client = reqwest::blocking::Client::builder()
        .tls_certs_only(certs)
        .connect_timeout(timeout)
        .timeout(timeout)
        .no_proxy()
        .build()
        .map_err(|e| CommandError::failed(format!("cannot build the HTTPS client: {e}")))?;
    let short = crate::names::split_host_port(&node.hostname)
        .map(|(h, _)| {
            if h.parse::<std::net::IpAddr>().is_ok() {
                h.replace(['.', ':'], "-")
            } else {
                h.split('.').next().unwrap_or(h).to_owned()
            }
        })
        .unwrap_or_default();
    let cluster = args
        .cluster_name
        .clone()
        .unwrap_or_else(|| format!("{product}-{short}"));
    crate::names::validate_cluster(&cluster).map_err(|w| {
        CommandError::usage(format!("cluster name {cluster}: {w}"))
            .with_hint("choose another with --cluster-name NAME")
    })?;
    let own_name = if node.ssh_port == 22 || node.hostname.contains(':') {
        node.hostname.clone()
    } else {
        format!("{}:{}", node.hostname, node.ssh_port)
    };
    let mut members = vec![Member {
        name: own_name,
        host_type: "Publisher",
        user: user.clone(),
        remote: None,
        authorized_keys: node
            .authorized_keys
            .clone()
            .unwrap_or_else(|| format!("{}/.ssh/authorized_keys", home_of(&user))),
    }];
    for m in ctx.db()?.vos_members()? {
        members.push(Member {
            name: m.host.clone(),
            host_type: "Subscriber",
            user: m.user.clone(),
            authorized_keys: m.authorized_keys.clone(),
            remote: Some(m),
        });
    }
    Ok(Plan {
        cc: CloudConnect {
            client,
            user: username,
            password,
        },
        cc_host,
        cluster,
        product,
        members,
        timeout,
    })
}

/// The SSH key line of every Cloud Connect node (publisher and subscriber). Any node that
/// cannot be asked stops everything before anything changed.
pub fn cloud_connect_keys(plan: &Plan) -> CmdResult<Vec<String>> {
    let cluster = plan.cc.call(
        reqwest::Method::GET,
        &plan.cc_host,
        "/inventory/cluster",
        None,
    )?;
    let mut nodes: Vec<String> = vec![cluster["publisher"]
        .as_str()
        .unwrap_or(&plan.cc_host)
        .to_owned()];
    if let Some(s) = cluster["subscriber"].as_str() {
        nodes.push(s.to_owned());
    }
    // Host names from the peer become URLs: only valid host names are contacted.
    if let Some(bad) = nodes
        .iter()
        .find(|n| crate::names::validate_host(n).is_err())
    {
        return Err(CommandError::failed(format!(
            "{} named a Cloud Connect node that is not a host name ({}); nothing was changed",
            base(&plan.cc_host),
            crate::output::terminal_safe(bad)
        )));
    }
    let mut keys = Vec::new();
    for n in nodes {
        let v = plan
            .cc
            .call(reqwest::Method::GET, &n, "/inventory/controlnode/key", None)
            .map_err(|e| {
                CommandError::failed(format!(
                    "the SSH key of Cloud Connect node {n} cannot be fetched; nothing was changed"
                ))
                .with_cause(e.message)
                .with_hint("bring that node back (ccadmin serve), then run the command again")
            })?;
        let line = v["publicKey"]
            .as_str()
            .ok_or_else(|| CommandError::failed(format!("{n} sent no publicKey")))?;
        // The line goes into authorized_keys: only a parsed key, rebuilt, with no options.
        let key = crate::sshkeys::SshPublicKey::parse(line).map_err(|why| {
            CommandError::failed(format!(
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

fn ssh_reason(e: ssh::SshError) -> String {
    e.to_string()
}

/// Apply `add`/`drop` to a member's authorized_keys; returns the member's SSH host key line.
pub fn apply_keys(
    ctx: &mut Ctx,
    plan: &Plan,
    m: &Member,
    add: &[String],
    drop: &[String],
) -> Result<String, String> {
    match &m.remote {
        None => {
            let path = Path::new(&m.authorized_keys);
            let old = std::fs::read_to_string(path).unwrap_or_default();
            let new = edit_keys(&old, add, drop);
            if new != old {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                }
                crate::state::write_private_file(path, new.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            let ep = Endpoint::parse(&m.name, 22).map_err(|e| format!("{}: {e}", m.name))?;
            ssh::scan_host_key(&ep, plan.timeout).map_err(ssh_reason)
        }
        Some(member) => {
            let ep =
                Endpoint::parse(&member.host, 22).map_err(|e| format!("{}: {e}", member.host))?;
            let identity = member.identity.clone().ok_or("no --identity key to log in to this member with (utils node cluster add ... --identity KEYFILE)")?;
            let known = HostKeys::new(ctx.state.root().join("known_hosts"));
            // Cluster members are added by the administrator by name; their keys are learned
            // on first contact, as the VOS platform trusts its own members.
            let conn = ssh::connect(
                &ep,
                &member.user,
                &Auth::Key(PathBuf::from(identity)),
                &known,
                &mut |_| Ok(true),
                plan.timeout,
            )
            .map_err(ssh_reason)?;
            let flag = std::sync::atomic::AtomicBool::new(false);
            let old = match conn.read_file(&member.authorized_keys, 1 << 20, &flag, &mut |_, _| {})
            {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(ssh::SshError::NotFound { .. }) => String::new(),
                Err(e) => return Err(ssh_reason(e)),
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
                conn.write_file_atomic(&dir, &name, new.as_bytes(), &flag, &mut |_, _| {})
                    .map_err(ssh_reason)?;
            }
            conn.host_key_line()
                .ok_or_else(|| "the member sent no host key".to_owned())
        }
    }
}

/// Decides whether a member needs onboarding: the member, what was recorded for it, and the
/// Cloud Connect keys of now.
pub type Selector<'a> = &'a dyn Fn(&Member, Option<&OnboardState>, &[String]) -> bool;

/// Onboard the members `only` selects: install keys, register, record. Prints one line per
/// member and returns the result of the whole.
pub fn onboard(ctx: &mut Ctx, plan: &Plan, only: Selector) -> CmdResult {
    let keys = cloud_connect_keys(plan)?;
    let states = ctx.db()?.onboard_states()?;
    let (mut ok, mut failed, mut skipped) = (0, 0, 0);
    for m in &plan.members {
        ctx.check_interrupt()?;
        let state = states.iter().find(|s| s.member == m.name);
        if !only(m, state, &keys) {
            ctx.ui.line(&format!("{:<40} Already onboarded", m.name))?;
            skipped += 1;
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
        let result = apply_keys(ctx, plan, m, &keys, &stale).and_then(|host_key| {
            let port = Endpoint::parse(&m.name, 22).map(|e| e.port).unwrap_or(22);
            let body = json!({ "host": m.name, "cluster": plan.cluster, "product": plan.product, "type": m.host_type, "host_key": host_key, "user": m.user, "port": port });
            plan.cc.call(reqwest::Method::POST, &plan.cc_host, "/inventory/onboard", Some(body)).map(|_| ()).map_err(|e| e.message)
        });
        let (status, detail) = match &result {
            Ok(()) => ("onboarded", None),
            Err(e) => ("failed", Some(e.clone())),
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
        ctx.db()?.set_onboard_state(&OnboardState {
            member: m.name.clone(),
            cc: plan.cc_host.clone(),
            cluster: plan.cluster.clone(),
            status: status.into(),
            detail,
            keys: installed,
        })?;
        match result {
            Ok(()) => {
                ok += 1;
                ctx.ui.line(&format!("{:<40} Onboarded", m.name))?;
            }
            Err(e) => {
                failed += 1;
                ctx.ui.line(&format!("{:<40} Failed: {e}", m.name))?;
            }
        }
    }
    let total = plan.members.len();
    ctx.ui.line(&format!(
        "{} of {total} cluster members onboarded to {} as cluster {}.",
        ok + skipped,
        plan.cc_host,
        plan.cluster
    ))?;
    if failed == 0 {
        return Ok(());
    }
    if ok + skipped == 0 {
        return Err(
            CommandError::failed("no cluster member could be onboarded").with_hint(
                "fix the cause named for each member, then run: utils system onboard update",
            ),
        );
    }
    Err(CommandError::new(
        ErrorKind::Partial,
        format!("the cluster is partially onboarded: {failed} of {total} members failed"),
    )
    .with_hint("fix the cause named for each member, then run: utils system onboard update"))
}
