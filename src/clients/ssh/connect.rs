//! Connecting within one hard deadline: resolve the name, connect TCP, wait for the banner,
//! the SSH handshake, the host key check and authentication, each a step of its own; and
//! reading a host's key without logging in (`ssh-keyscan`).

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use ssh2::{CheckResult, ErrorCode, HashType, KnownHostFileKind, MethodType, Session};

use crate::cancel::{Cancel, Waited};

use super::*;

/// A hard deadline on a connection: when it passes, or when the cancellation token fires
/// (Ctrl-C, SIGTERM), the socket is shut down, so whatever libssh2 call is waiting returns at
/// once. libssh2's own timeout applies to each call separately and a host can pass through
/// many calls; under load that overshot a 10 s deadline by 15 s. Dropping the guard ends it.
pub(super) struct DeadlineGuard {
    done: Option<std::sync::mpsc::Sender<()>>,
    fired: std::sync::Arc<AtomicBool>,
}

impl DeadlineGuard {
    pub(super) fn new(
        tcp: &TcpStream,
        deadline: Instant,
        cancel: Option<&Cancel>,
    ) -> DeadlineGuard {
        let fired = std::sync::Arc::new(AtomicBool::new(false));
        let (done, wait) = std::sync::mpsc::channel::<()>();
        if let Ok(sock) = tcp.try_clone() {
            let fired = std::sync::Arc::clone(&fired);
            let token = cancel.cloned().unwrap_or_default();
            std::thread::spawn(move || {
                match token.recv(&wait, deadline) {
                    Err(Waited::TimedOut | Waited::Cancelled) => {}
                    // The guard was dropped: the connection is done with.
                    Ok(()) | Err(Waited::Gone) => return,
                }
                fired.store(true, Ordering::SeqCst);
                let _ = sock.shutdown(std::net::Shutdown::Both);
            });
        }
        DeadlineGuard {
            done: Some(done),
            fired,
        }
    }

    pub(super) fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

impl Drop for DeadlineGuard {
    fn drop(&mut self) {
        drop(self.done.take());
    }
}

pub(super) fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// Connect, check the host key, authenticate, all within `timeout`. `on_unknown` decides about
/// a host key that known_hosts does not hold (`Ok(true)`: trust it and record it). The
/// deadline covers connecting only: transfers on the connection take as long as they take.
pub fn connect(
    ep: &Endpoint,
    user: &str,
    auth: &Auth,
    host_keys: &HostKeys,
    on_unknown: &mut dyn FnMut(&UnknownHost) -> Result<bool, SshError>,
    timeout: Duration,
    cancel: &Cancel,
) -> Result<Connection, SshError> {
    let mut conn = connect_until(
        ep,
        user,
        auth,
        host_keys,
        on_unknown,
        &Attempt {
            budget: timeout,
            deadline: Instant::now() + timeout,
            heard: None,
            cancel: Some(cancel),
        },
    )?;
    conn.deadline = None;
    Ok(conn)
}

/// The time one connection attempt has.
pub struct Attempt<'a> {
    /// What the deadline was set from, for messages.
    pub budget: Duration,
    pub deadline: Instant,
    /// Set, once the server's first bytes arrive, to the milliseconds they took from the start
    /// of the attempt (at least 1).
    pub heard: Option<&'a std::sync::atomic::AtomicU64>,
    /// Ends the attempt at once, whatever it is waiting for.
    pub cancel: Option<&'a Cancel>,
}

/// `connect` with one hard deadline for every stage (DNS, TCP, banner and key exchange,
/// authentication) that stays on the connection for what is run on it. A cancellation ends
/// every stage at once (`Interrupted`).
pub fn connect_until(
    ep: &Endpoint,
    user: &str,
    auth: &Auth,
    host_keys: &HostKeys,
    on_unknown: &mut dyn FnMut(&UnknownHost) -> Result<bool, SshError>,
    attempt: &Attempt,
) -> Result<Connection, SshError> {
    let token = attempt.cancel.cloned().unwrap_or_default();
    match connect_within(ep, user, auth, host_keys, on_unknown, attempt, &token) {
        // Whatever the stage reported, a shut socket's error included: it was the token.
        Err(_) if token.is_cancelled() => Err(SshError::Interrupted),
        r => r,
    }
}

