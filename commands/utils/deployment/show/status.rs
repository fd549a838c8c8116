//! `utils deployment show status`: what each inventory node runs, read from the node.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::ops::orchestrate;
use crate::orchestration_ui::Selection;
use crate::output::plain_table;

/// Show each inventory node's installed version and patches, read from the node
///
/// VOS nodes answer `show version active` over SSH; Windows nodes answer their product's probe
/// from the signed catalogue (catalogue.json), merged with ccadmin's record read over SFTP.
/// A node that cannot be read is shown with the reason. Exit status 3 when some could not be
/// read.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils deployment show status\n  admin:utils deployment show status --group Finesse --output json"
)]
pub struct UtilsDeploymentShowStatusArgs {
    #[command(flatten)]
    pub select: Selection,
}

pub fn cmd_utils_deployment_show_status(
    ctx: &mut Ctx,
    args: UtilsDeploymentShowStatusArgs,
) -> CmdResult {
    let choice = orchestrate::Choice {
        nodes: args.select.node,
        group: args.select.group,
        side: args.select.side,
        platform: args.select.platform,
        all: args.select.all,
    };
    let hosts = orchestrate::status(&mut ctx.node, &choice)?;
    if hosts.is_empty() && !ctx.ui.json_output() {
        return Err(CommandError::failed(if choice.is_empty() {
            "the inventory has no hosts"
        } else {
            "no inventory host matches"
        })
        .with_hint("see the hosts with: utils system inventory show; import them with: utils system inventory import"));
    }
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({ "hosts": hosts }))?;
    } else {
        let rows: Vec<Vec<String>> = hosts
            .iter()
            .map(|h| {
                let (version, inactive, patches) = match (&h.installed, &h.error) {
                    (Some(i), _) => (
                        i.version.clone(),
                        i.inactive.clone().unwrap_or_else(|| "-".into()),
                        i.patch_names(),
                    ),
                    (None, e) => (
                        "unreadable".into(),
                        "-".into(),
                        e.clone().unwrap_or_default(),
                    ),
                };
                vec![
                    h.host.clone(),
                    h.product.clone(),
                    h.side.clone(),
                    version,
                    inactive,
                    patches,
                ]
            })
            .collect();
        ctx.ui.line(&plain_table(
            &["NODE", "PRODUCT", "SIDE", "VERSION", "INACTIVE", "PATCHES"],
            &rows,
        ))?;
    }
    let unreadable = hosts.iter().filter(|h| h.installed.is_none()).count();
    if unreadable > 0 {
        return Err(CommandError::new(
            ErrorKind::Partial,
            format!("{unreadable} of {} node(s) could not be read", hosts.len()),
        )
        .with_hint("see why per node above; utils deployment test-connection checks the logins"));
    }
    Ok(())
}
