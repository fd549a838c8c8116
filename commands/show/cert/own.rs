//! `show cert own`: this node's service certificate (made on first use), in PEM.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;

/// Print this node's service certificate (PEM), to import on the VOS nodes
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:show cert own\n  $ ccadmin show cert own > cc-pub.pem"
)]
pub struct ShowCertOwnArgs {}

pub fn cmd_show_cert_own(ctx: &mut Ctx, _args: ShowCertOwnArgs) -> CmdResult {
    let pem = crate::ops::certs::own(&mut ctx.node)?;
    ctx.ui.print(&pem)?;
    Ok(())
}
