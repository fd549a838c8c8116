//! `hub smtp test`: connect, protect, log in and say NOOP to the hub's SMTP server, then send a
//! test mail to the subscribed addresses.

use clap::Args;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;

/// Check the hub's SMTP server (connect, TLS, login) and send a test mail to the subscribers
#[derive(Debug, Args)]
pub struct HubSmtpTestArgs {}

pub fn cmd_hub_smtp_test(ctx: &mut Ctx, at: &mut HubAt, _args: HubSmtpTestArgs) -> CmdResult {
    let (server, sent) = at.hub.smtp_test()?;
    ctx.ui.status(&format!(
        "The SMTP server {server} accepted the connection{}.",
        if sent > 0 {
            format!("; test mail sent to {sent} address(es)")
        } else {
            "; nobody is subscribed, so no test mail was sent (ccadmin hub alerts subscribe ADDRESS)".into()
        }
    ));
    Ok(())
}
