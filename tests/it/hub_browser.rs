//! The hub's pages in a real browser (issue 14): Debian's headless Chromium, driven through
//! chromedriver, signs in, adds a Cloud Connect cluster, is sent to the publisher's consent
//! page, allows access, comes back; searches; changes the schedule, postpones, unregisters; a
//! code that expired at 15 minutes (the hub's clock moved) and a replayed code are refused.

use crate::cluster::{pair, PASSWORD};
use crate::hub_rollout::{Hub, HUB_ACCOUNT, HUB_PASSWORD};
use crate::util::run;
use crate::webdriver::Browser;

#[test]
fn a_cluster_registers_through_the_browser_and_is_managed_from_its_settings() {
    let d = tempfile::tempdir().unwrap();
    let hub = Hub::start(&d.path().join("hub"), "2026-12-03T02:00:00Z");
    let pair = pair();
    let p = pair.p.clone();
    let pp = pair.publisher.port;
    let b = Browser::start("hub-registration");

    // Signing in: a wrong password is said, the right one lands on the list.
    b.goto(&hub.url("/cloudconnect"));
    b.wait_for_url(&hub.url("/login"));
    b.fill("#name", HUB_ACCOUNT);
    b.fill("#password", "not-the-password");
    b.click("#sign-in");
    assert!(b.text("#error").contains("wrong"), "{}", b.text("#error"));
    b.fill("#name", HUB_ACCOUNT);
    b.fill("#password", HUB_PASSWORD);
    b.click("#sign-in");
    b.wait_for_url(&hub.url("/cloudconnect"));
    assert_eq!(b.text("#add"), "Add", "the first cluster is added with Add");
    assert!(b
        .text("#empty")
        .contains("No Cloud Connect cluster is registered"));

    // Add → Register → the publisher's consent page, showing the hub as it is.
    b.click("#add");
    b.fill("#display_name", "Lab East");
    b.fill("#fqdn", &format!("localhost:{pp}"));
    b.click("#register");
    b.wait_for_url(&format!("https://localhost:{pp}/cloudconnect/register?"));
    let consent_url = b.url();
    let identity: serde_json::Value = hub
        .client()
        .get(hub.url("/api/v1/identity"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        b.text("#hub-cert"),
        identity["cert_sha256"].as_str().unwrap()
    );
    assert_eq!(b.text("#hub-id"), identity["hub_id"].as_str().unwrap());
    assert_eq!(b.text("#display-name"), "Lab East");
    assert_eq!(b.text("#hub"), hub.url(""));
    b.fill("#user", "ccadmin");
    b.fill("#password", "wrong-password");
    b.click("#allow");
    assert!(b.text("#error").contains("wrong"), "{}", b.text("#error"));
    b.fill("#user", "ccadmin");
    b.fill("#password", PASSWORD);
    b.click("#allow");
    assert!(
        b.text("#message").contains("is registered with"),
        "{}",
        b.text("#message")
    );
    b.screenshot("hub-consent-allowed");
    b.click("#continue");
    b.wait_for_url(&hub.url("/cloudconnect"));
    assert_eq!(b.text("#notice"), "Lab East is registered.");
    assert!(b.has(".cluster[data-name='Lab East']"));
    assert_eq!(b.text("#add"), "Add Cloud Connect");
    let shown = run(&p, &["utils", "cloudconnect", "show", "registration"], "").stdout;
    assert!(
        shown.contains("Lab East") && shown.contains(&hub.url("")),
        "{shown}"
    );

    // The code travelled in the link only: no log or state file of the hub or either node
    // holds it (logs record paths, never query strings).
    let code = reqwest::Url::parse(&consent_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    for dir in [hub.dir.as_path(), pair.p.as_path(), pair.s.as_path()] {
        for (file, data) in crate::util::all_files(dir) {
            assert!(
                !crate::util::contains(&data, &code),
                "the code is in {}",
                file.display()
            );
        }
    }

    // The same consent link again: a registered cluster refuses any link (only the
    // administrator's unregister at the console frees it), with a way back to the hub.
    b.goto(&consent_url);
    assert!(
        b.text("#error").contains("registered with a hub already"),
        "{}",
        b.text("#error")
    );
    assert!(!b.has("#user"), "the sign-in form is offered");
    assert!(b.has("#back"));

    // Search by display name only.
    let search = |q: &str| {
        b.goto(&hub.url("/cloudconnect"));
        b.fill("#search", q);
        b.click("#search-button");
        let query = serde_urlencoded::to_string([("q", q)]).unwrap();
        b.wait_for_url(&hub.url(&format!("/cloudconnect?{query}")));
    };
    search("zzz");
    assert!(b.text("#empty").contains("zzz"));
    search("east");
    assert!(b.has(".cluster[data-name='Lab East']"));
    search(&format!("localhost:{pp}"));
    assert!(!b.has(".cluster"), "the FQDN is not searched");

    // Settings: the default schedule's next window, then weekly Mon+Thu 05:00 Berlin.
    b.goto(&hub.url("/cloudconnect"));
    b.click(".cluster[data-name='Lab East'] a.settings");
    assert_eq!(b.text("#next-upgrade"), "2026-12-03 03:00 UTC");
    b.click("#frequency option[value='weekly']");
    b.click("input[name='days'][value='mon']");
    b.click("input[name='days'][value='thu']");
    b.click("#hour option[value='5']");
    b.click("#time_zone option[value='Europe/Berlin']");
    b.click("#save");
    // 2026-12-03 is a Thursday: 05:00 CET that day.
    assert_eq!(
        b.text("#notice"),
        "Saved. Next scheduled upgrade: 2026-12-03 05:00 CET"
    );
    assert_eq!(b.text("#next-upgrade"), "2026-12-03 05:00 CET");
    let cli = hub.show("Lab East");
    assert_eq!(
        cli["cluster"]["next_upgrade"]["start"],
        "2026-12-03T04:00:00Z"
    );
    assert_eq!(
        cli["cluster"]["schedule"]["days"],
        serde_json::json!(["mon", "thu"])
    );
    assert_eq!(cli["schedule_changes"][0]["actor"], HUB_ACCOUNT);
    // A zone that does not exist is refused and changes nothing.
    b.script("document.querySelector('#time_zone').add(new Option('Mars/Olympus', 'Mars/Olympus', true, true))");
    b.click("#save");
    assert!(
        b.text("#error").contains("Mars/Olympus"),
        "{}",
        b.text("#error")
    );
    assert_eq!(
        hub.show("Lab East")["cluster"]["schedule"]["time_zone"],
        "Europe/Berlin"
    );
    // Postpone: the next window is skipped once (Thursday's → Monday's).
    b.goto(&hub.url("/cloudconnect/settings?name=Lab%20East"));
    b.click("#postpone");
    assert_eq!(
        b.text("#notice"),
        "The next upgrade is postponed to 2026-12-07 05:00 CET"
    );
    assert!(b.text("#postponed").contains("2026-12-03 05:00 CET"));
    b.screenshot("hub-settings");

    // Unregister needs the acknowledgement.
    b.goto(&hub.url("/cloudconnect/settings?name=Lab%20East"));
    b.click("#unregister");
    assert!(b.text("#error").contains("Acknowledge"));
    b.click("#acknowledge");
    b.click("#unregister");
    b.wait_for_url(&hub.url("/cloudconnect"));
    // Notices are codes (issue 24, finding 14): no name travels in the link.
    assert_eq!(b.text("#notice"), "The cluster is unregistered.");
    assert!(!b.has(".cluster"));
    // The publisher still holds its side; unregistering it there says the hub forgot it already.
    let r = run(&p, &["-y", "utils", "cloudconnect", "unregister"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("had forgotten it already") && !r.stderr.contains("there too"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let shown = run(&p, &["utils", "cloudconnect", "show", "registration"], "").stdout;
    assert!(shown.contains("not registered"), "{shown}");

    // Unregistered, the publisher takes a link again; a code allowed after 15 minutes is
    // refused, nothing registered.
    b.goto(&hub.url("/cloudconnect/add"));
    b.fill("#display_name", "Lab Late");
    b.fill("#fqdn", &format!("localhost:{pp}"));
    b.click("#register");
    b.wait_for_url(&format!("https://localhost:{pp}/cloudconnect/register?"));
    hub.set_time("2026-12-03T02:15:01Z");
    b.fill("#user", "ccadmin");
    b.fill("#password", PASSWORD);
    b.click("#allow");
    let e = b.text("#error");
    assert!(e.contains("expired") && e.contains("15 minutes"), "{e}");
    let list =
        crate::hub_rollout::hub(&hub.dir, &["--output", "json", "cluster", "list"], "").stdout;
    assert!(!list.contains("Lab Late"), "{list}");
    assert!(
        run(&p, &["utils", "cloudconnect", "show", "registration"], "")
            .stdout
            .contains("not registered")
    );
    // The failure page leads back to the hub.
    b.click("#back");
    b.wait_for_url(&hub.url("/cloudconnect"));

    // Signed out, the pages ask to sign in again.
    b.click("#sign-out");
    b.wait_for_url(&hub.url("/login"));
    b.goto(&hub.url("/cloudconnect"));
    b.wait_for_url(&hub.url("/login"));
}
