//! `utils image-repository` menu, and what its commands share: the Artifactory client built from
//! the stored setting (credential from the secret store, trusted CAs), and error mapping.

use std::time::Duration;

use clap::Subcommand;

use crate::clients::artifactory::{ArtError, Artifactory};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::secrets::Secret;
use crate::state::db::ImageRepository;

pub mod artifacts;
pub mod download;
pub mod set;
pub mod show;

#[derive(Debug, Subcommand)]
pub enum ImageRepositoryCommands {
    /// Configure and validate the Artifactory that software is downloaded from
    Set(set::UtilsImageRepositorySetArgs),
    /// Show the Artifactory setting
    Show(show::UtilsImageRepositoryShowArgs),
    /// Download the artifacts the software choice allows, now
    Download(download::UtilsImageRepositoryDownloadArgs),
    /// List the artifacts downloaded to this node
    Artifacts(artifacts::UtilsImageRepositoryArtifactsArgs),
}

impl ImageRepositoryCommands {
    pub fn changes_state(&self) -> bool {
        match self {
            ImageRepositoryCommands::Set(_) => true,
            ImageRepositoryCommands::Download(a) => !a.dry_run,
            _ => false,
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: ImageRepositoryCommands) -> CmdResult {
    match cmd {
        ImageRepositoryCommands::Set(a) => set::cmd_utils_image_repository_set(ctx, a),
        ImageRepositoryCommands::Show(a) => show::cmd_utils_image_repository_show(ctx, a),
        ImageRepositoryCommands::Download(a) => {
            download::cmd_utils_image_repository_download(ctx, a)
        }
        ImageRepositoryCommands::Artifacts(a) => {
            artifacts::cmd_utils_image_repository_artifacts(ctx, a)
        }
    }
}

pub fn art_error(e: ArtError) -> CommandError {
    match e {
        ArtError::Interrupted => CommandError::interrupted(),
        e => {
            let remedy = e.remedy();
            let mut c = CommandError::failed(e.to_string());
            if let Some(r) = remedy {
                c = c.with_hint(r);
            }
            c
        }
    }
}

pub fn not_configured() -> CommandError {
    CommandError::failed("Image repository is not configured.")
        .with_hint("configure it with: utils image-repository set")
}

/// The stored setting and its credential.
pub fn load(ctx: &mut Ctx) -> CmdResult<(ImageRepository, Secret)> {
    let setting = ctx.db()?.image_repository()?.ok_or_else(not_configured)?;
    let secrets = ctx.secrets()?;
    let secret = secrets
        .get(ctx.db()?, &setting.credential_ref)?
        .ok_or_else(|| {
            CommandError::failed(format!(
                "the Artifactory credential is missing from the {} store",
                setting.credential_store
            ))
            .with_hint("enter it again with: utils image-repository set")
        })?;
    Ok((setting, secret))
}

/// A client for `setting` with `credential`.
pub fn client(
    ctx: &Ctx,
    setting: &ImageRepository,
    credential: Secret,
    timeout: u64,
) -> CmdResult<Artifactory> {
    crate::artifacts::client_for(
        ctx.state.root(),
        setting,
        credential,
        Duration::from_secs(timeout),
    )
    .map_err(art_error)
}
