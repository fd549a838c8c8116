//! `utils image-repository set` (rule R7 in docs/rules.md#r7): prompt, validate against the real
//! Artifactory REST API before anything is saved, then store the setting and put the credential in
//! the secret store.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::context::Ctx;
use crate::domain::{AuthType, Software};
use crate::errors::CmdResult;
use crate::ops::cluster;
use crate::ops::image_repository::{self, Draft, Step, DEFAULT_REPOSITORY, DEFAULT_URL};
use crate::prompt::{read_secret_file, Field};

pub const CREDENTIAL_ENV: &str = "CCADMIN_ARTIFACTORY_CREDENTIAL";

/// Configure and validate the Artifactory that software is downloaded from
///
/// Asks for what the flags do not give (URL, repository, authentication type, the API key or
/// identity token without echo, software choice), checks them against the Artifactory (ping,
/// then the repository with the credential) and saves them only if that works. The credential
/// goes to the secret store, never to the database.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils image-repository set\n  $ ccadmin utils image-repository set --url https://devhub-download.cisco.com/binaries --auth-type api-key --credential-file key.txt --software unrestricted"
)]
pub struct UtilsImageRepositorySetArgs {
    /// Artifactory URL
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Artifactory repository name
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,
    /// How the credential is sent
    #[arg(long, value_enum)]
    pub auth_type: Option<AuthType>,
    /// Read the API key or identity token from the first line of FILE
    #[arg(long, value_name = "FILE")]
    pub credential_file: Option<PathBuf>,
    /// Which builds to download
    #[arg(long, value_enum)]
    pub software: Option<Software>,
    /// Also trust the CA certificates in this PEM file (remembered with the setting)
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Reach the Artifactory through this proxy (otherwise HTTPS_PROXY is honoured)
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Accept a plain http:// URL: the credential then travels unencrypted (closed lab
    /// networks only; `show` marks the link as unencrypted)
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Seconds to wait for the Artifactory at each step
    #[arg(long, value_name = "SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

pub fn cmd_utils_image_repository_set(
    ctx: &mut Ctx,
    args: UtilsImageRepositorySetArgs,
) -> CmdResult {
    ctx.node.require_cloud_connect(true)?;
    let url = ctx.value(
        &Field {
            label: "Artifactory URL",
            flag: "--url",
            env: None,
            default: Some(DEFAULT_URL),
        },
        args.url,
    )?;
    let repository = ctx.value(
        &Field {
            label: "Artifactory Repository Name",
            flag: "--repository",
            env: None,
            default: Some(DEFAULT_REPOSITORY),
        },
        args.repository,
    )?;
    let auth: AuthType = ctx.choice(
        &Field {
            label: "Authentication type (api-key/identity-token)",
            flag: "--auth-type",
            env: None,
            default: Some("api-key"),
        },
        args.auth_type,
    )?;
    let given = match &args.credential_file {
        Some(p) => Some(read_secret_file(ctx, p, "--credential-file")?),
        None => None,
    };
    let credential = ctx.secret(
        &Field {
            label: auth.label(),
            flag: "--credential-file",
            env: Some(CREDENTIAL_ENV),
            default: None,
        },
        given,
    )?;
    let software: Software = ctx.choice(
        &Field {
            label: "Software (restricted/unrestricted)",
            flag: "--software",
            env: None,
            default: Some("unrestricted"),
        },
        args.software,
    )?;
    let draft = Draft {
        url,
        repository,
        auth,
        software,
        ca_file: args.ca_file,
        proxy: args.proxy,
        allow_http: args.allow_insecure_http,
    };
    // Validate before anything is saved.
    let ui = &mut ctx.ui;
    let setting = image_repository::validate(
        &ctx.node,
        draft,
        &credential,
        Duration::from_secs(args.timeout),
        &mut |step| match step {
            Step::Checking(what) => ui.status(what),
        },
    )?;
    image_repository::save(&mut ctx.node, setting, &credential)?;
    ctx.ui.status("Artifactory configuration saved.");
    replicate_to_subscriber(ctx)
}

/// Say where the setting goes next (rules R7 and R11 in docs/rules.md#r7 and #r11): the change is
/// in the replication log with the save, and this node's service sends it to the subscriber at
/// once, retrying until it lands.
fn replicate_to_subscriber(ctx: &mut Ctx) -> CmdResult {
    if let Some(sub) = cluster::other_node(&mut ctx.node)? {
        ctx.ui.status(&format!(
            "It replicates to the subscriber {sub} (see: utils dbreplication runtimestate)."
        ));
    }
    Ok(())
}
