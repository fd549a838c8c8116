//! `ccadmin serve`: the Cloud Connect node service (SPEC 7). HTTPS (rustls) on `--listen`
//! (default `0.0.0.0:8445`) with the node's certificate; application users authenticate with
//! HTTP Basic over TLS, failed logins limited per source address. SIGTERM or SIGINT stop it
//! gracefully: no new connections, in-flight requests finish.
//!
//! Endpoints: `GET /health`, `GET /inventory/controlnode/key`, `GET /inventory/cluster`,
//! `GET /metrics` (Prometheus; `metrics.rs`).

pub mod auth;
mod consent;
pub mod https;
pub mod metrics;
pub mod pages;
/// The certificate files are made in `ops` (below both servers); the old name still reads.
pub use crate::ops::tls;
mod upgrade;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::StatusCode;
use serde_json::json;

use auth::{Authenticator, Verdict};

use crate::clients::cloud_connect::{ClusterInfo, ControlNodeKey, Join, OnboardRecord, Removed};
use crate::domain::Role;
use crate::ops::schedule::{self, Schedule, SystemClock};
use crate::ops::{artifacts, cluster, notify, onboarding, Cancel, Kind, Node, OpError, Stores};
use crate::state::StateDir;

/// Run the node service
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Example:\n  $ ccadmin serve --listen 0.0.0.0:8445 --download-schedule \"30 1 * * 6\" --time-zone Europe/Berlin"
)]
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
    /// When the artifact download runs: a cron schedule (minute hour day-of-month month
    /// day-of-week) read in --time-zone
    #[arg(long, value_name = "CRON", default_value = "0 2 * * *")]
    pub download_schedule: String,
    /// Daily artifact download at this time (short for --download-schedule "MM HH * * *")
    #[arg(long, value_name = "HH:MM", value_parser = parse_hhmm, conflicts_with = "download_schedule")]
    pub download_at: Option<(u32, u32)>,
    /// Time zone of the schedule (IANA name, e.g. Europe/Berlin) [default: the system's]
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// Seconds after start of the first artifact download
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub download_delay: u64,
    /// Seconds between polls of the hub the cluster is registered with (doubled after each
    /// failure, up to an hour)
    #[arg(long, value_name = "SECONDS", default_value_t = 300, env = "CCADMIN_HUB_POLL_INTERVAL", value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub hub_poll_interval: u64,
    /// Seconds between comparisons of the publisher's replicated state with its subscriber's
    /// (utils dbreplication status); a difference is logged and mailed
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=604800))]
    pub replication_check_interval: u64,
    /// The release directory this node runs from (DIR/current -> DIR/releases/VERSION); a node
    /// with one installs the releases its hub offers
    #[arg(long, value_name = "DIR", env = "CCADMIN_RELEASE_ROOT")]
    pub release_root: Option<PathBuf>,
}

fn parse_hhmm(s: &str) -> Result<(u32, u32), String> {
    let (h, m) = s.split_once(':').ok_or("expected HH:MM")?;
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h < 24 && m < 60 => Ok((h, m)),
        _ => Err("expected HH:MM, e.g. 02:00".into()),
    }
}

impl ServeArgs {
    /// The download schedule the options name.
    pub fn schedule(&self) -> Result<Schedule, OpError> {
        let cron = match self.download_at {
            Some((h, m)) => format!("{m} {h} * * *"),
            None => self.download_schedule.clone(),
        };
        Schedule::parse(&cron, self.time_zone.as_deref())
    }
}

struct Service {
    root: PathBuf,
    host: String,
    stores: Stores,
    /// Fired by SIGTERM/SIGINT: stops the download in progress and every wait.
    cancel: Cancel,
    /// This node's SSH public key line, made before the service starts.
    public_key: String,
    auth: Authenticator,
    log: Mutex<crate::ops::logs::LogFile>,
    /// SHA-256 of this node's service certificate (what a hub pins).
    cert_sha256: String,
    pages: pages::Pages,
    /// The ccadmin release this process runs, and the release directory it runs from.
    version: String,
    release_root: Option<PathBuf>,
    /// A release staged to switch to; `stop` ends the service for it.
    upgrade: Mutex<Option<upgrade::Ready>>,
    /// The listening socket, to share with a release on trial.
    listen: Option<std::net::TcpListener>,
    /// This node's service certificate (a release on trial is asked for its health with it).
    cert_pem: PathBuf,
    stop: Arc<tokio::sync::Notify>,
    /// The scheduled downloads of this process, for `GET /metrics`.
    downloads: metrics::Downloads,
}

