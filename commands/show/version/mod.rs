//! `show version` menu (VOS): the active and inactive versions and their patches.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software::Installed;

pub mod active;
pub mod inactive;

#[derive(Debug, Subcommand)]
pub enum ShowVersionCommands {
    Active(active::ShowVersionActiveArgs),
    Inactive(inactive::ShowVersionInactiveArgs),
}

pub fn run(ctx: &mut Ctx, cmd: ShowVersionCommands) -> CmdResult {
    match cmd {
        ShowVersionCommands::Active(a) => active::cmd_show_version_active(ctx, a),
        ShowVersionCommands::Inactive(a) => inactive::cmd_show_version_inactive(ctx, a),
    }
}

/// Both commands print the whole record as JSON (what Cloud Connect reads), and as text the
/// lines a VOS console prints.
pub(crate) fn render(ctx: &mut Ctx, which: &str, installed: &Installed) -> CmdResult {
    if ctx.ui.json_output() {
        ctx.ui.json(installed)?;
        return Ok(());
    }
    let (version, patches) = if which == "Active" {
        (
            Some(installed.version.as_str()),
            installed.patches.as_slice(),
        )
    } else {
        (installed.inactive.as_deref(), &[][..])
    };
    let Some(version) = version else {
        ctx.ui.line("Inactive Master Version: (none)")?;
        return Ok(());
    };
    ctx.ui.line(&format!("{which} Master Version: {version}"))?;
    ctx.ui
        .line(&format!("{which} Version Installed Software Options:"))?;
    if patches.is_empty() {
        ctx.ui.line("No Installed Software Options Found.")?;
    }
    for p in patches {
        ctx.ui.line(&format!(
            "{}  ({}, installed {})",
            p.name, p.version, p.installed_at
        ))?;
    }
    Ok(())
}
