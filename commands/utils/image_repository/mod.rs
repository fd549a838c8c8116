//! `utils image-repository` menu (rules R7 and R11 in docs/rules.md#r7 and #r11); the work is in
//! `ops::image_repository` and `ops::artifacts`.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod artifacts;
pub mod download;
pub mod set;
pub mod show;

#[derive(Debug, Subcommand)]
pub enum ImageRepositoryCommands {
    Set(set::UtilsImageRepositorySetArgs),
    Show(show::UtilsImageRepositoryShowArgs),
    Download(download::UtilsImageRepositoryDownloadArgs),
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