use crate::ops::logs::Topic;
use https::{error, json_reply, limited, op_reply, Reply, MAX_BATCH, MAX_BODY};

impl https::Handler for Service {
    fn limit(&self, path: &str) -> (usize, bool) {
        // A change batch from the other node may be large, once its cluster secret is checked
        // (a snapshot holds every inventory version).
        if path == "/replication/changes"
            || path == "/cluster/orchestration/claim"
            || path == "/cluster/orchestration/run"
        {
            (MAX_BATCH, true)
        } else {
            (MAX_BODY, false)
        }
    }
    fn precheck(&self, peer: SocketAddr, authz: Option<&str>) -> Option<Reply> {
        self.cluster_auth(peer, authz)
    }
    fn handle(&self, r: &https::Request<'_>) -> Reply {
        if r.path == "/cloudconnect/register" {
            return self.consent(r);
        }
        Service::handle(self, r.peer, r.method, r.path, r.authz, r.body)
    }
    fn log(&self, line: &str) {
        Service::log(self, line)
    }
}

impl Service {
    fn log(&self, line: &str) {
        https::write_log(&self.log, line);
    }

    /// A line of replication or download work: in `serve.log` with every other line, and in
    /// that work's own log (`file tail activelog replication.log`).
    fn log_topic(&self, topic: crate::ops::logs::Topic, line: &str) {
        self.log(line);
        let _ = crate::ops::logs::record(&self.root, topic, line);
    }

