//! The publisher's consent page (issue 14): the hub's *Register* sends the administrator's
//! browser here with a one-time code; the page shows the hub's address, id and the SHA-256 of
//! the certificate it presents, and asks an application user to sign in and *Allow access to
//! the Cloud Connect cluster*. Allowed, the node completes the code with the hub (trusting only
//! the certificate the page showed) and the page offers *Continue* back to the hub.
//!
//! Only the administrator's intent registers the cluster (issue 24): a registered cluster
//! refuses every link (the administrator unregisters it at the console first), a link made for
//! another publisher is refused, and both before anything is looked up or anyone signs in. The
//! look-up of the link's hub is bounded and says one neutral thing on any failure (see
//! `cloudconnect::hub_identity`). A failure page offers a way back to the hub.

use hyper::{Method, StatusCode};
use serde_json::{json, Value};

use super::auth::Verdict;
use super::https::{error, Reply, Request};
use super::pages::{field, form, query, Pages};
use super::Service;
use crate::ops::{cloudconnect, Kind, OpError};

pub fn pages() -> Pages {
    Pages::new(&[("consent.html", include_str!("templates/consent.html"))])
}

/// The fields the hub put in the link, checked.
fn request_fields(fields: &[(String, String)]) -> Result<Value, OpError> {
    let invalid = |m: &str| {
        OpError::new(Kind::Invalid, m.to_owned())
            .hint("start again with Add Cloud Connect on the hub")
    };
    let hub = cloudconnect::hub_url(field(fields, "hub"))?;
    let hub_id = field(fields, "hub_id");
    let code = field(fields, "code");
    let name = field(fields, "name");
    let fqdn = field(fields, "fqdn");
    let hex = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_hexdigit());
    if !hex(hub_id, 32) {
        return Err(invalid("the link names no hub id"));
    }
    if !hex(code, 32) {
        return Err(invalid("the link carries no registration code"));
    }
    if name.trim().is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(invalid("the link's display name is not one"));
    }
    crate::clients::ssh::Endpoint::parse(fqdn, 8445)
        .map_err(|_| invalid("the link's FQDN is not one"))?;
    Ok(json!({"hub": hub, "hub_id": hub_id, "code": code, "name": name, "fqdn": fqdn}))
}

impl Service {
    fn consent_page(&self, status: StatusCode, ctx: Value) -> Reply {
        let mut ctx = ctx;
        if let Some(m) = ctx.as_object_mut() {
            let host = self
                .node()
                .identity()
                .map(|n| n.hostname)
                .unwrap_or_else(|_| self.host.clone());
            m.insert("host".into(), json!(host));
            m.entry("heading").or_insert(json!("Register with a hub"));
        }
        self.pages.render(status, "consent.html", ctx)
    }

    /// A failure page: what went wrong, and a way back to the hub the link came from (when the
    /// link names one that is an address at all).
    fn consent_error(&self, e: &OpError, fields: &[(String, String)]) -> Reply {
        let status = match e.kind {
            Kind::Refused | Kind::Forbidden | Kind::Untrusted | Kind::WrongRole => {
                StatusCode::FORBIDDEN
            }
            Kind::Unreachable => StatusCode::BAD_GATEWAY,
            Kind::Invalid | Kind::NotFound => StatusCode::BAD_REQUEST,
            Kind::Busy => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        // The cause the page does not tell (why a hub could not be looked up) is the log's.
        if let Some(cause) = &e.source {
            self.log(&format!("consent page: {e}: {cause}"));
        }
        let sentence = |s: &str| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        };
        let text = match &e.hint {
            Some(h) => format!(
                "{}. {}.",
                sentence(e.message.trim_end_matches('.')),
                sentence(h)
            ),
            None => sentence(&e.message),
        };
        let back = cloudconnect::hub_url(field(fields, "hub"))
            .ok()
            .map(|hub| format!("{hub}/cloudconnect"));
        self.consent_page(
            status,
            json!({"heading": "Registration failed", "error": text, "back": back}),
        )
    }

    /// What refuses a link before anything is looked up or anyone signs in: a registered
    /// cluster, a link made for another publisher.
    fn consent_refusal(&self, node: &mut crate::ops::Node, f: &Value) -> Result<(), OpError> {
        cloudconnect::refuse_if_registered(node)?;
        cloudconnect::own_name_for(node, f["fqdn"].as_str().unwrap_or_default())?;
        Ok(())
    }

