//! `run sql`: read-only SQL over the node's tables, VOS style.
//!
//! Read-only by construction, three times over: the connection is opened read-only by SQLite,
//! `query_only` is on, and an authorizer allows nothing but reading (no ATTACH, no PRAGMA, no
//! write of any kind) and never the password-hash column, by any path (a view, a CTE, a
//! subquery, a function).

use std::sync::{Arc, Mutex};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::ValueRef;

use super::{Kind, Node, OpError, OpResult};
use crate::state::db::open_read_only;

/// The tables a query is meant to read (views named as on VOS).
pub const TABLES: &[&str] = &[
    "applicationuser",
    "processnode",
    "auditlog",
    "inventoryversion",
    "onboardedhost",
    "secretlocation",
];

/// Columns that no query may read directly.
const HIDDEN_COLUMNS: &[(&str, &str)] = &[("app_user", "password_hash")];
/// Virtual tables that read the file's pages beneath the column checks.
const RAW_TABLES: &[&str] = &["sqlite_dbpage", "dbstat"];

fn authorize(denied: &Mutex<Option<String>>, ctx: AuthContext<'_>) -> Authorization {
    let why = match ctx.action {
        AuthAction::Select | AuthAction::Recursive | AuthAction::Function { .. } => {
            return Authorization::Allow
        }
        AuthAction::Read {
            table_name,
            column_name,
        } => {
            // Whatever the path (a view, a CTE, a subquery, a function's argument), SQLite
            // reports the read of the underlying column here, so the check holds for all.
            if HIDDEN_COLUMNS.contains(&(table_name, column_name)) {
                format!("the column {table_name}.{column_name} cannot be read; query the applicationuser view instead")
            } else if RAW_TABLES.contains(&table_name) {
                format!(
                    "the table {table_name} exposes the database's raw pages and cannot be read"
                )
            } else {
                return Authorization::Allow;
            }
        }
        AuthAction::Attach { .. } | AuthAction::Detach { .. } => {
            "ATTACH and DETACH are not allowed".to_owned()
        }
        AuthAction::Pragma { pragma_name, .. } => format!("PRAGMA {pragma_name} is not allowed"),
        AuthAction::Insert { table_name } => {
            format!("only SELECT statements run here; this one would insert into {table_name}")
        }
        AuthAction::Update { table_name, .. } => {
            format!("only SELECT statements run here; this one would update {table_name}")
        }
        AuthAction::Delete { table_name } => {
            format!("only SELECT statements run here; this one would delete from {table_name}")
        }
        _ => "only SELECT statements run here; this one would change the database".to_owned(),
    };
    if let Ok(mut d) = denied.lock() {
        d.get_or_insert(why);
    }
    Authorization::Deny
}

/// One value of an answer, as SQLite typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<ValueRef<'_>> for Cell {
    fn from(v: ValueRef<'_>) -> Cell {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Integer(i),
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
        }
    }
}

/// A query's answer: its column names and rows.
pub struct Answer {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Run one read-only statement; `node.cancel` interrupts a long one.
pub fn query(node: &mut Node, sql: &str) -> OpResult<Answer> {
    // Make sure the database exists and is migrated; the query itself uses its own connection.
    let path = node.db()?.path().to_path_buf();
    let mut conn = open_read_only(&path)?;
    let denied = Arc::new(Mutex::new(None::<String>));
    let d = Arc::clone(&denied);
    conn.authorizer(Some(move |a: AuthContext<'_>| authorize(&d, a)))
        .map_err(crate::state::StateError::from)?;
    let cancel = node.cancel.clone();
    conn.progress_handler(10_000, Some(move || cancel.is_cancelled()))
        .map_err(crate::state::StateError::from)?;
    let sql_error = |e: rusqlite::Error| {
        if let Some(why) = denied.lock().ok().and_then(|d| d.clone()) {
            return OpError::new(Kind::Forbidden, format!("not allowed: {why}"))
                .hint("run sql only reads; change state with the utils commands");
        }
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            if f.code == rusqlite::ErrorCode::OperationInterrupted {
                return OpError::interrupted();
            }
        }
        let msg = match &e {
            rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
            rusqlite::Error::MultipleStatement => "only one statement may be given".to_owned(),
            other => other.to_string(),
        };
        OpError::new(Kind::Failed, format!("the query failed: {msg}")).hint(format!(
            "the tables are {} (select name from sqlite_master where type = 'view')",
            TABLES.join(", ")
        ))
    };
    let mut stmt = conn.prepare(sql).map_err(sql_error)?;
    let columns: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
    let mut rows = stmt.query([]).map_err(sql_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sql_error)? {
        out.push(
            (0..columns.len())
                .map(|i| row.get_ref(i).map(Cell::from))
                .collect::<Result<_, _>>()
                .map_err(sql_error)?,
        );
    }
    Ok(Answer { columns, rows: out })
}
