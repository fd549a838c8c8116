//! Running a command on a connection, within a deadline, its output bounded.

use std::io::Read;
use std::time::{Duration, Instant};

use ssh2::ErrorCode;

use crate::cancel::Cancel;

use super::*;

impl Connection {
    /// The server's host key as a known_hosts key (`ssh-ed25519 AAAA…`).
    pub fn host_key_line(&self) -> Option<String> {
        host_key_line(&self.session)
    }

    /// Run `command` and return its exit status and output, within `deadline`.
    pub fn run(
        &self,
        command: &str,
        deadline: Instant,
        budget: Duration,
    ) -> Result<(i32, String), SshError> {
        let endpoint = self.endpoint.to_string();
        let secs = budget.as_secs().max(1);
        let left = remaining(deadline).ok_or(SshError::Timeout {
            endpoint: endpoint.clone(),
            stage: "remote command",
            secs,
        })?;
        self.session
            .set_timeout(left.as_millis().clamp(1, u32::MAX as u128) as u32);
        let fired = || self.deadline.as_ref().is_some_and(DeadlineGuard::fired);
        let fail = |e: ssh2::Error| match e.code() {
            _ if fired() => SshError::Timeout {
                endpoint: endpoint.clone(),
                stage: "remote command",
                secs,
            },
            ErrorCode::Session(libssh2_sys::LIBSSH2_ERROR_TIMEOUT) => SshError::Timeout {
                endpoint: endpoint.clone(),
                stage: "remote command",
                secs,
            },
            _ => SshError::Sftp {
                endpoint: endpoint.clone(),
                op: "exec",
                path: command.to_owned(),
                reason: e.message().to_owned(),
            },
        };
        let mut ch = self.session.channel_session().map_err(fail)?;
        ch.exec(command).map_err(fail)?;
        // The peer's output is bounded: a command that prints more is cut off and failed.
        let mut raw = Vec::new();
        (&mut ch)
            .take(MAX_COMMAND_OUTPUT + 1)
            .read_to_end(&mut raw)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::TimedOut || fired() {
                    SshError::Timeout {
                        endpoint: endpoint.clone(),
                        stage: "remote command",
                        secs,
                    }
                } else {
                    SshError::Dropped {
                        endpoint: endpoint.clone(),
                        op: "exec",
                        path: command.to_owned(),
                        reason: e.to_string(),
                    }
                }
            })?;
        if raw.len() as u64 > MAX_COMMAND_OUTPUT {
            let _ = ch.close();
            return Err(SshError::TooLarge {
                endpoint: endpoint.clone(),
                path: command.to_owned(),
                limit: MAX_COMMAND_OUTPUT,
            });
        }
        let out = String::from_utf8_lossy(&raw).into_owned();
        ch.wait_close().map_err(fail)?;
        Ok((ch.exit_status().map_err(fail)?, out))
    }
}

impl Connection {
    /// `run`, ended at once by a cancellation (Ctrl-C): the connection is shut.
    pub fn run_cancellable(
        &self,
        command: &str,
        deadline: Instant,
        budget: Duration,
        cancel: &Cancel,
    ) -> Result<(i32, String), SshError> {
        let _watch = self.watch(cancel);
        let r = self.run(command, deadline, budget);
        if cancel.is_cancelled() {
            return Err(SshError::Interrupted);
        }
        r
    }
}

/// The most output a remote command may print.
pub const MAX_COMMAND_OUTPUT: u64 = 1024 * 1024;
