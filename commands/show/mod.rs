//! `show` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod cert;
pub mod cli;
pub mod smtp_from_email;
pub mod smtp_host;
pub mod smtp_use_auth;
pub mod smtp_user;
pub mod version;

#[derive(Debug, Subcommand)]
pub enum ShowCommands {
    /// Certificates of this node
    #[command(subcommand)]
    Cert(cert::ShowCertCommands),
    /// Settings of the command-line interface
    #[command(subcommand)]
    Cli(cli::ShowCliCommands),
    /// (Cloud Connect) The SMTP server notifications are sent through
    SmtpHost(smtp_host::ShowSmtpHostArgs),
    /// (Cloud Connect) The sender address of notification mails
    SmtpFromEmail(smtp_from_email::ShowSmtpFromEmailArgs),
    /// (Cloud Connect) Whether this node logs in to the SMTP server
    SmtpUseAuth(smtp_use_auth::ShowSmtpUseAuthArgs),
    /// (Cloud Connect) The SMTP user name
    SmtpUser(smtp_user::ShowSmtpUserArgs),
    /// (VOS) The active and inactive versions of this node and their patches
    #[command(subcommand)]
    Version(version::ShowVersionCommands),
}

pub fn run(ctx: &mut Ctx, cmd: ShowCommands) -> CmdResult {
    match cmd {
        ShowCommands::Cli(c) => cli::run(ctx, c),
        ShowCommands::Cert(c) => cert::run(ctx, c),
        ShowCommands::Version(c) => version::run(ctx, c),
        ShowCommands::SmtpHost(a) => smtp_host::cmd_show_smtp_host(ctx, a),
        ShowCommands::SmtpFromEmail(a) => smtp_from_email::cmd_show_smtp_from_email(ctx, a),
        ShowCommands::SmtpUseAuth(a) => smtp_use_auth::cmd_show_smtp_use_auth(ctx, a),
        ShowCommands::SmtpUser(a) => smtp_user::cmd_show_smtp_user(ctx, a),
    }
}
