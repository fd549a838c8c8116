//! `hub account add`: a person's account; the password through the prompt door (asked twice
//! on a terminal, else the next line of input), checked against the password policy.

use clap::Args;

use crate::commands::hub::HubAt;
use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::{Kind, OpError};
use crate::prompt::{Field, Input};

/// Add an account; its password is asked for (or read as the first line of standard input
/// when that is not a terminal)
#[derive(Debug, Args)]
pub struct HubAccountAddArgs {
    pub name: String,
}

pub fn cmd_hub_account_add(ctx: &mut Ctx, at: &mut HubAt, args: HubAccountAddArgs) -> CmdResult {
    let name = args.name;
    let invalid = |m: String| OpError::new(Kind::Invalid, m);
    let label = format!("Password for {name}");
    let field = Field {
        label: &label,
        flag: "the first line of standard input",
        env: None,
        default: None,
    };
    let password = ctx.secret(&field, None)?;
    crate::passwords::check_policy(&name, &password).map_err(|e| invalid(e.to_string()))?;
    if matches!(ctx.input, Input::Terminal) {
        let confirm = Field {
            label: "Confirm the password",
            ..field
        };
        if ctx.secret(&confirm, None)? != password {
            return Err(invalid("the password and its confirmation do not match".into()).into());
        }
    }
    let hash =
        crate::passwords::hash(&password).map_err(|e| OpError::new(Kind::Failed, e.to_string()))?;
    at.hub.add_account(&name, &hash, at.now)?;
    ctx.ui.status(&format!("Account {name} added."));
    Ok(())
}
