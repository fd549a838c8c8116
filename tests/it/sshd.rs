//! A real OpenSSH `sshd` on loopback ports the kernel chose (held by the test, never released
//! while it lives) with throw-away host and client keys, for the SSH and
//! SFTP tests. A test that cannot start it fails and says what to install.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use crate::util::{wait_for_showing, HeldPort};

/// The unprivileged account the tests log in as with a password.
pub const TEST_USER: &str = "ccsftp";
pub const TEST_PASSWORD: &str = "Sftp-Test-Pass1";

const SSHD: &str = "/usr/sbin/sshd";

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Create the password account once per machine (tests run as root, as CI does).
pub fn ensure_test_user() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let exists = Command::new("id").arg(TEST_USER).stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap().success();
        // SAFETY: getuid has no preconditions.
        let root = unsafe { libc::getuid() } == 0;
        if !exists {
            assert!(root, "the test account {TEST_USER} is missing and only root can create it: run tests/run as root");
            run(Command::new("useradd").args(["-m", "-s", "/bin/sh", TEST_USER]));
        }
        if root {
            let mut c = Command::new("chpasswd").stdin(Stdio::piped()).spawn().expect("chpasswd");
            c.stdin.take().unwrap().write_all(format!("{TEST_USER}:{TEST_PASSWORD}\n").as_bytes()).unwrap();
            assert!(c.wait().unwrap().success(), "chpasswd failed");
        }
    });
}

