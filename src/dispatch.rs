//! The one dispatcher behind the shell, batches and one-shot commands: a line becomes words,
//! words become a `Commands` value through the clap tree, the command runs against the
//! context, and its outcome becomes output, an audit record and an exit status.

use clap::error::ErrorKind as ClapKind;
use clap::FromArgMatches;

use crate::cli::LineCli;
use crate::commands::{self, Commands};
use crate::context::Ctx;
use crate::errors::{exit, CommandError, ErrorKind};
use crate::help;

/// The VOS line that scripts look for after a failed command.
pub const UNSUCCESSFUL: &str = "Executed command unsuccessfully";

/// Commands whose remainder is taken as typed, quotes included (SQL needs its quotes).
const RAW_TAIL: &[&[&str]] = &[&["run", "sql"]];

/// Split a line into words, shell style; a raw-tail command keeps its remainder whole.
pub fn split_line(line: &str) -> Result<Vec<String>, String> {
    let trimmed = line.trim();
    for prefix in RAW_TAIL {
        let mut rest = trimmed;
        let mut words = Vec::new();
        let mut matched = true;
        for p in *prefix {
            let w = rest.split_whitespace().next().unwrap_or("");
            if w != *p {
                matched = false;
                break;
            }
            words.push(p.to_string());
            rest = rest[rest.find(w).unwrap_or(0) + w.len()..].trim_start();
        }
        if matched && !rest.is_empty() && !rest.starts_with('-') && rest != "?" {
            words.push(rest.to_owned());
            return Ok(words);
        }
    }
    shlex::split(trimmed).ok_or_else(|| "unbalanced quotes".to_owned())
}

/// Run one line typed at the shell or read from a batch; returns its exit status.
pub fn run_line(ctx: &mut Ctx, line: &str) -> i32 {
    let line = line.trim();
    // `<command> ?` and a lone `?`: syntax, or a menu's sub-commands.
    if line == "?" || line.ends_with(" ?") {
        let words: Vec<String> = line
            .trim_end_matches('?')
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        return match help::syntax(ctx.line_tree(), &words) {
            Ok(text) => print_text(ctx, &text),
            Err(_) => invalid(ctx, line, &words),
        };
    }
    let words = match split_line(line) {
        Ok(w) => w,
        Err(why) => {
            return report(
                ctx,
                &CommandError::usage(format!("cannot read the line: {why}")),
            )
        }
    };
    let matches = match ctx.line_tree().try_get_matches_from_mut(&words) {
        Ok(m) => m,
        Err(e) => return clap_error(ctx, line, &words, e),
    };
    let parsed = match LineCli::from_arg_matches(&matches) {
        Ok(p) => p,
        Err(e) => return clap_error(ctx, line, &words, e),
    };
    let saved = (ctx.ui.format, ctx.opts.yes);
    if let Some(f) = parsed.output {
        ctx.ui.format = f;
    }
    ctx.opts.yes |= parsed.yes;
    let status = run_command(ctx, parsed.command, line);
    (ctx.ui.format, ctx.opts.yes) = saved;
    status
}

/// Run a parsed command: output, audit record, exit status.
pub fn run_command(ctx: &mut Ctx, cmd: Commands, line: &str) -> i32 {
    ctx.node.cancel.reset();
    ctx.ui.begin_command();
    let audited = cmd.changes_state();
    let mut result = commands::run(ctx, cmd);
    if let Err(e) = ctx.ui.flush() {
        if result.is_ok() {
            result = Err(e.into());
        }
    }
    if matches!(&result, Err(e) if e.kind == ErrorKind::OutputClosed) {
        ctx.ui.closed = true;
    }
    if audited {
        let outcome = match &result {
            Ok(()) => ("success".to_owned(), None),
            Err(e) if e.kind == ErrorKind::OutputClosed => ("success".to_owned(), None),
            Err(e) if e.kind == ErrorKind::NothingToDo => ("nothing to do".to_owned(), None),
            Err(e) => (
                format!("failed ({})", e.exit_code()),
                Some(e.message.clone()),
            ),
        };
        let actor = ctx.actor.clone();
        let audit = ctx.db().and_then(|db| {
            let detail = outcome.1.as_deref().map(crate::names::redact_command_line);
            Ok(db.audit(
                &actor,
                &crate::names::redact_command_line(line),
                &outcome.0,
                detail.as_deref(),
            )?)
        });
        if let Err(e) = audit {
            ctx.ui.warn(&format!(
                "the audit log could not record this command: {}",
                e.message
            ));
        }
    }
    match result {
        Ok(()) => exit::SUCCESS,
        Err(e) => report(ctx, &e),
    }
}

/// Print a command's error the VOS way and return its exit status.
pub fn report(ctx: &mut Ctx, e: &CommandError) -> i32 {
    match e.kind {
        ErrorKind::OutputClosed => {}
        ErrorKind::Interrupted => ctx.ui.err_text("Control-C pressed\n"),
        ErrorKind::NothingToDo => ctx.ui.status(&e.message),
        _ => {
            ctx.ui.err_text(&e.render());
            ctx.ui.err_text(&format!("{UNSUCCESSFUL}\n"));
        }
    }
    e.exit_code()
}

