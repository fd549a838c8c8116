//! `utils set software-download bandwidth N`.

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::software_download::{self, Bandwidth};

/// Set the most the software download may use, in KB/s (0: unlimited)
///
/// Every download from the image repository on both nodes (the scheduled one, utils initiate
/// software-download, utils image-repository download) reads no faster than this; a download
/// in progress keeps the rate it started with. 1 KB is 1024 bytes. Set on the publisher;
/// replicated.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils set software-download bandwidth 2048\n  admin:utils set software-download bandwidth 0"
)]
pub struct UtilsSetSoftwareDownloadBandwidthArgs {
    /// KB/s: 0 (unlimited), or 64 to 10485760
    #[arg(value_name = "N", value_parser = clap::value_parser!(Bandwidth), allow_hyphen_values = true)]
    pub bandwidth: Bandwidth,
}

pub fn cmd_utils_set_software_download_bandwidth(
    ctx: &mut Ctx,
    args: UtilsSetSoftwareDownloadBandwidthArgs,
) -> CmdResult {
    software_download::set_bandwidth(&mut ctx.node, args.bandwidth)?;
    ctx.ui.status(&format!(
        "The software download bandwidth is now {}.",
        args.bandwidth
    ));
    Ok(())
}
