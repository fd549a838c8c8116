//! `hub cluster add` (*Add Cloud Connect*): a one-time registration code and the consent link
//! to open on the publisher.

use clap::Args;
use serde_json::json;

use crate::commands::hub::{failed, HubAt};
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{Kind, OpError, OpResult};
use crate::output::kv_block;

/// Add Cloud Connect: a one-time registration code for a display name and the publisher's
/// FQDN, valid 15 minutes, to be allowed on the publisher
#[derive(Debug, Args)]
pub struct HubClusterAddArgs {
    #[arg(long, value_name = "NAME")]
    pub display_name: String,
    /// The FQDN of the Cloud Connect publisher (HOST or HOST:PORT; port 8445 by default)
    #[arg(long, value_name = "FQDN")]
    pub fqdn: String,
    /// The hub's address as the publisher reaches it, in the consent link [default: the
    /// address `hub serve` last announced, https://HOSTNAME:PORT]
    #[arg(long, value_name = "URL")]
    pub hub_url: Option<String>,
}

/// The hub's address for a consent link: `https://HOST[:PORT]`, nothing more.
fn hub_origin(given: &str) -> OpResult<String> {
    let invalid = || {
        OpError::new(
            Kind::Invalid,
            format!(
                "'{}' is not the hub's address (https://HOST:PORT)",
                given.escape_debug()
            ),
        )
        .hint("pass --hub-url https://hub.example.com:8446")
    };
    let u = url::Url::parse(given).map_err(|_| invalid())?;
    if u.scheme() != "https"
        || u.host_str().is_none()
        || !u.username().is_empty()
        || u.password().is_some()
        || u.path() != "/"
        || u.query().is_some()
        || u.fragment().is_some()
    {
        return Err(invalid());
    }
    Ok(u.origin().ascii_serialization())
}

pub fn cmd_hub_cluster_add(ctx: &mut Ctx, at: &mut HubAt, args: HubClusterAddArgs) -> CmdResult {
    let hub_url = match args.hub_url {
        Some(u) => hub_origin(&u)?,
        None => at.hub.address()?.ok_or_else(|| {
            OpError::new(
                Kind::Invalid,
                "the hub's address is not known yet (hub serve announces it when it starts)",
            )
            .hint("pass --hub-url https://HOST:PORT (the address the publisher reaches the hub at)")
        })?,
    };
    let (code, register_url, expires) =
        at.hub
            .register_url(&args.display_name, &args.fqdn, &hub_url, at.now)?;
    let id = at.hub.id()?;
    let ep = crate::clients::ssh::Endpoint::parse(&args.fqdn, 8445)
        .map_err(|e| OpError::new(Kind::Invalid, e.to_string()))?;
    let url = format!("https://{ep}/cloudconnect/register");
    if ctx.ui.json_output() {
        ctx.ui
            .json(&json!({"code": code, "hub_id": id, "expires_at": expires.to_string(), "publisher_url": url, "register_url": register_url}))
            .map_err(failed)?;
    } else {
        ctx.ui
            .line(&kv_block(&[
                ("Registration code", code),
                ("Hub", id),
                ("Valid until", expires.to_string()),
                ("Open on the publisher", register_url),
            ]))
            .map_err(failed)?;
    }
    Ok(())
}
