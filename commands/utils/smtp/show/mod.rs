//! `utils smtp show` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod subscriptions;

#[derive(Debug, Subcommand)]
pub enum SmtpShowCommands {
    Subscriptions(subscriptions::UtilsSmtpShowSubscriptionsArgs),
}

pub fn run(ctx: &mut Ctx, cmd: SmtpShowCommands) -> CmdResult {
    match cmd {
        SmtpShowCommands::Subscriptions(a) => {
            subscriptions::cmd_utils_smtp_show_subscriptions(ctx, a)
        }
    }
}
