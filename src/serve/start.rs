//! Starting and running `ccadmin serve`: a release on trial refusing another schema, the
//! node's identity, certificate and SSH key (waiting while the disk is full, so a node whose
//! disk filled comes back by itself once space is freed), the listening socket (handed over
//! by the previous release or bound), then serving until SIGTERM/SIGINT, or until a staged
//! release takes over (`upgrade.rs`). What can stop it from starting is [`StartError`].

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::auth::Authenticator;
use super::chores::Background;
use super::https::{self, HttpsError};
use super::upgrade::{self, ListenError};
use super::{consent, metrics, tls, ServeArgs, Service};
use crate::ops::schedule::Schedule;
use crate::ops::{cluster, Cancel, OpError, Stores};
use crate::state::StateError;

/// Why the service did not start (or stopped serving): printed as `Error: …` by the caller.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// This process is a release on trial whose state schema differs from the database's
    /// ([`upgrade::trial_refusal`]'s sentence).
    #[error("{0}")]
    TrialRefused(String),
    /// The download schedule's options do not name a schedule.
    #[error("{}", with_hint(.0))]
    Schedule(OpError),
    /// The node's state (its database, its identity).
    #[error("{0}")]
    State(#[from] StateError),
    /// The service certificate could not be made or read.
    #[error("{0}")]
    Certificate(Box<dyn StdError + Send + Sync>),
    /// The node's SSH key could not be made or read.
    #[error("{0}")]
    NodeKey(Box<dyn StdError + Send + Sync>),
    /// The release directory of a release on trial names no version.
    #[error("{0}")]
    Version(OpError),
    /// The listening socket.
    #[error("{0}")]
    Listen(#[from] ListenError),
    /// The HTTPS server: its TLS side, its log, serving.
    #[error("{0}")]
    Https(#[from] HttpsError),
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
}

/// An operation's message, and its hint on a line of its own.
fn with_hint(e: &OpError) -> String {
    match &e.hint {
        Some(h) => format!("{}\nHint: {h}", e.message),
        None => e.message.clone(),
    }
}

/// Run the service until SIGTERM or SIGINT (across any number of release switches).
pub fn run(
    state: &mut crate::state::StateDir,
    args: &ServeArgs,
    stores: Stores,
    env: &crate::env::Env,
) -> Result<(), StartError> {
    // A release on trial never migrates the database the running release uses.
    if let Some(dir) = env.get(upgrade::TRIAL_DIR) {
        if let Some(why) = upgrade::trial_refusal(&state.db_path()) {
            let _ = std::fs::write(std::path::Path::new(dir).join(upgrade::TRIAL_REFUSED), &why);
            return Err(StartError::TrialRefused(why));
        }
    }
    let schedule = args.schedule().map_err(StartError::Schedule)?;
    // argon2's 19 MiB blocks given back when freed (memory under many bad logins bounded).
    https::bound_allocator();
    let root = state.root().to_path_buf();
    // On a full disk the service waits for space (a node whose disk filled must come back by
    // itself once space is freed), any other failure to start is an error.
    let (host, files, public_key) = wait_for_space(&root, || {
        let host = state.db()?.node()?.hostname;
        let files = tls::ensure(&root, &host).map_err(|e| StartError::Certificate(e.into()))?;
        let public_key = crate::nodekey::ensure(&root, &host)
            .map_err(|e| StartError::NodeKey(e.into()))?
            .public_line;
        Ok::<_, StartError>((host, files, public_key))
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
        Some(dir) => crate::ops::release::version_in(dir).map_err(StartError::Version)?,
        None => crate::ops::release::running_version(release_root.as_deref()),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(StartError::Runtime)?;
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
) -> Result<(), HttpsError> {
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
    let background = Background::start(svc, args, schedule);
    let result = rt.block_on(https::serve_on(
        Arc::clone(svc),
        acceptor.clone(),
        listener,
        "ccadmin serve",
        svc.host.clone(),
        Some(Arc::clone(&svc.stop)),
    ));
    svc.cancel.cancel();
    cluster::nudge(&svc.root);
    background.join();
    result
}

/// Run `start` until it succeeds; while it fails and the file system of `root` is (nearly)
/// full, say so on stderr and try again, waiting longer each time (up to 30 seconds).
fn wait_for_space<T, E: std::fmt::Display>(
    root: &Path,
    mut start: impl FnMut() -> Result<T, E>,
) -> Result<T, E> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Kind;

    /// What `ccadmin serve` prints when it cannot start reads as it did when these were texts.
    #[test]
    fn start_errors_keep_their_texts() {
        let bad = || OpError::new(Kind::Invalid, "not a cron schedule");
        assert_eq!(
            StartError::Schedule(bad().hint("five fields")).to_string(),
            "not a cron schedule\nHint: five fields"
        );
        assert_eq!(
            StartError::Schedule(bad()).to_string(),
            "not a cron schedule"
        );
        assert_eq!(
            StartError::from(HttpsError::NoCertificate("/s/tls/cert.pem".into())).to_string(),
            "/s/tls/cert.pem holds no certificate"
        );
        assert_eq!(
            StartError::from(ListenError::NotASocket { fd: 7 }).to_string(),
            "CCADMIN_LISTEN_FD=7 is not a listening socket"
        );
        assert_eq!(
            StartError::Certificate("cannot write the key".into()).to_string(),
            "cannot write the key"
        );
    }

    /// A failure other than a full disk ends the wait at once, with its own error.
    #[test]
    fn only_a_full_disk_is_waited_for() {
        let d = tempfile::tempdir().unwrap();
        let mut tries = 0;
        let r: Result<(), StartError> = wait_for_space(d.path(), || {
            tries += 1;
            Err(StartError::TrialRefused("refused".into()))
        });
        assert_eq!(r.unwrap_err().to_string(), "refused");
        assert_eq!(tries, 1);
    }
}
