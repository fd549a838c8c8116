//! `Ctx`: the one object a command receives. It is the only door to the terminal (`ui`), to
//! answers (`input`), to the environment (`env`), to state (`state`) and to Ctrl-C
//! (`interrupt`). Nothing in `commands/` reads a global.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::errors::{CmdResult, CommandError};
use crate::output::Ui;
use crate::prompt::Input;
use crate::secrets::{NodeSecrets, StoreKind};
use crate::state::lock::{self, LockError, LockGuard};
use crate::state::{Db, StateDir};

/// How the process was started; decides prompting and Ctrl-C behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Shell,
    Batch,
    OneShot,
}

/// A snapshot of the environment, taken once at start.
#[derive(Debug, Clone, Default)]
pub struct Env(HashMap<String, String>);

impl Env {
    pub fn from_process() -> Env {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env(pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }
    /// A variable's value; empty counts as unset.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Options that hold for the whole session.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub yes: bool,
    pub keep_going: bool,
    pub echo: bool,
    pub secret_store: Option<StoreKind>,
}

pub struct Ctx {
    pub ui: Ui,
    pub input: Input,
    pub env: Env,
    pub state: StateDir,
    pub opts: Options,
    pub mode: Mode,
    /// Who runs the commands, for the audit log.
    pub actor: String,
    pub interrupt: Arc<AtomicBool>,
    /// The line-parsing tree, built on first use and kept: building it costs more than
    /// running a simple command, and a batch parses thousands of lines.
    pub tree: Option<clap::Command>,
}

impl Ctx {
    /// The command tree that parses shell and batch lines.
    pub fn line_tree(&mut self) -> &mut clap::Command {
        self.tree.get_or_insert_with(crate::cli::line_tree)
    }

    /// `Err(Interrupted)` once Ctrl-C was pressed; long-running commands call this between steps.
    pub fn check_interrupt(&self) -> CmdResult {
        if self.interrupt.load(Ordering::SeqCst) {
            Err(CommandError::interrupted())
        } else {
            Ok(())
        }
    }

    pub fn db(&mut self) -> CmdResult<&mut Db> {
        Ok(self.state.db()?)
    }

    /// The node's secrets (SPEC 2): each in the store recorded for it; new ones in
    /// `--secret-store`, else where the node keeps the others, else the automatic choice.
    pub fn secrets(&mut self) -> CmdResult<NodeSecrets> {
        self.state.ensure()?;
        let dbus = self.env.get("DBUS_SESSION_BUS_ADDRESS").is_some();
        Ok(NodeSecrets::new(
            self.state.root(),
            self.opts.secret_store,
            dbus,
        ))
    }

    /// Take the orchestration lock (SPEC 8) for `command`, saying so if a stale one was taken over.
    pub fn orchestration_lock(&mut self, command: &str) -> CmdResult<LockGuard> {
        let path = self.db()?.path().to_path_buf();
        match lock::acquire(&path, command, std::process::id()) {
            Ok(g) => {
                if let Some(o) = &g.took_over {
                    self.ui.warn(&format!(
                        "took over a stale orchestration lock left by '{}' (process {} is gone, started {} UTC)",
                        o.command, o.pid, o.since
                    ));
                }
                Ok(g)
            }
            Err(LockError::Held(o)) => Err(CommandError::failed(LockError::Held(o).to_string())
                .with_hint("wait for it to finish, then run the command again")),
            Err(LockError::State(e)) => Err(e.into()),
        }
    }
}
