//! How a node's step of an orchestration run stands: [`Outcome`] (how it ended) and
//! [`StepResult`] (running, or ended with an outcome). Each has one text form, its label
//! ("Done", "Already done", "Running" …), which is what the database stores, the other
//! Cloud Connect node is sent, and the tables show; it is parsed back through the same type,
//! so no part of the crate compares the text itself. Parsing also takes the kebab-case names
//! ("done", "already-done") that the JSON of a run's report uses, and any case.

use std::fmt;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How a node ended.
///
/// Its JSON in a run's report (`NodeResult`) is the kebab-case name (`"done"`), as that report
/// always gave it; everywhere else it is its label ([`Outcome::label`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Done now.
    Done,
    /// Found done already (an earlier run, or the interrupted one being resumed).
    AlreadyDone,
    /// The artifact does not apply to what the node runs.
    NotApplicable,
    Failed,
    /// Stopped (Ctrl-C, a lost connection) while its installer ran: the installer may still
    /// run on the node, so it is neither done nor failed; the same command waits for it.
    Interrupted,
    /// Not started: the run had stopped.
    Skipped,
}

/// Why a text is not a step's result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a step's result")]
pub struct NotAResult(pub String);

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Done,
        Outcome::AlreadyDone,
        Outcome::NotApplicable,
        Outcome::Failed,
        Outcome::Interrupted,
        Outcome::Skipped,
    ];

    /// Its one text form.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Done => "Done",
            Outcome::AlreadyDone => "Already done",
            Outcome::NotApplicable => "Not applicable",
            Outcome::Failed => "Failed",
            Outcome::Interrupted => "Interrupted",
            Outcome::Skipped => "Skipped",
        }
    }

    /// The kebab-case name of the report's JSON.
    fn json_name(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::AlreadyDone => "already-done",
            Outcome::NotApplicable => "not-applicable",
            Outcome::Failed => "failed",
            Outcome::Interrupted => "interrupted",
            Outcome::Skipped => "skipped",
        }
    }

    /// Its label or its JSON name, in any case.
    pub fn parse(s: &str) -> Result<Outcome, NotAResult> {
        Outcome::ALL
            .into_iter()
            .find(|o| s.eq_ignore_ascii_case(o.label()) || s.eq_ignore_ascii_case(o.json_name()))
            .ok_or_else(|| NotAResult(s.to_owned()))
    }

    /// Whether the node has what was meant (done now or before).
    pub fn ok(self) -> bool {
        matches!(self, Outcome::Done | Outcome::AlreadyDone)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A recorded step's result: running, or how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StepResult {
    /// Its change has begun and its end is not recorded (the default of a new step).
    #[default]
    Running,
    Ended(Outcome),
}

impl StepResult {
    /// The text of [`StepResult::Running`].
    pub const RUNNING: &'static str = "Running";

    /// Its one text form.
    pub fn label(self) -> &'static str {
        match self {
            StepResult::Running => StepResult::RUNNING,
            StepResult::Ended(o) => o.label(),
        }
    }

    /// Its label, or an outcome's JSON name (`running` too), in any case.
    pub fn parse(s: &str) -> Result<StepResult, NotAResult> {
        if s.eq_ignore_ascii_case(StepResult::RUNNING) {
            return Ok(StepResult::Running);
        }
        Outcome::parse(s).map(StepResult::Ended)
    }

    /// How it ended, if it did.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            StepResult::Running => None,
            StepResult::Ended(o) => Some(o),
        }
    }
}

impl From<Outcome> for StepResult {
    fn from(o: Outcome) -> StepResult {
        StepResult::Ended(o)
    }
}

impl PartialEq<Outcome> for StepResult {
    fn eq(&self, other: &Outcome) -> bool {
        *self == StepResult::Ended(*other)
    }
}

/// Compared with a text by parsing it (so "done" and "Done" are the same result).
impl PartialEq<&str> for StepResult {
    fn eq(&self, other: &&str) -> bool {
        StepResult::parse(other).is_ok_and(|r| r == *self)
    }
}

impl fmt::Display for StepResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl std::str::FromStr for StepResult {
    type Err = NotAResult;
    fn from_str(s: &str) -> Result<StepResult, NotAResult> {
        StepResult::parse(s)
    }
}

impl Serialize for StepResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for StepResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<StepResult, D::Error> {
        let s = String::deserialize(d)?;
        StepResult::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl ToSql for StepResult {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.label()))
    }
}

impl FromSql for StepResult {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<StepResult> {
        StepResult::parse(v.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every result's label is read back as itself; the JSON names and old spellings too.
    #[test]
    fn a_step_result_has_one_text_form_and_reads_the_old_ones() {
        for o in Outcome::ALL {
            assert_eq!(StepResult::parse(o.label()), Ok(StepResult::Ended(o)));
            assert_eq!(StepResult::parse(o.json_name()), Ok(StepResult::Ended(o)));
            assert_eq!(StepResult::Ended(o).to_string(), o.label());
        }
        assert_eq!(StepResult::parse("Running"), Ok(StepResult::Running));
        assert_eq!(StepResult::parse("done"), Ok(Outcome::Done.into()));
        assert_eq!(
            StepResult::parse("ALREADY DONE"),
            Ok(Outcome::AlreadyDone.into())
        );
        assert!(StepResult::parse("Finished").is_err());
        assert!(StepResult::Ended(Outcome::Done) == "done");
        assert!(StepResult::Running != "Done");
        let json = serde_json::to_string(&StepResult::Ended(Outcome::AlreadyDone)).unwrap();
        assert_eq!(json, "\"Already done\"");
        assert_eq!(
            serde_json::from_str::<StepResult>("\"not-applicable\"").unwrap(),
            StepResult::Ended(Outcome::NotApplicable)
        );
        assert!(serde_json::from_str::<StepResult>("\"Nope\"").is_err());
        // The report's JSON keeps its kebab-case names.
        assert_eq!(
            serde_json::to_string(&Outcome::AlreadyDone).unwrap(),
            "\"already-done\""
        );
    }
}
