//! The interactive `admin:` shell (rule R1 in docs/rules.md#r1) on rustyline: Tab completion from
//! the clap tree, history in the state directory (command lines only), Ctrl-C clears the line,
//! Ctrl-D leaves.

pub mod complete;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{CompletionType, Config, Context as RlContext, Editor};
use rustyline::{Helper, Highlighter, Hinter, Validator};

use crate::context::Ctx;
use crate::dispatch::run_line;
use crate::errors::exit;

pub const PROMPT: &str = "admin:";

#[derive(Helper, Highlighter, Hinter, Validator)]
struct ShellHelper {
    tree: clap::Command,
}

impl Completer for ShellHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &RlContext<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, cands) = complete::complete(&self.tree, line, pos);
        Ok((
            start,
            cands
                .into_iter()
                .map(|c| Pair {
                    display: c.display,
                    replacement: c.replacement,
                })
                .collect(),
        ))
    }
}

/// Run the shell until `quit`, `exit` or Ctrl-D; returns 0: a command's failure was already
/// reported at the prompt, and leaving the shell is not a failure.
pub fn run_shell(ctx: &mut Ctx) -> i32 {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .completion_show_all_if_ambiguous(true)
        .auto_add_history(false)
        // VOS automation reads the terminal: no bracketed-paste switch around every line.
        .bracketed_paste(false)
        .history_ignore_dups(true)
        .and_then(|b| b.max_history_size(1000))
        .map(|b| b.build());
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            ctx.ui
                .err_text(&format!("Error: cannot configure the line editor: {e}\n"));
            return exit::FAILED;
        }
    };
    let mut rl: Editor<ShellHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(r) => r,
        Err(e) => {
            ctx.ui
                .err_text(&format!("Error: cannot start the line editor: {e}\n"));
            return exit::FAILED;
        }
    };
    // Nor synchronized-output brackets around every redraw.
    rustyline::config::Configurer::enable_synchronized_output(&mut rl, false);
    rl.set_helper(Some(ShellHelper {
        tree: ctx.line_tree().clone(),
    }));
    // After the editor: it replaced the SIGINT handler when it opened the terminal. At the
    // prompt the terminal is raw, so Ctrl-C arrives as a key there, not as a signal.
    crate::context::install_interrupt_handler(&ctx.node.cancel, ctx.mode);
    let history = ctx.node.state.history_path();
    if ctx.node.state.ensure().is_ok() && history.exists() {
        if let Err(e) = rl.load_history(&history) {
            ctx.ui.warn(&format!(
                "cannot read the history {}: {e}",
                history.display()
            ));
        }
    }
    ctx.ui.status("Welcome to ccadmin. Type \"help\" for commands, \"?\" after a command for its syntax, Tab to complete.");
    loop {
        match rl.readline(PROMPT) {
            Ok(line) => {
                let cmd = line.trim();
                if cmd.is_empty() {
                    continue;
                }
                // Only command lines enter history, proxy passwords redacted; answers to
                // prompts are read elsewhere. A line that does not start with a command's
                // name is kept out: it may be a password typed at the wrong prompt.
                let first = cmd.split_whitespace().next().unwrap_or("");
                let is_command = crate::help::is_command_name(ctx.line_tree(), first);
                let kept = crate::names::redact_command_line(cmd);
                if is_command && rl.history_mut().add(&kept).unwrap_or(false) {
                    if let Err(e) = rl.append_history(&history) {
                        ctx.ui.warn(&format!(
                            "cannot write the history {}: {e}",
                            history.display()
                        ));
                    }
                }
                if cmd == "quit" || cmd == "exit" {
                    break;
                }
                run_line(ctx, cmd);
                if ctx.tree.is_none() {
                    // The role changed: Tab offers the new role's commands.
                    let tree = ctx.line_tree().clone();
                    if let Some(h) = rl.helper_mut() {
                        h.tree = tree;
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                ctx.ui
                    .err_text(&format!("Error: cannot read from the terminal: {e}\n"));
                return exit::FAILED;
            }
        }
    }
    exit::SUCCESS
}