    /// The node as operations take it, for one request or one chore.
    fn node(&self) -> Node {
        Node::new(
            StateDir::new(self.root.clone(), self.host.clone()),
            self.stores,
            self.cancel.clone(),
        )
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
            return json_reply(
                StatusCode::OK,
                json!({ "status": "ok", "version": self.version }),
            );
        }
        if path.starts_with("/cluster/") || path.starts_with("/replication/") {
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
                return https::basic_required(
                    "Basic realm=\"ccadmin\"",
                    "an application user name and password are required",
                );
            }
            Verdict::Limited(wait) => return limited(wait),
        };
        let mut node = self.node();
        let me = match node.identity() {
            Ok(n) => n,
            Err(e) => return op_reply(&e),
        };
        match (method, path) {
            (&hyper::Method::GET, "/inventory/controlnode/key") => {
                let category = match me.role {
                    Role::Subscriber => "SUBSCRIBER",
                    _ => "PUBLISHER",
                };
                let key = ControlNodeKey {
                    category: category.into(),
                    host_name: me.hostname,
                    public_key: self.public_key.clone(),
                };
                json_reply(StatusCode::OK, json!(key))
            }
            (&hyper::Method::GET, "/inventory/cluster") => {
                let info = if me.role == Role::Subscriber {
                    ClusterInfo {
                        publisher: me.publisher.clone(),
                        subscriber: Some(me.hostname.clone()),
                    }
                } else {
                    let sub = node
                        .db()
                        .ok()
                        .and_then(|db| db.cc_subscriber().ok().flatten());
                    ClusterInfo {
                        publisher: Some(me.hostname.clone()),
                        subscriber: sub,
                    }
                };
                json_reply(StatusCode::OK, json!(info))
            }
            (&hyper::Method::POST, "/inventory/onboard") => {
                let record: OnboardRecord = match serde_json::from_slice(body) {
                    Ok(h) => h,
                    Err(e) => {
                        return error(
                            StatusCode::BAD_REQUEST,
                            &format!("the body is not an onboarding record: {e}"),
                        )
                    }
                };
                match onboarding::register(&mut node, record, &user) {
                    Ok(h) => json_reply(
                        StatusCode::OK,
                        json!({ "status": "onboarded", "host": h.host, "cluster": h.cluster }),
                    ),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::DELETE, p) if p.starts_with("/inventory/onboard/") => {
                let raw = &p["/inventory/onboard/".len()..];
                let cluster = match percent_encoding::percent_decode_str(raw).decode_utf8() {
                    Ok(c) => c.into_owned(),
                    Err(_) => {
                        return error(StatusCode::BAD_REQUEST, "the cluster name is not UTF-8")
                    }
                };
                match onboarding::unregister(&mut node, &cluster, Some(&user)) {
                    Ok(n) => {
                        self.log(&format!("{user} removed cluster {cluster} ({n} hosts)"));
                        json_reply(
                            StatusCode::OK,
                            json!(Removed {
                                cluster,
                                removed: n
                            }),
                        )
                    }
                    Err(e) => op_reply(&e),
                }
            }
            // Prometheus scrapes with an application user, as any client of the API.
            (&hyper::Method::GET, "/metrics") => self.metrics(),
            (_, "/inventory/controlnode/key" | "/inventory/cluster" | "/metrics") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use GET")
            }
            _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
        }
    }

    /// The cluster secret presented by a node-to-node call: checked as logins are (limited
    /// per address, so it cannot be guessed). `Some`: the refusal to answer with.
    fn cluster_auth(&self, peer: SocketAddr, authorization: Option<&str>) -> Option<Reply> {
        // No credential at all is no login attempt: answered, not counted or limited.
        if authorization.is_none() {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "this endpoint needs the cluster secret",
            ));
        }
        let mut node = self.node();
        let Ok(Some(ours)) = cluster::secret(&mut node) else {
            return Some(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "no cluster secret is set on this node (utils node cluster-secret)",
            ));
        };
        let attempt = match self.auth.attempt(peer.ip(), None) {
            Ok(a) => a,
            Err(wait) => return Some(limited(wait)),
        };
        let matches = cluster::secret_matches(&ours, authorization);
        attempt.settle(matches);
        (!matches).then(|| {
            error(
                StatusCode::UNAUTHORIZED,
                "the cluster secret does not match",
            )
        })
    }

    /// Calls between the nodes of the Cloud Connect cluster, authenticated with the cluster
    /// secret: a subscriber joining and asking how far it is (on the publisher), a change
    /// batch (on the subscriber), a test-connection run for the other node (on either).
    fn cluster_call(
        &self,
        peer: SocketAddr,
        method: &hyper::Method,
        path: &str,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Reply {
        if let Some(reply) = self.cluster_auth(peer, authorization) {
            return reply;
        }
        let mut node = self.node();
        match (method, path) {
            (&hyper::Method::POST, "/cluster/join") => {
                let bad = || {
                    error(
                        StatusCode::BAD_REQUEST,
                        "hostName is missing or not a host name",
                    )
                };
                let Ok(join) = serde_json::from_slice::<Join>(body) else {
                    return bad();
                };
                match cluster::accept_subscriber(&mut node, &join) {
                    Ok(()) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!(
                                "subscriber {} joined (at change {})",
                                join.host_name, join.applied
                            ),
                        );
                        json_reply(
                            StatusCode::OK,
                            json!({ "publisher": true, "subscriber": join.host_name }),
                        )
                    }
                    Err(e) if e.kind == Kind::Invalid => bad(),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::GET, "/replication/state") => {
                match node.identity().map(|n| n.role) {
                    Ok(Role::Publisher) => {}
                    Ok(_) => return error(StatusCode::FORBIDDEN, "this node is not the publisher"),
                    Err(e) => return op_reply(&e),
                }
                match cluster::publisher_view(&mut node) {
                    Ok(v) => json_reply(StatusCode::OK, json!(v)),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::GET, "/replication/digest") => {
                match crate::ops::replication_check::digests(&mut node) {
                    Ok(d) => json_reply(StatusCode::OK, json!(d)),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::POST, "/replication/repair") => {
                match node.identity().map(|n| n.role) {
                    Ok(Role::Publisher) => {}
                    Ok(_) => return error(StatusCode::FORBIDDEN, "this node is not the publisher"),
                    Err(e) => return op_reply(&e),
                }
                match crate::ops::replication_check::repair_here(&mut node) {
                    Ok(r) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!(
                                "repair asked by the subscriber: {}",
                                crate::text::one_line(&r.message)
                            ),
                        );
                        json_reply(StatusCode::OK, json!(r))
                    }
                    Err(e) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!("repair asked by the subscriber failed: {e}"),
                        );
                        op_reply(&e)
                    }
                }
            }
            (&hyper::Method::POST, "/replication/changes") => {
                let changes: cluster::Changes = match serde_json::from_slice(body) {
                    Ok(v) => v,
                    Err(e) => {
                        return error(StatusCode::BAD_REQUEST, &format!("not a change batch: {e}"))
                    }
                };
                let (from, to, snapshot) = (changes.from, changes.to, changes.snapshot);
                match cluster::apply(&mut node, changes) {
                    Ok(cluster::Outcome::Applied(a)) => {
                        self.log_topic(
                            Topic::Replication,
                            &format!(
                                "applied {} from the publisher: changes {}..{to}",
                                if snapshot { "a snapshot" } else { "a batch" },
                                from + 1
                            ),
                        );
                        json_reply(StatusCode::OK, json!(a))
                    }
                    Ok(cluster::Outcome::AlreadyHad(a)) => json_reply(StatusCode::OK, json!(a)),
                    Ok(cluster::Outcome::NeedSnapshot { applied, why }) => error(
                        StatusCode::CONFLICT,
                        &format!("this subscriber is at change {applied}: {why}; send a snapshot"),
                    ),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::POST, "/cluster/test-connection") => {
                let request: crate::ops::connectivity::RemoteTest =
                    match serde_json::from_slice(body) {
                        Ok(v) => v,
                        Err(e) => {
                            return error(
                                StatusCode::BAD_REQUEST,
                                &format!("not a test-connection request: {e}"),
                            )
                        }
                    };
                match crate::ops::connectivity::test_for_peer(&mut node, &request) {
                    Ok(report) => json_reply(StatusCode::OK, json!(report)),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::POST, "/cluster/orchestration/claim") => {
                let claim: crate::ops::cluster_run::PeerClaim = match serde_json::from_slice(body) {
                    Ok(v) => v,
                    Err(e) => return error(StatusCode::BAD_REQUEST, &format!("not a claim: {e}")),
                };
                match crate::ops::cluster_run::claim_for_peer(&mut node, &claim) {
                    Ok(answer) => {
                        self.log(&format!(
                            "{} the cluster's orchestration run to {} ({} {})",
                            match answer {
                                crate::state::orchestration::ClaimAnswer::Granted => "granted",
                                crate::state::orchestration::ClaimAnswer::Refused(_) => "refused",
                            },
                            claim.run.node,
                            claim.run.operation,
                            crate::text::terminal_safe(&claim.run.subject)
                        ));
                        json_reply(StatusCode::OK, json!(answer))
                    }
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::PUT, "/cluster/orchestration/run") => {
                let run: crate::state::orchestration::Run = match serde_json::from_slice(body) {
                    Ok(v) => v,
                    Err(e) => return error(StatusCode::BAD_REQUEST, &format!("not a run: {e}")),
                };
                match crate::ops::cluster_run::keep_peer_run(&mut node, &run) {
                    Ok(()) => json_reply(StatusCode::OK, json!({ "kept": run.uid })),
                    Err(e) => op_reply(&e),
                }
            }
            (&hyper::Method::GET, "/cluster/orchestration/progress") => {
                match crate::ops::orchestrate::own_progress(&mut node) {
                    Ok(p) => json_reply(StatusCode::OK, json!(p)),
                    Err(e) => op_reply(&e),
                }
            }
            (_, "/cluster/orchestration/claim") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use POST")
            }
            (_, "/cluster/orchestration/run") => error(StatusCode::METHOD_NOT_ALLOWED, "use PUT"),
            (_, "/cluster/orchestration/progress") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use GET")
            }
            (_, "/cluster/join" | "/replication/changes" | "/cluster/test-connection") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use POST")
            }
            (_, "/replication/state" | "/replication/digest") => {
                error(StatusCode::METHOD_NOT_ALLOWED, "use GET")
            }
            (_, "/replication/repair") => error(StatusCode::METHOD_NOT_ALLOWED, "use POST"),
            _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
        }
    }
}

