//! Orchestration end to end (issue 13) on a deployment of real sshd targets: a VOS cluster of
//! two members whose account's shell is ccadmin on each member's own VOS state directory
//! (onboarded through `ccadmin serve`), and a redundant Windows pair whose account runs `sh`
//! with the installer scripts the test patches ship. Transfer, SSH execution, restarts (sshd
//! stopped and started), failures, Ctrl-C and kill -9 mid-run and the resume are all real.

use std::path::PathBuf;
use std::time::Duration;

use crate::patches::{minisign, sha256};
use crate::serve::Served;
use crate::sshd::Sshd;
use crate::util::{run, state, wait_for, Run};

/// How long a wait in these tests may take.
const WAIT: Duration = Duration::from_secs(60);

const USER: &str = "ccadmin";
const PASSWORD: &str = "Orchestrate-Pass-2026";

/// One deployment host: its sshd, the directory its account works in, and (VOS) the state
/// directory of the ccadmin that is its console.
pub struct Host {
    pub sshd: Sshd,
    pub home: tempfile::TempDir,
    pub state: Option<PathBuf>,
}

impl Host {
    pub fn name(&self) -> String {
        format!("127.0.0.1:{}", self.sshd.port)
    }
    fn start(state: Option<PathBuf>) -> Host {
        Host {
            sshd: Sshd::start(),
            home: tempfile::tempdir().unwrap(),
            state,
        }
    }
    /// From now on every login runs as this host's own shell: ccadmin (VOS) or sh (Windows),
    /// in its home; SFTP starts there too.
    fn take_shell(&mut self) {
        take_shell(&mut self.sshd, self.home.path(), self.state.as_deref());
    }
    /// A Windows host's record of what it runs.
    pub fn seed(&self, version: &str) {
        std::fs::write(
            self.home.path().join(".ccadmin-installed.json"),
            format!("{{\"version\": \"{version}\"}}"),
        )
        .unwrap();
    }
    fn record(&self) -> serde_json::Value {
        serde_json::from_slice(
            &std::fs::read(self.home.path().join(".ccadmin-installed.json")).unwrap(),
        )
        .unwrap()
    }
    /// A VOS member's `show version active`, read on the member.
    fn vos_version(&self) -> serde_json::Value {
        let r = run(
            self.state.as_ref().unwrap(),
            &["--output", "json", "show", "version", "active"],
            "",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    }
}

/// From now on every login to `sshd` runs as a deployment host's own shell, in `home` (SFTP
/// starts there too): with a VOS `state`, the VOS CLI (ccadmin on that state directory, fed
/// the command as a batch line, as the orchestration account's shell is on a VOS node);
/// without, sh (a Windows host's shell as the tests emulate it).
pub fn take_shell(sshd: &mut Sshd, home: &std::path::Path, state: Option<&std::path::Path>) {
    let home = home.display().to_string();
    let shell = match state {
        Some(st) => format!(
            "printf '%s\\n' \"$SSH_ORIGINAL_COMMAND\" | CCADMIN_EMULATE_INSTALL_SECONDS=\"$(cat .install-seconds 2>/dev/null)\" CCADMIN_STATE_DIR='{}' HOME='{home}' '{}'",
            st.display(),
            crate::util::bin().display()
        ),
        None => "exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"".to_owned(),
    };
    let script = format!(
        "#!/bin/sh\ncd '{home}' || exit 97\ncase \"$SSH_ORIGINAL_COMMAND\" in\n  internal-sftp*|*/sftp-server*) exec /usr/lib/openssh/sftp-server -d '{home}' ;;\nesac\n{shell}\n"
    );
    let path = sshd.dir.path().join("shell.sh");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let port = sshd.port;
    sshd.force_command(port, &path);
}

pub struct Lab {
    _dirs: Vec<tempfile::TempDir>,
    pub cc: PathBuf,
    _served: Served,
    /// The VOS publisher, then its subscriber.
    pub vos: Vec<Host>,
    /// Side A, then side B.
    pub win: Vec<Host>,
    keys: tempfile::TempDir,
    secret: PathBuf,
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

pub fn lab() -> Lab {
    lab_with(1)
}

/// The lab with `pairs` Windows pairs.
pub fn lab_with(pairs: usize) -> Lab {
    let (d1, cc) = state();
    let (d2, vp) = state();
    let (d3, vs) = state();
    let out = crate::util::ccadmin(&cc)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", PASSWORD)
        .args(["utils", "applicationuser", "add", USER])
        .output()
        .unwrap();
    assert!(out.status.success());
    let served = Served::start(&cc);
    ok(&run(
        &cc,
        &[
            "utils",
            "node",
            "set",
            "--hostname",
            &format!("localhost:{}", served.port),
        ],
        "",
    ));
    let cc_key = run(&cc, &["utils", "controlnode", "key"], "").stdout;

    // The Windows pairs (side A, side B of PG1, then of PG2, ...), side B first in the file:
    // the order comes from the sides.
    let mut win: Vec<Host> = (0..2 * pairs).map(|_| Host::start(None)).collect();
    for h in &mut win {
        h.sshd.authorize(&cc_key);
        h.take_shell();
    }
    let groups: String = win
        .chunks(2)
        .enumerate()
        .map(|(i, p)| {
            format!(
                "      PG{}:\n        hosts:\n        - name: \"{}\"\n          side: \"B\"\n          user: \"root\"\n        - name: \"{}\"\n          side: \"A\"\n          user: \"root\"\n",
                i + 1,
                p[1].name(),
                p[0].name()
            )
        })
        .collect();
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n{groups}  deploymentType: \"UCCE-2000-Agents\"\n"
    );
    crate::test_connection::import(&cc, &win[0].sshd, &inv);
    ok(&run(
        &cc,
        &[
            "utils",
            "deployment",
            "test-connection",
            "--product",
            "PG",
            "--accept-new-host-keys",
        ],
        "",
    ));

