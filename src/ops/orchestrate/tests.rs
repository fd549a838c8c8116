//! In-process unit tests of orchestration: planning from inventory rows, and runs of the
//! worker against fake hosts (the [`RemoteHost`] seam), for resuming (a change already on the
//! host is not made again; an installer that still runs is waited for, never started twice)
//! and the group rule (one member of a group at a time).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::fake::{drive, options, running_step, running_vos, windows_record, Fleet};
use super::plan::choose;
use super::*;
use crate::clients::ssh::HostKeys;
use crate::inventory::model::HostRow;
use crate::ops::connectivity::{Access, Target};
use crate::ops::lease::{Lease, LEASE_FILE};
use crate::ops::patches::{ArtifactKind, Manifest, Platform};
use crate::ops::probe::Catalogue;
use crate::ops::software::{Installed, WINDOWS_RECORD};

/// What an installer printed becomes one line of a table: its lines joined, control
/// characters escaped, the end kept.
#[test]
fn an_installers_output_tail_is_one_line() {
    let t = tail("step 1\r\nadmin:forged\n\x1b[2Jdisk C: full\n", 200);
    assert_eq!(t.lines().count(), 1, "{t}");
    assert!(
        t.contains("admin:forged | ") && t.ends_with("disk C: full"),
        "{t}"
    );
    assert!(!t.contains('\u{1b}'), "{t}");
    assert_eq!(tail(&"x".repeat(500), 10).len(), 10);
}

// ---- the inventory, plans and artifacts of the tests ----

fn row(
    platform: Platform,
    product: &str,
    group: &str,
    name: &str,
    side: &str,
    detail: &str,
) -> HostRow {
    HostRow {
        platform: platform.as_str(),
        product: product.into(),
        group: group.into(),
        name: name.into(),
        side: side.into(),
        detail: detail.into(),
    }
}

/// A Finesse cluster (its subscriber on side A listed before its publisher on side B), a
/// CVP cluster, and a Windows PG pair.
fn inventory() -> Vec<HostRow> {
    vec![
        row(
            Platform::Vos,
            "Finesse",
            "fin1",
            "fin-sub-a",
            "A",
            "Subscriber",
        ),
        row(
            Platform::Vos,
            "Finesse",
            "fin1",
            "fin-sub-b",
            "B",
            "Subscriber",
        ),
        row(
            Platform::Vos,
            "Finesse",
            "fin1",
            "fin-pub",
            "B",
            "Publisher",
        ),
        row(Platform::Vos, "CVP", "cvp1", "cvp-a", "A", "Subscriber"),
        row(Platform::Windows, "PG", "PG1", "pg1b", "B", "admin"),
        row(Platform::Windows, "PG", "PG1", "pg1a", "A", "admin"),
    ]
}

fn target(r: &HostRow) -> Target {
    Target {
        row: r.clone(),
        user: Ok("admin".into()),
        recorded_key: Platform::of(r) == Platform::Vos,
    }
}

fn manifest(platform: Platform, product: &str, file: &str) -> Manifest {
    Manifest {
        file: file.into(),
        product: product.into(),
        platform,
        version: "12.6.1".into(),
        applies_to: vec!["12.6.1".into()],
        reboot: false,
        rollback: true,
        sha256: "0".repeat(64),
        kind: ArtifactKind::Patch,
        install: (platform == Platform::Windows).then(|| format!("{file} /quiet")),
        uninstall: None,
        check: (platform == Platform::Windows).then(|| format!("check {file}")),
        running: (platform == Platform::Windows).then(|| format!("running {file}")),
    }
}

fn artifact(m: Manifest) -> Artifact {
    Artifact {
        manifest: m,
        manifest_bytes: b"{}".to_vec(),
        path: PathBuf::from("/nonexistent"),
        size: 1024,
        signer: "test".into(),
    }
}

/// A plan of `op` over `groups` (each a list of (row, chosen)), as `plan` makes it from a node.
fn plan_of(op: Operation, m: Option<Manifest>, groups: Vec<Vec<(HostRow, bool)>>) -> Plan {
    let (groups, members) = groups
        .into_iter()
        .map(|g| {
            let (chosen, others): (Vec<_>, Vec<_>) = g.into_iter().partition(|(_, c)| *c);
            (
                chosen.iter().map(|(r, _)| target(r)).collect(),
                others.iter().map(|(r, _)| target(r)).collect(),
            )
        })
        .unzip();
    Plan {
        op,
        artifact: m.map(artifact),
        switch: false,
        groups,
        left_out: Vec::new(),
        access: Access {
            key: crate::nodekey::NodeKey {
                private: PathBuf::new(),
                public_line: String::new(),
            },
            known_hosts: HostKeys::new(PathBuf::new()),
            recorded: HostKeys::new(PathBuf::new()),
        },
        catalogue: Catalogue::default(),
        uninstall: HashMap::new(),
        rollback_names: Vec::new(),
        members,
    }
}

