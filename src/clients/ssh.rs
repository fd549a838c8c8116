//! SSH and SFTP over libssh2 (the `ssh2` crate), shared by every command that reaches a host:
//! connection with a deadline, host keys checked against the node's `known_hosts` the way
//! OpenSSH does, password or key authentication, and SFTP transfers with 1 MiB buffers,
//! progress, Ctrl-C, and an atomic remote write (temporary name, then rename).

use std::ffi::CString;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use ssh2::{CheckResult, ErrorCode, HashType, HostKeyType, KnownHostFileKind, MethodType, Session};

use crate::cancel::{Cancel, Waited};
use crate::secrets::Secret;

/// Transfer buffer: small buffers make libssh2 SFTP several times slower than OpenSSH's.
pub const CHUNK: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// `HOST`, `HOST:PORT`, `[V6]:PORT`.
    pub fn parse(s: &str, default_port: u16) -> Result<Endpoint, crate::names::NameError> {
        crate::names::validate_host(s)?;
        let (host, port) = crate::names::split_host_port(s)?;
        let port = match port {
            Some(p) => p
                .parse()
                .map_err(|_| crate::names::NameError::Port(p.to_owned()))?,
            None => default_port,
        };
        Ok(Endpoint {
            host: host.to_owned(),
            port,
        })
    }

    /// The name OpenSSH uses in known_hosts: `host`, or `[host]:port` off port 22.
    pub fn known_hosts_name(&self) -> String {
        if self.port == 22 {
            self.host.clone()
        } else {
            format!("[{}]:{}", self.host, self.port)
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.port == 22 {
            write!(f, "{}", self.host)
        } else if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

pub enum Auth {
    Password(Secret),
    /// A private key file (ed25519 or RSA), unencrypted.
    Key(PathBuf),
}

/// A host key that known_hosts does not hold yet.
#[derive(Debug, Clone)]
pub struct UnknownHost {
    pub name: String,
    pub key_type: &'static str,
    /// `SHA256:` and the unpadded base64 of the key's SHA-256, as OpenSSH prints it.
    pub fingerprint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SshError {
    #[error("cannot resolve the host name {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("cannot connect to {endpoint}: {reason}")]
    Connect {
        endpoint: String,
        /// The host answered that nothing listens on the port.
        refused: bool,
        reason: String,
    },
    #[error("timed out after {secs}s during {stage} with {endpoint}")]
    Timeout {
        endpoint: String,
        stage: &'static str,
        secs: u64,
    },
    #[error("the SSH handshake with {endpoint} failed: {reason}")]
    Handshake { endpoint: String, reason: String },
    #[error("the {key_type} host key of {endpoint} has CHANGED (now {fingerprint}); it does not match {known_hosts}")]
    HostKeyChanged {
        endpoint: String,
        key_type: &'static str,
        fingerprint: String,
        known_hosts: PathBuf,
    },
    #[error("the {key_type} host key of {endpoint} is not known ({fingerprint})")]
    HostKeyUnknown {
        endpoint: String,
        key_type: &'static str,
        fingerprint: String,
    },
    #[error("{user}@{endpoint} refused {method} authentication")]
    AuthFailed {
        user: String,
        endpoint: String,
        method: &'static str,
    },
    #[error("{path} does not exist on {endpoint}")]
    NotFound { endpoint: String, path: String },
    #[error("permission denied for {path} on {endpoint}")]
    PermissionDenied { endpoint: String, path: String },
    #[error("SFTP {op} of {path} on {endpoint} failed: {reason}")]
    Sftp {
        endpoint: String,
        op: &'static str,
        path: String,
        reason: String,
    },
    #[error("the connection to {endpoint} was lost during {op} of {path}: {reason}")]
    Dropped {
        endpoint: String,
        op: &'static str,
        path: String,
        reason: String,
    },
    #[error("{endpoint} is busy: {reason}")]
    Busy { endpoint: String, reason: String },
    #[error("{path} on {endpoint} is larger than {limit} bytes; refusing to read it")]
    TooLarge {
        endpoint: String,
        path: String,
        limit: u64,
    },
    #[error("cannot use the known_hosts file {path}: {reason}")]
    KnownHosts { path: PathBuf, reason: String },
    #[error("cannot read the key {path}: {reason}")]
    Key { path: PathBuf, reason: String },
    #[error("interrupted")]
    Interrupted,
}

impl SshError {
    /// What an administrator can do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SshError::Resolve { .. } => "check the host name and this node's DNS settings".into(),
            SshError::Connect { .. } => "check that the SSH server runs and that no firewall blocks the port".into(),
            SshError::Timeout { .. } => "check the network path to the host (routing, firewall) and that it is up".into(),
            SshError::HostKeyChanged { known_hosts, endpoint, .. } => format!(
                "someone may be intercepting the connection, or the server was reinstalled; verify the new key with its administrator, then remove the old entry (ssh-keygen -R '{}' -f {}) and try again",
                endpoint, known_hosts.display()
            ),
            SshError::HostKeyUnknown { .. } => "verify the fingerprint with the server's administrator, then run the command again with --accept-new-host-key".into(),
            SshError::AuthFailed { method: "password", .. } => "check the user name and password".into(),
            SshError::AuthFailed { .. } => "check that the public key is in the user's authorized_keys on the server".into(),
            SshError::NotFound { .. } => "check the directory (it must exist on the server)".into(),
            SshError::PermissionDenied { .. } => "check that the SFTP user may read and write that directory".into(),
            SshError::Dropped { .. } => "check the network and the server, then run the command again; nothing was changed".into(),
            SshError::Busy { .. } => "the server turned new connections away for a moment (sshd's MaxStartups); try again, or test fewer hosts at once (--parallel)".into(),
            SshError::TooLarge { .. } => "check that the path names the right file; nothing was changed".into(),
            _ => return None,
        })
    }
}