/// Run the service until SIGTERM or SIGINT; returns the exit status.
pub fn run(
    state: &mut crate::state::StateDir,
    args: &ServeArgs,
    stores: Stores,
    env: &crate::env::Env,
) -> Result<(), String> {
    // A release on trial never migrates the database the running release uses.
    if let Some(dir) = env.get(upgrade::TRIAL_DIR) {
        if let Some(why) = upgrade::trial_refusal(&state.db_path()) {
            let _ = std::fs::write(std::path::Path::new(dir).join(upgrade::TRIAL_REFUSED), &why);
            return Err(why);
        }
    }
    let schedule = args.schedule().map_err(|e| match &e.hint {
        Some(h) => format!("{}\nHint: {h}", e.message),
        None => e.message.clone(),
    })?;
    // argon2's 19 MiB blocks given back when freed (memory under many bad logins bounded).
    https::bound_allocator();
    let root = state.root().to_path_buf();
    // On a full disk the service waits for space (a node whose disk filled must come back by
    // itself once space is freed), any other failure to start is an error.
    let (host, files, public_key) = wait_for_space(&root, || {
        let host = state
            .db()
            .map_err(|e| e.to_string())?
            .node()
            .map_err(|e| e.to_string())?
            .hostname;
        let files = tls::ensure(&root, &host)?;
        let public_key = crate::nodekey::ensure(&root, &host)?.public_line;
        Ok((host, files, public_key))
    })?;
    let (acceptor, cert_sha256) = https::acceptor(&files)?;
    let db_path = state.db_path();
    let listener = upgrade::listener(args.listen, env)?;
    let release_root = args
        .release_root
        .as_ref()
        .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()));
    // A release on trial beside the one serving: its own directory's version, and no
    // background work (see upgrade::TRIAL_DIR).
    let trial = env.get(upgrade::TRIAL_DIR).map(PathBuf::from);
    let version = match &trial {
        Some(dir) => crate::ops::release::version_in(dir).map_err(|e| e.to_string())?,
        None => crate::ops::release::running_version(release_root.as_deref()),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let mut upgraded_from = env.get("CCADMIN_UPGRADED_FROM");
    // The trial process that served beside the release this process was stops now.
    upgrade::retire(env);
    loop {
        let svc = Arc::new(Service {
            root: root.clone(),
            host: host.clone(),
            stores,
            cancel: Cancel::new(),
            public_key: public_key.clone(),
            auth: Authenticator::new(db_path.clone(), host.clone()),
            log: https::open_log(&root.join("logs"), "serve.log")?,
            cert_sha256: cert_sha256.clone(),
            pages: consent::pages(),
            version: version.clone(),
            release_root: release_root.clone(),
            upgrade: Mutex::new(None),
            listen: listener.try_clone().ok(),
            cert_pem: files.cert.clone(),
            stop: Arc::new(tokio::sync::Notify::new()),
            downloads: metrics::Downloads::default(),
        });
        if let Some(from) = upgraded_from.take() {
            svc.log(&format!(
                "ccadmin {version} started (upgraded from {})",
                crate::text::terminal_safe(from)
            ));
        }
        let result = serve_once(
            &svc,
            &rt,
            &acceptor,
            &listener,
            args,
            &schedule,
            trial.is_none(),
        );
        result?;
        let ready = svc.upgrade.lock().unwrap_or_else(|p| p.into_inner()).take();
        let Some(ready) = ready else {
            return Ok(());
        };
        // Returns only when the switch could not be made; then the trial process is stopped,
        // the hub told, and this release serves again.
        let why = upgrade::become_release(&svc, &listener, &ready);
        let failed = ready.staged.version.clone();
        ready.abandon();
        upgrade::switch_failed(&svc, &failed, &why);
    }
}

