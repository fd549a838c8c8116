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
/// without echo; checked against the policy. Shared by `add` and `password`.
pub fn new_password(
    ctx: &mut Ctx,
    user: &str,
    file: Option<&std::path::Path>,
) -> CmdResult<String> {
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
    crate::passwords::check_policy(user, &password)
        .map_err(|why| CommandError::usage(format!("the password is not acceptable: {why}")))?;
    crate::passwords::hash(&password).map_err(CommandError::failed)
}

/// Check an application user name typed on the command line.
pub fn check_name(name: &str) -> CmdResult {
    crate::names::validate_user(name).map_err(|why| {
        CommandError::usage(format!(
            "'{name}' is not a valid application user name: {why}"
        ))
    })
}
