//! `Ctx`: the one object a command receives. It is the only door to the terminal (`ui`), to
//! answers (`input`), to the environment (`env`), and to the node the operations act on
//! (`node`: state, secret stores, the Ctrl-C cancellation token). Nothing in `commands/`
//! reads a global.

use std::collections::HashMap;

use crate::errors::CmdResult;
use crate::ops::Node;
use crate::output::Ui;
use crate::prompt::Input;
use crate::secrets::{NodeSecrets, StoreKind};
use crate::state::lock::LockGuard;
use crate::state::Db;

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
    // The one read of the process environment (clippy.toml forbids it anywhere else).
    #[allow(clippy::disallowed_methods)]
    pub fn from_process() -> Env {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
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
    /// The node the commands act on, as the operations layer takes it: state, secret stores,
    /// and the cancellation token that Ctrl-C fires.
    pub node: Node,
    pub opts: Options,
    pub mode: Mode,
    /// Who runs the commands, for the audit log.
    pub actor: String,
    /// The line-parsing tree, built on first use and kept: building it costs more than
    /// running a simple command, and a batch parses thousands of lines.
    pub tree: Option<clap::Command>,
}

impl Ctx {
    /// The command tree that parses shell and batch lines, showing this node's role's
    /// commands (`utils node set --role` clears it).
    pub fn line_tree(&mut self) -> &mut clap::Command {
        let node = &mut self.node;
        self.tree.get_or_insert_with(|| {
            let tree = crate::cli::line_tree();
            match node.identity() {
                Ok(n) => crate::help::for_role(tree, n.role),
                Err(_) => tree,
            }
        })
    }

    /// `Err(Interrupted)` once Ctrl-C was pressed; long-running commands call this between steps.
    pub fn check_interrupt(&self) -> CmdResult {
        Ok(self.node.cancel.check()?)
    }

    pub fn db(&mut self) -> CmdResult<&mut Db> {
        Ok(self.node.db()?)
    }

    /// The node's secrets (SPEC 2): each in the store recorded for it; new ones in
    /// `--secret-store`, else where the node keeps the others, else the automatic choice.
    pub fn secrets(&mut self) -> CmdResult<NodeSecrets> {
        Ok(self.node.secrets()?)
    }

    /// Take the orchestration lock (SPEC 8) for `command`, saying so if a stale one was taken over.
    pub fn orchestration_lock(&mut self, command: &str) -> CmdResult<LockGuard> {
        let g = self.node.orchestration_lock(command)?;
        if let Some(o) = &g.took_over {
            self.ui.warn(&format!(
                "took over a stale orchestration lock left by '{}' (process {} is gone, started {} UTC)",
                o.command, o.pid, o.since
            ));
        }
        Ok(g)
    }
}
