//! The fleet at scale (issue 28): the registered clusters as the list page and the people API
//! show them — one page at a time (50 on the page, up to 200 through the API), sorted and
//! filtered in SQL so that a hub with tens of thousands of nodes never loads them all to show
//! 50 — with a summary computed by aggregate SQL, and each node's health: online, or offline
//! after three missed polls of its interval.
//!
//! A node's interval is the one its poll states (`poll_interval`, seconds) when it does, else
//! [`DEFAULT_POLL_INTERVAL`], the default of `ccadmin serve --hub-poll-interval`. A cluster's
//! upgrade state is its nodes' worst for the newest release (as `/metrics` counts them), its
//! version for sorting the oldest one a node runs.

use jiff::Timestamp;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, ToSql};
use serde::Serialize;

use super::{storage, ClusterRow, ClusterView, Hub, NodeState};
use crate::ops::{Kind, OpError, OpResult};

/// Clusters on one list page.
pub const PAGE_SIZE: u64 = 50;
/// The most clusters one API answer holds (`per_page` above it is lowered to it).
pub const MAX_PER_PAGE: u64 = 200;
/// A node's poll interval when its polls do not state one: `ccadmin serve`'s default.
pub const DEFAULT_POLL_INTERVAL: u64 = 300;
/// The longest poll interval a node may state (`ccadmin serve --hub-poll-interval`'s bound).
pub const MAX_POLL_INTERVAL: u64 = 86_400;
/// Polls missed in a row before a node counts as offline.
pub const MISSED_POLLS: u64 = 3;
/// A cluster's upgrade state for the newest release, in the order `sort=state` uses: no node
/// polled yet, all nodes on it, some not yet offered it, one upgrading, one failed.
pub const CLUSTER_STATES: [&str; 5] = ["unpolled", "upgraded", "pending", "upgrading", "failed"];
/// The longest search or version filter (a display name or a version is at most 64).
const MAX_FILTER: usize = 64;
/// Versions offered as filter suggestions on the page.
const VERSION_SUGGESTIONS: usize = 30;

/// What a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    LastPoll,
    State,
    Version,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Name, Sort::LastPoll, Sort::State, Sort::Version];

    pub fn name(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::LastPoll => "last_poll",
            Sort::State => "state",
            Sort::Version => "version",
        }
    }
}

/// Which nodes' health a list is filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Polled, every node online.
    Online,
    /// At least one node offline.
    Offline,
}

impl Health {
    pub fn name(self) -> &'static str {
        match self {
            Health::Online => "online",
            Health::Offline => "offline",
        }
    }
}

/// One page of the fleet: filters, order and which page.
#[derive(Debug, Clone)]
pub struct FleetQuery {
    /// Part of the display name, any case.
    pub search: Option<String>,
    /// One of [`CLUSTER_STATES`].
    pub state: Option<&'static str>,
    /// Clusters with a node running exactly this version.
    pub version: Option<String>,
    pub health: Option<Health>,
    pub sort: Sort,
    pub descending: bool,
    /// From 1; past the last page is the last page.
    pub page: u64,
    pub per_page: u64,
}

impl Default for FleetQuery {
    fn default() -> Self {
        FleetQuery {
            search: None,
            state: None,
            version: None,
            health: None,
            sort: Sort::Name,
            descending: false,
            page: 1,
            per_page: PAGE_SIZE,
        }
    }
}

fn invalid(m: String) -> OpError {
    OpError::new(Kind::Invalid, m)
}

/// A value from a link, quoted for an error message (bounded, control characters escaped).
fn quoted(v: &str) -> String {
    let short: String = v.chars().take(40).collect();
    format!("'{}'", short.escape_debug())
}

