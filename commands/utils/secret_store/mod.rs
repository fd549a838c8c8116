//! `utils secret-store` menu: where this node keeps its secrets, and moving them.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod migrate;
pub mod show;

#[derive(Debug, Subcommand)]
pub enum SecretStoreCommands {
    Show(show::UtilsSecretStoreShowArgs),
    Migrate(migrate::UtilsSecretStoreMigrateArgs),
}

impl SecretStoreCommands {
    pub fn changes_state(&self) -> bool {
        matches!(self, SecretStoreCommands::Migrate(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: SecretStoreCommands) -> CmdResult {
    match cmd {
        SecretStoreCommands::Show(a) => show::cmd_utils_secret_store_show(ctx, a),
        SecretStoreCommands::Migrate(a) => migrate::cmd_utils_secret_store_migrate(ctx, a),
    }
}