// ---- planning ----

/// Only the hosts the artifact is for are planned (the others left out, with why), grouped by
/// cluster in inventory order, the publisher first and side A before side B; the members of
/// a group that were not chosen are kept to be asked for their leases.
#[test]
fn a_plan_groups_the_artifacts_hosts_publisher_and_side_a_first() {
    let rows = inventory();
    let m = manifest(Platform::Vos, "Finesse", "fin.cop");
    let all = Choice {
        all: true,
        ..Choice::default()
    };
    let chosen = choose(&rows, Operation::PatchInstall, Some(&m), &all).unwrap();
    let left: Vec<&str> = chosen.left_out.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(left, ["cvp-a", "pg1b", "pg1a"]);
    assert!(
        chosen
            .left_out
            .iter()
            .all(|(_, why)| why.contains("fin.cop is for VOS Finesse")),
        "{:?}",
        chosen.left_out
    );
    let targets: Vec<Target> = rows
        .iter()
        .filter(|r| chosen.in_groups(r))
        .map(target)
        .collect();
    let (groups, members) = chosen.arrange(targets);
    let names = |g: &[Target]| g.iter().map(|t| t.row.name.clone()).collect::<Vec<_>>();
    assert_eq!(groups.len(), 1);
    assert_eq!(names(&groups[0]), ["fin-pub", "fin-sub-a", "fin-sub-b"]);
    assert!(members[0].is_empty());

    // One node chosen: its group's other members are members, not planned.
    let one = Choice {
        nodes: vec!["FIN-SUB-B".into()],
        ..Choice::default()
    };
    let chosen = choose(&rows, Operation::PatchInstall, Some(&m), &one).unwrap();
    let targets: Vec<Target> = rows
        .iter()
        .filter(|r| chosen.in_groups(r))
        .map(target)
        .collect();
    let (groups, members) = chosen.arrange(targets);
    assert_eq!(names(&groups[0]), ["fin-sub-b"]);
    assert_eq!(names(&members[0]), ["fin-sub-a", "fin-pub"]);
}

/// Every group of the chosen hosts is planned apart, in inventory order; a switch leaves the
/// Windows hosts out (they keep no inactive version); a choice nothing applies to is refused
/// with the reason.
#[test]
fn a_plan_keeps_groups_apart_and_says_why_nothing_applies() {
    let rows = inventory();
    let all = Choice {
        all: true,
        ..Choice::default()
    };
    let chosen = choose(&rows, Operation::SwitchForward, None, &all).unwrap();
    assert_eq!(chosen.left_out.len(), 2);
    assert!(chosen.left_out[0].1.contains("only VOS nodes"));
    let targets: Vec<Target> = rows
        .iter()
        .filter(|r| chosen.in_groups(r))
        .map(target)
        .collect();
    let (groups, _) = chosen.arrange(targets);
    let firsts: Vec<&str> = groups.iter().map(|g| g[0].row.name.as_str()).collect();
    assert_eq!(firsts, ["fin-pub", "cvp-a"]);

    let windows = Choice {
        platform: Some(Platform::Windows),
        ..Choice::default()
    };
    let e = choose(&rows, Operation::SwitchForward, None, &windows)
        .err()
        .expect("nothing applies");
    assert!(
        e.message
            .contains("no chosen inventory host applies: only VOS nodes"),
        "{}",
        e.message
    );
    let side_b_pg = Choice {
        side: Some("b".into()),
        group: Some("pg1".into()),
        ..Choice::default()
    };
    let m = manifest(Platform::Windows, "PG", "ES5.exe");
    let chosen = choose(&rows, Operation::PatchInstall, Some(&m), &side_b_pg).unwrap();
    assert_eq!(chosen.names, HashSet::from(["pg1b".to_owned()]));
}

// ---- resuming ----

