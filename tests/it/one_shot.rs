//! One-shot mode: `ccadmin COMMAND ...` runs one command and exits with its status.

use std::os::unix::fs::PermissionsExt;

use crate::util::{ccadmin, run, state};

#[test]
fn node_show_text_and_json_on_a_fresh_state_directory() {
    let (_d, s) = state();
    let r = run(&s, &["utils", "node", "show"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let host = gethostname();
    assert!(
        r.stdout.contains("Role               : publisher"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("Hostname           : {host}")),
        "{}",
        r.stdout
    );
    let r = run(&s, &["utils", "node", "show", "--output", "json"], "");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["role"], "publisher");
    assert_eq!(v["hostname"], host.as_str());
    assert_eq!(v["ssh_port"], 22);
    assert!(v["publisher"].is_null());
}

fn gethostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn state_directory_is_0700_and_database_0600() {
    let (_d, s) = state();
    assert_eq!(run(&s, &["utils", "node", "show"], "").code, 0);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s), 0o700);
    for f in std::fs::read_dir(&s).unwrap() {
        let p = f.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
}

#[test]
fn output_json_from_the_environment() {
    let (_d, s) = state();
    let out = ccadmin(&s)
        .env("CCADMIN_OUTPUT", "json")
        .args(["show", "cli", "pagination"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pagination"], true);
}

#[test]
fn invalid_command_suggests_and_exits_2() {
    let (_d, s) = state();
    let r = run(&s, &["utils", "nod", "show"], "");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("Invalid command: utils nod show"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Did you mean: utils node show?"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2_and_name_the_problem() {
    let (_d, s) = state();
    let r = run(&s, &["utils", "node", "set"], "");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--role"), "{}", r.stderr);
    let r = run(
        &s,
        &["utils", "node", "set", "--hostname", "bad_host.example.com"],
        "",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'_' is not allowed in a host name"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.ends_with("Executed command unsuccessfully\n"),
        "{}",
        r.stderr
    );
    let r = run(&s, &["-f", "x", "utils", "node", "show"], "");
    assert_eq!(r.code, 2);
}

#[test]
fn help_and_version_succeed() {
    let (_d, s) = state();
    let r = run(&s, &["--help"], "");
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("--state-dir") && r.stdout.contains("Exit status"),
        "{}",
        r.stdout
    );
    let r = run(&s, &["--version"], "");
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("ccadmin "), "{}", r.stdout);
    let r = run(&s, &["help", "utils", "applicationuser", "add"], "");
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Example:"), "{}", r.stdout);
}

#[test]
fn role_change_confirms_and_a_missing_answer_names_yes() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[
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
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(run(&s, &["utils", "node", "show"], "")
        .stdout
        .contains("publisher"));
    let r = run(
        &s,
        &[
            "utils",
            "node",
            "set",
            "--role",
            "vos",
            "--component",
            "Finesse",
        ],
        "no\n",
    );
    assert_eq!(r.code, 0);
    assert!(run(&s, &["utils", "node", "show"], "")
        .stdout
        .contains("publisher"));
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
            "--orchestration-user",
            "ccorch",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = run(&s, &["utils", "node", "show"], "").stdout;
    assert!(
        show.contains("Role               : vos")
            && show.contains("Finesse")
            && show.contains("ccorch"),
        "{show}"
    );
}

#[test]
fn subscriber_needs_a_publisher() {
    let (_d, s) = state();
    let r = run(
        &s,
        &["-y", "utils", "node", "set", "--role", "subscriber"],
        "",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--publisher FQDN"), "{}", r.stderr);
    crate::util::make_subscriber(&s, "cc-pub.lab:8445");
}

#[test]
fn closed_stdout_pipe_is_not_an_error() {
    let (_d, s) = state();
    let script = format!(
        "{} --state-dir {} run sql 'with recursive c(x) as (select 1 union all select x+1 from c limit 200000) select x from c' | head -n 3; echo \"status=${{PIPESTATUS[0]}}\"",
        crate::util::bin().display(),
        s.display()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("status=0"), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with("x\n=\n1\n") || stdout.starts_with("x\n"),
        "{stdout}"
    );
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn run_sql_reads_views_and_refuses_writes_attach_pragma_and_hashes() {
    let (_d, s) = state();
    let r = run(
        &s,
        &["utils", "applicationuser", "add", "ccadmin"],
        "Str0ng-pass\nStr0ng-pass\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &s,
        &["run", "sql", "select name, isstandard from applicationuser"],
        "",
    );
    assert_eq!(
        r.stdout,
        "name    isstandard\n======= ==========\nccadmin f\n"
    );
    for (sql, why) in [
        ("delete from app_user", "would delete from app_user"),
        (
            "insert into setting values ('a','b')",
            "would insert into setting",
        ),
        ("update app_user set name = 'x'", "would update app_user"),
        ("attach database '/tmp/x.db' as x", "ATTACH"),
        ("pragma user_version = 5", "PRAGMA user_version"),
        (
            "select password_hash from app_user",
            "app_user.password_hash cannot be read",
        ),
        (
            "select * from app_user",
            "app_user.password_hash cannot be read",
        ),
        (
            "drop view applicationuser",
            "only SELECT statements run here",
        ),
    ] {
        let r = run(&s, &["run", "sql", sql], "");
        assert_eq!(r.code, 1, "{sql}: {}", r.stdout);
        assert!(r.stderr.contains(why), "{sql}: {}", r.stderr);
        assert!(!r.stderr.contains("$argon2"), "{}", r.stderr);
    }
    let r = run(&s, &["run", "sql", "select 1; select 2"], "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("only one statement"), "{}", r.stderr);
    let r = run(
        &s,
        &["run", "sql", "select nosuchcolumn from applicationuser"],
        "",
    );
    assert!(
        r.stderr.contains("no such column: nosuchcolumn"),
        "{}",
        r.stderr
    );
    // Still there, unchanged.
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select name from applicationuser",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["columns"], serde_json::json!(["name"]));
    assert_eq!(v["rows"], serde_json::json!([{"name": "ccadmin"}]));
}

#[test]
fn audit_log_records_state_changes_with_result() {
    let (_d, s) = state();
    run(
        &s,
        &["utils", "applicationuser", "add", "auditme"],
        "Str0ng-pass\nStr0ng-pass\n",
    );
    run(
        &s,
        &["utils", "applicationuser", "delete", "nobody", "--yes"],
        "",
    );
    run(&s, &["utils", "node", "show"], "");
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select command, result from auditlog order by id",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        2,
        "read-only commands are not audited: {rows:?}"
    );
    assert_eq!(rows[0]["command"], "utils applicationuser add auditme");
    assert_eq!(rows[0]["result"], "success");
    assert_eq!(rows[1]["result"], "failed (1)");
}

/// Regression (issue 9, item 4): `with x as (select password_hash h from app_user) select h
/// from x` read the hashes, because the check exempted reads made on behalf of a named CTE.
#[test]
fn run_sql_never_reads_password_hashes_by_any_path() {
    let (_d, s) = state();
    let r = run(
        &s,
        &["utils", "applicationuser", "add", "ccadmin"],
        "Str0ng-pass\nStr0ng-pass\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for sql in [
        "with x as (select password_hash h from app_user) select h from x",
        "with x as materialized (select password_hash h from app_user) select h from x",
        "with x as not materialized (select password_hash h from app_user) select h from x",
        "with recursive x(h) as (select password_hash from app_user) select h from x",
        "select h from (select password_hash as h from app_user)",
        "select (select password_hash from app_user limit 1)",
        "select name from applicationuser where exists (select 1 from app_user where password_hash like '$argon2id%')",
        "select json_object('h', password_hash) from app_user",
        "select group_concat(password_hash) from app_user",
        "select substr(password_hash, 1, 40) from app_user",
        "select name from app_user order by password_hash",
        "select name from app_user where password_hash > ''",
        "select a.password_hash from app_user a join applicationuser b on a.name = b.name",
        "select * from (select * from app_user)",
        "select hex(password_hash) from app_user union select 1",
        "select * from sqlite_dbpage",
        "select * from dbstat",
    ] {
        let r = run(&s, &["run", "sql", sql], "");
        assert_ne!(r.code, 0, "{sql} ran: {}", r.stdout);
        for out in [&r.stdout, &r.stderr] {
            assert!(!out.contains("argon2"), "{sql} leaked: {out}");
            assert!(!out.to_lowercase().contains("246172676f6e"), "{sql} leaked hex: {out}");
        }
    }
    // sqlite_master names the column but holds no value of it.
    let r = run(
        &s,
        &["run", "sql", "select group_concat(sql) from sqlite_master"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("argon2"), "{}", r.stdout);
}

/// Issue 11 D8: a one-shot error names the command's words (not a global option's value), and
/// `?` works in one-shot as at the prompt.
#[test]
fn one_shot_errors_name_the_command_and_question_mark_gives_the_syntax() {
    let (_d, s) = state();
    let r = run(
        &s,
        &[
            "--state-dir",
            s.to_str().unwrap(),
            "--output",
            "json",
            "utils",
            "node",
            "bogus",
        ],
        "",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("Invalid command: utils node bogus\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Executed command unsuccessfully"),
        "{}",
        r.stderr
    );
    let r = run(&s, &["utils", "system", "onboard", "?"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("trigger (alias: initiate, restart)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("status"), "{}", r.stdout);
    let r = run(&s, &["utils", "node", "set", "--role", "bogus"], "");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("Hint: type \"utils node set ?\" for its syntax"),
        "{}",
        r.stderr
    );
}

/// Issue 11 D10: `?`, `help` and Tab show the commands of this node's role; the other role's
/// commands answer with the role they need.
#[test]
fn each_role_sees_its_own_commands() {
    let (_d, s) = state();
    let cc = run(&s, &["utils", "system", "?"], "").stdout;
    assert!(cc.contains("inventory") && !cc.contains("onboard"), "{cc}");
    let r = run(&s, &["utils", "system", "onboard", "status"], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command runs on the publisher of a VOS cluster."),
        "{}",
        r.stderr
    );
    crate::util::make_vos(&s);
    let vos = run(&s, &["utils", "system", "?"], "").stdout;
    assert!(
        vos.contains("onboard") && !vos.contains("inventory"),
        "{vos}"
    );
    let utils = run(&s, &["utils", "?"], "").stdout;
    assert!(
        !utils.contains("image-repository*")
            && !utils.contains("deployment*")
            && !utils.contains("controlnode*"),
        "{utils}"
    );
    let help = run(&s, &[], "help utils system\n").stdout;
    assert!(
        help.contains("onboard*") && !help.contains("inventory*"),
        "{help}"
    );
    let r = run(&s, &["utils", "image-repository", "show"], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("This command can only be run on a Cloud Connect node."),
        "{}",
        r.stderr
    );
}

/// Issue 11 D9: help offers `--output` and `--yes` only where the command uses them, and a
/// missing argument is named in the console's words.
#[test]
fn help_shows_only_the_options_a_command_uses() {
    let (_d, s) = state();
    let help = |words: &str| run(&s, &[], &format!("help {words}\n")).stdout;
    let add = help("utils applicationuser add");
    assert!(!add.contains("--output") && !add.contains("--yes"), "{add}");
    let delete = help("utils applicationuser delete");
    assert!(
        delete.contains("--yes") && !delete.contains("--output"),
        "{delete}"
    );
    let list = help("utils applicationuser list");
    assert!(
        list.contains("--output") && !list.contains("--yes"),
        "{list}"
    );
    let syntax = run(&s, &["utils", "applicationuser", "delete", "?"], "").stdout;
    assert!(
        syntax.contains("--yes") && !syntax.contains("--output"),
        "{syntax}"
    );
    let r = run(&s, &["utils", "cert", "import"], "");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("Error: utils cert import needs FILE (The PEM file"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("the following required arguments"),
        "{}",
        r.stderr
    );
}

/// Issue 11 D5 and D12: enumerated answers in any case (a wrong one names the choices before
/// any secret is asked), the password rules before the confirmation, the texts that were stale.
#[test]
fn answers_in_any_case_and_texts_that_say_what_is() {
    let (_d, s) = state();
    // `API-Key` is accepted; the Artifactory is then unreachable (port 9 refuses).
    let r = run(
        &s,
        &[
            "utils",
            "image-repository",
            "set",
            "--url",
            "https://127.0.0.1:9/a",
            "--timeout",
            "5",
        ],
        "\nAPI-Key\nAKCp8-typed-key-1234\nUnrestricted\n",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("cannot be reached"), "{}", r.stderr);
    // A wrong choice fails at once, naming the choices, before the key is asked.
    let r = run(
        &s,
        &[
            "utils",
            "image-repository",
            "set",
            "--url",
            "https://127.0.0.1:9/a",
        ],
        "\nbasic\nAKCp8-typed-key-1234\n",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "Authentication type (api-key/identity-token): the answer is not an authentication type: use api-key or identity-token"
        ) && !r.stderr.contains("basic"),
        "{}",
        r.stderr
    );
    // A password the rules refuse is refused before its confirmation is read.
    let r = run(&s, &["utils", "applicationuser", "add", "carol"], "short\n");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("the password is not acceptable"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("no value for Confirm Password"),
        "{}",
        r.stderr
    );
    // run sql names every table; `utils ?` says what `system` holds.
    let r = run(&s, &["run", "sql", "select * from nosuch"], "");
    assert!(
        r.stderr
            .contains("inventoryversion, onboardedhost, secretlocation"),
        "{}",
        r.stderr
    );
    let utils = run(&s, &["utils", "?"], "").stdout;
    assert!(utils.contains("onboarding a VOS cluster"), "{utils}");
    // The audit actor without $USER is the account's name from the user database.
    let out = crate::util::ccadmin(&s)
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", "Str0ng-pass-1")
        .args(["utils", "applicationuser", "add", "dave"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let audit = run(
        &s,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select actor from auditlog",
        ],
        "",
    )
    .stdout;
    let me = nix::unistd::User::from_uid(nix::unistd::getuid())
        .unwrap()
        .unwrap()
        .name;
    assert!(audit.contains(&format!("\"actor\": \"{me}\"")), "{audit}");
    assert!(!audit.contains("uid "), "{audit}");
}

/// A menu's role is checked on the path clap matched, so global options between its words
/// (`utils -q smtp show subscriptions`) do not hide it: on a VOS node a Cloud Connect menu is
/// refused as a one-shot, through `-c` (the login shell's form) and at the prompt alike, and
/// a VOS menu on a Cloud Connect node.
#[test]
fn a_menus_role_is_checked_whatever_options_stand_between_its_words() {
    let (_d, s) = state();
    crate::util::make_vos(&s);
    let cloud_connect_only = [
        &["utils", "-q", "smtp", "show", "subscriptions"][..],
        &[
            "utils",
            "--output",
            "json",
            "image-repository",
            "-q",
            "show",
        ],
        &["utils", "-v", "system", "inventory", "show"],
        &["utils", "patch-manager", "-q", "signer", "list"],
        &["-c", "utils -q smtp show subscriptions"],
        &["-c", "utils --output json controlnode -q key"],
    ];
    for args in cloud_connect_only {
        let r = run(&s, args, "");
        assert_eq!(r.code, 1, "{args:?} is refused: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .contains("This command can only be run on a Cloud Connect node."),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stdout.is_empty(),
            "{args:?} printed nothing: {}",
            r.stdout
        );
    }
    let r = run(&s, &[], "utils smtp --output json show subscriptions\n");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("only be run on a Cloud Connect node"),
        "{}",
        r.stderr
    );

    let (_d2, cc) = state();
    let r = run(&cc, &["show", "-q", "version", "active"], "");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("This command runs on a VOS node."),
        "{}",
        r.stderr
    );
}