/// Serve until SIGTERM/SIGINT or until a staged release asks for the switch, with the
/// background work on threads of its own; every thread has ended when this returns.
fn serve_once(
    svc: &Arc<Service>,
    rt: &tokio::runtime::Runtime,
    acceptor: &tokio_rustls::TlsAcceptor,
    listener: &std::net::TcpListener,
    args: &ServeArgs,
    schedule: &Schedule,
    background: bool,
) -> Result<(), String> {
    let root = svc.root.clone();
    if !background {
        // A release on trial: requests only, until it is retired or becomes the service.
        return rt.block_on(https::serve_on(
            Arc::clone(svc),
            acceptor.clone(),
            listener,
            "ccadmin serve (on trial)",
            svc.host.clone(),
            Some(Arc::clone(&svc.stop)),
        ));
    }
    // Secrets a command on this publisher staged or replaced and left when it was killed.
    if let Err(e) = crate::ops::replica::sweep_publisher(&mut svc.node()) {
        svc.log(&format!("secrets left by an interrupted command stay: {e}"));
    }
    // Background work runs on threads of its own, so a long download never delays a
    // replication retry, and both end at once when the service stops.
    let chores = {
        let (svc, interval) = (Arc::clone(svc), Duration::from_secs(args.sync_interval));
        // Without the socket (a state path too long for one) changes wait for the interval.
        let wake = cluster::Wakeup::bind(&root)
            .map_err(|e| svc.log(&format!("changes replicate every {interval:?}: {e}")))
            .ok();
        let (mail_tx, mail_rx) = std::sync::mpsc::channel();
        let mailer = Arc::clone(&svc);
        let mails = std::thread::spawn(move || deliver_mails(&mailer, &mail_rx, interval));
        let chores =
            std::thread::spawn(move || cluster_chores(&svc, wake.as_ref(), interval, &mail_tx));
        (chores, mails)
    };
    let downloads = {
        let svc = Arc::clone(svc);
        let schedule = schedule.clone();
        let first = jiff::Timestamp::now() + Duration::from_secs(args.download_delay);
        svc.log(&format!(
            "artifact download: {}s after start, then {schedule}",
            args.download_delay
        ));
        std::thread::spawn(move || {
            let cancel = svc.cancel.clone();
            schedule::run(&schedule, &SystemClock, &cancel, Some(first), &mut |_| {
                scheduled_download(&svc)
            })
        })
    };
    let hub = {
        let (svc, interval) = (Arc::clone(svc), Duration::from_secs(args.hub_poll_interval));
        std::thread::spawn(move || upgrade::poll_hub(&svc, interval))
    };
    let check = {
        let (svc, interval) = (
            Arc::clone(svc),
            Duration::from_secs(args.replication_check_interval),
        );
        std::thread::spawn(move || {
            let cancel = svc.cancel.clone();
            crate::ops::replication_check::periodic(
                || svc.node(),
                interval,
                &cancel,
                |l| svc.log_topic(Topic::Replication, l),
            )
        })
    };
    let result = rt.block_on(https::serve_on(
        Arc::clone(svc),
        acceptor.clone(),
        listener,
        "ccadmin serve",
        svc.host.clone(),
        Some(Arc::clone(&svc.stop)),
    ));
    svc.cancel.cancel();
    cluster::nudge(&root);
    // The chores first (they hold the mail channel's sender), then the mail in delivery: a
    // release exec'd next must not cut a mail in half.
    let _ = chores.0.join();
    let _ = chores.1.join();
    let _ = downloads.join();
    let _ = hub.join();
    let _ = check.join();
    result
}

