//! ccadmin: a VOS-style admin shell for Cisco Cloud Connect CCE orchestration.
//!
//! `main_entry` picks the face (interactive shell, batch, one-shot) and builds the one context
//! every command runs against; `dispatch` is the one path from a command line to its result.

pub mod batch;
pub mod cancel;
pub mod cli;
pub mod clients;
pub mod context;
pub mod dispatch;
pub mod docs;
pub mod domain;
pub mod env;
pub mod errors;
pub mod help;
#[cfg(test)]
mod help_tests;
pub mod hub;
pub mod input;
pub mod inventory;
#[cfg(test)]
mod layers;
pub mod login_shell;
pub mod names;
pub mod nodekey;
pub mod op_error;
pub mod ops;
pub mod orchestration_ui;
pub mod output;
pub mod passwords;
pub mod prompt;
pub mod repl;
pub mod secrets;
pub mod serve;
pub mod sshkeys;
pub mod state;
pub mod text;
pub mod wire;

#[path = "../commands/mod.rs"]
pub mod commands;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::context::{Ctx, Env, Mode, Options};
use crate::errors::exit;
use crate::ops::{Cancel, Node, Stores};
use crate::output::Ui;
use crate::prompt::{Input, LineSource};
use crate::state::StateDir;

/// The default state directory: `$XDG_DATA_HOME/ccadmin`, else the home directory when it is a
/// state directory itself, else `~/.local/share/ccadmin`.
pub fn default_state_dir(env: &Env) -> Option<PathBuf> {
    if let Some(x) = env.get("XDG_DATA_HOME").filter(|p| p.starts_with('/')) {
        return Some(PathBuf::from(x).join("ccadmin"));
    }
    let home = PathBuf::from(env.get("HOME")?);
    // An account whose home is a node's state directory (the Debian package's `ccadmin`,
    // home /var/lib/ccadmin, which its service uses) works on that node when it logs in.
    if home.join(state::DB_FILE).is_file() {
        return Some(home);
    }
    Some(home.join(".local/share/ccadmin"))
}

/// Who runs the commands, for the audit log: `$USER`, `$LOGNAME`, else the account name the
/// password database (NSS) gives this process's user.
fn actor(env: &Env) -> String {
    env.get("USER")
        .or_else(|| env.get("LOGNAME"))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let uid = nix::unistd::getuid();
            nix::unistd::User::from_uid(uid)
                .ok()
                .flatten()
                .map(|u| u.name)
                .unwrap_or_else(|| format!("uid {uid}"))
        })
}

/// Run the process; returns its exit status.
/// Keep secrets held in memory (API keys, passwords typed at prompts) out of core files and
/// away from other processes of the same user that would attach to this one.
fn no_core_dumps() {
    let _ = nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
    let _ = nix::sys::prctl::set_dumpable(false);
}

