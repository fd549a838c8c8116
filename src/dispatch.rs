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

/// A line whose quotes do not close.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unbalanced quotes")]
pub struct UnbalancedQuotes;

/// Split a line into words, shell style; a raw-tail command keeps its remainder whole.
pub fn split_line(line: &str) -> Result<Vec<String>, UnbalancedQuotes> {
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
    shlex::split(trimmed).ok_or(UnbalancedQuotes)
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
    let path = matched_path(&matches);
    let status = run_at(ctx, parsed.command, line, &path);
    (ctx.ui.format, ctx.opts.yes) = saved;
    status
}

/// The menu words of a parsed line (`utils deployment show status`).
pub fn matched_path(matches: &clap::ArgMatches) -> Vec<String> {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name.to_owned());
        m = sub;
    }
    path
}

/// Run a parsed command: output, audit record, exit status. `line` is the command line as
/// the process received it (a one-shot: global options first) or as typed; `path` is the menu
/// path clap matched (`utils smtp show subscriptions`), whatever options stand between its
/// words, so the role its menu needs is always checked.
pub fn run_command(ctx: &mut Ctx, cmd: Commands, line: &str, path: &[String]) -> i32 {
    run_at(ctx, cmd, line, path)
}

/// Parse the process's arguments: the command and the menu path clap matched. For a one-shot
/// the tree clap builds to parse is not dropped: the process parses once and exits, and
/// freeing the whole tree (every command's arguments, help and values) cost 0.73 M of a
/// one-shot's 9.1 M instructions (callgrind); the shell and a batch give it back.
pub fn parse_one_shot(args: &[String]) -> Result<(crate::cli::Cli, Vec<String>), clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut tree = std::mem::ManuallyDrop::new(crate::cli::Cli::command());
    let mut matches = tree.try_get_matches_from_mut(args)?;
    let path = matched_path(&matches);
    let cli =
        crate::cli::Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut tree))?;
    if cli.command.is_none() {
        // The shell or a batch lives on: give the tree back rather than keep it for nothing.
        drop(std::mem::ManuallyDrop::into_inner(tree));
    }
    Ok((cli, path))
}

