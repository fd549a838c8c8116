//! `hub smtp set`: the hub's SMTP server (what is not given stays). With `--user` the password
//! is asked without echo (or read from CCADMIN_HUB_SMTP_PASSWORD, or the next line of a batch),
//! never taken from the command line, and kept in the hub directory's owner-only `secrets`
//! file.

use clap::{Args, ValueEnum};

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::hub::alerts::SmtpChange;
use crate::ops::{Kind, OpError};
use crate::prompt::{Field, Input};
use crate::state::notify::Security;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Protection {
    /// STARTTLS, required (port 587)
    Starttls,
    /// TLS from the first byte (port 465)
    Tls,
    /// No TLS: only for a relay on this host, never with a login
    None,
}

/// Set the SMTP server the hub mails its alerts through (what is not given stays); with
/// --user the password is asked (or read from CCADMIN_HUB_SMTP_PASSWORD)
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  ccadmin hub smtp set --host smtp.example.com --port 587 --security starttls --from hub@example.com --user hub\n  SMTP password for hub: ********\n  Confirm the password: ********"
)]
pub struct HubSmtpSetArgs {
    /// The SMTP server's host name or address
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// Its port [default: 587 with starttls, 465 with tls, 25 with none]
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// How the connection is protected
    #[arg(long, value_enum)]
    pub security: Option<Protection>,
    /// The sender address of the alerts
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// Log in as USER (the password is asked)
    #[arg(long, value_name = "USER", conflicts_with = "no_user")]
    pub user: Option<String>,
    /// Log in no more (the password is forgotten)
    #[arg(long)]
    pub no_user: bool,
}

pub fn cmd_hub_smtp_set(ctx: &mut Ctx, at: &mut HubAt, args: HubSmtpSetArgs) -> CmdResult {
    let login = match (&args.user, args.no_user) {
        (Some(user), _) => {
            let label = format!("SMTP password for {user}");
            let field = Field {
                label: &label,
                flag: "CCADMIN_HUB_SMTP_PASSWORD or the next line of standard input",
                env: Some("CCADMIN_HUB_SMTP_PASSWORD"),
                default: None,
            };
            let password = ctx.secret(&field, None)?;
            let from_env = ctx.env.get("CCADMIN_HUB_SMTP_PASSWORD").is_some();
            if matches!(ctx.input, Input::Terminal) && !from_env {
                let confirm = Field {
                    label: "Confirm the password",
                    ..field
                };
                if ctx.secret(&confirm, None)? != password {
                    return Err(OpError::new(
                        Kind::Invalid,
                        "the password and its confirmation do not match",
                    )
                    .into());
                }
            }
            Some(Some((user.clone(), password)))
        }
        (None, true) => Some(None),
        (None, false) => None,
    };
    let c = at.hub.set_smtp(SmtpChange {
        host: args.host,
        port: args.port,
        security: args.security.map(|s| match s {
            Protection::Starttls => Security::Starttls,
            Protection::Tls => Security::Tls,
            Protection::None => Security::None,
        }),
        from: args.from,
        login,
    })?;
    ctx.ui.status(&format!(
        "The hub's SMTP server: {}:{} ({}), from {}{}.",
        c.host.as_deref().unwrap_or("(not set)"),
        c.port.unwrap_or(0),
        c.security.map(|s| s.as_str()).unwrap_or("starttls"),
        c.from_email.as_deref().unwrap_or("(not set)"),
        match &c.user {
            Some(u) => format!(", logging in as {u} (password saved)"),
            None => String::new(),
        }
    ));
    Ok(())
}