/// A fresh run installs on every member in order; resumed after it was interrupted on the
/// first node (whose install had in fact finished), the first node is found done and not
/// installed again, and the run counts it as its own.
#[test]
fn a_change_already_on_the_host_is_not_made_again_on_resume() {
    let rows = inventory();
    let m = manifest(Platform::Vos, "Finesse", "fin.cop");
    let plan = plan_of(
        Operation::PatchInstall,
        Some(m),
        vec![vec![(rows[2].clone(), true), (rows[0].clone(), true)]],
    );
    let fleet = Fleet::new(&["fin-pub", "fin-sub-a"]);
    fleet.host("fin-pub").installed = running_vos(&["fin.cop"]);
    fleet.host("fin-sub-a").installed = running_vos(&[]);
    let previous = HashMap::from([(
        "fin-pub".to_owned(),
        running_step("fin-pub", "installing fin.cop"),
    )]);
    let seen = drive(&plan, &fleet, &previous, options());
    let pub_ = seen.result("fin-pub");
    assert_eq!(pub_.result, Outcome::AlreadyDone, "{}", pub_.detail);
    assert_eq!(pub_.detail, "fin.cop is installed already");
    assert_eq!(
        fleet.host("fin-pub").installs,
        0,
        "installed again on resume"
    );
    let sub = seen.result("fin-sub-a");
    assert_eq!(sub.result, Outcome::Done, "{}", sub.detail);
    assert_eq!(sub.to_version, "12.6.1 + fin.cop");
    assert_eq!(fleet.host("fin-sub-a").installs, 1);
    // Each host's lease is gone once its change was seen to end.
    assert!(!fleet.host("fin-sub-a").files.contains_key(LEASE_FILE));
    assert_eq!(seen.events, ["started fin-sub-a: installing fin.cop"]);
    assert_eq!(Overall::of(&seen.results, &previous), Overall::Success);
    // Without the interrupted step, a node found done was done by an earlier run.
    assert_eq!(
        Overall::of(&seen.results[..1], &HashMap::new()),
        Overall::NothingToDo
    );
}

/// A VOS node whose install an interrupted run started still runs it: the resumed run waits
/// for it (saying so), reads the node again and finds it done; no second install is started.
#[test]
fn an_installer_that_still_runs_is_waited_for_not_started_twice() {
    let rows = inventory();
    let m = manifest(Platform::Vos, "Finesse", "fin.cop");
    let plan = plan_of(
        Operation::PatchInstall,
        Some(m),
        vec![vec![(rows[2].clone(), true)]],
    );
    let fleet = Fleet::new(&["fin-pub"]);
    {
        let mut h = fleet.host("fin-pub");
        h.installed = running_vos(&[]);
        h.still_running = 2;
        h.finishes = Some("fin.cop".into());
    }
    let previous = HashMap::from([(
        "fin-pub".to_owned(),
        running_step("fin-pub", "installing fin.cop"),
    )]);
    let seen = drive(&plan, &fleet, &previous, options());
    let r = seen.result("fin-pub");
    assert_eq!(r.result, Outcome::AlreadyDone, "{}", r.detail);
    assert_eq!(r.from_version, "12.6.1", "FROM is what the node had before");
    assert_eq!(r.to_version, "12.6.1 + fin.cop");
    assert_eq!(
        fleet.host("fin-pub").installs,
        0,
        "a second installer was started"
    );
    assert!(
        seen.events.iter().any(|e| e.starts_with(
            "waiting fin-pub: the installer the interrupted run started is still running"
        )),
        "{:?}",
        seen.events
    );
    let asked = fleet
        .host("fin-pub")
        .commands
        .iter()
        .filter(|c| c.starts_with("utils system upgrade status"))
        .count();
    assert_eq!(asked, 3, "asked while it ran, and once more when it ended");
}

