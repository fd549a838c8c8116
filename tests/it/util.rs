//! Shared helpers: a clean `ccadmin` command on a temporary state directory.

use std::path::{Path, PathBuf};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ccadmin"))
}

/// A `ccadmin` command that sees none of the caller's CCADMIN_* settings and keeps its state in
/// `state`.
pub fn ccadmin(state: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("CCADMIN_") {
            c.env_remove(k);
        }
    }
    c.env("CCADMIN_STATE_DIR", state)
        .env("HOME", state.parent().unwrap_or(state))
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `args` with `stdin` on the state directory.
pub fn run(state: &Path, args: &[&str], stdin: &str) -> Run {
    let out = ccadmin(state)
        .args(args)
        .write_stdin(stdin.to_owned())
        .output()
        .expect("ccadmin runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh temporary directory and the state directory inside it.
pub fn state() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let s = d.path().join("state");
    (d, s)
}

/// Every byte of every file under `dir`, with its path, for secret searches.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(all_files(&p));
            } else if let Ok(b) = std::fs::read(&p) {
                out.push((p, b));
            }
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The secret a node uses for `slot` (`smtp-password`, `hub-token`), read from its file secret
/// store: the name the database's `secret_slot` points at (a slot never switched keeps its
/// secret under its own name).
pub fn slot_secret(st: &Path, slot: &str) -> Option<String> {
    let conn = rusqlite::Connection::open_with_flags(
        st.join("ccadmin.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .unwrap();
    let name = match conn.query_row(
        "SELECT name FROM secret_slot WHERE slot = ?1",
        [slot],
        |r| r.get::<_, Option<String>>(0),
    ) {
        Ok(Some(n)) => n,
        Ok(None) => return None,
        Err(rusqlite::Error::QueryReturnedNoRows) => slot.to_owned(),
        Err(e) => panic!("{e}"),
    };
    let text = std::fs::read_to_string(st.join("secrets")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[&name].as_str().map(str::to_owned)
}

/// Wait until `done` holds, asking again every 50 ms, for at most `limit`; past it, panic
/// naming `what` was waited for. The one bounded wait of the tests: a test waits on an event
/// it can observe (a file, a log line, a port answering), never on a sleep.
pub fn wait_for(what: &str, limit: std::time::Duration, done: impl FnMut() -> bool) {
    wait_for_showing(what, limit, done, String::new)
}

/// [`wait_for`], and the panic also says what was seen instead (`seen()`, e.g. a log).
pub fn wait_for_showing(
    what: &str,
    limit: std::time::Duration,
    mut done: impl FnMut() -> bool,
    seen: impl Fn() -> String,
) {
    let deadline = std::time::Instant::now() + limit;
    while !done() {
        if std::time::Instant::now() >= deadline {
            let seen = seen();
            if seen.is_empty() {
                panic!("timed out after {limit:?} waiting for {what}");
            }
            panic!("timed out after {limit:?} waiting for {what}; seen instead: {seen}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A loopback port the kernel chose, held for as long as this value lives: bound (with
/// SO_REUSEADDR) but not listening, so a connection to it is refused (a closed port), and no
/// other test can be given it: the kernel never hands a held port to a bind to port 0, and
/// every other bind in the tests is to port 0. A server told this port (sshd, `ccadmin
/// serve`) binds it beside the hold, since both sockets ask for SO_REUSEADDR and the held one
/// does not listen; when the server stops, the port is closed again and still held, for a
/// restart. Nothing is chosen ahead, released and then bound by someone else, so parallel
/// tests cannot race for a port.
pub struct HeldPort {
    /// The bound socket that holds the port (never read: holding is its job).
    _fd: std::os::fd::OwnedFd,
    pub port: u16,
}

/// A bound TCP socket on 127.0.0.1:`port` with SO_REUSEADDR, not yet listening.
fn bound_socket(port: u16) -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket calls on a descriptor this function owns from its creation.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let fd = std::os::fd::OwnedFd::from_raw_fd(fd);
        let one: libc::c_int = 1;
        let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
        if libc::setsockopt(
            raw,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            std::ptr::addr_of!(one).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        ) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as libc::sa_family_t;
        addr.sin_port = port.to_be();
        addr.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
        if libc::bind(
            raw,
            std::ptr::addr_of!(addr).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        ) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
        Ok(fd)
    }
}

impl Default for HeldPort {
    fn default() -> Self {
        HeldPort::new()
    }
}

impl HeldPort {
    pub fn new() -> HeldPort {
        let fd = bound_socket(0).expect("bind a loopback socket to a port the kernel picks");
        // SAFETY: getsockname on our own bound socket, into a sockaddr_in of its size.
        let port = unsafe {
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let r = libc::getsockname(
                std::os::fd::AsRawFd::as_raw_fd(&fd),
                std::ptr::addr_of_mut!(addr).cast(),
                &mut len,
            );
            assert_eq!(r, 0, "getsockname: {}", std::io::Error::last_os_error());
            u16::from_be(addr.sin_port)
        };
        HeldPort { _fd: fd, port }
    }
}

/// Make the node of `state` a VOS node (a Finesse), as `utils node set` does; asserts it worked.
pub fn make_vos(state: &Path) {
    let r = run(
        state,
        &[
            "-y",
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
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Make the node of `state` a Cloud Connect subscriber of `publisher`; asserts it worked.
pub fn make_subscriber(state: &Path, publisher: &str) {
    let r = run(
        state,
        &[
            "-y",
            "utils",
            "node",
            "set",
            "--role",
            "subscriber",
            "--publisher",
            publisher,
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}
