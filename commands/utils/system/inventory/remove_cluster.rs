//! `utils system inventory remove-cluster NAME`: the Cloud Connect administrator's way to
//! forget an onboarded VOS cluster whatever application user registered it (a VOS publisher
//! that was rebuilt, or whose application user is gone).

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Forget an onboarded VOS cluster, whichever application user registered it
///
/// Over the node service only the application user that registered a cluster may change or
/// remove it; this command, run by the administrator on the Cloud Connect publisher, removes
/// it regardless. The cluster's hosts leave the VOS part of the inventory.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system inventory remove-cluster Finesse-fin-a"
)]
pub struct UtilsSystemInventoryRemoveClusterArgs {
    /// The cluster name, as `utils system inventory show` lists it
    #[arg(value_name = "NAME")]
    pub name: String,
}

pub fn cmd_utils_system_inventory_remove_cluster(
    ctx: &mut Ctx,
    args: UtilsSystemInventoryRemoveClusterArgs,
) -> CmdResult {
    ctx.node.require_cloud_connect(true)?;
    crate::names::validate_cluster(&args.name)
        .map_err(|w| CommandError::usage(format!("{}: {w}", args.name)))?;
    let hosts = ctx
        .db()?
        .onboarded_hosts()?
        .into_iter()
        .filter(|h| h.cluster == args.name)
        .count();
    if hosts == 0 {
        return Err(
            CommandError::failed(format!("no onboarded cluster is named {}", args.name))
                .with_hint("see the onboarded clusters with: utils system inventory show"),
        );
    }
    if !ctx.confirm(&format!(
        "Remove cluster {} ({hosts} hosts) from the inventory",
        args.name
    ))? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let removed = crate::ops::onboarding::unregister(&mut ctx.node, &args.name, None)?;
    ctx.ui.status(&format!(
        "Cluster {} is no longer onboarded ({removed} hosts removed).",
        args.name
    ));
    Ok(())
}
