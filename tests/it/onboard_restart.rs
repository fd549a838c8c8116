//! `utils system onboard restart`, the name Cisco's German set-up guide gives the command to
//! run after `remove`: an alias of `trigger` (as `initiate` is), listed in help like it. On the
//! orchestration lab's VOS cluster: removed, then enrolled again with `restart`, and Cloud
//! Connect reads the members again.

use std::path::Path;

use crate::orchestration::lab;
use crate::util::run;

/// As the orchestration lab's application user is named and its password set.
const USER: &str = "ccadmin";
const PASSWORD: &str = "Orchestrate-Pass-2026";

fn onboarded(cc: &Path) -> usize {
    let r = run(
        cc,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select host from onboardedhost",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["rows"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn restart_after_remove_enrols_the_cluster_again() {
    let lab = lab();
    let vp = lab.vos[0].state.clone().unwrap();
    let node: serde_json::Value = serde_json::from_str(
        &run(&lab.cc, &["--output", "json", "utils", "node", "show"], "").stdout,
    )
    .unwrap();
    let cc = node["hostname"].as_str().unwrap().to_owned();
    assert_eq!(onboarded(&lab.cc), 2);
    let answers = format!("{USER}\n{PASSWORD}\n");

    // Help lists it beside initiate, and gives trigger's description under the new name.
    let r = run(&vp, &["utils", "system", "onboard", "?"], "");
    assert!(
        r.stdout.contains("trigger (alias: initiate, restart)"),
        "{}",
        r.stdout
    );
    let r = run(&vp, &["help", "utils", "system", "onboard", "restart"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Enrol this VOS cluster with Cloud Connect"),
        "{}",
        r.stdout
    );

    let r = run(
        &vp,
        &[
            "--yes",
            "utils",
            "system",
            "onboard",
            "remove",
            "--cloud-connect",
            &cc,
        ],
        &answers,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(onboarded(&lab.cc), 0);

    // In a batch, as the guide has it: restart after remove.
    let r = run(
        &vp,
        &[],
        &format!("utils system onboard restart --cloud-connect {cc}\n{answers}"),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("2 of 2 cluster members onboarded"),
        "{}",
        r.stdout
    );
    assert_eq!(onboarded(&lab.cc), 2);
    // Cloud Connect reaches both members again with the keys restart installed.
    let r = run(
        &lab.cc,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "show",
            "status",
            "--platform",
            "VOS",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let hosts = v["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 2, "{v}");
    assert!(hosts.iter().all(|h| h["version"] == "12.6.1"), "{v}");

    // A one-shot restart of an onboarded cluster is trigger's: every member registered again,
    // none twice.
    let r = run(
        &vp,
        &[
            "utils",
            "system",
            "onboard",
            "restart",
            "--cloud-connect",
            &cc,
        ],
        &answers,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("2 of 2 cluster members onboarded"),
        "{}",
        r.stdout
    );
    assert_eq!(onboarded(&lab.cc), 2);
}

/// At a VOS node's `admin:` prompt, Tab completes `restart` like `initiate`.
#[test]
fn restart_completes_in_the_shell() {
    let (_d, s) = crate::util::state();
    crate::util::make_vos(&s);
    let mut p = crate::shell::shell(&s, 40);
    p.send("utils system onboard res\t").unwrap();
    p.flush().unwrap();
    p.exp_string("restart ").unwrap();
    p.send_control('u').unwrap();
    p.send("utils system onboard ini\t").unwrap();
    p.flush().unwrap();
    p.exp_string("initiate ").unwrap();
    p.send_control('u').unwrap();
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
}