/// Run `start` until it succeeds; while it fails and the file system of `root` is (nearly)
/// full, say so on stderr and try again, waiting longer each time (up to 30 seconds).
fn wait_for_space<T>(
    root: &Path,
    mut start: impl FnMut() -> Result<T, String>,
) -> Result<T, String> {
    let mut wait = Duration::from_secs(1);
    loop {
        match start() {
            Ok(t) => return Ok(t),
            Err(e) if disk_full(root) => {
                crate::output::stderr_line(&format!(
                    "ccadmin serve: waiting for free space on {}: {e}; trying again in {}s",
                    root.display(),
                    wait.as_secs()
                ));
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(30));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether the file system holding `root` has less than 1 MiB left for this process.
fn disk_full(root: &Path) -> bool {
    nix::sys::statvfs::statvfs(root)
        .is_ok_and(|v| v.blocks_available().saturating_mul(v.fragment_size()) < 1 << 20)
}

/// Until the service stops: a subscriber joins its publisher (until it has), a publisher
/// brings its subscriber up to date. It runs when woken (a command or a request changed
/// cluster-wide state, a subscriber joined) and every `interval` (retries).
fn cluster_chores(
    svc: &Service,
    wake: Option<&cluster::Wakeup>,
    interval: Duration,
    mail: &std::sync::mpsc::Sender<()>,
) {
    // The publisher this subscriber joined; it joins again when it is pointed at another.
    let mut joined: Option<String> = None;
    loop {
        let mut wait = interval;
        let mut node = svc.node();
        match node.identity() {
            Ok(me) if me.role == Role::Subscriber && me.publisher != joined => {
                match cluster::join(&mut node) {
                    Ok(publisher) => {
                        svc.log_topic(
                            Topic::Replication,
                            &format!("joined the publisher {publisher}"),
                        );
                        joined = Some(publisher);
                    }
                    // Without a secret there is nothing to try yet; the administrator sets it.
                    Err(e) if e.kind == Kind::NotConfigured => {}
                    Err(e) => svc.log_topic(
                        Topic::Replication,
                        &format!("cannot join the publisher yet: {e}"),
                    ),
                }
            }
            Ok(me) if me.role == Role::Publisher => match cluster::flush(&mut node) {
                // Backing off: wake-ups before then do not try again; the wait does.
                Ok(Some(cluster::Flushed::Waiting(left))) => wait = wait.min(left),
                Ok(Some(f)) => svc.log_topic(Topic::Replication, &f.to_string()),
                Ok(None) => {}
                Err(e) => svc.log_topic(Topic::Replication, &format!("replication: {e}")),
            },
            _ => {}
        }
        // Notification mails are delivered on a thread of their own (a slow SMTP server never
        // delays replication); it looks at the outbox whenever this one wakes.
        let _ = mail.send(());
        match wake {
            Some(w) => w.wait(wait),
            None => {
                svc.cancel.wait(wait);
            }
        }
        if svc.cancel.is_cancelled() {
            return;
        }
    }
}

/// Deliver the notification mails of the outbox each time the chores wake this thread (and
/// every `interval`), until the chores end (the service stops).
fn deliver_mails(svc: &Service, wake: &std::sync::mpsc::Receiver<()>, interval: Duration) {
    use std::sync::mpsc::RecvTimeoutError;
    loop {
        match wake.recv_timeout(interval) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        while wake.try_recv().is_ok() {}
        if svc.cancel.is_cancelled() {
            return;
        }
        let mut node = svc.node();
        match notify::deliver(&mut node, interval) {
            Ok(done) => done.iter().for_each(|d| svc.log(&d.to_string())),
            Err(e) => svc.log(&format!("notifications: {e}")),
        }
    }
}

/// The scheduled artifact download on a Cloud Connect node, logged.
fn scheduled_download(svc: &Service) {
    let mut node = svc.node();
    if !node.identity().is_ok_and(|n| n.role.is_cloud_connect()) {
        return;
    }
    let result = artifacts::scheduled(&mut node);
    svc.downloads.record(&result);
    svc.log_topic(
        Topic::Download,
        &match result {
            Ok(artifacts::Scheduled::NotConfigured) => {
                "scheduled download skipped: the image repository is not configured".to_owned()
            }
            Ok(artifacts::Scheduled::Done(sum)) => format!(
                "scheduled download: {} artifact(s) downloaded ({} bytes), {} already complete",
                sum.downloaded, sum.bytes, sum.already_complete
            ),
            Err(e) if e.kind == Kind::Interrupted => {
                "scheduled download stopped: the service is stopping; the next run resumes it"
                    .to_owned()
            }
            Err(e) => format!("scheduled download failed, will run again at the next time: {e}"),
        },
    );
}
