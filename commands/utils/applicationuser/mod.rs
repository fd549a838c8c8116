//! `utils applicationuser` menu: the users `ccadmin serve` authenticates (HTTP Basic over TLS).

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::prompt::{read_secret_file, Field};
use crate::secrets::Secret;

pub mod add;
pub mod delete;
pub mod list;
pub mod password;

#[derive(Debug, Subcommand)]
pub enum ApplicationuserCommands {
    Add(add::UtilsApplicationuserAddArgs),
    List(list::UtilsApplicationuserListArgs),
    Delete(delete::UtilsApplicationuserDeleteArgs),
    Password(password::UtilsApplicationuserPasswordArgs),
}

impl ApplicationuserCommands {
    pub fn changes_state(&self) -> bool {
        !matches!(self, ApplicationuserCommands::List(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: ApplicationuserCommands) -> CmdResult {
    match cmd {
        ApplicationuserCommands::Add(args) => add::cmd_utils_applicationuser_add(ctx, args),
        ApplicationuserCommands::List(args) => list::cmd_utils_applicationuser_list(ctx, args),
        ApplicationuserCommands::Delete(args) => {
            delete::cmd_utils_applicationuser_delete(ctx, args)
        }
        ApplicationuserCommands::Password(args) => {
            password::cmd_utils_applicationuser_password(ctx, args)
        }
    }
}

/// The environment variable that supplies a new application user password.
pub const PASSWORD_ENV: &str = "CCADMIN_APPLICATIONUSER_PASSWORD";

/// A new password for `user`: from `--password-file` or the environment (once), or asked twice
/// without echo; checked against the policy before the confirmation is asked. Shared by `add`
/// and `password`.
pub fn new_password(
    ctx: &mut Ctx,
    user: &str,
    file: Option<&std::path::Path>,
) -> CmdResult<Secret> {
    let field = Field {
        label: "Password",
        flag: "--password-file",
        env: Some(PASSWORD_ENV),
        default: None,
    };
    let given = match file {
        Some(p) => Some(read_secret_file(ctx, p, "--password-file")?),
        None => None,
    };
    let from_terminal = matches!(ctx.input, crate::prompt::Input::Terminal);
    let supplied = given.is_some() || ctx.env.get(PASSWORD_ENV).is_some();
    let password: Secret = loop {
        let first = ctx.secret(&field, given.clone())?;
        crate::ops::users::check_password(user, &first)?;
        if supplied {
            break first;
        }
        let confirm = Field {
            label: "Confirm Password",
            ..field
        };
        let second = ctx.secret(&confirm, None)?;
        if first == second {
            break first;
        }
        if !from_terminal {
            return Err(
                CommandError::usage("the two passwords do not match").with_hint(
                    "put the same password on both lines after the command, or use --password-file",
                ),
            );
        }
        ctx.ui
            .err_text("The passwords do not match; enter them again.\n");
    };
    Ok(password)
}
