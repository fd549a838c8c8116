//! The console half of the orchestration commands (`utils patch-manager install|rollback`,
//! `utils upgrade-manager upgrade|switch-forward|rollback`): choosing the nodes (flags, or the
//! menu Cisco's Cloud Connect shows), printing the plan, confirming, showing progress as
//! `[hh:mm:ss] host  operation  what`, and the result table with its exit status. The work is
//! in `ops::orchestrate`.

use std::time::Instant;

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::ops::orchestrate::{self, Artifact, Choice, Event, Operation, Options, Outcome};
use crate::ops::patches::Platform;
use crate::output::plain_table;
use crate::prompt::Field;

/// Which inventory hosts (none given: a menu asks).
#[derive(Debug, Clone, Default, Args)]
pub struct Selection {
    /// Only this host (repeat for more)
    #[arg(long, value_name = "NAME")]
    pub node: Vec<String>,
    /// Only the hosts of this product, cluster or pair (as the inventory names them)
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Only the hosts of this side
    #[arg(long, value_name = "A|B")]
    pub side: Option<String>,
    /// Only the hosts of this platform
    #[arg(long, value_name = "VOS|Windows")]
    pub platform: Option<Platform>,
    /// Every host of the inventory the operation applies to
    #[arg(long)]
    pub all: bool,
}

/// How the run goes.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Go on after this many failed nodes (the run stops at the first by default)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_fail: usize,
    /// Do up to N independent groups (clusters, pairs) at once; never two nodes of one group
    /// [default: utils show orchestration max-parallel-tasks]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel_groups: Option<u16>,
    /// Install again where an interrupted install was not confirmed (an installer that still
    /// runs is waited for first; never two at once)
    #[arg(long)]
    pub force: bool,
    /// Print the plan and stop
    #[arg(long)]
    pub dry_run: bool,
    /// Run although the other Cloud Connect node cannot be asked whether it runs an
    /// orchestration (you know it is down); the run records it
    #[arg(long)]
    pub peer_down: bool,
    /// Pass over hosts' leases of another run not known to be finished, and group members
    /// that cannot be asked for theirs (only when you know that run is over: its installer may
    /// still run)
    #[arg(long)]
    pub break_leases: bool,
    /// With maintenance mode (each node enters it before its change and leaves it after,
    /// its peers never in it meanwhile) or without; asked when every chosen node's product
    /// supports it and this is not given
    #[arg(long, value_enum, value_name = "MODE")]
    pub maintenance: Option<MaintenanceMode>,
}

/// Cisco's choice before a change: with or without maintenance mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MaintenanceMode {
    With,
    Without,
}

/// With or without maintenance mode for a change of `rows`: the flag when given (`with` is
/// refused when a node's product is not in the signed maintenance command set), else, when
/// every node supports it, Cisco's question (`Without` is confirmed), else without.
/// `None`: the administrator quit.
pub(crate) fn maintenance_choice(
    ctx: &mut Ctx,
    rows: &[&crate::inventory::model::HostRow],
    given: Option<MaintenanceMode>,
) -> CmdResult<Option<bool>> {
    let set = match crate::ops::maintenance::load_set(&mut ctx.node) {
        Ok(set) => Some(set),
        Err(e) if given == Some(MaintenanceMode::With) => return Err(e.into()),
        Err(_) => None,
    };
    let supported = set.as_ref().is_some_and(|s| {
        rows.iter()
            .all(|r| crate::ops::maintenance::supports(s, &r.product))
    });
    match (given, &set) {
        (Some(MaintenanceMode::With), set) => {
            if let Some(s) = set {
                orchestrate::require_maintenance_support(s, rows)?;
            }
            return Ok(Some(true));
        }
        (Some(MaintenanceMode::Without), _) => return Ok(Some(false)),
        (None, _) if !supported => return Ok(Some(false)),
        // --yes answers questions, not a choice: a batch line after this one must never be
        // taken for it.
        (None, _) if ctx.opts.yes => {
            return Err(CommandError::usage(
                "every chosen node supports maintenance mode: say whether to use it",
            )
            .with_hint(
                "add --maintenance with (or --maintenance without); --yes does not choose it",
            ))
        }
        (None, _) => {}
    }
    ctx.ui
        .err_text("1) With maintenance mode\n2) Without maintenance mode\n");
    let Some(i) = pick_for(
        ctx,
        "Please select an option (1 - 2 or \"q\" )",
        2,
        "--maintenance with|without",
    )?
    else {
        return Ok(None);
    };
    if i == 1
        && !ctx.confirm(
            "Without maintenance mode, calls and agents are not moved off each node before its change. Continue",
        )?
    {
        return Ok(None);
    }
    Ok(Some(i == 0))
}