/// Run a parsed command found at `path`: the role its menu needs (declared once, in
/// `help::MENU_ROLES`), then the command; output, audit record, exit status.
fn run_at(ctx: &mut Ctx, cmd: Commands, line: &str, path: &[String]) -> i32 {
    ctx.node.cancel.reset();
    ctx.ui.begin_command();
    let audited = cmd.changes_state();
    let mut result = role_allows(ctx, path).and_then(|()| commands::run(ctx, cmd));
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

/// `ccadmin hub …`: the hub's console runs on the same `Ctx` door as every other command
/// (answers from the terminal or the lines of standard input, the output helpers), on the
/// hub's own state rather than a node's. `default_dir` is `--hub-dir`'s default (from the
/// environment the crate root read). Unlike a node's commands it writes no node audit record
/// (the hub records its own changes with who made them) and its errors carry no VOS line.
pub fn run_hub(
    mut args: commands::hub::HubArgs,
    default_dir: Option<std::path::PathBuf>,
    ui: crate::output::Ui,
    actor: String,
    env: crate::context::Env,
) -> i32 {
    use std::io::IsTerminal;
    args.hub_dir = args.hub_dir.or(default_dir);
    let input = if std::io::stdin().is_terminal() {
        crate::input::Input::Terminal
    } else {
        crate::input::Input::Lines(crate::input::LineSource::new(
            Box::new(std::io::stdin().lock()),
            "stdin",
        ))
    };
    // A hub has no node state: the `Ctx`'s node names the hub's directory and no hub command
    // opens it as a node's. No Ctrl-C handler either: `hub serve` stops on SIGINT itself.
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    let root = args.hub_dir.clone().unwrap_or_default();
    let mut ctx = Ctx {
        ui,
        input,
        env,
        node: crate::ops::Node::new(
            crate::state::StateDir::new(root, host),
            crate::ops::Stores {
                choice: None,
                dbus_session: false,
            },
            crate::cancel::Cancel::new(),
        ),
        opts: Default::default(),
        mode: crate::context::Mode::OneShot,
        actor,
        tree: None,
        tree_for: |_| crate::cli::hub_tree(),
    };
    if args.command.is_none() && matches!(ctx.input, crate::input::Input::Lines(_)) {
        return run_hub_batch(&mut ctx, &args);
    }
    ctx.ui.begin_command();
    let mut result = commands::hub::run(&mut ctx, args);
    if let Err(e) = ctx.ui.flush() {
        if result.is_ok() {
            result = Err(e.into());
        }
    }
    match result {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind == ErrorKind::OutputClosed => exit::SUCCESS,
        Err(e) => {
            ctx.ui.err_text(&e.render());
            e.exit_code()
        }
    }
}

/// `ccadmin hub` with hub commands as the lines of standard input: each runs as `ccadmin hub
/// LINE` would, on the same hub directory and clock; `LINE ?` shows its syntax; blank lines and
/// `#` comments are skipped, `quit`/`exit` ends. The first failure ends the batch with its
/// status, as a node's batch without `--keep-going`.
fn run_hub_batch(ctx: &mut Ctx, outer: &commands::hub::HubArgs) -> i32 {
    use clap::FromArgMatches;
    let mut tree = crate::cli::hub_tree();
    loop {
        let line = match &mut ctx.input {
            crate::input::Input::Lines(src) => src.next_line(),
            crate::input::Input::Terminal => return exit::SUCCESS,
        };
        let line = match line {
            Ok(Some(l)) => l,
            Ok(None) => return exit::SUCCESS,
            Err(e) => return report(ctx, &CommandError::failed(e.to_string())),
        };
        let cmd = line.trim();
        if cmd.is_empty() || cmd.starts_with('#') {
            continue;
        }
        if cmd == "quit" || cmd == "exit" {
            return exit::SUCCESS;
        }
        if cmd == "?" || cmd.ends_with(" ?") {
            let words: Vec<String> = cmd
                .trim_end_matches('?')
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            let status = match help::syntax(&tree, &words) {
                Ok(text) => print_text(ctx, &text),
                Err(_) => invalid(ctx, cmd, &words),
            };
            if status != exit::SUCCESS {
                return status;
            }
            continue;
        }
        let words = match split_line(cmd) {
            Ok(w) => w,
            Err(why) => {
                return report(
                    ctx,
                    &CommandError::usage(format!("cannot read the line: {why}")),
                )
            }
        };
        let argv = std::iter::once("hub".to_owned()).chain(words.iter().cloned());
        let matches = match tree.try_get_matches_from_mut(argv) {
            Ok(m) => m,
            Err(e) => return clap_error(ctx, cmd, &words, e),
        };
        // The batch runs on the one hub directory and clock `ccadmin hub` was given: a line
        // may not move it elsewhere (nor may CCADMIN_HUB_DIR, which clap reads per line).
        let given_on_line = ["hub_dir", "now"]
            .into_iter()
            .any(|id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine));
        if given_on_line {
            return report(
                ctx,
                &CommandError::usage(
                    "a hub batch runs on one hub directory and clock: give --hub-dir and --now to `ccadmin hub`, not on a line".to_owned(),
                ),
            );
        }
        let mut args = match commands::hub::HubArgs::from_arg_matches(&matches) {
            Ok(a) => a,
            Err(e) => return clap_error(ctx, cmd, &words, e),
        };
        match &args.command {
            None => return invalid(ctx, cmd, &words),
            Some(commands::hub::HubCommands::Serve(_)) => {
                return report(
                    ctx,
                    &CommandError::usage(
                        "`serve` does not run in a hub batch: start the hub's service with `ccadmin hub serve`".to_owned(),
                    ),
                )
            }
            Some(_) => {}
        }
        args.hub_dir = outer.hub_dir.clone();
        args.now = outer.now.clone();
        ctx.ui.begin_command();
        let mut result = commands::hub::run(ctx, args);
        if let Err(e) = ctx.ui.flush() {
            if result.is_ok() {
                result = Err(e.into());
            }
        }
        match result {
            Ok(()) => {}
            Err(e) if e.kind == ErrorKind::OutputClosed => return exit::SUCCESS,
            Err(e) => {
                ctx.ui.err_text(&e.render());
                return e.exit_code();
            }
        }
    }
}

