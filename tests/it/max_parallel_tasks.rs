//! `utils orchestration max-parallel-tasks reset-to-default` (Cisco's 15.0 SU1 command) beside
//! `utils set` / `utils show orchestration max-parallel-tasks`: one-shot and batch, the
//! publisher only, and not on a VOS node.

use crate::util::{run, state};

fn shown(s: &std::path::Path) -> serde_json::Value {
    let r = run(
        s,
        &[
            "--output",
            "json",
            "utils",
            "show",
            "orchestration",
            "max-parallel-tasks",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["max_parallel_tasks"].clone()
}

#[test]
fn reset_to_default_undoes_the_setting_in_a_one_shot_and_a_batch() {
    let (_d, s) = state();
    let set = |n: &str| {
        let r = run(
            &s,
            &["utils", "set", "orchestration", "max-parallel-tasks", n],
            "",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    set("6");
    assert_eq!(shown(&s), 6);
    let r = run(
        &s,
        &[
            "utils",
            "orchestration",
            "max-parallel-tasks",
            "reset-to-default",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("max-parallel-tasks is now 1 (the default)."),
        "{}",
        r.stderr
    );
    assert_eq!(shown(&s), 1);
    // The setting is gone, not written as 1: nothing is left to replicate but its removal.
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select value from setting where key = 'shared.max-parallel-tasks'",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(0), "{v}");
    // In a batch, after a set, with `?` listing it beside nothing else.
    set("3");
    let r = run(
        &s,
        &[],
        "utils orchestration max-parallel-tasks ?\nutils orchestration max-parallel-tasks reset-to-default\nutils show orchestration max-parallel-tasks\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("reset-to-default"), "{}", r.stdout);
    assert!(r.stdout.contains("max-parallel-tasks : 1"), "{}", r.stdout);
    // Reset again: still the default, no error.
    let r = run(
        &s,
        &[
            "utils",
            "orchestration",
            "max-parallel-tasks",
            "reset-to-default",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(shown(&s), 1);
}

#[test]
fn reset_to_default_is_refused_on_a_subscriber_and_a_vos_node() {
    let (_d, s) = state();
    crate::util::make_subscriber(&s, "cc-pub.lab");
    let reset = [
        "utils",
        "orchestration",
        "max-parallel-tasks",
        "reset-to-default",
    ];
    let r = run(&s, &reset, "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("This command can only be run on the publisher node."),
        "{}",
        r.stderr
    );
    let (_d2, v) = state();
    crate::util::make_vos(&v);
    let r = run(&v, &reset, "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("This command can only be run on a Cloud Connect node."),
        "{}",
        r.stderr
    );
    // Hidden from the VOS node's menus.
    let r = run(&v, &["utils", "?"], "");
    assert!(!r.stdout.contains("orchestration"), "{}", r.stdout);
}

/// At the `admin:` prompt: Tab completes the new menu's words, and the command runs.
#[test]
fn reset_to_default_completes_and_runs_in_the_shell() {
    let (_d, s) = state();
    let r = run(
        &s,
        &["utils", "set", "orchestration", "max-parallel-tasks", "4"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut p = crate::shell::shell(&s, 40);
    p.send("utils orch\t").unwrap();
    p.flush().unwrap();
    p.exp_string("orchestration ").unwrap();
    p.send("max\t").unwrap();
    p.flush().unwrap();
    p.exp_string("max-parallel-tasks ").unwrap();
    p.send("re\t").unwrap();
    p.flush().unwrap();
    p.exp_string("reset-to-default ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("max-parallel-tasks is now 1 (the default).")
        .unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(shown(&s), 1);
}
