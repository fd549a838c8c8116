//! `utils node set`: change this node's identity (SPEC 2). A role change is confirmed.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::names::validate_host;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// Cloud Connect publisher
    Publisher,
    /// Cloud Connect subscriber
    Subscriber,
    /// A VOS node (Finesse, CUIC, Live Data, IdS, VVB) that onboards to Cloud Connect
    Vos,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Publisher => "publisher",
            Role::Subscriber => "subscriber",
            Role::Vos => "vos",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Component {
    #[value(name = "Finesse")]
    Finesse,
    #[value(name = "CUIC")]
    Cuic,
    #[value(name = "LiveData")]
    LiveData,
    #[value(name = "IdS")]
    Ids,
    #[value(name = "CUIC_LiveData_IdS")]
    CuicLiveDataIds,
    #[value(name = "VVB")]
    Vvb,
}

/// Change this node's role, host name, component or orchestration account
///
/// A fresh state directory is a stand-alone Cloud Connect publisher named after the machine.
/// A subscriber names its publisher; a VOS node names its component and the account whose
/// authorized_keys receives the Cloud Connect keys. Changing the role asks for confirmation.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils node set --role vos --hostname finesse-a.example.com --component Finesse --orchestration-user ccorch"
)]
pub struct UtilsNodeSetArgs {
    /// The role of this node
    #[arg(long, value_enum)]
    pub role: Option<Role>,
    /// This node's fully qualified host name (HOST:PORT is accepted)
    #[arg(long, value_name = "FQDN")]
    pub hostname: Option<String>,
    /// The publisher of this node's cluster (subscribers only)
    #[arg(long, value_name = "FQDN")]
    pub publisher: Option<String>,
    /// The VOS product this node runs (role vos only)
    #[arg(long, value_enum)]
    pub component: Option<Component>,
    /// The account Cloud Connect logs in as over SSH (role vos only)
    #[arg(long, value_name = "NAME")]
    pub orchestration_user: Option<String>,
    /// The authorized_keys file of that account [default: ~NAME/.ssh/authorized_keys]
    #[arg(long, value_name = "PATH")]
    pub authorized_keys: Option<PathBuf>,
    /// The SSH port Cloud Connect uses to reach this node
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub ssh_port: Option<u16>,
}

pub fn cmd_utils_node_set(ctx: &mut Ctx, args: UtilsNodeSetArgs) -> CmdResult {
    let nothing_given = args.role.is_none()
        && args.hostname.is_none()
        && args.publisher.is_none()
        && args.component.is_none()
        && args.orchestration_user.is_none()
        && args.authorized_keys.is_none()
        && args.ssh_port.is_none();
    if nothing_given {
        return Err(
            CommandError::usage("nothing to change: give at least one option").with_hint(
                "type \"utils node set ?\" for the options, e.g. --role, --hostname, --ssh-port",
            ),
        );
    }
    let before = ctx.db()?.node()?;
    let mut node = before.clone();
    if let Some(h) = &args.hostname {
        validate_host(h).map_err(|why| CommandError::usage(format!("--hostname {h}: {why}")))?;
        node.hostname = h.clone();
    }
    if let Some(p) = &args.publisher {
        validate_host(p).map_err(|why| CommandError::usage(format!("--publisher {p}: {why}")))?;
        node.publisher = Some(p.clone());
    }
    if let Some(r) = args.role {
        node.role = r.as_str().to_owned();
    }
    if let Some(c) = args.component {
        node.component = c.to_possible_value().map(|v| v.get_name().to_owned());
    }
    if let Some(u) = &args.orchestration_user {
        crate::names::validate_user(u)
            .map_err(|why| CommandError::usage(format!("--orchestration-user {u}: {why}")))?;
        node.orchestration_user = Some(u.clone());
    }
    if let Some(p) = &args.authorized_keys {
        node.authorized_keys = Some(p.display().to_string());
    }
    if let Some(p) = args.ssh_port {
        node.ssh_port = p;
    }
    // Fields that belong to another role are dropped with it, so `show` never says something stale.
    match node.role.as_str() {
        "publisher" => {
            if args.publisher.is_some() {
                return Err(CommandError::usage(
                    "a publisher has no --publisher; it is the publisher",
                )
                .with_hint(
                    "use --role subscriber --publisher FQDN to make this node a subscriber",
                ));
            }
            node.publisher = None;
        }
        "subscriber" => {
            if node.publisher.is_none() {
                return Err(CommandError::usage("a subscriber must name its publisher")
                    .with_hint("add --publisher FQDN"));
            }
        }
        _ => {
            if node.component.is_none() {
                return Err(CommandError::usage("a VOS node must name its component")
                    .with_hint("add --component Finesse|CUIC|LiveData|IdS|CUIC_LiveData_IdS|VVB"));
            }
        }
    }
    if node.role != "vos" && (args.component.is_some() || args.orchestration_user.is_some()) {
        return Err(CommandError::usage(
            "--component and --orchestration-user apply to VOS nodes only",
        )
        .with_hint("add --role vos"));
    }
    if node.role != "vos" {
        node.component = None;
    }
    if node == before {
        ctx.ui
            .status("Nothing changed: the node already has these settings.");
        return Ok(());
    }
    if node.role != before.role
        && !ctx.confirm(&format!(
            "Change the role of this node from {} to {}",
            before.role, node.role
        ))?
    {
        ctx.ui.status("Nothing changed.");
        return Ok(());
    }
    ctx.db()?.set_node(&node)?;
    ctx.ui.status("Node settings saved.");
    Ok(())
}