const MENU: [&str; 7] = [
    "A node",
    "A group (product / cluster / pair)",
    "All nodes in the inventory",
    "All Side A VOS nodes",
    "All Side B VOS nodes",
    "All Side A Windows nodes",
    "All Side B Windows nodes",
];

/// The nodes: from the flags, else from the menu (a terminal's prompt or the batch's next lines).
/// `None`: the administrator quit the menu (`q`).
pub fn choose(ctx: &mut Ctx, sel: &Selection, allow_all: bool) -> CmdResult<Option<Choice>> {
    let given = Choice {
        nodes: sel.node.clone(),
        group: sel.group.clone(),
        side: sel.side.clone(),
        platform: sel.platform,
        all: sel.all,
    };
    if sel.all && !allow_all {
        return Err(
            CommandError::usage("--all is not offered for this operation")
                .with_hint("choose a node, a group or a side"),
        );
    }
    if let Some(s) = &given.side {
        if !s.eq_ignore_ascii_case("A") && !s.eq_ignore_ascii_case("B") {
            return Err(CommandError::usage(format!("side '{s}' is not A or B")));
        }
    }
    if !given.is_empty() {
        return Ok(Some(given));
    }
    let rows = crate::ops::inventory::current(&mut ctx.node)?.rows();
    let options: Vec<(usize, &str)> = MENU
        .iter()
        .enumerate()
        .filter(|(i, _)| allow_all || *i != 2)
        .map(|(i, m)| (i, *m))
        .collect();
    let texts: Vec<&str> = options.iter().map(|(_, t)| *t).collect();
    let Some(picked) = numbered(ctx, "Please select an option", &texts, SELECTION_FLAGS)? else {
        return Ok(None);
    };
    let mut choice = Choice::default();
    match options[picked].0 {
        0 => {
            let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
            let Some(i) = list_pick(ctx, "node", &names)? else {
                return Ok(None);
            };
            choice.nodes = vec![names[i].clone()];
        }
        1 => {
            let mut groups: Vec<String> = Vec::new();
            for r in &rows {
                for g in [&r.product, &r.group] {
                    if !groups.contains(g) {
                        groups.push(g.clone());
                    }
                }
            }
            let Some(i) = list_pick(ctx, "group", &groups)? else {
                return Ok(None);
            };
            choice.group = Some(groups[i].clone());
        }
        2 => choice.all = true,
        n => {
            choice.side = Some(if n % 2 == 1 { "A" } else { "B" }.into());
            choice.platform = Some(if n < 5 {
                Platform::Vos
            } else {
                Platform::Windows
            });
        }
    }
    Ok(Some(choice))
}

fn list_pick(ctx: &mut Ctx, what: &str, items: &[String]) -> CmdResult<Option<usize>> {
    if items.is_empty() {
        return Err(CommandError::failed("the inventory has no hosts")
            .with_hint("import one with: utils system inventory import"));
    }
    numbered(ctx, &format!("Select the {what}"), items, SELECTION_FLAGS)
}

/// `items` as a numbered list on stderr, then one of them by its number (a terminal's prompt
/// or the batch's next line), asked as `question (1 - N or "q" )`; `None`: `q`. `flag` is
/// what answers it without a question. Every menu of the orchestration commands asks this way.
pub(crate) fn numbered<T: AsRef<str>>(
    ctx: &mut Ctx,
    question: &str,
    items: &[T],
    flag: &str,
) -> CmdResult<Option<usize>> {
    let list: String = items
        .iter()
        .enumerate()
        .map(|(i, item)| format!("{}) {}\n", i + 1, item.as_ref()))
        .collect();
    ctx.ui.err_text(&list);
    let label = format!("{question} (1 - {} or \"q\" )", items.len());
    pick_for(ctx, &label, items.len(), flag)
}

/// The flags that choose nodes without a menu.
pub(crate) const SELECTION_FLAGS: &str = "--node, --group, --all, --side/--platform";