/// A Windows node whose record says an install was started and not seen to end: its
/// `running` command is asked and waited on, then its `check`; passing, the record is settled
/// and the node is done without a second installer. Failing, the node fails with the remedy
/// and still no installer runs, unless `--force`.
#[test]
fn a_windows_install_left_pending_is_settled_never_run_twice() {
    let rows = inventory();
    let m = manifest(Platform::Windows, "PG", "ES5.exe");
    let plan = plan_of(
        Operation::PatchInstall,
        Some(m),
        vec![vec![(rows[5].clone(), true)]],
    );
    let pending = Installed {
        pending: Some("ES5.exe".into()),
        ..running_vos(&[]).unwrap()
    };
    let fleet = Fleet::new(&["pg1a"]);
    {
        let mut h = fleet.host("pg1a");
        h.files
            .insert(WINDOWS_RECORD.into(), windows_record(&pending));
        h.still_running = 1;
        h.check_passes = true;
    }
    let seen = drive(&plan, &fleet, &HashMap::new(), options());
    let r = seen.result("pg1a");
    assert_eq!(r.result, Outcome::AlreadyDone, "{}", r.detail);
    assert!(
        r.detail.contains("was installed by the interrupted run"),
        "{}",
        r.detail
    );
    assert_eq!(fleet.host("pg1a").installs, 0);
    assert!(
        seen.events.iter().any(|e| e.starts_with("waiting pg1a:")),
        "the running installer was not waited for: {:?}",
        seen.events
    );
    let record: Installed =
        serde_json::from_slice(&fleet.host("pg1a").files[WINDOWS_RECORD]).unwrap();
    assert_eq!(record.pending, None);
    assert!(record.has_patch("ES5.exe"));

    // The check fails: not installed, and not started again without --force.
    let fleet = Fleet::new(&["pg1a"]);
    fleet
        .host("pg1a")
        .files
        .insert(WINDOWS_RECORD.into(), windows_record(&pending));
    let seen = drive(&plan, &fleet, &HashMap::new(), options());
    let r = seen.result("pg1a");
    assert_eq!(r.result, Outcome::Failed, "{}", r.detail);
    assert!(
        r.detail.contains("has ended without installing it"),
        "{}",
        r.detail
    );
    assert_eq!(fleet.host("pg1a").installs, 0);
    let forced = Options {
        force: true,
        ..options()
    };
    let seen = drive(&plan, &fleet, &HashMap::new(), forced);
    assert_eq!(seen.result("pg1a").result, Outcome::Done);
    assert_eq!(fleet.host("pg1a").installs, 1);
    assert!(
        seen.events[0].contains("--force: installing ES5.exe again"),
        "{:?}",
        seen.events
    );
}

// ---- one member of a group at a time ----

/// Two groups done at once: each group's members are installed one after the other (never
/// two installers in one group at once), and every member is done.
#[test]
fn one_member_of_a_group_is_changed_at_a_time() {
    let m = manifest(Platform::Vos, "Finesse", "fin.cop");
    let g = |group: &str, n: usize| -> Vec<(HostRow, bool)> {
        (0..n)
            .map(|i| {
                let name = format!("{group}-{i}");
                (
                    row(Platform::Vos, "Finesse", group, &name, "A", "Subscriber"),
                    true,
                )
            })
            .collect()
    };
    let plan = plan_of(
        Operation::PatchInstall,
        Some(m),
        vec![g("c1", 3), g("c2", 3)],
    );
    let names: Vec<String> = plan
        .groups
        .iter()
        .flatten()
        .map(|t| t.row.name.clone())
        .collect();
    let fleet = Fleet::new(&names.iter().map(String::as_str).collect::<Vec<_>>());
    for n in &names {
        fleet.host(n).installed = running_vos(&[]);
    }
    let seen = drive(
        &plan,
        &fleet,
        &HashMap::new(),
        Options {
            parallel: 2,
            ..options()
        },
    );
    assert_eq!(seen.results.len(), 6);
    assert!(seen.results.iter().all(|r| r.result == Outcome::Done));
    assert_eq!(fleet.most_at_once("c1"), 1);
    assert_eq!(fleet.most_at_once("c2"), 1);
    // Inside a group, the plan's order.
    let c1: Vec<&str> = seen
        .results
        .iter()
        .filter(|r| r.host.starts_with("c1"))
        .map(|r| r.host.as_str())
        .collect();
    assert_eq!(c1, ["c1-0", "c1-1", "c1-2"]);
}

/// A member whose installer's end was not seen (the connection dropped) may still be in it:
/// the rest of its group is not started, and the host stays leased to this run.
#[test]
fn a_member_that_may_still_be_installing_stops_its_group() {
    let rows = inventory();
    let m = manifest(Platform::Vos, "Finesse", "fin.cop");
    let plan = plan_of(
        Operation::PatchInstall,
        Some(m),
        vec![vec![
            (rows[2].clone(), true),
            (rows[0].clone(), true),
            (rows[1].clone(), true),
        ]],
    );
    let fleet = Fleet::new(&["fin-pub", "fin-sub-a", "fin-sub-b"]);
    for n in ["fin-pub", "fin-sub-a", "fin-sub-b"] {
        fleet.host(n).installed = running_vos(&[]);
    }
    fleet.host("fin-pub").drops = true;
    let seen = drive(&plan, &fleet, &HashMap::new(), options());
    let r = seen.result("fin-pub");
    assert_eq!(r.result, Outcome::Interrupted, "{}", r.detail);
    assert!(
        r.detail
            .contains("its installer may still be running on fin-pub"),
        "{}",
        r.detail
    );
    let lease: Lease = serde_json::from_slice(&fleet.host("fin-pub").files[LEASE_FILE]).unwrap();
    assert_eq!(lease.run, "run-1");
    for n in ["fin-sub-a", "fin-sub-b"] {
        let r = seen.result(n);
        assert_eq!(r.result, Outcome::Skipped);
        assert!(r
            .detail
            .contains("fin-pub, of the same group, may still be in its installer"));
        assert_eq!(fleet.host(n).installs, 0);
    }
}

