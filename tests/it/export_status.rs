//! `utils patch-manager export status` and its 15.0 name `utils deployment export-status` on
//! the orchestration lab (a VOS cluster whose consoles are ccadmin, a Windows pair whose record
//! says what it runs): the chosen nodes are read over SSH/SFTP as `utils deployment show status`
//! reads them, and the file lands on a real sshd's SFTP as `utils system inventory export`
//! writes the inventory. One-shot, batch (the node menu answered by the next line), JSON, and
//! the refusals: no SFTP settings, a node not in the inventory, an unreadable node.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::orchestration::{lab, Lab};
use crate::sshd::Sshd;
use crate::util::{run, Run};

/// The SFTP server the files go to, and the directory on it.
struct Target {
    sshd: Sshd,
    dir: tempfile::TempDir,
}

impl Target {
    fn start() -> Target {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        Target {
            sshd: Sshd::start(),
            dir,
        }
    }
    /// The SFTP flags: root with the ed25519 key, trusting the new host key.
    fn flags(&self) -> Vec<String> {
        [
            "--sftp-server",
            &self.sshd.endpoint(),
            "--sftp-user",
            "root",
            "--sftp-identity",
            self.sshd.client_key("ed25519").to_str().unwrap(),
            "--sftp-directory",
            self.dir.path().to_str().unwrap(),
            "--accept-new-host-key",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    /// The files exported so far, by name.
    fn files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    }
    /// The location a command prints for `file`.
    fn location(&self, file: &Path) -> String {
        format!("sftp://root@{}{}", self.sshd.endpoint(), file.display())
    }
}

fn go(lab: &Lab, words: &[&str], extra: &[String], stdin: &str) -> Run {
    let mut a: Vec<&str> = words.to_vec();
    a.extend(extra.iter().map(String::as_str));
    run(&lab.cc, &a, stdin)
}

/// A Windows host's record: its version and one patch ccadmin installed.
fn record_with_patch(lab: &Lab, i: usize, patch: &str) {
    std::fs::write(
        lab.win[i].home.path().join(".ccadmin-installed.json"),
        format!(
            "{{\"version\": \"12.6.1\", \"patches\": [{{\"name\": \"{patch}\", \"version\": \"12.6.1-ES1\", \"rollback\": true, \"installed_at\": \"Sat, 05 Dec 2026 17:00:00 GMT\"}}]}}"
        ),
    )
    .unwrap();
}

/// The row of `host` in a text export.
fn row<'a>(text: &'a str, host: &str) -> &'a str {
    text.lines()
        .find(|l| l.split_whitespace().next() == Some(host))
        .unwrap_or_else(|| panic!("no row for {host} in\n{text}"))
}