fn key_type_name(t: HostKeyType) -> &'static str {
    match t {
        HostKeyType::Rsa => "RSA",
        HostKeyType::Dss => "DSA",
        HostKeyType::Ecdsa256 | HostKeyType::Ecdsa384 | HostKeyType::Ecdsa521 => "ECDSA",
        HostKeyType::Ed25519 => "ED25519",
        _ => "unknown",
    }
}

/// SSH algorithm names of the keys known_hosts holds for `name`, so that the server is asked
/// for a key we can check (libssh2 reports a mismatch when it negotiates a type we do not hold).
/// The file is read with `ssh-key`'s parser, as OpenSSH reads it: hashed names (`|1|salt|hash`)
/// and patterns (`*`, `?`, `!negation`) match, marked lines (`@revoked`, `@cert-authority`)
/// are not keys of the host, and lines that do not parse are skipped.
fn known_key_types(known_hosts: &Path, name: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(known_hosts) else {
        return Vec::new();
    };
    let mut types: Vec<String> = Vec::new();
    for entry in ssh_key::known_hosts::KnownHosts::new(&text).flatten() {
        if entry.marker().is_some() || !host_matches(entry.host_patterns(), name) {
            continue;
        }
        let alg = entry.public_key().algorithm().to_string();
        if !types.contains(&alg) {
            types.push(alg);
        }
    }
    types
}

/// Whether a known_hosts host field names `name` (`host` or `[host]:port`).
fn host_matches(patterns: &ssh_key::known_hosts::HostPatterns, name: &str) -> bool {
    use hmac::{Hmac, Mac};
    use ssh_key::known_hosts::HostPatterns;
    match patterns {
        HostPatterns::Patterns(list) => {
            let mut hit = false;
            for p in list {
                match p.strip_prefix('!') {
                    Some(neg) if glob(neg, name) => return false,
                    Some(_) => {}
                    None => hit |= glob(p, name),
                }
            }
            hit
        }
        HostPatterns::HashedName { salt, hash } => {
            let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(salt) else {
                return false;
            };
            mac.update(name.as_bytes());
            mac.verify_slice(hash).is_ok()
        }
    }
}

/// OpenSSH's host pattern match: `*` any run, `?` one character, letters in any case.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (
        pattern.to_ascii_lowercase().chars().collect(),
        name.to_ascii_lowercase().chars().collect(),
    );
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

const HOST_KEY_DEFAULTS: &[&str] = &[
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
];

/// The known_hosts file, shared by parallel connections: checking and recording a key happen
/// under one lock, so two threads learning keys at once cannot lose each other's lines.
pub struct HostKeys {
    pub path: PathBuf,
    lock: std::sync::Mutex<()>,
}

impl HostKeys {
    pub fn new(path: PathBuf) -> HostKeys {
        HostKeys {
            path,
            lock: std::sync::Mutex::new(()),
        }
    }
}

/// An authenticated SSH session.
pub struct Connection {
    session: Session,
    endpoint: Endpoint,
    timeout: Duration,
    /// How long the banner and key exchange took (a measure of the server's load).
    pub handshake: Duration,
    /// Holds the connection's hard deadline while it lives, if it has one.
    deadline: Option<DeadlineGuard>,
    /// The socket, to shut it when a transfer is cancelled.
    sock: Option<TcpStream>,
    /// The SFTP channel, opened on first use and kept: each channel is a round trip and a new
    /// subsystem process on the server.
    sftp: std::sync::OnceLock<ssh2::Sftp>,
}

