//! Windows hosts as they really are (issue 23): no `.ccadmin-installed.json`, the version and
//! ES patches in the registry. The lab's Windows pair (real sshd, the account's shell `sh`)
//! answers the signed catalogue's probe with a fixture script in its home that prints what
//! `reg query "HKLM\SOFTWARE\Cisco Systems, Inc.\ICM" /s` prints (CRLF lines), its patches from
//! a file the test patches' installers append to, as a real ES installer adds its registry key.

use crate::orchestration::{lab, Host, Lab};
use crate::patches::{keypair, minisign};

/// The fixture: `reg query` output with Version `version` and one subkey of `Patches` per line
/// of `registry-patches.txt` (each with a `Version` of its own, which is not the host's).
fn probe_script(version: &str) -> String {
    format!(
        r#"printf '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\r\n    Version    REG_SZ    {version}\r\n    InstallDrive    REG_SZ    C\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\r\n\r\n'
if [ -f registry-patches.txt ]; then
  while read -r p; do
    printf 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\\Patches\\%s\r\n    Version    REG_SZ    %s.10000\r\n\r\n' "$p" "$p"
  done < registry-patches.txt
fi
"#
    )
}

fn fixture(h: &Host, script: &str, patches: &[&str]) {
    std::fs::write(h.home.path().join("probe.sh"), script).unwrap();
    let list: String = patches.iter().map(|p| format!("{p}\n")).collect();
    std::fs::write(h.home.path().join("registry-patches.txt"), list).unwrap();
}

const PROBE: &str = r#"{"command": "sh probe.sh", "format": "reg-query", "version": "Version", "patches": "Patches"}"#;

/// A catalogue signed by a publisher the Cloud Connect node trusts (a signer of its own, so
/// nothing of the orchestration lab's is shared).
struct Publisher {
    _dir: tempfile::TempDir,
    secret: std::path::PathBuf,
}