#[test]
fn patch_levels_go_to_the_sftp_server_as_text_and_json_by_either_name() {
    let lab = lab();
    let sftp = Target::start();
    record_with_patch(&lab, 0, "ES1.exe");
    lab.win[1].seed("12.6.1");
    let (vp, vs, wa, wb) = (
        lab.vos[0].name(),
        lab.vos[1].name(),
        lab.win[0].name(),
        lab.win[1].name(),
    );

    // One-shot, every node, as text: the location printed is the file written.
    let r = go(
        &lab,
        &["utils", "patch-manager", "export", "status", "--all"],
        &sftp.flags(),
        "",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let files = sftp.files();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(
        name.starts_with("patch-status-") && name.ends_with(".txt"),
        "{name}"
    );
    assert_eq!(
        r.stdout.trim_end(),
        format!(
            "Patch status of 4 node(s) is exported to the SFTP server location {}",
            sftp.location(&files[0])
        )
    );
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        text.starts_with("Patch status of the deployment UCCE-2000-Agents\nRead by Cloud Connect node localhost:"),
        "{text}"
    );
    assert!(text.contains("4 node(s), 0 could not be read"), "{text}");
    for host in [&vp, &vs] {
        let l = row(&text, host);
        assert!(
            l.contains("Finesse") && l.contains("12.6.1") && l.contains("No patch installed"),
            "{l}"
        );
    }
    let l = row(&text, &wa);
    assert!(l.contains("12.6.1 + ES1.exe") && l.contains(" A "), "{l}");
    assert!(row(&text, &wb).contains("No patch installed"), "{text}");

    // The 15.0 name, with JSON: the file is JSON too, and only the chosen group is in it.
    let mut a = vec!["--output", "json", "utils", "deployment", "export-status"];
    a.extend(["--group", "PG"]);
    let r = go(&lab, &a, &sftp.flags(), "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    let file = sftp.dir.path().join(v["file"].as_str().unwrap());
    assert!(file.to_str().unwrap().ends_with(".json"), "{v}");
    assert_eq!(v["location"], sftp.location(&file));
    assert_eq!(v["unreadable"], 0);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["deployment_type"], "UCCE-2000-Agents");
    let hosts: Vec<&str> = saved["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["host"].as_str().unwrap())
        .collect();
    assert_eq!(hosts.len(), 2, "{saved}");
    assert!(
        hosts.contains(&wa.as_str()) && hosts.contains(&wb.as_str()),
        "{saved}"
    );
    let pga = saved["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["host"] == wa.as_str())
        .unwrap();
    assert_eq!(pga["version"], "12.6.1");
    assert_eq!(pga["patches"][0]["name"], "ES1.exe");
    assert_eq!(v["hosts"], saved["hosts"]);

    // A batch: no selection flag, so the node menu asks and the next line answers it (6: all
    // side A Windows nodes); the SFTP server, user and directory of the last export are the
    // defaults, so their flags are left out but the key.
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_file(&files[0]).unwrap();
    let key = sftp.sshd.client_key("ed25519").display().to_string();
    let r = run(
        &lab.cc,
        &[],
        &format!("utils deployment export-status --sftp-identity {key}\n6\n\n\n\n"),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("6) All Side A Windows nodes"),
        "{}",
        r.stderr
    );
    let files = sftp.files();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("1 node(s), 0 could not be read"), "{text}");
    assert!(row(&text, &wa).contains("ES1.exe"), "{text}");
    assert!(!text.contains(&wb) && !text.contains(&vp), "{text}");

    // Help, `?` and the JSON option are the same under both names.
    for words in [
        &["utils", "patch-manager", "export", "status", "?"][..],
        &["utils", "deployment", "export-status", "?"][..],
    ] {
        let r = run(&lab.cc, words, "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        for o in ["--sftp-server", "--node", "--all", "--output"] {
            assert!(r.stdout.contains(o), "{o} in {}", r.stdout);
        }
    }
    let r = run(&lab.cc, &["utils", "patch-manager", "export", "?"], "");
    assert!(r.stdout.contains("status"), "{}", r.stdout);
}

#[test]
fn an_export_is_refused_without_sftp_settings_or_with_a_node_not_in_the_inventory() {
    let mut lab = lab();
    let sftp = Target::start();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");

    // A node not in the inventory: refused before the SFTP server is asked (a closed port
    // would say it cannot connect) and before any node is read.
    let closed = crate::util::HeldPort::new();
    let r = go(
        &lab,
        &[
            "utils",
            "patch-manager",
            "export",
            "status",
            "--node",
            &lab.win[0].name(),
            "--node",
            "nosuch.example.com",
            "--sftp-server",
            &format!("127.0.0.1:{}", closed.port),
        ],
        &[],
        "",
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("Error: nosuch.example.com is not in the inventory"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("see the hosts with: utils system inventory show"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("cannot connect"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);

    // No SFTP settings: the node has never exported or imported (its inventory came through
    // the lab's import, whose remembered settings are taken away here), no flag, no variable,
    // no answer: the missing value is named with its flag and variable, and nothing is sent.
    let db = rusqlite::Connection::open(lab.cc.join("ccadmin.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(30)).unwrap();
    db.execute("DELETE FROM setting WHERE key LIKE 'sftp.last_%'", [])
        .unwrap();
    drop(db);
    let r = go(
        &lab,
        &["utils", "deployment", "export-status", "--all"],
        &[],
        "",
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("SFTP Server")
            && r.stderr.contains("--sftp-server")
            && r.stderr.contains("CCADMIN_SFTP_SERVER"),
        "{}",
        r.stderr
    );
    // A server and user but no password (and no key): the password is never a default.
    let r = go(
        &lab,
        &[
            "utils",
            "deployment",
            "export-status",
            "--all",
            "--sftp-server",
            &sftp.sshd.endpoint(),
            "--sftp-user",
            "root",
        ],
        &[],
        "",
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("SFTP User's Password")
            && r.stderr.contains("--sftp-password-file")
            && r.stderr.contains("CCADMIN_SFTP_PASSWORD"),
        "{}",
        r.stderr
    );
    assert!(sftp.files().is_empty());

    // A directory the server does not have: nothing is written, the error names it.
    let mut flags = sftp.flags();
    let at = flags.iter().position(|f| f == "--sftp-directory").unwrap();
    flags[at + 1] = sftp.dir.path().join("missing").display().to_string();
    let r = go(
        &lab,
        &["utils", "patch-manager", "export", "status", "--all"],
        &flags,
        "",
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("missing"), "{}", r.stderr);
    assert!(sftp.files().is_empty());

    // A node that cannot be read: the file is still written, saying why on its row, and the
    // exit status is 3 (partial).
    let down = lab.win[1].name();
    lab.win[1].sshd.stop();
    let r = go(
        &lab,
        &[
            "utils",
            "patch-manager",
            "export",
            "status",
            "--group",
            "PG",
        ],
        &sftp.flags(),
        "",
    );
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("1 of 2 node(s) could not be read; the file says why for each"),
        "{}",
        r.stderr
    );
    let files = sftp.files();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(r.stdout.contains(&sftp.location(&files[0])), "{}", r.stdout);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("2 node(s), 1 could not be read"), "{text}");
    assert!(row(&text, &down).contains("unreadable"), "{text}");
    assert!(row(&text, &lab.win[0].name()).contains("12.6.1"), "{text}");
}

/// At the `admin:` prompt: Tab completes both names, and an empty inventory is refused with
/// the remedy before the node menu or any SFTP question.
#[test]
fn both_names_complete_in_the_shell_and_an_empty_inventory_is_refused() {
    let (_d, s) = crate::util::state();
    let mut p = crate::shell::shell(&s, 40);
    p.send("utils patch-manager exp\t").unwrap();
    p.flush().unwrap();
    p.exp_string("export ").unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("status ").unwrap();
    p.send_control('u').unwrap();
    p.send("utils deployment exp\t").unwrap();
    p.flush().unwrap();
    p.exp_string("export-status ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Error: the inventory has no hosts").unwrap();
    p.exp_string("import one with: utils system inventory import")
        .unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("quit").unwrap();
    p.exp_eof().unwrap();
}
