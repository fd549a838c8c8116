//! The fleet list on many clusters written straight into the hub's SQLite: paging, sorting,
//! filtering, the summary, node health and hostile queries.

use super::*;
use crate::hub::Offer;
use crate::ops::upgrade_window::UpgradeSchedule;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn names(p: &FleetPage) -> Vec<String> {
    p.clusters
        .iter()
        .map(|c| c.cluster.display_name.clone())
        .collect()
}

/// `n` clusters `c00000`… with two nodes each (`a`, `b`) on `version(i)`, polled at `polled`
/// minus `i` seconds, inserted in one transaction; the newest release is `newest`.
fn fleet(
    hub: &mut Hub,
    n: usize,
    version: impl Fn(usize) -> String,
    polled: Timestamp,
    newest: &str,
) {
    let schedule = serde_json::to_string(&UpgradeSchedule::default_in("UTC")).unwrap();
    let tx = hub.conn.transaction().unwrap();
    tx.execute(
        "INSERT INTO release (version, notes, urgent, sha256, size, signature, added_at)
         VALUES (?1, '', 0, '', 0, '', ?2)",
        rusqlite::params![newest, polled.to_string()],
    )
    .unwrap();
    for i in 0..n {
        let last = (polled - jiff::SignedDuration::from_secs(i as i64)).to_string();
        tx.execute(
            "INSERT INTO cluster (display_name, fqdn, token_sha256, node_cert_sha256, registered_at, schedule, last_poll)
             VALUES (?1, 'cc.example.com:8445', ?2, '', ?3, ?4, ?5)",
            rusqlite::params![format!("c{i:05}"), format!("t{i}"), polled.to_string(), schedule, last],
        )
        .unwrap();
        let id = tx.last_insert_rowid();
        for node in ["a", "b"] {
            tx.execute(
                "INSERT INTO cluster_node (cluster_id, node, version, last_poll) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![id, node, version(i), last],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

#[test]
fn a_page_holds_50_sorted_and_past_the_last_page_is_the_last_page() {
    let d = tempfile::tempdir().unwrap();
    let mut hub = Hub::open(d.path()).unwrap();
    let now = at("2026-12-03T12:00:00Z");
    fleet(&mut hub, 120, |_| "2.0.0".into(), now, "2.0.0");
    let q = |p: &[(&str, &str)]| FleetQuery::parse(&pairs(p), "q", false).unwrap();
    let first = hub.fleet(&q(&[]), now).unwrap();
    assert_eq!((first.total, first.page, first.pages), (120, 1, 3));
    assert_eq!(first.clusters.len(), 50);
    assert_eq!(names(&first)[0], "c00000");
    let last = hub.fleet(&q(&[("page", "3")]), now).unwrap();
    assert_eq!(last.clusters.len(), 20);
    assert_eq!(names(&last)[19], "c00119");
    let far = hub.fleet(&q(&[("page", "99999999999")]), now).unwrap();
    assert_eq!((far.page, names(&far)), (3, names(&last)));
    let desc = hub.fleet(&q(&[("dir", "desc")]), now).unwrap();
    assert_eq!(names(&desc)[0], "c00119");
    // Last poll: c00000 polled last (i seconds before `now`), so oldest first is c00119.
    let polls = hub.fleet(&q(&[("sort", "last_poll")]), now).unwrap();
    assert_eq!(names(&polls)[0], "c00119");
    // The API's per_page is bounded: 100000 is 200.
    let api = FleetQuery::parse(&pairs(&[("per_page", "100000")]), "search", true).unwrap();
    let all = hub.fleet(&api, now).unwrap();
    assert_eq!((all.per_page, all.clusters.len(), all.pages), (200, 120, 1));
    // Search matches the display name in any case, as the list by name does.
    let found = hub.fleet(&q(&[("q", "C0011")]), now).unwrap();
    assert_eq!(found.total, 10);
}

#[test]
fn state_version_and_health_filter_and_sort_in_sql() {
    let d = tempfile::tempdir().unwrap();
    let mut hub = Hub::open(d.path()).unwrap();
    let now = at("2026-12-03T12:00:00Z");
    // 9.0.0 (i % 3 == 0), 10.0.0 (newest), 2.0.0-rc1.
    let version = |i: usize| match i % 3 {
        0 => "9.0.0".to_owned(),
        1 => "10.0.0".to_owned(),
        _ => "2.0.0-rc1".to_owned(),
    };
    fleet(&mut hub, 30, version, now, "10.0.0");
    let (c3, c4) = {
        let id = |n: &str| hub.get(n).unwrap().0;
        (id("c00003"), id("c00004"))
    };
    // c00003 failed on node b; c00004's node a is upgrading; c00005's nodes went quiet.
    hub.conn
        .execute_batch(&format!(
            "INSERT INTO rollout VALUES ({c3}, '10.0.0', 'b', 'failed', '2026-12-03T03:10:00Z', 'health check failed, kept 9.0.0');
             INSERT INTO rollout VALUES ({c4}, '10.0.0', 'a', 'upgrading', '2026-12-03T03:10:00Z', '');
             UPDATE cluster_node SET last_poll = '2026-12-03T11:44:59Z'
               WHERE cluster_id = (SELECT id FROM cluster WHERE display_name = 'c00005');"
        ))
        .unwrap();
    let q = |p: &[(&str, &str)]| {
        let q = FleetQuery::parse(&pairs(p), "q", false).unwrap();
        hub.fleet(&q, now).unwrap()
    };
    let failed = q(&[("state", "failed")]);
    assert_eq!(names(&failed), ["c00003"]);
    let stopped = failed.clusters[0].rollout_stopped.as_ref().unwrap();
    assert_eq!(
        (stopped.node.as_str(), stopped.version.as_str()),
        ("b", "10.0.0")
    );
    assert!(stopped.detail.contains("kept 9.0.0"));
    // c00004 counts as upgrading although node a runs the newest already.
    assert_eq!(names(&q(&[("state", "upgrading")])), ["c00004"]);
    assert_eq!(q(&[("state", "upgraded")]).total, 9);
    assert_eq!(q(&[("version", "2.0.0-rc1")]).total, 10);
    assert_eq!(q(&[("version", "2.0.0")]).total, 0, "exact versions only");
    // Three missed polls of the default 300 s: 15 minutes and a second ago is offline.
    let offline = q(&[("health", "offline")]);
    assert_eq!(names(&offline), ["c00005"]);
    assert_eq!(offline.clusters[0].health, "offline");
    assert!(offline.clusters[0].nodes.iter().all(|n| !n.online));
    assert_eq!(q(&[("health", "online")]).total, 29);
    // Versions in version order (10 after 9, a pre-release's text after its number).
    let by_version = q(&[("sort", "version"), ("dir", "desc")]);
    assert_eq!(by_version.clusters[0].nodes[0].node.version, "10.0.0");
    let by_version = q(&[("sort", "version")]);
    assert_eq!(by_version.clusters[0].nodes[0].node.version, "2.0.0-rc1");
    // By state, worst last (ascending) or first.
    let by_state = q(&[("sort", "state"), ("dir", "desc")]);
    assert_eq!(
        names(&by_state)[..2],
        ["c00003".to_owned(), "c00004".to_owned()]
    );
    // Filters combine with search and paging.
    let combined = q(&[("q", "c0001"), ("version", "9.0.0"), ("state", "pending")]);
    assert_eq!(names(&combined), ["c00012", "c00015", "c00018"]);
    // The summary, over the whole fleet.
    let s = hub.summary(now).unwrap();
    assert_eq!((s.clusters, s.nodes), (30, 60));
    assert_eq!(s.newest.as_deref(), Some("10.0.0"));
    // 10 clusters on 10.0.0 (20 nodes), c00003's b failed and c00004's a upgrading.
    assert_eq!(
        (s.on_newest, s.upgrading, s.failed, s.offline),
        (19, 1, 1, 2)
    );
}

#[test]
fn a_node_is_offline_after_three_missed_polls_of_the_interval_it_states() {
    let d = tempfile::tempdir().unwrap();
    let mut hub = Hub::open(d.path()).unwrap();
    let id = hub.id().unwrap();
    let t = at("2026-12-03T12:00:00Z");
    let (code, _) = hub.begin_registration("Lab", "cc1", t).unwrap();
    let token = hub
        .complete_registration(&id, &code, "cc1", &"ab".repeat(32), t)
        .unwrap()
        .token;
    assert_eq!(
        hub.fleet(&FleetQuery::default(), t).unwrap().clusters[0].health,
        "never-polled"
    );
    assert_eq!(
        hub.poll_every(&token, "cc1", "1.0.0", Some(60), t).unwrap(),
        Offer::UpToDate
    );
    hub.poll(&token, "cc2", "1.0.0", t).unwrap();
    for bad in [0, 86_401] {
        assert_eq!(
            hub.poll_every(&token, "cc1", "1.0.0", Some(bad), t)
                .unwrap_err()
                .kind,
            Kind::Invalid
        );
    }
    let nodes = |now: Timestamp| {
        let p = hub.fleet(&FleetQuery::default(), now).unwrap();
        let c = &p.clusters[0];
        let n: Vec<(u64, bool, bool)> = c
            .nodes
            .iter()
            .map(|n| (n.poll_interval, n.poll_interval_reported, n.online))
            .collect();
        (c.health, n)
    };
    // Exactly three intervals after the poll: still online.
    let three = t + jiff::SignedDuration::from_secs(180);
    assert_eq!(
        nodes(three),
        ("online", vec![(60, true, true), (300, false, true)])
    );
    let later = three + jiff::SignedDuration::from_secs(1);
    assert_eq!(
        nodes(later),
        (
            "partly-offline",
            vec![(60, true, false), (300, false, true)]
        )
    );
    assert_eq!(hub.summary(later).unwrap().offline, 1);
    let much_later = t + jiff::SignedDuration::from_secs(901);
    assert_eq!(nodes(much_later).0, "offline");
    // Unregistered, its nodes go too (they counted in no summary, and now they are gone).
    hub.unregister("Lab").unwrap();
    let left: i64 = hub
        .conn
        .query_row("SELECT COUNT(*) FROM cluster_node", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(hub.summary(much_later).unwrap().nodes, 0);
}

#[test]
fn hostile_queries_are_refused_with_why_or_clamped() {
    let parse = |q: &[(&str, &str)]| FleetQuery::parse(&pairs(q), "q", true);
    for (k, v, why) in [
        ("page", "-1", "page must be a whole number from 1"),
        ("page", "0", "page must be a whole number from 1"),
        (
            "page",
            "99999999999999999999999",
            "page must be a whole number",
        ),
        ("page", "1e3", "page must be"),
        ("per_page", "0", "per_page must be"),
        ("sort", "';drop table cluster;--", "sort must be one of"),
        ("dir", "sideways", "dir must be asc or desc"),
        ("state", "failed\u{0}", "state must be one of"),
        ("health", "dead", "health must be online or offline"),
        ("q", "a\u{7}b", "control characters"),
        ("version", "1.0\r\n", "control characters"),
    ] {
        let e = parse(&[(k, v)]).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid, "{k}={v:?}");
        assert!(e.message.contains(why), "{k}={v:?}: {}", e.message);
        assert!(!e.message.chars().any(char::is_control), "{}", e.message);
    }
    let long = "x".repeat(65);
    assert!(parse(&[("q", &long)]).is_err());
    let q = parse(&[("page", "99999999999"), ("per_page", "100000")]).unwrap();
    assert_eq!((q.page, q.per_page), (99_999_999_999, MAX_PER_PAGE));
    // The page is not the API: per_page is ignored there.
    let page = FleetQuery::parse(&pairs(&[("per_page", "7")]), "q", false).unwrap();
    assert_eq!(page.per_page, PAGE_SIZE);
    // The largest page number a u64 holds is the last page, never an overflow.
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::open(d.path()).unwrap();
    let q = parse(&[("page", &u64::MAX.to_string())]).unwrap();
    let p = hub.fleet(&q, at("2026-12-03T12:00:00Z")).unwrap();
    assert_eq!((p.total, p.page, p.pages), (0, 1, 1));
}

#[test]
fn the_version_key_orders_as_the_hub_compares_versions() {
    let mut vs = vec![
        "10.0.0",
        "9.0.0",
        "2.0.0-rc1",
        "2.0.0",
        "2.0",
        "2.0.0.1",
        "1.10.0",
        "1.9.9",
        "a",
        "",
        "2.0.0+b2",
    ];
    let mut by_key = vs.clone();
    vs.sort_by(|a, b| crate::ops::orchestrate::version_cmp(a, b));
    by_key.sort_by_key(|v| version_key(v));
    assert_eq!(vs, by_key);
}

/// At 10,000 clusters and 20,000 nodes every order and filter answers one page (the times
/// are printed by the integration test `hub_fleet`, against a running hub).
#[test]
fn ten_thousand_clusters_are_paged_without_reading_them_all() {
    let d = tempfile::tempdir().unwrap();
    let mut hub = Hub::open(d.path()).unwrap();
    let now = at("2026-12-03T12:00:00Z");
    fleet(&mut hub, 10_000, |i| format!("2.{}.0", i % 7), now, "2.6.0");
    for (q, total, first) in [
        (vec![], 10_000, "c00000"),
        (vec![("sort", "state"), ("dir", "desc")], 10_000, "c00000"),
        (vec![("sort", "version")], 10_000, "c00000"),
        (vec![("sort", "version"), ("dir", "desc")], 10_000, "c00006"),
        (vec![("sort", "last_poll")], 10_000, "c09999"),
        (vec![("state", "upgraded")], 1_428, "c00006"),
        (vec![("version", "2.3.0"), ("page", "29")], 1_429, "c09803"),
    ] {
        let fq = FleetQuery::parse(&pairs(&q), "q", false).unwrap();
        let p = hub.fleet(&fq, now).unwrap();
        assert_eq!(p.total, total, "{q:?}");
        assert!(p.clusters.len() <= 50);
        assert_eq!(p.clusters[0].cluster.display_name, first, "{q:?}");
    }
    let s = hub.summary(now).unwrap();
    assert_eq!((s.clusters, s.nodes, s.on_newest), (10_000, 20_000, 2_856));
    assert_eq!(hub.fleet_versions().unwrap()[0], "2.6.0");
}
