//! `ccadmin serve`: the Cloud Connect node service (SPEC 7). HTTPS (rustls) on `--listen`
//! (default `0.0.0.0:8445`) with the node's certificate; application users authenticate with
//! HTTP Basic over TLS, failed logins limited per source address. SIGTERM or SIGINT stop it
//! gracefully: no new connections, in-flight requests finish.
//!
//! Endpoints: `GET /health`, `GET /inventory/controlnode/key`, `GET /inventory/cluster`.

pub mod auth;
pub mod tls;

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, Response, StatusCode};
use rustls_pki_types::pem::PemObject;
use serde_json::json;

use auth::{Authenticator, Verdict};

/// Run the node service
#[derive(Debug, clap::Args)]
#[command(after_long_help = "Example:\n  $ ccadmin serve --listen 0.0.0.0:8445")]
pub struct ServeArgs {
    /// Address and port to listen on
    #[arg(
        long,
        value_name = "ADDR:PORT",
        default_value = "0.0.0.0:8445",
        env = "CCADMIN_LISTEN"
    )]
    pub listen: SocketAddr,
    /// Seconds between cluster chores: a subscriber joining its publisher, replication retries
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub sync_interval: u64,
    /// Daily artifact download, server local time
    #[arg(long, value_name = "HH:MM", default_value = "02:00", value_parser = parse_hhmm)]
    pub download_at: (u32, u32),
    /// Seconds after start of the first artifact download
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub download_delay: u64,
}

fn parse_hhmm(s: &str) -> Result<(u32, u32), String> {
    let (h, m) = s.split_once(':').ok_or("expected HH:MM")?;
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h < 24 && m < 60 => Ok((h, m)),
        _ => Err("expected HH:MM, e.g. 02:00".into()),
    }
}

/// Seconds from now to the next `hh:mm` local time.
fn until_local(hh: u32, mm: u32) -> u64 {
    // SAFETY: time and localtime_r only read the clock and the zone; `tm` is ours.
    let tm = unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&now, &mut tm);
        tm
    };
    let secs_today = (tm.tm_hour as i64) * 3600 + (tm.tm_min as i64) * 60 + tm.tm_sec as i64;
    let target = (hh as i64) * 3600 + (mm as i64) * 60;
    let d = target - secs_today;
    (if d > 0 { d } else { d + 86_400 }) as u64
}

struct Service {
    state_root: std::path::PathBuf,
    dbus: bool,
    /// This node's SSH public key line, made before the service starts.
    public_key: String,
    db_path: PathBuf,
    auth: Authenticator,
    log: Mutex<Option<std::fs::File>>,
}

type Reply = Response<Full<Bytes>>;

