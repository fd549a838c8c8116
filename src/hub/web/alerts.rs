//! `/alerts` and `GET /api/v1/alerts` (issue 28): the hub's alerts — rollouts that stopped,
//! nodes offline past the threshold, the daily digests — newest first, 50 a page, each with
//! where its mail stands. Times on the page are on the cluster's clock to the minute (UTC in
//! the `title`), as on the fleet page; the API's are UTC. A node's words are escaped by the
//! template like every value.

use hyper::StatusCode;
use serde_json::{json, Value};

use crate::hub::alerts::Alert;
use crate::hub::service::HubService;
use crate::hub::{when, Hub};
use crate::ops::{Kind, OpError};
use crate::serve::https::{error, json_reply, op_reply, Reply};
use crate::serve::pages::{field, query};

/// `page` of a link: empty is 1; anything but a whole number from 1 is refused.
fn page_of(q: &[(String, String)]) -> Result<u64, OpError> {
    match field(q, "page") {
        "" => Ok(1),
        p => p.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            let short: String = p.chars().take(40).collect();
            OpError::new(
                Kind::Invalid,
                format!(
                    "page must be a whole number from 1 (not '{}')",
                    short.escape_debug()
                ),
            )
        }),
    }
}

/// An instant on `tz`'s clock and in UTC, for the page.
fn stamp(t: &str, tz: &str) -> Value {
    match t.parse::<jiff::Timestamp>() {
        Ok(at) => json!({"local": when(at, tz), "utc": when(at, "UTC")}),
        Err(_) => json!({"local": t, "utc": t}),
    }
}

fn kind_words(kind: &str) -> &'static str {
    match kind {
        "rollout-stopped" => "Rollout stopped",
        "node-offline" => "Node offline",
        "digest" => "Daily digest",
        _ => "Alert",
    }
}

fn row(a: &Alert) -> Value {
    let tz = a.time_zone.as_str();
    json!({
        "id": a.id, "kind": a.kind, "kind_text": kind_words(&a.kind),
        "cluster": a.cluster, "node": a.node, "text": a.text,
        "since": stamp(&a.since, tz), "raised": stamp(&a.raised_at, tz),
        "cleared": a.cleared_at.as_deref().map(|t| stamp(t, tz)),
        "mail": a.mail.state, "mailed": a.mail.mailed_at.as_deref().map(|t| stamp(t, tz)),
        "attempts": a.mail.attempts, "last_error": a.mail.last_error, "note": a.mail.note,
    })
}

impl HubService {
    /// `GET /alerts?page=N`.
    pub(super) fn alerts_page(
        &self,
        hub: &Hub,
        q: &[(String, String)],
        ctx: &dyn Fn(Value) -> Value,
    ) -> Reply {
        let page = match page_of(q) {
            Ok(p) => p,
            Err(m) => {
                return self.pages.render(
                    StatusCode::BAD_REQUEST,
                    "message.html",
                    ctx(json!({"heading": "Not understood", "message": m.message, "link": "/alerts", "link_text": "Alerts"})),
                )
            }
        };
        let list = match hub.alerts(page) {
            Ok(l) => l,
            Err(e) => return op_reply(&e),
        };
        let link = |p: u64| {
            if p <= 1 {
                "/alerts".to_owned()
            } else {
                format!("/alerts?page={p}")
            }
        };
        self.pages.render(
            StatusCode::OK,
            "alerts.html",
            ctx(json!({
                "alerts": list.alerts.iter().map(row).collect::<Vec<_>>(),
                "total": list.total,
                "paging": {
                    "page": list.page, "pages": list.pages,
                    "first": (list.page > 1).then(|| link(1)),
                    "prev": (list.page > 1).then(|| link(list.page - 1)),
                    "next": (list.page < list.pages).then(|| link(list.page + 1)),
                    "last": (list.page < list.pages).then(|| link(list.pages)),
                },
            })),
        )
    }
}

/// `GET /api/v1/alerts?page=N` → `{"total", "page", "per_page", "pages", "alerts": [alert]}`.
pub(super) fn alerts_api(hub: &Hub, q: Option<&str>) -> Reply {
    let page = match page_of(&query(q)) {
        Ok(p) => p,
        Err(m) => return error(StatusCode::BAD_REQUEST, &m.message),
    };
    match hub.alerts(page) {
        Ok(list) => json_reply(StatusCode::OK, json!(list)),
        Err(e) => op_reply(&e),
    }
}