impl Publisher {
    fn trusted(lab: &Lab) -> Publisher {
        let dir = tempfile::tempdir().unwrap();
        let (public, secret) = keypair(dir.path(), "catalogue");
        let r = lab.run(
            &[
                "utils",
                "patch-manager",
                "signer",
                "add",
                "catalogue-publisher",
                public.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        Publisher { _dir: dir, secret }
    }
    fn catalogue(&self, lab: &Lab, json: &str) -> std::path::PathBuf {
        let dir = lab.cc.join("artifacts/catalogue");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("catalogue.json");
        serde_json::from_str::<serde_json::Value>(json).expect("the test's catalogue is JSON");
        std::fs::write(&path, json).unwrap();
        minisign(&[
            "-S",
            "-s",
            self.secret.to_str().unwrap(),
            "-m",
            path.to_str().unwrap(),
        ]);
        path
    }
}

/// `(host, result, detail)` of each node of a run's JSON, in plan order.
fn nodes(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|n| {
            (
                n["host"].as_str().unwrap().to_owned(),
                n["result"].as_str().unwrap().to_owned(),
                n["detail"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A host's line of `show status --output json`.
fn status_of(lab: &Lab, host: &str) -> serde_json::Value {
    let (_, v) = lab.json(&["utils", "deployment", "show", "status", "--group", "PG"]);
    v["hosts"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .find(|h| h["host"] == host)
        .cloned()
        .unwrap_or_else(|| panic!("{host} not in {v}"))
}

fn patch_names(h: &serde_json::Value) -> Vec<String> {
    h["patches"]
        .as_array()
        .unwrap_or_else(|| panic!("{h}"))
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

fn no_record(h: &Host) -> bool {
    !h.home.path().join(".ccadmin-installed.json").exists()
}

#[test]
fn windows_probe_a_host_without_a_record_is_read_by_its_probe_and_patched() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    fixture(&lab.win[0], &probe_script("12.6.1"), &["ICM12.6.1_ES5"]);
    fixture(&lab.win[1], &probe_script("12.6.1"), &[]);
    assert!(no_record(&lab.win[0]) && no_record(&lab.win[1]));
    let publisher = Publisher::trusted(&lab);
    publisher.catalogue(&lab, &format!(r#"{{"PG": {{"probe": {PROBE}}}}}"#));

    // Status reads the registry's answer.
    let h = status_of(&lab, &a);
    assert_eq!(h["version"], "12.6.1", "{h}");
    assert_eq!(patch_names(&h), ["ICM12.6.1_ES5"], "{h}");
    assert_eq!(status_of(&lab, &b)["version"], "12.6.1");

    // The ES installer registers itself (its key under Patches), as a real one does.
    lab.artifact(
        "ICM12.6.1_ES7.sh",
        b"echo ICM12.6.1_ES7 >> registry-patches.txt\n",
        serde_json::json!({"install": "sh ICM12.6.1_ES7.sh", "version": "12.6.1-ES7"}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "ICM12.6.1_ES7.sh",
        "--node",
        &a,
    ]);
    assert_eq!(code, 0, "{v}");
    let n = nodes(&v);
    assert_eq!(n.len(), 1, "{v}");
    assert_eq!(
        (n[0].0.as_str(), n[0].1.as_str()),
        (a.as_str(), "done"),
        "{v}"
    );
    // The version the probe read (the run may add the patch level after it).
    assert!(
        v["nodes"][0]["from_version"]
            .as_str()
            .is_some_and(|f| f.starts_with("12.6.1")),
        "{v}"
    );
    assert_eq!(v["result"], "Success", "{v}");

    // Status shows the patch ccadmin installed beside the one it found.
    let h = status_of(&lab, &a);
    assert_eq!(
        patch_names(&h),
        ["ICM12.6.1_ES5", "ICM12.6.1_ES7.sh"],
        "{h}"
    );
    let text = lab.run(&["utils", "deployment", "show", "status", "--node", &a], "");
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("ICM12.6.1_ES5, ICM12.6.1_ES7.sh"),
        "{}",
        text.stdout
    );
    // Again: found installed (the probe shows it), not installed twice.
    let (_, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "ICM12.6.1_ES7.sh",
        "--node",
        &a,
    ]);
    assert_eq!(nodes(&v)[0].1, "already-done", "{v}");
    let registered =
        std::fs::read_to_string(lab.win[0].home.path().join("registry-patches.txt")).unwrap();
    assert_eq!(
        registered.matches("ICM12.6.1_ES7").count(),
        1,
        "{registered}"
    );

    // The ES found in the registry (installed by hand) is the artifact of that name: not
    // installed again.
    lab.artifact(
        "ICM12.6.1_ES5.exe",
        b"touch es5.ran\n",
        serde_json::json!({"install": "sh ICM12.6.1_ES5.exe", "version": "12.6.1-ES5"}),
    );
    let (_, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "ICM12.6.1_ES5.exe",
        "--node",
        &a,
    ]);
    assert_eq!(nodes(&v)[0].1, "already-done", "{v}");
    assert!(!lab.win[0].home.path().join("es5.ran").exists());

    // An installer that exits 0 and registers nothing: the probe is the truth, the node fails.
    lab.artifact(
        "ICM12.6.1_ES8.sh",
        b"touch es8.ran\n",
        serde_json::json!({"install": "sh ICM12.6.1_ES8.sh", "version": "12.6.1-ES8"}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "ICM12.6.1_ES8.sh",
        "--node",
        &b,
    ]);
    assert_ne!(code, 0, "{v}");
    let n = nodes(&v);
    assert_eq!(n[0].1, "failed", "{v}");
    assert!(
        n[0].2
            .contains("does not report ICM12.6.1_ES8.sh after the install"),
        "{v}"
    );
    assert!(lab.win[1].home.path().join("es8.ran").exists());
    assert!(patch_names(&status_of(&lab, &b)).is_empty());
}

#[test]
fn windows_probe_a_host_with_neither_probe_nor_record_fails_with_the_reason() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    lab.artifact(
        "es1.sh",
        b"touch ran\n",
        serde_json::json!({"install": "sh es1.sh"}),
    );
    // --max-fail: every node is tried (a failure would otherwise stop the run at side A).
    let install = [
        "utils",
        "patch-manager",
        "install",
        "es1.sh",
        "--group",
        "PG",
        "--max-fail",
        "5",
    ];

    // No catalogue at all, no record: failed with what to do, never "Not applicable".
    let (code, v) = lab.json(&install);
    assert_eq!(code, 1, "{v}");
    assert_ne!(v["result"], "Success", "{v}");
    for (host, result, detail) in nodes(&v) {
        assert_eq!(result, "failed", "{v}");
        assert!(
            detail.contains(&format!("cannot tell what {host} runs: no signed product catalogue (catalogue.json) was downloaded and the host has no .ccadmin-installed.json; download the catalogue")),
            "{detail}"
        );
    }
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    assert_eq!(h["runs"][0]["result"], "Failure", "{h}");

    // A catalogue without a probe for PG says so.
    let publisher = Publisher::trusted(&lab);
    let path = publisher.catalogue(
        &lab,
        &format!(r#"{{"ROUTER": {{"probe": {PROBE}}}, "PG": {{}}}}"#),
    );
    let (code, v) = lab.json(&install);
    assert_eq!(code, 1, "{v}");
    let n = nodes(&v);
    assert_eq!(n.len(), 2, "{v}");
    for (host, result, detail) in n {
        assert_eq!(result, "failed", "{v}");
        assert!(
            detail.contains(&format!("cannot tell what {host} runs: the signed catalogue has no probe for PG and the host has no .ccadmin-installed.json")),
            "{detail}"
        );
    }
    let r = lab.run(
        &["utils", "deployment", "show", "status", "--group", "PG"],
        "",
    );
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("2 of 2 node(s) could not be read"),
        "{}",
        r.stderr
    );
    for h in &lab.win {
        assert!(!h.home.path().join("ran").exists());
    }

    // No probe but a record: the record, as before.
    std::fs::write(
        lab.win[0].home.path().join(".ccadmin-installed.json"),
        r#"{"version": "12.6.1"}"#,
    )
    .unwrap();
    assert_eq!(status_of(&lab, &a)["version"], "12.6.1");
    assert!(status_of(&lab, &b)["error"]
        .as_str()
        .is_some_and(|e| e.contains("no probe for PG")));

    // A catalogue changed after signing is never used, and every Windows read says why.
    std::fs::write(&path, format!(r#"{{"PG": {{"probe": {PROBE}}}}}"#)).unwrap();
    let e = status_of(&lab, &a)["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        e.contains(&format!("cannot tell what {a} runs: the product catalogue"))
            && e.contains("does not match its signature"),
        "{e}"
    );
}

#[test]
fn windows_probe_hostile_answers_are_refused_and_never_printed_raw() {
    let lab = lab();
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    let publisher = Publisher::trusted(&lab);
    publisher.catalogue(&lab, &format!(r#"{{"PG": {{"probe": {PROBE}}}}}"#));
    let raw = |h: &Host, body: &str| {
        std::fs::write(h.home.path().join("probe.sh"), body).unwrap();
    };
    // Escape sequences and a bell in the version; then a flood; then no version at all.
    raw(
        &lab.win[0],
        r"printf 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\r\n    Version    REG_SZ    12.6.1\033]0;pwned\007\033[2J\r\n'",
    );
    raw(&lab.win[1], "head -c 3000000 /dev/zero | tr '\\0' 'x'");
    let check = |want: &[(&str, &str)]| {
        let r = lab.run(
            &["utils", "deployment", "show", "status", "--group", "PG"],
            "",
        );
        assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
        for out in [&r.stdout, &r.stderr] {
            assert!(
                !out.contains('\u{1b}') && !out.contains('\u{7}'),
                "raw control characters reached the terminal: {out:?}"
            );
        }
        for (host, text) in want {
            let e = status_of(&lab, host)["error"]
                .as_str()
                .unwrap_or_else(|| panic!("{host} was read"))
                .to_owned();
            assert!(
                e.contains(&format!("the PG probe of the signed catalogue on {host}"))
                    && e.contains(text),
                "{text:?} not in {e:?}"
            );
        }
    };
    check(&[
        (&a, "line 2 holds control characters"),
        (&b, "printed more than 262144 bytes"),
    ]);
    // Over this bound and under the SSH client's: still refused; a key and no version.
    raw(&lab.win[0], "head -c 300000 /dev/zero | tr '\\0' 'x'");
    raw(
        &lab.win[1],
        r"printf 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Cisco Systems, Inc.\\ICM\r\n    InstallDrive    REG_SZ    C\r\n'",
    );
    check(&[
        (&a, "printed more than 262144 bytes"),
        (&b, "it has no value named Version"),
    ]);

    // Nothing is installed on a host that cannot be read.
    lab.artifact(
        "es1.sh",
        b"touch ran\n",
        serde_json::json!({"install": "sh es1.sh"}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "es1.sh",
        "--group",
        "PG",
        "--max-fail",
        "5",
    ]);
    assert_eq!(code, 1, "{v}");
    assert!(nodes(&v).iter().all(|(_, r, _)| r == "failed"), "{v}");
    for h in &lab.win {
        assert!(!h.home.path().join("ran").exists());
    }
}
