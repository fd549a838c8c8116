//! The Cloud Connect list page and the people API's cluster list at scale (issue 28): one page
//! of clusters as the link asks (`q`/`search`, `state`, `version`, `health`, `sort`, `dir`,
//! `page`, and `per_page` in the API), the fleet's summary, each cluster's and node's health in
//! words with a colour (never colour alone), a stopped rollout with the node and why, and
//! times on the cluster's clock to the minute (UTC in the `title`). A query that means nothing
//! is a 400 saying why; paging links keep the other parameters.

use hyper::StatusCode;
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::hub::service::HubService;
use crate::hub::{when, FleetCluster, FleetQuery, Hub, Sort, Summary, CLUSTER_STATES};
use crate::serve::https::{json_reply, op_reply, Reply};
use crate::serve::pages::query;

/// An instant on the cluster's clock to the minute, and in UTC (for the `title`).
pub(super) fn stamp(t: &str, tz: &str) -> Value {
    match t.parse::<Timestamp>() {
        Ok(at) => json!({"local": when(at, tz), "utc": when(at, "UTC")}),
        Err(_) => json!({"local": t, "utc": t}),
    }
}

/// A cluster's upgrade state in words.
fn state_words(state: &str) -> &'static str {
    match state {
        "unpolled" => "Not polled yet",
        "upgraded" => "Up to date",
        "pending" => "Upgrade pending",
        "upgrading" => "Upgrading",
        "failed" => "Upgrade failed",
        _ => "Unknown",
    }
}

fn card(c: &FleetCluster) -> Value {
    let v = &c.cluster;
    let tz = v.schedule.time_zone.as_str();
    let offline = c.nodes.iter().filter(|n| !n.online).count();
    let health_text = match c.health {
        "never-polled" => "Never polled".to_owned(),
        "online" => "Online".to_owned(),
        "offline" => "Offline".to_owned(),
        _ => format!("Partly offline ({offline} of {} nodes)", c.nodes.len()),
    };
    let nodes: Vec<Value> = c
        .nodes
        .iter()
        .map(|n| {
            json!({
                "node": n.node.node, "version": n.node.version, "state": n.node.state,
                "detail": n.node.detail, "online": n.online,
                "last_poll": stamp(&n.node.last_poll, tz),
                "interval": n.poll_interval,
            })
        })
        .collect();
    json!({
        "display_name": v.display_name,
        "fqdn": v.fqdn,
        "time_zone": tz,
        "registered": stamp(&v.registered_at, tz),
        "last_poll": v.last_poll.as_deref().map(|t| stamp(t, tz)),
        "next_upgrade": {"local": when(v.next_upgrade.start, tz), "utc": when(v.next_upgrade.start, "UTC")},
        "postponed": v.schedule.postponed.is_some(),
        "state": c.state,
        "state_text": state_words(c.state),
        "health": c.health,
        "health_text": health_text,
        "nodes": nodes,
        "stopped": c.rollout_stopped.as_ref().map(|s| json!({
            "version": s.version, "node": s.node, "at": stamp(&s.at, tz), "detail": s.detail,
        })),
    })
}

/// The list page's link for `page` with the query's other parameters (defaults left out).
fn link(q: &FleetQuery, page: u64) -> String {
    let mut p: Vec<(&str, String)> = Vec::new();
    if let Some(s) = &q.search {
        p.push(("q", s.clone()));
    }
    if let Some(s) = q.state {
        p.push(("state", s.to_owned()));
    }
    if let Some(v) = &q.version {
        p.push(("version", v.clone()));
    }
    if let Some(h) = q.health {
        p.push(("health", h.name().to_owned()));
    }
    if q.sort != Sort::Name {
        p.push(("sort", q.sort.name().to_owned()));
    }
    if q.descending {
        p.push(("dir", "desc".to_owned()));
    }
    if page > 1 {
        p.push(("page", page.to_string()));
    }
    match serde_urlencoded::to_string(&p) {
        Ok(s) if !s.is_empty() => format!("/cloudconnect?{s}"),
        _ => "/cloudconnect".to_owned(),
    }
}

/// The summary line's figures and words.
fn summary_json(s: &Summary) -> Value {
    json!({
        "clusters": s.clusters, "nodes": s.nodes, "newest": s.newest, "on_newest": s.on_newest,
        "upgrading": s.upgrading, "failed": s.failed, "offline": s.offline,
    })
}

