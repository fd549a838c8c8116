//! `utils smtp` menu (Cloud Connect): the notification mails: check the server, who receives
//! them, what waits to be delivered.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod remove_config;
pub mod show;
pub mod subscribe;
pub mod test_connection;
pub mod unsubscribe;

#[derive(Debug, Subcommand)]
pub enum SmtpCommands {
    TestConnection(test_connection::UtilsSmtpTestConnectionArgs),
    Subscribe(subscribe::UtilsSmtpSubscribeArgs),
    Unsubscribe(unsubscribe::UtilsSmtpUnsubscribeArgs),
    /// Who receives notifications, and mails waiting to be delivered
    #[command(subcommand)]
    Show(show::SmtpShowCommands),
    RemoveConfig(remove_config::UtilsSmtpRemoveConfigArgs),
}

impl SmtpCommands {
    pub fn changes_state(&self) -> bool {
        matches!(
            self,
            SmtpCommands::Subscribe(_)
                | SmtpCommands::Unsubscribe(_)
                | SmtpCommands::RemoveConfig(_)
        )
    }
}

pub fn run(ctx: &mut Ctx, cmd: SmtpCommands) -> CmdResult {
    match cmd {
        SmtpCommands::TestConnection(a) => test_connection::cmd_utils_smtp_test_connection(ctx, a),
        SmtpCommands::Subscribe(a) => subscribe::cmd_utils_smtp_subscribe(ctx, a),
        SmtpCommands::Unsubscribe(a) => unsubscribe::cmd_utils_smtp_unsubscribe(ctx, a),
        SmtpCommands::Show(c) => show::run(ctx, c),
        SmtpCommands::RemoveConfig(a) => remove_config::cmd_utils_smtp_remove_config(ctx, a),
    }
}
