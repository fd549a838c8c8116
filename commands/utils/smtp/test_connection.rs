//! `utils smtp test-connection`: prove the SMTP server takes mail from this node, then offer a
//! test mail.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;

/// Check the SMTP server (connect, TLS, log in) and offer to send a test mail
///
/// The test mail goes to every subscribed address, or to --to. Without --send-test-mail or
/// --no-test-mail the question is asked (in a batch: the next line answers it).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils smtp test-connection\n  $ ccadmin utils smtp test-connection --send-test-mail --to me@example.com"
)]
pub struct UtilsSmtpTestConnectionArgs {
    /// Send the test mail without asking
    #[arg(long, conflicts_with = "no_test_mail")]
    pub send_test_mail: bool,
    /// Do not send a test mail, and do not ask
    #[arg(long)]
    pub no_test_mail: bool,
    /// Send the test mail to these addresses instead of the subscribers
    #[arg(long, value_name = "ADDRESS,...")]
    pub to: Option<String>,
}

pub fn cmd_utils_smtp_test_connection(
    ctx: &mut Ctx,
    args: UtilsSmtpTestConnectionArgs,
) -> CmdResult {
    let server = notify::test(&mut ctx.node)?;
    ctx.ui.status(&format!(
        "The SMTP server {server} accepted the connection."
    ));
    let to = match &args.to {
        Some(list) => notify::parse_list(list)?,
        None => notify::subscribers(&mut ctx.node)?,
    };
    if args.no_test_mail {
        return Ok(());
    }
    if to.is_empty() {
        ctx.ui.status(
            "No address to send a test mail to (utils smtp subscribe ADDRESS,... or --to).",
        );
        return Ok(());
    }
    if !args.send_test_mail
        && !ctx.ask_yes_no(&format!("Send a test mail to {} address(es)", to.len()))?
    {
        return Ok(());
    }
    let n = notify::send_test(&mut ctx.node, to)?;
    ctx.ui
        .status(&format!("Test mail sent to {n} address(es)."));
    Ok(())
}
