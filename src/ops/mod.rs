//! The operations layer: the work of every command, shared by every front end (the console's
//! shell, batch and one-shot faces, `ccadmin serve`, its scheduler and cluster replication).
//!
//! An operation takes resolved values and a [`Node`] (state directory and database, the
//! secret-store choice, a cancellation token), reports progress through an event callback
//! where it has any, and returns a typed result or an [`OpError`] with a stable [`Kind`].
//! Nothing here prompts, prints, reads the environment or knows which front end called it:
//! `commands/` resolves values and renders, `serve` maps results to HTTP.

pub mod artifacts;
pub mod certs;
pub mod cloudconnect;
pub mod cluster;
pub mod cluster_run;
pub mod compatibility;
pub mod connectivity;
pub mod icm_services;
pub mod image_repository;
pub mod inventory;
pub mod lease;
pub mod logs;
pub mod maintenance;
pub mod ms_patches;
pub mod node;
pub mod notify;
pub mod onboarding;
pub mod orchestrate;
pub mod patch_status;
pub mod patches;
pub mod probe;
pub mod release;
pub mod replica;
pub mod replication_check;
pub mod schedule;
pub mod secret_store;
pub mod signed_set;
pub mod signing;
pub mod software;
pub mod software_download;
pub mod sql;
pub mod tls;
pub mod upgrade_status;
pub mod upgrade_window;
pub mod users;

use std::path::Path;

pub use crate::cancel::Cancel;
/// The error type lives below every layer that reports one (clients, cancellation); it is
/// named here, where operations and their callers have always found it.
pub use crate::op_error::{Kind, OpError, OpResult};

use crate::secrets::{NodeSecrets, StoreKind};
use crate::state::{Db, StateDir};

/// An error that already says what happened and what to do, with its stable kind.
macro_rules! op_error_from {
    ($ty:ty, |$e:ident| $kind:expr, $hint:expr) => {
        impl From<$ty> for OpError {
            fn from($e: $ty) -> OpError {
                let kind = $kind;
                let hint: Option<String> = $hint;
                OpError {
                    kind,
                    message: $e.to_string(),
                    hint,
                    source: Some(Box::new($e)),
                }
            }
        }
    };
}

op_error_from!(crate::state::StateError, |e| Kind::Storage, e.hint());
op_error_from!(crate::secrets::SecretError, |e| Kind::Secret, e.remedy());
op_error_from!(
    crate::clients::artifactory::ArtError,
    |e| {
        use crate::clients::artifactory::ArtError as A;
        match &e {
            A::Interrupted => Kind::Interrupted,
            A::Tls { .. } => Kind::Untrusted,
            A::Unreachable { .. } | A::Dropped { .. } => Kind::Unreachable,
            A::Unauthorized { .. } | A::ExpiredToken { .. } => Kind::Refused,
            A::NotEntitled { .. } | A::Eula { .. } => Kind::Forbidden,
            A::NoRepository { .. } | A::NoFile { .. } => Kind::NotFound,
            A::NotArtifactory { .. } | A::Checksum { .. } | A::Redirect { .. } => Kind::Peer,
            A::Local { .. } => Kind::Storage,
            A::Config(_) => Kind::Invalid,
        }
    },
    e.remedy()
);
op_error_from!(
    crate::clients::ssh::SshError,
    |e| {
        use crate::clients::ssh::SshError as S;
        match &e {
            S::Interrupted => Kind::Interrupted,
            S::Resolve { .. } | S::Connect { .. } | S::Timeout { .. } | S::Dropped { .. } => {
                Kind::Unreachable
            }
            S::Busy { .. } => Kind::Busy,
            S::HostKeyChanged { .. } | S::HostKeyUnknown { .. } => Kind::Untrusted,
            S::AuthFailed { .. } => Kind::Refused,
            S::NotFound { .. } => Kind::NotFound,
            S::PermissionDenied { .. } => Kind::Forbidden,
            S::TooLarge { .. } => Kind::Peer,
            _ => Kind::Unreachable,
        }
    },
    e.hint()
);
op_error_from!(
    crate::clients::cloud_connect::CcError,
    |e| e.kind(),
    e.remedy()
);
op_error_from!(
    crate::clients::smtp::SmtpError,
    |e| e.kind(),
    Some(e.remedy())
);
op_error_from!(
    crate::state::lock::LockError,
    |e| match &e {
        crate::state::lock::LockError::Held(_) => Kind::Busy,
        crate::state::lock::LockError::State(_) => Kind::Storage,
    },
    match &e {
        crate::state::lock::LockError::Held(_) =>
            Some("wait for it to finish, then run the command again".to_owned()),
        crate::state::lock::LockError::State(s) => s.hint(),
    }
);