/// A hard deadline on a connection: when it passes, or when the cancellation token fires
/// (Ctrl-C, SIGTERM), the socket is shut down, so whatever libssh2 call is waiting returns at
/// once. libssh2's own timeout applies to each call separately and a host can pass through
/// many calls; under load that overshot a 10 s deadline by 15 s. Dropping the guard ends it.
struct DeadlineGuard {
    done: Option<std::sync::mpsc::Sender<()>>,
    fired: std::sync::Arc<AtomicBool>,
}

impl DeadlineGuard {
    fn new(tcp: &TcpStream, deadline: Instant, cancel: Option<&Cancel>) -> DeadlineGuard {
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

    fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

impl Drop for DeadlineGuard {
    fn drop(&mut self) {
        drop(self.done.take());
    }
}

fn remaining(deadline: Instant) -> Option<Duration> {
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

fn connect_within(
    ep: &Endpoint,
    user: &str,
    auth: &Auth,
    host_keys: &HostKeys,
    on_unknown: &mut dyn FnMut(&UnknownHost) -> Result<bool, SshError>,
    attempt: &Attempt,
    token: &Cancel,
) -> Result<Connection, SshError> {
    let (budget, deadline, heard) = (attempt.budget, attempt.deadline, attempt.heard);
    let began = Instant::now();
    let endpoint = ep.to_string();
    let secs = budget.as_secs().max(1);
    let timeout = |stage: &'static str| SshError::Timeout {
        endpoint: endpoint.clone(),
        stage,
        secs,
    };

    // DNS: getaddrinfo has no timeout of its own, so it runs on a helper thread.
    let (tx, rx) = std::sync::mpsc::channel();
    let target = (ep.host.clone(), ep.port);
    std::thread::spawn(move || {
        let _ = tx.send(target.to_socket_addrs().map(|a| a.collect::<Vec<_>>()));
    });
    let addrs = match token.recv(&rx, deadline) {
        Ok(Ok(a)) if !a.is_empty() => a,
        Ok(Ok(_)) => {
            return Err(SshError::Resolve {
                host: ep.host.clone(),
                reason: "no address".into(),
            })
        }
        Ok(Err(e)) => {
            return Err(SshError::Resolve {
                host: ep.host.clone(),
                reason: e.to_string(),
            })
        }
        Err(Waited::Cancelled) => return Err(SshError::Interrupted),
        Err(_) => return Err(timeout("DNS lookup")),
    };
    let mut last = None;
    let mut tcp = None;
    for a in &addrs {
        let Some(left) = remaining(deadline) else {
            return Err(timeout("TCP connect"));
        };
        // On a helper thread too, so a cancellation need not wait for a host that never
        // answers the SYN (the thread ends at the deadline; its socket is then dropped).
        let (tx, rx) = std::sync::mpsc::channel();
        let addr = *a;
        std::thread::spawn(move || {
            let _ = tx.send(TcpStream::connect_timeout(&addr, left));
        });
        match token.recv(&rx, deadline + Duration::from_millis(50)) {
            Ok(Ok(s)) => {
                tcp = Some(s);
                break;
            }
            Ok(Err(e)) => last = Some(e),
            Err(Waited::Cancelled) => return Err(SshError::Interrupted),
            Err(_) => return Err(timeout("TCP connect")),
        }
    }
    let tcp = match (tcp, last) {
        (Some(t), _) => t,
        (None, Some(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            return Err(timeout("TCP connect"))
        }
        (None, Some(e)) => {
            return Err(SshError::Connect {
                endpoint,
                refused: e.kind() == std::io::ErrorKind::ConnectionRefused,
                reason: e.to_string(),
            })
        }
        (None, None) => {
            return Err(SshError::Resolve {
                host: ep.host.clone(),
                reason: "no address".into(),
            })
        }
    };
    let _ = tcp.set_nodelay(true);
    let guard = DeadlineGuard::new(&tcp, deadline, Some(token));
    let connected = Instant::now();
    // The banner: a server that never speaks (a black hole) is told apart from one that
    // closes the connection before speaking (too busy: sshd's MaxStartups), which is worth
    // trying again later.
    let left = remaining(deadline).ok_or_else(|| timeout("SSH banner exchange"))?;
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
        _ if guard.fired() => return Err(timeout("SSH banner exchange")),
        Ok(0) => {
            return Err(SshError::Busy {
                endpoint,
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
            return Err(timeout("SSH banner exchange"))
        }
        Err(e) => {
            return Err(SshError::Busy {
                endpoint,
                reason: format!("the connection was dropped before the banner: {e}"),
            })
        }
    }
    let _ = tcp.set_read_timeout(None);
    let mut session = Session::new().map_err(|e| SshError::Handshake {
        endpoint: endpoint.clone(),
        reason: e.to_string(),
    })?;
    let sock = tcp.try_clone().ok();
    session.set_tcp_stream(tcp);
    let set_budget = |session: &Session, stage: &'static str| -> Result<(), SshError> {
        let left = remaining(deadline).ok_or_else(|| SshError::Timeout {
            endpoint: ep.to_string(),
            stage,
            secs,
        })?;
        session.set_timeout(left.as_millis().clamp(1, u32::MAX as u128) as u32);
        Ok(())
    };
    let name = ep.known_hosts_name();
    let mut prefs = known_key_types(&host_keys.path, &name);
    for d in HOST_KEY_DEFAULTS {
        if !prefs.iter().any(|p| p == d) {
            prefs.push((*d).to_owned());
        }
    }
    let _ = session.method_pref(MethodType::HostKey, &prefs.join(","));
    set_budget(&session, "SSH handshake")?;
    // What the server said first, when it was not an SSH banner: a busy sshd writes
    // "Exceeded MaxStartups" and closes. Shown only as printable ASCII.
    let said: String = first[..seen]
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
        .collect();
    let not_ssh = seen > 0 && !first[..seen].starts_with(b"SSH-");
    session.handshake().map_err(|e| match e.code() {
        _ if guard.fired() => timeout("SSH handshake"),
        ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT) => timeout("SSH handshake"),
        _ if not_ssh => SshError::Busy {
            endpoint: endpoint.clone(),
            reason: format!("the server answered '{said}' instead of an SSH banner"),
        },
        _ => SshError::Handshake {
            endpoint: endpoint.clone(),
            reason: e.message().to_owned(),
        },
    })?;
    let handshake = connected.elapsed();

    // Host key, as OpenSSH checks it.
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
    {
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
            CheckResult::Match => {}
            CheckResult::Mismatch => {
                return Err(SshError::HostKeyChanged {
                    endpoint,
                    key_type: key_type_name(kt),
                    fingerprint,
                    known_hosts: known_hosts.to_path_buf(),
                })
            }
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
                    .map_err(|e| kh_err(e.to_string()))?;
            }
            CheckResult::Failure => {
                return Err(kh_err("libssh2 could not check the host key".into()))
            }
        }
    }

