//! Batches (rule R2 in docs/rules.md#r2): stdin that is not a terminal, or `-f FILE`. Each line is
//! a command as an administrator would type it; a command that prompts takes the following line as
//! its answer.

use crate::context::Ctx;
use crate::dispatch::{report, run_line};
use crate::errors::{exit, CommandError};
use crate::prompt::Input;

/// Run every command of the context's line input; returns the batch's exit status.
pub fn run_batch(ctx: &mut Ctx) -> i32 {
    let mut status = exit::SUCCESS;
    loop {
        if ctx.check_interrupt().is_err() {
            ctx.ui.err_text("Control-C pressed\n");
            return exit::INTERRUPTED;
        }
        let line = match &mut ctx.input {
            Input::Lines(src) => src.next_line(),
            Input::Terminal => unreachable!("a batch reads lines"),
        };
        let line = match line {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(e) => {
                let code = report(ctx, &CommandError::failed(e.to_string()));
                return code;
            }
        };
        let cmd = line.trim();
        if cmd.is_empty() || cmd.starts_with('#') {
            continue;
        }
        if cmd == "quit" || cmd == "exit" {
            break;
        }
        // A line that is not a command may be the answer (a password, an API key) of a command
        // that failed before reading it (`--keep-going`): it is neither echoed nor shown in an
        // error, only its place is.
        let first = cmd.split_whitespace().next().unwrap_or("");
        if !crate::help::looks_like_command(ctx.line_tree(), first) {
            let place = match &ctx.input {
                Input::Lines(src) => format!("{}:{}", src.origin, src.line_no),
                Input::Terminal => String::new(),
            };
            if ctx.opts.echo {
                if let Err(e) = ctx.ui.print(&format!("admin:(line {place} not shown)\n")) {
                    return report(ctx, &e.into());
                }
            }
            ctx.ui.err_text(&format!(
                "Invalid command at {place} (the line is not shown: it may be the answer of a command that failed before reading it)\n{}\n",
                crate::dispatch::UNSUCCESSFUL
            ));
            status = exit::USAGE;
            if !ctx.opts.keep_going {
                return status;
            }
            continue;
        }
        if ctx.opts.echo {
            if let Err(e) = ctx.ui.print(&format!("admin:{cmd}\n")) {
                return report(ctx, &e.into());
            }
        }
        let code = run_line(ctx, cmd);
        if ctx.ui.closed {
            // Nobody reads the results any more (`| head`): stop, as a pipeline expects.
            return status;
        }
        if code == exit::INTERRUPTED {
            return code;
        }
        if code != exit::SUCCESS && code != exit::NOTHING_TO_DO {
            status = code;
            if !ctx.opts.keep_going {
                return code;
            }
        }
    }
    status
}
