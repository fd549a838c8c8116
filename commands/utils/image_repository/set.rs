//! `utils image-repository set` (SPEC 3): prompt, validate against the real Artifactory REST API
//! before anything is saved, then store the setting and put the credential in the secret store.

use std::path::PathBuf;

use clap::Args;

use super::{art_error, client};
use crate::clients::artifactory::AuthType;
use crate::commands::utils::system::inventory::require_cloud_connect;
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::prompt::{read_secret_file, Field};
use crate::state::db::ImageRepository;

pub const DEFAULT_URL: &str = "https://devhub-download.cisco.com/binaries";
pub const DEFAULT_REPOSITORY: &str = "ent-platform-release-external";
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
    #[arg(long, value_parser = ["restricted", "unrestricted"])]
    pub software: Option<String>,
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
    require_cloud_connect(ctx, true)?;
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
    let auth_text = ctx.value(
        &Field {
            label: "Authentication type (api-key/identity-token)",
            flag: "--auth-type",
            env: None,
            default: Some("api-key"),
        },
        args.auth_type.map(|a| a.as_str().to_owned()),
    )?;
    let auth = AuthType::parse(&auth_text).ok_or_else(|| {
        CommandError::usage(format!("'{auth_text}' is not an authentication type"))
            .with_hint("answer api-key or identity-token")
    })?;
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
    let software = ctx.value(
        &Field {
            label: "Software (restricted/unrestricted)",
            flag: "--software",
            env: None,
            default: Some("unrestricted"),
        },
        args.software,
    )?;
    if software != "restricted" && software != "unrestricted" {
        return Err(
            CommandError::usage(format!("'{software}' is not a software choice"))
                .with_hint("answer restricted or unrestricted"),
        );
    }
    let ca_file = match &args.ca_file {
        Some(p) => Some(
            std::fs::canonicalize(p)
                .map_err(|e| {
                    CommandError::failed(format!("cannot read the CA file {}: {e}", p.display()))
                })?
                .display()
                .to_string(),
        ),
        None => None,
    };

    // Validate before anything is saved.
    let mut setting = ImageRepository {
        url: url.trim_end_matches('/').to_owned(),
        repository,
        auth_type: auth.as_str().to_owned(),
        software,
        ca_file,
        proxy: args.proxy,
        credential_store: String::new(),
        credential_ref: String::new(),
        last_validated: String::new(),
        allow_http: args.allow_insecure_http,
    };
    let art = client(ctx, &setting, credential.clone(), args.timeout)?;
    ctx.ui
        .status(&format!("Checking {}/api/system/ping ...", setting.url));
    art.ping().map_err(art_error)?;
    ctx.check_interrupt()?;
    ctx.ui.status(&format!(
        "Checking repository {} with the {} ...",
        setting.repository,
        auth.label()
    ));
    art.check_repository().map_err(art_error)?;
    ctx.check_interrupt()?;

    // Save: the new credential under a new name, then the setting pointing at it, then the old
    // credential goes. A failure in between leaves the previous setting whole.
    let previous = ctx.db()?.image_repository()?;
    let secrets = ctx.secrets()?;
    let now = ctx.db()?.now()?;
    let reference = format!(
        "artifactory-{}-{}",
        now.replace([' ', ':'], "-"),
        std::process::id()
    );
    let kind = secrets.put(ctx.db()?, &reference, &credential)?;
    setting.credential_store = kind.to_string();
    setting.credential_ref = reference.clone();
    setting.last_validated = now;
    if let Err(e) = ctx
        .db()
        .and_then(|db| Ok(db.set_image_repository(&setting)?))
    {
        let _ = ctx.db().map(|db| secrets.delete(db, &reference));
        return Err(e);
    }
    if let Some(old) = previous.filter(|o| o.credential_ref != reference) {
        let _ = secrets.delete(ctx.db()?, &old.credential_ref);
    }
    ctx.ui.status("Artifactory configuration saved.");
    replicate_to_subscriber(ctx)
}

/// Replicate to the subscriber (SPEC 3, 7): queue the setting, and send it now if the cluster
/// has a subscriber. One that cannot be reached is reported; `ccadmin serve` on this node
/// retries until it lands, so the setting is never lost.
fn replicate_to_subscriber(ctx: &mut Ctx) -> CmdResult {
    ctx.db()?
        .queue_replication(crate::replication::IMAGE_REPOSITORY)?;
    let Some(subscriber) = ctx.db()?.cc_subscriber()? else {
        return Ok(());
    };
    let db_path = ctx.state.db_path();
    let dbus = ctx.env.get("DBUS_SESSION_BUS_ADDRESS").is_some();
    for line in crate::replication::flush_outbox(&db_path, ctx.state.root(), dbus) {
        if line.starts_with("replicated") {
            ctx.ui
                .status(&format!("Replicated to the subscriber {subscriber}."));
        } else {
            ctx.ui.warn(&format!(
                "{line} (ccadmin serve on this node retries until it lands)"
            ));
        }
    }
    Ok(())
}