pub fn main_entry() -> i32 {
    // Every file ccadmin creates (database, history, secrets, logs) is owner-only.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    no_core_dumps();
    let env = Env::from_process();
    let args: Vec<String> = match std::env::args_os().map(|a| a.into_string()).collect() {
        Ok(a) => a,
        Err(bad) => {
            output::stderr_line(&format!("Error: an argument is not valid UTF-8: {bad:?}"));
            return exit::USAGE;
        }
    };
    // A login shell's `-ccadmin` and `ccadmin -c LINE` (sshd): from here on, a one-shot.
    let login_shell::Expanded {
        argv: args,
        from_dash_c,
    } = match login_shell::expand(args, global_takes_value()) {
        Ok(e) => e,
        Err(refused) => {
            output::stderr_line(&refused.message);
            return refused.code;
        }
    };
    // `ccadmin utils system onboard ?`: the syntax, as `?` at the prompt gives it.
    if args.len() > 1 && args.last().map(String::as_str) == Some("?") {
        let mut words = one_shot_words(&args[..args.len() - 1]);
        // `ccadmin hub cluster ?`: the hub's menu is its own tree (no node, no role).
        let tree = if words.first().map(String::as_str) == Some("hub") {
            let tree = cli::hub_tree();
            let asked = &args[..args.len() - 1];
            let after = asked
                .iter()
                .position(|a| a == "hub")
                .map_or(asked.len(), |i| i + 1);
            words = hub_menu_words(&tree, &asked[after..]);
            tree
        } else {
            one_shot_tree(&args, &env)
        };
        return match help::syntax(&tree, &words) {
            Ok(text) => {
                // A closed stdout (`| head`) is not an error.
                let _ = output::plain(&text);
                exit::SUCCESS
            }
            Err(_) => {
                output::stderr_line(
                    dispatch::invalid_message(&tree, &words.join(" "), &words).trim_end(),
                );
                exit::USAGE
            }
        };
    }
    let (cli, path) = match dispatch::parse_one_shot(&args) {
        Ok(c) => c,
        Err(e) => return one_shot_usage_error(&args, &env, e),
    };
    if cli.command_line.is_some() {
        output::stderr_line("Error: -c must be a word of its own, given once, before the command line\nHint: ccadmin [OPTIONS] -c 'COMMAND LINE'");
        return exit::USAGE;
    }
    if from_dash_c {
        let what = match (&cli.command, &cli.file) {
            (_, Some(_)) => Some("-f FILE"),
            (Some(cli::TopCommand::Serve(_)), _) => Some("serve"),
            (Some(cli::TopCommand::Hub(_)), _) => Some("hub"),
            // An empty line, as `sh -c ''`: nothing to run.
            (None, None) => return exit::SUCCESS,
            _ => None,
        };
        if let Some(what) = what {
            output::stderr_line(&format!("Error: -c runs one command of the admin: shell; {what} is not one\nHint: run `ccadmin {what}` directly, not through -c or a login shell"));
            return exit::USAGE;
        }
    }
    if cli.file.is_some() && cli.command.is_some() {
        output::stderr_line("Error: -f FILE runs a batch and cannot be combined with a COMMAND\nHint: put the command into the file, or drop -f");
        return exit::USAGE;
    }
    let g = cli.global;
    let command = match cli.command {
        Some(cli::TopCommand::Hub(args)) => {
            let mut ui = Ui::stdio(g.output, false);
            ui.quiet = g.quiet;
            let default = env
                .get("XDG_DATA_HOME")
                .filter(|p| p.starts_with('/'))
                .map(|x| PathBuf::from(x).join("ccadmin-hub"))
                .or_else(|| {
                    env.get("HOME")
                        .map(|h| PathBuf::from(h).join(".local/share/ccadmin-hub"))
                });
            return dispatch::run_hub(args, default, ui, actor(&env), env);
        }
        other => other,
    };
    if let Some(cli::TopCommand::Serve(args)) = &command {
        let Some(root) = g.state_dir.clone().or_else(|| default_state_dir(&env)) else {
            output::stderr_line("Error: no state directory: HOME is not set\nHint: pass --state-dir DIR or set CCADMIN_STATE_DIR");
            return exit::USAGE;
        };
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        let mut state = StateDir::new(root, host);
        return match serve::run(&mut state, args, stores(&env, g.secret_store), &env) {
            Ok(()) => exit::SUCCESS,
            Err(e) => {
                output::stderr_line(&format!("Error: {e}"));
                exit::FAILED
            }
        };
    }
    let Some(state_root) = g.state_dir.clone().or_else(|| default_state_dir(&env)) else {
        output::stderr_line("Error: no state directory: HOME is not set\nHint: pass --state-dir DIR or set CCADMIN_STATE_DIR");
        return exit::USAGE;
    };
    let mut ui = Ui::stdio(g.output, !g.no_page);
    ui.quiet = g.quiet;
    ui.verbose = g.verbose;
    let stdin_tty = std::io::stdin().is_terminal();
    let stdin_lines = || Input::Lines(LineSource::new(Box::new(std::io::stdin().lock()), "stdin"));
    let (mode, input) = if command.is_some() {
        (
            Mode::OneShot,
            if stdin_tty {
                Input::Terminal
            } else {
                stdin_lines()
            },
        )
    } else if let Some(file) = &cli.file {
        match std::fs::File::open(file) {
            Ok(f) => (
                Mode::Batch,
                Input::Lines(LineSource::new(
                    Box::new(std::io::BufReader::new(f)),
                    file.display().to_string(),
                )),
            ),
            Err(e) => {
                output::stderr_line(&format!(
                    "Error: cannot open the batch file {}: {e}\nHint: check the path given to -f",
                    file.display()
                ));
                return exit::USAGE;
            }
        }
    } else if stdin_tty {
        (Mode::Shell, Input::Terminal)
    } else {
        (Mode::Batch, stdin_lines())
    };

    let cancel = Cancel::new();
    // The shell installs its handler once its line editor exists (rustyline takes SIGINT over
    // when it opens the terminal); the other modes install it now.
    if mode != Mode::Shell {
        context::install_interrupt_handler(&cancel, mode);
    }

    let host = gethostname::gethostname().to_string_lossy().into_owned();
    let mut ctx = Ctx {
        ui,
        input,
        actor: actor(&env),
        node: Node::new(
            StateDir::new(state_root, host),
            stores(&env, g.secret_store),
            cancel,
        ),
        env,
        opts: Options {
            yes: g.yes,
            keep_going: g.keep_going,
            echo: g.echo,
            secret_store: g.secret_store,
        },
        mode,
        tree: None,
        tree_for: line_tree_for,
    };
    match (mode, command) {
        (Mode::OneShot, Some(cli::TopCommand::Line(cmd))) => {
            let line = shlex::try_join(args.iter().skip(1).map(String::as_str)).unwrap_or_default();
            dispatch::run_command(&mut ctx, cmd, &line, &path)
        }
        (Mode::Shell, _) => repl::run_shell(&mut ctx),
        _ => batch::run_batch(&mut ctx),
    }
}

