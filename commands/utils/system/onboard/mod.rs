//! `utils system onboard` (rule R8 in docs/rules.md#r8), run on the publisher of a VOS cluster: the
//! commands ask for the Cloud Connect node and application user and print one line per member; the
//! work is in `ops::onboarding`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::ops::onboarding::{self, Member, MemberOutcome, Plan, Request};
use crate::ops::OpResult;
use crate::prompt::{read_secret_file, Field};

pub mod remove;
pub mod status;
pub mod trigger;
pub mod update;

#[derive(Debug, Subcommand)]
pub enum OnboardCommands {
    #[command(visible_aliases = ["initiate", "restart"])]
    Trigger(trigger::UtilsSystemOnboardTriggerArgs),
    Update(update::UtilsSystemOnboardUpdateArgs),
    Remove(remove::UtilsSystemOnboardRemoveArgs),
    Status(status::UtilsSystemOnboardStatusArgs),
}

pub fn run(ctx: &mut Ctx, cmd: OnboardCommands) -> CmdResult {
    match cmd {
        OnboardCommands::Trigger(a) => trigger::cmd_utils_system_onboard_trigger(ctx, a),
        OnboardCommands::Update(a) => update::cmd_utils_system_onboard_update(ctx, a),
        OnboardCommands::Remove(a) => remove::cmd_utils_system_onboard_remove(ctx, a),
        OnboardCommands::Status(a) => status::cmd_utils_system_onboard_status(ctx, a),
    }
}

/// What the three commands ask for.
#[derive(Debug, Args)]
pub struct CloudConnectArgs {
    /// The Cloud Connect publisher (FQDN or FQDN:PORT; port 8445 by default)
    #[arg(long, value_name = "FQDN")]
    pub cloud_connect: Option<String>,
    /// Application user on Cloud Connect
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the application user's password from the first line of FILE
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Name of this cluster at Cloud Connect [default: the name onboarding recorded, else COMPONENT-Cluster-1]
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,
    /// Seconds to wait for each Cloud Connect node and cluster member
    #[arg(long, value_name = "SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
}

/// Check the node, then ask for what is missing: the plan the three commands run.
pub fn prepare(ctx: &mut Ctx, args: &CloudConnectArgs) -> CmdResult<Plan> {
    // Checked before anything is asked: without these nothing can work.
    let id = onboarding::preflight(&mut ctx.node)?;
    // The Cloud Connect node this cluster onboarded with is not asked again (a flag still
    // overrides it).
    let recorded = onboarding::recorded(&mut ctx.node)?.map(|r| r.cloud_connect);
    let cloud_connect = ctx.value(
        &Field {
            label: "Cloud Connect Publisher FQDN",
            flag: "--cloud-connect",
            env: Some("CCADMIN_CLOUD_CONNECT"),
            default: None,
        },
        args.cloud_connect.clone().or(recorded),
    )?;
    crate::names::validate_host(&cloud_connect)
        .map_err(|w| CommandError::usage(format!("{cloud_connect}: {w}")))?;
    let username = ctx.value(
        &Field {
            label: "Application Username",
            flag: "--username",
            env: Some("CCADMIN_CC_USERNAME"),
            default: None,
        },
        args.username.clone(),
    )?;
    let given = match &args.password_file {
        Some(p) => Some(read_secret_file(ctx, p, "--password-file")?),
        None => None,
    };
    let password = ctx.secret(
        &Field {
            label: "Application Password",
            flag: "--password-file",
            env: Some("CCADMIN_CC_PASSWORD"),
            default: None,
        },
        given,
    )?;
    let req = Request {
        cloud_connect,
        username,
        password,
        cluster_name: args.cluster_name.clone(),
        timeout: Duration::from_secs(args.timeout),
    };
    Ok(onboarding::plan(&mut ctx.node, id, req)?)
}

/// Prints one line per member as the operation reports it. A closed output does not stop
/// the operation half-way; its error is returned once the operation is done.
pub struct MemberLines<'a> {
    ui: &'a mut crate::output::Ui,
    closed: Option<std::io::Error>,
}

impl<'a> MemberLines<'a> {
    pub fn new(ui: &'a mut crate::output::Ui) -> Self {
        MemberLines { ui, closed: None }
    }
    pub fn show(&mut self, m: &Member, outcome: MemberOutcome) -> OpResult {
        let what = match outcome {
            MemberOutcome::Onboarded => "Onboarded".to_owned(),
            MemberOutcome::AlreadyOnboarded => "Already onboarded".to_owned(),
            MemberOutcome::Removed => "Removed".to_owned(),
            MemberOutcome::Failed(e) => format!("Failed: {e}"),
        };
        if self.closed.is_none() {
            if let Err(e) = self.ui.line(&format!("{:<40} {what}", m.name)) {
                self.closed = Some(e);
            }
        }
        Ok(())
    }
    pub fn finish(self) -> CmdResult {
        match self.closed {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

/// Run onboarding for the members `only` selects and print its summary line.
pub fn onboard(ctx: &mut Ctx, plan: &Plan, only: onboarding::Selector) -> CmdResult {
    let mut lines = MemberLines::new(&mut ctx.ui);
    let sum = onboarding::onboard(&mut ctx.node, plan, only, &mut |m, o| lines.show(m, o))?;
    lines.finish()?;
    ctx.ui.line(&format!(
        "{} of {} cluster members onboarded to {} as cluster {}.",
        sum.onboarded + sum.skipped,
        sum.total,
        plan.cc_host,
        plan.cluster
    ))?;
    Ok(onboarding::failure(&sum)?)
}
