//! `utils upgrade-manager list`: the downloaded upgrades.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::patches::ArtifactKind;

/// List the downloaded upgrades: what each is, whether its signature and file check out, and the hosts of its product
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils upgrade-manager list\n  $ ccadmin utils upgrade-manager list --output json"
)]
pub struct UtilsUpgradeManagerListArgs {}

pub fn cmd_utils_upgrade_manager_list(
    ctx: &mut Ctx,
    _args: UtilsUpgradeManagerListArgs,
) -> CmdResult {
    crate::commands::utils::patch_manager::list::render(ctx, ArtifactKind::Upgrade)
}
