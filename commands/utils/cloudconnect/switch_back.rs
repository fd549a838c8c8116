//! `utils cloudconnect switch-back`: go back to the release before the current one — the one
//! way a node runs an older release (it never installs one it is offered).

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::release;

/// Point this node's release directory back at the release before the current one
///
/// A node only moves forward by itself: it never installs an older release a hub offers. This
/// is how an administrator goes back: `current` is pointed at the newest kept release older
/// than the current one (one atomic rename), and the node's service runs it once restarted.
/// Withdraw the newer release at the hub too (ccadmin hub release withdraw VERSION), or the
/// next window offers it again.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils cloudconnect switch-back --release-root /opt/ccadmin"
)]
pub struct UtilsCloudconnectSwitchBackArgs {
    /// The node service's release directory (its --release-root)
    #[arg(long, value_name = "DIR", env = "CCADMIN_RELEASE_ROOT")]
    pub release_root: Option<PathBuf>,
}

pub fn cmd_utils_cloudconnect_switch_back(
    ctx: &mut Ctx,
    args: UtilsCloudconnectSwitchBackArgs,
) -> CmdResult {
    let root = args.release_root.ok_or_else(|| {
        CommandError::usage("the node service's release directory is needed")
            .with_hint("give it with --release-root DIR (or CCADMIN_RELEASE_ROOT)")
    })?;
    let (now, back, dir) = release::previous_release(&root)?;
    if !ctx.confirm(&format!(
        "Point {} at {back} (from {now}); the node's service runs it once restarted",
        root.join("current").display()
    ))? {
        ctx.ui.line("Nothing was changed.")?;
        return Ok(());
    }
    release::switch(&root, &dir)?;
    ctx.ui.status(&format!(
        "current now points at {back}. Restart the node's service to run it, and withdraw {now} at the hub (ccadmin hub release withdraw {now}), or its next window offers {now} again."
    ));
    Ok(())
}
