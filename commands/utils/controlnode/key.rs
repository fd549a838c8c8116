//! `utils controlnode key`: the public key line this node logs in with (rule R11 in
//! docs/rules.md#r11), made on first use, ready to paste into a Windows host's `authorized_keys`.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};

/// Print this node's SSH public key line, for a host's authorized_keys
#[derive(Debug, Args)]
#[command(after_long_help = "Example:\n  admin:utils controlnode key")]
pub struct UtilsControlnodeKeyArgs {}

pub fn cmd_utils_controlnode_key(ctx: &mut Ctx, _args: UtilsControlnodeKeyArgs) -> CmdResult {
    let node = ctx.node.identity()?;
    let key =
        crate::nodekey::ensure(ctx.node.root(), &node.hostname).map_err(CommandError::failed)?;
    if ctx.ui.json_output() {
        let category = if node.role == crate::domain::Role::Subscriber {
            "SUBSCRIBER"
        } else {
            "PUBLISHER"
        };
        ctx.ui.json(&json!({ "category": category, "hostName": node.hostname, "publicKey": key.public_line }))?;
    } else {
        ctx.ui.line(&key.public_line)?;
    }
    Ok(())
}
