//! The one clap command tree (STYLE: one definition feeds one-shot parsing, shell and batch
//! lines, Tab completion, `help` and `?`, `completions/` and `man/`).
//!
//! `Cli` is the process's command line: global options plus an optional command. `LineCli`
//! parses one line typed at `admin:` or read from a batch: the same `Commands`, and the two
//! options that make sense per command (`--output`, `--yes`).

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser};

use crate::commands::Commands;
use crate::output::OutputFormat;
use crate::secrets::StoreKind;

const ABOUT: &str = "VOS-style admin shell for Cisco Cloud Connect CCE orchestration";

const LONG_ABOUT: &str = "\
VOS-style admin shell for Cisco Cloud Connect CCE orchestration.

With no COMMAND, ccadmin starts the interactive admin: shell when standard input is a terminal,
and otherwise runs standard input as a batch, one command per line (a line after a command that
prompts is its answer). With a COMMAND it runs that one command and exits; -c 'COMMAND LINE'
does the same with the command as one argument, which is how sshd runs a login shell.";

const AFTER_HELP: &str = "\
Exit status: 0 success, 1 the command failed, 2 usage error or missing input,
3 partial success, 130 interrupted by Ctrl-C.";

/// Options of the whole process; each can also be set by its CCADMIN_* variable. A switch
/// set from its variable takes what shell scripts write: 1/0, yes/no, true/false, on/off.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Directory holding this node's state [default: $XDG_DATA_HOME/ccadmin]
    #[arg(long, env = "CCADMIN_STATE_DIR", value_name = "DIR", global = true)]
    pub state_dir: Option<PathBuf>,

    /// Output format of results
    #[arg(
        long,
        env = "CCADMIN_OUTPUT",
        value_enum,
        value_name = "FORMAT",
        default_value = "text",
        global = true
    )]
    pub output: OutputFormat,

    /// Answer yes to every confirmation
    #[arg(short = 'y', long, env = "CCADMIN_YES", global = true, value_parser = clap::builder::BoolishValueParser::new())]
    pub yes: bool,

    /// Batch: do not stop at the first failing command
    #[arg(long, env = "CCADMIN_KEEP_GOING", value_parser = clap::builder::BoolishValueParser::new())]
    pub keep_going: bool,

    /// Batch: print each command as `admin:<command>` before its output
    #[arg(long, env = "CCADMIN_ECHO", value_parser = clap::builder::BoolishValueParser::new())]
    pub echo: bool,

    /// Never page long output
    #[arg(long, env = "CCADMIN_NO_PAGE", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_page: bool,

    /// Print only results and errors, no status lines
    #[arg(
        short,
        long,
        env = "CCADMIN_QUIET",
        conflicts_with = "verbose",
        global = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub quiet: bool,

    /// Print more detail on stderr
    #[arg(short, long, env = "CCADMIN_VERBOSE", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Where secrets are kept [default: a persistent OS keyring if one exists, else a file]
    #[arg(
        long,
        env = "CCADMIN_SECRET_STORE",
        value_enum,
        value_name = "STORE",
        global = true
    )]
    pub secret_store: Option<StoreKind>,
}

#[derive(Debug, Parser)]
#[command(
    name = "ccadmin",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Run the commands in FILE as a batch, one per line
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Run one command line, split as the admin: prompt splits it, and exit (what sshd runs
    /// when ccadmin is an account's login shell)
    #[arg(short = 'c', value_name = "COMMAND_LINE", conflicts_with = "file")]
    pub command_line: Option<String>,

    #[command(subcommand)]
    pub command: Option<TopCommand>,
}

/// What the process can be asked to do: a command of the shell, or the node service.
#[derive(Debug, clap::Subcommand)]
pub enum TopCommand {
    #[command(flatten)]
    Line(Commands),
    /// Run the Cloud Connect node service (HTTPS on port 8445)
    Serve(crate::serve::ServeArgs),
    /// The hub that registers Cloud Connect clusters and schedules their upgrades
    Hub(crate::commands::hub::HubArgs),
}

/// One line at the `admin:` prompt or in a batch.
#[derive(Debug, Parser)]
#[command(
    name = "admin",
    no_binary_name = true,
    disable_help_subcommand = true,
    disable_version_flag = true,
    max_term_width = 100
)]
pub struct LineCli {
    /// Output format of this command's results
    #[arg(long, value_enum, value_name = "FORMAT", global = true)]
    pub output: Option<OutputFormat>,

    /// Answer yes to this command's confirmations
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    #[command(subcommand)]
    pub command: Commands,
}

/// The process's command tree (completions, man pages, one-shot).
pub fn process_tree() -> clap::Command {
    Cli::command()
}

/// The tree of shell and batch lines (Tab completion, `help`, `?`).
pub fn line_tree() -> clap::Command {
    let mut c = LineCli::command();
    c.build();
    c
}

/// The process's global options that take a value, as typed (`--state-dir`, `-f`), from their
/// declaration alone (no command tree is built).
pub fn global_value_options() -> Vec<String> {
    let c = GlobalArgs::augment_args(clap::Command::new("ccadmin"))
        .arg(clap::Arg::new("file").short('f').long("file"))
        .arg(clap::Arg::new("command_line").short('c'));
    value_options(&c)
}

/// The options of `c` that take a value, as typed (`--state-dir`, `-f`).
pub fn value_options(c: &clap::Command) -> Vec<String> {
    c.get_arguments()
        .filter(|a| a.get_action().takes_values())
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|c| format!("-{c}"));
            long.into_iter().chain(short)
        })
        .collect()
}

/// `words` without the options and their values (an option in `takes_value` takes the next
/// word unless written `--option=value`): the command's words of a process's arguments.
pub fn without_options(words: &[String], takes_value: impl Fn(&str) -> bool) -> Vec<String> {
    let mut kept = Vec::new();
    let mut skip = false;
    for w in words {
        if std::mem::take(&mut skip) {
            continue;
        }
        if w.starts_with('-') {
            skip = !w.contains('=') && takes_value(w);
            continue;
        }
        kept.push(w.clone());
    }
    kept
}

/// The `hub` menu of the process's tree (`ccadmin hub …`), built.
pub fn hub_tree() -> clap::Command {
    let mut c = process_tree();
    c.build();
    c.find_subcommand("hub")
        .cloned()
        .expect("the process tree has the hub menu")
}

/// Declared with the help that lists them (below the tree); named here too.
pub use crate::help::SHELL_WORDS;

#[cfg(test)]
mod tests {
    #[test]
    fn trees_are_valid() {
        super::process_tree().debug_assert();
        super::line_tree().debug_assert();
    }

    /// The options the dispatcher skips with their values are the tree's own.
    #[test]
    fn global_value_options_are_the_trees() {
        let mut tree = super::process_tree();
        tree.build();
        let mut from_tree = super::value_options(&tree);
        let mut declared = super::global_value_options();
        from_tree.sort();
        declared.sort();
        assert_eq!(declared, from_tree);
    }
}
