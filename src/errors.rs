//! The one error type of the command layer, and the exit statuses it maps to (rule R4 in
//! docs/rules.md#r4).
//!
//! Client modules keep their own `thiserror` enums (carrying host, URL and status, never a
//! secret); commands turn them into a `CommandError` with the hints an administrator needs.

use std::fmt;
use std::io;

/// Exit statuses of rule R4 in docs/rules.md#r4.
pub mod exit {
    pub const SUCCESS: i32 = 0;
    pub const FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const PARTIAL: i32 = 3;
    /// An orchestration run in which no node needed anything: not a failure, but not a
    /// change either (a script can tell the two apart).
    pub const NOTHING_TO_DO: i32 = 4;
    pub const INTERRUPTED: i32 = 130;
}

/// What kind of failure a command met; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command ran and failed (exit 1).
    Failed,
    /// The command line was wrong (exit 2).
    Usage,
    /// A value was needed and no flag, variable, prompt or batch line supplied it (exit 2).
    MissingInput,
    /// Some parts succeeded, some failed (exit 3).
    Partial,
    /// Ctrl-C cancelled the command (exit 130).
    Interrupted,
    /// An orchestration run found nothing to do (exit 4): said, not an error; a batch goes on.
    NothingToDo,
    /// stdout was closed by its reader (`| head`), or the pager was quit: not an error.
    OutputClosed,
}

/// A command's failure: the message, what caused it, and what to do about it; for a failed
/// operation also its stable kind and the typed error it came from.
#[derive(Debug)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    pub causes: Vec<String>,
    pub hints: Vec<String>,
    /// The operation's kind of failure (`--output json` shows it).
    pub op: Option<crate::ops::Kind>,
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

pub type CmdResult<T = ()> = Result<T, CommandError>;

impl CommandError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
            op: None,
            source: None,
        }
    }

    /// A plain failure (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, message)
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    /// A value that nothing supplied; the hint names the flag that would have.
    pub fn missing_input(what: &str, flag: &str, env: Option<&str>) -> Self {
        let mut e = Self::new(
            ErrorKind::MissingInput,
            format!("no value for {what}: the input ended"),
        );
        e.hints.push(match env {
            Some(var) => format!("supply it with {flag} or the environment variable {var}"),
            None => format!("supply it with {flag}"),
        });
        e
    }

    pub fn interrupted() -> Self {
        Self::new(ErrorKind::Interrupted, "Control-C pressed")
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn with_cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Failed => exit::FAILED,
            ErrorKind::Usage | ErrorKind::MissingInput => exit::USAGE,
            ErrorKind::Partial => exit::PARTIAL,
            ErrorKind::Interrupted => exit::INTERRUPTED,
            ErrorKind::NothingToDo => exit::NOTHING_TO_DO,
            ErrorKind::OutputClosed => exit::SUCCESS,
        }
    }

    /// The `Error:` / `Caused by:` / `Hint:` block printed on stderr.
    pub fn render(&self) -> String {
        let mut s = format!("Error: {}\n", self.message);
        for c in &self.causes {
            s.push_str(&format!("Caused by: {c}\n"));
        }
        for h in &self.hints {
            s.push_str(&format!("Hint: {h}\n"));
        }
        s
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// An operation's failure in the console's words: the kind decides the exit status; causes
/// that the message does not already say are listed.
impl From<crate::ops::OpError> for CommandError {
    fn from(e: crate::ops::OpError) -> Self {
        use crate::ops::Kind;
        let kind = match e.kind {
            Kind::Interrupted => ErrorKind::Interrupted,
            Kind::Invalid => ErrorKind::Usage,
            Kind::Partial => ErrorKind::Partial,
            _ => ErrorKind::Failed,
        };
        if kind == ErrorKind::Interrupted {
            return CommandError::interrupted();
        }
        let mut c = CommandError::new(kind, e.message);
        let mut cur: Option<&(dyn std::error::Error + 'static)> = e
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static));
        while let Some(s) = cur {
            let text = s.to_string();
            if !c.message.contains(&text) && !c.causes.iter().any(|x| x.contains(&text)) {
                c.causes.push(text);
            }
            cur = s.source();
        }
        c.hints.extend(e.hint);
        c.op = Some(e.kind);
        c.source = e.source;
        c
    }
}

impl From<io::Error> for CommandError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::BrokenPipe => Self::new(ErrorKind::OutputClosed, "output closed"),
            io::ErrorKind::Interrupted => Self::interrupted(),
            _ => Self::failed(format!("input/output error: {e}")),
        }
    }
}

impl From<crate::secrets::SecretError> for CommandError {
    fn from(e: crate::secrets::SecretError) -> Self {
        crate::ops::OpError::from(e).into()
    }
}

impl From<crate::state::StateError> for CommandError {
    fn from(e: crate::state::StateError) -> Self {
        crate::ops::OpError::from(e).into()
    }
}

impl From<crate::clients::artifactory::ArtError> for CommandError {
    fn from(e: crate::clients::artifactory::ArtError) -> Self {
        crate::ops::OpError::from(e).into()
    }
}

impl From<crate::clients::ssh::SshError> for CommandError {
    fn from(e: crate::clients::ssh::SshError) -> Self {
        crate::ops::OpError::from(e).into()
    }
}
