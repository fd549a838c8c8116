//! `utils system onboard update`: only what is not onboarded yet, or what changed.

use clap::Args;

use super::{onboard, prepare, CloudConnectArgs};
use crate::context::Ctx;
use crate::errors::CmdResult;

/// Finish a partial onboarding, and refresh what changed (e.g. a new Cloud Connect key)
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils system onboard update")]
pub struct UtilsSystemOnboardUpdateArgs {
    #[command(flatten)]
    pub cc: CloudConnectArgs,
}

pub fn cmd_utils_system_onboard_update(
    ctx: &mut Ctx,
    args: UtilsSystemOnboardUpdateArgs,
) -> CmdResult {
    let plan = prepare(ctx, &args.cc)?;
    onboard(ctx, &plan, &crate::ops::onboarding::unfinished_members)
}
