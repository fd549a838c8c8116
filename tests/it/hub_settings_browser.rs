//! A cluster's settings page in a real browser (issue 28, "settings that fit the choice"): only
//! the chosen frequency's fields are shown, by CSS alone (the page runs no script), and with
//! CSS off every field shows and the hub reads only the chosen frequency's; the time zone is
//! chosen from the IANA list and the times are shown on its clock; *Postpone* comes after
//! *Save* as the secondary action; the schedule changes read `old → new`; no horizontal scroll
//! at 1280 or 390 px (each width saved in `target/test-screenshots/hub-settings-*.png`).
//! Posted directly, a hostile time zone is refused with 400 naming the field and changes
//! nothing; the fields of another frequency are ignored.

use crate::hub_rollout::{Hub, HUB_ACCOUNT, HUB_PASSWORD};
use crate::webdriver::Browser;

/// A cluster `hub_fleet::seed` keeps in UTC, every day at 03:00.
const NAME: &str = "fleet-00001";

/// Whether the element `css` selects is rendered (not `display: none`, nor inside such).
fn shown(b: &Browser, css: &str) -> bool {
    let css = serde_json::to_string(css).unwrap();
    b.script(&format!(
        "const e = document.querySelector({css}); return e !== null && e.getClientRects().length > 0"
    ))
    .as_bool()
    .unwrap()
}

/// Whether the page is no wider than the window (no horizontal scroll).
fn fits(b: &Browser) -> bool {
    b.script("return document.documentElement.scrollWidth <= window.innerWidth")
        .as_bool()
        .unwrap_or(false)
}

fn value(b: &Browser, css: &str) -> String {
    let css = serde_json::to_string(css).unwrap();
    b.script(&format!("return document.querySelector({css}).value"))
        .as_str()
        .unwrap()
        .to_owned()
}

/// The newest schedule change's row, as text.
fn newest_change(b: &Browser) -> String {
    b.text("#changes .schedule-change")
}

fn settings_url(hub: &Hub, notice: Option<&str>) -> String {
    let mut q = vec![("name", NAME)];
    q.extend(notice.map(|n| ("notice", n)));
    hub.url(&format!(
        "/cloudconnect/settings?{}",
        serde_urlencoded::to_string(q).unwrap()
    ))
}