/// The line-parsing tree, cut to a role's commands (`None`: no role yet). Handed to the
/// `Ctx`, which sits below the tree and help and builds the tree on first use.
fn line_tree_for(role: Option<crate::domain::Role>) -> clap::Command {
    let tree = cli::line_tree();
    match role {
        Some(r) => help::for_role(tree, r),
        None => tree,
    }
}

/// The secret stores the environment allows: `--secret-store`, and whether a D-Bus session
/// (so a Secret Service keyring) can exist at all.
fn stores(env: &Env, choice: Option<crate::secrets::StoreKind>) -> Stores {
    Stores {
        choice,
        dbus_session: env.get("DBUS_SESSION_BUS_ADDRESS").is_some(),
    }
}

/// A one-shot command line clap refused: the same words as in a batch or at the shell.
fn one_shot_usage_error(args: &[String], env: &Env, e: clap::Error) -> i32 {
    let words = one_shot_words(args);
    match dispatch::usage_text(&one_shot_tree(args, env), &words.join(" "), &words, &e) {
        None => {
            let _ = e.print();
            exit::SUCCESS
        }
        Some(text) => {
            // The words are the caller's (over SSH: a client's): shown, never acted on.
            output::stderr_line(&output::terminal_safe(text.trim_end()));
            exit::USAGE
        }
    }
}

/// The command tree as this node's role shows it (as at the prompt), for a one-shot line that
/// clap refused or that asks `?`, so before the context exists: the state directory from
/// `--state-dir`, `CCADMIN_STATE_DIR` or the default; one not made yet is a fresh node, a
/// Cloud Connect publisher.
fn one_shot_tree(args: &[String], env: &Env) -> clap::Command {
    let given = args
        .windows(2)
        .find(|w| w[0] == "--state-dir")
        .map(|w| PathBuf::from(&w[1]))
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--state-dir=").map(PathBuf::from))
        })
        .or_else(|| env.get("CCADMIN_STATE_DIR").map(PathBuf::from));
    let role = given.or_else(|| default_state_dir(env)).and_then(|root| {
        if !root.exists() {
            return Some(domain::Role::Publisher);
        }
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        Some(StateDir::new(root, host).db().ok()?.node().ok()?.role)
    });
    match role {
        Some(r) => help::for_role(cli::line_tree(), r),
        None => cli::line_tree(),
    }
}

/// The words after `hub` without the hub's own options (`--hub-dir DIR`, `--now TIME`).
fn hub_menu_words(tree: &clap::Command, after_hub: &[String]) -> Vec<String> {
    let options = cli::value_options(tree);
    cli::without_options(after_hub, |w| options.iter().any(|o| o == w))
}

/// Whether the process option `word` takes a value; the tree is built once, on first need.
fn global_takes_value() -> impl Fn(&str) -> bool {
    let options = std::cell::OnceCell::new();
    move |word| {
        options
            .get_or_init(cli::global_value_options)
            .iter()
            .any(|o| o == word)
    }
}

/// The command's words of a one-shot command line: from the first top-level command name on;
/// without one, the words that are neither global options nor their values.
fn one_shot_words(args: &[String]) -> Vec<String> {
    let top = cli::line_tree();
    let rest = args.get(1..).unwrap_or_default();
    if let Some(i) = rest.iter().position(|a| help::is_command_name(&top, a)) {
        return rest[i..].to_vec();
    }
    cli::without_options(rest, global_takes_value())
}
