//! End to end on loopback: a Cloud Connect publisher (`ccadmin serve`) and a VOS cluster of two
//! members behind real sshd, onboarded with `utils system onboard trigger | update | remove`.

use std::path::{Path, PathBuf};

use crate::serve::Served;
use crate::sshd::Sshd;
use crate::util::{run, state, Run};

const USER: &str = "ccadmin";
const PASSWORD: &str = "Onboard-Pass-2026";

struct Lab {
    _dirs: Vec<tempfile::TempDir>,
    cc: PathBuf,
    vos: PathBuf,
    served: Served,
    publisher: Sshd,
    subscriber: Sshd,
}

fn lab() -> Lab {
    let (d1, cc) = state();
    let (d2, vos) = state();
    // The Cloud Connect publisher: an application user, and its name with the service port.
    let out = crate::util::ccadmin(&cc)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", PASSWORD)
        .args(["utils", "applicationuser", "add", USER])
        .output()
        .unwrap();
    assert!(out.status.success());
    // The service on a port the kernel picks; then the node's name carries it.
    let served = Served::start(&cc);
    let port = served.port;
    assert_eq!(
        run(
            &cc,
            &[
                "utils",
                "node",
                "set",
                "--hostname",
                &format!("localhost:{port}")
            ],
            ""
        )
        .code,
        0
    );
    // The VOS publisher (this node) and its subscriber, each an sshd with its own authorized_keys.
    let publisher = Sshd::start();
    let subscriber = Sshd::start();
    let r = run(
        &vos,
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
            &format!("127.0.0.1:{}", publisher.port),
            "--orchestration-user",
            "root",
            "--authorized-keys",
            publisher
                .dir
                .path()
                .join("authorized_keys")
                .to_str()
                .unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &vos,
        &[
            "utils",
            "node",
            "cluster",
            "add",
            &format!("127.0.0.1:{}", subscriber.port),
            "--user",
            "root",
            "--authorized-keys",
            subscriber
                .dir
                .path()
                .join("authorized_keys")
                .to_str()
                .unwrap(),
            "--identity",
            subscriber.client_key("ed25519").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    Lab {
        _dirs: vec![d1, d2],
        cc,
        vos,
        served,
        publisher,
        subscriber,
    }
}

impl Lab {
    fn trust(&self) {
        let pem = run(&self.cc, &["show", "cert", "own"], "").stdout;
        let f = self.vos.join("cc.pem");
        std::fs::write(&f, pem).unwrap();
        assert_eq!(
            run(
                &self.vos,
                &["utils", "cert", "import", f.to_str().unwrap()],
                ""
            )
            .code,
            0
        );
    }
    /// The Cloud Connect node is asked only until onboarding recorded it; a flag gives it
    /// every time, the user and password come as answers.
    fn onboard(&self, verb: &str, password: &str) -> Run {
        self.onboard_with(verb, password, &[])
    }
    fn onboard_with(&self, verb: &str, password: &str, extra: &[&str]) -> Run {
        let cc = format!("localhost:{}", self.served.port);
        let mut args = vec!["utils", "system", "onboard", verb, "--cloud-connect", &cc];
        if verb == "remove" {
            args.insert(0, "--yes");
        }
        args.extend(extra);
        run(&self.vos, &args, &format!("{USER}\n{password}\n"))
    }
    /// `utils system inventory export|import` on the Cloud Connect node, with the
    /// subscriber's sshd as the SFTP server and `dir` on it.
    fn inventory_over_sftp(&self, verb: &str, dir: &Path) -> Run {
        let key = self.subscriber.client_key("ed25519").display().to_string();
        run(
            &self.cc,
            &[
                "--yes",
                "utils",
                "system",
                "inventory",
                verb,
                "--sftp-server",
                &self.subscriber.endpoint(),
                "--sftp-user",
                "root",
                "--sftp-identity",
                &key,
                "--sftp-directory",
                dir.to_str().unwrap(),
                "--accept-new-host-key",
            ],
            "",
        )
    }
    fn cc_key(&self) -> String {
        run(&self.cc, &["utils", "controlnode", "key"], "")
            .stdout
            .trim()
            .to_owned()
    }
}

fn keys_file(s: &Sshd) -> String {
    std::fs::read_to_string(s.dir.path().join("authorized_keys")).unwrap()
}

fn onboarded(cc: &Path) -> Vec<serde_json::Value> {
    let r = run(
        cc,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select host, type, user from onboardedhost order by type desc",
        ],
        "",
    );
    serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["rows"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn trigger_then_test_connection_then_remove() {
    let mut lab = lab();
    lab.trust();
    let before_pub = keys_file(&lab.publisher);
    let r = lab.onboard("trigger", PASSWORD);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.matches(" Onboarded").count(), 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("2 of 2 cluster members onboarded"),
        "{}",
        r.stdout
    );
    let key = lab.cc_key();
    for s in [&lab.publisher, &lab.subscriber] {
        let k = keys_file(s);
        assert_eq!(k.matches(&key).count(), 1, "{k}");
    }
    assert!(
        keys_file(&lab.publisher).starts_with(&before_pub),
        "existing lines untouched"
    );
    let rows = onboarded(&lab.cc);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["type"], "Subscriber");
    assert_eq!(rows[1]["host"], format!("127.0.0.1:{}", lab.publisher.port));
    // The Cloud Connect side: the VOS part of the inventory, and a passing test-connection
    // that checks the host keys recorded at onboarding. The orchestration account's shell on
    // each member is the VOS CLI, as on a real VOS node (here this cluster's publisher's
    // ccadmin answers for both), and test-connection asks it what orchestration reads.
    for sshd in [&mut lab.publisher, &mut lab.subscriber] {
        let home = sshd.dir.path().to_owned();
        crate::orchestration::take_shell(sshd, &home, Some(&lab.vos));
    }
    let show = run(&lab.cc, &["utils", "system", "inventory", "show"], "").stdout;
    assert!(
        show.contains("Finesse") && show.contains(&format!("127.0.0.1:{}", lab.subscriber.port)),
        "{show}"
    );
    let t = run(
        &lab.cc,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "test-connection",
            "--product",
            "Finesse",
            "--timeout",
            "5",
        ],
        "",
    );
    assert_eq!(t.code, 0, "{}{}", t.stdout, t.stderr);
    let v: serde_json::Value = serde_json::from_str(&t.stdout).unwrap();
    assert_eq!(v["passed"], 2, "{v}");

    // Again: idempotent, no duplicate lines.
    let r = lab.onboard("trigger", PASSWORD);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(keys_file(&lab.subscriber).matches(&key).count(), 1);
    let r = lab.onboard("update", PASSWORD);
    assert_eq!(
        r.stdout.matches("Already onboarded").count(),
        2,
        "{}",
        r.stdout
    );

    // Remove: de-registered, and exactly the installed lines gone.
    let r = lab.onboard("remove", PASSWORD);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(onboarded(&lab.cc).is_empty());
    assert_eq!(keys_file(&lab.publisher), before_pub);
    assert!(!keys_file(&lab.subscriber).contains(&key));
    assert!(
        keys_file(&lab.subscriber).contains("ccadmin-test"),
        "the other lines stay"
    );
}

