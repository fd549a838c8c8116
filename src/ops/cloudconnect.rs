//! This Cloud Connect cluster's registration with a hub (issue 14), the node's side: the
//! registration the publisher's consent page completes, what `utils cloudconnect show
//! registration` shows, `utils cloudconnect unregister`, and the client the node's polls use.
//!
//! The registration is cluster-wide: the hub's address, id and certificate (pinned: the only
//! certificate the node trusts for the hub), the display name and when, as shared settings
//! (`shared.hub.*`, replicated to the subscriber); the token in the secret store (replicated
//! with them). The last poll and its outcome are each node's own (`hub.*`).

use std::time::Duration;

use base64::Engine;
use serde::Serialize;

use super::{Kind, Node, OpError, OpResult};
use crate::clients::hub::{self, HubClient};
use crate::secrets::Secret;

/// The token's name in the secret store.
pub const TOKEN_SECRET: &str = "hub-token";
const URL: &str = "shared.hub.url";
const ID: &str = "shared.hub.id";
const CERT: &str = "shared.hub.cert";
const NAME: &str = "shared.hub.display-name";
const AT: &str = "shared.hub.registered-at";
const LAST_POLL: &str = "hub.last-poll";
const LAST_RESULT: &str = "hub.last-result";

/// How long a call to the hub may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The cluster's registration as this node knows it.
#[derive(Debug, Clone, Serialize)]
pub struct Registration {
    pub hub: String,
    pub hub_id: String,
    pub display_name: String,
    pub registered_at: String,
    pub cert_sha256: String,
    /// registered, or what the last poll said.
    pub state: String,
    pub last_poll: Option<String>,
    #[serde(skip)]
    pub cert_der: Vec<u8>,
}

/// A hub's address as the consent page gets it: `https://HOST[:PORT]`, nothing else.
pub fn hub_url(s: &str) -> OpResult<String> {
    let rest = s.strip_prefix("https://").ok_or_else(|| {
        OpError::new(
            Kind::Invalid,
            format!(
                "the hub's address '{}' is not https://HOST[:PORT]",
                s.escape_debug()
            ),
        )
    })?;
    crate::clients::ssh::Endpoint::parse(rest, 443).map_err(|e| {
        OpError::new(
            Kind::Invalid,
            format!(
                "the hub's address '{}' is not https://HOST[:PORT]: {e}",
                s.escape_debug()
            ),
        )
    })?;
    Ok(format!("https://{rest}"))
}

/// The registration, if the cluster is registered.
pub fn registration(node: &mut Node) -> OpResult<Option<Registration>> {
    let db = node.db()?;
    let get = |k: &str| db.setting(k);
    let (Some(hub), Some(hub_id), Some(cert)) = (get(URL)?, get(ID)?, get(CERT)?) else {
        return Ok(None);
    };
    let cert_der = base64::engine::general_purpose::STANDARD
        .decode(cert)
        .map_err(|e| {
            OpError::new(
                Kind::Storage,
                format!("the hub's stored certificate is damaged: {e}"),
            )
        })?;
    Ok(Some(Registration {
        hub,
        hub_id,
        display_name: get(NAME)?.unwrap_or_default(),
        registered_at: get(AT)?.unwrap_or_default(),
        cert_sha256: super::signing::sha256_hex(&cert_der),
        state: get(LAST_RESULT)?.unwrap_or_else(|| "registered".into()),
        last_poll: get(LAST_POLL)?,
        cert_der,
    }))
}

/// What the consent page shows before the administrator allows access: the hub's identity and
/// the SHA-256 of the certificate it presented (checked against the hub's own word on it).
pub fn hub_identity(hub: &str) -> OpResult<(hub::Identity, Vec<u8>)> {
    hub::identity(&hub_url(hub)?, TIMEOUT)
}

/// The administrator allowed access: complete the hub's `code` for this publisher's `fqdn`,
/// trusting only the hub certificate whose SHA-256 the page showed (`consented_sha256`), and
/// keep the registration. `own_cert_sha256`: this node's service certificate, which the hub
/// pins.
pub fn register(
    node: &mut Node,
    hub: &str,
    hub_id: &str,
    code: &str,
    fqdn: &str,
    consented_sha256: &str,
    own_cert_sha256: &str,
) -> OpResult<Registration> {
    node.require_cloud_connect(true)?;
    let hub = hub_url(hub)?;
    let (identity, cert) = hub::identity(&hub, TIMEOUT)?;
    if !identity.cert_sha256.eq_ignore_ascii_case(consented_sha256) || identity.hub_id != hub_id {
        return Err(OpError::new(
            Kind::Untrusted,
            format!(
                "{hub} is not the hub whose identity was shown (its certificate or id changed)"
            ),
        )
        .hint("start the registration again from the hub"));
    }
    let client = HubClient::new(&hub, &cert, None, TIMEOUT)?;
    let done = client.register(hub_id, code, fqdn, own_cert_sha256)?;
    let now = jiff::Timestamp::now().to_string();
    let (db, secrets) = node.db_and_secrets()?;
    secrets.put(db, TOKEN_SECRET, &Secret::new(done.token))?;
    db.set_setting(URL, &hub)?;
    db.set_setting(ID, &done.hub_id)?;
    db.set_setting(
        CERT,
        &base64::engine::general_purpose::STANDARD.encode(&cert),
    )?;
    db.set_setting(NAME, &done.display_name)?;
    db.set_setting(AT, &now)?;
    db.delete_setting(LAST_RESULT)?;
    db.delete_setting(LAST_POLL)?;
    super::cluster::changed(node);
    registration(node)?.ok_or_else(|| OpError::new(Kind::Storage, "the registration was not kept"))
}

/// The client for this cluster's hub and its registration, if registered.
pub fn client(node: &mut Node) -> OpResult<Option<(HubClient, Registration)>> {
    let Some(reg) = registration(node)? else {
        return Ok(None);
    };
    let (db, secrets) = node.db_and_secrets()?;
    let token = secrets.get(db, TOKEN_SECRET)?.ok_or_else(|| {
        OpError::new(Kind::NotConfigured, "the hub's token is missing from the secret store")
            .hint("unregister (utils cloudconnect unregister) and register the cluster again from the hub")
    })?;
    let client = HubClient::new(
        &reg.hub,
        &reg.cert_der,
        Some(token.expose().to_owned()),
        TIMEOUT,
    )?;
    Ok(Some((client, reg)))
}

/// Record a poll's outcome on this node.
pub fn record_poll(node: &mut Node, state: &str) -> OpResult {
    let db = node.db()?;
    db.set_setting(LAST_POLL, &jiff::Timestamp::now().to_string())?;
    db.set_setting(LAST_RESULT, state)?;
    Ok(())
}

/// Forget the registration (publisher only): the hub is told first when it answers; the
/// result says whether it was (`Err` text: why not).
pub fn unregister(node: &mut Node) -> OpResult<Result<(), String>> {
    node.require_cloud_connect(true)?;
    let told = match client(node) {
        Ok(Some((c, _))) => c.unregister().map_err(|e| e.to_string()),
        Ok(None) => {
            return Err(OpError::new(
                Kind::NotFound,
                "this Cloud Connect cluster is not registered with a hub",
            ))
        }
        Err(e) => Err(e.to_string()),
    };
    let (db, secrets) = node.db_and_secrets()?;
    for k in [URL, ID, CERT, NAME, AT, LAST_POLL, LAST_RESULT] {
        db.delete_setting(k)?;
    }
    secrets.delete(db, TOKEN_SECRET)?;
    super::cluster::changed(node);
    Ok(told)
}
