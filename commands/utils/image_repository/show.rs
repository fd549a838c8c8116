//! `utils image-repository show` (rule R7 in docs/rules.md#r7): the setting, the secret masked to
//! its last four characters, and which store holds it.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::image_repository::{self, Credential};
use crate::output::kv_block;

/// Show the Artifactory setting
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils image-repository show\n  $ ccadmin utils image-repository show --output json"
)]
pub struct UtilsImageRepositoryShowArgs {}

pub fn cmd_utils_image_repository_show(
    ctx: &mut Ctx,
    _args: UtilsImageRepositoryShowArgs,
) -> CmdResult {
    let Some(image_repository::Overview {
        setting: s,
        credential,
    }) = image_repository::overview(&mut ctx.node)?
    else {
        if ctx.ui.json_output() {
            ctx.ui.json(&json!({ "configured": false }))?;
        } else {
            ctx.ui.line("Image repository is not configured.")?;
        }
        return Ok(());
    };
    let masked = match credential {
        Credential::Masked(m) => m,
        Credential::Missing => "(missing: run utils image-repository set)".to_owned(),
        Credential::Unreadable(e) => format!("(unreadable: {e})"),
    };
    let label = s.auth_type.label();
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "configured": true,
            "url": s.url,
            "repository": s.repository,
            "auth_type": s.auth_type,
            "credential": masked,
            "software": s.software,
            "credential_store": s.credential_store,
            "ca_file": s.ca_file,
            "proxy": s.proxy.as_deref().map(crate::names::redact_url),
            "encrypted": !s.url.starts_with("http://"),
            "last_validated": format!("{} UTC", s.last_validated),
        }))?;
        return Ok(());
    }
    let mut rows = vec![
        ("Artifactory URL", s.url.clone()),
        ("Artifactory Repository Name", s.repository.clone()),
        ("Authentication Type", s.auth_type.to_string()),
        (label, masked),
        ("Software", s.software.to_string()),
        ("Credential Store", s.credential_store.to_string()),
        ("Last Validated", format!("{} UTC", s.last_validated)),
    ];
    if let Some(ca) = &s.ca_file {
        rows.push(("CA File", ca.clone()));
    }
    if let Some(p) = &s.proxy {
        rows.push(("Proxy", crate::names::redact_url(p)));
    }
    if s.url.starts_with("http://") {
        rows.push((
            "Connection",
            "unencrypted (http://): the credential travels in clear text".to_owned(),
        ));
    }
    ctx.ui.line(&kv_block(&rows))?;
    Ok(())
}