    /// `GET` shows the hub and the sign-in form; `POST` (the form) allows access.
    pub(super) fn consent(&self, r: &Request<'_>) -> Reply {
        let mut node = self.node();
        let asked = match *r.method {
            Method::POST => form(r.body).unwrap_or_default(),
            _ => query(r.query),
        };
        if let Err(e) = node.require_cloud_connect(true) {
            return self.consent_error(
                &e.hint("open the hub's link on the publisher of the Cloud Connect cluster"),
                &asked,
            );
        }
        match *r.method {
            Method::GET => {
                let mut f = match request_fields(&asked) {
                    Ok(f) => f,
                    Err(e) => return self.consent_error(&e, &asked),
                };
                if let Err(e) = self.consent_refusal(&mut node, &f) {
                    return self.consent_error(&e, &asked);
                }
                let hub = f["hub"].as_str().unwrap_or_default().to_owned();
                let identity = match cloudconnect::hub_identity(&hub) {
                    Ok((id, _)) => id,
                    Err(e) => return self.consent_error(&e, &asked),
                };
                if identity.hub_id != f["hub_id"] {
                    return self.consent_error(
                        &OpError::new(
                            Kind::Untrusted,
                            format!("{hub} is not the hub the link names"),
                        ),
                        &asked,
                    );
                }
                f["cert_sha256"] = json!(identity.cert_sha256);
                self.consent_page(StatusCode::OK, json!({"form": f}))
            }
            Method::POST => {
                let fields = match form(r.body) {
                    Ok(f) => f,
                    Err(e) => return error(StatusCode::BAD_REQUEST, &e),
                };
                let f = match request_fields(&fields) {
                    Ok(f) => f,
                    Err(e) => return self.consent_error(&e, &fields),
                };
                if let Err(e) = self.consent_refusal(&mut node, &f) {
                    return self.consent_error(&e, &fields);
                }
                let consented = field(&fields, "cert_sha256");
                let mut again = f.clone();
                again["cert_sha256"] = json!(consented);
                // The application user signs in as with the API (limited per address and user).
                let basic = {
                    use base64::Engine;
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(format!(
                            "{}:{}",
                            field(&fields, "user"),
                            field(&fields, "password")
                        ))
                    )
                };
                let user = match self.auth.check(r.peer.ip(), Some(&basic)) {
                    Verdict::Allowed(u) => u,
                    Verdict::Limited(_) => {
                        return self.consent_page(StatusCode::TOO_MANY_REQUESTS, json!({"form": again, "error": "Too many failed sign-ins from this address or for this user; wait a minute and try again."}))
                    }
                    Verdict::Busy => {
                        return self.consent_page(StatusCode::SERVICE_UNAVAILABLE, json!({"form": again, "error": "Too many sign-ins are being checked at once; try again in a moment."}))
                    }
                    Verdict::Denied => {
                        return self.consent_page(StatusCode::UNAUTHORIZED, json!({"form": again, "error": "The application user name or password is wrong."}))
                    }
                };
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
                match cloudconnect::register(
                    &mut node,
                    &s("hub"),
                    &s("hub_id"),
                    &s("code"),
                    &s("fqdn"),
                    consented,
                    &self.cert_sha256,
                ) {
                    Ok(reg) => {
                        self.log(&format!(
                            "{user} registered this cluster with the hub {} as {}",
                            reg.hub, reg.display_name
                        ));
                        let back = format!(
                            "{}/cloudconnect?{}",
                            reg.hub,
                            // The hub shows notices by code only (issue 24, finding 14).
                            serde_urlencoded::to_string([
                                ("notice", "registered"),
                                ("name", reg.display_name.as_str())
                            ])
                            .unwrap_or_default()
                        );
                        self.consent_page(StatusCode::OK, json!({
                            "heading": "Access allowed", "done": true, "link": back,
                            "message": format!("This Cloud Connect cluster is registered with {} as {}. Its nodes now poll the hub for upgrades.", reg.hub, reg.display_name)}))
                    }
                    Err(e) => {
                        self.log(&format!(
                            "{user}: registration with {} failed: {e}",
                            s("hub")
                        ));
                        self.consent_error(&e, &fields)
                    }
                }
            }
            _ => error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST"),
        }
    }
}
