//! Upgrades on the VOS cluster: the switch forward, the rollback and the compatibility check, and
//! a staged upgrade judged on the active versions while its switch is judged on the new ones.

use super::*;

#[test]
fn upgrade_switch_forward_rollback_and_the_compatibility_check() {
    let lab = lab();
    let (p, s) = (lab.vos[0].name(), lab.vos[1].name());
    lab.artifact(
        "Finesse-12.6.2.iso",
        b"new version",
        serde_json::json!({"product": "Finesse", "platform": "VOS", "kind": "upgrade", "version": "12.6.2"}),
    );
    let up = [
        "utils",
        "upgrade-manager",
        "upgrade",
        "Finesse-12.6.2.iso",
        "--group",
        "Finesse",
    ];
    // The check is on by default and needs the signed matrix.
    let r = lab.run(&[&["--yes"][..], &up[..]].concat(), "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no signed compatibility.json was downloaded")
            && r.stderr
                .contains("utils deployment compatibility-check disable"),
        "{}",
        r.stderr
    );
    // A matrix without 12.6.2 for this deploymentType: an upgrade that switches to it is
    // refused, naming nodes and versions (a staged one is judged on the active versions: see
    // a_staged_upgrade_is_judged_on_the_active_versions_and_its_switch_on_the_new_ones).
    lab.matrix(serde_json::json!({
        "UCCE-2000-Agents": [{"Finesse": "12.6.1", "PG": "12.6.*"}],
        "UCCE-4000-Agents": [{"Finesse": "12.6.2"}]
    }));
    let r = lab.run(
        &[&["--yes"][..], &up[..], &["--switch-version"][..]].concat(),
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("Finesse 12.6.2 ({p}, {s})"))
            && r.stderr
                .contains("not a combination supported for UCCE-2000-Agents"),
        "{}",
        r.stderr
    );
    assert_eq!(
        lab.vos[0].vos_version()["inactive"],
        serde_json::Value::Null
    );
    lab.matrix(serde_json::json!({
        "UCCE-2000-Agents": [{"Finesse": "12.6.1"}, {"Finesse": "12.6.2"}]
    }));
    let smtp = crate::smtp::SmtpServer::start("starttls", true);
    crate::smtp::configure(
        &lab.cc,
        &format!("localhost:{}", smtp.port),
        "starttls",
        &smtp.ca,
        true,
    );
    let (code, v) = lab.json(&up);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(p.clone(), "done".into()), (s.clone(), "done".into())]
    );
    // The result is mailed: the subject says the operation and how it went, the body has a
    // row per node with its versions.
    let mail = smtp.wait_for_mails(1)[0]["data"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        mail.contains("Subject: Upgrade Finesse-12.6.2.iso Success"),
        "{mail}"
    );
    for h in [&p, &s] {
        let row = mail
            .lines()
            .find(|l| l.starts_with(h.as_str()))
            .unwrap_or_else(|| panic!("{mail}"));
        assert!(
            row.contains("12.6.1") && row.contains("12.6.2") && row.contains("Done"),
            "{row}"
        );
    }
    for h in &lab.vos {
        let ver = h.vos_version();
        assert_eq!(ver["version"], "12.6.1", "{ver}");
        assert_eq!(ver["inactive"], "12.6.2", "{ver}");
    }
    // switch-forward shows the versions, confirms, publisher first.
    let r = lab.run(
        &[
            "utils",
            "upgrade-manager",
            "switch-forward",
            "--group",
            "Finesse",
        ],
        "yes\n",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("ACTIVE") && r.stderr.contains("12.6.2"),
        "{}",
        r.stderr
    );
    let order: Vec<usize> = [&p, &s]
        .iter()
        .map(|h| {
            r.stderr
                .find(&format!("{h}  switch-forward  switching"))
                .unwrap()
        })
        .collect();
    assert!(order[0] < order[1], "publisher first: {}", r.stderr);
    for h in &lab.vos {
        assert_eq!(h.vos_version()["version"], "12.6.2");
    }
    // Rollback: back to the inactive version; a rollback the matrix does not allow is refused.
    lab.matrix(serde_json::json!({"UCCE-2000-Agents": [{"Finesse": "12.6.2"}]}));
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "upgrade-manager",
            "rollback",
            "--group",
            "Finesse",
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("Finesse 12.6.1 ({p}, {s})")),
        "{}",
        r.stderr
    );
    assert_eq!(lab.vos[0].vos_version()["version"], "12.6.2");
    let r = lab.run(
        &["utils", "deployment", "compatibility-check", "disable"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, v) = lab.json(&["utils", "upgrade-manager", "rollback", "--group", "Finesse"]);
    assert_eq!(code, 0, "{v}");
    for h in &lab.vos {
        let ver = h.vos_version();
        assert_eq!(
            (ver["version"].as_str(), ver["inactive"].as_str()),
            (Some("12.6.1"), Some("12.6.2"))
        );
    }
    // Nothing newer to switch forward to on a Windows node: left out, said.
    let (code, v) = lab.json(&[
        "utils",
        "upgrade-manager",
        "switch-forward",
        "--dry-run",
        "--side",
        "A",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["groups"],
        serde_json::json!([[
            format!("{p} (side A, Publisher)"),
            format!("{s} (side A, Subscriber)")
        ]])
    );
    assert!(v["left_out"].to_string().contains("only VOS nodes"), "{v}");
    // How many groups at once: the cluster's setting, or the flag for one run.
    let r = lab.run(
        &["utils", "set", "orchestration", "max-parallel-tasks", "4"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, v) = lab.json(&["utils", "show", "orchestration", "max-parallel-tasks"]);
    assert_eq!(v["max_parallel_tasks"], 4);
    let r = lab.run(
        &["utils", "set", "orchestration", "max-parallel-tasks", "0"],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let dry = |extra: &[&str]| {
        let mut a = vec![
            "utils",
            "upgrade-manager",
            "switch-forward",
            "--group",
            "Finesse",
            "--dry-run",
        ];
        a.extend_from_slice(extra);
        lab.run(&a, "").stderr
    };
    assert!(dry(&[]).contains("4 group(s) at once"), "{}", dry(&[]));
    assert!(dry(&["--parallel-groups", "2"]).contains("2 group(s) at once"));
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert_eq!(h["runs"][0]["operation"], "rollback");
    assert_eq!(h["runs"][0]["steps"][0]["from_version"], "12.6.2");
    assert_eq!(h["runs"][0]["steps"][0]["to_version"], "12.6.1");
}

/// Issue 23 finding 5: the compatibility check judged an upgrade without `--switch-version`
/// as if its new version were active, though it leaves the old one active and the new one
/// inactive; so with a matrix that moves Finesse and PG together neither could be staged
/// first. It now judges what will be active after the run: the staged upgrade against the
/// active versions, the switch (forward, or `--switch-version`) against the new ones.
#[test]
fn a_staged_upgrade_is_judged_on_the_active_versions_and_its_switch_on_the_new_ones() {
    let lab = lab();
    let (p, s) = (lab.vos[0].name(), lab.vos[1].name());
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    for h in &lab.win {
        h.seed("12.6.1");
    }
    lab.artifact(
        "Finesse-12.6.2.iso",
        b"new version",
        serde_json::json!({"product": "Finesse", "platform": "VOS", "kind": "upgrade", "version": "12.6.2"}),
    );
    // Finesse 12.6.2 only with PG 12.6.2; PG may go first (a Windows upgrade is active at once).
    lab.matrix(serde_json::json!({
        "UCCE-2000-Agents": [
            {"Finesse": "12.6.1", "PG": "12.6.*"},
            {"Finesse": "12.6.2", "PG": "12.6.2"}
        ]
    }));
    let stage = [
        "utils",
        "upgrade-manager",
        "upgrade",
        "Finesse-12.6.2.iso",
        "--group",
        "Finesse",
    ];
    // Staged: Finesse keeps 12.6.1 active, a supported combination with PG 12.6.1.
    let (code, v) = lab.json(&stage);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(p.clone(), "done".into()), (s.clone(), "done".into())]
    );
    for h in &lab.vos {
        let ver = h.vos_version();
        assert_eq!(
            (ver["version"].as_str(), ver["inactive"].as_str()),
            (Some("12.6.1"), Some("12.6.2")),
            "{ver}"
        );
    }
    // Switching to it now would run Finesse 12.6.2 with PG 12.6.1: refused, said, untouched;
    // the same for an upgrade that switches.
    let refused = |r: &Run| {
        assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
        let said = r.stderr.replace('\n', " ");
        assert!(
            said.contains("refused by the compatibility check")
                && said.contains(&format!("Finesse 12.6.2 ({p}, {s})"))
                && said.contains("PG 12.6.1 (")
                && said.contains(&a)
                && said.contains(&b)
                && said.contains("not a combination supported for UCCE-2000-Agents"),
            "{}",
            r.stderr
        );
    };
    refused(&lab.run(
        &[
            "--yes",
            "utils",
            "upgrade-manager",
            "switch-forward",
            "--group",
            "Finesse",
        ],
        "",
    ));
    refused(&lab.run(
        &[&["--yes"][..], &stage[..], &["--switch-version"][..]].concat(),
        "",
    ));
    for h in &lab.vos {
        assert_eq!(h.vos_version()["version"], "12.6.1");
    }
    // PG moves to 12.6.2 (Finesse 12.6.1 with PG 12.6.* is supported), then the switch is.
    let script = format!("echo \"$(pwd)\" >> {}\n", lab.log().display());
    lab.artifact(
        "PG-12.6.2.sh",
        script.as_bytes(),
        serde_json::json!({"kind": "upgrade", "version": "12.6.2", "install": "sh PG-12.6.2.sh"}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "upgrade-manager",
        "upgrade",
        "PG-12.6.2.sh",
        "--group",
        "PG",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(a.clone(), "done".into()), (b.clone(), "done".into())]
    );
    assert_eq!(lab.installs().len(), 2, "{:?}", lab.installs());
    let (code, v) = lab.json(&[
        "utils",
        "upgrade-manager",
        "switch-forward",
        "--group",
        "Finesse",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(p.clone(), "done".into()), (s.clone(), "done".into())]
    );
    for h in &lab.vos {
        assert_eq!(h.vos_version()["version"], "12.6.2");
    }
}
