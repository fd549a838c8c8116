//! The HTTPS server both services run on (`ccadmin serve`, `ccadmin hub serve`): rustls,
//! HTTP/1.1 with keep-alive, bounded handshake/header/body times, a cap on connections, bodies
//! bounded per path, every request handled on a blocking thread and logged, SIGTERM/SIGINT
//! stopping gracefully. A service says what it does with each request through [`Handler`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};
use serde_json::json;

use crate::ops::{Kind, OpError};

/// Why a service's HTTPS side could not be set up or stopped serving; the texts are the
/// ones a service prints when it cannot start.
#[derive(Debug, thiserror::Error)]
pub enum HttpsError {
    /// A certificate or key file that cannot be read as PEM.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: rustls_pki_types::pem::Error,
    },
    /// A certificate file without a certificate in it.
    #[error("{} holds no certificate", .0.display())]
    NoCertificate(PathBuf),
    /// A certificate and key that TLS refuses (not a pair, an unsupported key).
    #[error("the certificate in {} cannot be used: {source}", .path.display())]
    Unusable {
        path: PathBuf,
        source: tokio_rustls::rustls::Error,
    },
    /// The log directory cannot be made private.
    #[error("{0}")]
    LogDir(#[from] crate::state::StateError),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The listening socket cannot be taken into the runtime.
    #[error("cannot listen: {0}")]
    Listen(std::io::Error),
    /// The socket's address or the signal handlers.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The TLS side of a service from its certificate files, and the SHA-256 of its certificate
/// (what a peer pins).
pub fn acceptor(
    files: &crate::ops::tls::CertFiles,
) -> Result<(tokio_rustls::TlsAcceptor, String), HttpsError> {
    use rustls_pki_types::pem::PemObject;
    let read = |path: &Path| {
        let path = path.to_path_buf();
        move |source| HttpsError::Read { path, source }
    };
    let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_file_iter(&files.cert)
        .map_err(read(&files.cert))?
        .collect::<Result<_, _>>()
        .map_err(read(&files.cert))?;
    let fingerprint = certs
        .first()
        .map(|c| crate::ops::signing::sha256_hex(c.as_ref()))
        .ok_or_else(|| HttpsError::NoCertificate(files.cert.clone()))?;
    let key =
        rustls_pki_types::PrivateKeyDer::from_pem_file(&files.key).map_err(read(&files.key))?;
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|source| HttpsError::Unusable {
            path: files.cert.clone(),
            source,
        })?;
    Ok((
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        fingerprint,
    ))
}

/// A service's log file in `dir` (made private), appended to a line at a time and rotated by
/// size ([`crate::ops::logs::LogFile`]: at 10 MiB, keeping 5 old files). A line that cannot be
/// written still goes to stderr.
pub fn open_log(
    dir: &Path,
    name: &str,
) -> Result<std::sync::Mutex<crate::ops::logs::LogFile>, HttpsError> {
    crate::state::ensure_private_dir(dir)?;
    Ok(std::sync::Mutex::new(crate::ops::logs::LogFile::new(
        dir.join(name),
    )))
}

/// One line of a service's log: stamped, to stderr and to the file. Always one line: control
/// characters and newlines (in a peer's text: a node's report, a hub's name) are escaped, so
/// nothing a peer sends can write a line of its own.
pub fn write_log(log: &std::sync::Mutex<crate::ops::logs::LogFile>, line: &str) {
    let stamped = format!(
        "{} {}",
        httpdate::fmt_http_date(std::time::SystemTime::now()),
        crate::text::one_line(line)
    );
    crate::output::stderr_line(&stamped);
    let _ = log
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .append(&stamped);
}

/// One request as a handler sees it (the body read whole, within its limit).
pub struct Request<'a> {
    pub peer: SocketAddr,
    pub method: &'a hyper::Method,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub authz: Option<&'a str>,
    pub headers: &'a hyper::HeaderMap,
    pub body: &'a Bytes,
}

