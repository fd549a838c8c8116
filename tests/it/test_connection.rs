//! `utils deployment test-connection` against real sshd ports, a refusing port, black holes,
//! a changed host key, a refused key, a failing remote command and a name that does not resolve.

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::sshd::Sshd;
use crate::util::{run, state};

/// A port that accepts TCP connections and never says a word.
fn black_hole() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().take(20) {
            held.push(s);
        }
        std::thread::sleep(Duration::from_secs(60));
    });
    port
}

pub(crate) fn import(s: &Path, sshd: &Sshd, text: &str) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("inventory.conf"), text).unwrap();
    let key = sshd.client_key("ed25519").display().to_string();
    let r = run(
        s,
        &[
            "--yes",
            "utils",
            "system",
            "inventory",
            "import",
            "--sftp-server",
            &sshd.endpoint(),
            "--sftp-user",
            "root",
            "--sftp-identity",
            &key,
            "--sftp-directory",
            d.path().to_str().unwrap(),
            "--accept-new-host-key",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn results(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn row<'a>(v: &'a serde_json::Value, host: &str) -> &'a serde_json::Value {
    v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["host"] == host)
        .unwrap_or_else(|| panic!("{host} not in {v}"))
}

#[test]
fn every_failure_gets_its_own_reason_within_about_one_timeout() {
    let sshd = Sshd::start_many(4);
    let p = sshd.ports();
    let (_d, s) = state();
    sshd.authorize(&run(&s, &["utils", "controlnode", "key"], "").stdout);
    let refused_port = crate::util::HeldPort::new();
    let refused = refused_port.port;
    let holes = [black_hole(), black_hole(), black_hole()];
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse:\n      Finesse-Cluster-1:\n        hosts:\n        - name: \"finesse-a.lab\"\n          type: \"Publisher\"\n          side: \"A\"\n  Windows:\n\
         \x20   PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"root\"\n        - name: \"127.0.0.1:{}\"\n          side: \"B\"\n          user: \"root\"\n\
         \x20     PG2:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"nosuchuser\"\n        - name: \"127.0.0.1:{}\"\n          side: \"B\"\n          user: \"nobody\"\n\
         \x20   ROUTER:\n      RTR:\n        hosts:\n        - name: \"127.0.0.1:{refused}\"\n          side: \"A\"\n          user: \"root\"\n        - name: \"127.0.0.1:{}\"\n          side: \"B\"\n          user: \"root\"\n\
         \x20   LOGGER:\n      LGR:\n        hosts:\n        - name: \"no-such-host.invalid\"\n          side: \"A\"\n          user: \"root\"\n        - name: \"127.0.0.1:{}\"\n          side: \"B\"\n          user: \"root\"\n\
         \x20   ROGGER:\n      RGR:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"root\"\n\
         \x20 deploymentType: \"UCCE-2000-Agents\"\n",
        p[0], p[1], p[2], p[3], holes[0], holes[1], holes[2]
    );
    import(&s, &sshd, &inv);

    // First contact without --accept-new-host-keys: the ports not yet in known_hosts are
    // unknown (the import above recorded the first one).
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "test-connection",
            "--timeout",
            "3",
            "--product",
            "PG",
        ],
        "",
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v = results(&r.stdout);
    assert_eq!(
        row(&v, &format!("127.0.0.1:{}", p[0]))["result"],
        "Success",
        "{v}"
    );
    assert!(
        row(&v, &format!("127.0.0.1:{}", p[1]))["detail"]
            .as_str()
            .unwrap()
            .starts_with("host key unknown (ED25519 SHA256:"),
        "{v}"
    );

    let start = Instant::now();
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "test-connection",
            "--timeout",
            "3",
            "--accept-new-host-keys",
        ],
        "",
    );
    let elapsed = start.elapsed();
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v = results(&r.stdout);
    let detail = |h: String| row(&v, &h)["detail"].as_str().unwrap().to_owned();
    assert_eq!(
        row(&v, &format!("127.0.0.1:{}", p[0]))["result"],
        "Success",
        "{v}"
    );
    assert_eq!(
        row(&v, &format!("127.0.0.1:{}", p[1]))["result"],
        "Success",
        "{v}"
    );
    assert_eq!(
        detail(format!("127.0.0.1:{}", p[2])),
        "authentication refused for publickey as nosuchuser"
    );
    assert!(
        detail(format!("127.0.0.1:{}", p[3])).starts_with("remote command failed: exit status 1"),
        "{v}"
    );
    assert_eq!(
        detail(format!("127.0.0.1:{refused}")),
        format!("connection refused (TCP {refused})")
    );
    for h in holes {
        assert_eq!(
            detail(format!("127.0.0.1:{h}")),
            format!("timed out after 3s during SSH banner exchange (TCP {h})")
        );
    }
    assert!(
        detail("no-such-host.invalid".into())
            .starts_with("DNS: cannot resolve no-such-host.invalid"),
        "{v}"
    );
    assert_eq!(row(&v, "finesse-a.lab")["result"], "Skipped");
    assert_eq!(
        (
            v["passed"].as_u64(),
            v["failed"].as_u64(),
            v["skipped"].as_u64()
        ),
        (Some(2), Some(7), Some(1))
    );
    // Three black holes in parallel cost one timeout, not three.
    assert!(elapsed < Duration::from_secs(7), "took {elapsed:?}");

    // The text table and summary.
    let r = run(
        &s,
        &[
            "utils",
            "deployment",
            "test-connection",
            "--timeout",
            "2",
            "--product",
            "pg",
        ],
        "",
    );
    assert_eq!(r.code, 3);
    assert!(
        r.stdout.starts_with("PRODUCT  CLUSTER/PAIR  HOST"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("2 of 4 hosts passed"), "{}", r.stdout);
    assert!(
        r.stderr.contains("2 of 4 hosts failed the test"),
        "{}",
        r.stderr
    );

    // A host whose key changed: known_hosts now holds another key for it.
    let kh = std::fs::read_to_string(s.join("known_hosts")).unwrap();
    let other = std::fs::read_to_string(sshd.client_key("ed25519").with_extension("pub")).unwrap();
    let other_key = other.split_whitespace().nth(1).unwrap();
    let name = format!("[127.0.0.1]:{}", p[1]);
    let changed: String = kh
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{name} ")) {
                format!("{name} ssh-ed25519 {other_key}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(s.join("known_hosts"), changed).unwrap();
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "test-connection",
            "--node",
            &format!("127.0.0.1:{}", p[1]),
        ],
        "",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = results(&r.stdout);
    assert!(
        v["hosts"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("host key changed"),
        "{v}"
    );

    // Only the good host: exit 0.
    let r = run(
        &s,
        &[
            "utils",
            "deployment",
            "test-connection",
            "--node",
            &format!("127.0.0.1:{}", p[0]),
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 of 1 hosts passed"), "{}", r.stdout);
}

#[test]
fn nothing_to_test_is_an_error() {
    let (_d, s) = state();
    let r = run(&s, &["utils", "deployment", "test-connection"], "");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("nothing to test: the inventory has no hosts"),
        "{}",
        r.stderr
    );
}

/// Issue 16: a busy server that turns connections away at the banner (sshd with a low
/// MaxStartups, as a loaded host behaves) is retried at the end of the run and passes; the
/// summary says so; every reported time is within the deadline.
#[test]
fn hosts_turned_away_at_the_banner_pass_on_retry() {
    const HOSTS: usize = 30;
    // Two sshd (OpenSSH listens on at most 16 ports each), 15 "hosts" each.
    let busy = [
        Sshd::start_many_busy(15, "3"),
        Sshd::start_many_busy(15, "3"),
    ];
    let sshd = &busy[0];
    let (_d, s) = state();
    let key = run(&s, &["utils", "controlnode", "key"], "").stdout;
    let ports: Vec<u16> = busy
        .iter()
        .flat_map(|b| {
            b.authorize(&key);
            b.ports()
        })
        .collect();
    assert_eq!(ports.len(), HOSTS);
    let mut inv = String::from("---\ninventory:\n  VOS:\n    Finesse: {}\n  Windows:\n    PG:\n");
    for (i, pair) in ports.chunks(2).enumerate() {
        inv += &format!("      PG{i}:\n        hosts:\n");
        for (side, port) in ["A", "B"].iter().zip(pair) {
            inv += &format!(
                "        - name: \"127.0.0.1:{port}\"\n          side: \"{side}\"\n          user: \"root\"\n"
            );
        }
    }
    inv += "  deploymentType: \"UCCE-2000-Agents\"\n";
    import(&s, sshd, &inv);
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "test-connection",
            "--parallel",
            "30",
            "--timeout",
            "10",
            "--accept-new-host-keys",
        ],
        "",
    );
    let v = results(&r.stdout);
    assert_eq!(r.code, 0, "{}\n{v}", r.stderr);
    assert_eq!(v["passed"], HOSTS as u64, "{v}");
    let hosts = v["hosts"].as_array().unwrap();
    let retried: Vec<_> = hosts.iter().filter(|h| h["attempts"] == 2).collect();
    assert!(!retried.is_empty(), "sshd turned nobody away: {v}");
    for h in &retried {
        let d = h["detail"].as_str().unwrap();
        assert!(d.starts_with("passed on retry 1 (first try: busy: "), "{h}");
    }
    assert_eq!(v["run"]["passed_on_retry"], retried.len() as u64);
    assert!(v["run"]["parallel_peak"].as_u64().unwrap() <= 30, "{v}");
    // The deadline holds on every reported time.
    for h in hosts {
        assert!(h["seconds"].as_f64().unwrap() <= 10.5, "{h}");
    }
    // The text summary names the retries and the parallelism used.
    let r = run(
        &s,
        &[
            "utils",
            "deployment",
            "test-connection",
            "--parallel",
            "30",
            "--timeout",
            "10",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let summary = r.stdout.lines().last().unwrap();
    assert!(summary.starts_with("30 of 30 hosts passed"), "{summary}");
    assert!(summary.contains("at once of --parallel 30"), "{summary}");
}

/// Issue 16: with retries, a black hole still costs one timeout (it never answered, and the
/// run saw no server struggle), and the time reported for it is its deadline, not more.
#[test]
fn a_black_hole_is_not_retried_and_reports_its_deadline() {
    let sshd = Sshd::start();
    let (_d, s) = state();
    sshd.authorize(&run(&s, &["utils", "controlnode", "key"], "").stdout);
    let hole = black_hole();
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"root\"\n        - name: \"127.0.0.1:{hole}\"\n          side: \"B\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
        sshd.port
    );
    import(&s, &sshd, &inv);
    let r = run(
        &s,
        &[
            "--output",
            "json",
            "utils",
            "deployment",
            "test-connection",
            "--timeout",
            "2",
        ],
        "",
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v = results(&r.stdout);
    let h = row(&v, &format!("127.0.0.1:{hole}"));
    assert_eq!(h["attempts"], 1, "{h}");
    assert_eq!(v["run"]["retried"], 0, "{v}");
    let secs = h["seconds"].as_f64().unwrap();
    assert!((2.0..2.5).contains(&secs), "{h}");
}

/// Issue 11 D11: on a terminal, host keys not known yet are asked about once for all (their
/// fingerprints listed), then those hosts are tested again and the keys learned are named.
#[test]
fn a_terminal_is_asked_once_about_unknown_host_keys() {
    let sftp = Sshd::start();
    let win = Sshd::start();
    let (_d, s) = state();
    win.authorize(&run(&s, &["utils", "controlnode", "key"], "").stdout);
    let inv = format!(
        "---\ninventory:\n  VOS:\n    Finesse: {{}}\n  Windows:\n    PG:\n      PG1:\n        hosts:\n        - name: \"127.0.0.1:{}\"\n          side: \"A\"\n          user: \"root\"\n  deploymentType: \"UCCE-2000-Agents\"\n",
        win.port
    );
    import(&s, &sftp, &inv);
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c").arg(format!(
        "stty rows 40 cols 160 echo && exec {} utils deployment test-connection --timeout 10",
        crate::util::bin().display()
    ));
    cmd.env("CCADMIN_STATE_DIR", &s)
        .env("TERM", "xterm")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    let listed = p
        .exp_string(
            "Are you sure you want to trust these 1 host key(s) and continue connecting (yes/no)? ",
        )
        .unwrap();
    assert!(
        listed.contains(&format!("127.0.0.1:{}  ED25519 SHA256:", win.port)),
        "{listed}"
    );
    p.send_line("yes").unwrap();
    p.exp_string("Permanently added").unwrap();
    p.exp_string("1 of 1 hosts passed").unwrap();
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("{other:?}"),
    }
    let known = std::fs::read_to_string(s.join("known_hosts")).unwrap();
    assert!(
        known.contains(&format!("[127.0.0.1]:{}", win.port)),
        "{known}"
    );
}

/// Issue 11 D12: when every host was skipped (VOS hosts not onboarded), the hint is about
/// onboarding, not about authorized_keys; exit 1 as docs/test-connection.md says ("none passed").
#[test]
fn only_skipped_hosts_get_the_onboarding_hint() {
    let sftp = Sshd::start();
    let (_d, s) = state();
    let inv = "---\ninventory:\n  VOS:\n    Finesse:\n      Finesse-Cluster-1:\n        hosts:\n        - name: \"fin-a.lab\"\n          type: \"Publisher\"\n          side: \"A\"\n  Windows:\n    PG: {}\n  deploymentType: \"UCCE-2000-Agents\"\n";
    import(&s, &sftp, inv);
    let r = run(&s, &["utils", "deployment", "test-connection"], "");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("0 of 0 hosts passed, 1 skipped"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("no host could be tested")
            && r.stderr.contains("utils system onboard trigger")
            && !r.stderr.contains("authorized_keys"),
        "{}",
        r.stderr
    );
}
