//! `show version active` (VOS).

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software;

/// Show the active version of this VOS node and its installed patches
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:show version active")]
pub struct ShowVersionActiveArgs {}

pub fn cmd_show_version_active(ctx: &mut Ctx, _args: ShowVersionActiveArgs) -> CmdResult {
    let installed = software::local(&mut ctx.node)?;
    crate::commands::show::version::render(ctx, "Active", &installed)
}
