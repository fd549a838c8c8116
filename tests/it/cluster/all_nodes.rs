//! `test-connection --all-nodes` from either Cloud Connect node: both nodes' keys in one table,
//! and VOS hosts whose account shell is the VOS CLI pass with each node's own key.

use super::*;

/// Issue 12 (beyond Cisco): `test-connection --all-nodes` on either node runs the test on both
/// Cloud Connect nodes, each with its own key, in one table; a node that cannot answer makes
/// it partial.
#[test]
fn test_connection_on_all_nodes_proves_both_keys_in_one_table() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        mut subscriber,
        pp,
        sp,
        _dirs,
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    let sshd = crate::sshd::Sshd::start();
    for st in [&p, &s] {
        sshd.authorize(&run(st, &["utils", "controlnode", "key"], "").stdout);
    }
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
        sshd.port
    );
    crate::test_connection::import(&p, &sshd, &inv);
    wait_for("the inventory to reach the subscriber", WAIT, || {
        caught_up(&p)
    });
    // Each node learns the host key at its own console, as Cisco's steps run the test on both.
    for st in [&p, &s] {
        let r = run(
            st,
            &[
                "utils",
                "deployment",
                "test-connection",
                "--accept-new-host-keys",
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    for (from, me, other) in [(&s, sp, pp), (&p, pp, sp)] {
        let r = run(
            from,
            &[
                "--output",
                "json",
                "utils",
                "deployment",
                "test-connection",
                "--all-nodes",
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["nodes"][0]["node"], format!("localhost:{me}"), "{v}");
        assert_eq!(v["nodes"][1]["node"], format!("localhost:{other}"), "{v}");
        assert_eq!(v["passed"], 2, "{v}");
        assert_ne!(
            v["nodes"][0]["public_key"], v["nodes"][1]["public_key"],
            "each node with its own key"
        );
        let text = run(
            from,
            &["utils", "deployment", "test-connection", "--all-nodes"],
            "",
        );
        let header = text.stdout.lines().next().unwrap_or_default().to_owned();
        assert!(
            header.contains(&format!("localhost:{me}"))
                && header.contains(&format!("localhost:{other}")),
            "{}",
            text.stdout
        );
    }
    // Without the other node: this node's column, and a partial result that says why.
    drop(subscriber.take());
    let r = run(
        &p,
        &["utils", "deployment", "test-connection", "--all-nodes"],
        "",
    );
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "the other Cloud Connect node localhost:{sp} did not run the test"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("Success") && r.stdout.contains("not tested"),
        "{}",
        r.stdout
    );
}

/// Issue 23 finding 3, from both Cloud Connect nodes: a VOS host onboarded to the pair, whose
/// orchestration account's shell is the VOS CLI (which answers `echo` with `Invalid command`),
/// passes test-connection with each node's own key, whichever node runs `--all-nodes`.
#[test]
fn test_connection_on_all_nodes_passes_a_vos_host_whose_shell_is_the_vos_cli() {
    let Pair {
        p,
        s,
        publisher: _publisher,
        subscriber: _subscriber,
        pp,
        sp,
        _dirs,
    } = pair();
    wait_for("the first snapshot", WAIT, || caught_up(&p));
    let (_d3, v) = state();
    trust(&p, &v, "cc-pub");
    trust(&s, &v, "cc-sub");
    let mut sshd = crate::sshd::Sshd::start();
    let host = format!("127.0.0.1:{}", sshd.port);
    node(
        &v,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--role",
            "vos",
            "--component",
            "Finesse",
            "--hostname",
            &host,
            "--orchestration-user",
            "root",
            "--authorized-keys",
            sshd.dir.path().join("authorized_keys").to_str().unwrap(),
            "--software-version",
            "12.6.1",
        ],
    );
    let r = run(
        &v,
        &["utils", "system", "onboard", "trigger"],
        &format!("localhost:{pp}\nccadmin\n{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    wait_for("the onboarded host to reach the subscriber", WAIT, || {
        caught_up(&p)
            && run(&s, &["utils", "system", "inventory", "show"], "")
                .stdout
                .contains(&host)
    });
    crate::orchestration::take_shell(&mut sshd, _d3.path(), Some(&v));
    for (from, me, other) in [(&p, pp, sp), (&s, sp, pp)] {
        let args = [
            "utils",
            "deployment",
            "test-connection",
            "--all-nodes",
            "--product",
            "Finesse",
        ];
        let r = run(from, &[&["--output", "json"][..], &args[..]].concat(), "");
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(
            (j["passed"].as_u64(), j["failed"].as_u64()),
            (Some(2), Some(0)),
            "{j}"
        );
        for (i, name) in [(0, me), (1, other)] {
            let n = &j["nodes"][i];
            assert_eq!(n["node"], format!("localhost:{name}"), "{j}");
            assert_eq!(
                n["hosts"],
                serde_json::json!([{
                    "host": host,
                    "result": "Success",
                    "seconds": n["hosts"][0]["seconds"],
                    "stage": null,
                    "detail": "VOS CLI answered: active version 12.6.1",
                }]),
                "{j}"
            );
        }
        let text = run(from, &args, "");
        assert_eq!(text.code, 0, "{}{}", text.stdout, text.stderr);
        let row = text
            .stdout
            .lines()
            .find(|l| l.contains(&host))
            .unwrap_or_else(|| panic!("{}", text.stdout));
        assert!(
            row.contains("VOS") && row.matches("Success").count() == 2,
            "{}",
            text.stdout
        );
    }
}
