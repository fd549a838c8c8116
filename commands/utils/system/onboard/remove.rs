//! `utils system onboard remove`: de-register the cluster and take back exactly the key lines
//! onboarding installed.

use clap::Args;

use super::{prepare, CloudConnectArgs, MemberLines};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::onboarding;

/// De-register this VOS cluster from Cloud Connect and remove the keys onboarding installed
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system onboard remove")]
pub struct UtilsSystemOnboardRemoveArgs {
    #[command(flatten)]
    pub cc: CloudConnectArgs,
}

pub fn cmd_utils_system_onboard_remove(
    ctx: &mut Ctx,
    args: UtilsSystemOnboardRemoveArgs,
) -> CmdResult {
    let plan = prepare(ctx, &args.cc)?;
    let cluster = onboarding::recorded_cluster(&mut ctx.node, &plan)?;
    if !ctx.confirm(&format!(
        "Remove cluster {cluster} from Cloud Connect {} and its keys from every member",
        plan.cc_host
    ))? {
        ctx.ui.status("Nothing changed.");
        return Ok(());
    }
    let mut lines = MemberLines::new(&mut ctx.ui);
    let result = onboarding::remove(&mut ctx.node, &plan, &cluster, &mut |m, o| lines.show(m, o));
    lines.finish()?;
    result?;
    ctx.ui
        .status(&format!("Cluster {cluster} is no longer onboarded."));
    Ok(())
}