fn json_reply(status: StatusCode, v: serde_json::Value) -> Reply {
    let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

/// 429 with the seconds to wait.
fn limited(wait: u64) -> Reply {
    let mut r = error(
        StatusCode::TOO_MANY_REQUESTS,
        "too many failed attempts from this address or for this account; wait before trying again",
    );
    if let Ok(v) = hyper::header::HeaderValue::from_str(&wait.to_string()) {
        r.headers_mut().insert(hyper::header::RETRY_AFTER, v);
    }
    r
}

fn error(status: StatusCode, message: &str) -> Reply {
    json_reply(
        status,
        json!({ "errors": [{ "status": status.as_u16(), "message": message }] }),
    )
}

impl Service {
    fn log(&self, line: &str) {
        let stamped = format!(
            "{} {}",
            httpdate::fmt_http_date(std::time::SystemTime::now()),
            crate::output::terminal_safe(line)
        );
        eprintln!("{stamped}");
        if let Some(f) = self.log.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            let _ = writeln!(f, "{stamped}");
        }
    }

    fn node(&self) -> Result<crate::state::db::Node, String> {
        crate::state::Db::open(&self.db_path, "")
            .and_then(|db| db.node())
            .map_err(|e| e.to_string())
    }

    /// Handle one request (blocking: SQLite, argon2).
    fn handle(
        &self,
        peer: SocketAddr,
        method: &hyper::Method,
        path: &str,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Reply {
        if path == "/health" {
            if !matches!(*method, hyper::Method::GET | hyper::Method::HEAD) {
                return error(StatusCode::METHOD_NOT_ALLOWED, "use GET or HEAD");
            }
            return json_reply(StatusCode::OK, json!({ "status": "ok" }));
        }
        if path == "/cluster/join" || path.starts_with("/replication/") {
            return self.cluster_call(peer, method, path, authorization, body);
        }
        let user = match self.auth.check(peer.ip(), authorization) {
            Verdict::Allowed(user) => user,
            Verdict::Busy => {
                let mut r = error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too many logins are being checked at once; try again in a moment",
                );
                r.headers_mut().insert(
                    hyper::header::RETRY_AFTER,
                    hyper::header::HeaderValue::from_static("1"),
                );
                return r;
            }
            Verdict::Denied => {
                let mut r = error(
                    StatusCode::UNAUTHORIZED,
                    "an application user name and password are required",
                );
                r.headers_mut().insert(
                    hyper::header::WWW_AUTHENTICATE,
                    hyper::header::HeaderValue::from_static("Basic realm=\"ccadmin\""),
                );
                return r;
            }
            Verdict::Limited(wait) => return limited(wait),
        };
        let node = match self.node() {
            Ok(n) => n,
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("state: {e}")),
        };
        match (method, path) {
            (&hyper::Method::GET, "/inventory/controlnode/key") => json_reply(
                StatusCode::OK,
                json!({
                    "category": if node.role == "subscriber" { "SUBSCRIBER" } else { "PUBLISHER" },
                    "hostName": node.hostname,
                    "publicKey": self.public_key,
                }),
            ),
            (&hyper::Method::GET, "/inventory/cluster") => {
                let (publisher, subscriber) = if node.role == "subscriber" {
                    (node.publisher.clone(), Some(node.hostname.clone()))
                } else {
                    let sub = crate::state::Db::open(&self.db_path, "")
                        .and_then(|db| db.cc_subscriber())
                        .ok()
                        .flatten();
                    (Some(node.hostname.clone()), sub)
                };
                json_reply(
                    StatusCode::OK,
                    json!({ "publisher": publisher, "subscriber": subscriber }),
                )
            }
            (&hyper::Method::POST, "/inventory/onboard") => self.onboard(body, &user),
            (&hyper::Method::DELETE, p) if p.starts_with("/inventory/onboard/") => {
                let raw = &p["/inventory/onboard/".len()..];
                let cluster = match percent_encoding::percent_decode_str(raw).decode_utf8() {
                    Ok(c) => c.into_owned(),
                    Err(_) => {
                        return error(StatusCode::BAD_REQUEST, "the cluster name is not UTF-8")
                    }
                };
                if let Err(why) = crate::names::validate_cluster(&cluster) {
                    return error(StatusCode::BAD_REQUEST, &format!("cluster: {why}"));
                }
                match crate::state::Db::open(&self.db_path, "")
                    .and_then(|mut db| db.remove_onboarded_cluster(&cluster, Some(&user)))
                {
                    Ok(Ok(n)) => {
                        self.log(&format!("{user} removed cluster {cluster} ({n} hosts)"));
                        json_reply(StatusCode::OK, json!({ "cluster": cluster, "removed": n }))
                    }
                    Ok(Err(why)) => error(StatusCode::FORBIDDEN, &why),
                    Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("state: {e}")),
                }
            }
            (_, "/inventory/controlnode/key" | "/inventory/cluster") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use GET")
            }
            _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
        }
    }
}