impl HubService {
    /// `GET /cloudconnect`: one page of clusters as the query asks.
    pub(super) fn fleet_page(
        &self,
        hub: &Hub,
        q: &[(String, String)],
        now: Timestamp,
        notice: &str,
        ctx: &dyn Fn(Value) -> Value,
    ) -> Reply {
        let fq = match FleetQuery::parse(q, "q", false) {
            Ok(f) => f,
            Err(e) => {
                return self.pages.render(
                    StatusCode::BAD_REQUEST,
                    "message.html",
                    ctx(json!({"heading": "Not understood", "message": e.message,
                        "link": "/cloudconnect", "link_text": "Cloud Connect"})),
                )
            }
        };
        let (list, summary, versions) =
            match (hub.fleet(&fq, now), hub.summary(now), hub.fleet_versions()) {
                (Ok(l), Ok(s), Ok(v)) => (l, s, v),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return op_reply(&e),
            };
        let cards: Vec<Value> = list.clusters.iter().map(card).collect();
        let first = (list.page - 1) * list.per_page + 1;
        let states: Vec<Value> = CLUSTER_STATES
            .iter()
            .map(|s| json!({"value": s, "text": state_words(s)}))
            .collect();
        self.pages.render(
            StatusCode::OK,
            "clusters.html",
            ctx(json!({
                "clusters": cards,
                "search": fq.search.clone().unwrap_or_default(),
                "state": fq.state.unwrap_or(""),
                "version": fq.version.clone().unwrap_or_default(),
                "health": fq.health.map(|h| h.name()).unwrap_or(""),
                "sort": fq.sort.name(),
                "dir": if fq.descending { "desc" } else { "asc" },
                "filtered": fq.search.is_some() || fq.state.is_some() || fq.version.is_some() || fq.health.is_some(),
                "states": states,
                "versions": versions,
                "summary": summary_json(&summary),
                "paging": {
                    "page": list.page, "pages": list.pages, "total": list.total,
                    "first": first, "last": (first + list.clusters.len() as u64).saturating_sub(1),
                    "first_link": (list.page > 1).then(|| link(&fq, 1)),
                    "prev": (list.page > 1).then(|| link(&fq, list.page - 1)),
                    "next": (list.page < list.pages).then(|| link(&fq, list.page + 1)),
                    "last_link": (list.page < list.pages).then(|| link(&fq, list.pages)),
                },
                "notice": notice,
            })),
        )
    }
}

/// `GET /api/v1/clusters`: one page of clusters as the query asks, with the totals and the
/// fleet's summary.
pub(super) fn fleet_api(hub: &Hub, q: Option<&str>, now: Timestamp) -> Reply {
    let fq = match FleetQuery::parse(&query(q), "search", true) {
        Ok(f) => f,
        Err(e) => return op_reply(&e),
    };
    match (hub.fleet(&fq, now), hub.summary(now)) {
        (Ok(page), Ok(summary)) => json_reply(
            StatusCode::OK,
            json!({
                "total": page.total,
                "page": page.page,
                "per_page": page.per_page,
                "pages": page.pages,
                "sort": fq.sort.name(),
                "dir": if fq.descending { "desc" } else { "asc" },
                "summary": summary,
                "clusters": page.clusters,
            }),
        ),
        (Err(e), _) | (_, Err(e)) => op_reply(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_links_keep_the_other_parameters_and_leave_defaults_out() {
        let pairs: Vec<(String, String)> = [
            ("q", "a&b <x>"),
            ("state", "failed"),
            ("version", "2.0.0+b"),
            ("health", "offline"),
            ("sort", "last_poll"),
            ("dir", "desc"),
            ("page", "3"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let q = FleetQuery::parse(&pairs, "q", false).unwrap();
        assert_eq!(
            link(&q, 4),
            "/cloudconnect?q=a%26b+%3Cx%3E&state=failed&version=2.0.0%2Bb&health=offline&sort=last_poll&dir=desc&page=4"
        );
        assert_eq!(link(&FleetQuery::default(), 1), "/cloudconnect");
        assert_eq!(link(&FleetQuery::default(), 2), "/cloudconnect?page=2");
    }
}
