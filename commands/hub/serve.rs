//! `hub serve`: the hub's HTTPS service for Cloud Connect nodes and the people who manage them.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::hub::Clock;

/// Run the hub's HTTPS service for Cloud Connect nodes (registration, polls, releases)
#[derive(Debug, Args)]
pub struct HubServeArgs {
    /// Address and port to listen on
    #[arg(
        long,
        value_name = "ADDR:PORT",
        default_value = "0.0.0.0:8446",
        env = "CCADMIN_HUB_LISTEN"
    )]
    pub listen: std::net::SocketAddr,
    /// The hub's host name, in its certificate
    #[arg(
        long,
        value_name = "FQDN",
        default_value = "localhost",
        env = "CCADMIN_HUB_HOSTNAME"
    )]
    pub hostname: String,
}

pub fn cmd_hub_serve(_ctx: &mut Ctx, dir: PathBuf, clock: Clock, args: HubServeArgs) -> CmdResult {
    crate::hub::server::run(dir, args.listen, &args.hostname, clock)
        .map_err(|e| crate::ops::OpError::new(crate::ops::Kind::Failed, e.to_string()))?;
    Ok(())
}