impl Service {
    /// Calls between the nodes of the Cloud Connect cluster, authenticated with the cluster
    /// secret: a subscriber joining (on the publisher), a replicated setting (on the subscriber).
    fn cluster_call(
        &self,
        peer: SocketAddr,
        method: &hyper::Method,
        path: &str,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Reply {
        let ours = match crate::state::Db::open(&self.db_path, "")
            .map_err(|e| e.to_string())
            .and_then(|db| crate::replication::secret(&db, &self.state_root, self.dbus))
        {
            Ok(Some(s)) => s,
            _ => {
                return error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "no cluster secret is set on this node (utils node cluster-secret)",
                )
            }
        };
        // Secret checks are limited as logins are (per address), so it cannot be guessed.
        let attempt = match self.auth.attempt(peer.ip(), None) {
            Ok(a) => a,
            Err(wait) => return limited(wait),
        };
        let matches = crate::replication::secret_matches(&ours, authorization);
        attempt.settle(matches);
        if !matches {
            return error(
                StatusCode::UNAUTHORIZED,
                "the cluster secret does not match",
            );
        }
        if method != hyper::Method::POST {
            return error(StatusCode::METHOD_NOT_ALLOWED, "use POST");
        }
        let v: serde_json::Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return error(StatusCode::BAD_REQUEST, &format!("not JSON: {e}")),
        };
        let mut db = match crate::state::Db::open(&self.db_path, "") {
            Ok(db) => db,
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("state: {e}")),
        };
        match path {
            "/cluster/join" => {
                let Some(host) = v["hostName"]
                    .as_str()
                    .filter(|h| crate::names::validate_host(h).is_ok())
                else {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "hostName is missing or not a host name",
                    );
                };
                match db
                    .set_cc_subscriber(host)
                    .and_then(|_| db.queue_replication(crate::replication::IMAGE_REPOSITORY))
                {
                    Ok(()) => {
                        self.log(&format!("subscriber {host} joined"));
                        json_reply(
                            StatusCode::OK,
                            json!({ "publisher": true, "subscriber": host }),
                        )
                    }
                    Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("state: {e}")),
                }
            }
            "/replication/image-repository" => match crate::replication::receive_image_repository(
                &mut db,
                &self.state_root,
                &v,
                self.dbus,
            ) {
                Ok(()) => {
                    self.log("image repository setting replicated from the publisher");
                    json_reply(StatusCode::OK, json!({ "status": "stored" }))
                }
                Err(e) => error(StatusCode::BAD_REQUEST, &e),
            },
            _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
        }
    }

    /// `POST /inventory/onboard`: record a VOS host (SPEC 4 step 3) for the application user
    /// `user`. Every field is checked; the host key is parsed and stored in canonical form.
    fn onboard(&self, body: &[u8], user: &str) -> Reply {
        let mut h: crate::state::db::OnboardedHost = match serde_json::from_slice(body) {
            Ok(h) => h,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("the body is not an onboarding record: {e}"),
                )
            }
        };
        let key = crate::sshkeys::SshPublicKey::parse(&h.host_key);
        let shown = |s: &str| s.escape_debug().to_string();
        let problems: Vec<String> = [
            (!crate::inventory::model::VOS_PRODUCTS.contains(&h.product.as_str()))
                .then(|| format!("unknown product {}", shown(&h.product))),
            (!matches!(h.host_type.as_str(), "Publisher" | "Subscriber")).then(|| {
                format!(
                    "type {} is neither Publisher nor Subscriber",
                    shown(&h.host_type)
                )
            }),
            crate::names::validate_host(&h.host)
                .err()
                .map(|e| format!("host {}: {e}", shown(&h.host))),
            crate::names::validate_user(&h.user)
                .err()
                .map(|e| format!("user {}: {e}", shown(&h.user))),
            key.as_ref().err().map(|e| format!("host_key: {e}")),
            (h.port == 0).then(|| "port must be 1-65535".to_owned()),
            crate::names::validate_cluster(&h.cluster)
                .err()
                .map(|e| format!("cluster: {e}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !problems.is_empty() {
            return error(StatusCode::BAD_REQUEST, &problems.join("; "));
        }
        if let Ok(k) = &key {
            h.host_key = k.canonical();
        }
        match crate::state::Db::open(&self.db_path, "")
            .and_then(|mut db| db.upsert_onboarded_host(&h, user))
        {
            Ok(Ok(())) => json_reply(
                StatusCode::OK,
                json!({ "status": "onboarded", "host": h.host, "cluster": h.cluster }),
            ),
            Ok(Err(why)) => error(StatusCode::FORBIDDEN, &why),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("state: {e}")),
        }
    }
}

