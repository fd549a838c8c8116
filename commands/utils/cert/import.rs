//! `utils cert import FILE`: add a certificate or CA to `<state>/trust/`.

use std::path::PathBuf;

use clap::Args;

use super::{fingerprint, read_pem_certs};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Trust a certificate or CA (PEM) for this node's HTTPS connections
///
/// Use it for the service certificate of a Cloud Connect node (from `show cert own` there)
/// before onboarding, or for a private CA of the Artifactory.
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils cert import /tmp/cc-pub.pem")]
pub struct UtilsCertImportArgs {
    /// The PEM file with one or more certificates
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Name to keep it under in trust/ [default: the file's name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

pub fn cmd_utils_cert_import(ctx: &mut Ctx, args: UtilsCertImportArgs) -> CmdResult {
    let certs = read_pem_certs(&args.file).map_err(|e| {
        CommandError::failed(e)
            .with_hint("export the certificate in PEM (Base64) form and try again")
    })?;
    let stem = args.name.clone().unwrap_or_else(|| {
        args.file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "certificate".into())
    });
    if stem.is_empty()
        || !stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(
            CommandError::usage(format!("'{stem}' is not a usable name"))
                .with_hint("pass --name with letters, digits, '-', '_' and '.'"),
        );
    }
    let dir = ctx.node.root().join("trust");
    crate::state::ensure_private_dir(&dir)?;
    let dest = dir.join(format!("{stem}.pem"));
    let data = std::fs::read(&args.file)
        .map_err(|e| CommandError::failed(format!("cannot read {}: {e}", args.file.display())))?;
    if dest.exists() {
        if std::fs::read(&dest).ok().as_deref() == Some(data.as_slice()) {
            ctx.ui.status(&format!("{stem} is already trusted."));
            return Ok(());
        }
        if !ctx.confirm(&format!(
            "A certificate named {stem} is already trusted. Replace it"
        ))? {
            ctx.ui.status("Nothing changed.");
            return Ok(());
        }
    }
    crate::state::write_private_file(&dest, &data)
        .map_err(|e| CommandError::failed(format!("cannot write {}: {e}", dest.display())))?;
    for c in &certs {
        ctx.ui
            .status(&format!("Trusted {stem}: {}", fingerprint(c)));
    }
    Ok(())
}
