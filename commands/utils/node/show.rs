//! `utils node show`: this node's identity (rule R6 in docs/rules.md#r6).

use clap::Args;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::output::kv_block;

/// Show this node's role, host name and how Cloud Connect reaches it
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:utils node show\n  $ ccadmin utils node show --output json"
)]
pub struct UtilsNodeShowArgs {}

pub fn cmd_utils_node_show(ctx: &mut Ctx, _args: UtilsNodeShowArgs) -> CmdResult {
    let node = ctx.node.identity()?;
    if ctx.ui.json_output() {
        ctx.ui.json(&node)?;
        return Ok(());
    }
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    ctx.ui.line(&kv_block(&[
        ("Role", node.role.to_string()),
        ("Hostname", node.hostname.clone()),
        ("Publisher", dash(&node.publisher)),
        ("Component", dash(&node.component)),
        ("Orchestration User", dash(&node.orchestration_user)),
        ("Authorized Keys", dash(&node.authorized_keys)),
        ("SSH Port", node.ssh_port.to_string()),
    ]))?;
    Ok(())
}