#[test]
fn the_settings_show_only_the_chosen_frequencys_fields_and_the_changes_as_old_to_new() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), crate::hub_fleet::NOW);
    crate::hub_fleet::seed(&hub.dir, 2);
    let b = Browser::start("hub-settings");
    b.goto(&settings_url(&hub, None));
    b.wait_for_url(&hub.url("/login"));
    b.fill("#name", HUB_ACCOUNT);
    b.fill("#password", HUB_PASSWORD);
    b.click("#sign-in");
    b.wait_for_url(&settings_url(&hub, None));
    assert_eq!(b.script("return document.scripts.length"), 0);

    // Daily: neither the weekdays nor the day of the month; each frequency shows its own.
    let monday = "input[name='days'][value='mon']";
    assert_eq!(value(&b, "#frequency"), "daily");
    assert!(!shown(&b, monday) && !shown(&b, "#day"));
    assert!(
        !shown(&b, ".without-css"),
        "the notes for CSS-less pages show"
    );
    b.click("#frequency option[value='weekly']");
    for day in ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] {
        assert!(
            shown(&b, &format!("input[name='days'][value='{day}']")),
            "{day} is hidden"
        );
    }
    assert!(!shown(&b, "#day"), "weekly shows the day of the month");
    b.click("#frequency option[value='monthly']");
    assert!(shown(&b, "#day"), "monthly hides the day of the month");
    assert!(!shown(&b, monday), "monthly shows the weekdays");

    // Weekly on Wednesdays at 05:00 in Zurich; the times are then on Zurich's clock.
    assert_eq!(value(&b, "#time_zone"), "UTC");
    assert!(b.has("#time_zone optgroup[label='Europe'] option[value='Europe/Zurich']"));
    b.click("#frequency option[value='weekly']");
    b.click("input[name='days'][value='wed']");
    b.click("#hour option[value='5']");
    b.click("#time_zone option[value='Europe/Zurich']");
    b.click("#save");
    b.wait_for_url(&settings_url(&hub, Some("saved")));
    // 2026-12-03 is a Thursday: the next Wednesday, 05:00 CET.
    assert_eq!(
        b.text("#notice"),
        "Saved. Next scheduled upgrade: 2026-12-09 05:00 CET"
    );
    assert_eq!(b.text("#next-upgrade"), "2026-12-09 05:00 CET");
    assert_eq!(
        b.text("#schedule-words"),
        "every wed at 05:00 Europe/Zurich (urgent: every day at 01:00)"
    );
    assert_eq!(value(&b, "#time_zone"), "Europe/Zurich");
    assert_eq!(value(&b, "#frequency"), "weekly");
    assert!(shown(&b, monday) && !shown(&b, "#day"));
    let shown_cli = hub.show(NAME);
    assert_eq!(
        shown_cli["cluster"]["schedule"]["time_zone"],
        "Europe/Zurich"
    );
    assert_eq!(
        shown_cli["cluster"]["schedule"]["days"],
        serde_json::json!(["wed"])
    );
    assert_eq!(
        shown_cli["cluster"]["next_upgrade"]["start"],
        "2026-12-09T04:00:00Z"
    );
    let change = newest_change(&b);
    for line in [
        HUB_ACCOUNT,
        "Frequency: every day → every wed",
        "Time: 03:00 → 05:00",
        "Time zone: UTC → Europe/Zurich",
    ] {
        assert!(change.contains(line), "{line:?} is not in {change:?}");
    }
    assert!(!change.contains("Urgent upgrade time"), "{change}");

    // Postpone: after Save, in the secondary style (an outline, not a second filled button),
    // with its words.
    assert_eq!(
        b.script(
            "return (document.querySelector('#save').compareDocumentPosition(\
             document.querySelector('#postpone')) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0"
        ),
        true
    );
    assert_eq!(
        b.script(
            "const s = document.querySelector('#save').getBoundingClientRect(), \
             p = document.querySelector('#postpone').getBoundingClientRect(); \
             return p.top >= s.bottom || (p.top === s.top && p.left >= s.right)"
        ),
        true,
        "Postpone is not placed after Save"
    );
    assert!(b.has("#postpone.secondary") && !b.has("#save.secondary"));
    assert_eq!(b.text("#postpone"), "Postpone");
    let style = |css: &str, property: &str| {
        b.script(&format!(
            "return getComputedStyle(document.querySelector('{css}')).{property}"
        ))
        .as_str()
        .unwrap()
        .to_owned()
    };
    assert_ne!(
        style("#postpone", "backgroundColor"),
        style("#save", "backgroundColor")
    );
    assert_eq!(style("#postpone", "borderTopWidth"), "1px");
    assert_eq!(style("#save", "borderTopWidth"), "0px");
    b.click("#postpone");
    b.wait_for_url(&settings_url(&hub, Some("postponed")));
    assert_eq!(
        b.text("#notice"),
        "The next upgrade is postponed to 2026-12-16 05:00 CET"
    );
    assert_eq!(
        b.text("#changes .schedule-change td:nth-child(3)"),
        "Postponed: none → the window of 2026-12-09 05:00 CET"
    );

    // Monthly on the 15th: the Wednesday still ticked (hidden) is sent and ignored.
    b.click("#frequency option[value='monthly']");
    b.click("#day option[value='15']");
    b.click("#save");
    b.wait_for_url(&settings_url(&hub, Some("saved")));
    assert_eq!(
        b.text("#notice"),
        "Saved. Next scheduled upgrade: 2026-12-15 05:00 CET"
    );
    assert_eq!(value(&b, "#day"), "15");
    assert!(shown(&b, "#day") && !shown(&b, monday));
    let schedule = hub.show(NAME)["cluster"]["schedule"].clone();
    assert_eq!(schedule["frequency"], "monthly");
    assert_eq!(schedule["day"], 15);
    assert!(schedule["days"].is_null(), "{schedule}");
    let change = newest_change(&b);
    for line in [
        "Frequency: every wed → day 15 of every month",
        "Postponed: the window of 2026-12-09 05:00 CET → none",
    ] {
        assert!(change.contains(line), "{line:?} is not in {change:?}");
    }
    assert_eq!(
        b.script("return document.querySelectorAll('#changes .schedule-change').length"),
        3
    );

    // Both widths: readable, no sideways scroll, whichever frequency is chosen.
    for width in [1280u32, 390] {
        b.resize(width, 900);
        b.goto(&settings_url(&hub, None));
        assert_eq!(
            b.script("return window.innerWidth").as_u64(),
            Some(width as u64)
        );
        assert!(fits(&b), "the settings scroll sideways at {width} px");
        b.screenshot(&format!("hub-settings-{width}"));
        b.click("#frequency option[value='weekly']");
        assert!(shown(&b, monday) && !shown(&b, "#day"));
        assert!(fits(&b), "weekly scrolls sideways at {width} px");
        b.screenshot(&format!("hub-settings-weekly-{width}"));
        b.script("document.querySelector('#changes').scrollIntoView()");
        b.screenshot(&format!("hub-settings-changes-{width}"));
    }

    // Without CSS every field shows, with the frequency it is for; the hub reads only the
    // chosen frequency's (weekly: the day of the month, 15, is sent and ignored; no weekday
    // was ticked while the schedule was monthly).
    b.resize(1280, 900);
    b.goto(&settings_url(&hub, None));
    b.script("document.querySelectorAll('style').forEach(s => s.remove())");
    assert!(shown(&b, monday) && shown(&b, "#day"));
    assert!(b
        .text("#weekly-fields")
        .contains("Used only when the frequency is Weekly."));
    assert!(b
        .text("#monthly-fields")
        .contains("Used only when the frequency is Monthly."));
    b.click("#frequency option[value='weekly']");
    b.click("input[name='days'][value='tue']");
    b.click("#save");
    b.wait_for_url(&settings_url(&hub, Some("saved")));
    let schedule = hub.show(NAME)["cluster"]["schedule"].clone();
    assert_eq!(schedule["frequency"], "weekly");
    assert_eq!(schedule["days"], serde_json::json!(["tue"]));
    assert!(schedule["day"].is_null(), "{schedule}");
}

