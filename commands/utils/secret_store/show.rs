//! `utils secret-store show`: the store of each secret, and whether a persistent keyring
//! answers here.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::secret_store;
use crate::output::{kv_block, vos_table};

/// Show which store holds each of this node's secrets (never the secrets)
///
/// Lists the name of every secret (the Artifactory credential, the cluster secret, remembered
/// SFTP passwords) and the store it is in, the store new secrets go to, and whether a
/// persistent keyring is available in this session.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils secret-store show")]
pub struct UtilsSecretStoreShowArgs {}

pub fn cmd_utils_secret_store_show(ctx: &mut Ctx, _args: UtilsSecretStoreShowArgs) -> CmdResult {
    let secret_store::Overview {
        secrets: locations,
        new_secrets_go_to: next,
        keyring,
    } = secret_store::overview(&mut ctx.node)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "secrets": locations.iter().map(|(n, s)| json!({ "name": n, "store": s })).collect::<Vec<_>>(),
            "new_secrets_go_to": next.as_ref().ok().map(|k| k.to_string()),
            "keyring_available": keyring.is_ok(),
            "keyring_problem": keyring.as_ref().err().map(|e| e.to_string()),
        }))?;
        return Ok(());
    }
    let rows = vec![
        (
            "New Secrets Go To",
            match &next {
                Ok(k) => k.to_string(),
                Err(e) => format!("(none: {e})"),
            },
        ),
        (
            "Keyring",
            match &keyring {
                Ok(()) => "available".to_owned(),
                Err(crate::secrets::SecretError::NoKeyring(i)) => {
                    format!("not available: {}", i.reason())
                }
                Err(e) => format!("not available: {e}"),
            },
        ),
    ];
    ctx.ui.line(&kv_block(&rows))?;
    if !locations.is_empty() {
        let rows: Vec<Vec<String>> = locations
            .into_iter()
            .map(|(n, s)| vec![n, s.to_string()])
            .collect();
        ctx.ui.line("")?;
        ctx.ui.line(&vos_table(&["name", "store"], &rows))?;
    }
    Ok(())
}
