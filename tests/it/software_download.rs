//! `utils set software-download time | bandwidth`, `utils show software-download` and `utils
//! initiate software-download`: the settings round trip in every face, bad values refused,
//! replication to the subscriber, the service following a time set while it runs, and the
//! throttle measured against the loopback Artifactory.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::jfrog::{JFrog, GOOD_KEY};
use crate::serve::Served;
use crate::util::{run, state, wait_for_showing, Run};

fn ok(s: &Path, args: &[&str]) -> Run {
    let r = run(s, args, "");
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r
}

fn show_json(s: &Path) -> serde_json::Value {
    let r = ok(
        s,
        &["--output", "json", "utils", "show", "software-download"],
    );
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// A node whose image repository is the loopback Artifactory `j`.
fn configured(s: &Path, j: &JFrog) {
    let key = s.parent().unwrap().join("key");
    std::fs::write(&key, GOOD_KEY).unwrap();
    let args = j.set_args(&key);
    ok(s, &args.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn set_and_show_round_trip_in_text_and_json_in_every_face() {
    let (_d, s) = state();
    // Nothing set: the default time, unlimited, no run yet.
    let v = show_json(&s);
    assert_eq!(v["time"], "02:00", "{v}");
    assert_eq!(v["time_set"], false, "{v}");
    assert_eq!(v["bandwidth_kbps"], 0, "{v}");
    assert_eq!(v["last_run"], serde_json::Value::Null, "{v}");
    let text = ok(&s, &["utils", "show", "software-download"]).stdout;
    assert!(
        text.contains("Download time : 02:00 daily (default: not set)"),
        "{text}"
    );
    assert!(text.contains("Bandwidth     : unlimited"), "{text}");
    assert!(text.contains("Last run      : none on this node"), "{text}");

    // One-shot.
    let r = ok(
        &s,
        &[
            "utils",
            "set",
            "software-download",
            "time",
            "01:30",
            "--time-zone",
            "UTC",
        ],
    );
    assert!(
        r.stderr
            .contains("The software download now runs daily at 01:30 (UTC)."),
        "{}",
        r.stderr
    );
    // A batch.
    let r = run(
        &s,
        &[],
        "utils set software-download bandwidth 2048\nutils show software-download\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("The software download bandwidth is now 2048 KB/s."),
        "{}",
        r.stderr
    );
    for line in [
        "Download time : 01:30 daily",
        "Time zone     : UTC",
        "Bandwidth     : 2048 KB/s",
        "Next run      : 20",
    ] {
        assert!(r.stdout.contains(line), "{line}: {}", r.stdout);
    }
    // The login shell's one-shot line, JSON chosen on the line.
    let r = ok(&s, &["-c", "utils show software-download --output json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["time"], "01:30", "{v}");
    assert_eq!(v["time_set"], true, "{v}");
    assert_eq!(v["time_zone"], "UTC", "{v}");
    assert_eq!(v["bandwidth_kbps"], 2048, "{v}");
    let next = v["next_run"].as_str().unwrap();
    assert!(next.ends_with(" 01:30 UTC"), "{v}");
    // The next run is the next 01:30 UTC: within a day from now.
    let at = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", next.trim_end_matches(" UTC"))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp();
    let ahead = at.duration_since(jiff::Timestamp::now());
    assert!(
        ahead.is_positive() && ahead.as_secs() <= 86_400,
        "{next} is not the next 01:30"
    );
    // Unlimited again.
    ok(&s, &["utils", "set", "software-download", "bandwidth", "0"]);
    assert_eq!(show_json(&s)["bandwidth_kbps"], 0);
}

#[test]
fn bad_values_are_refused_with_exit_2_and_nothing_changes() {
    let (_d, s) = state();
    ok(
        &s,
        &[
            "utils",
            "set",
            "software-download",
            "time",
            "23:15",
            "--time-zone",
            "Europe/Berlin",
        ],
    );
    ok(
        &s,
        &["utils", "set", "software-download", "bandwidth", "512"],
    );
    let before = show_json(&s);
    let cases: &[(&[&str], &str)] = &[
        (
            &["time", "25:99"],
            "the hour must be 00 to 23 and the minute 00 to 59 (HH:MM, 24-hour clock, e.g. 02:00)",
        ),
        (&["time", "24:00"], "the hour must be 00 to 23"),
        (
            &["time", "0200"],
            "expected the time as HH:MM (24-hour clock), e.g. 02:00",
        ),
        (&["time", "noon"], "expected the time as HH:MM"),
        (
            &["time", "01:00", "--time-zone", "Mars/Olympus"],
            "'Mars/Olympus' is not a time zone",
        ),
        (
            &["bandwidth", "fast"],
            "expected a whole number of KB/s: 0 (unlimited) or 64 to 10485760",
        ),
        (&["bandwidth", "-5"], "expected a whole number of KB/s"),
        (&["time", "-1:00"], "expected the time as HH:MM"),
        (
            &["bandwidth", "10"],
            "a bandwidth other than 0 (unlimited) must be 64 to 10485760 KB/s",
        ),
        (&["bandwidth", "99999999"], "must be 64 to 10485760 KB/s"),
    ];
    for (words, message) in cases {
        let mut args = vec!["utils", "set", "software-download"];
        args.extend_from_slice(words);
        let r = run(&s, &args, "");
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("Hint:"),
            "a remedy is given: {}",
            r.stderr
        );
        assert_eq!(show_json(&s), before, "{args:?} changed nothing");
    }
    // In a batch the bad line fails the same way and the batch stops there.
    let r = run(
        &s,
        &[],
        "utils set software-download time 25:99\nutils set software-download time 04:00\n",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(show_json(&s), before);
}

#[test]
fn the_setting_replicates_to_the_subscriber_which_refuses_to_change_it() {
    let pair = crate::cluster::pair();
    ok(
        &pair.p,
        &[
            "utils",
            "set",
            "software-download",
            "time",
            "03:45",
            "--time-zone",
            "America/New_York",
        ],
    );
    ok(
        &pair.p,
        &["utils", "set", "software-download", "bandwidth", "4096"],
    );
    let on_subscriber = || show_json(&pair.s);
    wait_for_showing(
        "the software-download setting on the subscriber",
        Duration::from_secs(30),
        || {
            let v = on_subscriber();
            v["time"] == "03:45" && v["bandwidth_kbps"] == 4096
        },
        || on_subscriber().to_string(),
    );
    let (p, s) = (show_json(&pair.p), on_subscriber());
    for k in [
        "time",
        "time_set",
        "time_zone",
        "bandwidth_kbps",
        "next_run",
    ] {
        assert_eq!(p[k], s[k], "{k}: {p} / {s}");
    }
    assert_eq!(s["time_zone"], "America/New_York");
    let r = run(
        &pair.s,
        &["utils", "set", "software-download", "time", "05:00"],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("This command can only be run on the publisher node."),
        "{}",
        r.stderr
    );
    assert_eq!(show_json(&pair.s)["time"], "03:45");
}

/// The service reads the stored time at start and again while it waits: a time set while it
/// runs replaces its schedule without a restart.
#[test]
fn the_service_follows_a_time_set_while_it_runs() {
    let (_d, s) = state();
    ok(
        &s,
        &[
            "utils",
            "set",
            "software-download",
            "time",
            "01:30",
            "--time-zone",
            "UTC",
        ],
    );
    let srv = Served::start_with(&s, 0, &["--download-delay", "3600"]);
    srv.wait_for_log(
        "artifact download: 3600s after start, then 30 1 * * * (UTC), set by utils set software-download time",
    );
    ok(
        &s,
        &[
            "utils",
            "set",
            "software-download",
            "time",
            "22:05",
            "--time-zone",
            "Asia/Tokyo",
        ],
    );
    srv.wait_for_log(
        "artifact download: the schedule is now 5 22 * * * (Asia/Tokyo), set by utils set software-download time",
    );
    assert_eq!(srv.terminate(), Some(0));
}

fn artifact(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 253) as u8).collect()
}

/// Time `utils initiate software-download --output json` on `s`.
fn initiate(s: &Path) -> (Duration, serde_json::Value) {
    let t = Instant::now();
    let r = run(
        s,
        &["--output", "json", "utils", "initiate", "software-download"],
        "",
    );
    let took = t.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    (took, serde_json::from_str(&r.stdout).unwrap())
}

/// The throttle, measured: 4 MiB at 1,024 KB/s cannot arrive in less than 4 s (the lower bound
/// 3.5 s leaves the first chunk's head start), and the same file unthrottled arrives in a
/// fraction of that. `initiate` downloads at once, reports and records the run.
#[test]
fn initiate_downloads_now_at_the_bandwidth_set() {
    let j = JFrog::start();
    let path = "/12.6/common/cc-es5.cop";
    let data = artifact(4 << 20);
    j.put(path, data.clone());
    let (_d, s) = state();
    // Not configured yet: refused before anything starts, nothing recorded.
    let r = run(&s, &["utils", "initiate", "software-download"], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("Image repository is not configured.")
            && r.stderr.contains("utils image-repository set"),
        "{}",
        r.stderr
    );
    assert_eq!(show_json(&s)["last_run"], serde_json::Value::Null);
    configured(&s, &j);
    let dest = s.join("artifacts/12.6/common/cc-es5.cop");

    ok(
        &s,
        &["utils", "set", "software-download", "bandwidth", "1024"],
    );
    let (slow, v) = initiate(&s);
    assert_eq!(v["downloaded"], 1, "{v}");
    assert_eq!(v["bytes"], 4 << 20, "{v}");
    assert_eq!(v["bandwidth_kbps"], 1024, "{v}");
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert!(
        slow >= Duration::from_millis(3500),
        "4 MiB at 1024 KB/s took only {slow:?}"
    );
    let last = &show_json(&s)["last_run"];
    assert_eq!(last["trigger"], "on demand", "{last}");
    assert_eq!(last["result"], "downloaded", "{last}");
    assert_eq!(
        last["message"],
        "1 artifact(s) downloaded (4194304 bytes), 0 already complete"
    );
    let text = ok(&s, &["utils", "show", "software-download"]).stdout;
    assert!(
        text.contains(" UTC, on demand: 1 artifact(s) downloaded (4194304 bytes)"),
        "{text}"
    );

    // The same file, unlimited.
    std::fs::remove_file(&dest).unwrap();
    ok(&s, &["utils", "set", "software-download", "bandwidth", "0"]);
    let (fast, v) = initiate(&s);
    assert_eq!(v["downloaded"], 1, "{v}");
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert!(
        fast * 2 < slow,
        "unthrottled {fast:?} is not much faster than throttled {slow:?}"
    );

    // Nothing left to fetch: the run says so, in text too, and the download log has both.
    let r = ok(&s, &["utils", "initiate", "software-download"]);
    assert!(
        r.stdout
            .contains("0 artifact(s) downloaded (0 bytes), 1 already complete in "),
        "{}",
        r.stdout
    );
    let log = ok(&s, &["file", "view", "activelog", "download.log"]).stdout;
    assert_eq!(
        log.matches("download on demand: 1 artifact(s) downloaded (4194304 bytes)")
            .count(),
        2,
        "{log}"
    );
}

/// A run of the service's schedule is the node's last run too, and its log says what it did.
#[test]
fn a_scheduled_run_is_recorded_as_the_last_run() {
    let j = JFrog::start();
    j.put("/12.6/common/tool.zip", artifact(50_000));
    let (_d, s) = state();
    configured(&s, &j);
    let srv = Served::start_with(&s, 0, &["--download-delay", "0"]);
    srv.wait_for_log("scheduled download: 1 artifact(s) downloaded (50000 bytes)");
    let last = show_json(&s)["last_run"].clone();
    assert_eq!(last["trigger"], "scheduled", "{last}");
    assert_eq!(last["result"], "downloaded", "{last}");
    assert_eq!(srv.terminate(), Some(0));
}

/// The time is replicated from the publisher, so a subscriber reads it as a peer's value: a
/// time whose zone is not a known zone (a forged row after a newline, a huge name) is not
/// shown, counts as not set, and `show` says it cannot be read. A zone typed in another case
/// is stored by its canonical name.
#[test]
fn a_stored_time_that_cannot_be_read_is_never_shown_and_says_so() {
    let (_d, s) = state();
    ok(&s, &["utils", "show", "software-download"]);
    let db = s.join("ccadmin.db");
    let forged = "01:30 Europe/Berlin\nBandwidth     : 2048 KB/s (forged)".to_owned();
    let huge = format!("01:30 {}", "Z".repeat(200_000));
    for stored in [forged, huge, "01:30 Mars/Olympus".to_owned()] {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES ('shared.software-download.time', ?1)",
            [&stored],
        )
        .unwrap();
        drop(c);
        let r = ok(&s, &["utils", "show", "software-download"]);
        assert!(!r.stdout.contains("forged"), "{}", r.stdout);
        assert!(
            !r.stdout.contains("ZZZZ") && !r.stdout.contains("Mars"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains("02:00 daily (default: the stored time cannot be read here"),
            "{}",
            r.stdout
        );
        assert_eq!(r.stdout.matches("Bandwidth").count(), 1, "{}", r.stdout);
        let v = show_json(&s);
        assert_eq!(v["time_unreadable"], true, "{v}");
        assert_eq!(v["time_set"], false, "{v}");
        assert!(v["time_zone"].is_null(), "{v}");
    }
    ok(
        &s,
        &[
            "utils",
            "set",
            "software-download",
            "time",
            "03:30",
            "--time-zone",
            "europe/berlin",
        ],
    );
    let v = show_json(&s);
    assert_eq!(v["time_zone"], "Europe/Berlin", "{v}");
    assert_eq!(v["time_unreadable"], false, "{v}");
}