fn print_text(ctx: &mut Ctx, text: &str) -> i32 {
    match ctx.ui.print(text) {
        Ok(()) => exit::SUCCESS,
        Err(e) => report(ctx, &e.into()),
    }
}

fn invalid(ctx: &mut Ctx, line: &str, words: &[String]) -> i32 {
    let text = invalid_message(ctx.line_tree(), line, words);
    ctx.ui.err_text(&text);
    exit::USAGE
}

/// `Invalid command: ...`, a suggestion if one is close, and the VOS failure line.
pub fn invalid_message(tree: &clap::Command, line: &str, words: &[String]) -> String {
    let mut msg = format!("Invalid command: {line}\n");
    if let Some(s) = help::suggest(tree, words) {
        msg.push_str(&format!("Did you mean: {s}?\n"));
    } else {
        msg.push_str("Type \"help\" for the list of commands, or press Tab to complete.\n");
    }
    msg.push_str(&format!("{UNSUCCESSFUL}\n"));
    msg
}

fn clap_error(ctx: &mut Ctx, line: &str, words: &[String], e: clap::Error) -> i32 {
    let text = usage_text(ctx.line_tree(), line, words, &e);
    match text {
        None => print_text(ctx, &e.render().to_string()),
        Some(text) => {
            ctx.ui.err_text(&text);
            exit::USAGE
        }
    }
}

/// What the console says about a line clap refused, the same in every face (shell, batch,
/// one-shot): `Invalid command`, `Incomplete command` with the sub-commands, or the error in
/// the console's words with hints, then the VOS failure line. `None` for help and version,
/// which are not errors.
pub fn usage_text(
    tree: &clap::Command,
    line: &str,
    words: &[String],
    e: &clap::Error,
) -> Option<String> {
    let found = help::walk(tree, words);
    match e.kind() {
        ClapKind::DisplayHelp | ClapKind::DisplayVersion => None,
        ClapKind::InvalidSubcommand => Some(invalid_message(tree, line, words)),
        ClapKind::MissingSubcommand | ClapKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            if found.consumed == 0 {
                return Some(invalid_message(tree, line, words));
            }
            Some(format!(
                "Incomplete command: {line}\nIts sub-commands are:\n{}\n{UNSUCCESSFUL}\n",
                help::menu_listing(found.cmd)
            ))
        }
        ClapKind::UnknownArgument if found.consumed == 0 => {
            Some(invalid_message(tree, line, words))
        }
        ClapKind::MissingRequiredArgument => {
            // Named in the console's words: what is missing and what it is.
            use clap::error::{ContextKind, ContextValue};
            let missing: Vec<String> = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(v)) => v.clone(),
                Some(ContextValue::String(v)) => vec![v.clone()],
                _ => Vec::new(),
            };
            let path = found.path.join(" ");
            let described: Vec<String> = missing
                .iter()
                .map(|m| {
                    let bare = m.trim_start_matches('<').trim_end_matches('>');
                    let help = found
                        .cmd
                        .get_arguments()
                        .find(|a| {
                            a.get_value_names()
                                .is_some_and(|v| v.iter().any(|n| n.as_str() == bare))
                                || a.get_long() == Some(bare.trim_start_matches("--"))
                        })
                        .and_then(|a| a.get_help().map(|h| h.to_string()));
                    match help {
                        Some(h) => format!("{bare} ({})", h.trim_end_matches('.')),
                        None => bare.to_owned(),
                    }
                })
                .collect();
            let err = CommandError::usage(format!("{path} needs {}", described.join(" and ")))
                .with_hint(format!("type \"{path} ?\" for its syntax"));
            Some(format!("{}{UNSUCCESSFUL}\n", err.render()))
        }
        _ => {
            let rendered = e.render().to_string();
            let mut message = Vec::new();
            let mut tips = Vec::new();
            for l in rendered.lines().map(str::trim) {
                if l.is_empty() || l.starts_with("Usage:") || l.starts_with("For more information")
                {
                    continue;
                }
                match l.strip_prefix("tip: ") {
                    Some(t) => tips.push(t.to_owned()),
                    None => message.push(l.trim_start_matches("error: ").to_owned()),
                }
            }
            let mut err = CommandError::usage(message.join(" "));
            for t in tips {
                err = err.with_hint(t);
            }
            if !found.path.is_empty() {
                err = err.with_hint(format!(
                    "type \"{} ?\" for its syntax",
                    found.path.join(" ")
                ));
            }
            Some(format!("{}{UNSUCCESSFUL}\n", err.render()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_sql_quotes() {
        assert_eq!(
            split_line("run sql select * from applicationuser where name = 'a b'").unwrap(),
            vec![
                "run",
                "sql",
                "select * from applicationuser where name = 'a b'"
            ]
        );
        assert_eq!(
            split_line("run  sql   select 1").unwrap(),
            vec!["run", "sql", "select 1"]
        );
        assert_eq!(split_line("run sql ?").unwrap(), vec!["run", "sql", "?"]);
        assert_eq!(
            split_line("utils applicationuser add 'a b'").unwrap(),
            vec!["utils", "applicationuser", "add", "a b"]
        );
        assert!(split_line("utils node set --hostname 'x").is_err());
    }
}
