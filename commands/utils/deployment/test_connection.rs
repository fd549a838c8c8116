//! `utils deployment test-connection` (SPEC 6): this node's key against every inventory host,
//! in parallel, one deadline per host, a specific reason for every failure.

use std::time::Duration;

use clap::Args;
use serde_json::json;

use crate::clients::ssh::{Endpoint, HostKeys};
use crate::commands::utils::system::inventory::require_cloud_connect;
use crate::connectivity::{check_all, Outcome, Target};
use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::output::plain_table;

/// Prove password-less SSH from this Cloud Connect node to every inventory host
///
/// For each host: DNS, TCP connect, SSH handshake, host key (known_hosts; new keys are learned
/// only with --accept-new-host-keys), public-key login with this node's key as the host's user,
/// and one harmless remote command. Hosts are checked in parallel, each within --timeout, so
/// unreachable hosts cost about one timeout in all. Exit status: 0 all passed, 3 some failed,
/// 1 none could be tested.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils deployment test-connection\n  admin:utils deployment test-connection --product PG --timeout 5"
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
}

pub fn cmd_utils_deployment_test_connection(
    ctx: &mut Ctx,
    args: UtilsDeploymentTestConnectionArgs,
) -> CmdResult {
    require_cloud_connect(ctx, false)?;
    let inv = crate::commands::utils::system::inventory::current(ctx)?;
    let onboarded = ctx.db()?.onboarded_hosts()?;
    let mut rows = inv.rows();
    if let Some(n) = &args.node {
        rows.retain(|r| {
            r.name.eq_ignore_ascii_case(n)
                || r.name
                    .split(':')
                    .next()
                    .is_some_and(|h| h.eq_ignore_ascii_case(n))
        });
    }
    if let Some(p) = &args.product {
        rows.retain(|r| r.product.eq_ignore_ascii_case(p));
    }
    if rows.is_empty() {
        let what = if args.node.is_some() || args.product.is_some() {
            "no inventory host matches --node/--product"
        } else {
            "the inventory has no hosts"
        };
        return Err(CommandError::failed(format!("nothing to test: {what}"))
            .with_hint("see the hosts with: utils system inventory show"));
    }
    let targets: Vec<Target> = rows
        .into_iter()
        .map(|row| {
            if row.platform == "Windows" {
                return Target { user: Ok(row.detail.clone()), row, recorded_key: false };
            }
            match onboarded.iter().find(|h| h.host.eq_ignore_ascii_case(&row.name)) {
                Some(h) => Target { user: Ok(h.user.clone()), row, recorded_key: true },
                None => Target {
                    user: Err("not onboarded: no orchestration account or host key recorded (run utils system onboard trigger on the VOS publisher)".to_owned()),
                    row,
                    recorded_key: false,
                },
            }
        })
        .collect();
    let host = ctx.db()?.node()?.hostname;
    let key = crate::nodekey::ensure(ctx.state.root(), &host).map_err(CommandError::failed)?;
    let host_keys = HostKeys::new(ctx.state.root().join("known_hosts"));
    // The keys recorded at onboarding, as a known_hosts file of their own: each line rebuilt
    // from a parsed endpoint and a parsed key, so no stored text can add a line or a marker.
    let recorded_path = ctx.state.root().join("onboarded_known_hosts");
    let lines: String = onboarded
        .iter()
        .filter_map(|h| {
            let ep = Endpoint::parse(&h.host, h.port).ok()?;
            let key = crate::sshkeys::SshPublicKey::parse(&h.host_key).ok()?;
            Some(format!("{}\n", key.known_hosts_line(&ep)))
        })
        .collect();
    crate::state::write_private_file(&recorded_path, lines.as_bytes()).map_err(|e| {
        CommandError::failed(format!("cannot write {}: {e}", recorded_path.display()))
    })?;
    let recorded = HostKeys::new(recorded_path);
    let bar = if ctx.ui.stderr_tty && !ctx.ui.quiet {
        indicatif::ProgressBar::new(targets.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("Testing {pos}/{len} hosts {bar:30} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let flag = std::sync::Arc::clone(&ctx.interrupt);
    let (results, stats) = check_all(
        &targets,
        &key.private,
        &crate::connectivity::Keys {
            known_hosts: &host_keys,
            recorded: &recorded,
        },
        args.accept_new_host_keys,
        args.parallel as usize,
        args.retries,
        Duration::from_secs(args.timeout),
        &flag,
        &|n| bar.set_position(n as u64),
    );
    bar.finish_and_clear();
    ctx.check_interrupt()?;
    let results: Vec<_> = results.into_iter().flatten().collect();
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
        ctx.ui.json(&json!({ "hosts": results, "passed": passed, "failed": failed, "skipped": skipped, "public_key": key.public_line, "run": stats }))?;
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
    if tested == 0 || passed == 0 {
        return Err(CommandError::failed(if tested == 0 {
            "no host could be tested"
        } else {
            "no host passed the test"
        })
        .with_hint(format!(
            "this node's public key, for the hosts' authorized_keys: {}",
            key.public_line
        )));
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
