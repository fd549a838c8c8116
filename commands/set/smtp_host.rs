//! `set smtp-host HOST[:PORT] [--security starttls|tls|none]`.

use clap::{Args, ValueEnum};

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::notify;
use crate::state::notify::Security;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecurityArg {
    /// STARTTLS, required (port 587 unless given)
    Starttls,
    /// TLS from the first byte, implicit TLS (port 465 unless given)
    Tls,
    /// No TLS (port 25 unless given); refused together with authentication
    None,
}

/// Set the SMTP server notifications are sent through
///
/// Without --security, port 465 means implicit TLS and any other port STARTTLS, which is then
/// required: a server that does not offer it is refused, never used in clear. The server's
/// certificate is checked against the system's CAs and this node's trust/ (utils cert import).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:set smtp-host smtp.example.com\n  admin:set smtp-host smtp.example.com:465\n  admin:set smtp-host relay.lab:2525 --security starttls"
)]
pub struct SetSmtpHostArgs {
    /// The server: a host name or address, with :PORT when not the default
    #[arg(value_name = "HOST[:PORT]")]
    pub host: String,
    /// How the connection is protected
    #[arg(long, value_enum)]
    pub security: Option<SecurityArg>,
}

pub fn cmd_set_smtp_host(ctx: &mut Ctx, args: SetSmtpHostArgs) -> CmdResult {
    let security = args.security.map(|s| match s {
        SecurityArg::Starttls => Security::Starttls,
        SecurityArg::Tls => Security::Tls,
        SecurityArg::None => Security::None,
    });
    let c = notify::set_host(&mut ctx.node, &args.host, security)?;
    ctx.ui.status(&format!(
        "SMTP host set to {}:{} ({}).",
        c.host.unwrap_or_default(),
        c.port.unwrap_or_default(),
        c.security.map_or("starttls", Security::as_str)
    ));
    Ok(())
}
