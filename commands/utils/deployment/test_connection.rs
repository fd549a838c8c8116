//! `utils deployment test-connection` (rule R10 in docs/rules.md#r10): this node's key against
//! every inventory host, in parallel, one deadline per host, a specific reason for every failure.

use std::time::Duration;

use clap::Args;
use serde_json::json;

use crate::clients::cloud_connect::CcError;
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::ops::connectivity::{
    self, Filter, HostResult, NodeHost, NodeReport, Outcome, RemoteTest, Report, Settings,
};
use crate::output::plain_table;
use crate::prompt::Input;

/// Prove password-less SSH from this Cloud Connect node to every inventory host
///
/// For each host: DNS, TCP connect, SSH handshake, host key (known_hosts; new keys are learned
/// only with --accept-new-host-keys), public-key login with this node's key as the host's user,
/// and one harmless remote command. Hosts are checked in parallel, each within --timeout, so
/// unreachable hosts cost about one timeout in all. With --all-nodes the other Cloud Connect
/// node runs the same test at the same time, so one command proves both halves of the pair.
/// Exit status: 0 all passed, 3 some passed and some failed, 1 none passed (or none could be
/// tested).
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils deployment test-connection\n  admin:utils deployment test-connection --product PG --timeout 5\n  admin:utils deployment test-connection --all-nodes"
)]
pub struct UtilsDeploymentTestConnectionArgs {
    /// Check only this host (its inventory name)
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,
    /// Check only the hosts of this product (e.g. PG, Finesse)
    #[arg(long, value_name = "NAME")]
    pub product: Option<String>,
    /// How many hosts to check at once
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub parallel: u16,
    /// Seconds each host may take, all stages together
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
    /// How many times to try again, at the end of the run and a few at a time, a host that
    /// may only have been busy (turned away at the banner, or timed out once it had answered)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=5))]
    pub retries: u32,
    /// Learn the host keys of hosts that known_hosts does not hold yet
    #[arg(long)]
    pub accept_new_host_keys: bool,
    /// Also have the other Cloud Connect node run the same test with its own key (over the
    /// cluster channel), and show one table with a column for each node
    #[arg(long)]
    pub all_nodes: bool,
}

