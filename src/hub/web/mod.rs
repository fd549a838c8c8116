//! The hub's pages for people and the JSON API behind them (issue 14), as Control Hub's
//! Cloud Connect pages: sign in; the clusters as cards, a page at a time (`fleet.rs`: search
//! by display name, filters, sort, the summary and health; *Add Cloud Connect* or *Add* for
//! the first); *Add*: display name and the publisher's FQDN, then the
//! browser goes to the publisher, where an application user allows access and comes back;
//! *Settings*: the upgrade schedule (time, frequency with only its own fields shown, the time
//! zone from the IANA list, urgent time), *Postpone*, the next scheduled upgrade, the changes
//! as old → new, *Unregister* with an acknowledgement; a cluster's rollout
//! history (`history.rs`). The releases, with where each stands over the fleet.
//!
//! Pages use a session cookie (`HttpOnly; Secure; SameSite=Lax`, 8 hours; only its SHA-256
//! is stored) and every form carries the session's CSRF token; the sign-in form carries one of
//! its own (with a cookie for `/login`). After signing in only a path of this hub's origin is
//! followed, and a page's banner is chosen by a code, never taken from the link. A release is
//! withdrawn from the releases page. The JSON API under
//! `/api/v1/clusters` and `GET /api/v1/releases` takes HTTP Basic with a hub account.
//! Sign-in attempts are limited per address and per account as the node service's are.

use hyper::header::{AUTHORIZATION, COOKIE, HOST};
use hyper::{Method, StatusCode};
use jiff::Timestamp;
use serde_json::{json, Value};

use super::schedules::{differences, listed_time_zone, time_zones};
use super::service::{HubService, SignedIn};
use super::{describe, when, Hub, Session};
use crate::ops::upgrade_window::{Frequency, ScheduleChange, Weekday};
use crate::ops::{Kind, OpError, OpResult};
use crate::serve::auth::Verdict;
use crate::serve::https::{error, json_reply, op_reply, Reply, Request};
use crate::serve::pages::{cookie, field, form, query, redirect, same_token, Pages};

mod alerts;
mod fleet;
mod history;

const COOKIE_NAME: &str = "ccadmin_hub_session";

/// Whether the request is for the JSON API for people.
pub(super) fn is_people_api(r: &Request<'_>) -> bool {
    (r.path == "/api/v1/releases" && *r.method == Method::GET)
        || r.path.starts_with("/api/v1/clusters")
        || (r.path == "/api/v1/alerts" && *r.method == Method::GET)
}

pub fn pages() -> Pages {
    Pages::new(&[
        ("base.html", include_str!("../templates/base.html")),
        ("login.html", include_str!("../templates/login.html")),
        ("clusters.html", include_str!("../templates/clusters.html")),
        ("add.html", include_str!("../templates/add.html")),
        ("settings.html", include_str!("../templates/settings.html")),
        ("releases.html", include_str!("../templates/releases.html")),
        ("history.html", include_str!("../templates/history.html")),
        ("message.html", include_str!("../templates/message.html")),
        ("alerts.html", include_str!("../templates/alerts.html")),
    ])
}

/// The URL the hub is reached at, from the request's `Host` (checked: a host name or address
/// and a port, nothing else).
fn base_url(r: &Request<'_>) -> Option<String> {
    let host = r.header(HOST)?;
    crate::clients::ssh::Endpoint::parse(host, 443)
        .ok()
        .map(|_| format!("https://{host}"))
}