#[test]
fn untrusted_certificate_and_wrong_password_change_nothing() {
    let lab = lab();
    let before = keys_file(&lab.publisher);
    let r = lab.onboard("trigger", PASSWORD);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("utils cert import"), "{}", r.stderr);
    lab.trust();
    let r = lab.onboard("trigger", "not-the-password");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("refused the application user ccadmin"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not-the-password"));
    assert_eq!(keys_file(&lab.publisher), before);
    assert!(onboarded(&lab.cc).is_empty());
}

#[test]
fn a_member_down_is_partial_and_update_finishes_it() {
    let mut lab = lab();
    lab.trust();
    lab.subscriber.stop();
    let r = lab.onboard("initiate", PASSWORD);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains(&format!("127.0.0.1:{}", lab.subscriber.port))
            && r.stdout.contains("Failed: cannot connect"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("partially onboarded")
            && r.stderr.contains("utils system onboard update"),
        "{}",
        r.stderr
    );
    assert_eq!(onboarded(&lab.cc).len(), 1);
    lab.subscriber.restart();
    let r = lab.onboard("update", PASSWORD);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Already onboarded") && r.stdout.contains(" Onboarded"),
        "{}",
        r.stdout
    );
    assert_eq!(onboarded(&lab.cc).len(), 2);
}