impl Request<'_> {
    /// A header's value as text, if it is text.
    pub fn header(&self, name: hyper::header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What a service does with requests.
pub trait Handler: Send + Sync + 'static {
    /// The largest body a request to `path` may carry, and whether [`Handler::precheck`] must
    /// pass before it is read.
    fn limit(&self, _path: &str) -> (usize, bool) {
        (MAX_BODY, false)
    }
    /// A check before a large body is read (blocking allowed); `Some` answers instead.
    fn precheck(&self, _peer: SocketAddr, _authz: Option<&str>) -> Option<Reply> {
        None
    }
    /// Answer a request (blocking: SQLite, argon2).
    fn handle(&self, request: &Request<'_>) -> Reply;
    /// One line of the service's log.
    fn log(&self, line: &str);
}

pub type Reply = Response<Full<Bytes>>;

/// A reply whose body is `len` bytes of an open file from its current position, read and sent
/// a chunk at a time as the peer takes them (a release archive is never held in memory). A
/// handler puts one in its reply's extensions; it replaces the reply's body.
#[derive(Clone)]
pub struct FileBody(Arc<std::sync::Mutex<Option<(std::fs::File, u64)>>>);

impl FileBody {
    pub fn new(file: std::fs::File, len: u64) -> FileBody {
        FileBody(Arc::new(std::sync::Mutex::new(Some((file, len)))))
    }
}

/// What goes out: a reply's bytes, or a file a chunk at a time.
type Body = http_body_util::Either<Full<Bytes>, FileStream>;

fn outgoing(reply: Reply) -> Response<Body> {
    let file = reply
        .extensions()
        .get::<FileBody>()
        .and_then(|f| f.0.lock().unwrap_or_else(|p| p.into_inner()).take());
    let (parts, bytes) = reply.into_parts();
    Response::from_parts(
        parts,
        match file {
            Some((file, left)) => http_body_util::Either::Right(FileStream {
                file: Some(file),
                left,
                reading: None,
            }),
            None => http_body_util::Either::Left(bytes),
        },
    )
}

/// A file's bytes as a response body: each chunk is read on a blocking thread when the
/// connection is ready for it.
struct FileStream {
    file: Option<std::fs::File>,
    left: u64,
    reading: Option<tokio::task::JoinHandle<(std::fs::File, std::io::Result<Vec<u8>>)>>,
}

impl hyper::body::Body for FileStream {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
        use std::future::Future;
        use std::task::Poll;
        const CHUNK: u64 = 64 * 1024;
        let this = &mut *self;
        if let Some(reading) = this.reading.as_mut() {
            let done = match std::pin::Pin::new(reading).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(done) => done,
            };
            this.reading = None;
            let (file, chunk) = match done {
                Ok((file, Ok(chunk))) if !chunk.is_empty() => (file, chunk),
                Ok((_, Ok(_))) => {
                    return Poll::Ready(Some(Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the file is shorter than announced",
                    ))))
                }
                Ok((_, Err(e))) => return Poll::Ready(Some(Err(e))),
                Err(e) => return Poll::Ready(Some(Err(std::io::Error::other(e)))),
            };
            this.left = this.left.saturating_sub(chunk.len() as u64);
            this.file = Some(file);
            return Poll::Ready(Some(Ok(hyper::body::Frame::data(Bytes::from(chunk)))));
        }
        let Some(mut file) = this.file.take().filter(|_| this.left > 0) else {
            return Poll::Ready(None);
        };
        let want = this.left.min(CHUNK) as usize;
        this.reading = Some(tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut chunk = vec![0; want];
            let read = file.read(&mut chunk).map(|n| {
                chunk.truncate(n);
                chunk
            });
            (file, read)
        }));
        // Poll the read just started so its completion wakes this task.
        self.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0 && self.reading.is_none()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.left)
    }
}