/// Every stage of [`connect_until`], one after the other, each a step below.
fn connect_within(
    ep: &Endpoint,
    user: &str,
    auth: &Auth,
    host_keys: &HostKeys,
    on_unknown: &mut dyn FnMut(&UnknownHost) -> Result<bool, SshError>,
    attempt: &Attempt,
    token: &Cancel,
) -> Result<Connection, SshError> {
    let began = Instant::now();
    let budget = Budget {
        endpoint: ep.to_string(),
        deadline: attempt.deadline,
        secs: attempt.budget.as_secs().max(1),
    };
    let addrs = resolve(ep, &budget, token)?;
    let tcp = tcp_connect(ep, &addrs, &budget, token)?;
    let _ = tcp.set_nodelay(true);
    let guard = DeadlineGuard::new(&tcp, budget.deadline, Some(token));
    let connected = Instant::now();
    let banner = await_banner(&tcp, &guard, &budget, began, attempt.heard)?;
    let (session, sock) = handshake(ep, tcp, host_keys, &banner, &guard, &budget)?;
    let handshake = connected.elapsed();
    check_host_key(&session, ep, host_keys, on_unknown)?;
    authenticate(&session, user, auth, &guard, &budget)?;
    let per_op = remaining(budget.deadline)
        .unwrap_or(Duration::from_millis(1))
        .max(attempt.budget);
    session.set_timeout(per_op.as_millis().clamp(1, u32::MAX as u128) as u32);
    Ok(Connection {
        session,
        endpoint: ep.clone(),
        timeout: attempt.budget,
        handshake,
        deadline: Some(guard),
        sock,
        sftp: std::sync::OnceLock::new(),
    })
}

/// The one deadline of an attempt, and the timeout each stage reports when it has passed.
struct Budget {
    endpoint: String,
    deadline: Instant,
    /// The budget in whole seconds, for messages.
    secs: u64,
}

impl Budget {
    fn timeout(&self, stage: &'static str) -> SshError {
        SshError::Timeout {
            endpoint: self.endpoint.clone(),
            stage,
            secs: self.secs,
        }
    }

    /// The time left, or the timeout of `stage` when none is.
    fn left(&self, stage: &'static str) -> Result<Duration, SshError> {
        remaining(self.deadline).ok_or_else(|| self.timeout(stage))
    }

    /// Give the session's next calls the time left (libssh2 times each call on its own).
    fn set_on(&self, session: &Session, stage: &'static str) -> Result<(), SshError> {
        let left = self.left(stage)?;
        session.set_timeout(left.as_millis().clamp(1, u32::MAX as u128) as u32);
        Ok(())
    }
}

fn no_address(ep: &Endpoint) -> SshError {
    SshError::Resolve {
        host: ep.host.clone(),
        reason: "no address".into(),
    }
}

/// DNS: getaddrinfo has no timeout of its own, so it runs on a helper thread.
fn resolve(ep: &Endpoint, budget: &Budget, token: &Cancel) -> Result<Vec<SocketAddr>, SshError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let target = (ep.host.clone(), ep.port);
    std::thread::spawn(move || {
        let _ = tx.send(target.to_socket_addrs().map(|a| a.collect::<Vec<_>>()));
    });
    match token.recv(&rx, budget.deadline) {
        Ok(Ok(a)) if !a.is_empty() => Ok(a),
        Ok(Ok(_)) => Err(no_address(ep)),
        Ok(Err(e)) => Err(SshError::Resolve {
            host: ep.host.clone(),
            reason: e.to_string(),
        }),
        Err(Waited::Cancelled) => Err(SshError::Interrupted),
        Err(_) => Err(budget.timeout("DNS lookup")),
    }
}

/// TCP to the first address that answers, within the deadline.
fn tcp_connect(
    ep: &Endpoint,
    addrs: &[SocketAddr],
    budget: &Budget,
    token: &Cancel,
) -> Result<TcpStream, SshError> {
    let mut last = None;
    for a in addrs {
        let left = budget.left("TCP connect")?;
        // On a helper thread too, so a cancellation need not wait for a host that never
        // answers the SYN (the thread ends at the deadline; its socket is then dropped).
        let (tx, rx) = std::sync::mpsc::channel();
        let addr = *a;
        std::thread::spawn(move || {
            let _ = tx.send(TcpStream::connect_timeout(&addr, left));
        });
        match token.recv(&rx, budget.deadline + Duration::from_millis(50)) {
            Ok(Ok(s)) => return Ok(s),
            Ok(Err(e)) => last = Some(e),
            Err(Waited::Cancelled) => return Err(SshError::Interrupted),
            Err(_) => return Err(budget.timeout("TCP connect")),
        }
    }
    match last {
        Some(e) if e.kind() == std::io::ErrorKind::TimedOut => Err(budget.timeout("TCP connect")),
        Some(e) => Err(SshError::Connect {
            endpoint: budget.endpoint.clone(),
            refused: e.kind() == std::io::ErrorKind::ConnectionRefused,
            reason: e.to_string(),
        }),
        None => Err(no_address(ep)),
    }
}

/// The first bytes the server sent, peeked (the handshake reads them again).
struct Banner {
    first: [u8; 128],
    seen: usize,
}

