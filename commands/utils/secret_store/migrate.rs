//! `utils secret-store migrate --to file|keyring`: move every secret of the node between the
//! owner-only file and the persistent keyring.

use clap::Args;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::secret_store;
use crate::secrets::StoreKind;

/// Move every secret of this node to another store in one step
///
/// Each secret is copied to the target store, read back, recorded there, and only then removed
/// from where it was: a secret is never in neither store, and an interrupted move is finished by
/// running the command again. The scheduled download, replication and every command find the
/// secrets in their new store at once. Moving to the keyring needs a persistent keyring in this
/// session (a desktop Secret Service, macOS Keychain, Windows Credential Manager); the service
/// (ccadmin serve) must then run where that keyring answers too.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils secret-store migrate --to keyring\n  admin:utils secret-store migrate --to file"
)]
pub struct UtilsSecretStoreMigrateArgs {
    /// The store to move every secret to
    #[arg(long, value_enum, value_name = "STORE")]
    pub to: StoreKind,
}

pub fn cmd_utils_secret_store_migrate(
    ctx: &mut Ctx,
    args: UtilsSecretStoreMigrateArgs,
) -> CmdResult {
    // Refuses before anything moves if the target cannot be used.
    let migration = secret_store::plan_migration(&mut ctx.node, args.to)?;
    if !ctx.confirm(&format!(
        "Move every secret of this node ({} recorded) to the {} store",
        migration.recorded, args.to
    ))? {
        ctx.ui.status("Nothing was moved.");
        return Ok(());
    }
    let moved = migration.run(&mut ctx.node).map_err(|e| {
        CommandError::from(e)
            .with_hint("run the command again to finish the move; no secret was lost")
    })?;
    for n in &moved {
        ctx.ui.line(&format!("{n:<40} moved to {}", args.to))?;
    }
    ctx.ui.status(&format!(
        "{} secret(s) moved; every secret of this node is now in the {} store.",
        moved.len(),
        args.to
    ));
    Ok(())
}
