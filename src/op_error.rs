//! An operation's failure: a stable [`Kind`] that front ends map (the console to an exit
//! status, `serve` and the hub to an HTTP status), the sentence for the administrator, what to
//! do about it, and the error that caused it. It sits in the foundation layer so that the
//! clients of peers and cancellation can answer with it without importing the operations; the
//! conversions from each layer's own errors are in `ops` (`src/ops/mod.rs`), and `ops`
//! re-exports these names, where every caller finds them.

use std::error::Error as StdError;

/// What kind of failure an operation met. Front ends map it: the console to its exit status,
/// `serve` to an HTTP status. The names are stable (they appear in `--output json` errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Something the operation needs was never set up (e.g. the image repository).
    NotConfigured,
    /// This node's role does not run the operation.
    WrongRole,
    /// A value given to the operation is not acceptable.
    Invalid,
    /// A peer could not be reached (DNS, TCP, timeout).
    Unreachable,
    /// A peer's certificate or host key is not trusted.
    Untrusted,
    /// A peer refused our credentials.
    Refused,
    /// A peer or this node forbids the change (ownership, policy).
    Forbidden,
    /// What was asked for does not exist.
    NotFound,
    /// Something else holds what is needed (the orchestration lock, a login limit).
    Busy,
    /// A peer answered something that is not what its protocol promises.
    Peer,
    /// This node's state (database, files) failed.
    Storage,
    /// The secret store failed.
    Secret,
    /// Cancelled (Ctrl-C, SIGTERM).
    Interrupted,
    /// Some parts succeeded, some failed.
    Partial,
    /// The operation could not be done for a reason of its own (the message says which).
    Failed,
}

/// An operation's failure: its kind, the sentence for the administrator, what to do about it,
/// and the error that caused it (kept, never flattened to text).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct OpError {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    #[source]
    pub source: Option<Box<dyn StdError + Send + Sync>>,
}

pub type OpResult<T = ()> = Result<T, OpError>;

impl OpError {
    pub fn new(kind: Kind, message: impl Into<String>) -> OpError {
        OpError {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> OpError {
        self.hint = Some(hint.into());
        self
    }
    pub fn caused_by(mut self, e: impl StdError + Send + Sync + 'static) -> OpError {
        self.source = Some(Box::new(e));
        self
    }
    pub fn interrupted() -> OpError {
        OpError::new(Kind::Interrupted, "Control-C pressed")
    }
    /// The same failure with `context` in front of its sentence.
    pub fn context(mut self, context: impl std::fmt::Display) -> OpError {
        self.message = format!("{context}: {}", self.message);
        self
    }
}
