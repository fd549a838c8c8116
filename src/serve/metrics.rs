//! `GET /metrics` in the Prometheus text exposition format (0.0.4), for `ccadmin serve` and
//! `ccadmin hub serve`, behind the same authentication as each one's API (an application user,
//! a hub account: HTTP Basic over the service's TLS, limited as every login).
//!
//! The format is written here rather than with a metrics crate: the services export a few
//! counters and gauges, most of them read from the database at scrape time (a registry of
//! live metric objects would only be filled from the same queries just before being
//! rendered), so what is needed is the escaping and the layout of the text format — a few
//! lines, tested here and checked by `promtool check metrics` in the integration tests.
//!
//! Label names are static; label values come from fixed sets (kinds, states, results) or
//! from this node's own version, and are escaped and bounded all the same, so nothing a peer
//! sends can add a series or break the text.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use hyper::StatusCode;

use super::https::{op_reply, Reply};
use super::Service;
use crate::domain::Role;
use crate::ops::{artifacts, cloudconnect, cluster, orchestrate, Kind, OpError, OpResult};

/// The content type of the text format, version 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
/// The longest label value written (a longer one is cut, on a character boundary).
const MAX_LABEL_VALUE: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Counter,
    Gauge,
}

/// One sample of a family: its labels (static names) and its value.
#[derive(Debug, Clone)]
pub struct Sample {
    labels: Vec<(&'static str, String)>,
    value: f64,
}

impl Sample {
    pub fn new(value: f64) -> Sample {
        Sample {
            labels: Vec::new(),
            value,
        }
    }
    pub fn label(mut self, name: &'static str, value: &str) -> Sample {
        self.labels.push((name, value.to_owned()));
        self
    }
}

/// A scrape's text, family by family.
#[derive(Default)]
pub struct Exposition {
    text: String,
}

/// A label value as the format wants it: `\`, `"` and newlines escaped, at most
/// [`MAX_LABEL_VALUE`] characters.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars().take(MAX_LABEL_VALUE) {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A `# HELP` text: `\` and newlines escaped.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

impl Exposition {
    /// A family with its HELP and TYPE lines and its samples; nothing when it has none (the
    /// metric is absent, e.g. a time that never happened).
    pub fn family(&mut self, name: &str, kind: Type, help: &str, samples: &[Sample]) {
        if samples.is_empty() {
            return;
        }
        let kind = match kind {
            Type::Counter => "counter",
            Type::Gauge => "gauge",
        };
        let _ = writeln!(self.text, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
        for s in samples {
            self.text.push_str(name);
            if !s.labels.is_empty() {
                self.text.push('{');
                for (i, (k, v)) in s.labels.iter().enumerate() {
                    if i > 0 {
                        self.text.push(',');
                    }
                    let _ = write!(self.text, "{k}=\"{}\"", escape_label(v));
                }
                self.text.push('}');
            }
            let _ = writeln!(self.text, " {}", number(s.value));
        }
    }

    /// A family of one sample without labels.
    pub fn one(&mut self, name: &str, kind: Type, help: &str, value: f64) {
        self.family(name, kind, help, &[Sample::new(value)]);
    }

    /// A family of one sample when there is a value.
    pub fn maybe(&mut self, name: &str, kind: Type, help: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.one(name, kind, help, v);
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The answer to `GET /metrics`.
    pub fn reply(self) -> Reply {
        let mut r = hyper::Response::new(http_body_util::Full::new(bytes::Bytes::from(self.text)));
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static(CONTENT_TYPE),
        );
        r
    }
}

/// Seconds since the epoch of a time as the state records it: RFC 3339, or the database's
/// `YYYY-MM-DD HH:MM:SS[.fff]` in UTC.
pub fn seconds(at: &str) -> Option<f64> {
    if let Ok(t) = at.parse::<jiff::Timestamp>() {
        return Some(t.as_millisecond() as f64 / 1000.0);
    }
    let civil = at.parse::<jiff::civil::DateTime>().ok()?;
    let t = civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(t.as_millisecond() as f64 / 1000.0)
}

/// The login counters of an authenticator, as both services export them; `password` names
/// what a password is there (an application user, a hub account), `secrets` whether the
/// service takes the cluster secret too.
pub fn logins(
    out: &mut Exposition,
    counts: &super::auth::LoginCounts,
    password: &str,
    secrets: bool,
) {
    let c = counts;
    let by_credential = |passwords: u64, secret: u64| {
        let mut v = vec![Sample::new(passwords as f64).label("credential", password)];
        if secrets {
            v.push(Sample::new(secret as f64).label("credential", "cluster-secret"));
        }
        v
    };
    out.family(
        "ccadmin_logins_refused_total",
        Type::Counter,
        "Logins refused for a wrong name, password or secret since the service started (requests without credentials are not counted).",
        &by_credential(c.refused_passwords, c.refused_secrets),
    );
    out.family(
        "ccadmin_logins_limited_total",
        Type::Counter,
        "Logins answered 429 (too many failures from the address or for the account) since the service started.",
        &by_credential(c.limited_passwords, c.limited_secrets),
    );
    out.one(
        "ccadmin_logins_busy_total",
        Type::Counter,
        "Logins answered 503 (too many password checks at once) since the service started.",
        c.busy as f64,
    );
}

/// The scheduled artifact downloads of this service process.
#[derive(Default)]
pub struct Downloads {
    /// success, failure, interrupted, skipped (not configured).
    runs: [AtomicU64; 4],
    bytes: AtomicU64,
    artifacts: AtomicU64,
    /// Milliseconds since the epoch of the last success (0: none yet).
    last_success_ms: AtomicU64,
}

const DOWNLOAD_RESULTS: [&str; 4] = ["success", "failure", "interrupted", "skipped"];

impl Downloads {
    /// Count one scheduled download by how it ended.
    pub fn record(&self, result: &OpResult<artifacts::Scheduled>) {
        let slot = match result {
            Ok(artifacts::Scheduled::Done(sum)) => {
                self.bytes.fetch_add(sum.bytes, Ordering::Relaxed);
                self.artifacts
                    .fetch_add(sum.downloaded as u64, Ordering::Relaxed);
                let now = jiff::Timestamp::now().as_millisecond().max(1) as u64;
                self.last_success_ms.store(now, Ordering::Relaxed);
                0
            }
            Err(e) if e.kind == Kind::Interrupted => 2,
            Err(_) => 1,
            Ok(artifacts::Scheduled::NotConfigured) => 3,
        };
        self.runs[slot].fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self, out: &mut Exposition) {
        let runs: Vec<Sample> = DOWNLOAD_RESULTS
            .iter()
            .zip(&self.runs)
            .map(|(r, n)| Sample::new(n.load(Ordering::Relaxed) as f64).label("result", r))
            .collect();
        out.family(
            "ccadmin_download_runs_total",
            Type::Counter,
            "Scheduled artifact downloads since the service started, by result (skipped: no image repository configured).",
            &runs,
        );
        out.one(
            "ccadmin_download_bytes_total",
            Type::Counter,
            "Bytes of artifacts the scheduled downloads completed since the service started.",
            self.bytes.load(Ordering::Relaxed) as f64,
        );
        out.one(
            "ccadmin_download_artifacts_total",
            Type::Counter,
            "Artifacts the scheduled downloads completed since the service started.",
            self.artifacts.load(Ordering::Relaxed) as f64,
        );
        let last = self.last_success_ms.load(Ordering::Relaxed);
        out.maybe(
            "ccadmin_download_last_success_timestamp_seconds",
            Type::Gauge,
            "When the last scheduled download succeeded (absent until one did).",
            (last > 0).then(|| last as f64 / 1000.0),
        );
    }
}

fn storage(e: impl std::fmt::Display) -> OpError {
    OpError::new(Kind::Storage, format!("cannot read the metrics: {e}"))
}

impl Service {
    /// `GET /metrics` (authenticated by the caller): database values read now, the service's
    /// counters as they are.
    pub(super) fn metrics(&self) -> Reply {
        match self.collect() {
            Ok(out) => out.reply(),
            Err(e) => {
                self.log(&format!("metrics: {e}"));
                let mut r = op_reply(&e);
                if r.status() == StatusCode::OK {
                    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                }
                r
            }
        }
    }

