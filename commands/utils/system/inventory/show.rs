//! `utils system inventory show`: the current inventory, as a table or JSON.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::vos_table;

/// Show the current inventory
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils system inventory show\n  $ ccadmin utils system inventory show --output json"
)]
pub struct UtilsSystemInventoryShowArgs {}

pub fn cmd_utils_system_inventory_show(
    ctx: &mut Ctx,
    _args: UtilsSystemInventoryShowArgs,
) -> CmdResult {
    let inv = crate::ops::inventory::current(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&inv)?;
        return Ok(());
    }
    ctx.ui.line(&format!(
        "Deployment Name : {}\nDeployment Type : {}\n",
        inv.deployment_name.as_deref().unwrap_or("-"),
        inv.deployment_type
    ))?;
    let rows: Vec<Vec<String>> = inv
        .rows()
        .into_iter()
        .map(|r| {
            vec![
                r.product,
                r.group,
                r.name,
                r.side,
                r.platform.to_owned(),
                r.detail,
            ]
        })
        .collect();
    if rows.is_empty() {
        ctx.ui
            .line("The inventory has no hosts. Import one with: utils system inventory import")?;
        return Ok(());
    }
    let n = rows.len();
    ctx.ui.line(&vos_table(
        &[
            "product",
            "cluster/pair",
            "host",
            "side",
            "platform",
            "type/user",
        ],
        &rows,
    ))?;
    ctx.ui.line(&format!("\n{n} hosts"))?;
    Ok(())
}