    // The VOS cluster: each member its own ccadmin, the publisher onboards both.
    let mut vos = vec![Host::start(Some(vp.clone())), Host::start(Some(vs.clone()))];
    for (h, st) in vos.iter().zip([&vp, &vs]) {
        ok(&run(
            st,
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
                &h.name(),
                "--orchestration-user",
                "root",
                "--authorized-keys",
                h.sshd.dir.path().join("authorized_keys").to_str().unwrap(),
                "--software-version",
                "12.6.1",
            ],
            "",
        ));
    }
    ok(&run(
        &vp,
        &[
            "utils",
            "node",
            "cluster",
            "add",
            &vos[1].name(),
            "--user",
            "root",
            "--authorized-keys",
            vos[1]
                .sshd
                .dir
                .path()
                .join("authorized_keys")
                .to_str()
                .unwrap(),
            "--identity",
            vos[1].sshd.client_key("ed25519").to_str().unwrap(),
        ],
        "",
    ));
    let pem = run(&cc, &["show", "cert", "own"], "").stdout;
    std::fs::write(vp.join("cc.pem"), pem).unwrap();
    ok(&run(
        &vp,
        &[
            "utils",
            "cert",
            "import",
            vp.join("cc.pem").to_str().unwrap(),
        ],
        "",
    ));
    ok(&run(
        &vp,
        &[
            "utils",
            "system",
            "onboard",
            "trigger",
            "--cloud-connect",
            &format!("localhost:{}", served.port),
        ],
        &format!("{USER}\n{PASSWORD}\n"),
    ));
    for h in &mut vos {
        h.take_shell();
    }

    // The patches' publisher.
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = crate::patches::trusted_publisher(&cc, keys.path());
    Lab {
        _dirs: vec![d1, d2, d3],
        cc,
        _served: served,
        vos,
        win,
        keys,
        secret,
    }
}

