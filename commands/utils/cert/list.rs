//! `utils cert list`: what `<state>/trust/` holds.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::vos_table;

/// List the certificates this node trusts
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils cert list")]
pub struct UtilsCertListArgs {}

pub fn cmd_utils_cert_list(ctx: &mut Ctx, _args: UtilsCertListArgs) -> CmdResult {
    let rows: Vec<(String, String)> = crate::ops::certs::trusted(&ctx.node)
        .into_iter()
        .map(|t| {
            let f = t.fingerprint.unwrap_or_else(|e| format!("unreadable: {e}"));
            (t.name, f)
        })
        .collect();
    if ctx.ui.json_output() {
        ctx.ui.json(
            &rows
                .iter()
                .map(|(n, f)| json!({ "name": n, "fingerprint": f }))
                .collect::<Vec<_>>(),
        )?;
        return Ok(());
    }
    if rows.is_empty() {
        ctx.ui
            .status("No certificates are trusted yet. Add one with: utils cert import FILE");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(n, f)| vec![n, f]).collect();
    ctx.ui.line(&vos_table(&["name", "fingerprint"], &rows))?;
    Ok(())
}