/// A member of the group (chosen or not) leased by another run that is not known to be
/// finished: this host is released again and not touched. A lease of a run known finished
/// is stale and does not stand in the way.
#[test]
fn a_member_leased_by_another_run_keeps_the_host_untouched() {
    let rows = inventory();
    let m = manifest(Platform::Vos, "Finesse", "fin.cop");
    // fin-sub-a chosen; fin-pub, its group's other member, not chosen.
    let plan = plan_of(
        Operation::PatchInstall,
        Some(m),
        vec![vec![(rows[0].clone(), true), (rows[2].clone(), false)]],
    );
    let lease = |run: &str| Lease {
        run: run.into(),
        node: "cc-other".into(),
        host: "fin-pub".into(),
        group: "fin1".into(),
        operation: "patch install".into(),
        since: "2026-12-05 10:00:00".into(),
    };
    let fleet = Fleet::new(&["fin-sub-a", "fin-pub"]);
    fleet.host("fin-sub-a").installed = running_vos(&[]);
    fleet.host("fin-pub").files.insert(
        LEASE_FILE.into(),
        serde_json::to_vec(&lease("other-run")).unwrap(),
    );
    let seen = drive(&plan, &fleet, &HashMap::new(), options());
    let r = seen.result("fin-sub-a");
    assert_eq!(r.result, Outcome::Failed, "{}", r.detail);
    assert!(
        r.detail.starts_with(
            "not touched: another member of fin1, fin-pub, is leased by run other-run"
        ) && r.detail.contains("never two members of one group at once"),
        "{}",
        r.detail
    );
    assert_eq!(fleet.host("fin-sub-a").installs, 0);
    assert!(
        !fleet.host("fin-sub-a").files.contains_key(LEASE_FILE),
        "its own lease is given back"
    );
    assert!(seen.events.is_empty(), "{:?}", seen.events);

    // The other run is known finished: its lease is stale, the host is done.
    fleet.host("fin-pub").files.insert(
        LEASE_FILE.into(),
        serde_json::to_vec(&lease("finished-run")).unwrap(),
    );
    let seen = drive(&plan, &fleet, &HashMap::new(), options());
    assert_eq!(seen.result("fin-sub-a").result, Outcome::Done);
    assert_eq!(fleet.host("fin-sub-a").installs, 1);
}

/// The host's own lease held by another run: not touched, and the lease is left as it was.
#[test]
fn a_host_leased_by_another_run_is_not_touched() {
    let rows = inventory();
    let m = manifest(Platform::Vos, "Finesse", "fin.cop");
    let plan = plan_of(
        Operation::PatchInstall,
        Some(m),
        vec![vec![(rows[2].clone(), true)]],
    );
    let fleet = Fleet::new(&["fin-pub"]);
    let theirs = serde_json::to_vec(&Lease {
        run: "other-run".into(),
        node: "cc-other".into(),
        host: "fin-pub".into(),
        group: "fin1".into(),
        operation: "patch install".into(),
        since: "2026-12-05 10:00:00".into(),
    })
    .unwrap();
    {
        let mut h = fleet.host("fin-pub");
        h.installed = running_vos(&[]);
        h.files.insert(LEASE_FILE.into(), theirs.clone());
    }
    let seen = drive(&plan, &fleet, &HashMap::new(), options());
    let r = seen.result("fin-pub");
    assert_eq!(r.result, Outcome::Failed);
    assert!(
        r.detail
            .starts_with("not touched: the host is leased by run other-run"),
        "{}",
        r.detail
    );
    assert_eq!(fleet.host("fin-pub").installs, 0);
    assert_eq!(fleet.host("fin-pub").files[LEASE_FILE], theirs);
}
