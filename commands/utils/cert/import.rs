//! `utils cert import FILE`: add a certificate or CA to `<state>/trust/`.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::certs;

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
    let import = certs::prepare_import(&ctx.node, &args.file, args.name.as_deref())?;
    if import.already {
        ctx.ui
            .status(&format!("{} is already trusted.", import.name));
        return Ok(());
    }
    if import.replaces
        && !ctx.confirm(&format!(
            "A certificate named {} is already trusted. Replace it",
            import.name
        ))?
    {
        ctx.ui.status("Nothing changed.");
        return Ok(());
    }
    certs::import(&mut ctx.node, &import)?;
    for f in &import.fingerprints {
        ctx.ui.status(&format!("Trusted {}: {f}", import.name));
    }
    Ok(())
}
