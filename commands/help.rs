//! `help [COMMAND...]`: the top-level menus, or a command's long help.

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Show the commands, or one command's description, options and example
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:help utils applicationuser add")]
pub struct HelpArgs {
    /// The command to describe, e.g. `utils node show`
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

pub fn cmd_help(ctx: &mut Ctx, args: HelpArgs) -> CmdResult {
    // This node's role's commands (the shell's tree).
    let tree = ctx.line_tree().clone();
    let text = if args.command.is_empty() {
        crate::help::top_level(&tree)
    } else {
        crate::help::long_help(&tree, &args.command).map_err(|what| {
            let mut e = CommandError::usage(format!("no such command: {what}"));
            if let Some(s) = crate::help::suggest(&tree, &args.command) {
                e = e.with_hint(format!("did you mean: help {s}?"));
            }
            e.with_hint("type \"help\" for the list of commands")
        })?
    };
    ctx.ui.print(&text)?;
    Ok(())
}