impl Lab {
    /// A signed artifact in the Cloud Connect node's artifacts/: the file and its manifest
    /// (the fields given over the defaults).
    pub fn artifact(&self, file: &str, data: &[u8], fields: serde_json::Value) {
        let dir = self.cc.join("artifacts/12.6/common");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(file), data).unwrap();
        let mut m = serde_json::json!({
            "file": file, "product": "PG", "platform": "Windows", "version": "12.6.1-ES1",
            "applies_to": ["12.6.1"], "reboot": false, "rollback": true, "sha256": sha256(data),
        });
        for (k, v) in fields.as_object().unwrap() {
            m[k] = v.clone();
        }
        let path = dir.join(format!("{file}.manifest.json"));
        std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
        minisign(&[
            "-S",
            "-s",
            self.secret.to_str().unwrap(),
            "-m",
            path.to_str().unwrap(),
        ]);
    }

    /// A signed compatibility matrix.
    fn matrix(&self, m: serde_json::Value) {
        let path = self.cc.join("artifacts/compatibility.json");
        std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
        minisign(&[
            "-S",
            "-s",
            self.secret.to_str().unwrap(),
            "-m",
            path.to_str().unwrap(),
        ]);
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        run(&self.cc, args, stdin)
    }

    /// A command with `--output json --yes`: its exit status and JSON.
    pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let mut a = vec!["--output", "json", "--yes"];
        a.extend_from_slice(args);
        let r = run(&self.cc, &a, "");
        let v = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
        (r.code, v)
    }

    /// The Windows installer scripts write where they ran into this log, one line each.
    fn log(&self) -> PathBuf {
        self.keys.path().join("installs.log")
    }
    fn installs(&self) -> Vec<String> {
        std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// `(host, result)` of each node of a run's JSON, in plan order.
fn results(v: &serde_json::Value) -> Vec<(String, String)> {
    v["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|n| {
            (
                n["host"].as_str().unwrap().to_owned(),
                n["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn patches_install_on_vos_and_windows_in_order_show_in_status_and_roll_back() {
    let lab = lab();
    let (p, s) = (lab.vos[0].name(), lab.vos[1].name());
    let (a, b) = (lab.win[0].name(), lab.win[1].name());
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");

    // Status, read from the nodes.
    let (code, v) = lab.json(&["utils", "deployment", "show", "status"]);
    assert_eq!(code, 0, "{v}");
    let hosts = v["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 4, "{v}");
    for h in hosts {
        assert_eq!(h["version"], "12.6.1", "{h}");
        assert_eq!(h["patches"], serde_json::json!([]), "{h}");
    }
    let text = lab
        .run(&["utils", "deployment", "show", "status"], "")
        .stdout;
    assert_eq!(text.matches("No patch installed").count(), 4, "{text}");

    // A VOS patch: the publisher first, each member records it in its own database.
    lab.artifact(
        "ucos.es1.cop",
        b"vos patch bytes",
        serde_json::json!({"product": "Finesse", "platform": "VOS"}),
    );
    let (code, v) = lab.json(&["utils", "patch-manager", "install", "ucos.es1.cop", "--all"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(p.clone(), "done".into()), (s.clone(), "done".into())]
    );
    for h in &lab.vos {
        let ver = h.vos_version();
        assert_eq!(ver["patches"][0]["name"], "ucos.es1.cop", "{ver}");
    }
    // Again: found installed, not installed twice, and said as such: nothing to do (exit 4),
    // not a success.
    let (code, v) = lab.json(&["utils", "patch-manager", "install", "ucos.es1.cop", "--all"]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["result"], "Nothing to do", "{v}");
    assert_eq!(
        results(&v),
        [
            (p.clone(), "already-done".into()),
            (s.clone(), "already-done".into())
        ]
    );
    assert_eq!(
        lab.vos[0].vos_version()["patches"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A Windows patch with an installer and an uninstaller, chosen from the menu in a batch
    // (6 = all side A Windows nodes), then side B by flag.
    let log = lab.log();
    let script = format!("echo \"$(pwd)\" >> {}\ntouch es1.marker\n", log.display());
    lab.artifact(
        "es1.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es1.sh", "uninstall": "rm es1.marker", "reboot": false}),
    );
    let r = lab.run(&["utils", "patch-manager", "install", "es1.sh"], "6\nyes\n");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("4) All Side A VOS nodes") && r.stderr.contains("group 1: 127.0.0.1:"),
        "{}",
        r.stderr
    );
    assert_eq!(
        lab.installs(),
        [lab.win[0].home.path().display().to_string()]
    );
    assert_eq!(lab.win[0].record()["patches"][0]["name"], "es1.sh");
    assert!(lab.win[1].record()["patches"]
        .as_array()
        .is_none_or(Vec::is_empty));
    let (code, v) = lab.json(&["utils", "patch-manager", "install", "es1.sh", "--side", "B"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(results(&v), [(b.clone(), "done".into())]);
    assert!(lab.win[1].home.path().join("es1.marker").exists());

    // A node that runs another version is left alone, and said.
    let vos2 = lab.vos[1].state.clone().unwrap();
    let r = run(
        &vos2,
        &["utils", "node", "set", "--software-version", "12.5.1"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    lab.artifact(
        "ucos.es2.cop",
        b"es2",
        serde_json::json!({"product": "Finesse", "platform": "VOS", "rollback": false}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "ucos.es2.cop",
        "--group",
        "Finesse",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [
            (p.clone(), "done".into()),
            (s.clone(), "not-applicable".into())
        ]
    );
    assert!(
        v["nodes"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("applies to 12.6.1; the node runs 12.5.1"),
        "{v}"
    );
    let r = run(
        &vos2,
        &["utils", "node", "set", "--software-version", "12.6.1"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Rollback: the newest patch only, and only where its publisher allows it.
    let (code, v) = lab.json(&["utils", "patch-manager", "rollback", "--group", "PG"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [(a.clone(), "done".into()), (b.clone(), "done".into())]
    );
    assert!(!lab.win[0].home.path().join("es1.marker").exists());
    assert_eq!(lab.win[0].record()["patches"], serde_json::json!([]));
    let (code, v) = lab.json(&["utils", "patch-manager", "rollback", "--node", &p]);
    assert_eq!(code, 1, "es2 says it cannot be rolled back: {v}");
    assert!(v.to_string().contains("cannot be rolled back"), "{v}");
    let r = lab.run(
        &["--yes", "utils", "patch-manager", "rollback", "--all"],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--all is not offered"), "{}", r.stderr);
    let (code, v) = lab.json(&["utils", "patch-manager", "rollback", "--node", &s]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(lab.vos[1].vos_version()["patches"], serde_json::json!([]));

    // Everything recorded.
    let (_, h) = lab.json(&["utils", "deployment", "show", "history"]);
    let ops: Vec<String> = h["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["operation"].as_str().unwrap(),
                r["result"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            "patch rollback Success",
            "patch rollback Failure",
            "patch rollback Success",
            "patch install Success",
            "patch install Success",
            "patch install Success",
            "patch install Nothing to do",
            "patch install Success",
        ],
        "{h}"
    );
    let status = lab
        .run(&["utils", "deployment", "show", "status"], "")
        .stdout;
    assert!(status.contains("ucos.es1.cop, ucos.es2.cop"), "{status}");
}

#[test]
fn unsigned_tampered_and_wrong_kind_are_refused_before_any_node_is_touched() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    lab.artifact(
        "es1.sh",
        b"touch ran\n",
        serde_json::json!({"install": "sh es1.sh"}),
    );
    let dir = lab.cc.join("artifacts/12.6/common");
    std::fs::write(dir.join("es1.sh"), b"touch ran; rm -rf /\n").unwrap();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "es1.sh",
            "--all",
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("REFUSED: the file does not match its SHA-256"),
        "{}",
        r.stderr
    );
    std::fs::write(dir.join("plain.sh"), b"touch ran\n").unwrap();
    std::fs::write(
        dir.join("plain.sh.manifest.json"),
        serde_json::to_vec(&serde_json::json!({
            "file": "plain.sh", "product": "PG", "platform": "Windows", "version": "x",
            "applies_to": ["12.6.1"], "reboot": false, "rollback": false,
            "sha256": sha256(b"touch ran\n"), "install": "sh plain.sh"
        }))
        .unwrap(),
    )
    .unwrap();
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "plain.sh",
            "--all",
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("REFUSED: unsigned"), "{}", r.stderr);
    lab.artifact(
        "up.sh",
        b"touch ran\n",
        serde_json::json!({"kind": "upgrade", "version": "12.6.2", "install": "sh up.sh"}),
    );
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "up.sh",
            "--all",
        ],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("up.sh is an upgrade")
            && r.stderr.contains("utils upgrade-manager upgrade"),
        "{}",
        r.stderr
    );
    for h in &lab.win {
        assert!(!h.home.path().join("ran").exists(), "a node was touched");
    }
    assert_eq!(
        lab.json(&["utils", "deployment", "show", "history"]).1["runs"],
        serde_json::json!([])
    );
}

#[test]
fn a_node_down_or_a_failing_installer_stops_the_run_and_the_same_command_finishes_it() {
    let mut lab = lab();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");
    let log = lab.log();
    // Fails while the file `broken` is in the node's home.
    let script = format!(
        "if [ -f broken ]; then echo 'disk C: full' >&2; exit 3; fi\necho \"$(pwd)\" >> {}\n",
        log.display()
    );
    lab.artifact(
        "es3.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es3.sh 2>&1", "reboot": false}),
    );
    std::fs::write(lab.win[0].home.path().join("broken"), b"").unwrap();
    let install = [
        "utils",
        "patch-manager",
        "install",
        "es3.sh",
        "--group",
        "PG1",
    ];
    let (code, v) = lab.json(&install);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        results(&v),
        [
            (lab.win[0].name(), "failed".into()),
            (lab.win[1].name(), "skipped".into())
        ],
        "side B is never touched once side A failed"
    );
    assert!(
        v["nodes"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("the installer exited with 3: disk C: full"),
        "{v}"
    );
    assert!(lab.installs().is_empty());

    // Side A fixed, side B down: B cannot be asked for its lease (it may be in another
    // run's installer, e.g. restarting), so A is not touched either; B fails as unreachable.
    std::fs::remove_file(lab.win[0].home.path().join("broken")).unwrap();
    lab.win[1].sshd.stop();
    let r = lab.run(
        &[&["--yes"][..], &install[..], &["--max-fail", "1"][..]].concat(),
        "",
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("0 done, 2 failed"), "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "another member of PG1, {}, cannot be asked for its lease",
            lab.win[1].name()
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("unreachable"), "{}", r.stdout);
    assert!(lab.installs().is_empty(), "{:?}", lab.installs());
    // A down member's lease is only passed over on the administrator's word.
    let r = lab.run(
        &[&["--yes"][..], &install[..], &["--break-leases"][..]].concat(),
        "",
    );
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("1 done, 1 failed"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("utils patch-manager rollback --node HOST"),
        "what rollback would do: {}",
        r.stderr
    );
    // Back up: the same command finishes it, the done side is not installed again.
    lab.win[1].sshd.restart();
    let (code, v) = lab.json(&install);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v),
        [
            (lab.win[0].name(), "already-done".into()),
            (lab.win[1].name(), "done".into())
        ]
    );
    assert_eq!(lab.installs().len(), 2, "{:?}", lab.installs());
}

/// Killed (SIGKILL) and interrupted (SIGINT, Ctrl-C) while an installer runs: the run shows
/// as interrupted; the same command resumes it; the node whose installer finished is found
/// installed (its check passes) and never installed twice.
#[test]
fn kill_9_and_ctrl_c_mid_install_then_the_same_command_resumes_without_installing_twice() {
    let lab = lab();
    lab.win[0].seed("12.6.1");
    lab.win[1].seed("12.6.1");
    let log = lab.log();
    // Installs at once (the marker), then waits for `go` before it ends.
    let script = format!(
        "echo \"$(pwd)\" >> {}\ntouch es4.marker\nwhile [ ! -f go ]; do sleep 0.05; done\n",
        log.display()
    );
    lab.artifact(
        "es4.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es4.sh", "check": "test -f es4.marker"}),
    );
    let in_progress = || lab.json(&["utils", "deployment", "show", "in-progress"]).1;
    for (signal, code) in [(libc::SIGKILL, None), (libc::SIGINT, Some(130))] {
        let mut child = std::process::Command::new(crate::util::bin())
            .env("CCADMIN_STATE_DIR", &lab.cc)
            .env("HOME", lab.cc.parent().unwrap())
            .args([
                "--yes",
                "utils",
                "patch-manager",
                "install",
                "es4.sh",
                "--group",
                "PG",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let n = lab.installs().len();
        wait_for("the installer to start", WAIT, || lab.installs().len() > n);
        let v = in_progress();
        assert_eq!(v["state"], "running", "{v}");
        assert!(
            v["run"]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|st| st["result"] == "Running"),
            "{v}"
        );
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        assert_eq!(status.code(), code, "{status:?}");
        let v = in_progress();
        assert_eq!(v["state"], "interrupted", "{v}");
        if signal == libc::SIGINT {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            // The node whose installer may still run is not called Failed: it is
            // interrupted, and the resume waits for its installer.
            assert!(
                err.contains("Interrupted: installing es4.sh: the installer")
                    && err.contains("its installer may still be running on")
                    && !err.contains("Failed")
                    && err.contains("Control-C pressed"),
                "{err}"
            );
        }
    }
    // Each side's installer ran once: side A's in the killed try (the interrupted try found it
    // installed by its check), side B's in the interrupted one. Let both end.
    assert_eq!(lab.installs().len(), 2, "{:?}", lab.installs());
    for h in &lab.win {
        std::fs::write(h.home.path().join("go"), b"").unwrap();
    }
    let r = lab.run(
        &[
            "--yes",
            "utils",
            "patch-manager",
            "install",
            "es4.sh",
            "--group",
            "PG",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("Resuming interrupted run"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("was installed by the interrupted run (its check passes)"),
        "{}",
        r.stdout
    );
    let installs = lab.installs();
    assert_eq!(
        installs,
        [
            lab.win[0].home.path().display().to_string(),
            lab.win[1].home.path().display().to_string()
        ],
        "each node installed once"
    );
    let v = in_progress();
    assert_eq!(v["state"], "finished", "{v}");
    assert_eq!(v["run"]["result"], "Success", "{v}");
    assert_eq!(
        lab.json(&["utils", "deployment", "show", "history"]).1["runs"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "one run, resumed twice"
    );
}

/// A patch that restarts the node: the installer returns, the node goes down (sshd stopped)
/// and comes back (started); the run waits for it and reads it again.
#[test]
fn a_restarting_node_is_waited_for() {
    let mut lab = lab();
    lab.win[0].seed("12.6.1");
    let asked = lab.keys.path().join("restart-asked");
    lab.artifact(
        "es5.sh",
        format!("touch {}\n", asked.display()).as_bytes(),
        serde_json::json!({"install": "sh es5.sh", "reboot": true}),
    );
    let mut child = std::process::Command::new(crate::util::bin())
        .env("CCADMIN_STATE_DIR", &lab.cc)
        .env("HOME", lab.cc.parent().unwrap())
        .args([
            "--yes",
            "--output",
            "json",
            "utils",
            "patch-manager",
            "install",
            "es5.sh",
            "--node",
            &lab.win[0].name(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut wait_line = |what: &str, seen: &mut String| {
        use std::io::BufRead;
        loop {
            let mut line = String::new();
            assert!(
                err.read_line(&mut line).unwrap() > 0,
                "no '{what}' in {seen}"
            );
            seen.push_str(&line);
            if line.contains(what) {
                return;
            }
        }
    };
    wait_line("waiting for the node to restart", &mut seen);
    assert!(asked.exists());
    lab.win[0].sshd.stop();
    wait_line("the node went down", &mut seen);
    lab.win[0].sshd.restart();
    let status = child.wait().unwrap();
    let mut out = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(status.success(), "{out}\n{seen}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(results(&v), [(lab.win[0].name(), "done".into())]);
    assert_eq!(lab.win[0].record()["patches"][0]["name"], "es5.sh");
}

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

/// Issue 23 finding 3: test-connection sent `echo <marker>`, which the VOS CLI (the shell of
/// an onboarded VOS host's orchestration account) answers with `Invalid command`, exit 2, so
/// every such host failed although orchestration reached it. It now asks a VOS host what
/// orchestration reads, `show version active --output json`, and parses the answer.
#[test]
fn test_connection_passes_vos_hosts_whose_account_shell_is_the_vos_cli() {
    let lab = lab();
    let args = [
        "utils",
        "deployment",
        "test-connection",
        "--product",
        "Finesse",
    ];
    let (code, v) = lab.json(&args);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(2), Some(0)),
        "{v}"
    );
    let row = |v: &serde_json::Value, h: &Host| {
        v["hosts"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .find(|r| r["host"] == h.name().as_str())
            .unwrap_or_else(|| panic!("no row for {}: {v}", h.name()))
            .clone()
    };
    for h in &lab.vos {
        let r = row(&v, h);
        assert_eq!(r["platform"], "VOS", "{r}");
        assert_eq!(r["result"], "Success", "{r}");
        assert_eq!(r["stage"], serde_json::Value::Null, "{r}");
        assert_eq!(
            r["detail"], "VOS CLI answered: active version 12.6.1",
            "{r}"
        );
    }
    let text = lab.run(&args, "");
    assert_eq!(text.code, 0, "{}\n{}", text.stdout, text.stderr);
    for h in &lab.vos {
        let line = text
            .stdout
            .lines()
            .find(|l| l.contains(&h.name()))
            .unwrap_or_else(|| panic!("{}", text.stdout));
        assert!(
            line.contains("VOS")
                && line.contains("Success")
                && line.ends_with("VOS CLI answered: active version 12.6.1"),
            "{line}"
        );
    }
    assert!(
        text.stdout.contains("2 of 2 hosts passed"),
        "{}",
        text.stdout
    );

    // A host whose console does not answer as the VOS CLI does fails, said specifically and
    // never raw: one that answers escape sequences, one whose account runs sh (which has no
    // `show`), one that refuses the command.
    let shell = |h: &Host, body: &str| {
        let home = h.home.path().display();
        std::fs::write(
            h.sshd.dir.path().join("shell.sh"),
            format!("#!/bin/sh\ncd '{home}' || exit 97\n{body}\n"),
        )
        .unwrap();
    };
    shell(
        &lab.vos[0],
        r#"printf '\033]0;pwned\007{"version": "12.6.1\033[31m"}\n'"#,
    );
    shell(&lab.vos[1], "exec /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"");
    let text = lab.run(&args, "");
    assert_eq!(text.code, 1, "{}\n{}", text.stdout, text.stderr);
    assert!(
        !text.stdout.contains('\u{1b}') && !text.stdout.contains('\u{7}'),
        "raw control characters reached the terminal: {:?}",
        text.stdout
    );
    let (code, v) = lab.json(&args);
    assert_eq!(code, 1, "{v}");
    let hostile = row(&v, &lab.vos[0]);
    assert_eq!(
        (&hostile["result"], &hostile["stage"]),
        (&"Failed".into(), &"remote command".into()),
        "{hostile}"
    );
    let detail = hostile["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(
            "remote command failed: `show version active --output json` gave no valid version report"
        ) && !detail.contains('\u{1b}'),
        "{detail:?}"
    );
    let sh = row(&v, &lab.vos[1]);
    assert_eq!(
        sh["detail"], "remote command failed: exit status 127",
        "{sh}"
    );
    shell(&lab.vos[1], "echo 'Invalid command'; exit 2");
    let (_, v) = lab.json(&args);
    assert_eq!(
        row(&v, &lab.vos[1])["detail"],
        "remote command failed: exit status 2: Invalid command",
        "{v}"
    );
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

/// Nodes are peers: what they say is parsed into a typed, bounded record and never reaches the
/// terminal raw. A VOS console that answers escape sequences, one that floods, and a Windows
/// record too large or with control characters are each unreadable, said safely.
#[test]
fn hostile_nodes_are_unreadable_never_trusted_or_printed_raw() {
    let lab = lab();
    let shell = |h: &Host, body: &str| {
        let home = h.home.path().display();
        std::fs::write(
            h.sshd.dir.path().join("shell.sh"),
            format!("#!/bin/sh\ncd '{home}' || exit 97\n{body}\n"),
        )
        .unwrap();
    };
    // Escape sequences and a bell where the version record should be.
    shell(
        &lab.vos[0],
        r#"printf '\033]0;pwned\007\033[2J{"version": "12.6.1\033[31m"}\n'"#,
    );
    // A flood: far more than any version report.
    shell(&lab.vos[1], "head -c 3000000 /dev/zero | tr '\\0' 'x'");
    std::fs::write(
        lab.win[0].home.path().join(".ccadmin-installed.json"),
        format!("{{\"version\": \"{}\"}}", "9".repeat(100_000)),
    )
    .unwrap();
    std::fs::write(
        lab.win[1].home.path().join(".ccadmin-installed.json"),
        "{\"version\": \"12.6.1\\u001b[2J\"}",
    )
    .unwrap();
    let r = lab.run(&["utils", "deployment", "show", "status"], "");
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'),
        "raw control characters reached the terminal: {:?}",
        r.stdout
    );
    assert!(
        r.stderr.contains("4 of 4 node(s) could not be read"),
        "{}",
        r.stderr
    );
    let (_, v) = lab.json(&["utils", "deployment", "show", "status"]);
    let error = |i: usize| {
        v["hosts"][i]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_owned()
    };
    let by_host = |name: String| {
        (0..4)
            .find(|i| v["hosts"][*i]["host"] == name.as_str())
            .map(error)
            .unwrap()
    };
    assert!(
        by_host(lab.vos[0].name()).contains("version report is not valid"),
        "{v}"
    );
    assert!(
        by_host(lab.vos[1].name()).contains("1048576"),
        "the flood is cut off: {v}"
    );
    assert!(by_host(lab.win[0].name()).contains("65536"), "{v}");
    assert!(
        by_host(lab.win[1].name()).contains("control characters"),
        "{v}"
    );
    // Nothing is installed on a node that cannot be read.
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
        "--all",
        "--max-fail",
        "5",
    ]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        results(&v),
        [
            (lab.win[0].name(), "failed".into()),
            (lab.win[1].name(), "failed".into())
        ]
    );
    for h in &lab.win {
        assert!(!h.home.path().join("ran").exists());
    }
}

/// `--parallel-groups 2`: two pairs at once, never both sides of one pair. Each installer
/// marks its start and waits (bounded) until two have started: with one group at a time it
/// would fail; side B of a pair starts only after side A ended.
#[test]
fn parallel_groups_run_pairs_together_but_never_both_sides_of_one() {
    let lab = lab_with(2);
    for h in &lab.win {
        h.seed("12.6.1");
    }
    let shared = lab.keys.path().join("started");
    std::fs::create_dir_all(&shared).unwrap();
    let log = lab.log();
    let script = format!(
        "echo \"start $(pwd)\" >> {log}\ntouch {shared}/\"$(basename $(pwd))\"\ni=0\nwhile [ \"$(ls -A {shared} | wc -l)\" -lt 2 ]; do i=$((i+1)); [ $i -gt 600 ] && exit 9; sleep 0.05; done\necho \"end $(pwd)\" >> {log}\n",
        log = log.display(),
        shared = shared.display()
    );
    lab.artifact(
        "es6.sh",
        script.as_bytes(),
        serde_json::json!({"install": "sh es6.sh"}),
    );
    let (code, v) = lab.json(&[
        "utils",
        "patch-manager",
        "install",
        "es6.sh",
        "--group",
        "PG",
        "--parallel-groups",
        "2",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        results(&v).iter().filter(|(_, r)| r == "done").count(),
        4,
        "{v}"
    );
    let lines = lab.installs();
    let home = |i: usize| lab.win[i].home.path().display().to_string();
    let at = |what: &str, i: usize| {
        lines
            .iter()
            .position(|l| *l == format!("{what} {}", home(i)))
            .unwrap_or_else(|| panic!("no {what} of host {i}: {lines:?}"))
    };
    // Both sides A started before either ended: the pairs ran together.
    assert!(
        at("start", 0) < at("end", 2) && at("start", 2) < at("end", 0),
        "{lines:?}"
    );
    // Within each pair, side B only after side A ended.
    for pair in [0, 2] {
        assert!(at("end", pair) < at("start", pair + 1), "{lines:?}");
    }
}