pub fn cmd_utils_deployment_test_connection(
    ctx: &mut Ctx,
    args: UtilsDeploymentTestConnectionArgs,
) -> CmdResult {
    let bar = if ctx.ui.stderr_tty && !ctx.ui.quiet {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("Testing {pos}/{len} hosts {bar:30} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut settings = Settings {
        accept_new_host_keys: args.accept_new_host_keys,
        parallel: args.parallel as usize,
        retries: args.retries,
        timeout: Duration::from_secs(args.timeout),
    };
    let progress = |n: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(n as u64);
    };
    let mut filter = Filter {
        node: args.node.clone(),
        product: args.product.clone(),
        hosts: None,
    };
    // The other node works while this one does.
    let remote = if args.all_nodes {
        Some(ask_other_node(ctx, &args)?)
    } else {
        None
    };
    let report = connectivity::test_deployment(&mut ctx.node, &filter, &settings, &progress);
    bar.finish_and_clear();
    let Report {
        mut results,
        stats,
        public_key,
    } = report?;
    // On a terminal, host keys not known yet are asked about as ssh and sftp ask: the
    // fingerprints listed, one yes/no for all; then those hosts are tested again.
    let unknown: Vec<(String, String)> = results
        .iter()
        .filter_map(|r| Some((r.host.clone(), r.unknown_host_key.clone()?)))
        .collect();
    if !unknown.is_empty() && matches!(ctx.input, Input::Terminal) {
        let mut text = String::from("The authenticity of these hosts can't be established:\n");
        for (host, key) in &unknown {
            text.push_str(&format!("  {host}  {key}\n"));
        }
        ctx.ui.err_text(&text);
        if ctx.ask_yes_no(&format!(
            "Are you sure you want to trust these {} host key(s) and continue connecting",
            unknown.len()
        ))? {
            settings.accept_new_host_keys = true;
            filter.hosts = Some(unknown.iter().map(|(h, _)| h.clone()).collect());
            let again = connectivity::test_deployment(&mut ctx.node, &filter, &settings, &progress);
            bar.finish_and_clear();
            for r in again?.results {
                if let Some((_, key)) = unknown.iter().find(|(h, _)| *h == r.host) {
                    if r.result == Outcome::Success || r.stage != Some("host key") {
                        ctx.ui.warn(&format!(
                            "Permanently added '{}' ({key}) to the list of known hosts.",
                            r.host
                        ));
                    }
                }
                if let Some(slot) = results.iter_mut().find(|x| x.host == r.host) {
                    *slot = r;
                }
            }
        }
    }
    if let Some((other, handle)) = remote {
        let answer = handle
            .join()
            .unwrap_or(Err(CcError::Interrupted))
            .map_err(crate::ops::OpError::from)
            .map(NodeReport::from_peer);
        let me = NodeReport {
            node: ctx.node.identity()?.hostname,
            public_key,
            hosts: results.iter().map(NodeHost::from).collect(),
        };
        return both_nodes(ctx, &results, me, other, answer);
    }
    let passed = results
        .iter()
        .filter(|r| r.result == Outcome::Success)
        .count();
    let failed = results
        .iter()
        .filter(|r| r.result == Outcome::Failed)
        .count();
    let skipped = results
        .iter()
        .filter(|r| r.result == Outcome::Skipped)
        .count();
    let tested = passed + failed;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "hosts": results, "passed": passed, "failed": failed, "skipped": skipped, "public_key": public_key, "run": stats }))?;
    } else {
        let rows: Vec<Vec<String>> = results
            .iter()
            .map(|r| {
                vec![
                    r.product.clone(),
                    r.group.clone(),
                    r.host.clone(),
                    r.side.clone(),
                    r.platform.to_owned(),
                    format!("{:?}", r.result),
                    if r.result == Outcome::Skipped {
                        "-".into()
                    } else {
                        format!("{:.2}s", r.seconds)
                    },
                    r.detail.clone(),
                ]
            })
            .collect();
        ctx.ui.line(&plain_table(
            &[
                "PRODUCT",
                "CLUSTER/PAIR",
                "HOST",
                "SIDE",
                "PLATFORM",
                "RESULT",
                "TIME",
                "DETAIL",
            ],
            &rows,
        ))?;
        let mut summary = format!("{passed} of {tested} hosts passed");
        if skipped > 0 {
            summary += &format!(", {skipped} skipped (VOS hosts not onboarded)");
        }
        if stats.passed_on_retry > 0 {
            summary += &format!(", {} on a retry", stats.passed_on_retry);
        }
        summary += &format!(
            " (at most {} at once of --parallel {})",
            stats.parallel_peak, stats.parallel_requested
        );
        ctx.ui.line(&summary)?;
    }
    if tested == 0 {
        // Only skipped hosts: VOS hosts not onboarded; the key is not what they need.
        return Err(CommandError::failed("no host could be tested").with_hint(
            "onboard the VOS clusters: utils system onboard trigger, on each cluster's publisher",
        ));
    }
    if passed == 0 {
        return Err(
            CommandError::failed("no host passed the test").with_hint(format!(
                "this node's public key, for the Windows hosts' authorized_keys: {public_key}"
            )),
        );
    }
    if failed > 0 {
        return Err(CommandError::new(
            ErrorKind::Partial,
            format!("{failed} of {tested} hosts failed the test"),
        )
        .with_hint("fix the cause named in each row, then run the test again"));
    }
    Ok(())
}

type Remote = std::thread::JoinHandle<Result<NodeReport, CcError>>;