    set_budget(&session, "authentication")?;
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
    match result {
        Ok(()) if session.authenticated() => {}
        Err(e)
            if guard.fired()
                || matches!(
                    e.code(),
                    ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT)
                ) =>
        {
            return Err(timeout("authentication"))
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
            return Err(SshError::AuthFailed {
                user: user.to_owned(),
                endpoint,
                method,
            });
        }
        _ => {
            return Err(SshError::AuthFailed {
                user: user.to_owned(),
                endpoint,
                method,
            })
        }
    }
    let per_op = remaining(deadline)
        .unwrap_or(Duration::from_millis(1))
        .max(budget);
    session.set_timeout(per_op.as_millis().clamp(1, u32::MAX as u128) as u32);
    Ok(Connection {
        session,
        endpoint: ep.clone(),
        timeout: budget,
        handshake,
        deadline: Some(guard),
        sock,
        sftp: std::sync::OnceLock::new(),
    })
}

/// The algorithm name OpenSSH writes before a key of this type.
fn key_algorithm(t: HostKeyType) -> &'static str {
    match t {
        HostKeyType::Rsa => "ssh-rsa",
        HostKeyType::Dss => "ssh-dss",
        HostKeyType::Ecdsa256 => "ecdsa-sha2-nistp256",
        HostKeyType::Ecdsa384 => "ecdsa-sha2-nistp384",
        HostKeyType::Ecdsa521 => "ecdsa-sha2-nistp521",
        _ => "ssh-ed25519",
    }
}

