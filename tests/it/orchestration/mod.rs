//! Orchestration end to end (issue 13) on a deployment of real sshd targets: a VOS cluster of
//! two members whose account's shell is ccadmin on each member's own VOS state directory
//! (onboarded through `ccadmin serve`), and a redundant Windows pair whose account runs `sh`
//! with the installer scripts the test patches ship. Transfer, SSH execution, restarts (sshd
//! stopped and started), failures, Ctrl-C and kill -9 mid-run and the resume are all real.
//!
//! This module is the lab and its helpers (other test files use them too); the tests are
//! in its children, one theme each.

mod hosts;
mod interruptions;
mod patch_runs;
mod upgrades;

use std::path::PathBuf;
use std::time::Duration;

use crate::patches::{minisign, sha256};
use crate::serve::Served;
use crate::sshd::Sshd;
use crate::util::{run, state, wait_for, Run};

/// How long a wait in these tests may take.
pub const WAIT: Duration = Duration::from_secs(60);

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

    /// A signed per-product command set (`icm-services.json`, `ms-patches.json`): `json` as
    /// `artifacts/DIR/FILE`, signed by a new publisher `signer` this Cloud Connect node trusts;
    /// the keys' directory, to keep.
    pub fn signed_set(&self, signer: &str, dir: &str, file: &str, json: &str) -> tempfile::TempDir {
        let keys = tempfile::tempdir().unwrap();
        let (public, secret) = crate::patches::keypair(keys.path(), signer);
        let r = self.run(
            &[
                "utils",
                "patch-manager",
                "signer",
                "add",
                signer,
                public.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let dir = self.cc.join("artifacts").join(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(file);
        std::fs::write(&path, json).unwrap();
        minisign(&[
            "-S",
            "-s",
            secret.to_str().unwrap(),
            "-m",
            path.to_str().unwrap(),
        ]);
        keys
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
    pub fn log(&self) -> PathBuf {
        self.keys.path().join("installs.log")
    }
    pub fn installs(&self) -> Vec<String> {
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
