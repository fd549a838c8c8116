//! ccadmin as a real account's login shell behind a real OpenSSH sshd (issue 27): a throw-away
//! account made with `useradd -s <ccadmin>` for each test, reached with the OpenSSH client as
//! an administrator would: a one-shot (`ssh host 'utils node show'`, sshd runs `ccadmin -c`),
//! a batch on stdin without a terminal, the interactive `admin:` shell through `ssh -tt` (sshd
//! runs `-ccadmin`), scp and an sftp-server refused, and the VOS console of the orchestration
//! lab served by the account's shell itself instead of a wrapper script.
//!
//! sshd asks only that the shell exist and be executable (with `UsePAM no`, and Debian's sshd
//! PAM stack has no `pam_shells`): the binary need not be in /etc/shells for these tests, so
//! they leave that system file alone. The account's state is where ccadmin puts it by default,
//! `$HOME/.local/share/ccadmin`, HOME being what sshd sets from the password database.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use rexpect::process::WaitStatus;

use crate::sshd::Sshd;
use crate::util::bin;

/// A throw-away account whose login shell is the ccadmin under test, with its own home; the
/// account and its home go when the guard drops.
struct Account {
    name: String,
    uid: u32,
    home: PathBuf,
    _base: tempfile::TempDir,
}

impl Account {
    fn create() -> Account {
        static N: AtomicUsize = AtomicUsize::new(0);
        // SAFETY: getuid has no preconditions.
        assert_eq!(
            unsafe { libc::getuid() },
            0,
            "the login-shell tests create a throw-away account with useradd: run tests/run as root"
        );
        let name = format!(
            "ccls{}x{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let base = tempfile::tempdir().unwrap();
        // The account walks into its home through this directory.
        std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let home = base.path().join("home");
        let shell = bin();
        // sshd runs the shell as the account: every directory on the way must let it through.
        for dir in shell.ancestors().skip(1) {
            let mode = std::fs::metadata(dir).unwrap().mode();
            assert_ne!(
                mode & 0o001,
                0,
                "{} is not searchable by other accounts, so a throw-away account cannot run {}: chmod o+x it",
                dir.display(),
                shell.display()
            );
        }
        let mut useradd = Command::new("useradd");
        // `*`: no password, but not locked (sshd refuses a locked account's keys too).
        useradd
            .args(["-m", "-p", "*", "-d"])
            .arg(&home)
            .arg("-s")
            .arg(&shell)
            .arg(&name);
        let out = retry_while_locked(&mut useradd);
        assert!(
            out.status.success(),
            "useradd {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let uid = crate::sshd::uid_of(&name);
        Account {
            name,
            uid,
            home,
            _base: base,
        }
    }

    /// Where ccadmin keeps this account's state by default.
    fn state(&self) -> PathBuf {
        self.home.join(".local/share/ccadmin")
    }

    /// Hand `path` to the account (a file it must read or write).
    fn give(&self, path: &Path) {
        std::os::unix::fs::chown(path, Some(self.uid), None).unwrap();
    }

    /// Run ccadmin on the account's state as the account, without SSH (`runuser`): the
    /// one-shot face to compare with.
    fn local(&self, args: &[&str]) -> Output {
        let mut c = Command::new("runuser");
        c.args(["-u", &self.name, "--", "env", "-i"])
            .arg(format!("HOME={}", self.home.display()))
            .arg(format!("USER={}", self.name))
            .arg("PATH=/usr/bin:/bin")
            .arg(bin())
            .args(args)
            .current_dir(&self.home)
            .stdin(Stdio::null());
        c.output().expect("runuser runs")
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        // -f: a session sshd has not reaped yet does not keep the account alive.
        let out = retry_while_locked(Command::new("userdel").args(["-f", "-r", &self.name]));
        if !out.status.success() {
            eprintln!(
                "userdel {} failed: {}",
                self.name,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Run `useradd`/`userdel`, again while another one (a parallel test, a package's postinst)
/// holds the password database's lock.
fn retry_while_locked(cmd: &mut Command) -> Output {
    for _ in 0..50 {
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?} ({e}): apt-get install -y passwd"));
        if out.status.success() || !String::from_utf8_lossy(&out.stderr).contains("lock") {
            return out;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    cmd.output().unwrap()
}

/// An sshd whose authorized_keys the account can read (sshd reads it as the account) and
/// replace (a VOS node's onboarding writes the Cloud Connect key there atomically: a new file
/// renamed over the old one, so the account owns the directory; `StrictModes no`). The host
/// and client keys in it stay root's own files.
fn sshd_for(acct: &Account) -> Sshd {
    let sshd = Sshd::start();
    std::fs::set_permissions(sshd.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    acct.give(sshd.dir.path());
    let keys = sshd.dir.path().join("authorized_keys");
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).unwrap();
    acct.give(&keys);
    sshd
}

/// The OpenSSH client's options to log in to `sshd` with its client key, trusting any host key.
fn ssh_options(sshd: &Sshd, port_flag: &str) -> Vec<String> {
    vec![
        port_flag.to_owned(),
        sshd.port.to_string(),
        "-i".into(),
        sshd.client_key("ed25519").display().to_string(),
        "-o".into(),
        "StrictHostKeyChecking=no".into(),
        "-o".into(),
        "UserKnownHostsFile=/dev/null".into(),
        "-o".into(),
        "BatchMode=yes".into(),
        "-o".into(),
        "LogLevel=ERROR".into(),
    ]
}

struct Ssh {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `ssh [flags] account@127.0.0.1 [command] < stdin`, without a terminal.
fn ssh(sshd: &Sshd, acct: &Account, flags: &[&str], command: Option<&str>, stdin: &str) -> Ssh {
    let mut c = Command::new("ssh");
    c.args(ssh_options(sshd, "-p"))
        .args(flags)
        // `--`: ssh reads options after the destination too (`--output` would be its own).
        .arg("--")
        .arg(format!("{}@127.0.0.1", acct.name))
        .args(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run ssh ({e}): apt-get install -y openssh-client"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let r = Ssh {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_ne!(
        r.code,
        255,
        "ssh itself failed: {}\nsshd: {}",
        r.stderr,
        sshd.log()
    );
    r
}

#[test]
fn login_shell_one_shot_over_ssh_is_the_local_one_shot() {
    let acct = Account::create();
    let sshd = sshd_for(&acct);

    let r = ssh(&sshd, &acct, &[], Some("utils node show"), "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Role               : publisher"),
        "{}",
        r.stdout
    );
    // The account's own state, in the default place under the HOME sshd set, made by the
    // account (owner-only), not by root.
    let db = acct.state().join("ccadmin.db");
    let meta = std::fs::metadata(&db).unwrap_or_else(|e| panic!("{}: {e}", db.display()));
    assert_eq!(meta.uid(), acct.uid);
    assert_eq!(meta.mode() & 0o077, 0, "{:o}", meta.mode());

    // The same bytes as the one-shot face run locally as the account; JSON both ways of
    // giving --output (before the command, or after it as at the prompt).
    let local = acct.local(&["utils", "node", "show"]);
    assert_eq!(r.stdout, String::from_utf8_lossy(&local.stdout));
    let local = acct.local(&["--output", "json", "utils", "node", "show"]);
    for line in [
        "--output json utils node show",
        "utils node show --output json",
    ] {
        let r = ssh(&sshd, &acct, &[], Some(line), "");
        assert_eq!(r.code, 0, "{line}: {}", r.stderr);
        assert_eq!(r.stdout, String::from_utf8_lossy(&local.stdout), "{line}");
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["role"], "publisher", "{v}");
    }

    // Quoting as the shell splits it: one word with a space, so one argument too many for
    // `utils node show`, named as the console names it; a value quoted as one word reaches
    // the command whole.
    let r = ssh(&sshd, &acct, &[], Some("utils node shoe"), "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Invalid command: utils node shoe\nDid you mean: utils node show?"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Executed command unsuccessfully"),
        "{}",
        r.stderr
    );
    let r = ssh(
        &sshd,
        &acct,
        &[],
        Some("utils node set --hostname 'cc pub.example.com' -y"),
        "",
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("cc pub.example.com"), "{}", r.stderr);
    let r = ssh(
        &sshd,
        &acct,
        &[],
        Some("utils node set --hostname \"cc-pub.example.com\" -y"),
        "",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(
        &ssh(&sshd, &acct, &[], Some("--output json utils node show"), "").stdout,
    )
    .unwrap();
    assert_eq!(v["hostname"], "cc-pub.example.com", "{v}");

    // A line that cannot be split says what and where, and runs nothing.
    let r = ssh(
        &sshd,
        &acct,
        &[],
        Some("utils node set --hostname 'x.example.com -y"),
        "",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(
            "Error: the command line given to -c has an unclosed single quote (') at column 27"
        ),
        "{}",
        r.stderr
    );
    // The service and the hub are not commands of the admin: shell.
    let r = ssh(&sshd, &acct, &[], Some("serve --listen 127.0.0.1:0"), "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("-c runs one command of the admin: shell; serve is not one"),
        "{}",
        r.stderr
    );
}

#[test]
fn login_shell_runs_stdin_as_a_batch_without_a_terminal() {
    let acct = Account::create();
    let sshd = sshd_for(&acct);
    // No command, no terminal: sshd starts `-ccadmin` with the batch on its stdin.
    let r = ssh(
        &sshd,
        &acct,
        &["-T"],
        None,
        "utils node show\nutils node show --output json\n",
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Role               : publisher"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\"role\": \"publisher\""), "{}", r.stdout);
    // A batch stops at its first failure, with that command's status; the rest does not run.
    let r = ssh(
        &sshd,
        &acct,
        &["-T"],
        None,
        "utils node show\nutils node shoe\nutils node set --hostname never.example.com -y\n",
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Role               : publisher"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("Invalid command: utils node shoe"),
        "{}",
        r.stderr
    );
    let r = ssh(&sshd, &acct, &[], Some("--output json utils node show"), "");
    assert!(!r.stdout.contains("never.example.com"), "{}", r.stdout);
}

#[test]
fn login_shell_gives_the_admin_prompt_through_a_pty() {
    let acct = Account::create();
    let sshd = sshd_for(&acct);
    let mut cmd = Command::new("ssh");
    cmd.arg("-tt")
        .args(ssh_options(&sshd, "-p"))
        .arg(format!("{}@127.0.0.1", acct.name))
        .env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn ssh in a pty");
    p.exp_string("Welcome to ccadmin")
        .unwrap_or_else(|e| panic!("{e}\nsshd: {}", sshd.log()));
    p.exp_string("admin:").unwrap();
    p.send_line("utils node show").unwrap();
    p.exp_string("Role               : publisher").unwrap();
    p.exp_string("admin:").unwrap();
    // The shell's own answers: `?` and an invalid command, then back at the prompt.
    p.send_line("utils node shoe").unwrap();
    p.exp_string("Did you mean: utils node show?").unwrap();
    p.exp_string("admin:").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("ssh ended with {other:?}"),
    }
    // The session's commands ran as the account, on its state.
    assert_eq!(
        std::fs::metadata(acct.state().join("ccadmin.db"))
            .unwrap()
            .uid(),
        acct.uid
    );

    // A command with a terminal (`ssh -tt host COMMAND`) is a one-shot on that terminal.
    let mut cmd = Command::new("ssh");
    cmd.arg("-tt")
        .args(ssh_options(&sshd, "-p"))
        .arg(format!("{}@127.0.0.1", acct.name))
        .arg("utils node show")
        .env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn ssh in a pty");
    p.exp_string("Role               : publisher").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains("admin:"), "{rest}");
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("ssh ended with {other:?}"),
    }
}

#[test]
fn login_shell_refuses_scp_and_an_sftp_server_with_one_line() {
    let acct = Account::create();
    let sshd = sshd_for(&acct);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("payload.txt");
    std::fs::write(&local, "payload\n").unwrap();
    let target = acct.home.join("payload.txt");
    let refused = "scp refused: ccadmin is this account's login shell and serves no file transfers";

    // The classic scp protocol (`-O`): sshd runs `ccadmin -c 'scp -t …'` / `'scp -f …'`.
    let remote = format!("{}@127.0.0.1:{}", acct.name, target.display());
    for (from, to) in [
        (local.display().to_string(), remote.clone()),
        (
            remote.clone(),
            dir.path().join("back.txt").display().to_string(),
        ),
    ] {
        let out = Command::new("scp")
            .arg("-O")
            .args(ssh_options(&sshd, "-P"))
            .args([&from, &to])
            .output()
            .expect("scp runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{from} -> {to}: {stderr}");
        assert!(stderr.contains(refused), "{stderr}");
    }
    assert!(!target.exists());
    assert!(!dir.path().join("back.txt").exists());

    // An SFTP server run through the shell, as sshd does for `Subsystem sftp
    // /usr/lib/openssh/sftp-server` (`sftp -s PATH` asks for exactly that).
    let mut c = Command::new("sftp");
    c.args(ssh_options(&sshd, "-P"))
        .args(["-s", "/usr/lib/openssh/sftp-server", "-b", "-"])
        .arg(format!("{}@127.0.0.1", acct.name))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("sftp runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("put {} payload.txt\n", local.display()).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("sftp-server refused: ccadmin is this account's login shell"),
        "{stderr}"
    );
    assert!(!target.exists());
    // And one line it is.
    let r = ssh(&sshd, &acct, &[], Some("scp -t /tmp"), "");
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!("Error: {refused}")),
        "{}",
        r.stderr
    );
}

/// The orchestration lab's VOS console without its wrapper script: a VOS node whose
/// orchestration account's login shell is ccadmin (on the account's default state), set up
/// and onboarded over SSH through that shell, then driven by a Cloud Connect node as in
/// `orchestration.rs`: the status read (`show version active --output json` through `-c`), a
/// patch sent over SFTP (sshd's internal-sftp, which never reaches the shell) and installed
/// with `utils system upgrade initiate` through `-c`.
#[test]
fn login_shell_serves_the_orchestration_lab_as_a_vos_console() {
    use crate::patches::{minisign, sha256};
    use crate::util::{run, state};
    const USER: &str = "ccadmin";
    const PASSWORD: &str = "Orchestrate-Pass-2026";

    let acct = Account::create();
    let sshd = sshd_for(&acct);
    let host = sshd.endpoint();
    let ok = |r: &crate::util::Run| assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let ok_ssh = |r: &Ssh| assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    // The Cloud Connect node and its service.
    let (_d, cc) = state();
    let out = crate::util::ccadmin(&cc)
        .env("CCADMIN_APPLICATIONUSER_PASSWORD", PASSWORD)
        .args(["utils", "applicationuser", "add", USER])
        .output()
        .unwrap();
    assert!(out.status.success());
    let served = crate::serve::Served::start(&cc);
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
    crate::test_connection::import(
        &cc,
        &sshd,
        "---\ninventory:\n  VOS:\n    Finesse: {}\n  Windows:\n    PG: {}\n  deploymentType: \"UCCE-2000-Agents\"\n",
    );

    // The VOS node, set up at its own console over SSH: the role, the account that Cloud
    // Connect logs in as (this one), the Cloud Connect certificate, the onboarding (its
    // prompts answered on stdin).
    ok_ssh(&ssh(
        &sshd,
        &acct,
        &[],
        Some(&format!(
            "-y utils node set --role vos --component Finesse --hostname {host} --orchestration-user {} --authorized-keys {} --software-version 12.6.1",
            acct.name,
            sshd.dir.path().join("authorized_keys").display()
        )),
        "",
    ));
    let pem = acct.home.join("cc.pem");
    std::fs::write(&pem, run(&cc, &["show", "cert", "own"], "").stdout).unwrap();
    acct.give(&pem);
    ok_ssh(&ssh(
        &sshd,
        &acct,
        &[],
        Some("utils cert import cc.pem"),
        "",
    ));
    ok_ssh(&ssh(
        &sshd,
        &acct,
        &[],
        Some(&format!(
            "utils system onboard trigger --cloud-connect localhost:{}",
            served.port
        )),
        &format!("{USER}\n{PASSWORD}\n"),
    ));

    // Cloud Connect reads the node's version through the account's shell.
    let json = |args: &[&str]| -> (i32, serde_json::Value) {
        let mut a = vec!["--output", "json", "--yes"];
        a.extend_from_slice(args);
        let r = run(&cc, &a, "");
        let v = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}\nsshd: {}", r.stdout, r.stderr, sshd.log()));
        (r.code, v)
    };
    let (code, v) = json(&["utils", "deployment", "show", "status"]);
    assert_eq!(code, 0, "{v}");
    let hosts = v["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 1, "{v}");
    assert_eq!(hosts[0]["host"], host, "{v}");
    assert_eq!(hosts[0]["version"], "12.6.1", "{v}");

    // A signed VOS patch, sent and installed through the account.
    let keys = tempfile::tempdir().unwrap();
    let (_, secret) = crate::patches::trusted_publisher(&cc, keys.path());
    let dir = cc.join("artifacts/12.6/common");
    std::fs::create_dir_all(&dir).unwrap();
    let data = b"vos patch bytes";
    std::fs::write(dir.join("ucos.es1.cop"), data).unwrap();
    let manifest = dir.join("ucos.es1.cop.manifest.json");
    std::fs::write(
        &manifest,
        serde_json::to_vec_pretty(&serde_json::json!({
            "file": "ucos.es1.cop", "product": "Finesse", "platform": "VOS",
            "version": "12.6.1-ES1", "applies_to": ["12.6.1"], "reboot": false,
            "rollback": true, "sha256": sha256(data),
        }))
        .unwrap(),
    )
    .unwrap();
    minisign(&[
        "-S",
        "-s",
        secret.to_str().unwrap(),
        "-m",
        manifest.to_str().unwrap(),
    ]);
    let (code, v) = json(&["utils", "patch-manager", "install", "ucos.es1.cop", "--all"]);
    assert_eq!(code, 0, "{v}\nsshd: {}", sshd.log());
    assert_eq!(v["nodes"][0]["host"], host, "{v}");
    assert_eq!(v["nodes"][0]["result"], "done", "{v}");
    // The node's own console says it, asked over SSH as an administrator would.
    let r = ssh(
        &sshd,
        &acct,
        &[],
        Some("show version active --output json"),
        "",
    );
    ok_ssh(&r);
    let ver: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(ver["patches"][0]["name"], "ucos.es1.cop", "{ver}");
    // Every command came through the account's shell: sshd has no wrapper to force.
    let config = std::fs::read_to_string(sshd.dir.path().join("sshd_config")).unwrap();
    assert!(!config.contains("ForceCommand"), "{config}");
}

/// Issue 27: `ccadmin -c 'utils node show'` answered `Invalid command` (exit 2), so ccadmin
/// could not be a login shell. Locally, without sshd: `-c` is the one-shot, with the program
/// called as a login shell is (`-ccadmin`) too, and global options before `-c` apply.
#[test]
fn login_shell_dash_c_was_an_invalid_command() {
    use std::os::unix::process::CommandExt;
    let (_d, st) = crate::util::state();
    let one_shot = crate::util::run(&st, &["--output", "json", "utils", "node", "show"], "");
    assert_eq!(one_shot.code, 0, "{}", one_shot.stderr);
    for (arg0, args) in [
        (
            "ccadmin",
            ["-c", "--output json utils node show"].as_slice(),
        ),
        (
            "-ccadmin",
            ["-c", "utils node show --output json"].as_slice(),
        ),
        (
            "-ccadmin",
            ["--output", "json", "-c", "utils node show"].as_slice(),
        ),
    ] {
        let mut c = Command::new(bin());
        for (k, _) in std::env::vars() {
            if k.starts_with("CCADMIN_") {
                c.env_remove(k);
            }
        }
        let out = c
            .arg0(arg0)
            .args(args)
            .env("CCADMIN_STATE_DIR", &st)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{arg0} {args:?}: {stderr}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            one_shot.stdout,
            "{arg0} {args:?}"
        );
    }
}
