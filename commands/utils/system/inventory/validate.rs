//! `utils system inventory validate FILE`: the import's validation on a local file, no SFTP.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::inventory::{render_problems, validate};

/// Check an inventory.conf file on this machine, reporting every problem
///
/// Runs exactly the validation of `utils system inventory import`: every problem is reported
/// with its line and column, what is wrong and what to do. Nothing is changed.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system inventory validate /tmp/inventory.conf"
)]
pub struct UtilsSystemInventoryValidateArgs {
    /// The file to check
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn cmd_utils_system_inventory_validate(
    ctx: &mut Ctx,
    args: UtilsSystemInventoryValidateArgs,
) -> CmdResult {
    let shown = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|e| {
        CommandError::failed(format!("cannot read {shown}: {e}")).with_hint("check the path")
    })?;
    match validate(&bytes) {
        Ok(inv) => {
            let rows = inv.rows();
            let vos = rows.iter().filter(|r| r.platform == "VOS").count();
            if ctx.ui.json_output() {
                ctx.ui.json(&json!({
                    "file": shown, "valid": true, "hosts": rows.len(), "vos_hosts": vos,
                    "windows_hosts": rows.len() - vos, "deployment_type": inv.deployment_type, "problems": [],
                }))?;
            } else {
                ctx.ui.line(&format!(
                    "{shown} is a valid inventory: {} hosts ({vos} VOS, {} Windows), deploymentType {}.",
                    rows.len(),
                    rows.len() - vos,
                    inv.deployment_type
                ))?;
            }
            Ok(())
        }
        Err(problems) => {
            if ctx.ui.json_output() {
                ctx.ui
                    .json(&json!({ "file": shown, "valid": false, "problems": problems }))?;
            } else {
                ctx.ui.err_text(&render_problems(&shown, &problems));
            }
            Err(CommandError::failed(format!(
                "{shown} is not a valid inventory: {} problem(s)",
                problems.len()
            ))
            .with_hint("fix each problem at its line and column, then validate again"))
        }
    }
}
