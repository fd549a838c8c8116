//! Batch mode: stdin that is not a terminal, or `-f FILE`.

use crate::util::{run, state};

const ADD_BOB: &str = "utils applicationuser add bob\nStr0ng-pass\nStr0ng-pass\n";

fn users(s: &std::path::Path) -> Vec<String> {
    let r = run(
        s,
        &["--output", "json", "utils", "applicationuser", "list"],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn prompts_take_the_next_lines_as_answers() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[],
        &format!("# a comment\n\n{ADD_BOB}utils applicationuser list\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("bob"), "{}", r.stdout);
    assert!(
        r.stderr.contains("Application user bob added."),
        "{}",
        r.stderr
    );
    assert_eq!(users(&s), vec!["bob"]);
}

#[test]
fn stops_at_the_first_failure_with_its_status() {
    let (_d, s) = state();
    let script = format!("utils nod show\n{ADD_BOB}");
    let r = run(&s, &[], &script);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("Invalid command: utils nod show"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Executed command unsuccessfully"),
        "{}",
        r.stderr
    );
    assert!(users(&s).is_empty(), "nothing after the failure ran");
}

#[test]
fn keep_going_runs_everything_and_returns_the_last_failure() {
    let (_d, s) = state();
    let script = format!(
        "utils nod show\n{ADD_BOB}utils applicationuser delete ghost --yes\nutils node show\n"
    );
    let r = run(&s, &["--keep-going"], &script);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(users(&s), vec!["bob"]);
    assert!(r.stdout.contains("Role"), "{}", r.stdout);
    assert_eq!(
        r.stderr.matches("Executed command unsuccessfully").count(),
        2,
        "{}",
        r.stderr
    );
}

/// Switches set from their variables take what shell scripts write (`1`, `yes`, `on`), and
/// `0` turns them off; anything else is a usage error naming the option.
#[test]
fn switch_variables_take_shell_style_values() {
    let (_d, s) = state();
    let batch = "utils nod show\nutils node show\n";
    let with = |value: &str| {
        let out = crate::util::ccadmin(&s)
            .env("CCADMIN_KEEP_GOING", value)
            .write_stdin(batch)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for on in ["1", "yes", "ON", "true"] {
        let (code, stdout, stderr) = with(on);
        assert_eq!(code, Some(2), "{on}: {stderr}");
        assert!(
            stdout.contains("Role"),
            "{on}: the second command ran: {stdout}"
        );
    }
    let (code, stdout, stderr) = with("0");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(!stdout.contains("Role"), "0 stops at the failure: {stdout}");
    let (code, _, stderr) = with("maybe");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid value 'maybe' for '--keep-going'"),
        "{stderr}"
    );
}

#[test]
fn echo_prints_commands_but_never_answers() {
    let (_d, s) = state();
    let r = run(&s, &["--echo"], &format!("{ADD_BOB}show cli pagination\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "admin:utils applicationuser add bob\nadmin:show cli pagination\nAutomatic Pagination : On.\n"
    );
    assert!(!r.stdout.contains("Str0ng-pass") && !r.stderr.contains("Str0ng-pass"));
}

#[test]
fn missing_answer_at_end_of_input_names_the_flag() {
    let (_d, s) = state();
    let r = run(&s, &[], "utils applicationuser add bob\nStr0ng-pass\n");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("Confirm Password"), "{}", r.stderr);
    assert!(r.stderr.contains("--password-file"), "{}", r.stderr);
    assert!(
        r.stderr.contains("CCADMIN_APPLICATIONUSER_PASSWORD"),
        "{}",
        r.stderr
    );
    assert!(users(&s).is_empty());
}

#[test]
fn mismatched_passwords_fail_and_add_nothing() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[],
        "utils applicationuser add bob\nStr0ng-pass\nOther-pass1\n",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("do not match"), "{}", r.stderr);
    assert!(users(&s).is_empty());
    let r = run(&s, &[], "utils applicationuser add bob\nshort\nshort\n");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("at least 8 characters"), "{}", r.stderr);
}

