//! `hub smtp` menu: the SMTP server the hub mails its alerts through (its own, not a
//! cluster's).

use clap::Subcommand;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod set;
pub mod show;
pub mod test;

#[derive(Debug, Subcommand)]
pub enum SmtpCommands {
    Set(set::HubSmtpSetArgs),
    Show(show::HubSmtpShowArgs),
    Test(test::HubSmtpTestArgs),
}

pub fn run(ctx: &mut Ctx, at: &mut HubAt, cmd: SmtpCommands) -> CmdResult {
    match cmd {
        SmtpCommands::Set(a) => set::cmd_hub_smtp_set(ctx, at, a),
        SmtpCommands::Show(a) => show::cmd_hub_smtp_show(ctx, at, a),
        SmtpCommands::Test(a) => test::cmd_hub_smtp_test(ctx, at, a),
    }
}