/// A number 1..=n, or `q` (`None`); `flag` is what answers it without a question.
pub(crate) fn pick_for(
    ctx: &mut Ctx,
    label: &str,
    n: usize,
    flag: &str,
) -> CmdResult<Option<usize>> {
    loop {
        let answer = ctx.value(
            &Field {
                label,
                flag,
                env: None,
                default: None,
            },
            None,
        )?;
        if answer.eq_ignore_ascii_case("q") {
            return Ok(None);
        }
        match answer.parse::<usize>() {
            Ok(i) if (1..=n).contains(&i) => return Ok(Some(i - 1)),
            _ if matches!(ctx.input, crate::prompt::Input::Terminal) => ctx
                .ui
                .err_text(&format!("Enter a number from 1 to {n}, or q.\n")),
            _ => {
                // The answer is not printed back (it may be a secret on the wrong line).
                return Err(CommandError::usage(format!(
                    "the answer is not a number from 1 to {n} or q"
                ))
                .with_hint(format!("answer with a number, or give {flag}")));
            }
        }
    }
}

/// Plan, print, confirm, run, report. `question` is what is confirmed.
pub fn execute(
    ctx: &mut Ctx,
    op: Operation,
    artifact: Option<Artifact>,
    choice: &Choice,
    args: &RunArgs,
    switch: bool,
) -> CmdResult {
    let reboot = artifact.as_ref().is_some_and(|a| a.manifest.reboot);
    let parallel = match args.parallel_groups {
        Some(n) => n as usize,
        None => orchestrate::max_parallel(&mut ctx.node)?,
    };
    let what = artifact.as_ref().map(|a| {
        format!(
            "{} {} {} (signed by {})",
            a.manifest.product, a.manifest.version, a.manifest.file, a.signer
        )
    });
    let mut plan = orchestrate::plan(&mut ctx.node, op, artifact, choice, switch)?;
    if op == Operation::PatchRollback {
        // Name the patch each node loses, in the plan, the question, the record and the mail.
        let now = orchestrate::status(&mut ctx.node, choice)?;
        plan.name_rollback(&now);
    }
    if op.changes_version() {
        crate::ops::compatibility::check_plan(&mut ctx.node, &plan)?;
    }
    let groups: Vec<Vec<String>> = plan
        .groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|t| {
                    format!(
                        "{} (side {}, {}){}",
                        t.row.name,
                        t.row.side,
                        t.row.detail,
                        plan.removes(&t.row.name)
                            .map(|p| format!(" removes {p}"))
                            .unwrap_or_default()
                    )
                })
                .collect()
        })
        .collect();
    if args.dry_run && ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "operation": op,
            "subject": plan.subject(),
            "groups": groups,
            "left_out": plan.left_out.iter().map(|(h, w)| json!({"host": h, "reason": w})).collect::<Vec<_>>(),
        }))?;
        return Ok(());
    }
    let mut text = format!(
        "{}{} on {} node(s) in {} group(s), one node of a group at a time, {} group(s) at once:\n",
        op.label(),
        what.map(|w| format!(" of {w}")).unwrap_or_default(),
        plan.node_count(),
        plan.groups.len(),
        parallel
    );
    for (i, g) in groups.iter().enumerate() {
        text.push_str(&format!("  group {}: {}\n", i + 1, g.join(" -> ")));
    }
    for (h, why) in &plan.left_out {
        text.push_str(&format!("  left out: {h}: {why}\n"));
    }
    ctx.ui.err_text(&text);
    if args.dry_run {
        ctx.ui.status("Dry run: nothing was changed.");
        return Ok(());
    }
    let question = match (op, reboot) {
        (_, true) => format!("Each node restarts during the {}. Go on", op.label()),
        (Operation::PatchRollback, _) => format!("Remove {}", plan.subject()),
        _ => format!("Start the {}", op.label()),
    };
    let rows: Vec<&crate::inventory::model::HostRow> =
        plan.groups.iter().flatten().map(|t| &t.row).collect();
    let Some(maintenance) = maintenance_choice(ctx, &rows, args.maintenance)? else {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    };
    if !ctx.confirm(&question)? {
        ctx.ui.status("Nothing was changed.");
        return Ok(());
    }
    let actor = ctx.actor.clone();
    let began = Instant::now();
    let ui = &mut ctx.ui;
    let label = op.label();
    let stamp = |began: Instant| {
        let s = began.elapsed().as_secs();
        format!("[{:02}:{:02}:{:02}]", s / 3600, s / 60 % 60, s % 60)
    };
    let report = orchestrate::run(
        &mut ctx.node,
        &plan,
        &actor,
        Options {
            max_fail: args.max_fail,
            parallel,
            force: args.force,
            peer_down: args.peer_down,
            break_leases: args.break_leases,
            maintenance,
        },
        &mut |e| match e {
            Event::Resumed { run, done, node } => ui.status(&format!(
                "Resuming interrupted run {run}{} ({done} node(s) were done).",
                node.map(|n| format!(" of {n}")).unwrap_or_default()
            )),
            Event::PeerNotAsked(why) => ui.warn(why),
            Event::Started { host, what } | Event::Waiting { host, what } => {
                ui.status(&format!("{} {host}  {label}  {what}", stamp(began)))
            }
            Event::Finished(r) => ui.status(&format!(
                "{} {}  {label}  {}: {}",
                stamp(began),
                r.host,
                r.result.label(),
                r.detail
            )),
        },
    )?;
    let count = |o: Outcome| report.nodes.iter().filter(|r| r.result == o).count();
    let ok = count(Outcome::Done) + count(Outcome::AlreadyDone);
    let failed = count(Outcome::Failed) + count(Outcome::Interrupted);
    let skipped = count(Outcome::Skipped);
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "run": report.run,
            "operation": op,
            "result": report.overall,
            "nodes": report.nodes,
        }))?;
    } else {
        ctx.ui.line(&plain_table(
            &orchestrate::TABLE,
            &orchestrate::table(&report.nodes),
        ))?;
    }
    if report.overall == orchestrate::Overall::NothingToDo {
        return Err(CommandError::new(
            ErrorKind::NothingToDo,
            format!(
                "{}: nothing to do: no node needed it ({} already done, {} not applicable).",
                op.label(),
                count(Outcome::AlreadyDone),
                count(Outcome::NotApplicable)
            ),
        ));
    }
    if failed == 0 && skipped == 0 {
        return Ok(());
    }
    let failed_hosts: Vec<&str> = report
        .nodes
        .iter()
        .filter(|r| r.result == Outcome::Failed)
        .map(|r| r.host.as_str())
        .collect();
    let rollback = match op {
        Operation::PatchInstall => {
            "utils patch-manager rollback --node HOST removes the newest patch of a node that was done"
        }
        Operation::Upgrade => {
            "utils upgrade-manager rollback --node HOST switches a node that was done back to its previous version"
        }
        _ => "the nodes done keep their new state",
    };
    let message = format!(
        "{}: {ok} done, {failed} failed ({}), {skipped} not started",
        op.label(),
        failed_hosts.join(", ")
    );
    let hint = format!(
        "fix the cause named for each failed node and run the same command again (done nodes are not touched); {rollback}"
    );
    Err(if ok == 0 {
        CommandError::failed(message)
    } else {
        CommandError::new(ErrorKind::Partial, message)
    }
    .with_hint(hint))
}