/// Where to go after signing in: `next` only when it is a path of this hub's own origin as a
/// browser's URL parser reads it (WHATWG: tabs and newlines dropped, `\\` as `/`, dot
/// segments resolved), given back as that parser serialises it, so the browser follows exactly
/// the path checked; anything else goes to the Cloud Connect page.
fn local_next(r: &Request<'_>, next: &str) -> String {
    const HOME: &str = "/cloudconnect";
    let base = base_url(r).unwrap_or_else(|| "https://hub.invalid".into());
    let Ok(base) = url::Url::parse(&base) else {
        return HOME.into();
    };
    let Ok(target) = base.join(next) else {
        return HOME.into();
    };
    if target.origin() != base.origin() {
        return HOME.into();
    }
    let path = match target.query() {
        Some(q) => format!("{}?{q}", target.path()),
        None => target.path().to_owned(),
    };
    // The path must read back as the same URL of this origin (a path that serialises as
    // `//host/…` would be another host's).
    match base.join(&path) {
        Ok(again) if again == target && path.starts_with('/') && !path.starts_with("//") => path,
        _ => HOME.into(),
    }
}

/// The sign-in form's token (login CSRF): a random value in a cookie for `/login` only and
/// in the form; a sign-in whose form does not carry its cookie's value is refused before the
/// password is checked.
const LOGIN_COOKIE: &str = "ccadmin_hub_login";

