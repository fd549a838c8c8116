//! Why a catalogue, a probe or a probe's answer is refused, and why what a Windows host runs
//! cannot be told: typed, each with the text the administrator reads.

use thiserror::Error;

use super::{CATALOGUE, MAX_CATALOGUE, MAX_LINE, MAX_LINES, MAX_OUTPUT, MAX_PATCHES, MAX_PRODUCTS};
use crate::clients::ssh::SshError;
use crate::ops::software::{RecordError, WINDOWS_RECORD};

/// Why one probe of a catalogue is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProbeInvalid {
    #[error("its {what} is empty, longer than {max}, or holds control characters")]
    Text { what: &'static str, max: usize },
    #[error("its patches key name is a path; give the key's own name")]
    PatchesKeyIsPath,
}

/// Why a catalogue's text is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogueError {
    #[error("larger than {MAX_CATALOGUE} bytes")]
    TooLarge,
    /// The JSON parser's message, escaped for a terminal.
    #[error("{0}")]
    Json(String),
    #[error("more than {MAX_PRODUCTS} products")]
    TooManyProducts,
    #[error("a product name is empty, longer than 64, or holds control characters")]
    ProductName,
    #[error("the probe of {product}: {why}")]
    Probe { product: String, why: ProbeInvalid },
}

/// Why a catalogue that is there is not used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    #[error("cannot be read: {0}")]
    Unreadable(String),
    #[error("has no signature ({CATALOGUE}.minisig beside it)")]
    Unsigned,
    /// The signer's key id, escaped for a terminal.
    #[error("is signed by a key this cluster does not trust ({0})")]
    UnknownKey(String),
    #[error("does not match its signature (changed after signing?)")]
    Mismatch,
    #[error("is not valid: {0}")]
    Invalid(CatalogueError),
}

/// A catalogue refused: its path (escaped for a terminal) and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the product catalogue {path}: {why}")]
pub struct Refused {
    pub path: String,
    pub why: Refusal,
}

/// Why a probe's answer is not valid. A name the catalogue gave is escaped for a terminal.
#[derive(Debug, Error)]
pub enum AnswerError {
    #[error("it printed more than {MAX_OUTPUT} bytes")]
    TooLarge,
    #[error("it printed more than {MAX_LINES} lines")]
    TooManyLines,
    #[error("line {0} is longer than {MAX_LINE} characters")]
    LineTooLong(usize),
    #[error("line {0} holds control characters")]
    ControlCharacters(usize),
    #[error("line {0} is a key path with an empty component")]
    EmptyKeyComponent(usize),
    #[error("it lists more than {MAX_PATCHES} patches")]
    TooManyPatches,
    #[error("line {0} is not a registry value (NAME    TYPE    DATA)")]
    NotAValue(usize),
    #[error("line {0} is a value before any key")]
    ValueBeforeKey(usize),
    #[error("the value {name} is a {kind}, not a string")]
    NotAString { name: String, kind: String },
    #[error("the value {name} is given twice, with different versions")]
    TwoVersions { name: String },
    #[error("line {0} is neither a registry key nor a value")]
    Unreadable(usize),
    #[error("it has no value named {name} (outside the patches key)")]
    NoVersion { name: String },
    /// What was found is not within a record's bounds.
    #[error("{0}")]
    Record(RecordError),
}

/// What went wrong running a probe on a host.
#[derive(Debug, Error)]
pub enum ProbeFailure {
    #[error("printed more than {MAX_OUTPUT} bytes; nothing was read")]
    TooLarge,
    #[error("could not run: {0}")]
    Run(Box<SshError>),
    /// The exit status and the end of what it printed (escaped, at most 200 characters).
    #[error("exited with {code}: {tail}")]
    Exit { code: i32, tail: String },
    #[error("answered something that is not valid: {0}")]
    Answer(AnswerError),
}

/// A probe that failed on a host: which product's probe, which host, and what went wrong.
#[derive(Debug, Error)]
#[error("the {product} probe of the signed catalogue on {host} {failure}")]
pub struct ProbeError {
    pub host: String,
    pub product: String,
    pub failure: ProbeFailure,
}

/// Why what a Windows host runs cannot be told.
#[derive(Debug, Error)]
pub enum InstalledError {
    #[error("cannot tell what {host} runs: {refused}; get a catalogue signed by a trusted signer (utils patch-manager signer list) into the artifacts")]
    Refused { host: String, refused: Refused },
    #[error("cannot tell what {host} runs: no signed product catalogue ({CATALOGUE}) was downloaded and the host has no {WINDOWS_RECORD}; download the catalogue with the artifacts ({CATALOGUE} and {CATALOGUE}.minisig under the artifacts directory), or record what the host runs in {WINDOWS_RECORD} in its orchestration account's home")]
    NoCatalogue { host: String },
    #[error("cannot tell what {host} runs: the signed catalogue has no probe for {product} and the host has no {WINDOWS_RECORD}; download a catalogue ({CATALOGUE}) with a probe for {product}, or record what the host runs in {WINDOWS_RECORD} in its orchestration account's home")]
    NoProbe { host: String, product: String },
    #[error(transparent)]
    Probe(#[from] ProbeError),
}