    fn collect(&self) -> OpResult<Exposition> {
        let mut out = Exposition::default();
        let mut node = self.node();
        let me = node.identity()?;
        out.family(
            "ccadmin_build_info",
            Type::Gauge,
            "The ccadmin release this service runs (always 1).",
            &[Sample::new(1.0).label("version", &self.version)],
        );
        let roles: Vec<Sample> = [Role::Publisher, Role::Subscriber, Role::Vos]
            .iter()
            .map(|r| Sample::new(f64::from(u8::from(*r == me.role))).label("role", r.as_str()))
            .collect();
        out.family(
            "ccadmin_node_role",
            Type::Gauge,
            "This node's role (1 for the role it has).",
            &roles,
        );
        logins(&mut out, &self.auth.counts(), "application-user", true);
        replication(&mut out, &mut node, me.role)?;
        orchestration(&mut out, &mut node)?;
        upgrade(&mut out, &mut node)?;
        self.downloads.write(&mut out);
        Ok(out)
    }
}

/// Replication: lag on the publisher (the one that knows both places), the last apply per
/// kind on the subscriber.
fn replication(out: &mut Exposition, node: &mut crate::ops::Node, role: Role) -> OpResult {
    let db = node.db()?;
    match role {
        Role::Publisher => {
            let sequence = db.replication_seq().map_err(storage)?;
            out.one(
                "ccadmin_replication_sequence",
                Type::Gauge,
                "The publisher's newest change number.",
                sequence as f64,
            );
            let Some(p) = db.subscriber_progress().map_err(storage)? else {
                return Ok(());
            };
            // A subscriber waiting for a snapshot has none of the log.
            let applied = if p.snapshot { 0 } else { p.applied_seq };
            out.one(
                "ccadmin_replication_changes_behind",
                Type::Gauge,
                "Changes the subscriber has not confirmed yet (the publisher's newest change number minus the subscriber's).",
                (sequence - applied).max(0) as f64,
            );
            let pending = db.pending_changes(applied).map_err(storage)?;
            let oldest = pending.oldest;
            let pending: Vec<Sample> = cluster::KINDS
                .iter()
                .map(|k| {
                    let n = pending
                        .by_kind
                        .iter()
                        .find(|(c, _)| c == k)
                        .map_or(0, |(_, n)| *n);
                    Sample::new(n as f64).label("kind", k)
                })
                .collect();
            out.family(
                "ccadmin_replication_pending_changes",
                Type::Gauge,
                "Change-log entries the subscriber has not confirmed yet, by kind of replicated state.",
                &pending,
            );
            out.maybe(
                "ccadmin_replication_oldest_pending_change_timestamp_seconds",
                Type::Gauge,
                "When the oldest change the subscriber has not confirmed was made (absent when it has them all).",
                oldest.as_deref().and_then(seconds),
            );
            out.one(
                "ccadmin_replication_failed_attempts",
                Type::Gauge,
                "Failed attempts to bring the subscriber up to date since the last success.",
                p.attempts as f64,
            );
            out.maybe(
                "ccadmin_replication_last_confirmed_timestamp_seconds",
                Type::Gauge,
                "When the subscriber last confirmed a batch (absent before the first).",
                p.last_sent_at.as_deref().and_then(seconds),
            );
        }
        Role::Subscriber => {
            let last = db.last_applied().map_err(storage)?;
            out.maybe(
                "ccadmin_replication_applied_sequence",
                Type::Gauge,
                "The publisher's change number this subscriber applied last (absent before the first batch).",
                last.map(|a| a.seq as f64),
            );
            let by_kind = db.last_applied_by_kind().map_err(storage)?;
            let samples: Vec<Sample> = cluster::KINDS
                .iter()
                .filter_map(|k| {
                    let (_, at) = by_kind.iter().find(|(kind, _)| kind == k)?;
                    Some(Sample::new(seconds(at)?).label("kind", k))
                })
                .collect();
            out.family(
                "ccadmin_replication_last_applied_timestamp_seconds",
                Type::Gauge,
                "When this subscriber last applied a batch carrying the kind of replicated state (absent for a kind never received).",
                &samples,
            );
        }
        Role::Vos => {}
    }
    Ok(())
}

/// The results `ccadmin_orchestration_runs_total` counts, with the label of each.
const RUN_RESULTS: [(orchestrate::Overall, &str); 4] = [
    (orchestrate::Overall::Success, "success"),
    (orchestrate::Overall::NothingToDo, "nothing-to-do"),
    (orchestrate::Overall::Partial, "partial"),
    (orchestrate::Overall::Failure, "failure"),
];

/// Finished runs per label (those of [`RUN_RESULTS`], then `other`) and unfinished runs, from
/// the recorded results (`None`: not finished).
fn run_counts(results: &[(Option<String>, i64)]) -> ([i64; 5], i64) {
    let mut counts = [0i64; 5];
    let mut unfinished = 0;
    for (result, n) in results {
        match result {
            None => unfinished += n,
            Some(r) => {
                let slot = RUN_RESULTS
                    .iter()
                    .position(|(o, _)| o.label() == r)
                    .unwrap_or(RUN_RESULTS.len());
                counts[slot] += n;
            }
        }
    }
    (counts, unfinished)
}

/// Orchestration runs this node ran, by result, from the database.
fn orchestration(out: &mut Exposition, node: &mut crate::ops::Node) -> OpResult {
    let results = node.db()?.orchestration_results().map_err(storage)?;
    let (counts, unfinished) = run_counts(&results);
    let names = RUN_RESULTS.iter().map(|(_, n)| *n).chain(["other"]);
    let samples: Vec<Sample> = names
        .zip(counts)
        .map(|(name, n)| Sample::new(n as f64).label("result", name))
        .collect();
    out.family(
        "ccadmin_orchestration_runs_total",
        Type::Counter,
        "Orchestration runs (patch, upgrade, rollback) this node ran to the end, by result.",
        &samples,
    );
    out.one(
        "ccadmin_orchestration_runs_unfinished",
        Type::Gauge,
        "Orchestration runs this node began that have no result (running, or interrupted and not yet resumed).",
        unfinished as f64,
    );
    Ok(())
}

/// The hub registration: whether there is one, the last poll and the state it left.
fn upgrade(out: &mut Exposition, node: &mut crate::ops::Node) -> OpResult {
    let reg = cloudconnect::registration(node)?;
    out.one(
        "ccadmin_hub_registered",
        Type::Gauge,
        "Whether the cluster is registered with a hub (1) or not (0).",
        f64::from(u8::from(reg.is_some())),
    );
    let Some(reg) = reg else {
        return Ok(());
    };
    out.maybe(
        "ccadmin_hub_last_poll_timestamp_seconds",
        Type::Gauge,
        "When this node last polled its hub, whatever the answer (absent before the first poll).",
        reg.last_poll.as_deref().and_then(seconds),
    );
    let state = cloudconnect::poll_state(&reg.state);
    let samples: Vec<Sample> = cloudconnect::POLL_STATES
        .iter()
        .map(|s| Sample::new(f64::from(u8::from(*s == state))).label("state", s))
        .collect();
    out.family(
        "ccadmin_upgrade_state",
        Type::Gauge,
        "This node's upgrade state after its last poll of the hub (1 for the state it is in).",
        &samples,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_and_bounded() {
        let mut out = Exposition::default();
        out.family(
            "ccadmin_test",
            Type::Gauge,
            "A help with a \\ and a\nnewline.",
            &[
                Sample::new(1.0).label("v", "a\\b\"c\nd"),
                Sample::new(0.5).label("v", &"x".repeat(1000)),
            ],
        );
        let text = out.text();
        assert!(text.starts_with(
            "# HELP ccadmin_test A help with a \\\\ and a\\nnewline.\n# TYPE ccadmin_test gauge\n"
        ));
        assert!(
            text.contains("ccadmin_test{v=\"a\\\\b\\\"c\\nd\"} 1\n"),
            "{text}"
        );
        assert!(text.contains(&format!("{{v=\"{}\"}} 0.5\n", "x".repeat(128))));
        assert_eq!(text.lines().count(), 4, "{text}");
    }

    #[test]
    fn a_family_without_samples_is_absent_and_numbers_are_the_formats() {
        let mut out = Exposition::default();
        out.family("ccadmin_none", Type::Counter, "none", &[]);
        out.maybe("ccadmin_maybe", Type::Gauge, "none", None);
        assert_eq!(out.text(), "");
        out.one("ccadmin_inf", Type::Gauge, "h", f64::INFINITY);
        out.one("ccadmin_big", Type::Counter, "h", 12345678901.0);
        assert!(out.text().contains("ccadmin_inf +Inf\n"));
        assert!(out.text().contains("ccadmin_big 12345678901\n"));
    }

    #[test]
    fn times_as_the_state_records_them_are_seconds() {
        assert_eq!(seconds("1970-01-01 00:00:01.500"), Some(1.5));
        assert_eq!(seconds("1970-01-01 00:01:00"), Some(60.0));
        assert_eq!(seconds("2026-12-05T10:00:00Z"), Some(1_796_464_800.0));
        assert_eq!(seconds("not a time"), None);
    }

    #[test]
    fn runs_are_labelled_by_their_recorded_result() {
        let results = [
            (Some("Success".to_owned()), 3),
            (Some("Nothing to do".to_owned()), 1),
            (Some("Partial success".to_owned()), 2),
            (Some("Failure".to_owned()), 4),
            (Some("Something new".to_owned()), 5),
            (Some(String::new()), 1),
            (None, 7),
        ];
        assert_eq!(run_counts(&results), ([3, 1, 2, 4, 6], 7));
    }

    #[test]
    fn downloads_are_counted_by_result() {
        let d = Downloads::default();
        d.record(&Ok(artifacts::Scheduled::Done(artifacts::Summary {
            downloaded: 2,
            bytes: 1000,
            already_complete: 1,
        })));
        d.record(&Err(OpError::new(Kind::Unreachable, "no")));
        d.record(&Err(OpError::new(Kind::Interrupted, "stop")));
        let mut out = Exposition::default();
        d.write(&mut out);
        let t = out.text();
        for line in [
            "ccadmin_download_runs_total{result=\"success\"} 1",
            "ccadmin_download_runs_total{result=\"failure\"} 1",
            "ccadmin_download_runs_total{result=\"interrupted\"} 1",
            "ccadmin_download_runs_total{result=\"skipped\"} 0",
            "ccadmin_download_bytes_total 1000",
            "ccadmin_download_artifacts_total 2",
        ] {
            assert!(t.lines().any(|l| l == line), "{line} in {t}");
        }
        assert!(t.contains("ccadmin_download_last_success_timestamp_seconds "));
    }
}