/// Start the same test on the other Cloud Connect node; its name and the call in flight.
fn ask_other_node(
    ctx: &mut Ctx,
    args: &UtilsDeploymentTestConnectionArgs,
) -> Result<(String, Remote), CommandError> {
    let other = crate::ops::cluster::other_node(&mut ctx.node)?.ok_or_else(|| {
        CommandError::failed("--all-nodes: this node has no other Cloud Connect node yet")
        .with_hint("a subscriber joins its publisher once both have the cluster secret: utils node cluster-secret")
    })?;
    let request = RemoteTest {
        node: args.node.clone(),
        product: args.product.clone(),
        parallel: args.parallel as usize,
        timeout_secs: args.timeout,
        retries: args.retries,
    };
    let client = crate::ops::cluster::peer(&mut ctx.node, request.deadline())?;
    let host = other.clone();
    let handle = std::thread::spawn(move || client.test_connection(&host, &request));
    Ok((other, handle))
}

/// One table for both Cloud Connect nodes: a result column for each, the reasons of every
/// failure, and one exit status for the pair.
fn both_nodes(
    ctx: &mut Ctx,
    results: &[HostResult],
    me: NodeReport,
    other: String,
    answer: Result<NodeReport, crate::ops::OpError>,
) -> CmdResult {
    let theirs = answer.as_ref().ok();
    let cell = |h: Option<&NodeHost>| match h {
        Some(h) if h.result == Outcome::Skipped => "Skipped".to_owned(),
        Some(h) => format!("{:?} {:.2}s", h.result, h.seconds),
        None => "not tested".to_owned(),
    };
    let find = |report: Option<&NodeReport>, host: &str| {
        report.and_then(|r| r.hosts.iter().find(|h| h.host == host).cloned())
    };
    let (mut passed, mut failed) = (0, 0);
    let mut rows = Vec::new();
    for r in results {
        let mine = find(Some(&me), &r.host);
        let other_host = find(theirs, &r.host);
        let mut detail = Vec::new();
        for (name, h) in [(&me.node, &mine), (&other, &other_host)] {
            match h {
                Some(h) if h.result == Outcome::Success => passed += 1,
                Some(h) if h.result == Outcome::Failed => {
                    failed += 1;
                    detail.push(format!("{name}: {}", h.detail));
                }
                Some(h) => detail.push(format!("{name}: {}", h.detail)),
                None => {}
            }
        }
        rows.push(vec![
            r.product.clone(),
            r.group.clone(),
            r.host.clone(),
            r.side.clone(),
            r.platform.to_owned(),
            cell(mine.as_ref()),
            cell(other_host.as_ref()),
            detail.join("; "),
        ]);
    }
    if ctx.ui.json_output() {
        let other_json = match &answer {
            Ok(r) => json!(r),
            Err(e) => json!({ "node": other, "error": e.message }),
        };
        ctx.ui
            .json(&json!({ "nodes": [me, other_json], "passed": passed, "failed": failed }))?;
    } else {
        let headers = [
            "PRODUCT",
            "CLUSTER/PAIR",
            "HOST",
            "SIDE",
            "PLATFORM",
            me.node.as_str(),
            other.as_str(),
            "DETAIL",
        ];
        ctx.ui.line(&plain_table(&headers, &rows))?;
        ctx.ui.line(&format!(
            "{passed} of {} host checks passed on {} Cloud Connect nodes",
            passed + failed,
            if theirs.is_some() { 2 } else { 1 }
        ))?;
    }
    if let Err(why) = answer {
        return Err(CommandError::new(
            ErrorKind::Partial,
            format!(
                "the other Cloud Connect node {other} did not run the test: {}",
                why.message
            ),
        )
        .with_hint(format!("run the test on {other} itself to see why")));
    }
    if passed == 0 {
        return Err(CommandError::failed(
            "no host passed the test on either node",
        ));
    }
    if failed > 0 {
        return Err(CommandError::new(
            ErrorKind::Partial,
            format!("{failed} of {} host checks failed", passed + failed),
        )
        .with_hint("fix the cause named in each row, then run the test again"));
    }
    Ok(())
}