/// Run the service until SIGTERM or SIGINT; returns the exit status.
pub fn run(state: &mut crate::state::StateDir, args: &ServeArgs) -> Result<(), String> {
    // argon2 takes 19 MiB per verification. With glibc's adaptive threshold those blocks come
    // from per-thread arenas that keep them after use, so memory grew with every blocking
    // thread that ever verified a password. A fixed threshold maps each large block and gives
    // it back when it is freed.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    let host = state
        .db()
        .map_err(|e| e.to_string())?
        .node()
        .map_err(|e| e.to_string())?
        .hostname;
    let root = state.root().to_path_buf();
    let files = tls::ensure(&root, &host)?;
    let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| format!("cannot read {}: {e}", files.cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read {}: {e}", files.cert.display()))?;
    let key = rustls_pki_types::PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| format!("cannot read {}: {e}", files.key.display()))?;
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            format!(
                "the certificate in {} cannot be used: {e}",
                files.cert.display()
            )
        })?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    crate::state::ensure_private_dir(&root.join("logs")).map_err(|e| e.to_string())?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join("logs/serve.log"))
        .ok();
    let db_path = state.db_path();
    let public_key = crate::nodekey::ensure(&root, &host)?.public_line;
    let dbus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    let svc = Arc::new(Service {
        state_root: root.clone(),
        dbus,
        public_key,
        db_path: db_path.clone(),
        auth: Authenticator::new(db_path, host.clone()),
        log: Mutex::new(log),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let chores = {
        let (svc, stop) = (Arc::clone(&svc), Arc::clone(&stop));
        let (interval, at, delay) = (
            Duration::from_secs(args.sync_interval),
            args.download_at,
            Duration::from_secs(args.download_delay),
        );
        std::thread::spawn(move || background(&svc, &stop, interval, at, delay))
    };
    let result = rt.block_on(serve(svc, acceptor, args.listen, host));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = chores.join();
    result
}

/// The service's background work, until `stop`: cluster chores every `interval`, the
/// artifact download `delay` after start and daily at `at`.
fn background(
    svc: &Service,
    stop: &std::sync::atomic::AtomicBool,
    interval: Duration,
    at: (u32, u32),
    delay: Duration,
) {
    use std::sync::atomic::Ordering;
    let mut next_chores = Instant::now();
    let mut first_download = Some(Instant::now() + delay);
    let mut daily = Instant::now() + Duration::from_secs(until_local(at.0, at.1));
    let mut joined = false;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= next_chores {
            next_chores = now + interval;
            if let Ok(node) = svc.node() {
                if node.role == "subscriber" && !joined {
                    if let (Some(publisher), Ok(Some(secret))) = (
                        &node.publisher,
                        crate::state::Db::open(&svc.db_path, "")
                            .map_err(|e| e.to_string())
                            .and_then(|db| {
                                crate::replication::secret(&db, &svc.state_root, svc.dbus)
                            }),
                    ) {
                        match crate::replication::join(
                            &svc.state_root,
                            publisher,
                            &node.hostname,
                            &secret,
                        ) {
                            Ok(()) => {
                                joined = true;
                                svc.log(&format!("joined the publisher {publisher}"));
                            }
                            Err(e) => {
                                svc.log(&format!("cannot join the publisher {publisher} yet: {e}"))
                            }
                        }
                    }
                }
                if node.role == "publisher" {
                    for line in
                        crate::replication::flush_outbox(&svc.db_path, &svc.state_root, svc.dbus)
                    {
                        svc.log(&line);
                    }
                }
            }
        }
        if first_download.is_some_and(|t| now >= t) || now >= daily {
            first_download = None;
            if now >= daily {
                daily = now + Duration::from_secs(until_local(at.0, at.1).max(60));
            }
            if svc.node().map(|n| n.role != "vos").unwrap_or(false) {
                svc.log(&crate::artifacts::scheduled(
                    &svc.db_path,
                    &svc.state_root,
                    svc.dbus,
                ));
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A client has this long for the TLS handshake, for a request's headers (also the idle time
/// allowed between requests on a kept-alive connection), and for a request's body.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once: half the descriptors the process may open (the rest are for
/// the database, the log and outgoing calls), at most 1024.
fn max_connections() -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 {
        lim.rlim_cur as usize
    } else {
        1024
    };
    (soft / 2).clamp(16, 1024)
}

async fn serve(
    svc: Arc<Service>,
    acceptor: tokio_rustls::TlsAcceptor,
    addr: SocketAddr,
    host: String,
) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    svc.log(&format!(
        "ccadmin serve: {host} listening on https://{local}"
    ));
    let mut tasks = tokio::task::JoinSet::new();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let connections = Arc::new(tokio::sync::Semaphore::new(max_connections()));
    let mut accept_failures = 0u32;
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            accepted = listener.accept() => {
                let (tcp, peer) = match accepted {
                    Ok(a) => {
                        accept_failures = 0;
                        a
                    }
                    Err(e) => {
                        // Out of descriptors (or another transient failure): back off instead
                        // of spinning, so connections in progress can finish and free some.
                        accept_failures = (accept_failures + 1).min(6);
                        if accept_failures == 1 {
                            svc.log(&format!("cannot accept a connection: {e}; backing off"));
                        }
                        tokio::time::sleep(Duration::from_millis(10 << accept_failures)).await;
                        continue;
                    }
                };
                // A cap on connections keeps descriptors for the database and the log.
                let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
                    drop(tcp);
                    continue;
                };
                let (svc, acceptor, mut stop) = (Arc::clone(&svc), acceptor.clone(), stop_rx.clone());
                tasks.spawn(async move {
                    let _permit = permit;
                    let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await else { return };
                    let io = hyper_util::rt::TokioIo::new(tls);
                    let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let svc = Arc::clone(&svc);
                        async move {
                            let started = Instant::now();
                            let method = req.method().clone();
                            let path = req.uri().path().to_owned();
                            let authz = req.headers().get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
                            let (m, p) = (method.clone(), path.clone());
                            let s2 = Arc::clone(&svc);
                            // Bodies are small JSON documents; anything over 64 KiB is refused.
                            let limited = http_body_util::Limited::new(req.into_body(), 64 * 1024);
                            let body = match tokio::time::timeout(BODY_TIMEOUT, http_body_util::BodyExt::collect(limited)).await {
                                Ok(Ok(b)) => b.to_bytes(),
                                Ok(Err(_)) => return Ok::<_, Infallible>(error(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large or was cut off")),
                                Err(_) => return Ok::<_, Infallible>(error(StatusCode::REQUEST_TIMEOUT, "the request body did not arrive in time")),
                            };
                            let reply = tokio::task::spawn_blocking(move || s2.handle(peer, &m, &p, authz.as_deref(), &body))
                                .await
                                .unwrap_or_else(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed"));
                            svc.log(&format!("{} {method} {path} {} {}ms", peer.ip(), reply.status().as_u16(), started.elapsed().as_millis()));
                            Ok::<_, Infallible>(reply)
                        }
                    });
                    // The header-read timeout also runs while a kept-alive connection waits
                    // for its next request, so it is the idle timeout too.
                    let conn = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_TIMEOUT)
                        .keep_alive(true)
                        .serve_connection(io, service);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stop.changed() => {
                            // Finish the request in flight, then close; an idle connection closes now.
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
        }
        // Reap finished connections so the set does not grow without bound.
        while tasks.try_join_next().is_some() {}
    }
    svc.log("ccadmin serve: stopping; letting in-flight requests finish");
    drop(listener);
    let _ = stop_tx.send(true);
    // In-flight requests get a bounded grace period; idle keep-alive connections are dropped.
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    svc.log("ccadmin serve: stopped");
    Ok(())
}
