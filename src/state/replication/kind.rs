//! The kinds of replicated state, and the triggers that log a publisher's writes to each.
//!
//! A kind has one text form ([`ReplKind::as_str`]): the change log, a subscriber's record of
//! the batches it applied, the digests two nodes compare and the metrics all name it so. The
//! SQL triggers that append to the change log are generated from the kinds ([`triggers`]), so
//! no kind is spelled by hand in SQL and a new kind is one variant and one [`Watched`] table.

use std::fmt::{self, Write as _};
use std::str::FromStr;

/// A kind of cluster-wide state: the unit the change log records and a batch carries whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReplKind {
    ApplicationUsers,
    Inventory,
    Onboarded,
    ImageRepository,
    /// The publisher's own `trust/` (files, not rows: logged by `Db::log_change`).
    Trust,
    Smtp,
    Signers,
    Settings,
}

impl ReplKind {
    /// Every kind, in the order batches, comparisons and metrics list them.
    pub const ALL: [ReplKind; 8] = [
        ReplKind::ApplicationUsers,
        ReplKind::Inventory,
        ReplKind::Onboarded,
        ReplKind::ImageRepository,
        ReplKind::Trust,
        ReplKind::Smtp,
        ReplKind::Signers,
        ReplKind::Settings,
    ];

    /// The kind's one text form, as the log, the record and the wire name it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReplKind::ApplicationUsers => "application-users",
            ReplKind::Inventory => "inventory",
            ReplKind::Onboarded => "onboarded",
            ReplKind::ImageRepository => "image-repository",
            ReplKind::Trust => "trust",
            ReplKind::Smtp => "smtp",
            ReplKind::Signers => "signers",
            ReplKind::Settings => "settings",
        }
    }

    /// The kind a text names, if it names one.
    pub fn parse(s: &str) -> Option<ReplKind> {
        ReplKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for ReplKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no kind of replicated state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a kind of replicated state")]
pub struct UnknownKind(pub String);

impl FromStr for ReplKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<ReplKind, UnknownKind> {
        ReplKind::parse(s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// A write to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::state) enum Event {
    Insert,
    Update,
    Delete,
}

impl Event {
    const fn sql(self) -> &'static str {
        match self {
            Event::Insert => "INSERT",
            Event::Update => "UPDATE",
            Event::Delete => "DELETE",
        }
    }

    const fn suffix(self) -> &'static str {
        match self {
            Event::Insert => "ins",
            Event::Update => "upd",
            Event::Delete => "del",
        }
    }

    /// The row a trigger of the event sees.
    const fn row(self) -> &'static str {
        match self {
            Event::Delete => "OLD",
            _ => "NEW",
        }
    }
}

/// Inserts, updates and deletes.
pub(in crate::state) const EVERY_WRITE: &[Event] = &[Event::Insert, Event::Update, Event::Delete];

/// What a write to a watched table logs.
#[derive(Debug, Clone, Copy)]
pub(in crate::state) enum Logs {
    /// Every write logs the kind.
    Kind(ReplKind),
    /// An added row is logged with its `id` as the entry's reference (a batch then carries
    /// only the rows added); any other write (`…_other_upd`, `…_del`) logs the kind alone,
    /// which means the whole table.
    Added(ReplKind),
    /// The secret slots: a slot's switch logs the kind of the setting it belongs to (the SMTP
    /// password's, [`ReplKind::Smtp`]; the hub token's, [`ReplKind::Settings`]); an update
    /// logs only when the slot names another secret.
    SecretSlots,
}

/// A table of cluster-wide state: on a publisher, every write to it (of `events`) appends to
/// the change log in the writing transaction.
#[derive(Debug, Clone, Copy)]
pub(in crate::state) struct Watched {
    /// The triggers are `repl_{name}_ins`, `repl_{name}_upd` and `repl_{name}_del`.
    pub name: &'static str,
    pub table: &'static str,
    pub logs: Logs,
    pub events: &'static [Event],
    /// Which rows are cluster-wide state, when not all are: a condition on the row, `{row}`
    /// standing for `NEW` (or `OLD`, for a delete).
    pub rows: Option<&'static str>,
}

/// The only condition under which anything is logged: this node is the publisher.
const ON_PUBLISHER: &str = "(SELECT role FROM node WHERE id = 1) = 'publisher'";