pub fn uid_of(user: &str) -> u32 {
    let out = Command::new("id").args(["-u", user]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

pub struct Sshd {
    pub port: u16,
    /// More ports the same sshd listens on (one sshd, many "hosts").
    pub extra_ports: Vec<u16>,
    /// Every port, the first one first, held (bound, not listening) for as long as this value
    /// lives: the kernel chose each and gives it to no other bind to port 0, so no port is
    /// chosen, released and then raced for; sshd binds them beside the hold, and while it is
    /// stopped they refuse connections and stay ours for the restart.
    _held: Vec<HeldPort>,
    pub dir: tempfile::TempDir,
    child: Option<Child>,
    /// sshd's `MaxStartups`: unauthenticated connections it keeps before turning new ones away.
    max_startups: String,
    /// `Match` blocks at the end of the configuration (per-port forced commands).
    matches: String,
}

fn keygen(path: &Path, kind: &str) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(path.with_extension("pub"));
    let mut c = Command::new("ssh-keygen");
    c.args(["-q", "-t", kind, "-N", "", "-C", "ccadmin-test", "-f"])
        .arg(path);
    if kind == "rsa" {
        c.args(["-b", "3072"]);
    }
    run(&mut c);
}

impl Sshd {
    pub fn start() -> Sshd {
        Sshd::many(1, "200")
    }

    /// One sshd on `n` ports that turns away connections beyond `max_startups`
    /// unauthenticated ones (closed before the banner, as a busy server does).
    pub fn start_many_busy(n: usize, max_startups: &str) -> Sshd {
        Sshd::many(n, max_startups)
    }

    /// One sshd listening on `n` ports.
    pub fn start_many(n: usize) -> Sshd {
        Sshd::many(n, "200")
    }

    fn many(n: usize, max_startups: &str) -> Sshd {
        assert!(
            Path::new(SSHD).exists(),
            "OpenSSH sshd is not installed: run tests/run (it installs openssh-server) or apt-get install -y openssh-server"
        );
        ensure_test_user();
        let dir = tempfile::tempdir().unwrap();
        keygen(&dir.path().join("host_key"), "ed25519");
        keygen(&dir.path().join("client_ed25519"), "ed25519");
        keygen(&dir.path().join("client_rsa"), "rsa");
        let mut auth = std::fs::read_to_string(dir.path().join("client_ed25519.pub")).unwrap();
        auth += &std::fs::read_to_string(dir.path().join("client_rsa.pub")).unwrap();
        std::fs::write(dir.path().join("authorized_keys"), auth).unwrap();
        // All held at once, so the kernel gives each a different port.
        let held: Vec<HeldPort> = (0..n.max(1)).map(|_| HeldPort::new()).collect();
        let mut s = Sshd {
            port: held[0].port,
            extra_ports: held[1..].iter().map(|h| h.port).collect(),
            _held: held,
            dir,
            child: None,
            max_startups: max_startups.to_owned(),
            matches: String::new(),
        };
        s.spawn();
        s
    }

    /// Every port, the first one first.
    pub fn ports(&self) -> Vec<u16> {
        std::iter::once(self.port)
            .chain(self.extra_ports.iter().copied())
            .collect()
    }

    pub fn authorize(&self, public_line: &str) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.path().join("authorized_keys"))
            .unwrap();
        writeln!(f, "{}", public_line.trim()).unwrap();
    }

    pub fn client_key(&self, kind: &str) -> PathBuf {
        self.dir.path().join(format!("client_{kind}"))
    }

    fn spawn(&mut self) {
        std::fs::create_dir_all("/run/sshd").unwrap();
        let d = self.dir.path();
        // sshd binds the held ports itself (with SO_REUSEADDR, as it always does, which lets it
        // share each port with our bound, non-listening socket).
        let ports: String = self.ports().iter().map(|p| format!("Port {p}\n")).collect();
        let config = format!(
            "{ports}ListenAddress 127.0.0.1\nHostKey {}/host_key\nPidFile {}/sshd.pid\nAuthorizedKeysFile {}/authorized_keys\n\
             UsePAM no\nStrictModes no\nPermitRootLogin yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n\
             Subsystem sftp internal-sftp\nLogLevel VERBOSE\nMaxStartups {}\nMaxSessions 50\n",
            d.display(),
            d.display(),
            d.display(),
            self.max_startups
        ) + &self.matches;
        std::fs::write(d.join("sshd_config"), config).unwrap();
        let log = std::fs::File::create(d.join("sshd.log")).unwrap();
        let child = Command::new(SSHD)
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(d.join("sshd_config"))
            .stdin(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        self.child = Some(child);
        // sshd's own word that it listens on each port (a connection that is answered could
        // be answered by someone else; here none can be, but the log line also says sshd
        // has bound every port, not only the first).
        let ports = self.ports();
        let log_path = d.join("sshd.log");
        let child = self.child.as_mut().unwrap();
        wait_for_showing(
            &format!("sshd to listen on ports {ports:?}"),
            Duration::from_secs(10),
            || {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("sshd exited at start ({status}): {log}");
                }
                ports
                    .iter()
                    .all(|p| log.contains(&format!("Server listening on 127.0.0.1 port {p}.")))
            },
            || std::fs::read_to_string(&log_path).unwrap_or_default(),
        );
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Start again after `stop`, same ports (still held) and keys (a member that comes back).
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Stop, take a new host key, start again on the same port (a reinstalled server).
    pub fn restart_with_new_host_key(&mut self) {
        self.stop();
        keygen(&self.dir.path().join("host_key"), "ed25519");
        self.spawn();
    }

    /// Every login on `port` runs `script` (the login's command in `$SSH_ORIGINAL_COMMAND`,
    /// the SFTP subsystem too): a host whose account has its own shell. Restarts sshd.
    pub fn force_command(&mut self, port: u16, script: &Path) {
        self.matches += &format!(
            "Match LocalPort {port}\n    ForceCommand {}\n",
            script.display()
        );
        self.restart();
    }

    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A TCP relay to `port` that cuts both directions once `limit` bytes have passed either way:
/// a connection that drops in the middle of a transfer. Returns the relay's port.
pub fn cutting_proxy(port: u16, limit: u64) -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let relay_port = listener.local_addr().unwrap().port();
    let cut = Arc::new(AtomicBool::new(false));
    let cut2 = Arc::clone(&cut);
    std::thread::spawn(move || {
        let Ok((client, _)) = listener.accept() else {
            return;
        };
        let server = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let sent = Arc::new(AtomicU64::new(0));
        let pump = |mut from: TcpStream,
                    mut to: TcpStream,
                    count: Option<Arc<AtomicU64>>,
                    cut: Arc<AtomicBool>| {
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                loop {
                    let n = match from.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if let Some(c) = &count {
                        if c.fetch_add(n as u64, Ordering::SeqCst) + n as u64 > limit {
                            cut.store(true, Ordering::SeqCst);
                            let _ = from.shutdown(Shutdown::Both);
                            let _ = to.shutdown(Shutdown::Both);
                            break;
                        }
                    }
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = to.shutdown(Shutdown::Both);
            })
        };
        let sent2 = Arc::clone(&sent);
        let a = pump(
            client.try_clone().unwrap(),
            server.try_clone().unwrap(),
            Some(sent),
            Arc::clone(&cut2),
        );
        let b = pump(server, client, Some(Arc::clone(&sent2)), cut2);
        let _ = a.join();
        let _ = b.join();
    });
    (relay_port, cut)
}
