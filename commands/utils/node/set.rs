//! `utils node set`: change this node's identity (rule R6 in docs/rules.md#r6). A role change is
//! confirmed.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::context::Ctx;
use crate::domain::Role;
use crate::errors::{CmdResult, CommandError};
use crate::ops::node::{self, Changes};

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
    /// The version of the product this VOS node's image runs (role vos only)
    #[arg(long, value_name = "VERSION")]
    pub software_version: Option<String>,
}

pub fn cmd_utils_node_set(ctx: &mut Ctx, args: UtilsNodeSetArgs) -> CmdResult {
    let changes = Changes {
        role: args.role,
        hostname: args.hostname,
        publisher: args.publisher,
        component: args
            .component
            .and_then(|c| c.to_possible_value().map(|v| v.get_name().to_owned())),
        orchestration_user: args.orchestration_user,
        authorized_keys: args.authorized_keys.map(|p| p.display().to_string()),
        ssh_port: args.ssh_port,
    };
    if let Some(v) = &args.software_version {
        if changes.is_empty() {
            crate::ops::software::set_version(&mut ctx.node, v)?;
            ctx.ui.status(&format!("The active version is now {v}."));
            return Ok(());
        }
    }
    if changes.is_empty() {
        return Err(
            CommandError::usage("nothing to change: give at least one option").with_hint(
                "type \"utils node set ?\" for the options, e.g. --role, --hostname, --ssh-port",
            ),
        );
    }
    let before = ctx.node.identity()?;
    let node = node::apply(&before, &changes)?;
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
    node::save(&mut ctx.node, &node)?;
    if let Some(v) = &args.software_version {
        crate::ops::software::set_version(&mut ctx.node, v)?;
    }
    // The shell shows the commands of the new role from now on.
    ctx.tree = None;
    ctx.ui.status("Node settings saved.");
    Ok(())
}
