//! `utils system inventory remove-cluster NAME`: the Cloud Connect administrator's way to
//! forget an onboarded VOS cluster whatever application user registered it (a VOS publisher
//! that was rebuilt, or whose application user is gone).

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;

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
    let removal = crate::ops::inventory::plan_cluster_removal(&mut ctx.node, &args.name)?;
    if !ctx.confirm(&format!(
        "Remove cluster {} ({} hosts) from the inventory",
        args.name, removal.hosts
    ))? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let removed = removal.run(&mut ctx.node)?;
    ctx.ui.status(&format!(
        "Cluster {} is no longer onboarded ({removed} hosts removed).",
        args.name
    ));
    Ok(())
}
