//! A cluster's rollout history for people (issue 28): the page `/cloudconnect/history?name=N`
//! (linked from the cluster's card; 50 attempts a page, newest first, times on the cluster's
//! clock to the minute with UTC in the `title`) and `GET /api/v1/clusters/NAME/history?page=N`
//! (times in UTC). The releases page, with what each release's rollout adds up to over the
//! fleet and *Withdraw*, is rendered here too.

use hyper::StatusCode;
use jiff::Timestamp;
use serde_json::{json, Value};

use super::fleet::stamp;
use crate::hub::history::parse_page;
use crate::hub::service::HubService;
use crate::hub::{Hub, Outcome};
use crate::ops::Kind;
use crate::serve::https::{error, json_reply, op_reply, Reply};
use crate::serve::pages::{field, query};

/// The history page's link to `page` of the cluster `name`.
fn link(name: &str, page: u64) -> String {
    let mut p = vec![("name", name.to_owned())];
    if page > 1 {
        p.push(("page", page.to_string()));
    }
    format!(
        "/cloudconnect/history?{}",
        serde_urlencoded::to_string(&p).unwrap_or_default()
    )
}

/// How an attempt ended, in words, and the class of its badge (words and colour, never
/// colour alone).
fn result_words(result: Option<&str>) -> (&'static str, &'static str) {
    match result.and_then(Outcome::parse) {
        None => ("In progress", "s-upgrading"),
        Some(Outcome::Upgraded) => (Outcome::Upgraded.words(), "s-upgraded"),
        Some(o @ (Outcome::Failed | Outcome::SwitchedBack)) => (o.words(), "s-failed"),
        Some(Outcome::Cancelled) => (Outcome::Cancelled.words(), "s-pending"),
    }
}

impl HubService {
    /// `GET /cloudconnect/history?name=N&page=P`.
    pub(super) fn history_page(
        &self,
        hub: &Hub,
        q: &[(String, String)],
        now: Timestamp,
        ctx: &dyn Fn(Value) -> Value,
    ) -> Reply {
        let problem = |status: StatusCode, heading: &str, message: &str| {
            self.pages.render(
                status,
                "message.html",
                ctx(json!({"heading": heading, "message": message,
                    "link": "/cloudconnect", "link_text": "Cloud Connect"})),
            )
        };
        let page = match parse_page(field(q, "page")) {
            Ok(p) => p,
            Err(e) => return problem(StatusCode::BAD_REQUEST, "Not understood", &e.message),
        };
        let h = match hub.history(field(q, "name"), page, now) {
            Ok(h) => h,
            Err(e) if e.kind == Kind::NotFound => {
                return problem(StatusCode::NOT_FOUND, "Not found", &e.message)
            }
            Err(e) => return op_reply(&e),
        };
        let tz = h.time_zone.as_str();
        let attempts: Vec<Value> = h
            .attempts
            .iter()
            .map(|a| {
                let (words, class) = result_words(a.result);
                json!({
                    "node": a.node, "version": a.version, "from": a.from_version,
                    "started": stamp(&a.started_at, tz),
                    "ended": a.ended_at.as_deref().map(|t| stamp(t, tz)),
                    "result": a.result.unwrap_or("in-progress"),
                    "result_text": words, "class": class, "why": a.why,
                })
            })
            .collect();
        let first = (h.page - 1) * h.per_page + 1;
        let name = h.display_name.as_str();
        self.pages.render(
            StatusCode::OK,
            "history.html",
            ctx(json!({
                "name": name,
                "time_zone": tz,
                "attempts": attempts,
                "paging": {
                    "page": h.page, "pages": h.pages, "total": h.total,
                    "first": first, "last": (first + h.attempts.len() as u64).saturating_sub(1),
                    "first_link": (h.page > 1).then(|| link(name, 1)),
                    "prev": (h.page > 1).then(|| link(name, h.page - 1)),
                    "next": (h.page < h.pages).then(|| link(name, h.page + 1)),
                    "last_link": (h.page < h.pages).then(|| link(name, h.pages)),
                },
            })),
        )
    }

    /// `GET /releases`, or the page again with why a withdrawal was refused.
    pub(super) fn releases_page(
        &self,
        hub: &Hub,
        status: StatusCode,
        notice: &str,
        problem: Option<&str>,
        ctx: &dyn Fn(Value) -> Value,
    ) -> Reply {
        match hub.releases_in_fleet() {
            Ok(list) => self.pages.render(
                status,
                "releases.html",
                ctx(json!({"releases": list, "newest": hub.newest().ok().flatten().map(|(r, _)| r.version),
                    "notice": notice, "error": problem})),
            ),
            Err(e) => op_reply(&e),
        }
    }
}

/// `GET /api/v1/clusters/NAME/history?page=N`.
pub(super) fn history_api(hub: &Hub, name: &str, q: Option<&str>, now: Timestamp) -> Reply {
    let q = query(q);
    let page = match parse_page(field(&q, "page")) {
        Ok(p) => p,
        Err(e) => return op_reply(&e),
    };
    match hub.history(name, page, now) {
        Ok(h) => json_reply(StatusCode::OK, json!(h)),
        Err(e) if e.kind == Kind::NotFound => error(StatusCode::NOT_FOUND, &e.message),
        Err(e) => op_reply(&e),
    }
}

/// `GET /api/v1/releases`: each release with where it stands over the fleet.
pub(super) fn releases_api(hub: &Hub) -> Reply {
    match hub.releases_in_fleet() {
        Ok(list) => json_reply(StatusCode::OK, json!({"releases": list})),
        Err(e) => op_reply(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_links_keep_the_name_encoded_and_leave_page_1_out() {
        assert_eq!(
            link("Lab <A>&B", 1),
            "/cloudconnect/history?name=Lab+%3CA%3E%26B"
        );
        assert_eq!(link("Lab", 3), "/cloudconnect/history?name=Lab&page=3");
    }

    #[test]
    fn every_result_is_in_words() {
        for o in Outcome::ALL {
            assert_eq!(result_words(Some(o.name())).0, o.words());
        }
        assert_eq!(result_words(None).0, "In progress");
    }
}
