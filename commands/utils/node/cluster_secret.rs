//! `utils node cluster-secret`: the secret the Cloud Connect publisher and subscriber share
//! (rule R11 in docs/rules.md#r11). Set the same one on both; the subscriber's service joins the
//! publisher with it and the publisher replicates settings to the subscriber with it.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::prompt::{read_secret_file, Field};

/// Set the secret this Cloud Connect node shares with the other node of its cluster
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils node cluster-secret\n  Cluster Secret: ********\n  Confirm Cluster Secret: ********"
)]
pub struct UtilsNodeClusterSecretArgs {
    /// Read the secret from the first line of FILE instead of asking
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

pub fn cmd_utils_node_cluster_secret(ctx: &mut Ctx, args: UtilsNodeClusterSecretArgs) -> CmdResult {
    let field = Field {
        label: "Cluster Secret",
        flag: "--secret-file",
        env: Some("CCADMIN_CLUSTER_SECRET"),
        default: None,
    };
    let given = match &args.secret_file {
        Some(p) => Some(read_secret_file(ctx, p, "--secret-file")?),
        None => None,
    };
    let secret = ctx.new_secret(&field, given)?;
    let kind = crate::ops::cluster::set_secret(&mut ctx.node, &secret)?;
    ctx.ui
        .status(&format!("Cluster secret saved in the {kind} store."));
    Ok(())
}
