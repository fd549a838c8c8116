//! `set` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod cli;
pub mod smtp_from_email;
pub mod smtp_host;
pub mod smtp_pswd;
pub mod smtp_use_auth;
pub mod smtp_user;

#[derive(Debug, Subcommand)]
pub enum SetCommands {
    /// Settings of the command-line interface
    #[command(subcommand)]
    Cli(cli::SetCliCommands),
    /// (Cloud Connect publisher) The SMTP server notifications are sent through
    SmtpHost(smtp_host::SetSmtpHostArgs),
    /// (Cloud Connect publisher) The sender address of notification mails
    SmtpFromEmail(smtp_from_email::SetSmtpFromEmailArgs),
    /// (Cloud Connect publisher) Log in to the SMTP server, or not
    SmtpUseAuth(smtp_use_auth::SetSmtpUseAuthArgs),
    /// (Cloud Connect publisher) The SMTP user name
    SmtpUser(smtp_user::SetSmtpUserArgs),
    /// (Cloud Connect publisher) The SMTP password (secret store)
    SmtpPswd(smtp_pswd::SetSmtpPswdArgs),
}

impl SetCommands {
    /// The session's settings change nothing stored; the SMTP settings do.
    pub fn changes_state(&self) -> bool {
        !matches!(self, SetCommands::Cli(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: SetCommands) -> CmdResult {
    match cmd {
        SetCommands::Cli(c) => cli::run(ctx, c),
        SetCommands::SmtpHost(a) => smtp_host::cmd_set_smtp_host(ctx, a),
        SetCommands::SmtpFromEmail(a) => smtp_from_email::cmd_set_smtp_from_email(ctx, a),
        SetCommands::SmtpUseAuth(a) => smtp_use_auth::cmd_set_smtp_use_auth(ctx, a),
        SetCommands::SmtpUser(a) => smtp_user::cmd_set_smtp_user(ctx, a),
        SetCommands::SmtpPswd(a) => smtp_pswd::cmd_set_smtp_pswd(ctx, a),
    }
}