fn filter_text(what: &str, v: &str) -> OpResult<Option<String>> {
    if v.chars().any(char::is_control) || v.trim().chars().count() > MAX_FILTER {
        return Err(invalid(format!(
            "{what} must be at most {MAX_FILTER} characters without control characters"
        )));
    }
    let v = v.trim();
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

impl FleetQuery {
    /// The query of a link: `search_key` (`q` on the page, `search` in the API), `state`,
    /// `version`, `health`, `sort`, `dir`, `page` and, when `per_page_allowed`, `per_page`
    /// (above [`MAX_PER_PAGE`] lowered to it). A value that means nothing is `Invalid`,
    /// never guessed at; an empty one is no filter.
    pub fn parse(
        pairs: &[(String, String)],
        search_key: &str,
        per_page_allowed: bool,
    ) -> OpResult<FleetQuery> {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let mut q = FleetQuery {
            search: filter_text("the search", get(search_key))?,
            version: filter_text("the version filter", get("version"))?,
            ..FleetQuery::default()
        };
        q.state = match get("state") {
            "" => None,
            s => Some(
                CLUSTER_STATES
                    .iter()
                    .copied()
                    .find(|c| *c == s)
                    .ok_or_else(|| {
                        invalid(format!(
                            "state must be one of {} (not {})",
                            CLUSTER_STATES.join(", "),
                            quoted(s)
                        ))
                    })?,
            ),
        };
        q.health = match get("health") {
            "" => None,
            "online" => Some(Health::Online),
            "offline" => Some(Health::Offline),
            h => {
                return Err(invalid(format!(
                    "health must be online or offline (not {})",
                    quoted(h)
                )))
            }
        };
        q.sort = match get("sort") {
            "" => Sort::Name,
            s => Sort::ALL
                .into_iter()
                .find(|x| x.name() == s)
                .ok_or_else(|| {
                    invalid(format!(
                        "sort must be one of name, last_poll, state, version (not {})",
                        quoted(s)
                    ))
                })?,
        };
        q.descending = match get("dir") {
            "" | "asc" => false,
            "desc" => true,
            d => {
                return Err(invalid(format!(
                    "dir must be asc or desc (not {})",
                    quoted(d)
                )))
            }
        };
        let whole = |k: &str, v: &str| {
            v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                invalid(format!(
                    "{k} must be a whole number from 1 (not {})",
                    quoted(v)
                ))
            })
        };
        q.page = match get("page") {
            "" => 1,
            p => whole("page", p)?,
        };
        if per_page_allowed {
            q.per_page = match get("per_page") {
                "" => PAGE_SIZE,
                p => whole("per_page", p)?.min(MAX_PER_PAGE),
            };
        }
        Ok(q)
    }

    /// Whether the list must know each cluster's state, version or health (an aggregate over
    /// its nodes) to be filtered or sorted; a list by name needs only the cluster table.
    fn needs_nodes(&self) -> bool {
        self.state.is_some()
            || self.health.is_some()
            || matches!(self.sort, Sort::State | Sort::Version)
    }
}

/// One page of the fleet.
#[derive(Debug, Clone, Serialize)]
pub struct FleetPage {
    /// Clusters that match the filters, on all pages.
    pub total: u64,
    /// The page given (the last one when the query asked past it).
    pub page: u64,
    pub per_page: u64,
    pub pages: u64,
    pub clusters: Vec<FleetCluster>,
}

/// A cluster on a list page: what `ClusterView` says, its state, health and nodes.
#[derive(Debug, Clone, Serialize)]
pub struct FleetCluster {
    #[serde(flatten)]
    pub cluster: ClusterView,
    /// One of [`CLUSTER_STATES`].
    pub state: &'static str,
    /// `never-polled`, `online`, `partly-offline` or `offline`.
    pub health: &'static str,
    pub nodes: Vec<NodeHealth>,
    /// The newest release's rollout, stopped by a node that failed it.
    pub rollout_stopped: Option<StoppedRollout>,
}

/// A node, where it stands in the newest release's rollout, and whether it polls.
#[derive(Debug, Clone, Serialize)]
pub struct NodeHealth {
    #[serde(flatten)]
    pub node: NodeState,
    pub online: bool,
    /// The interval (seconds) its health is judged against.
    pub poll_interval: u64,
    /// Whether its polls state that interval (else it is [`DEFAULT_POLL_INTERVAL`]).
    pub poll_interval_reported: bool,
    /// When it counts as offline if it does not poll again (UTC).
    pub offline_after: Option<String>,
}

