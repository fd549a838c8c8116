//! The fleet list in a real browser (issue 28), at 1280 and 390 px wide: the summary line,
//! paging with Next, a filter from the form, a stopped rollout and an offline node said in
//! words; no horizontal scroll at either width. A failure leaves a screenshot in
//! `target/test-screenshots/hub-fleet-failed.png`; each width's list is saved beside it.

use crate::hub_rollout::{Hub, HUB_ACCOUNT, HUB_PASSWORD};
use crate::webdriver::Browser;

/// Whether the page is no wider than the window (no horizontal scroll).
fn fits(b: &Browser) -> bool {
    b.script("return document.documentElement.scrollWidth <= window.innerWidth")
        .as_bool()
        .unwrap_or(false)
}

#[test]
fn the_fleet_list_pages_filters_and_shows_an_offline_node_at_1280_and_390_px() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), super::NOW);
    super::seed(&hub.dir, 120);
    let b = Browser::start("hub-fleet");
    b.goto(&hub.url("/cloudconnect"));
    b.wait_for_url(&hub.url("/login"));
    b.fill("#name", HUB_ACCOUNT);
    b.fill("#password", HUB_PASSWORD);
    b.click("#sign-in");
    b.wait_for_url(&hub.url("/cloudconnect"));
    for width in [1280u32, 390] {
        b.resize(width, 900);
        b.goto(&hub.url("/cloudconnect"));
        assert_eq!(
            b.script("return window.innerWidth").as_u64(),
            Some(width as u64)
        );
        let summary = b.text("#summary");
        assert!(
            summary.contains("120 clusters")
                && summary.contains("240 nodes")
                && summary.contains("80 on the newest release (3.0.0)")
                && summary.contains("1 failed")
                && summary.contains("1 offline"),
            "{summary}"
        );
        assert_eq!(b.text("#page"), "Page 1 of 3");
        assert!(fits(&b), "the list scrolls sideways at {width} px");
        b.screenshot(&format!("hub-fleet-{width}"));

        // Paging: Next, then Last keeps going; Previous comes back.
        b.click("#next");
        b.wait_for_url(&hub.url("/cloudconnect?page=2"));
        assert_eq!(b.text("#page"), "Page 2 of 3");
        assert!(b.has(".cluster[data-name='fleet-00050']"));
        assert!(!b.has(".cluster[data-name='fleet-00049']"));
        b.click("#last");
        b.wait_for_url(&hub.url("/cloudconnect?page=3"));
        assert_eq!(b.text("#showing"), "Showing 101–120 of 120");
        b.click("#prev");
        b.wait_for_url(&hub.url("/cloudconnect?page=2"));

        // A filter from the form: the failed cluster alone, where its rollout stopped.
        b.click("#state option[value='failed']");
        b.click("#search-button");
        b.wait_for_url(&hub.url("/cloudconnect?q=&state=failed"));
        assert!(b.has(".cluster[data-name='fleet-00007']"));
        assert!(!b.has(".cluster[data-name='fleet-00008']"));
        assert_eq!(
            b.text(".cluster[data-name='fleet-00007'] .badge.state"),
            "Upgrade failed"
        );
        let stopped = b.text(".cluster[data-name='fleet-00007'] .stopped");
        // The summary's count is the way there in one click from the first page.
        b.goto(&hub.url("/cloudconnect"));
        b.click("#sum-failed a");
        b.wait_for_url(&hub.url("/cloudconnect?state=failed"));
        assert!(b.has(".cluster[data-name='fleet-00007']"));
        assert!(!b.has(".cluster[data-name='fleet-00008']"));
        assert!(
            stopped.contains("Rollout of 3.0.0 stopped: it failed on fleet-00007-b")
                && stopped.contains("health check failed"),
            "{stopped}"
        );
        assert!(fits(&b), "the filtered list scrolls sideways at {width} px");

        // The offline node, in words (and a class for its colour).
        b.click("#state option[value='']");
        b.click("#health option[value='offline']");
        b.click("#search-button");
        b.wait_for_url(&hub.url("/cloudconnect?q=&state=&version=&health=offline"));
        let card = ".cluster[data-name='fleet-00011']";
        assert_eq!(
            b.text(&format!("{card} .badge.health")),
            "Partly offline (1 of 2 nodes)"
        );
        assert_eq!(b.text(&format!("{card} .nodes .h-offline")), "Offline");
        assert_eq!(b.text(&format!("{card} .nodes .h-online")), "Online");
        assert!(!b.has(".cluster[data-name='fleet-00007']"));
        assert!(fits(&b), "the offline list scrolls sideways at {width} px");
        b.screenshot(&format!("hub-fleet-offline-{width}"));
    }
}

