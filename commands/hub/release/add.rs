//! `hub release add`: publish a signed ccadmin release.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{Kind, OpError};

/// Publish a ccadmin release: the archive, its version, notes, whether it is urgent, and
/// the publisher's minisign signature of the archive
#[derive(Debug, Args)]
pub struct HubReleaseAddArgs {
    pub archive: PathBuf,
    #[arg(long, value_name = "VERSION")]
    pub version: String,
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub notes: String,
    /// Urgent: installed in the clusters' urgent windows
    #[arg(long)]
    pub urgent: bool,
    /// The signature file [default: ARCHIVE.minisig]
    #[arg(long, value_name = "FILE")]
    pub signature: Option<PathBuf>,
}

pub fn cmd_hub_release_add(ctx: &mut Ctx, at: &mut HubAt, args: HubReleaseAddArgs) -> CmdResult {
    let archive = args.archive;
    let sig_path = args
        .signature
        .unwrap_or_else(|| PathBuf::from(format!("{}.minisig", archive.display())));
    let sig =
        crate::state::read_bounded(&sig_path, crate::ops::signing::MAX_SIGNATURE).map_err(|e| {
            OpError::new(
                Kind::NotFound,
                format!("cannot read the signature {}: {e}", sig_path.display()),
            )
            .hint("sign the archive with: minisign -S -m ARCHIVE")
        })?;
    let r = at.hub.add_release(
        &archive,
        &args.version,
        &args.notes,
        args.urgent,
        &String::from_utf8_lossy(&sig),
        at.now,
    )?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "release": r })).map_err(failed)?;
    } else {
        ctx.ui.status(&format!(
            "Release {} published ({} bytes, SHA-256 {}{}).",
            r.version,
            r.size,
            r.sha256,
            if r.urgent { ", urgent" } else { "" }
        ));
    }
    Ok(())
}
