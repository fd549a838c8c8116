//! `show version inactive` (VOS).

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software;

/// Show the inactive version of this VOS node and its installed patches
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:show version inactive")]
pub struct ShowVersionInactiveArgs {}

pub fn cmd_show_version_inactive(ctx: &mut Ctx, _args: ShowVersionInactiveArgs) -> CmdResult {
    let installed = software::local(&mut ctx.node)?;
    crate::commands::show::version::render(ctx, "Inactive", &installed)
}