/// Refuse the command at `path` on a node whose role its menu does not fit, as declared in
/// `help::MENU_ROLES` (the declaration `help::for_role` hides the menu by).
fn role_allows(ctx: &mut Ctx, path: &[String]) -> Result<(), CommandError> {
    match help::needs(path) {
        Some(needs) => Ok(needs.require(&mut ctx.node)?),
        None => Ok(()),
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
    use crate::domain::Role;

    #[test]
    fn a_one_shot_lines_command_starts_after_the_global_options() {
        // The menu path is what clap matched, wherever global options stand: before the
        // command, between its menu words (they are global), or as values that look like
        // menu names. A role check keyed on a path read from the raw words missed
        // `utils -q smtp show subscriptions` on a VOS node.
        let path = |line: &str| {
            let mut args = vec!["ccadmin".to_owned()];
            args.extend(split_line(line).unwrap());
            parse_one_shot(&args).unwrap().1.join(" ")
        };
        let cases = [
            (
                "--state-dir file --output=json -q utils node show",
                "utils node show",
            ),
            (
                "utils -q smtp show subscriptions",
                "utils smtp show subscriptions",
            ),
            (
                "utils --output json smtp -q show --yes subscriptions",
                "utils smtp show subscriptions",
            ),
            (
                "--state-dir utils show version active",
                "show version active",
            ),
            ("-f run", ""),
            (
                "-f run utils smtp show subscriptions",
                "utils smtp show subscriptions",
            ),
            ("--yes", ""),
        ];
        for (line, want) in cases {
            assert_eq!(path(line), want, "{line}");
        }
    }

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl Captured {
        fn take(&self) -> String {
            String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
        }
    }

    /// A context on a fresh node of `role` in `dir`, its standard error captured.
    fn node_of(dir: &std::path::Path, role: Role) -> (Ctx, Captured) {
        let err = Captured::default();
        let mut ctx = Ctx {
            ui: crate::output::Ui::from_writers(
                Box::new(std::io::sink()),
                Box::new(err.clone()),
                crate::output::OutputFormat::Text,
            ),
            input: crate::input::Input::Lines(crate::input::LineSource::new(
                Box::new(&b""[..]),
                "test",
            )),
            env: Default::default(),
            node: crate::ops::Node::new(
                crate::state::StateDir::new(dir.to_path_buf(), "cc1".into()),
                crate::ops::Stores {
                    choice: None,
                    dbus_session: false,
                },
                crate::cancel::Cancel::new(),
            ),
            opts: Default::default(),
            mode: crate::context::Mode::Batch,
            actor: "test".into(),
            tree: None,
            tree_for: |role| match role {
                Some(r) => help::for_role(crate::cli::line_tree(), r),
                None => crate::cli::line_tree(),
            },
        };
        let db = ctx.db().unwrap();
        let node = crate::state::db::Node {
            role,
            ..db.node().unwrap()
        };
        db.set_node(&node).unwrap();
        (ctx, err)
    }

    /// Every menu declared for one role: on a node of another role, Tab, `help`/`?` and the
    /// dispatcher all read the one declaration: the menu is not listed, not completed, and a
    /// command in it is refused with the role it needs; on a node of its role it is listed,
    /// completed and let through.
    #[test]
    fn a_menu_is_seen_and_run_only_on_the_role_declared_for_it() {
        for role in [Role::Publisher, Role::Subscriber, Role::Vos] {
            let dir = tempfile::tempdir().unwrap();
            let (mut ctx, err) = node_of(dir.path(), role);
            for (menu, needs) in help::MENU_ROLES {
                let allowed = needs.allows(role);
                let words: Vec<String> = menu.iter().map(|w| w.to_string()).collect();
                let (name, parent) = words.split_last().unwrap();
                let tree = ctx.line_tree().clone();
                // `?` on the parent menu, and `help` (the same listing).
                let listing = help::syntax(&tree, parent).unwrap();
                let listed = listing
                    .lines()
                    .any(|l| l.trim_start().split([' ', '*']).next() == Some(name.as_str()));
                assert_eq!(listed, allowed, "{role} {menu:?} in:\n{listing}");
                // Tab after the parent's words offers the parent's `help::children` (the
                // shell's completion is a function of the tree and those).
                let found = help::walk(&tree, parent);
                assert_eq!(found.consumed, parent.len());
                let offered: Vec<&str> = help::children(found.cmd).map(|c| c.get_name()).collect();
                assert_eq!(
                    offered.contains(&name.as_str()),
                    allowed,
                    "{role} {menu:?}: {offered:?}"
                );
                // The refusal: every command path under the menu is declared by it.
                let mut leaf = words.clone();
                leaf.push("anything".into());
                assert_eq!(help::needs(&leaf), Some(*needs));
                let refused = role_allows(&mut ctx, &words);
                assert_eq!(refused.is_ok(), allowed, "{role} {menu:?}: {refused:?}");
                if let Err(e) = refused {
                    assert_eq!(e.exit_code(), exit::FAILED, "{e:?}");
                    assert!(e.message.contains("This command"), "{}", e.message);
                }
            }
            // Through the whole dispatcher, a command of each role's menus.
            let status = run_line(&mut ctx, "utils deployment show status");
            let text = err.take();
            if role == Role::Vos {
                assert_ne!(status, exit::SUCCESS);
                assert!(
                    text.contains("This command can only be run on a Cloud Connect node."),
                    "{text}"
                );
            } else {
                assert!(!text.contains("This command"), "{text}");
            }
            let status = run_line(&mut ctx, "show version active");
            let text = err.take();
            if role == Role::Vos {
                assert!(!text.contains("This command runs on a VOS node."), "{text}");
            } else {
                assert_ne!(status, exit::SUCCESS);
                assert!(text.contains("This command runs on a VOS node."), "{text}");
            }
        }
    }

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