/// Each chosen VOS node's active and inactive version (before a switch is confirmed).
pub fn show_versions(ctx: &mut Ctx, choice: &Choice) -> CmdResult {
    let mut vos = choice.clone();
    vos.platform = Some(Platform::Vos);
    let hosts = orchestrate::status(&mut ctx.node, &vos)?;
    let rows: Vec<Vec<String>> = hosts
        .iter()
        .map(|h| match &h.installed {
            Some(i) => vec![
                h.host.clone(),
                i.version.clone(),
                i.inactive.clone().unwrap_or_else(|| "-".into()),
            ],
            None => vec![
                h.host.clone(),
                "unreadable".into(),
                h.error.clone().unwrap_or_default(),
            ],
        })
        .collect();
    if !rows.is_empty() && !ctx.ui.json_output() {
        ctx.ui
            .err_text(&plain_table(&["NODE", "ACTIVE", "INACTIVE"], &rows));
        ctx.ui.err_text("\n");
    }
    Ok(())
}

/// A node-by-node run's exit status: success when no node failed, partial (3) when some did and
/// others did not, failed (1) when all did; `message` names the failed nodes, `hint` what to do.
/// [`run_status`] of a node-by-node run whose `failed` nodes are named: `WHAT failed on N of
/// M node(s) (NAMES)`.
pub fn failed_on(what: &str, failed: &[&str], total: usize, hint: &str) -> CmdResult {
    let message = format!(
        "{what} failed on {} of {total} node(s) ({})",
        failed.len(),
        failed.join(", ")
    );
    run_status(failed.len(), total, message, hint)
}

pub fn run_status(failed: usize, total: usize, message: String, hint: &str) -> CmdResult {
    if failed == 0 {
        return Ok(());
    }
    Err(if failed == total {
        CommandError::failed(message)
    } else {
        CommandError::new(crate::errors::ErrorKind::Partial, message)
    }
    .with_hint(hint))
}
