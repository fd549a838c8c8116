//! `ccadmin serve`: the Cloud Connect node service. HTTPS (rustls) on `--listen` (default
//! `0.0.0.0:8445`) with the node's certificate; application users authenticate with HTTP
//! Basic over TLS, failed logins limited per source address. SIGTERM or SIGINT stop it
//! gracefully: no new connections, in-flight requests finish.
//!
//! This file holds what every part shares, the [`Service`] state; each job is a child:
//! `args` (the options), `start` (start-up and the serving loop), `api` (the endpoints for
//! application users: `GET /health`, `GET /inventory/controlnode/key`,
//! `GET /inventory/cluster`, onboarding), `peers` (node-to-node calls), `chores` (the
//! background threads), `consent` (the hub consent page), `upgrade` (polling the hub and the
//! release switch), `metrics` (`GET /metrics`, Prometheus). `https`, `pages` and `auth` are
//! the pieces the hub shares; they sit in a lower layer and know none of the others.

mod api;
mod args;
pub mod auth;
mod chores;
mod consent;
pub mod https;
pub mod metrics;
pub mod pages;
mod peers;
mod start;
mod upgrade;

/// The certificate files are made in `ops` (below both servers); the old name still reads.
pub use crate::ops::tls;
pub use args::{HhmmError, ServeArgs};
pub use start::{run, StartError};

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use auth::Authenticator;

use crate::ops::{Cancel, Node, Stores};
use crate::state::StateDir;

/// The running service: what requests, chores and the upgrade thread share.
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
}
