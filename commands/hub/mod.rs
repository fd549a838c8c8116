//! `hub` menu (`ccadmin hub ...`): the hub's console, one file per leaf command like every other
//! menu. The hub keeps its own state (`--hub-dir`, not a node's state directory); each command
//! opens it, resolves its values through the `Ctx` and renders with the same output helpers.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::Timestamp;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::hub::{Clock, Hub};
use crate::ops::{Kind, OpError};

pub mod account;
pub mod alerts;
pub mod cluster;
pub mod release;
pub mod serve;
pub mod smtp;

/// The hub's state and what it is asked to do.
#[derive(Debug, Args)]
pub struct HubArgs {
    /// Directory holding the hub's state [default: $XDG_DATA_HOME/ccadmin-hub]
    #[arg(long, env = "CCADMIN_HUB_DIR", value_name = "DIR")]
    pub hub_dir: Option<PathBuf>,
    /// The time to act at, instead of the clock: RFC 3339, or @FILE holding one, read at every
    /// use (for tests and rehearsals)
    #[arg(long, value_name = "TIME|@FILE", hide = true, value_parser = Clock::parse)]
    pub now: Option<Clock>,
    /// Without a command: the lines of standard input, each a hub command (a batch)
    #[command(subcommand)]
    pub command: Option<HubCommands>,
}

#[derive(Debug, Subcommand)]
pub enum HubCommands {
    Serve(serve::HubServeArgs),
    /// The registered Cloud Connect clusters
    #[command(subcommand)]
    Cluster(cluster::ClusterCommands),
    /// The ccadmin releases the hub offers
    #[command(subcommand)]
    Release(release::ReleaseCommands),
    /// The accounts of the people who use the hub's pages and API
    #[command(subcommand)]
    Account(account::AccountCommands),
    /// The SMTP server the hub mails its alerts through
    #[command(subcommand)]
    Smtp(smtp::SmtpCommands),
    /// The hub's alerts: who receives them, the offline threshold, the daily digest
    #[command(subcommand)]
    Alerts(alerts::AlertsCommands),
}

/// The hub a command acts on, opened, and the instant it acts at.
pub struct HubAt {
    pub hub: Hub,
    pub now: Timestamp,
}

/// An I/O error of the hub's own files, as the hub's commands word it.
pub(crate) fn failed(e: impl std::fmt::Display) -> OpError {
    OpError::new(Kind::Failed, e.to_string())
}

pub fn run(ctx: &mut Ctx, args: HubArgs) -> CmdResult {
    let dir = args.hub_dir.ok_or_else(|| {
        OpError::new(Kind::Invalid, "no hub directory: HOME is not set")
            .hint("pass --hub-dir DIR or set CCADMIN_HUB_DIR")
    })?;
    let clock = args.now.unwrap_or(Clock::System);
    let cmd = match args.command {
        Some(HubCommands::Serve(a)) => return serve::cmd_hub_serve(ctx, dir, clock, a),
        Some(other) => other,
        None => {
            return Err(OpError::new(Kind::Invalid, "no hub command given")
                .hint("run `ccadmin hub ?` for the hub's commands, or give them as lines on standard input")
                .into())
        }
    };
    let now = clock.now();
    let mut at = HubAt {
        hub: Hub::open(&dir)?,
        now,
    };
    match cmd {
        HubCommands::Serve(_) => Ok(()),
        HubCommands::Cluster(c) => cluster::run(ctx, &mut at, c),
        HubCommands::Release(c) => release::run(ctx, &mut at, c),
        HubCommands::Account(c) => account::run(ctx, &mut at, c),
        HubCommands::Smtp(c) => smtp::run(ctx, &mut at, c),
        HubCommands::Alerts(c) => alerts::run(ctx, &mut at, c),
    }
}