impl Banner {
    /// Whether the server said something other than an SSH banner.
    fn not_ssh(&self) -> bool {
        self.seen > 0 && !self.first[..self.seen].starts_with(b"SSH-")
    }

    /// What the server said first, when it was not an SSH banner: a busy sshd writes
    /// "Exceeded MaxStartups" and closes. Shown only as printable ASCII.
    fn said(&self) -> String {
        self.first[..self.seen]
            .split(|b| *b == b'\n' || *b == b'\r')
            .next()
            .unwrap_or(&[])
            .iter()
            .take(80)
            .map(|b| {
                if b.is_ascii_graphic() || *b == b' ' {
                    *b as char
                } else {
                    '?'
                }
            })
            .collect()
    }
}

/// The banner: a server that never speaks (a black hole) is told apart from one that closes
/// the connection before speaking (too busy: sshd's MaxStartups), which is worth trying again
/// later. Records in `heard` when the first bytes came.
fn await_banner(
    tcp: &TcpStream,
    guard: &DeadlineGuard,
    budget: &Budget,
    began: Instant,
    heard: Option<&std::sync::atomic::AtomicU64>,
) -> Result<Banner, SshError> {
    let left = budget.left("SSH banner exchange")?;
    let _ = tcp.set_read_timeout(Some(left));
    let mut first = [0u8; 128];
    // A signal (Ctrl-C) interrupts the wait without ending it: the token's guard decides.
    let peeked = loop {
        match tcp.peek(&mut first) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted && !guard.fired() => {}
            r => break r,
        }
    };
    let seen = *peeked.as_ref().unwrap_or(&0);
    match peeked {
        // Our own deadline shut the socket: a timeout, not the server closing.
        _ if guard.fired() => return Err(budget.timeout("SSH banner exchange")),
        Ok(0) => {
            return Err(SshError::Busy {
                endpoint: budget.endpoint.clone(),
                reason: "the server closed the connection before sending its banner".into(),
            })
        }
        Ok(_) => {
            if let Some(h) = heard {
                let ms = began.elapsed().as_millis().clamp(1, u64::MAX as u128) as u64;
                h.store(ms, std::sync::atomic::Ordering::SeqCst);
            }
        }
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) || guard.fired() =>
        {
            return Err(budget.timeout("SSH banner exchange"))
        }
        Err(e) => {
            return Err(SshError::Busy {
                endpoint: budget.endpoint.clone(),
                reason: format!("the connection was dropped before the banner: {e}"),
            })
        }
    }
    let _ = tcp.set_read_timeout(None);
    Ok(Banner { first, seen })
}

/// The SSH handshake on `tcp`, asking first for the key types known_hosts holds for the host.
/// Returns the session and a clone of the socket (to shut it on a cancellation).
fn handshake(
    ep: &Endpoint,
    tcp: TcpStream,
    host_keys: &HostKeys,
    banner: &Banner,
    guard: &DeadlineGuard,
    budget: &Budget,
) -> Result<(Session, Option<TcpStream>), SshError> {
    let mut session = Session::new().map_err(|e| SshError::Handshake {
        endpoint: budget.endpoint.clone(),
        reason: e.to_string(),
    })?;
    let sock = tcp.try_clone().ok();
    session.set_tcp_stream(tcp);
    let mut prefs = known_key_types(&host_keys.path, &ep.known_hosts_name());
    for d in HOST_KEY_DEFAULTS {
        if !prefs.iter().any(|p| p == d) {
            prefs.push((*d).to_owned());
        }
    }
    let _ = session.method_pref(MethodType::HostKey, &prefs.join(","));
    budget.set_on(&session, "SSH handshake")?;
    session.handshake().map_err(|e| match e.code() {
        _ if guard.fired() => budget.timeout("SSH handshake"),
        ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT) => budget.timeout("SSH handshake"),
        _ if banner.not_ssh() => SshError::Busy {
            endpoint: budget.endpoint.clone(),
            reason: format!(
                "the server answered '{}' instead of an SSH banner",
                banner.said()
            ),
        },
        _ => SshError::Handshake {
            endpoint: budget.endpoint.clone(),
            reason: e.message().to_owned(),
        },
    })?;
    Ok((session, sock))
}

