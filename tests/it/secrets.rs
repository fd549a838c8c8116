//! Secrets never reach output, argv, history, logs or the state directory in plain text.

use std::os::unix::fs::PermissionsExt;

use crate::util::{all_files, ccadmin, contains, run, state};

#[test]
fn passwords_from_batch_file_and_environment_leave_no_trace() {
    let (d, s) = state();
    let batch_pw = "Batch-S3cret-One";
    let file_pw = "File-S3cret-Two";
    let env_pw = "Env-S3cret-Three";
    let mut outputs = String::new();

    let r = run(
        &s,
        &["--echo", "-v"],
        &format!("utils applicationuser add one\n{batch_pw}\n{batch_pw}\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    outputs += &(r.stdout + &r.stderr);

    let f = d.path().join("pw");
    std::fs::write(&f, format!("{file_pw}\n")).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = run(
        &s,
        &[
            "utils",
            "applicationuser",
            "add",
            "two",
            "--password-file",
            f.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    outputs += &(r.stdout + &r.stderr);

    let out = ccadmin(&s)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", env_pw)
        .args(["utils", "applicationuser", "add", "three"])
        .output()
        .unwrap();
    assert!(out.status.success());
    outputs += &String::from_utf8_lossy(&out.stdout);
    outputs += &String::from_utf8_lossy(&out.stderr);

    // A failing command must not quote the secret either.
    let r = run(
        &s,
        &[],
        &format!("utils applicationuser password one\n{batch_pw}x\n{batch_pw}y\n"),
    );
    assert_eq!(r.code, 2);
    outputs += &(r.stdout + &r.stderr);

    let r = run(
        &s,
        &["--output", "json", "run", "sql", "select * from auditlog"],
        "",
    );
    outputs += &r.stdout;
    for pw in [batch_pw, file_pw, env_pw] {
        assert!(!outputs.contains(pw), "{pw} appeared in output:\n{outputs}");
        for (path, bytes) in all_files(&s) {
            assert!(
                !contains(&bytes, pw),
                "{pw} is stored in {}",
                path.display()
            );
        }
    }
    assert_eq!(
        run(&s, &["utils", "applicationuser", "list"], "")
            .stdout
            .lines()
            .count(),
        5
    );
}

#[test]
fn group_readable_password_file_is_warned_about() {
    let (d, s) = state();
    let f = d.path().join("pw");
    std::fs::write(&f, "Str0ng-password\n").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = run(
        &s,
        &[
            "utils",
            "applicationuser",
            "add",
            "x",
            "--password-file",
            f.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("can be read by other users"),
        "{}",
        r.stderr
    );
    std::fs::write(&f, "").unwrap();
    let r = run(
        &s,
        &[
            "utils",
            "applicationuser",
            "password",
            "x",
            "--password-file",
            f.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is empty"), "{}", r.stderr);
}

/// Regression (issue 9, item 9): a state directory owned by another user was used as is.
#[test]
fn a_state_directory_owned_by_another_user_is_refused() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "run tests/run as root (it chowns a directory)"
    );
    let (_d, s) = crate::util::state();
    std::fs::create_dir_all(&s).unwrap();
    std::os::unix::fs::chown(&s, Some(65534), Some(65534)).unwrap();
    let r = crate::util::run(&s, &["utils", "node", "show"], "");
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("owned by uid 65534"), "{}", r.stderr);
    assert!(r.stderr.contains("--state-dir"), "{}", r.stderr);
    assert!(!s.join("ccadmin.db").exists(), "nothing was written there");
}
