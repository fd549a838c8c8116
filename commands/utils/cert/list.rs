//! `utils cert list`: what `<state>/trust/` holds.

use clap::Args;
use serde_json::json;

use super::{fingerprint, read_pem_certs};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::vos_table;

/// List the certificates this node trusts
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils cert list")]
pub struct UtilsCertListArgs {}

pub fn cmd_utils_cert_list(ctx: &mut Ctx, _args: UtilsCertListArgs) -> CmdResult {
    let dir = ctx.node.root().join("trust");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut rows = Vec::new();
    for f in &files {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match read_pem_certs(f) {
            Ok(certs) => rows.extend(certs.iter().map(|c| (name.clone(), fingerprint(c)))),
            Err(e) => rows.push((name, format!("unreadable: {e}"))),
        }
    }
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
