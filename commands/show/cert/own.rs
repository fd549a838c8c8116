//! `show cert own`: this node's service certificate (made on first use), in PEM.

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Print this node's service certificate (PEM), to import on the VOS nodes
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:show cert own\n  $ ccadmin show cert own > cc-pub.pem"
)]
pub struct ShowCertOwnArgs {}

pub fn cmd_show_cert_own(ctx: &mut Ctx, _args: ShowCertOwnArgs) -> CmdResult {
    let host = ctx.db()?.node()?.hostname;
    let files = crate::serve::tls::ensure(ctx.node.root(), &host).map_err(CommandError::failed)?;
    let pem = std::fs::read_to_string(&files.cert)
        .map_err(|e| CommandError::failed(format!("cannot read {}: {e}", files.cert.display())))?;
    ctx.ui.print(&pem)?;
    Ok(())
}