fn host_key_line(session: &Session) -> Option<String> {
    let (key, kt) = session.host_key()?;
    Some(format!(
        "{} {}",
        key_algorithm(kt),
        base64::engine::general_purpose::STANDARD.encode(key)
    ))
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

impl Connection {
    /// The server's host key as a known_hosts key (`ssh-ed25519 AAAA…`).
    pub fn host_key_line(&self) -> Option<String> {
        host_key_line(&self.session)
    }

    /// Run `command` and return its exit status and output, within `deadline`.
    pub fn run(
        &self,
        command: &str,
        deadline: Instant,
        budget: Duration,
    ) -> Result<(i32, String), SshError> {
        let endpoint = self.endpoint.to_string();
        let secs = budget.as_secs().max(1);
        let left = remaining(deadline).ok_or(SshError::Timeout {
            endpoint: endpoint.clone(),
            stage: "remote command",
            secs,
        })?;
        self.session
            .set_timeout(left.as_millis().clamp(1, u32::MAX as u128) as u32);
        let fired = || self.deadline.as_ref().is_some_and(DeadlineGuard::fired);
        let fail = |e: ssh2::Error| match e.code() {
            _ if fired() => SshError::Timeout {
                endpoint: endpoint.clone(),
                stage: "remote command",
                secs,
            },
            ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT) => SshError::Timeout {
                endpoint: endpoint.clone(),
                stage: "remote command",
                secs,
            },
            _ => SshError::Sftp {
                endpoint: endpoint.clone(),
                op: "exec",
                path: command.to_owned(),
                reason: e.message().to_owned(),
            },
        };
        let mut ch = self.session.channel_session().map_err(fail)?;
        ch.exec(command).map_err(fail)?;
        // The peer's output is bounded: a command that prints more is cut off and failed.
        let mut raw = Vec::new();
        (&mut ch)
            .take(MAX_COMMAND_OUTPUT + 1)
            .read_to_end(&mut raw)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::TimedOut || fired() {
                    SshError::Timeout {
                        endpoint: endpoint.clone(),
                        stage: "remote command",
                        secs,
                    }
                } else {
                    SshError::Dropped {
                        endpoint: endpoint.clone(),
                        op: "exec",
                        path: command.to_owned(),
                        reason: e.to_string(),
                    }
                }
            })?;
        if raw.len() as u64 > MAX_COMMAND_OUTPUT {
            let _ = ch.close();
            return Err(SshError::TooLarge {
                endpoint: endpoint.clone(),
                path: command.to_owned(),
                limit: MAX_COMMAND_OUTPUT,
            });
        }
        let out = String::from_utf8_lossy(&raw).into_owned();
        ch.wait_close().map_err(fail)?;
        Ok((ch.exit_status().map_err(fail)?, out))
    }
}

impl Connection {
    /// `run`, ended at once by a cancellation (Ctrl-C): the connection is shut.
    pub fn run_cancellable(
        &self,
        command: &str,
        deadline: Instant,
        budget: Duration,
        cancel: &Cancel,
    ) -> Result<(i32, String), SshError> {
        let _watch = self.watch(cancel);
        let r = self.run(command, deadline, budget);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }
}

/// The most output a remote command may print.
pub const MAX_COMMAND_OUTPUT: u64 = 1024 * 1024;

/// Progress of a transfer: bytes done, bytes in all if known.
pub type Progress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

impl Connection {
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn sftp(&self) -> Result<&ssh2::Sftp, SshError> {
        if let Some(s) = self.sftp.get() {
            return Ok(s);
        }
        let s = self
            .session
            .sftp()
            .map_err(|e| self.map_err(e, "start", ""))?;
        Ok(self.sftp.get_or_init(|| s))
    }

