//! `set cli pagination on|off`: the session's automatic pagination (VOS: session only).

use clap::{Args, ValueEnum};

use crate::context::Ctx;
use crate::errors::CmdResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// Turn automatic pagination of long output on or off for this session
///
/// With pagination on, output longer than the terminal stops after each page with
/// "Press <enter> for 1 line, <space> for one page, or <q> to quit". Output that is not a
/// terminal never pages.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:set cli pagination off")]
pub struct SetCliPaginationArgs {
    /// on or off
    #[arg(value_enum)]
    pub state: OnOff,
}

pub fn cmd_set_cli_pagination(ctx: &mut Ctx, args: SetCliPaginationArgs) -> CmdResult {
    ctx.ui.pagination = args.state == OnOff::On;
    ctx.ui.status(&format!(
        "Automatic pagination is turned {}.",
        if ctx.ui.pagination { "on" } else { "off" }
    ));
    Ok(())
}