/// The SQL that creates `w`'s triggers, one statement per event.
pub(in crate::state) fn triggers(w: &Watched) -> String {
    let mut out = String::new();
    for &event in w.events {
        let row = event.row();
        let name = match (w.logs, event) {
            (Logs::Added(_), Event::Update) => format!("repl_{}_other_upd", w.name),
            _ => format!("repl_{}_{}", w.name, event.suffix()),
        };
        let mut when = String::new();
        if let Some(rows) = w.rows {
            when = format!("{} AND ", rows.replace("{row}", row));
        }
        if let (Logs::SecretSlots, Event::Update) = (w.logs, event) {
            when.push_str("OLD.name IS NOT NEW.name AND ");
        }
        let entry = match w.logs {
            Logs::Kind(kind) => format!(" (kind) VALUES ('{kind}')"),
            Logs::Added(kind) if event == Event::Insert => {
                format!(" (kind, ref) VALUES ('{kind}', NEW.id)")
            }
            Logs::Added(kind) => format!(" (kind) VALUES ('{kind}')"),
            Logs::SecretSlots => format!(
                " (kind)\n            VALUES (CASE {row}.slot WHEN '{}' THEN '{}' ELSE '{}' END)",
                crate::state::notify::PASSWORD_SLOT,
                ReplKind::Smtp,
                ReplKind::Settings
            ),
        };
        // The layout is the one the triggers were first written in by hand: SQLite keeps a
        // statement's text, so the same text keeps every database's schema alike.
        let _ = writeln!(
            out,
            "    CREATE TRIGGER {name} AFTER {} ON {}\n        WHEN {when}{ON_PUBLISHER}\n        BEGIN INSERT INTO replication_log{entry}; END;",
            event.sql(),
            w.table,
        );
    }
    out
}

/// Application users.
pub(in crate::state) const APP_USER: Watched = Watched {
    name: "app_user",
    table: "app_user",
    logs: Logs::Kind(ReplKind::ApplicationUsers),
    events: EVERY_WRITE,
    rows: None,
};

/// Inventory versions: one added is logged with its number.
pub(in crate::state) const INVENTORY_VERSION: Watched = Watched {
    name: "inventory",
    table: "inventory_version",
    logs: Logs::Added(ReplKind::Inventory),
    events: EVERY_WRITE,
    rows: None,
};

pub(in crate::state) const ONBOARDED_HOST: Watched = Watched {
    name: "onboarded",
    table: "onboarded_host",
    logs: Logs::Kind(ReplKind::Onboarded),
    events: EVERY_WRITE,
    rows: None,
};

pub(in crate::state) const IMAGE_REPOSITORY: Watched = Watched {
    name: "image_repository",
    table: "image_repository",
    logs: Logs::Kind(ReplKind::ImageRepository),
    events: EVERY_WRITE,
    rows: None,
};

pub(in crate::state) const SMTP_CONFIG: Watched = Watched {
    name: "smtp_config",
    table: "smtp_config",
    logs: Logs::Kind(ReplKind::Smtp),
    events: EVERY_WRITE,
    rows: None,
};

/// Subscribed addresses: a row is its key, so it is added or removed, never updated.
pub(in crate::state) const SMTP_SUBSCRIBER: Watched = Watched {
    name: "smtp_subscriber",
    table: "smtp_subscriber",
    logs: Logs::Kind(ReplKind::Smtp),
    events: &[Event::Insert, Event::Delete],
    rows: None,
};

pub(in crate::state) const PATCH_SIGNER: Watched = Watched {
    name: "patch_signer",
    table: "patch_signer",
    logs: Logs::Kind(ReplKind::Signers),
    events: EVERY_WRITE,
    rows: None,
};

/// Settings whose key starts with `shared.` are the cluster's; the others stay node-local.
pub(in crate::state) const SHARED_SETTING: Watched = Watched {
    name: "shared_setting",
    table: "setting",
    logs: Logs::Kind(ReplKind::Settings),
    events: EVERY_WRITE,
    rows: Some("{row}.key LIKE 'shared.%'"),
};

pub(in crate::state) const SECRET_SLOT: Watched = Watched {
    name: "secret_slot",
    table: "secret_slot",
    logs: Logs::SecretSlots,
    events: EVERY_WRITE,
    rows: None,
};

/// Every watched table.
#[cfg(test)]
pub(in crate::state) const WATCHED: &[Watched] = &[
    APP_USER,
    INVENTORY_VERSION,
    ONBOARDED_HOST,
    IMAGE_REPOSITORY,
    SMTP_CONFIG,
    SMTP_SUBSCRIBER,
    PATCH_SIGNER,
    SHARED_SETTING,
    SECRET_SLOT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_has_one_text_form_that_parses_back() {
        for k in ReplKind::ALL {
            assert_eq!(k.as_str().parse::<ReplKind>(), Ok(k));
            assert_eq!(k.to_string(), k.as_str());
        }
        let texts: std::collections::BTreeSet<&str> =
            ReplKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            texts.len(),
            ReplKind::ALL.len(),
            "no two kinds share a text"
        );
        assert_eq!(
            "users".parse::<ReplKind>(),
            Err(UnknownKind("users".into()))
        );
        assert_eq!(ReplKind::parse("Inventory"), None, "the text is exact");
    }

    /// Every kind but the files of `trust/` (logged by hand) is logged by a trigger, and every
    /// trigger names a kind in its one text form.
    #[test]
    fn every_kind_of_rows_is_logged_by_a_generated_trigger() {
        let sql: String = WATCHED.iter().map(triggers).collect();
        for k in ReplKind::ALL {
            let logged = sql.contains(&format!("'{k}'"));
            assert_eq!(logged, k != ReplKind::Trust, "{k}");
        }
        let statements = sql.matches("CREATE TRIGGER").count();
        let expected: usize = WATCHED.iter().map(|w| w.events.len()).sum();
        assert_eq!(statements, expected);
        assert_eq!(statements, 26);
    }
}