    fn map_err(&self, e: ssh2::Error, op: &'static str, path: &str) -> SshError {
        let endpoint = self.endpoint.to_string();
        let path = path.to_owned();
        match e.code() {
            // LIBSSH2_FX_NO_SUCH_FILE, LIBSSH2_FX_NO_SUCH_PATH
            ErrorCode::SFTP(2) | ErrorCode::SFTP(10) => SshError::NotFound { endpoint, path },
            // LIBSSH2_FX_PERMISSION_DENIED, LIBSSH2_FX_WRITE_PROTECT
            ErrorCode::SFTP(3) | ErrorCode::SFTP(12) => {
                SshError::PermissionDenied { endpoint, path }
            }
            ErrorCode::SFTP(_) => SshError::Sftp {
                endpoint,
                op,
                path,
                reason: e.message().to_owned(),
            },
            ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT) => SshError::Timeout {
                endpoint,
                stage: op,
                secs: self.timeout.as_secs().max(1),
            },
            ErrorCode::Session(_) => SshError::Dropped {
                endpoint,
                op,
                path,
                reason: e.message().to_owned(),
            },
        }
    }

    fn io_err(&self, e: std::io::Error, op: &'static str, path: &str) -> SshError {
        if e.kind() == std::io::ErrorKind::TimedOut {
            return SshError::Timeout {
                endpoint: self.endpoint.to_string(),
                stage: op,
                secs: self.timeout.as_secs().max(1),
            };
        }
        SshError::Dropped {
            endpoint: self.endpoint.to_string(),
            op,
            path: path.to_owned(),
            reason: e.to_string(),
        }
    }

    /// The bytes free for this account in `dir` (SFTP statvfs of a probe file made there and
    /// removed again).
    pub fn free_space(&self, dir: &str) -> Result<u64, SshError> {
        let sftp = self.sftp()?;
        let probe = format!("{}/.ccadmin-space-probe", dir.trim_end_matches('/'));
        let mut f = sftp
            .open_mode(
                Path::new(&probe),
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::TRUNCATE,
                0o600,
                ssh2::OpenType::File,
            )
            .map_err(|e| self.map_err(e, "open", &probe))?;
        let st = f.statvfs().map_err(|e| self.map_err(e, "statvfs", dir));
        drop(f);
        let _ = sftp.unlink(Path::new(&probe));
        let st = st?;
        Ok(st.f_bavail.saturating_mul(st.f_frsize))
    }

    /// Check that `dir` is an existing directory.
    pub fn check_dir(&self, dir: &str) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        let st = sftp
            .stat(Path::new(dir))
            .map_err(|e| self.map_err(e, "stat", dir))?;
        if !st.is_dir() {
            return Err(SshError::Sftp {
                endpoint: self.endpoint.to_string(),
                op: "stat",
                path: dir.to_owned(),
                reason: "it is not a directory".into(),
            });
        }
        Ok(())
    }

    /// Read a whole remote file.
    /// Read a remote file of at most `limit` bytes (the server's word on the size is not
    /// trusted: the bytes are counted as they arrive).
    pub fn read_file(
        &self,
        path: &str,
        limit: u64,
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<Vec<u8>, SshError> {
        let _watch = self.watch(cancel);
        let r = self.read_file_watched(path, limit, cancel.flag(), progress);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    /// While the returned guard lives, a cancellation shuts the socket, so a transfer stuck on a
    /// server that stopped answering ends at once.
    fn watch(&self, cancel: &Cancel) -> Option<DeadlineGuard> {
        let far = Instant::now() + Duration::from_secs(365 * 24 * 3600);
        self.sock
            .as_ref()
            .map(|s| DeadlineGuard::new(s, far, Some(cancel)))
    }

    fn read_file_watched(
        &self,
        path: &str,
        limit: u64,
        interrupt: &AtomicBool,
        progress: Progress,
    ) -> Result<Vec<u8>, SshError> {
        let sftp = self.sftp()?;
        let mut f = sftp
            .open(Path::new(path))
            .map_err(|e| self.map_err(e, "open", path))?;
        let too_large = || SshError::TooLarge {
            endpoint: self.endpoint.to_string(),
            path: path.to_owned(),
            limit,
        };
        let total = f.stat().ok().and_then(|s| s.size);
        if total.is_some_and(|t| t > limit) {
            return Err(too_large());
        }
        let mut out = Vec::with_capacity(total.unwrap_or(0).min(limit) as usize);
        let mut buf = vec![0u8; CHUNK];
        loop {
            if interrupt.load(Ordering::SeqCst) {
                return Err(SshError::Interrupted);
            }
            let n = f
                .read(&mut buf)
                .map_err(|e| self.io_err(e, "download", path))?;
            if n == 0 {
                break;
            }
            if (out.len() + n) as u64 > limit {
                return Err(too_large());
            }
            out.extend_from_slice(&buf[..n]);
            progress(out.len() as u64, total);
        }
        if let Some(t) = total {
            if (out.len() as u64) < t {
                return Err(SshError::Dropped {
                    endpoint: self.endpoint.to_string(),
                    op: "download",
                    path: path.to_owned(),
                    reason: format!("only {} of {t} bytes arrived", out.len()),
                });
            }
        }
        Ok(out)
    }

    /// Write `data` as `dir/name` atomically: to a temporary name in the same directory, then
    /// renamed over the old file, so readers see the old file or the complete new one.
    pub fn write_file_atomic(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<(), SshError> {
        let _watch = self.watch(cancel);
        let r = self.write_file_watched(dir, name, data, cancel.flag(), progress);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    fn write_file_watched(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        interrupt: &AtomicBool,
        progress: Progress,
    ) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        let dir = dir.trim_end_matches('/');
        let dir = if dir.is_empty() { "/" } else { dir };
        let final_path = format!("{}/{name}", dir.trim_end_matches('/'));
        let tmp_path = format!(
            "{}/.{name}.ccadmin-{}.tmp",
            dir.trim_end_matches('/'),
            std::process::id()
        );
        self.check_dir(dir)?;
        let result = (|| {
            let mut f = sftp
                .open_mode(
                    Path::new(&tmp_path),
                    ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::TRUNCATE,
                    0o644,
                    ssh2::OpenType::File,
                )
                .map_err(|e| self.map_err(e, "create", &tmp_path))?;
            let mut done = 0usize;
            for chunk in data.chunks(CHUNK) {
                if interrupt.load(Ordering::SeqCst) {
                    return Err(SshError::Interrupted);
                }
                f.write_all(chunk)
                    .map_err(|e| self.io_err(e, "upload", &final_path))?;
                done += chunk.len();
                progress(done as u64, Some(data.len() as u64));
            }
            // fsync@openssh.com where the server has it; harmless where it does not.
            let _ = f.fsync();
            drop(f);
            self.rename_over(sftp, &tmp_path, &final_path)
        })();
        if result.is_err() {
            // Best effort: a connection that is gone cannot clean up, and the temporary name
            // never shadows the real file.
            let _ = sftp.unlink(Path::new(&tmp_path));
        }
        result
    }

    /// Create `dir/name` holding `data` only if it does not exist yet: written whole under a
    /// temporary name (SFTP's exclusive create), then linked into place with SFTP's rename,
    /// which never replaces a file (OpenSSH links; Windows' MoveFile refuses an existing name),
    /// so of two writers at most one makes it and nobody ever reads it half written.
    /// `Ok(false)`: it existed. A temporary file a killed writer left is never read.
    pub fn create_file_exclusive(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
    ) -> Result<bool, SshError> {
        // The whole file under a name of its own first, then linked into place only if the
        // name is free: a process killed at any instant leaves the file whole or absent, never
        // empty or half written (a lease read back as "not valid" would stop every run).
        let _watch = self.watch(cancel);
        let r =
            self.write_no_replace_watched(dir, name, data, cancel.flag(), &mut |_, _| {}, 0o600);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    /// Rename `from` to `to` only if `to` does not exist (SFTP's plain rename, which OpenSSH
    /// does with a link): of two renamers of one file, one succeeds.
    pub fn rename_no_replace(&self, from: &str, to: &str) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        sftp.rename(Path::new(from), Path::new(to), None)
            .map_err(|e| self.map_err(e, "rename", from))
    }

    /// Make the directory `dir` if there is none; an existing directory is fine, anything else
    /// of that name is an error.
    pub fn make_dir(&self, dir: &str) -> Result<(), SshError> {
        let sftp = self.sftp()?;
        if let Err(e) = sftp.mkdir(Path::new(dir), 0o755) {
            // It may exist already (mkdir's failure does not say so on every server).
            return match self.check_dir(dir) {
                Ok(()) => Ok(()),
                Err(SshError::NotFound { .. }) => Err(self.map_err(e, "mkdir", dir)),
                Err(other) => Err(other),
            };
        }
        Ok(())
    }

    /// Write `data` as `dir/name` only if there is no `dir/name`, never over anything: to a
    /// temporary name created exclusively, then renamed with SFTP's plain rename, which
    /// refuses an existing target (OpenSSH does it with a link), so readers see no file or the
    /// complete one. `Ok(false)`: `dir/name` exists; it was left as it was (and nothing was
    /// sent when it existed beforehand).
    pub fn write_file_no_replace(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        cancel: &Cancel,
        progress: Progress,
    ) -> Result<bool, SshError> {
        let _watch = self.watch(cancel);
        let r = self.write_no_replace_watched(dir, name, data, cancel.flag(), progress, 0o644);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }

    fn write_no_replace_watched(
        &self,
        dir: &str,
        name: &str,
        data: &[u8],
        interrupt: &AtomicBool,
        progress: Progress,
        mode: i32,
    ) -> Result<bool, SshError> {
        let sftp = self.sftp()?;
        let dir = dir.trim_end_matches('/');
        let dir = if dir.is_empty() { "/" } else { dir };
        let final_path = format!("{}/{name}", dir.trim_end_matches('/'));
        self.check_dir(dir)?;
        if sftp.lstat(Path::new(&final_path)).is_ok() {
            return Ok(false);
        }
        let tmp_path = format!(
            "{}/.{name}.ccadmin-{}-{}.tmp",
            dir.trim_end_matches('/'),
            std::process::id(),
            rand_core::RngCore::next_u32(&mut rand_core::OsRng)
        );
        let mut f = sftp
            .open_mode(
                Path::new(&tmp_path),
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::EXCLUSIVE,
                mode,
                ssh2::OpenType::File,
            )
            .map_err(|e| self.map_err(e, "create", &tmp_path))?;
        let result = (|| {
            let mut done = 0usize;
            for chunk in data.chunks(CHUNK) {
                if interrupt.load(Ordering::SeqCst) {
                    return Err(SshError::Interrupted);
                }
                f.write_all(chunk)
                    .map_err(|e| self.io_err(e, "upload", &final_path))?;
                done += chunk.len();
                progress(done as u64, Some(data.len() as u64));
            }
            // fsync@openssh.com where the server has it; harmless where it does not.
            let _ = f.fsync();
            Ok(())
        })();
        drop(f);
        let result = result.and_then(|()| match self.rename_no_replace(&tmp_path, &final_path) {
            Ok(()) => Ok(true),
            // Made by someone else meanwhile: left as it is.
            Err(_) if sftp.lstat(Path::new(&final_path)).is_ok() => Ok(false),
            Err(e) => Err(e),
        });
        if !matches!(result, Ok(true)) {
            // Best effort: a connection that is gone cannot clean up.
            let _ = sftp.unlink(Path::new(&tmp_path));
        }
        result
    }

    /// Remove a remote file; `Ok(false)` when there was none.
    pub fn remove_file(&self, path: &str) -> Result<bool, SshError> {
        let sftp = self.sftp()?;
        match sftp.unlink(Path::new(path)) {
            Ok(()) => Ok(true),
            Err(e) => match self.map_err(e, "remove", path) {
                SshError::NotFound { .. } => Ok(false),
                other => Err(other),
            },
        }
    }

    /// Rename replacing the target, atomically. OpenSSH's SFTP v3 rename refuses an existing
    /// target, so the posix-rename@openssh.com extension is used where the server offers it;
    /// without it a plain rename is atomic only when there is no target yet. A server that
    /// can do neither gets an error, never an unlink followed by a rename (a window in which
    /// the file does not exist).
    fn rename_over(&self, sftp: &ssh2::Sftp, from: &str, to: &str) -> Result<(), SshError> {
        if self.posix_rename(from, to).is_ok() {
            return Ok(());
        }
        sftp.rename(Path::new(from), Path::new(to), None)
            .map_err(|e| SshError::Sftp {
                endpoint: self.endpoint.to_string(),
                op: "atomic replace",
                path: to.to_owned(),
                reason: format!(
                    "the server offers no posix-rename@openssh.com and refuses to rename over the existing file ({e}); the file was left as it was"
                ),
            })
    }

    fn posix_rename(&self, from: &str, to: &str) -> Result<(), ()> {
        // libssh2 has had this function since 1.11 (the version libssh2-sys bundles and
        // links statically), but neither ssh2 nor libssh2-sys binds it. The declaration is
        // copied from that version's libssh2_sftp.h; the SFTP tests against OpenSSH's
        // sftp-server prove the replacement (export twice, the file is the new one).
        extern "C" {
            fn libssh2_sftp_posix_rename_ex(
                sftp: *mut libssh2_sys::LIBSSH2_SFTP,
                source: *const libc::c_char,
                source_len: libc::size_t,
                dest: *const libc::c_char,
                dest_len: libc::size_t,
            ) -> libc::c_int;
        }
        let (Ok(f), Ok(t)) = (CString::new(from), CString::new(to)) else {
            return Err(());
        };
        let mut raw = self.session.raw();
        // SAFETY: the session is locked by `raw` for the whole block and is in blocking mode;
        // the SFTP handle is created, used and shut down here and outlives no borrow.
        #[allow(unsafe_code)]
        unsafe {
            let sftp = libssh2_sys::libssh2_sftp_init(&mut *raw);
            if sftp.is_null() {
                return Err(());
            }
            let rc =
                libssh2_sftp_posix_rename_ex(sftp, f.as_ptr(), from.len(), t.as_ptr(), to.len());
            libssh2_sys::libssh2_sftp_shutdown(sftp);
            if rc == 0 {
                Ok(())
            } else {
                Err(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5QeFu1gYE8XDATiS0Fggetmv2Cz927wa0sRD1Z0eDU";

    fn types_for(text: &str, name: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("known_hosts");
        std::fs::write(&f, text).unwrap();
        known_key_types(&f, name)
    }

    #[test]
    fn known_hosts_is_read_as_openssh_reads_it() {
        // A line hashed by `ssh-keygen -H` for [10.0.0.7]:2222.
        let hashed = format!("|1|VKM2Pwfj0wdV3uW7c2uAweQjC34=|iiYlPOJR7c4IJFbTIRFPveCU6H4= {ED}\n");
        assert_eq!(types_for(&hashed, "[10.0.0.7]:2222"), ["ssh-ed25519"]);
        assert!(types_for(&hashed, "[10.0.0.8]:2222").is_empty());
        // Patterns, negation and case.
        let pats = format!("*.Example.com,!bad.example.com {ED}\n");
        assert_eq!(types_for(&pats, "fin-a.example.com"), ["ssh-ed25519"]);
        assert!(types_for(&pats, "bad.example.com").is_empty());
        assert_eq!(
            types_for(&format!("fin-?.lab {ED}\n"), "fin-b.lab"),
            ["ssh-ed25519"]
        );
        // A revoked key or a CA is not a key of the host; a broken line is skipped.
        let marked = format!("@revoked fin-a.lab {ED}\n@cert-authority fin-a.lab {ED}\nfin-a.lab ssh-ed25519 notbase64\n");
        assert!(types_for(&marked, "fin-a.lab").is_empty());
    }

    #[test]
    fn globs_match_like_openssh() {
        assert!(glob("*", "anything"));
        assert!(glob("10.0.*.7", "10.0.12.7"));
        assert!(!glob("10.0.*.7", "10.0.12.8"));
        assert!(glob("h?st", "HOST"));
        assert!(!glob("h?st", "hst"));
    }
}
