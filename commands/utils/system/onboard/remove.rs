//! `utils system onboard remove`: de-register the cluster and take back exactly the key lines
//! onboarding installed.

use clap::Args;

use super::{apply_keys, prepare, CloudConnectArgs};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};

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
    let states = ctx.db()?.onboard_states()?;
    let cluster = states
        .first()
        .map(|s| s.cluster.clone())
        .unwrap_or_else(|| plan.cluster.clone());
    if !ctx.confirm(&format!(
        "Remove cluster {cluster} from Cloud Connect {} and its keys from every member",
        plan.cc_host
    ))? {
        ctx.ui.status("Nothing changed.");
        return Ok(());
    }
    plan.cc.call(
        reqwest::Method::DELETE,
        &plan.cc_host,
        &format!("/inventory/onboard/{cluster}"),
        None,
    )?;
    let mut failed = 0;
    for m in &plan.members {
        let Some(state) = states.iter().find(|s| s.member == m.name) else {
            continue;
        };
        match apply_keys(ctx, &plan, m, &[], &state.keys) {
            Ok(_) => {
                ctx.db()?.clear_onboard_state(&m.name)?;
                ctx.ui.line(&format!("{:<40} Removed", m.name))?;
            }
            Err(e) => {
                failed += 1;
                ctx.ui.line(&format!("{:<40} Failed: {e}", m.name))?;
            }
        }
    }
    if failed > 0 {
        return Err(CommandError::new(
            ErrorKind::Partial,
            format!("the keys could not be removed from {failed} member(s)"),
        )
        .with_hint("fix the cause named for each member, then run the command again"));
    }
    ctx.ui
        .status(&format!("Cluster {cluster} is no longer onboarded."));
    Ok(())
}
