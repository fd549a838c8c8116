//! A signed per-product command set (`icm-services.json`, `ms-patches.json`): how a Windows
//! host's services are started or its Microsoft updates listed, installed and removed is data
//! the publisher signs, like the product catalogue's probes. This module finds such a file
//! under the downloaded artifacts, verifies its detached minisign signature against the
//! cluster's trusted signers, and checks its text (bounded, unknown fields refused, every
//! command bounded and free of control characters), so each user of a set only adds what is
//! its own.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use thiserror::Error;

use super::{Kind, Node, OpError, OpResult};
use crate::text::terminal_safe;

/// The largest set file.
pub const MAX_SET: u64 = 256 * 1024;
/// The longest command.
pub const MAX_COMMAND: usize = 1024;

/// One product's commands: each by the name the set gives it (`status`, `start` …).
pub trait CommandSet {
    fn commands(&self) -> Vec<(&'static str, &str)>;
}

/// Why a command set's text is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SetError {
    #[error("larger than {MAX_SET} bytes")]
    TooLarge,
    #[error("{0}")]
    Json(String),
    #[error("a product name is empty, longer than 64, or holds control characters")]
    ProductName,
    #[error("the {what} command of {product} is empty, longer than {MAX_COMMAND}, or holds control characters")]
    Command { product: String, what: &'static str },
    #[error("the {what} command of {product} {why}")]
    Rule {
        product: String,
        what: &'static str,
        why: &'static str,
    },
}

/// Parse and check a command set's text.
pub fn parse<C: DeserializeOwned + CommandSet>(
    data: &[u8],
) -> Result<BTreeMap<String, C>, SetError> {
    if data.len() as u64 > MAX_SET {
        return Err(SetError::TooLarge);
    }
    let set: BTreeMap<String, C> = serde_json::from_slice(data)
        .map_err(|e| SetError::Json(terminal_safe(&e.to_string()).into_owned()))?;
    for (name, c) in &set {
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(SetError::ProductName);
        }
        for (what, s) in c.commands() {
            if s.trim().is_empty()
                || s.chars().count() > MAX_COMMAND
                || s.chars().any(char::is_control)
            {
                return Err(SetError::Command {
                    product: name.clone(),
                    what,
                });
            }
        }
    }
    Ok(set)
}

/// A set file whose signature is trusted: its bytes, and how to refuse it (its text is not
/// valid) naming it as the other refusals do.
pub struct Verified {
    pub data: Vec<u8>,
    label: String,
    shown: String,
    hint: String,
}

impl Verified {
    pub fn refused(&self, why: impl std::fmt::Display) -> OpError {
        refusal(&self.label, &self.shown, &self.hint, why)
    }
}

fn refusal(label: &str, shown: &str, hint: &str, why: impl std::fmt::Display) -> OpError {
    OpError::new(
        Kind::Untrusted,
        format!("the {label} command set {shown} {why}"),
    )
    .hint(hint.to_owned())
}

/// The set file `name` from the downloaded artifacts, its signature verified; `label` names it
/// in messages (`ICM services`). A set that is missing, unsigned, signed by a key this cluster
/// does not trust or changed after signing is refused with the reason.
pub fn load(node: &mut Node, name: &str, label: &str) -> OpResult<Verified> {
    let dir = node.root().join("artifacts");
    let hint = format!("download {name} and {name}.minisig, signed by a trusted signer (utils patch-manager signer list), with the artifacts");
    let Some(path) = super::patches::find_files(&dir, name)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == name))
    else {
        return Err(OpError::new(
            Kind::NotConfigured,
            format!("no signed {label} command set ({name}) was downloaded"),
        )
        .hint(hint));
    };
    let shown = terminal_safe(&path.display().to_string()).into_owned();
    let refused = |why: String| refusal(label, &shown, &hint, why);
    let data = crate::state::read_bounded(&path, MAX_SET)
        .map_err(|e| refused(format!("cannot be read: {e}")))?;
    let sig = crate::state::read_bounded(
        &PathBuf::from(format!("{}.minisig", path.display())),
        super::signing::MAX_SIGNATURE,
    )
    .ok()
    .map(|b| String::from_utf8_lossy(&b).into_owned());
    let signers = node.db()?.signers()?;
    match super::signing::verify(&data, sig.as_deref(), &signers) {
        super::signing::Verdict::Trusted { .. } => {}
        super::signing::Verdict::Unsigned => {
            return Err(refused(format!(
                "has no signature ({name}.minisig beside it)"
            )))
        }
        super::signing::Verdict::UnknownKey { key_id } => {
            return Err(refused(format!(
                "is signed by a key this cluster does not trust ({})",
                terminal_safe(&key_id)
            )))
        }
        super::signing::Verdict::Invalid => {
            return Err(refused(
                "does not match its signature (changed after signing?)".into(),
            ))
        }
    }
    Ok(Verified {
        data,
        label: label.to_owned(),
        shown,
        hint,
    })
}