#[test]
fn confirmation_answers_yes_no_and_rejects_others_with_the_line() {
    let (_d, s) = state();
    assert_eq!(run(&s, &[], ADD_BOB).code, 0);
    let r = run(&s, &[], "utils applicationuser delete bob\nmaybe\n");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("stdin:2: expected yes or no"),
        "{}",
        r.stderr
    );
    let r = run(&s, &[], "utils applicationuser delete bob\nNO\n");
    assert_eq!(r.code, 0);
    assert_eq!(users(&s), vec!["bob"]);
    let r = run(&s, &[], "utils applicationuser delete bob\nY\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(users(&s).is_empty());
}

#[test]
fn quit_ends_the_batch() {
    let (_d, s) = state();
    let r = run(&s, &[], &format!("show cli pagination\nquit\n{ADD_BOB}"));
    assert_eq!(r.code, 0);
    assert!(users(&s).is_empty());
}

#[test]
fn batch_from_a_file_takes_answers_from_the_file() {
    let (d, s) = state();
    let f = d.path().join("script.txt");
    std::fs::write(&f, ADD_BOB).unwrap();
    let r = run(&s, &["-f", f.to_str().unwrap()], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(users(&s), vec!["bob"]);
    let r = run(&s, &["-f", "/nonexistent/script"], "");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot open the batch file /nonexistent/script"),
        "{}",
        r.stderr
    );
}

#[test]
fn incomplete_command_lists_the_menu() {
    let (_d, s) = state();
    let r = run(&s, &[], "utils node\n");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("Incomplete command: utils node"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("show") && r.stderr.contains("set"),
        "{}",
        r.stderr
    );
}

#[test]
fn question_mark_prints_syntax_in_a_batch_too() {
    let (_d, s) = state();
    let r = run(&s, &[], "utils applicationuser add ?\nutils ?\n");
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Syntax:\n  utils applicationuser add"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("node*"), "{}", r.stdout);
}

#[test]
fn per_line_output_option() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[],
        "show cli pagination --output json\nshow cli pagination\n",
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .starts_with("{\n  \"pagination\": true\n}\nAutomatic Pagination : On.\n"),
        "{}",
        r.stdout
    );
}

/// An API key that lands on a choice prompt (the batch left out a line before it) is refused
/// without being printed back: the error names the prompt and the choices, never the answer.
#[test]
fn an_api_key_on_a_choice_prompt_is_never_printed_back() {
    let (_d, s) = state();
    let key = "AKCp8-secret-api-key-on-the-wrong-line";
    // The authentication type's line is missing: the key is read as its answer.
    let batch =
        format!("utils image-repository set\nhttps://127.0.0.1:9/a\n\n{key}\nunrestricted\n");
    let r = run(&s, &[], &batch);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.to_lowercase().contains("akcp8") && !r.stderr.to_lowercase().contains("akcp8"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the answer is not an authentication type: use api-key or identity-token"),
        "{}",
        r.stderr
    );
}

/// A command that fails before it reads its answers leaves them in the batch; with
/// `--keep-going` they come next as lines. They are never shown: not echoed, not in an error.
#[test]
fn answers_left_by_a_failed_command_are_never_shown() {
    let (_d, s) = state();
    // A VOS node refuses `image-repository set` before asking anything.
    let r = run(
        &s,
        &[
            "--yes",
            "utils",
            "node",
            "set",
            "--role",
            "vos",
            "--component",
            "Finesse",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let key = "AKCp8-secret-api-key-77f1c0";
    let batch = format!(
        "utils image-repository set\nhttps://devhub-download.cisco.com/binaries\nent-platform-release-external\napi-key\n{key}\nunrestricted\nutils nodee show\nutils node show\n"
    );
    let r = run(&s, &["--keep-going", "--echo"], &batch);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        !r.stdout.contains(key) && !r.stderr.contains(key),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stderr
            .contains("Invalid command at stdin:5 (the line is not shown"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("admin:(line stdin:5 not shown)"),
        "{}",
        r.stdout
    );
    // A typo of a command is still shown, with its suggestion; the rest of the batch ran.
    assert!(
        r.stderr.contains("Invalid command: utils nodee show"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("admin:utils node show"), "{}", r.stdout);
    assert!(r.stdout.contains("vos"), "{}", r.stdout);
}
