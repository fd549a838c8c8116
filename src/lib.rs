//! ccadmin: a VOS-style admin shell for Cisco Cloud Connect CCE orchestration.
//!
//! `main_entry` picks the face (interactive shell, batch, one-shot) and builds the one context
//! every command runs against; `dispatch` is the one path from a command line to its result.

pub mod artifacts;
pub mod batch;
pub mod cli;
pub mod clients;
pub mod connectivity;
pub mod context;
pub mod dispatch;
pub mod docs;
pub mod errors;
pub mod help;
pub mod inventory;
pub mod names;
pub mod nodekey;
pub mod output;
pub mod passwords;
pub mod prompt;
pub mod repl;
pub mod replication;
pub mod secrets;
pub mod serve;
pub mod sshkeys;
pub mod state;

#[path = "../commands/mod.rs"]
pub mod commands;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::error::ErrorKind as ClapKind;
use clap::Parser;

use crate::cli::Cli;
use crate::context::{Ctx, Env, Mode, Options};
use crate::errors::exit;
use crate::output::Ui;
use crate::prompt::{Input, LineSource};
use crate::state::StateDir;

/// The default state directory: `$XDG_DATA_HOME/ccadmin`, else `~/.local/share/ccadmin`.
pub fn default_state_dir(env: &Env) -> Option<PathBuf> {
    if let Some(x) = env.get("XDG_DATA_HOME").filter(|p| p.starts_with('/')) {
        return Some(PathBuf::from(x).join("ccadmin"));
    }
    env.get("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/ccadmin"))
}

fn actor(env: &Env) -> String {
    env.get("USER")
        .or_else(|| env.get("LOGNAME"))
        .map(str::to_owned)
        // SAFETY: getuid cannot fail and has no preconditions.
        .unwrap_or_else(|| format!("uid {}", unsafe { libc::getuid() }))
}

/// Run the process; returns its exit status.
/// Keep secrets held in memory (API keys, passwords typed at prompts) out of core files and
/// away from other processes of the same user that would attach to this one.
fn no_core_dumps() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct we own; prctl(PR_SET_DUMPABLE, 0) only clears a flag
    // of this process.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

pub fn main_entry() -> i32 {
    // Every file ccadmin creates (database, history, secrets, logs) is owner-only.
    // SAFETY: umask only changes this process's file-creation mask.
    unsafe { libc::umask(0o077) };
    no_core_dumps();
    let env = Env::from_process();
    let args: Vec<String> = match std::env::args_os().map(|a| a.into_string()).collect() {
        Ok(a) => a,
        Err(bad) => {
            eprintln!("Error: an argument is not valid UTF-8: {bad:?}");
            return exit::USAGE;
        }
    };
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => return one_shot_usage_error(&args, e),
    };
    if cli.file.is_some() && cli.command.is_some() {
        eprintln!("Error: -f FILE runs a batch and cannot be combined with a COMMAND\nHint: put the command into the file, or drop -f");
        return exit::USAGE;
    }
    let g = cli.global;
    if let Some(cli::TopCommand::Serve(args)) = &cli.command {
        let Some(root) = g.state_dir.clone().or_else(|| default_state_dir(&env)) else {
            eprintln!("Error: no state directory: HOME is not set\nHint: pass --state-dir DIR or set CCADMIN_STATE_DIR");
            return exit::USAGE;
        };
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        let mut state = StateDir::new(root, host);
        return match serve::run(&mut state, args) {
            Ok(()) => exit::SUCCESS,
            Err(e) => {
                eprintln!("Error: {e}");
                exit::FAILED
            }
        };
    }
    let Some(state_root) = g.state_dir.clone().or_else(|| default_state_dir(&env)) else {
        eprintln!("Error: no state directory: HOME is not set\nHint: pass --state-dir DIR or set CCADMIN_STATE_DIR");
        return exit::USAGE;
    };
    let mut ui = Ui::stdio(g.output, !g.no_page);
    ui.quiet = g.quiet;
    ui.verbose = g.verbose;
    let stdin_tty = std::io::stdin().is_terminal();
    let stdin_lines = || Input::Lines(LineSource::new(Box::new(std::io::stdin().lock()), "stdin"));
    let (mode, input) = if cli.command.is_some() {
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
                eprintln!(
                    "Error: cannot open the batch file {}: {e}\nHint: check the path given to -f",
                    file.display()
                );
                return exit::USAGE;
            }
        }
    } else if stdin_tty {
        (Mode::Shell, Input::Terminal)
    } else {
        (Mode::Batch, stdin_lines())
    };

    let interrupt = Arc::new(AtomicBool::new(false));
    // The shell installs its handler once its line editor exists (rustyline takes SIGINT over
    // when it opens the terminal); the other modes install it now.
    if mode != Mode::Shell {
        install_interrupt_handler(&interrupt, mode);
    }

    let host = gethostname::gethostname().to_string_lossy().into_owned();
    let mut ctx = Ctx {
        ui,
        input,
        actor: actor(&env),
        env,
        state: StateDir::new(state_root, host),
        opts: Options {
            yes: g.yes,
            keep_going: g.keep_going,
            echo: g.echo,
            secret_store: g.secret_store,
        },
        mode,
        interrupt,
        tree: None,
    };
    match (mode, cli.command) {
        (Mode::OneShot, Some(cli::TopCommand::Line(cmd))) => {
            let line = shlex::try_join(args.iter().skip(1).map(String::as_str)).unwrap_or_default();
            dispatch::run_command(&mut ctx, cmd, &line)
        }
        (Mode::Shell, _) => repl::run_shell(&mut ctx),
        _ => batch::run_batch(&mut ctx),
    }
}

/// Ctrl-C sets `flag`; the running command sees it and stops cleanly. Outside the shell a
/// second Ctrl-C ends the process at once (exit 130).
pub fn install_interrupt_handler(flag: &Arc<AtomicBool>, mode: Mode) {
    let flag = Arc::clone(flag);
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) && mode != Mode::Shell {
            std::process::exit(exit::INTERRUPTED);
        }
    });
}

fn one_shot_usage_error(args: &[String], e: clap::Error) -> i32 {
    match e.kind() {
        ClapKind::DisplayHelp | ClapKind::DisplayVersion => {
            let _ = e.print();
            exit::SUCCESS
        }
        ClapKind::InvalidSubcommand => {
            let words: Vec<String> = args
                .iter()
                .skip(1)
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect();
            eprint!("{}", dispatch::invalid_message(&words.join(" "), &words));
            exit::USAGE
        }
        _ => {
            let _ = e.print();
            exit::USAGE
        }
    }
}