/// Where a release's rollout stopped: the node that failed it, when and why.
#[derive(Debug, Clone, Serialize)]
pub struct StoppedRollout {
    pub version: String,
    pub node: String,
    pub at: String,
    pub detail: String,
}

/// The whole fleet in figures (aggregate SQL, whatever the filters).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub clusters: u64,
    pub nodes: u64,
    /// The newest release not withdrawn, if any.
    pub newest: Option<String>,
    /// Nodes running the newest release (or a newer one, which is not offered anything).
    pub on_newest: u64,
    /// Nodes upgrading to it, and nodes it failed on.
    pub upgrading: u64,
    pub failed: u64,
    /// Nodes that missed three polls.
    pub offline: u64,
}

/// A version as a text that sorts as `version_cmp` orders versions: each part (split at what
/// is not a letter or digit) as its number, 20 digits, then its text and `\u{1}`.
pub(crate) fn version_key(v: &str) -> String {
    let mut key = String::new();
    for p in v.split(|c: char| !c.is_ascii_alphanumeric()) {
        key.push_str(&format!("{:020}{p}\u{1}", p.parse::<u64>().unwrap_or(0)));
    }
    key
}

/// The SQL functions the fleet's queries use: `hub_lower` (Unicode lower case, as names are
/// compared) and `version_key`.
pub(super) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("hub_lower", 1, flags, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.map(|s| s.to_lowercase()))
    })?;
    conn.create_scalar_function("version_key", 1, flags, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.map(|s| version_key(&s)))
    })
}

/// Each node's state for the newest release (`:newest`; a node that runs it or a newer one,
/// which polls are not offered, is `upgraded`, and so is every node while no release is
/// published: `fleet_version.current`), its version's place in version order, and whether it
/// is offline at `:now` (seconds): its last poll more than three intervals ago.
const NODE_STATE: &str = "
    ns AS (
      SELECT n.cluster_id AS cid, n.node, n.version, fv.ord,
        CASE WHEN r.state IS NOT NULL THEN r.state
             WHEN fv.current THEN 'upgraded' ELSE 'pending' END AS state,
        (unixepoch(n.last_poll) + :missed * COALESCE(n.poll_interval, :interval) < :now) AS offline
      FROM cluster_node n
      LEFT JOIN temp.fleet_version fv ON fv.version = n.version
      LEFT JOIN rollout r
        ON r.cluster_id = n.cluster_id AND r.node = n.node AND r.version = :newest
    )";

/// The clusters with what their nodes add up to (`rank`: the index of the state in
/// `CLUSTER_STATES`, `vkey`: the oldest version's place in version order).
const WITH_NODES: &str = "
    cs AS (
      SELECT c.id, c.display_name, c.fqdn, c.registered_at, c.last_poll, c.schedule,
        CASE WHEN COUNT(ns.node) = 0 THEN 0
             WHEN SUM(ns.state = 'failed') > 0 THEN 4
             WHEN SUM(ns.state = 'upgrading') > 0 THEN 3
             WHEN SUM(ns.state = 'pending') > 0 THEN 2 ELSE 1 END AS rank,
        MIN(ns.ord) AS vkey,
        COUNT(ns.node) AS nodes,
        COALESCE(SUM(ns.offline), 0) AS offline
      FROM cluster c LEFT JOIN ns ON ns.cid = c.id
      GROUP BY c.id
    )";

/// The clusters alone (a list by name: the display name's index serves it).
const CLUSTERS_ONLY: &str = "
    cs AS (SELECT id, display_name, fqdn, registered_at, last_poll, schedule FROM cluster)";