/// Where the node's new secrets go, decided once at start by the front end: `--secret-store`,
/// and whether a D-Bus session (and so a Secret Service keyring) can be there at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stores {
    pub choice: Option<StoreKind>,
    pub dbus_session: bool,
}

/// One node as operations see it: its state directory and database, its secret stores, and
/// the token that cancels what runs.
pub struct Node {
    pub state: StateDir,
    pub stores: Stores,
    pub cancel: Cancel,
}

impl Node {
    pub fn new(state: StateDir, stores: Stores, cancel: Cancel) -> Node {
        Node {
            state,
            stores,
            cancel,
        }
    }
    pub fn root(&self) -> &Path {
        self.state.root()
    }
    pub fn db(&mut self) -> OpResult<&mut Db> {
        Ok(self.state.db()?)
    }
    /// The node's secrets, each in the store recorded for it; new ones where [`Stores`] says.
    pub fn secrets(&self) -> OpResult<NodeSecrets> {
        self.state.ensure()?;
        Ok(NodeSecrets::new(
            self.root(),
            self.stores.choice,
            self.stores.dbus_session,
        ))
    }
    /// The database and the secrets together, for operations that use both.
    pub fn db_and_secrets(&mut self) -> OpResult<(&mut Db, NodeSecrets)> {
        let secrets = self.secrets()?;
        Ok((self.db()?, secrets))
    }
    /// This node's identity; operations that run on one role only check it first.
    pub fn identity(&mut self) -> OpResult<crate::state::db::Node> {
        Ok(self.db()?.node()?)
    }
    /// Refuse on a VOS node, and with `publisher_only` on a subscriber (rule R6 in
    /// docs/rules.md#r6).
    pub fn require_cloud_connect(&mut self, publisher_only: bool) -> OpResult {
        use crate::domain::Role;
        match self.identity()?.role {
            Role::Vos => Err(OpError::new(
                Kind::WrongRole,
                "This command can only be run on a Cloud Connect node.",
            )
            .hint("this node's role is vos (see utils node show)")),
            Role::Subscriber if publisher_only => Err(OpError::new(
                Kind::WrongRole,
                "This command can only be run on the publisher node.",
            )),
            _ => Ok(()),
        }
    }
    /// Refuse on a Cloud Connect node: the command runs on a VOS cluster's publisher.
    /// Any VOS node (not only a cluster's publisher): its own software.
    pub fn require_vos_node(&mut self) -> OpResult {
        use crate::domain::Role;
        let role = self.identity()?.role;
        if role == Role::Vos {
            return Ok(());
        }
        Err(OpError::new(Kind::WrongRole, "This command runs on a VOS node.").hint(format!(
            "this node's role is {role} (see utils node show); on Cloud Connect: utils deployment show status"
        )))
    }

    pub fn require_vos(&mut self) -> OpResult {
        use crate::domain::Role;
        let role = self.identity()?.role;
        if role == Role::Vos {
            return Ok(());
        }
        Err(OpError::new(
            Kind::WrongRole,
            "This command runs on the publisher of a VOS cluster.",
        )
        .hint(format!(
            "this node's role is {role} (see utils node show); on a VOS node: utils node set --role vos --component ..."
        )))
    }

    /// Take the orchestration lock (rule R12 in docs/rules.md#r12) for `command`. The guard says
    /// whether a stale lock was taken over.
    pub fn orchestration_lock(&mut self, command: &str) -> OpResult<crate::state::lock::LockGuard> {
        let path = self.db()?.path().to_path_buf();
        Ok(crate::state::lock::acquire(
            &path,
            command,
            std::process::id(),
        )?)
    }
}