/// A connection whose writes must make progress: a peer that takes nothing for
/// [`WRITE_TIMEOUT`] is dropped, so a stalled download (or any answer nobody reads) holds a
/// connection and its buffers only that long.
struct WriteTimeout<S> {
    inner: S,
    stalled: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<S> WriteTimeout<S> {
    fn progress<T>(
        &mut self,
        cx: &mut std::task::Context<'_>,
        r: std::task::Poll<std::io::Result<T>>,
    ) -> std::task::Poll<std::io::Result<T>> {
        use std::future::Future;
        use std::task::Poll;
        match r {
            Poll::Pending => {
                let timer = self
                    .stalled
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_TIMEOUT)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the peer took nothing in time",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
            done => {
                self.stalled = None;
                done
            }
        }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for WriteTimeout<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for WriteTimeout<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(cx, r)
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.progress(cx, r)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(cx, r)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Whether a connection ended because its peer took nothing for [`WRITE_TIMEOUT`].
fn write_timed_out(e: &hyper::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        source = s.source();
    }
    false
}

/// Bound the process's memory under many password checks: argon2 takes 19 MiB per
/// verification. With glibc's adaptive threshold those blocks come from per-thread arenas
/// that keep them after use, so memory grew with every blocking thread that ever verified a
/// password. A fixed threshold maps each large block and gives it back when it is freed. Both
/// services call this at start-up, before any thread starts.
pub fn bound_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning; called before any thread starts.
    // (No maintained crate wraps mallopt.)
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

pub fn json_reply(status: StatusCode, v: serde_json::Value) -> Reply {
    let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

/// 429 with the seconds to wait.
pub fn limited(wait: u64) -> Reply {
    let mut r = error(
        StatusCode::TOO_MANY_REQUESTS,
        "too many failed attempts from this address or for this account; wait before trying again",
    );
    if let Ok(v) = hyper::header::HeaderValue::from_str(&wait.to_string()) {
        r.headers_mut().insert(hyper::header::RETRY_AFTER, v);
    }
    r
}

/// 401 asking for HTTP Basic in `realm` (a static text).
pub fn basic_required(realm: &'static str, message: &str) -> Reply {
    let mut r = error(StatusCode::UNAUTHORIZED, message);
    r.headers_mut().insert(
        hyper::header::WWW_AUTHENTICATE,
        hyper::header::HeaderValue::from_static(realm),
    );
    r
}

/// An error answer: `status`, and `message` (any text or error) in the JSON error body.
pub fn error(status: StatusCode, message: &(impl std::fmt::Display + ?Sized)) -> Reply {
    json_reply(
        status,
        json!({ "errors": [{ "status": status.as_u16(), "message": message.to_string() }] }),
    )
}

/// An operation's failure as an HTTP answer.
pub fn op_reply(e: &OpError) -> Reply {
    let status = match e.kind {
        Kind::Invalid | Kind::Peer => StatusCode::BAD_REQUEST,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::NotConfigured | Kind::Busy => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    error(status, &e.message)
}

/// A client has this long for the TLS handshake, for a request's headers (also the idle time
/// allowed between requests on a kept-alive connection), and for a request's body.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// A peer must take some of an answer within this long, or the connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request body, and the largest change batch from the other Cloud Connect node.
pub const MAX_BODY: usize = 64 * 1024;
/// How long a connection made just before a stop may take to send its first request.
const FIRST_REQUEST_GRACE: Duration = Duration::from_secs(1);
pub const MAX_BATCH: usize = 64 << 20;

/// Connections served at once: half the descriptors the process may open (the rest are for
/// the database, the log and outgoing calls), at most 1024.
fn max_connections() -> usize {
    use nix::sys::resource::{getrlimit, Resource};
    let soft = getrlimit(Resource::RLIMIT_NOFILE)
        .map(|(soft, _)| usize::try_from(soft).unwrap_or(usize::MAX))
        .unwrap_or(1024);
    (soft / 2).clamp(16, 1024)
}

/// The connections one address may hold at once: half of all of them.
fn address_share(total: usize) -> usize {
    (total / 2).max(8)
}

type Shares = Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>;

/// A connection's place in its address's share, given back when the connection ends.
struct AddressSlot {
    shares: Shares,
    ip: std::net::IpAddr,
}

impl AddressSlot {
    fn take(shares: &Shares, ip: std::net::IpAddr, share: usize) -> Option<AddressSlot> {
        let mut held = shares.lock().unwrap_or_else(|p| p.into_inner());
        let n = held.entry(ip).or_insert(0);
        if *n >= share {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            shares: Arc::clone(shares),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut held = self.shares.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = held.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.ip);
            }
        }
    }
}

/// Serve HTTPS on `addr` until SIGTERM or SIGINT: each request's body is read within its
/// limit (after `precheck` where the handler asks for it), then handled on a blocking thread.
/// Stopping lets the requests in flight finish (bounded) and closes idle connections.
pub async fn serve<H: Handler>(
    svc: Arc<H>,
    acceptor: tokio_rustls::TlsAcceptor,
    addr: SocketAddr,
    name: &str,
    host: String,
) -> Result<(), HttpsError> {
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| HttpsError::Bind { addr, source })?;
    serve_on(svc, acceptor, &listener, name, host, None).await
}

/// [`serve`] on a listener the caller keeps (it stays open after the service stops, so a
/// successor can take it over), stopping also when `stop` is notified.
pub async fn serve_on<H: Handler>(
    svc: Arc<H>,
    acceptor: tokio_rustls::TlsAcceptor,
    listener: &std::net::TcpListener,
    name: &str,
    host: String,
    stop: Option<Arc<tokio::sync::Notify>>,
) -> Result<(), HttpsError> {
    use tokio::signal::unix::{signal, SignalKind};
    let listener = listener
        .try_clone()
        .and_then(|l| {
            l.set_nonblocking(true)?;
            tokio::net::TcpListener::from_std(l)
        })
        .map_err(HttpsError::Listen)?;
    let stop = stop.unwrap_or_default();
    let local = listener.local_addr()?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    svc.log(&format!("{name}: {host} listening on https://{local}"));
    let mut tasks = tokio::task::JoinSet::new();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let total = max_connections();
    let connections = Arc::new(tokio::sync::Semaphore::new(total));
    let shares = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
    let mut accept_failures = 0u32;
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = stop.notified() => break,
            accepted = listener.accept() => {
                let (tcp, peer) = match accepted {
                    Ok(a) => {
                        accept_failures = 0;
                        // Answers are small and written in pieces (a TLS record, then the
                        // body): without this each waited for the client's delayed ACK,
                        // 40 ms (measured by bench/hub_capacity.py: 23-33 % of polls).
                        let _ = a.0.set_nodelay(true);
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
                // One address gets at most its share, so its idle sockets cannot take every
                // connection from the others (issue 24, finding 10).
                let Some(slot) = AddressSlot::take(&shares, peer.ip(), address_share(total)) else {
                    drop(tcp);
                    continue;
                };
                let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
                    drop(tcp);
                    continue;
                };
                let (svc, acceptor, mut stop) = (Arc::clone(&svc), acceptor.clone(), stop_rx.clone());
                tasks.spawn(async move {
                    let (_permit, _slot) = (permit, slot);
                    let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await else { return };
                    let io = hyper_util::rt::TokioIo::new(WriteTimeout { inner: tls, stalled: None });
                    let logger = Arc::clone(&svc);
                    // Whether a request came on this connection (a stop waits for the first).
                    let asked = Arc::new(std::sync::atomic::AtomicBool::new(false));
                    let asked_in = Arc::clone(&asked);
                    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let svc = Arc::clone(&svc);
                        asked_in.store(true, std::sync::atomic::Ordering::SeqCst);
                        async move {
                            let started = Instant::now();
                            let method = req.method().clone();
                            let path = req.uri().path().to_owned();
                            let authz = req.headers().get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
                            let query = req.uri().query().map(str::to_owned);
                            let headers = req.headers().clone();
                            let (m, p) = (method.clone(), path.clone());
                            let s2 = Arc::clone(&svc);
                            // Bodies are small JSON documents unless the handler says otherwise
                            // for a path, and then only once its precheck passed.
                            let (limit, check) = svc.limit(&path);
                            if check {
                                let (s3, a3) = (Arc::clone(&svc), authz.clone());
                                let checked = tokio::task::spawn_blocking(move || s3.precheck(peer, a3.as_deref()))
                                    .await
                                    .unwrap_or_else(|_| Some(error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed")));
                                if let Some(reply) = checked {
                                    return Ok::<_, Infallible>(outgoing(reply));
                                }
                            }
                            let limited = http_body_util::Limited::new(req.into_body(), limit);
                            let body = match tokio::time::timeout(BODY_TIMEOUT, http_body_util::BodyExt::collect(limited)).await {
                                Ok(Ok(b)) => b.to_bytes(),
                                Ok(Err(_)) => return Ok::<_, Infallible>(outgoing(error(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large or was cut off"))),
                                Err(_) => return Ok::<_, Infallible>(outgoing(error(StatusCode::REQUEST_TIMEOUT, "the request body did not arrive in time"))),
                            };
                            let reply = tokio::task::spawn_blocking(move || {
                                s2.handle(&Request { peer, method: &m, path: &p, query: query.as_deref(), authz: authz.as_deref(), headers: &headers, body: &body })
                            })
                                .await
                                .unwrap_or_else(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed"));
                            svc.log(&format!("{} {method} {path} {} {}ms", peer.ip(), reply.status().as_u16(), started.elapsed().as_millis()));
                            Ok::<_, Infallible>(outgoing(reply))
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
                        ended = conn.as_mut() => {
                            if ended.as_ref().is_err_and(write_timed_out) {
                                logger.log(&format!("{} took nothing for {}s; the connection is closed", peer.ip(), WRITE_TIMEOUT.as_secs()));
                            }
                        }
                        _ = stop.changed() => {
                            // A connection just made (a client that sent its request as the
                            // service began to stop, e.g. during a release switch) gets a
                            // moment for that request, so it is answered, not dropped.
                            let first = async {
                                while !asked.load(std::sync::atomic::Ordering::SeqCst) {
                                    tokio::time::sleep(Duration::from_millis(10)).await;
                                }
                            };
                            if !asked.load(std::sync::atomic::Ordering::SeqCst) {
                                tokio::select! {
                                    _ = conn.as_mut() => return,
                                    _ = tokio::time::timeout(FIRST_REQUEST_GRACE, first) => {}
                                }
                            }
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
    svc.log(&format!(
        "{name}: stopping; letting in-flight requests finish"
    ));
    drop(listener);
    let _ = stop_tx.send(true);
    // In-flight requests get a bounded grace period; idle keep-alive connections are dropped.
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    svc.log(&format!("{name}: stopped"));
    Ok(())
}