impl Hub {
    /// The newest release's version ('' when none) and the bindings the node queries share;
    /// `temp.fleet_version` filled (see [`Hub::order_versions`]).
    fn node_bindings(&self, now: Timestamp) -> OpResult<(String, Vec<(&'static str, Sql)>)> {
        let newest = self.newest()?.map(|(r, _)| r.version).unwrap_or_default();
        self.order_versions(&newest)?;
        let binds = vec![
            (":newest", Sql::Text(newest.clone())),
            (":now", Sql::Integer(now.as_second())),
            (":missed", Sql::Integer(MISSED_POLLS as i64)),
            (":interval", Sql::Integer(DEFAULT_POLL_INTERVAL as i64)),
        ];
        Ok((newest, binds))
    }

    /// The versions the nodes run, put in version order once per query in a table of this
    /// connection's own (`temp.fleet_version`: the version, its place, whether it is the
    /// newest release or newer), so that SQL compares versions by an indexed join rather
    /// than by calling Rust for each of tens of thousands of nodes. A handful of rows
    /// usually (one per version in the fleet); nothing is written to the hub's database.
    fn order_versions(&self, newest: &str) -> OpResult {
        let mut versions: Vec<String> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT DISTINCT version FROM cluster_node")
                .map_err(storage)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)?
        };
        versions.sort_by(|a, b| crate::ops::orchestrate::version_cmp(a, b));
        let tx = self.conn.unchecked_transaction().map_err(storage)?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS fleet_version (
               version TEXT PRIMARY KEY, ord INTEGER NOT NULL, current INTEGER NOT NULL);
             DELETE FROM temp.fleet_version;",
        )
        .map_err(storage)?;
        {
            let mut st = tx
                .prepare_cached("INSERT INTO temp.fleet_version VALUES (?1, ?2, ?3)")
                .map_err(storage)?;
            for (i, v) in versions.iter().enumerate() {
                let current = newest.is_empty()
                    || crate::ops::orchestrate::version_cmp(v, newest) != std::cmp::Ordering::Less;
                st.execute(rusqlite::params![v, i as i64, current])
                    .map_err(storage)?;
            }
        }
        tx.commit().map_err(storage)
    }

    /// One page of the clusters that match `q`, in its order; only that page is read.
    pub fn fleet(&self, q: &FleetQuery, now: Timestamp) -> OpResult<FleetPage> {
        let (newest, node_binds) = self.node_bindings(now)?;
        let mut binds: Vec<(&'static str, Sql)> = Vec::new();
        let with = if q.needs_nodes() {
            binds.extend(node_binds.iter().cloned());
            format!("WITH {NODE_STATE}, {WITH_NODES}")
        } else {
            format!("WITH {CLUSTERS_ONLY}")
        };
        let mut wheres: Vec<&str> = Vec::new();
        if let Some(s) = &q.search {
            wheres.push("instr(hub_lower(display_name), :search) > 0");
            binds.push((":search", Sql::Text(s.to_lowercase())));
        }
        if let Some(v) = &q.version {
            wheres.push("id IN (SELECT cluster_id FROM cluster_node WHERE version = :version)");
            binds.push((":version", Sql::Text(v.clone())));
        }
        if let Some(s) = q.state {
            wheres.push("rank = :rank");
            let rank = CLUSTER_STATES.iter().position(|c| *c == s).unwrap_or(0);
            binds.push((":rank", Sql::Integer(rank as i64)));
        }
        match q.health {
            Some(Health::Offline) => wheres.push("offline > 0"),
            Some(Health::Online) => wheres.push("nodes > 0 AND offline = 0"),
            None => {}
        }
        let filter = if wheres.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wheres.join(" AND "))
        };
        let total: u64 = {
            let sql = format!("{with} SELECT COUNT(*) FROM cs {filter}");
            let refs: Vec<(&str, &dyn ToSql)> =
                binds.iter().map(|(k, v)| (*k, v as &dyn ToSql)).collect();
            self.conn
                .query_row(&sql, &*refs, |r| r.get::<_, i64>(0))
                .map_err(storage)? as u64
        };
        let per_page = q.per_page.clamp(1, MAX_PER_PAGE);
        let pages = total.div_ceil(per_page).max(1);
        let page = q.page.clamp(1, pages);
        let dir = if q.descending { "DESC" } else { "ASC" };
        let order = match q.sort {
            Sort::Name => format!("display_name COLLATE NOCASE {dir}, id {dir}"),
            Sort::LastPoll => format!(
                "last_poll IS NULL, unixepoch(last_poll) {dir}, display_name COLLATE NOCASE, id"
            ),
            Sort::State => format!("rank {dir}, display_name COLLATE NOCASE, id"),
            Sort::Version => format!("vkey IS NULL, vkey {dir}, display_name COLLATE NOCASE, id"),
        };
        binds.push((":limit", Sql::Integer(per_page as i64)));
        binds.push((":offset", Sql::Integer(((page - 1) * per_page) as i64)));
        let sql = format!(
            "{with} SELECT id, display_name, fqdn, registered_at, last_poll, schedule FROM cs
             {filter} ORDER BY {order} LIMIT :limit OFFSET :offset"
        );
        let refs: Vec<(&str, &dyn ToSql)> =
            binds.iter().map(|(k, v)| (*k, v as &dyn ToSql)).collect();
        let rows: Vec<(i64, ClusterRow)> = {
            let mut st = self.conn.prepare(&sql).map_err(storage)?;
            let rows = st
                .query_map(&*refs, |r| {
                    Ok((
                        r.get(0)?,
                        ClusterRow {
                            display_name: r.get(1)?,
                            fqdn: r.get(2)?,
                            registered_at: r.get(3)?,
                            last_poll: r.get(4)?,
                            schedule: r.get(5)?,
                        },
                    ))
                })
                .map_err(storage)?;
            rows.collect::<Result<_, _>>().map_err(storage)?
        };
        let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
        let mut nodes = self.page_nodes(&ids, &node_binds)?;
        let mut clusters = Vec::with_capacity(rows.len());
        for (id, row) in rows {
            let cluster = super::schedules::view(row, now)?;
            let nodes = nodes.remove(&id).unwrap_or_default();
            clusters.push(fleet_cluster(cluster, nodes, &newest));
        }
        Ok(FleetPage {
            total,
            page,
            per_page,
            pages,
            clusters,
        })
    }

    /// The nodes of the clusters `ids` (one query), by cluster.
    fn page_nodes(
        &self,
        ids: &[i64],
        node_binds: &[(&'static str, Sql)],
    ) -> OpResult<std::collections::HashMap<i64, Vec<(NodeHealth, String)>>> {
        let mut out: std::collections::HashMap<i64, Vec<(NodeHealth, String)>> = Default::default();
        if ids.is_empty() {
            return Ok(out);
        }
        let ids_json = serde_json::to_string(ids).map_err(storage)?;
        let mut binds: Vec<(&str, &dyn ToSql)> = node_binds
            .iter()
            .map(|(k, v)| (*k, v as &dyn ToSql))
            .collect();
        binds.push((":ids", &ids_json));
        let mut st = self
            .conn
            .prepare(
                "SELECT n.cluster_id, n.node, n.version, n.last_poll,
                   CASE WHEN r.state IS NOT NULL THEN r.state
                        WHEN fv.current THEN 'upgraded' ELSE 'pending' END,
                   COALESCE(r.detail, ''), COALESCE(r.updated_at, ''),
                   COALESCE(n.poll_interval, :interval), n.poll_interval IS NOT NULL,
                   unixepoch(n.last_poll) + :missed * COALESCE(n.poll_interval, :interval),
                   unixepoch(n.last_poll) + :missed * COALESCE(n.poll_interval, :interval) < :now
                 FROM cluster_node n
                 LEFT JOIN temp.fleet_version fv ON fv.version = n.version
                 LEFT JOIN rollout r
                   ON r.cluster_id = n.cluster_id AND r.node = n.node AND r.version = :newest
                 WHERE n.cluster_id IN (SELECT value FROM json_each(:ids))
                 ORDER BY n.cluster_id, n.node",
            )
            .map_err(storage)?;
        let rows = st
            .query_map(&*binds, |r| {
                let offline_after: Option<i64> = r.get(9)?;
                let offline: Option<bool> = r.get(10)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    NodeHealth {
                        node: NodeState {
                            node: r.get(1)?,
                            version: r.get(2)?,
                            last_poll: r.get(3)?,
                            state: r.get(4)?,
                            detail: r.get(5)?,
                        },
                        // A last poll that cannot be read (never written so) counts as offline.
                        online: offline == Some(false),
                        poll_interval: r.get::<_, i64>(7)? as u64,
                        poll_interval_reported: r.get(8)?,
                        offline_after: offline_after
                            .and_then(|s| Timestamp::from_second(s).ok())
                            .map(|t| t.to_string()),
                    },
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(storage)?;
        for row in rows {
            let (id, node, updated_at) = row.map_err(storage)?;
            out.entry(id).or_default().push((node, updated_at));
        }
        Ok(out)
    }

    /// The fleet in figures: clusters, nodes, nodes on the newest release, upgrading to it,
    /// failed on it, offline (aggregate SQL over every registered cluster's nodes).
    pub fn summary(&self, now: Timestamp) -> OpResult<Summary> {
        let (newest, binds) = self.node_bindings(now)?;
        let refs: Vec<(&str, &dyn ToSql)> =
            binds.iter().map(|(k, v)| (*k, v as &dyn ToSql)).collect();
        let sql = format!(
            "WITH {NODE_STATE}
             SELECT (SELECT COUNT(*) FROM cluster), COUNT(ns.node),
               COALESCE(SUM(ns.state = 'upgraded'), 0),
               COALESCE(SUM(ns.state = 'upgrading'), 0),
               COALESCE(SUM(ns.state = 'failed'), 0),
               COALESCE(SUM(ns.offline), 0)
             FROM ns JOIN cluster c ON c.id = ns.cid"
        );
        let n = |v: i64| v.max(0) as u64;
        self.conn
            .query_row(&sql, &*refs, |r| {
                Ok(Summary {
                    clusters: n(r.get(0)?),
                    nodes: n(r.get(1)?),
                    newest: (!newest.is_empty()).then(|| newest.clone()),
                    on_newest: n(r.get(2)?),
                    upgrading: n(r.get(3)?),
                    failed: n(r.get(4)?),
                    offline: n(r.get(5)?),
                })
            })
            .map_err(storage)
    }

    /// The versions the registered clusters' nodes run, newest first (at most 30: suggestions
    /// for the version filter).
    pub fn fleet_versions(&self) -> OpResult<Vec<String>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT version FROM cluster_node
                 WHERE cluster_id IN (SELECT id FROM cluster)
                 GROUP BY version ORDER BY version_key(version) DESC LIMIT ?1",
            )
            .map_err(storage)?;
        let rows = st
            .query_map([VERSION_SUGGESTIONS as i64], |r| r.get(0))
            .map_err(storage)?;
        rows.collect::<Result<_, _>>().map_err(storage)
    }
}

/// A cluster's state, health and stopped rollout, from its nodes (the same rules as the
/// SQL that filters and sorts by them).
fn fleet_cluster(
    cluster: ClusterView,
    nodes: Vec<(NodeHealth, String)>,
    newest: &str,
) -> FleetCluster {
    let rank = |s: &str| CLUSTER_STATES.iter().position(|c| *c == s).unwrap_or(2);
    let state = if nodes.is_empty() {
        CLUSTER_STATES[0]
    } else {
        CLUSTER_STATES[nodes
            .iter()
            .map(|(n, _)| rank(&n.node.state).max(1))
            .max()
            .unwrap_or(1)]
    };
    let offline = nodes.iter().filter(|(n, _)| !n.online).count();
    let health = match (nodes.len(), offline) {
        (0, _) => "never-polled",
        (_, 0) => "online",
        (all, off) if off == all => "offline",
        _ => "partly-offline",
    };
    let rollout_stopped = nodes
        .iter()
        .find(|(n, _)| n.node.state == "failed")
        .map(|(n, at)| StoppedRollout {
            version: newest.to_owned(),
            node: n.node.node.clone(),
            at: at.clone(),
            detail: n.node.detail.clone(),
        });
    FleetCluster {
        cluster,
        state,
        health,
        nodes: nodes.into_iter().map(|(n, _)| n).collect(),
        rollout_stopped,
    }
}

#[cfg(test)]
mod tests;
