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
}

struct Service {
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

fn error(status: StatusCode, message: &str) -> Reply {
    json_reply(
        status,
        json!({ "errors": [{ "status": status.as_u16(), "message": message }] }),
    )
}

impl Service {
    fn log(&self, line: &str) {
        let stamped = format!(
            "{} {line}",
            httpdate::fmt_http_date(std::time::SystemTime::now())
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
            return json_reply(StatusCode::OK, json!({ "status": "ok" }));
        }
        let user = match self.auth.check(peer.ip(), authorization) {
            Verdict::Allowed(u) => u,
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
            Verdict::Limited(wait) => {
                let mut r = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many failed logins from this address",
                );
                if let Ok(v) = hyper::header::HeaderValue::from_str(&wait.to_string()) {
                    r.headers_mut().insert(hyper::header::RETRY_AFTER, v);
                }
                return r;
            }
        };
        let _ = user;
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
                    (Some(node.hostname.clone()), None)
                };
                json_reply(
                    StatusCode::OK,
                    json!({ "publisher": publisher, "subscriber": subscriber }),
                )
            }
            (&hyper::Method::POST, "/inventory/onboard") => self.onboard(body),
            (&hyper::Method::DELETE, p) if p.starts_with("/inventory/onboard/") => {
                let cluster = &p["/inventory/onboard/".len()..];
                match crate::state::Db::open(&self.db_path, "")
                    .and_then(|mut db| db.remove_onboarded_cluster(cluster))
                {
                    Ok(n) => {
                        json_reply(StatusCode::OK, json!({ "cluster": cluster, "removed": n }))
                    }
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
    /// `POST /inventory/onboard`: record a VOS host (SPEC 4 step 3).
    fn onboard(&self, body: &[u8]) -> Reply {
        let h: crate::state::db::OnboardedHost = match serde_json::from_slice(body) {
            Ok(h) => h,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("the body is not an onboarding record: {e}"),
                )
            }
        };
        let problems: Vec<String> = [
            (!crate::inventory::model::VOS_PRODUCTS.contains(&h.product.as_str()))
                .then(|| format!("unknown product {}", h.product)),
            (!matches!(h.host_type.as_str(), "Publisher" | "Subscriber"))
                .then(|| format!("type {} is neither Publisher nor Subscriber", h.host_type)),
            crate::names::validate_host(&h.host)
                .err()
                .map(|e| format!("host {}: {e}", h.host)),
            crate::names::validate_user(&h.user)
                .err()
                .map(|e| format!("user {}: {e}", h.user)),
            (!h.host_key.starts_with("ssh-") && !h.host_key.starts_with("ecdsa-"))
                .then(|| "hostKey is not an SSH public key".to_owned()),
            (h.cluster.is_empty() || h.cluster.contains('/'))
                .then(|| "cluster must be a name without '/'".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !problems.is_empty() {
            return error(StatusCode::BAD_REQUEST, &problems.join("; "));
        }
        match crate::state::Db::open(&self.db_path, "")
            .and_then(|mut db| db.upsert_onboarded_host(&h))
        {
            Ok(()) => json_reply(
                StatusCode::OK,
                json!({ "status": "onboarded", "host": h.host, "cluster": h.cluster }),
            ),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("state: {e}")),
        }
    }
}

/// Run the service until SIGTERM or SIGINT; returns the exit status.
pub fn run(state: &mut crate::state::StateDir, args: &ServeArgs) -> Result<(), String> {
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
    let svc = Arc::new(Service {
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
    rt.block_on(serve(svc, acceptor, args.listen, host))
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
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                let (svc, acceptor, mut stop) = (Arc::clone(&svc), acceptor.clone(), stop_rx.clone());
                tasks.spawn(async move {
                    let Ok(Ok(tls)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await else { return };
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
                            let body = match http_body_util::BodyExt::collect(limited).await {
                                Ok(b) => b.to_bytes(),
                                Err(_) => return Ok::<_, Infallible>(error(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large or was cut off")),
                            };
                            let reply = tokio::task::spawn_blocking(move || s2.handle(peer, &m, &p, authz.as_deref(), &body))
                                .await
                                .unwrap_or_else(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed"));
                            svc.log(&format!("{} {method} {path} {} {}ms", peer.ip(), reply.status().as_u16(), started.elapsed().as_millis()));
                            Ok::<_, Infallible>(reply)
                        }
                    });
                    let conn = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(io, service);
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