/// `update` and `remove` act on the cluster `trigger` registered, under the name it was given,
/// and on the Cloud Connect node it used, without asking for them again; `status` shows both.
#[test]
fn update_and_remove_keep_the_recorded_cluster_name_and_node() {
    let lab = lab();
    lab.trust();
    let r = lab.onboard_with(
        "trigger",
        PASSWORD,
        &["--cluster-name", "Finesse-Cluster-1"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // No --cloud-connect and no FQDN answer: only the user and the password are asked.
    let r = run(
        &lab.vos,
        &["utils", "system", "onboard", "update"],
        &format!("{USER}\n{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("as cluster Finesse-Cluster-1."),
        "{}",
        r.stdout
    );
    let clusters = run(
        &lab.cc,
        &[
            "--output",
            "json",
            "run",
            "sql",
            "select distinct cluster from onboardedhost",
        ],
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&clusters.stdout).unwrap();
    assert_eq!(
        v["rows"],
        serde_json::json!([{ "cluster": "Finesse-Cluster-1" }]),
        "one cluster, not two"
    );
    let st = run(
        &lab.vos,
        &["--output", "json", "utils", "system", "onboard", "status"],
        "",
    );
    assert_eq!(st.code, 0, "{}", st.stderr);
    let st: serde_json::Value = serde_json::from_str(&st.stdout).unwrap();
    assert_eq!(st["cluster"], "Finesse-Cluster-1");
    assert_eq!(
        st["cloud_connect"],
        format!("localhost:{}", lab.served.port)
    );
    assert_eq!(st["members"].as_array().unwrap().len(), 2, "{st}");
    assert!(
        st["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "onboarded"),
        "{st}"
    );
    let r = run(
        &lab.vos,
        &["--yes", "utils", "system", "onboard", "remove"],
        &format!("{USER}\n{PASSWORD}\n"),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("Cluster Finesse-Cluster-1 is no longer onboarded."),
        "{}",
        r.stderr
    );
    assert!(
        onboarded(&lab.cc).is_empty(),
        "no orphan left on Cloud Connect"
    );
}

/// Issue 11 D2: VOS clusters come from onboarding; an import that changes only the VOS part
/// says exactly what it did not take and why, instead of a bare "nothing to import".
#[test]
fn an_import_names_the_vos_changes_it_does_not_take() {
    let lab = lab();
    lab.trust();
    let r = lab.onboard_with(
        "trigger",
        PASSWORD,
        &["--cluster-name", "Finesse-Cluster-1"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // The Cloud Connect node exports its inventory over SFTP, an administrator adds a CUIC
    // cluster to the VOS part and imports the file again.
    let d = tempfile::tempdir().unwrap();
    let sftp = |verb: &str| lab.inventory_over_sftp(verb, d.path());
    let r = sftp("export");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = d.path().join("inventory.conf");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("    CUIC: {}\n"), "{text}");
    let edited = text.replace(
        "    CUIC: {}\n",
        "    CUIC:\n      CUIC-Cluster-1:\n        hosts:\n        - name: \"cuic-a.example.com\"\n          type: \"Publisher\"\n          side: \"A\"\n",
    );
    std::fs::write(&file, edited).unwrap();
    let r = sftp("import");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "VOS host cuic-a.example.com (CUIC CUIC-Cluster-1) is not onboarded: it was not added"
        ) && r.stderr.contains("utils system onboard trigger"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Apart from the VOS changes above"),
        "{}",
        r.stderr
    );
    assert!(!run(&lab.cc, &["utils", "system", "inventory", "show"], "")
        .stdout
        .contains("cuic-a"));
}

/// Issue 11 D2: once a cluster is removed, it is gone from `inventory show` and `export`, also
/// when an import had stored it (the history keeps the version that had it).
#[test]
fn a_removed_cluster_leaves_the_inventory() {
    let lab = lab();
    lab.trust();
    let r = lab.onboard_with(
        "trigger",
        PASSWORD,
        &["--cluster-name", "Finesse-Cluster-1"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // Export and import back: the stored inventory now holds the onboarded cluster.
    let d = tempfile::tempdir().unwrap();
    let sftp = |verb: &str| lab.inventory_over_sftp(verb, d.path());
    assert_eq!(sftp("export").code, 0);
    let file = d.path().join("inventory.conf");
    let text = std::fs::read_to_string(&file).unwrap();
    // A Windows pair, so the import has something to store.
    std::fs::write(
        &file,
        text.replace(
            "    PG: {}\n",
            "    PG:\n      PG1:\n        hosts:\n        - name: \"pg1a.lab\"\n          side: \"A\"\n          user: \"root\"\n",
        ),
    )
    .unwrap();
    let r = sftp("import");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(run(&lab.cc, &["utils", "system", "inventory", "show"], "")
        .stdout
        .contains("Finesse-Cluster-1"));
    let r = lab.onboard("remove", PASSWORD);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let shown = run(&lab.cc, &["utils", "system", "inventory", "show"], "").stdout;
    assert!(
        !shown.contains("Finesse-Cluster-1") && shown.contains("pg1a.lab"),
        "{shown}"
    );
    assert_eq!(sftp("export").code, 0);
    // (The file's commented template names Finesse-Cluster-1 as an example; no entry does.)
    let exported = std::fs::read_to_string(&file).unwrap();
    assert!(
        !exported
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("Finesse-Cluster-1")),
        "{exported}"
    );
}
