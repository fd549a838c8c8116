//! `hub cluster unregister`: forget a cluster, acknowledged with `--yes`.

use clap::Args;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{Kind, OpError};

/// Forget a cluster (its polls are refused from now on)
#[derive(Debug, Args)]
pub struct HubClusterUnregisterArgs {
    pub name: String,
    /// Acknowledge that the cluster is no longer kept up to date
    #[arg(long)]
    pub yes: bool,
}

pub fn cmd_hub_cluster_unregister(
    ctx: &mut Ctx,
    at: &mut HubAt,
    args: HubClusterUnregisterArgs,
) -> CmdResult {
    let name = args.name;
    if !args.yes {
        return Err(OpError::new(
            Kind::Invalid,
            format!("unregistering {name} stops its automatic upgrades"),
        )
        .hint("acknowledge with --yes")
        .into());
    }
    at.hub.unregister(&name)?;
    ctx.ui.status(&format!("{name} is unregistered."));
    Ok(())
}