/// The rollout history (issue 28) in a real browser at 1280 and 390 px: reached from the
/// cluster's card, 50 attempts a page (Next), each result in words on a badge, times on the
/// cluster's clock with UTC in the title, a hostile reason shown as text; no script, no
/// horizontal scroll. Each width's page is saved in `target/test-screenshots/`.
#[test]
fn a_clusters_rollout_history_pages_from_its_card_at_1280_and_390_px() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), super::NOW);
    super::seed(&hub.dir, 20);
    // fleet-00010 keeps its time in Europe/Berlin: 60 attempts, the newest in progress, the
    // one before it failed with a reason a terminal or a page would act on.
    {
        let db = rusqlite::Connection::open(hub.dir.join("hub.db")).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(30)).unwrap();
        let id: i64 = db
            .query_row(
                "SELECT id FROM cluster WHERE display_name = 'fleet-00010'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let hostile = format!(
            "health check failed, kept 2.0.0+build.7: \\u{{1b}}[2J<script>alert(1)</script>{}",
            "y".repeat(900)
        );
        for i in 0..60i64 {
            let start = format!("2026-10-{:02}T03:{:02}:00Z", 1 + i / 2, 10 + i % 2 * 30);
            let (end, result, why) = match i {
                59 => (None, None, String::new()),
                58 => (Some(start.clone()), Some("switched-back"), hostile.clone()),
                _ if i % 3 == 0 => (Some(start.clone()), Some("cancelled"), "cancelled by the administrator (utils system upgrade cancel) while downloading; kept 2.0.0+build.7".to_owned()),
                _ => (Some(start.clone()), Some("upgraded"), String::new()),
            };
            db.execute(
                "INSERT INTO rollout_attempt (cluster_id, node, version, from_version, started_at, ended_at, result, why)
                 VALUES (?1, ?2, '3.0.0', '2.0.0+build.7', ?3, ?4, ?5, ?6)",
                rusqlite::params![id, format!("fleet-00010-{}", if i % 2 == 0 { "a" } else { "b" }), start, end, result, why],
            )
            .unwrap();
        }
    }
    let b = Browser::start("hub-history");
    b.goto(&hub.url("/cloudconnect?q=fleet-00010"));
    b.wait_for_url(&hub.url("/login"));
    b.fill("#name", HUB_ACCOUNT);
    b.fill("#password", HUB_PASSWORD);
    b.click("#sign-in");
    b.wait_for_url(&hub.url("/cloudconnect?q=fleet-00010"));
    for width in [1280u32, 390] {
        b.resize(width, 900);
        b.goto(&hub.url("/cloudconnect?q=fleet-00010"));
        b.click(".cluster[data-name='fleet-00010'] a.history");
        b.wait_for_url(&hub.url("/cloudconnect/history?name=fleet-00010"));
        assert_eq!(b.text("h1"), "Rollout history of fleet-00010");
        assert!(
            b.text("#showing")
                .starts_with("Upgrade attempts 1–50 of 60, newest first; times in Europe/Berlin"),
            "{}",
            b.text("#showing")
        );
        assert_eq!(b.text("#page"), "Page 1 of 2");
        assert!(b.has(".attempt[data-result='in-progress']"));
        assert_eq!(
            b.text(".attempt[data-result='in-progress'] .badge"),
            "In progress"
        );
        assert_eq!(
            b.text(".attempt[data-result='switched-back'] .badge"),
            "Switched back"
        );
        let why = b.text(".attempt[data-result='switched-back'] .why");
        assert!(
            why.contains("\\u{1b}[2J<script>alert(1)</script>yyy"),
            "{why}"
        );
        // Times on the cluster's clock (CET: summer time ended on 25 October), UTC in the
        // title.
        assert_eq!(
            b.script("return document.querySelector('.attempt .started time').title"),
            "2026-10-30 03:40 UTC"
        );
        assert_eq!(b.text(".attempt .started time"), "2026-10-30 04:40 CET");
        assert_eq!(b.script("return document.scripts.length"), 0);
        assert!(fits(&b), "the history scrolls sideways at {width} px");
        b.screenshot(&format!("hub-history-{width}"));
        b.click("#next");
        b.wait_for_url(&hub.url("/cloudconnect/history?name=fleet-00010&page=2"));
        assert_eq!(b.text("#page"), "Page 2 of 2");
        assert_eq!(
            b.script("return document.querySelectorAll('.attempt').length"),
            10
        );
        assert!(fits(&b), "page 2 scrolls sideways at {width} px");
    }
}