/// The schedule form posted directly with the session's cookie and token: a time zone that is
/// not one of the list is refused with 400 naming the field and changes nothing; a bad value
/// of the chosen frequency's own field too; the fields of another frequency are ignored.
#[test]
fn a_hostile_time_zone_posted_directly_is_refused_and_other_frequencies_fields_ignored() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), crate::hub_fleet::NOW);
    crate::hub_fleet::seed(&hub.dir, 2);
    let (cookie, _) = crate::hub_hostile::sign_in(&hub, "/cloudconnect");
    let pem = std::fs::read(hub.dir.join("tls/cert.pem")).unwrap();
    let c = reqwest::blocking::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let (status, html) = crate::hub_fleet::page(
        &hub,
        &cookie,
        &format!("/cloudconnect/settings?name={NAME}"),
    );
    assert_eq!(status, 200);
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let post = |extra: &[(&str, &str)]| {
        let mut f = vec![
            ("csrf", csrf.as_str()),
            ("name", NAME),
            ("hour", "5"),
            ("urgent_hour", "1"),
        ];
        f.extend_from_slice(extra);
        let r = c
            .post(hub.url("/cloudconnect/settings/schedule"))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(&f).unwrap())
            .send()
            .unwrap();
        let status = r.status().as_u16();
        (status, r.text().unwrap())
    };
    let before = hub.show(NAME);
    let long = "Europe/".repeat(2000);
    for zone in [
        "Mars/Olympus",
        "../../etc/passwd",
        "/etc/localtime",
        "localtime",
        "posixrules",
        "Europe/Zurich\n",
        "Europe/Zurich/../Berlin",
        "",
        "<script>alert(1)</script>",
        long.as_str(),
    ] {
        let (status, body) = post(&[("frequency", "monthly"), ("day", "15"), ("time_zone", zone)]);
        assert_eq!(status, 400, "{zone:?}: {body}");
        assert!(
            !body.contains("<script>alert(1)"),
            "markup reached the page raw"
        );
        let body = crate::hub_hostile::unescape(&body);
        assert!(
            body.contains("Time zone: '")
                && body.contains("is not one of the IANA time zones listed"),
            "{zone:?}: {body}"
        );
        assert!(!body.contains(&long), "the page echoes a long value whole");
    }
    // The chosen frequency's own field is checked, and named.
    let (status, body) = post(&[
        ("frequency", "monthly"),
        ("day", "31"),
        ("time_zone", "Europe/Zurich"),
    ]);
    assert_eq!(status, 400, "{body}");
    let body = crate::hub_hostile::unescape(&body);
    assert!(
        body.contains("Day of the month: '31' is not a day from 1 to 28"),
        "{body}"
    );
    let after = hub.show(NAME);
    assert_eq!(
        after["cluster"], before["cluster"],
        "a refused form changed the schedule"
    );
    assert_eq!(after["schedule_changes"], before["schedule_changes"]);
    assert_eq!(after["cluster"]["schedule"]["time_zone"], "UTC");

    // Another frequency's fields are ignored: weekly with a day of the month that is no day,
    // monthly with a weekday that is none.
    let (status, body) = post(&[
        ("frequency", "weekly"),
        ("days", "mon"),
        ("day", "99"),
        ("time_zone", "Europe/Zurich"),
    ]);
    assert_eq!(status, 303, "{body}");
    let schedule = hub.show(NAME)["cluster"]["schedule"].clone();
    assert_eq!(schedule["days"], serde_json::json!(["mon"]));
    assert!(schedule["day"].is_null(), "{schedule}");
    assert_eq!(schedule["time_zone"], "Europe/Zurich");
    let (status, body) = post(&[
        ("frequency", "monthly"),
        ("days", "not-a-day"),
        ("day", "20"),
        ("time_zone", "europe/zurich"),
    ]);
    assert_eq!(status, 303, "{body}");
    let schedule = hub.show(NAME)["cluster"]["schedule"].clone();
    assert_eq!(schedule["frequency"], "monthly");
    assert_eq!(schedule["day"], 20);
    assert!(schedule["days"].is_null(), "{schedule}");
    assert_eq!(schedule["time_zone"], "Europe/Zurich", "stored as listed");
}
