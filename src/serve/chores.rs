//! The service's background work, each on a thread of its own so a long download never delays
//! a replication retry, and all of it ending at once when the service stops: the cluster
//! chores (a subscriber joining its publisher, a publisher bringing its subscriber up to date,
//! backing off as replication says), the notification mails, the scheduled artifact
//! download (at the time `utils set software-download time` set, read again while it waits,
//! else on `--download-schedule`), the hub poll (`upgrade.rs`) and the periodic replication
//! check.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::{upgrade, ServeArgs, Service};
use crate::domain::Role;
use crate::ops::logs::Topic;
use crate::ops::schedule::Schedule;
use crate::ops::software_download::{self, Trigger};
use crate::ops::{artifacts, cluster, notify, Kind};

/// The background threads of one run of the service.
pub(super) struct Background {
    chores: JoinHandle<()>,
    mails: JoinHandle<()>,
    /// Counts the runs it made.
    downloads: JoinHandle<usize>,
    hub: JoinHandle<()>,
    check: JoinHandle<()>,
}

impl Background {
    /// Start the background work; it runs until the service's cancellation fires.
    pub(super) fn start(svc: &Arc<Service>, args: &ServeArgs, schedule: &Schedule) -> Background {
        let (chores, mails) = {
            let (svc, interval) = (Arc::clone(svc), Duration::from_secs(args.sync_interval));
            // Without the socket (a state path too long for one) changes wait for the interval.
            let wake = cluster::Wakeup::bind(&svc.root)
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
            let flags = schedule.clone();
            let delay = args.download_delay;
            std::thread::spawn(move || downloads(&svc, &flags, delay))
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
        Background {
            chores,
            mails,
            downloads,
            hub,
            check,
        }
    }

    /// Wait for every thread once the service's cancellation fired. The chores first (they
    /// hold the mail channel's sender), then the mail in delivery: a release exec'd next must
    /// not cut a mail in half.
    pub(super) fn join(self) {
        let _ = self.chores.join();
        let _ = self.mails.join();
        let _ = self.downloads.join();
        let _ = self.hub.join();
        let _ = self.check.join();
    }
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

/// How often the download thread reads the stored schedule again while it waits, so a time set
/// (or replicated) while the service runs is followed without a restart.
const RECHECK: Duration = Duration::from_secs(15);

/// The schedule the download follows: the time `utils set software-download time` stored, or
/// else the service's options. A stored time that cannot be read keeps `current`.
fn effective(svc: &Service, flags: &Schedule, current: Option<&Schedule>) -> (Schedule, bool) {
    let mut node = svc.node();
    if software_download::setting(&mut node).is_ok_and(|s| s.unreadable) {
        // A replicated time this node cannot read: the service's own options apply, and the
        // log says why (once per change of schedule: `downloads` logs a new one).
        if current.is_some_and(|c| c.to_string() != flags.to_string()) || current.is_none() {
            svc.log_topic(
                Topic::Download,
                "software-download time: the stored time cannot be read here; following the service's own schedule",
            );
        }
        return (flags.clone(), false);
    }
    match software_download::schedule(&mut node) {
        Ok(Some(s)) => (s, true),
        Ok(None) => (flags.clone(), false),
        Err(e) => {
            if current.is_none() {
                svc.log_topic(Topic::Download, &format!("software-download time: {e}"));
            }
            (current.unwrap_or(flags).clone(), false)
        }
    }
}

fn describe(schedule: &Schedule, stored: bool) -> String {
    if stored {
        format!("{schedule}, set by utils set software-download time")
    } else {
        schedule.to_string()
    }
}

/// The scheduled downloads until the service stops: the first `delay` seconds after start,
/// then whenever the schedule fires (a run that outlasts the next time skips it). The wait is
/// cut into pieces of at most [`RECHECK`], after each of which the clock and the stored
/// schedule are read again (a stepped clock, a new time). Returns the number of runs.
fn downloads(svc: &Service, flags: &Schedule, delay: u64) -> usize {
    let (mut current, stored) = effective(svc, flags, None);
    svc.log(&format!(
        "artifact download: {delay}s after start, then {}",
        describe(&current, stored)
    ));
    let mut next = Some(jiff::Timestamp::now() + Duration::from_secs(delay));
    let mut first = true;
    let mut runs = 0;
    loop {
        let now = jiff::Timestamp::now();
        if let Some(at) = next.filter(|at| *at <= now) {
            scheduled_download(svc);
            runs += 1;
            first = false;
            if svc.cancel.is_cancelled() {
                return runs;
            }
            next = current.next_after(jiff::Timestamp::now().max(at));
            continue;
        }
        let left = next
            .and_then(|at| Duration::try_from(at.duration_since(now)).ok())
            .unwrap_or(RECHECK);
        if svc.cancel.wait(left.min(RECHECK)) {
            return runs;
        }
        let (latest, stored) = effective(svc, flags, Some(&current));
        if latest.to_string() != current.to_string() {
            svc.log(&format!(
                "artifact download: the schedule is now {}",
                describe(&latest, stored)
            ));
            current = latest;
            // The first run after start keeps its time; later ones follow the new schedule.
            if !first {
                next = current.next_after(jiff::Timestamp::now());
            }
        }
    }
}

/// The scheduled artifact download on a Cloud Connect node, logged and recorded as the node's
/// last run (`utils show software-download`).
fn scheduled_download(svc: &Service) {
    let mut node = svc.node();
    if !node.identity().is_ok_and(|n| n.role.is_cloud_connect()) {
        return;
    }
    let result = software_download::run(&mut node, Trigger::Scheduled, &mut |_| {});
    svc.downloads.record(&result);
    let (_, told) = software_download::describe(&result);
    svc.log_topic(
        Topic::Download,
        &match result {
            Ok(artifacts::Scheduled::NotConfigured) => {
                "scheduled download skipped: the image repository is not configured".to_owned()
            }
            Ok(artifacts::Scheduled::Done(_)) => format!("scheduled download: {told}"),
            Err(e) if e.kind == Kind::Interrupted => {
                "scheduled download stopped: the service is stopping; the next run resumes it"
                    .to_owned()
            }
            Err(e) => format!("scheduled download failed, will run again at the next time: {e}"),
        },
    );
}
