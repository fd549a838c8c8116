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
    let trusted = crate::ops::certs::trusted(&ctx.node);
    if ctx.ui.json_output() {
        let v: Vec<_> = trusted
            .iter()
            .map(|t| match &t.details {
                Ok(d) => json!({ "name": t.name, "fingerprint": d.fingerprint, "subject": d.subject, "issuer": d.issuer, "expires": d.expires, "expired": d.expired }),
                Err(e) => json!({ "name": t.name, "error": e }),
            })
            .collect();
        ctx.ui.json(&v)?;
        return Ok(());
    }
    if trusted.is_empty() {
        ctx.ui
            .status("No certificates are trusted yet. Add one with: utils cert import FILE");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = trusted
        .into_iter()
        .map(|t| match t.details {
            Ok(d) => vec![
                t.name,
                d.subject,
                d.issuer,
                if d.expired {
                    format!("{} (EXPIRED)", d.expires)
                } else {
                    d.expires
                },
                d.fingerprint,
            ],
            Err(e) => vec![
                t.name,
                format!("unreadable: {e}"),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    ctx.ui.line(&vos_table(
        &["name", "subject", "issuer", "expires", "fingerprint"],
        &rows,
    ))?;
    Ok(())
}
