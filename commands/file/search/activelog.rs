//! `file search activelog`: the lines of the node's logs that hold a text.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::logs;
use crate::output::one_line;

/// Search the node's log files for a text
///
/// PATTERN is a plain text (not a regular expression), matched in each line; --ignore-case
/// matches it in any case. DIR is a directory under the log directory, searched with its
/// sub-directories (nothing or `/`: every log), or one file. Each matching line is shown as
/// `FILE:LINE: text`; at most 10000 are shown. `..`, absolute paths and symbolic links are
/// refused, and links inside a directory are not followed.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Examples:\n  admin:file search activelog \"result=\\\"Failure\\\"\" orchestration-audit\n  admin:file search activelog refused --ignore-case"
)]
pub struct FileSearchActivelogArgs {
    /// The text to find (plain text, not a regular expression)
    #[arg(value_name = "PATTERN")]
    pub pattern: String,
    /// Directory or file under the log directory [default: every log]
    #[arg(value_name = "DIR")]
    pub dir: Option<String>,
    /// Match the text in any case
    #[arg(long)]
    pub ignore_case: bool,
}

pub fn cmd_file_search_activelog(ctx: &mut Ctx, args: FileSearchActivelogArgs) -> CmdResult {
    let spec = args.dir.as_deref().unwrap_or("/");
    let found = logs::search(
        ctx.node.root(),
        &args.pattern,
        spec,
        args.ignore_case,
        &ctx.node.cancel,
    )?;
    if ctx.ui.json_output() {
        ctx.ui.json(&found)?;
        return Ok(());
    }
    let lines: Vec<String> = found
        .matches
        .iter()
        .map(|m| format!("{}:{}: {}", one_line(&m.file), m.line, m.text))
        .collect();
    if !lines.is_empty() {
        ctx.ui.line(&lines.join("\n"))?;
    }
    let more = if found.truncated {
        format!(" (the first {}; narrow the search)", logs::MAX_MATCHES)
    } else {
        String::new()
    };
    ctx.ui.status(&format!(
        "{} matching line(s){more} in {} file(s) searched.",
        found.matches.len(),
        found.files_searched
    ));
    Ok(())
}
