//! `utils system onboard trigger` (aliases `initiate`, and `restart`, the name Cisco's German
//! set-up guide uses after `remove`).

use clap::Args;

use super::{onboard, prepare, CloudConnectArgs};
use crate::context::Ctx;
use crate::errors::CmdResult;

/// Enrol this VOS cluster with Cloud Connect (password-less SSH for Cloud Connect)
///
/// Verifies the Cloud Connect publisher's certificate against this node's trust/, logs in as an
/// application user, fetches the SSH key of every Cloud Connect node (any unreachable: nothing
/// changes), installs them in every member's authorized_keys (this node's locally, the other
/// members' over SFTP), and registers each member with its host key, account and port. One
/// line per member; a partial result exits 3 and `update` finishes it.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system onboard trigger\n  Cloud Connect Publisher FQDN: cc-pub.example.com\n  Application Username: ccadmin\n  Application Password: ********"
)]
pub struct UtilsSystemOnboardTriggerArgs {
    #[command(flatten)]
    pub cc: CloudConnectArgs,
}

pub fn cmd_utils_system_onboard_trigger(
    ctx: &mut Ctx,
    args: UtilsSystemOnboardTriggerArgs,
) -> CmdResult {
    let plan = prepare(ctx, &args.cc)?;
    onboard(ctx, &plan, &crate::ops::onboarding::every_member)
}
