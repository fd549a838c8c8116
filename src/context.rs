//! `Ctx`: the one object a command receives. It is the only door to the terminal (`ui`), to
//! answers (`input`), to the environment (`env`), and to the node the operations act on
//! (`node`: state, secret stores, the Ctrl-C cancellation token). Nothing in `commands/`
//! reads a global.

/// The environment snapshot is shared with `serve` (below the console); `Ctx` carries it.
pub use crate::env::Env;
use crate::errors::CmdResult;
use crate::input::Input;
use crate::ops::Node;
use crate::output::Ui;
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
    /// Builds that tree for the node's role (`None`: no role yet); given by the crate root,
    /// which sits above the clap tree and help.
    pub tree_for: fn(Option<crate::domain::Role>) -> clap::Command,
}

impl Ctx {
    /// The command tree that parses shell and batch lines, showing this node's role's
    /// commands (`utils node set --role` clears it).
    pub fn line_tree(&mut self) -> &mut clap::Command {
        let (node, tree_for) = (&mut self.node, self.tree_for);
        self.tree
            .get_or_insert_with(|| tree_for(node.identity().ok().map(|n| n.role)))
    }

    /// `Err(Interrupted)` once Ctrl-C was pressed; long-running commands call this between steps.
    pub fn check_interrupt(&self) -> CmdResult {
        Ok(self.node.cancel.check()?)
    }

    pub fn db(&mut self) -> CmdResult<&mut Db> {
        Ok(self.node.db()?)
    }

    /// The node's secrets (rule R6 in docs/rules.md#r6): each in the store recorded for it; new
    /// ones in `--secret-store`, else where the node keeps the others, else the automatic choice.
    pub fn secrets(&mut self) -> CmdResult<NodeSecrets> {
        Ok(self.node.secrets()?)
    }

    /// Take the orchestration lock (rule R12 in docs/rules.md#r12) for `command`, saying so if a
    /// stale one was taken over.
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

/// Ctrl-C fires `cancel`; the running command sees it and stops cleanly. Outside the shell a
/// second Ctrl-C ends the process at once (exit 130).
pub fn install_interrupt_handler(cancel: &crate::cancel::Cancel, mode: Mode) {
    let cancel = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if cancel.is_cancelled() && mode != Mode::Shell {
            // The second Ctrl-C: the first one's clean stop did not come; the user means it.
            #[allow(clippy::disallowed_methods)]
            std::process::exit(crate::errors::exit::INTERRUPTED);
        }
        cancel.cancel();
    });
}