/// The success banner of a page, chosen by `notice` (a code, never text from the link); the
/// names it shows are looked up, so a link cannot put words on the hub's pages.
fn notice_text(hub: &Hub, q: &[(String, String)], now: Timestamp) -> String {
    let name = field(q, "name");
    match field(q, "notice") {
        "registered" => hub
            .cluster(name, now)
            .map(|c| format!("{} is registered.", c.display_name))
            .unwrap_or_default(),
        "saved" => hub
            .cluster(name, now)
            .map(|c| {
                format!(
                    "Saved. Next scheduled upgrade: {}",
                    when(c.next_upgrade.start, &c.schedule.time_zone)
                )
            })
            .unwrap_or_default(),
        "postponed" => hub
            .cluster(name, now)
            .map(|c| {
                format!(
                    "The next upgrade is postponed to {}",
                    when(c.next_upgrade.start, &c.schedule.time_zone)
                )
            })
            .unwrap_or_default(),
        "unregistered" => "The cluster is unregistered.".into(),
        "withdrawn" => {
            let version = field(q, "version");
            hub.releases()
                .unwrap_or_default()
                .into_iter()
                .find(|r| r.version == version && r.withdrawn_at.is_some())
                .map(|r| {
                    format!(
                        "Release {} is withdrawn; it will never be offered again.",
                        r.version
                    )
                })
                .unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// The settings page's schedule form as a change. Only the fields of the chosen frequency are
/// read: the page hides the others with CSS, but a browser still sends them, and without CSS
/// all are shown (each labelled with the frequency it is for). Each refusal names its field;
/// the time zone must be one of those the page lists.
fn schedule_form(fields: &[(String, String)]) -> OpResult<ScheduleChange> {
    let refuse = |what: &str, value: &str, should: &str| {
        let value: String = value.chars().take(64).collect();
        OpError::new(
            Kind::Invalid,
            format!("{what}: '{}' is not {should}", value.escape_debug()),
        )
    };
    let frequency = field(fields, "frequency");
    if !matches!(frequency, "daily" | "weekly" | "monthly") {
        return Err(refuse("Frequency", frequency, "daily, weekly or monthly"));
    }
    let hour = |key: &str, what: &str| match field(fields, key).parse::<u8>() {
        Ok(h) if h <= 23 => Ok(h),
        _ => Err(refuse(what, field(fields, key), "an hour from 0 to 23")),
    };
    let (hour, urgent_hour) = (
        hour("hour", "Time")?,
        hour("urgent_hour", "Urgent upgrade time")?,
    );
    let zone = field(fields, "time_zone");
    let Some(time_zone) = listed_time_zone(zone) else {
        return Err(refuse(
            "Time zone",
            zone,
            "one of the IANA time zones listed; choose one from the list",
        ));
    };
    let day = match frequency {
        "monthly" => match field(fields, "day").trim().parse::<u8>() {
            Ok(d) if (1..=28).contains(&d) => Some(d),
            _ => {
                return Err(refuse(
                    "Day of the month",
                    field(fields, "day"),
                    "a day from 1 to 28",
                ))
            }
        },
        _ => None,
    };
    let days = match frequency {
        "weekly" => fields
            .iter()
            .filter(|(k, _)| k == "days")
            .map(|(_, v)| v.clone())
            .collect(),
        _ => Vec::new(),
    };
    Ok(ScheduleChange {
        frequency: Some(frequency.to_owned()),
        days,
        day,
        hour: Some(hour),
        time_zone: Some(time_zone),
        urgent_hour: Some(urgent_hour),
    })
}

impl HubService {
    /// The signed-in session of a page request.
    fn session(&self, hub: &Hub, r: &Request<'_>, now: Timestamp) -> Option<(String, Session)> {
        let id = cookie(r.header(COOKIE), COOKIE_NAME)?;
        hub.session(id, now)
            .ok()
            .flatten()
            .map(|s| (id.to_owned(), s))
    }

    /// Check a name and password (limited and bounded as the node service's logins); the
    /// account as stored, or the answer to give. Takes the hub's lock only to read the hash.
    fn sign_in(&self, r: &Request<'_>, name: &str, password: &str) -> SignedIn {
        let stored = self
            .hub()
            .account_hash(name)
            .map_err(|e| Box::new(op_reply(&e)))?;
        match self.auth.verify_password(
            r.peer.ip(),
            name,
            password,
            stored.as_ref().map(|(_, h)| h.as_str()),
        ) {
            Verdict::Allowed(_) => Ok(stored.map(|(account, _)| account).unwrap_or_default()),
            Verdict::Limited(wait) => Err(Box::new(crate::serve::https::limited(wait))),
            Verdict::Busy => Err(Box::new(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many sign-ins are being checked at once; try again in a moment",
            ))),
            Verdict::Denied => Err(Box::new(error(
                StatusCode::UNAUTHORIZED,
                "the account name or password is wrong",
            ))),
        }
    }

    /// The name and password a request presents (the sign-in form, or HTTP Basic to the JSON
    /// API), checked; `None` when it presents none.
    pub(super) fn credentials(&self, r: &Request<'_>) -> Option<SignedIn> {
        let (name, password) = if r.path == "/login" && *r.method == Method::POST {
            let f = form(r.body).ok()?;
            let expected = cookie(r.header(COOKIE), LOGIN_COOKIE).unwrap_or("");
            if expected.is_empty() || !same_token(field(&f, "csrf"), expected) {
                return Some(Err(Box::new(error(
                    StatusCode::FORBIDDEN,
                    "the sign-in form is stale or did not come from this hub",
                ))));
            }
            (
                field(&f, "name").to_owned(),
                field(&f, "password").to_owned(),
            )
        } else if is_people_api(r) || r.path == "/metrics" {
            crate::serve::auth::basic(r.header(AUTHORIZATION)?)?
        } else {
            return None;
        };
        Some(self.sign_in(r, &name, &password))
    }

    /// The page routes; `None`: not a page.
    pub(super) fn page_route(
        &self,
        r: &Request<'_>,
        hub: &mut Hub,
        now: Timestamp,
        signed_in: Option<SignedIn>,
    ) -> Option<Reply> {
        let path = r.path;
        if !(path == "/"
            || path == "/login"
            || path == "/logout"
            || path == "/releases"
            || path == "/releases/withdraw"
            || path == "/alerts"
            || path.starts_with("/cloudconnect"))
        {
            return None;
        }
        if path == "/" {
            return Some(redirect("/cloudconnect", None));
        }
        if path == "/login" {
            return Some(self.login(r, hub, now, signed_in));
        }
        let Some((sid, session)) = self.session(hub, r, now) else {
            if *r.method == Method::GET {
                let next = match r.query {
                    Some(q) => format!("{path}?{q}"),
                    None => path.to_owned(),
                };
                let to = format!(
                    "/login?{}",
                    serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
                );
                return Some(redirect(&to, None));
            }
            return Some(self.pages.render(
                StatusCode::UNAUTHORIZED,
                "message.html",
                json!({
                "heading": "Signed out", "message": "Your session ended. Sign in and try again.",
                "link": "/login", "link_text": "Sign in"}),
            ));
        };
        let base = json!({"account": session.account, "csrf": session.csrf});
        let ctx = |extra: Value| {
            let mut v = base.clone();
            if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
                m.extend(e.clone());
            }
            v
        };
        if *r.method == Method::POST {
            let fields = match form(r.body) {
                Ok(f) => f,
                Err(e) => return Some(error(StatusCode::BAD_REQUEST, &e)),
            };
            if !same_token(field(&fields, "csrf"), &session.csrf) {
                return Some(self.pages.render(StatusCode::FORBIDDEN, "message.html", ctx(json!({
                    "heading": "Refused", "message": "The form is stale or did not come from this hub. Open the page again and retry.",
                    "link": "/cloudconnect", "link_text": "Cloud Connect"}))));
            }
            return Some(self.post(r, hub, now, &sid, &session, &fields, &ctx));
        }
        if *r.method != Method::GET {
            return Some(error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST"));
        }
        let q = query(r.query);
        let notice = notice_text(hub, &q, now);
        Some(match path {
            "/cloudconnect" => self.fleet_page(hub, &q, now, &notice, &ctx),
            "/cloudconnect/add" => self.pages.render(StatusCode::OK, "add.html", ctx(json!({}))),
            "/cloudconnect/settings" => self.settings_page(hub, field(&q, "name"), now, &notice, None, &ctx),
            "/cloudconnect/history" => self.history_page(hub, &q, now, &ctx),
            "/alerts" => self.alerts_page(hub, &q, &ctx),
            "/releases" => self.releases_page(hub, StatusCode::OK, &notice, None, &ctx),
            _ => self.pages.render(StatusCode::NOT_FOUND, "message.html", ctx(json!({"heading": "Not found", "message": "There is no such page.", "link": "/cloudconnect", "link_text": "Cloud Connect"}))),
        })
    }

    fn settings_page(
        &self,
        hub: &Hub,
        name: &str,
        now: Timestamp,
        notice: &str,
        problem: Option<&str>,
        ctx: &dyn Fn(Value) -> Value,
    ) -> Reply {
        let c = match hub.cluster(name, now) {
            Ok(c) => c,
            Err(e) => {
                return self.pages.render(StatusCode::NOT_FOUND, "message.html", ctx(json!({
                    "heading": "Not found", "message": e.message, "link": "/cloudconnect", "link_text": "Cloud Connect"})))
            }
        };
        let tz = c.schedule.time_zone.clone();
        // Newest first, each as what changed, `old → new`, at the cluster's clock.
        let changes: Vec<Value> = hub
            .schedule_changes(name)
            .unwrap_or_default()
            .into_iter()
            .rev()
            .map(|(at, actor, old, new)| {
                let at = at.parse().map(|t| when(t, &tz)).unwrap_or(at);
                let lines = match (serde_json::from_str(&old), serde_json::from_str(&new)) {
                    (Ok(o), Ok(n)) => differences(&o, &n),
                    _ => vec![format!("{old} → {new}")],
                };
                json!({"at": at, "actor": actor, "lines": lines})
            })
            .collect();
        let (days, day) = match &c.schedule.frequency {
            Frequency::Weekly { days } => (days.iter().map(|d| d.name()).collect::<Vec<_>>(), None),
            Frequency::Monthly { day } => (Vec::new(), Some(*day)),
            Frequency::Daily => (Vec::new(), None),
        };
        let frequency = match c.schedule.frequency {
            Frequency::Daily => "daily",
            Frequency::Weekly { .. } => "weekly",
            Frequency::Monthly { .. } => "monthly",
        };
        // The zones by area (`Europe`, `America`, ...; names without one under `Other`); the
        // cluster's own zone is always there, so the select never falls back to another.
        let mut zones = time_zones();
        if !zones.contains(&tz) {
            zones.insert(0, tz.clone());
        }
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for z in zones {
            let area = z.split_once('/').map_or("Other", |(a, _)| a).to_owned();
            match groups.iter_mut().find(|(a, _)| *a == area) {
                Some((_, list)) => list.push(z),
                None => groups.push((area, vec![z])),
            }
        }
        groups.sort_by(|a, b| (a.0 == "Other").cmp(&(b.0 == "Other")).then(a.0.cmp(&b.0)));
        let zones: Vec<Value> = groups
            .into_iter()
            .map(|(area, names)| json!({"area": area, "names": names}))
            .collect();
        self.pages.render(
            if problem.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK },
            "settings.html",
            ctx(json!({
                "c": {"display_name": c.display_name, "schedule": {"hour": c.schedule.hour, "urgent_hour": c.schedule.urgent_hour,
                      "time_zone": tz, "frequency": frequency, "days": days, "day": day}},
                "schedule": describe(&c.schedule),
                "next_upgrade": when(c.next_upgrade.start, &tz),
                "next_urgent": when(c.next_urgent.start, &tz),
                "postponed": c.schedule.postponed.map(|p| when(p, &tz)),
                "changes": changes,
                "hours": (0..24).collect::<Vec<u8>>(),
                "weekdays": Weekday::ALL.iter().map(|d| d.name()).collect::<Vec<_>>(),
                "zones": zones,
                "notice": notice,
                "error": problem,
            })),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn post(
        &self,
        r: &Request<'_>,
        hub: &mut Hub,
        now: Timestamp,
        sid: &str,
        session: &Session,
        fields: &[(String, String)],
        ctx: &dyn Fn(Value) -> Value,
    ) -> Reply {
        let name = field(fields, "name");
        let back = |notice: &str| {
            redirect(
                &format!(
                    "/cloudconnect/settings?{}",
                    serde_urlencoded::to_string([("name", name), ("notice", notice)])
                        .unwrap_or_default()
                ),
                None,
            )
        };
        if r.path == "/releases/withdraw" {
            let version = field(fields, "version");
            // It cannot be undone: asked for like an unregistration.
            if field(fields, "acknowledge") != "yes" {
                return self.releases_page(
                    hub,
                    StatusCode::BAD_REQUEST,
                    "",
                    Some(&format!(
                        "Nothing was withdrawn: tick that {version} will never be offered again, then Withdraw."
                    )),
                    ctx,
                );
            }
            return match hub.withdraw_release(version, &session.account, now) {
                Ok(_) => {
                    self.log(&format!("{}: withdrew release {version}", session.account));
                    redirect(
                        &format!(
                            "/releases?{}",
                            serde_urlencoded::to_string([
                                ("notice", "withdrawn"),
                                ("version", version)
                            ])
                            .unwrap_or_default()
                        ),
                        None,
                    )
                }
                Err(e) => {
                    self.releases_page(hub, StatusCode::BAD_REQUEST, "", Some(&e.to_string()), ctx)
                }
            };
        }
        match r.path {
            "/logout" => {
                let _ = hub.end_session(sid);
                redirect(
                    "/login",
                    Some(&format!(
                        "{COOKIE_NAME}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"
                    )),
                )
            }
            "/cloudconnect/add" => {
                let (display_name, fqdn) = (
                    field(fields, "display_name").trim(),
                    field(fields, "fqdn").trim(),
                );
                let again = |e: &OpError| {
                    self.pages.render(
                        StatusCode::BAD_REQUEST,
                        "add.html",
                        ctx(json!({
                    "display_name": display_name, "fqdn": fqdn, "error": e.to_string()})),
                    )
                };
                let Some(hub_url) = base_url(r) else {
                    return error(StatusCode::BAD_REQUEST, "the request names no usable Host");
                };
                match self.begin(hub, display_name, fqdn, &hub_url, now) {
                    Ok((url, _)) => {
                        self.log(&format!(
                            "{}: registration of {display_name} ({fqdn}) started",
                            session.account
                        ));
                        redirect(&url, None)
                    }
                    Err(e) => again(&e),
                }
            }
            "/cloudconnect/settings/schedule" => {
                let done = schedule_form(fields).and_then(|change| {
                    hub.cluster(name, now)
                        .and_then(|c| change.apply(&c.schedule))
                        .and_then(|s| hub.set_schedule(name, s, &session.account, now))
                });
                match done {
                    Ok(_) => back("saved"),
                    Err(e) => self.settings_page(hub, name, now, "", Some(&e.to_string()), ctx),
                }
            }
            "/cloudconnect/settings/postpone" => match hub.postpone(name, &session.account, now) {
                Ok(_) => back("postponed"),
                Err(e) => self.settings_page(hub, name, now, "", Some(&e.to_string()), ctx),
            },
            "/cloudconnect/settings/unregister" => {
                if field(fields, "acknowledge") != "yes" {
                    return self.settings_page(hub, name, now, "", Some("Acknowledge that the cluster will no longer be upgraded automatically, then Unregister."), ctx);
                }
                match hub.unregister(name) {
                    Ok(()) => {
                        self.log(&format!("{}: unregistered {name}", session.account));
                        redirect("/cloudconnect?notice=unregistered", None)
                    }
                    Err(e) => self.settings_page(hub, name, now, "", Some(&e.to_string()), ctx),
                }
            }
            _ => error(StatusCode::NOT_FOUND, "no such form"),
        }
    }

    /// Start a registration: the code, and the publisher's consent page URL carrying it with
    /// this hub's address and identity.
    fn begin(
        &self,
        hub: &mut Hub,
        display_name: &str,
        fqdn: &str,
        hub_url: &str,
        now: Timestamp,
    ) -> Result<(String, Timestamp), OpError> {
        let (_, url, expires) = hub.register_url(display_name, fqdn, hub_url, now)?;
        Ok((url, expires))
    }

    fn login(
        &self,
        r: &Request<'_>,
        hub: &mut Hub,
        now: Timestamp,
        signed_in: Option<SignedIn>,
    ) -> Reply {
        let q = query(r.query);
        // Every sign-in form carries a fresh token, also in a cookie only `/login` gets.
        let login_form = |status: StatusCode, next: &str, message: Option<&str>| {
            let token = super::random_hex(16);
            let mut reply = self.pages.render(
                status,
                "login.html",
                json!({"next": next, "error": message, "login_csrf": token}),
            );
            if let Ok(v) = hyper::header::HeaderValue::from_str(&format!(
                "{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; Secure; SameSite=Strict"
            )) {
                reply.headers_mut().insert(hyper::header::SET_COOKIE, v);
            }
            reply
        };
        match *r.method {
            Method::GET => login_form(StatusCode::OK, &local_next(r, field(&q, "next")), None),
            Method::POST => {
                let fields = match form(r.body) {
                    Ok(f) => f,
                    Err(e) => return error(StatusCode::BAD_REQUEST, &e),
                };
                let next = local_next(r, field(&fields, "next"));
                let Some(signed_in) = signed_in else {
                    return error(StatusCode::BAD_REQUEST, "the form carries no name");
                };
                match signed_in {
                    Ok(account) => match hub.new_session(&account, now) {
                        Ok(id) => {
                            self.log(&format!("{account} signed in"));
                            redirect(&next, Some(&format!("{COOKIE_NAME}={id}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={}", super::SESSION_VALIDITY.as_secs())))
                        }
                        Err(e) => op_reply(&e),
                    },
                    Err(reply) => {
                        let status = reply.status();
                        let message = match status {
                            StatusCode::TOO_MANY_REQUESTS => "Too many failed sign-ins from this address or for this account; wait a minute and try again.",
                            StatusCode::SERVICE_UNAVAILABLE => "Too many sign-ins are being checked at once; try again in a moment.",
                            StatusCode::FORBIDDEN => "The sign-in form was stale or did not come from this hub. Sign in again.",
                            _ => "The account name or password is wrong.",
                        };
                        login_form(status, &next, Some(message))
                    }
                }
            }
            _ => error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST"),
        }
    }

    /// The JSON API for people (a request `is_people_api` chose).
    pub(super) fn people_api(
        &self,
        r: &Request<'_>,
        hub: &mut Hub,
        now: Timestamp,
        signed_in: Option<SignedIn>,
    ) -> Option<Reply> {
        let rest = r.path.strip_prefix("/api/v1/clusters");
        let account = match signed_in {
            Some(Ok(a)) => a,
            Some(Err(reply)) => return Some(*reply),
            None => {
                return Some(crate::serve::https::basic_required(
                    "Basic realm=\"ccadmin hub\"",
                    "a hub account is required (HTTP Basic)",
                ))
            }
        };
        if r.path == "/api/v1/alerts" {
            return Some(alerts::alerts_api(hub, r.query));
        }
        let Some(rest) = rest else {
            return Some(history::releases_api(hub));
        };
        let (name, action) = match rest.trim_start_matches('/').split_once('/') {
            Some((n, a)) => (n, a),
            None => (rest.trim_start_matches('/'), ""),
        };
        let name = match percent_encoding::percent_decode_str(name).decode_utf8() {
            Ok(n) => n.into_owned(),
            Err(_) => {
                return Some(error(
                    StatusCode::BAD_REQUEST,
                    "the cluster name is not UTF-8",
                ))
            }
        };
        let reply = |r: Result<Value, OpError>| match r {
            Ok(v) => json_reply(StatusCode::OK, v),
            Err(e) if e.kind == Kind::NotFound => error(StatusCode::NOT_FOUND, &e.message),
            Err(e) => op_reply(&e),
        };
        Some(match (r.method, name.as_str(), action) {
            (&Method::GET, "", "") => fleet::fleet_api(hub, r.query, now),
            (&Method::POST, "", "") => {
                #[derive(serde::Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Add {
                    display_name: String,
                    fqdn: String,
                }
                let add: Add = match serde_json::from_slice(r.body) {
                    Ok(a) => a,
                    Err(e) => {
                        return Some(error(
                            StatusCode::BAD_REQUEST,
                            &format!("the body is not {{\"display_name\", \"fqdn\"}}: {e}"),
                        ))
                    }
                };
                let Some(hub_url) = base_url(r) else {
                    return Some(error(
                        StatusCode::BAD_REQUEST,
                        "the request names no usable Host",
                    ));
                };
                reply(
                    self.begin(hub, &add.display_name, &add.fqdn, &hub_url, now)
                        .map(|(url, expires)| {
                            self.log(&format!(
                                "{account}: registration of {} started",
                                add.display_name
                            ));
                            json!({"register_url": url, "expires_at": expires.to_string()})
                        }),
                )
            }
            (&Method::GET, n, "") => reply(
                hub.cluster(n, now)
                    .and_then(|c| Ok(json!({"cluster": c, "nodes": hub.nodes(n)?}))),
            ),
            (&Method::GET, n, "history") => history::history_api(hub, n, r.query, now),
            (&Method::DELETE, n, "") => {
                reply(hub.unregister(n).map(|()| json!({"unregistered": n})))
            }
            (&Method::PUT, n, "schedule") => {
                let change: ScheduleChange = match serde_json::from_slice(r.body) {
                    Ok(c) => c,
                    Err(e) => {
                        return Some(error(
                            StatusCode::BAD_REQUEST,
                            &format!("the body is not a schedule: {e}"),
                        ))
                    }
                };
                reply(
                    hub.cluster(n, now)
                        .and_then(|c| change.apply(&c.schedule))
                        .and_then(|s| hub.set_schedule(n, s, &account, now))
                        .map(|c| json!({"cluster": c})),
                )
            }
            (&Method::POST, n, "postpone") => reply(
                hub.postpone(n, &account, now)
                    .map(|c| json!({"cluster": c})),
            ),
            _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
        })
    }
}