/// The host key, checked as OpenSSH checks it against known_hosts (under its lock): a match
/// passes, a changed key fails, an unknown key is for `on_unknown` to trust (then recorded).
fn check_host_key(
    session: &Session,
    ep: &Endpoint,
    host_keys: &HostKeys,
    on_unknown: &mut dyn FnMut(&UnknownHost) -> Result<bool, SshError>,
) -> Result<(), SshError> {
    let endpoint = ep.to_string();
    let name = ep.known_hosts_name();
    let (key, kt) = session
        .host_key()
        .map(|(k, t)| (k.to_vec(), t))
        .ok_or_else(|| SshError::Handshake {
            endpoint: endpoint.clone(),
            reason: "the server sent no host key".into(),
        })?;
    let fingerprint = format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(session.host_key_hash(HashType::Sha256).unwrap_or_default())
    );
    let known_hosts = &host_keys.path;
    let _held = host_keys.lock.lock().unwrap_or_else(|p| p.into_inner());
    let kh_err = |reason: String| SshError::KnownHosts {
        path: known_hosts.to_path_buf(),
        reason,
    };
    let mut kh = session.known_hosts().map_err(|e| kh_err(e.to_string()))?;
    if known_hosts.exists() {
        kh.read_file(known_hosts, KnownHostFileKind::OpenSSH)
            .map_err(|e| kh_err(e.to_string()))?;
    }
    match kh.check_port(&ep.host, ep.port, &key) {
        CheckResult::Match => Ok(()),
        CheckResult::Mismatch => Err(SshError::HostKeyChanged {
            endpoint,
            key_type: key_type_name(kt),
            fingerprint,
            known_hosts: known_hosts.to_path_buf(),
        }),
        CheckResult::NotFound => {
            let unknown = UnknownHost {
                name: name.clone(),
                key_type: key_type_name(kt),
                fingerprint: fingerprint.clone(),
            };
            if !on_unknown(&unknown)? {
                return Err(SshError::HostKeyUnknown {
                    endpoint,
                    key_type: unknown.key_type,
                    fingerprint,
                });
            }
            kh.add(&name, &key, "added by ccadmin", kt.into())
                .map_err(|e| kh_err(e.to_string()))?;
            kh.write_file(known_hosts, KnownHostFileKind::OpenSSH)
                .map_err(|e| kh_err(e.to_string()))
        }
        CheckResult::Failure => Err(kh_err("libssh2 could not check the host key".into())),
    }
}

/// Log in as `user` with a password or a key file, within the time left.
fn authenticate(
    session: &Session,
    user: &str,
    auth: &Auth,
    guard: &DeadlineGuard,
    budget: &Budget,
) -> Result<(), SshError> {
    budget.set_on(session, "authentication")?;
    let result = match auth {
        Auth::Password(pw) => session.userauth_password(user, pw.expose()),
        Auth::Key(path) => {
            if !path.exists() {
                return Err(SshError::Key {
                    path: path.clone(),
                    reason: "no such file".into(),
                });
            }
            session.userauth_pubkey_file(user, None, path, None)
        }
    };
    let method = match auth {
        Auth::Password(_) => "password",
        Auth::Key(_) => "publickey",
    };
    let failed = || SshError::AuthFailed {
        user: user.to_owned(),
        endpoint: budget.endpoint.clone(),
        method,
    };
    match result {
        Ok(()) if session.authenticated() => Ok(()),
        Err(e)
            if guard.fired()
                || matches!(
                    e.code(),
                    ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT)
                ) =>
        {
            Err(budget.timeout("authentication"))
        }
        Err(e)
            if matches!(
                e.code(),
                ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_FILE)
            ) =>
        {
            if let Auth::Key(path) = auth {
                return Err(SshError::Key {
                    path: path.clone(),
                    reason: e.message().to_owned(),
                });
            }
            Err(failed())
        }
        _ => Err(failed()),
    }
}

/// A host's SSH host key as a known_hosts key (`ssh-ed25519 AAAA…`), read from the key
/// exchange without logging in (what `ssh-keyscan` does).
pub fn scan_host_key(ep: &Endpoint, timeout: Duration) -> Result<String, SshError> {
    let endpoint = ep.to_string();
    let addr = (ep.host.as_str(), ep.port)
        .to_socket_addrs()
        .map_err(|e| SshError::Resolve {
            host: ep.host.clone(),
            reason: e.to_string(),
        })?
        .next()
        .ok_or_else(|| SshError::Resolve {
            host: ep.host.clone(),
            reason: "no address".into(),
        })?;
    let tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| SshError::Connect {
        endpoint: endpoint.clone(),
        refused: e.kind() == std::io::ErrorKind::ConnectionRefused,
        reason: e.to_string(),
    })?;
    let mut session = Session::new().map_err(|e| SshError::Handshake {
        endpoint: endpoint.clone(),
        reason: e.to_string(),
    })?;
    session.set_tcp_stream(tcp);
    session.set_timeout(timeout.as_millis().clamp(1, u32::MAX as u128) as u32);
    session.handshake().map_err(|e| SshError::Handshake {
        endpoint: endpoint.clone(),
        reason: e.message().to_owned(),
    })?;
    host_key_line(&session).ok_or(SshError::Handshake {
        endpoint,
        reason: "the server sent no host key".into(),
    })
}
