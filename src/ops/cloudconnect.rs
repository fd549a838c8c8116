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

/// How long the consent page's look-up of a hub (a link's `hub`, which anyone can choose) may
/// take in all: connection, TLS, the answer.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);
/// How many such look-ups run at once; one more is refused at once.
pub const LOOKUPS_AT_ONCE: usize = 4;
static LOOKUPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// One registration at a time (checked, then kept, with nothing in between).
static REGISTERING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A slot among the look-ups at once, given back when dropped.
struct Lookup;

impl Lookup {
    fn take() -> OpResult<Lookup> {
        use std::sync::atomic::Ordering::SeqCst;
        if LOOKUPS.fetch_add(1, SeqCst) >= LOOKUPS_AT_ONCE {
            LOOKUPS.fetch_sub(1, SeqCst);
            return Err(
                OpError::new(Kind::Busy, "too many hubs are being looked up at once")
                    .hint("try again in a moment"),
            );
        }
        Ok(Lookup)
    }
}

impl Drop for Lookup {
    fn drop(&mut self) {
        LOOKUPS.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

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

/// A consent link may be used only while the cluster is not registered: a registration is
/// replaced only after the administrator unregistered it at the console. (An application user
/// opening a link of a hub of their own changes nothing.) Says nothing of the hub it is
/// registered with: anyone may open the page.
pub fn refuse_if_registered(node: &mut Node) -> OpResult {
    if registration(node)?.is_some() {
        return Err(OpError::new(
            Kind::Forbidden,
            "this Cloud Connect cluster is registered with a hub already; a registration link cannot replace it",
        )
        .hint("to register it with another hub, the administrator first unregisters it at the publisher's console (utils cloudconnect unregister), then registers it again from the hub"));
    }
    Ok(())
}

/// This publisher's own name as the hub binds it (`HOST:PORT`, port 8445 unless given), after
/// checking that the link was made for it: a code is completed only for the node it names.
pub fn own_name_for(node: &mut Node, link_fqdn: &str) -> OpResult<String> {
    let me = node.identity()?.hostname;
    let own = crate::clients::ssh::Endpoint::parse(&me, 8445)
        .map_err(|e| {
            OpError::new(
                Kind::NotConfigured,
                format!(
                    "this node's host name '{}' is not one: {e}",
                    me.escape_debug()
                ),
            )
            .hint("set it with utils node set --hostname")
        })?
        .to_string();
    let linked = crate::clients::ssh::Endpoint::parse(link_fqdn, 8445)
        .map(|e| e.to_string())
        .unwrap_or_default();
    if !linked.eq_ignore_ascii_case(&own) {
        return Err(OpError::new(
            Kind::Forbidden,
            format!(
                "this link registers the publisher {}; this node is {own}",
                crate::text::one_line(link_fqdn)
            ),
        )
        .hint(format!(
            "open the link on that publisher, or add the cluster on the hub again with this publisher's name, {own}"
        )));
    }
    Ok(own)
}

/// What the consent page shows before the administrator allows access: the hub's identity and
/// the SHA-256 of the certificate it presented (checked against the hub's own word on it).
///
/// Anyone can make a link naming any `https://HOST:PORT`, so the look-up is bounded: at most
/// [`LOOKUP_TIMEOUT`] in all, [`LOOKUPS_AT_ONCE`] at once, and every failure is the same
/// sentence (refused, reset, timed out, or an answer that is not a hub's are not told apart:
/// the page is no port scanner). The cause is kept as the error's source, for the node's log.
/// Only an answer that is a hub's identity says more: a certificate that is not the one it
/// names (something in between).
pub fn hub_identity(hub: &str) -> OpResult<(hub::Identity, Vec<u8>)> {
    let hub = hub_url(hub)?;
    let _slot = Lookup::take()?;
    hub::identity(&hub, LOOKUP_TIMEOUT).map_err(|e| {
        if e.kind == Kind::Untrusted {
            e
        } else {
            no_hub(&hub).caused_by(e)
        }
    })
}

/// The one sentence for a hub that could not be looked up, whatever the reason.
fn no_hub(hub: &str) -> OpError {
    OpError::new(Kind::Unreachable, format!("no hub answered at {hub}"))
        .hint("check the hub's address and that this node reaches it, then start again with Add Cloud Connect on the hub (this node's log, serve.log, says more)")
}

/// The administrator allowed access: complete the hub's `code` for this publisher (the link's
/// `link_fqdn` must be this node's own name, and the node sends its own name, never the
/// link's), trusting only the hub certificate whose SHA-256 the page showed
/// (`consented_sha256`), and keep the registration. `own_cert_sha256`: this node's service
/// certificate, which the hub pins. Refused while the cluster is registered (see
/// [`refuse_if_registered`]).
pub fn register(
    node: &mut Node,
    hub: &str,
    hub_id: &str,
    code: &str,
    link_fqdn: &str,
    consented_sha256: &str,
    own_cert_sha256: &str,
) -> OpResult<Registration> {
    node.require_cloud_connect(true)?;
    let hub = hub_url(hub)?;
    // Checked and kept with no other registration in between.
    let _one = match REGISTERING.try_lock() {
        Ok(g) => g,
        // A registration that panicked left nothing half-kept that this one relies on.
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => {
            return Err(
                OpError::new(Kind::Busy, "another registration is being completed")
                    .hint("wait for it, then look at utils cloudconnect show registration"),
            )
        }
    };
    refuse_if_registered(node)?;
    let own = own_name_for(node, link_fqdn)?;
    let (identity, cert) = hub_identity(&hub)?;
    if !identity.cert_sha256.eq_ignore_ascii_case(consented_sha256) || identity.hub_id != hub_id {
        return Err(OpError::new(
            Kind::Untrusted,
            format!(
                "{hub} is not the hub whose identity was shown (its certificate or id changed)"
            ),
        )
        .hint("start the registration again from the hub"));
    }
    let client = HubClient::new(&hub, &cert, None, LOOKUP_TIMEOUT)?;
    let done = {
        let _slot = Lookup::take()?;
        client.register(hub_id, code, &own, own_cert_sha256)?
    };
    if done.hub_id != hub_id {
        return Err(OpError::new(
            Kind::Peer,
            format!("{hub} completed the registration as another hub than it named"),
        ));
    }
    let now = jiff::Timestamp::now().to_string();
    let cert = base64::engine::general_purpose::STANDARD.encode(&cert);
    // The token and the registration are one transaction (and one change to replicate).
    let (db, secrets) = node.db_and_secrets()?;
    secrets.switch(
        db,
        TOKEN_SECRET,
        Some(&Secret::new(done.token)),
        |db, name| {
            OpResult::Ok(db.switch_secret(
                TOKEN_SECRET,
                name,
                &[
                    (URL, Some(&hub)),
                    (ID, Some(&done.hub_id)),
                    (CERT, Some(&cert)),
                    (NAME, Some(&done.display_name)),
                    (AT, Some(&now)),
                    (LAST_RESULT, None),
                    (LAST_POLL, None),
                ],
            )?)
        },
    )?;
    super::cluster::changed(node);
    registration(node)?.ok_or_else(|| OpError::new(Kind::Storage, "the registration was not kept"))
}

/// The hub registration's token, if this cluster has one.
pub fn token(node: &mut Node) -> OpResult<Option<Secret>> {
    let (db, secrets) = node.db_and_secrets()?;
    Ok(secrets.slot(db, TOKEN_SECRET)?)
}

/// The client for this cluster's hub and its registration, if registered.
pub fn client(node: &mut Node) -> OpResult<Option<(HubClient, Registration)>> {
    let Some(reg) = registration(node)? else {
        return Ok(None);
    };
    let token = token(node)?.ok_or_else(|| {
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

/// The upgrade states a node's last poll can leave it in, as `/metrics` names them.
pub const POLL_STATES: &[&str] = &[
    "registered",
    "up-to-date",
    "waiting",
    "installing",
    "upgraded",
    "failed",
    "poll-failed",
    "other",
];

/// Which of [`POLL_STATES`] a recorded poll result (the sentences `serve` records through
/// [`record_poll`]) is. The sentences hold text from the hub (a version, a reason), so only
/// their fixed parts are looked at, and anything unknown is `other`.
pub fn poll_state(recorded: &str) -> &'static str {
    if recorded == "registered" {
        return "registered";
    }
    if recorded.starts_with("the last poll failed") {
        return "poll-failed";
    }
    if recorded.starts_with("up to date (") {
        return "up-to-date";
    }
    if recorded.starts_with("installing ") {
        return "installing";
    }
    if recorded.starts_with("upgraded to ") {
        return "upgraded";
    }
    // "{version} waits: {reason}" or "{version} failed: {detail}": the first marker is ours
    // (a version holds no spaces).
    let first_space = recorded.find(' ').unwrap_or(recorded.len());
    match &recorded[first_space..] {
        rest if rest.starts_with(" waits: ") => "waiting",
        rest if rest.starts_with(" failed: ") => "failed",
        _ => "other",
    }
}

/// What the hub made of an unregistration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubTold {
    /// The hub forgot the cluster.
    Forgot,
    /// The hub (its pinned certificate, so the real one) no longer knows the cluster's token:
    /// it was unregistered there already.
    ForgotAlready,
    /// The hub was not told (it did not answer, or the token is missing here): why.
    NotTold(String),
}

/// Forget the registration (publisher only): the hub is told first when it answers; the
/// result says what the hub made of it.
pub fn unregister(node: &mut Node) -> OpResult<HubTold> {
    node.require_cloud_connect(true)?;
    let told = match client(node) {
        Ok(Some((c, _))) => match c.unregister() {
            Ok(()) => HubTold::Forgot,
            // 403: a token the hub does not know (401 would be a missing one, never sent).
            Err(e) if e.kind == Kind::Refused => HubTold::ForgotAlready,
            Err(e) => HubTold::NotTold(e.to_string()),
        },
        Ok(None) => {
            return Err(OpError::new(
                Kind::NotFound,
                "this Cloud Connect cluster is not registered with a hub",
            ))
        }
        Err(e) => HubTold::NotTold(e.to_string()),
    };
    let (db, secrets) = node.db_and_secrets()?;
    let gone = [URL, ID, CERT, NAME, AT, LAST_POLL, LAST_RESULT].map(|k| (k, None));
    secrets.switch(db, TOKEN_SECRET, None, |db, _| {
        OpResult::Ok(db.switch_secret(TOKEN_SECRET, None, &gone)?)
    })?;
    super::cluster::changed(node);
    Ok(told)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_poll_result_has_its_metrics_state() {
        for (recorded, state) in [
            ("registered", "registered"),
            ("up to date (0.1.0)", "up-to-date"),
            (
                "0.2.0 waits: the cluster's next window opens at …",
                "waiting",
            ),
            ("installing 0.2.0", "installing"),
            ("upgraded to 0.2.0", "upgraded"),
            ("0.2.0 failed: health check failed, kept 0.1.0", "failed"),
            ("the last poll failed: no hub answered", "poll-failed"),
            // A hub's words cannot make a state of their own.
            ("0.2.0 says: 0.3.0 failed: x", "other"),
            ("", "other"),
        ] {
            assert_eq!(poll_state(recorded), state, "{recorded}");
            assert!(POLL_STATES.contains(&state));
        }
    }
}
