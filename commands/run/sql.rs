//! `run sql <select>`: read-only SQL over the node's tables, VOS style.
//!
//! Read-only by construction, three times over: the connection is opened read-only by SQLite,
//! `query_only` is on, and an authorizer allows nothing but reading (no ATTACH, no PRAGMA, no
//! write of any kind) and never the password-hash column, by any path (a view, a CTE, a subquery, a function).

use std::sync::{Arc, Mutex};

use clap::Args;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::ValueRef;
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError};
use crate::output::vos_table;
use crate::state::db::open_read_only;

/// Columns that no query may read directly.
const HIDDEN_COLUMNS: &[(&str, &str)] = &[("app_user", "password_hash")];
/// Virtual tables that read the file's pages beneath the column checks.
const RAW_TABLES: &[&str] = &["sqlite_dbpage", "dbstat"];

/// Run a read-only SQL query over this node's tables
///
/// The tables are named as on VOS: applicationuser (pkid, name, isstandard), processnode,
/// auditlog. Only SELECT statements run; the query is taken as typed, quotes included.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:run sql select name, isstandard from applicationuser where name like 'cc%'"
)]
pub struct RunSqlArgs {
    /// The SELECT statement
    #[arg(value_name = "SELECT", required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
    pub query: Vec<String>,
}

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

fn json_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => json!(i),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

fn text_value(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => "NULL".to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

pub fn cmd_run_sql(ctx: &mut Ctx, args: RunSqlArgs) -> CmdResult {
    let sql = args.query.join(" ");
    // Make sure the database exists and is migrated; the query itself uses its own connection.
    let path = ctx.db()?.path().to_path_buf();
    let mut conn = open_read_only(&path)?;
    let denied = Arc::new(Mutex::new(None::<String>));
    let d = Arc::clone(&denied);
    conn.authorizer(Some(move |a: AuthContext<'_>| authorize(&d, a)))
        .map_err(crate::state::StateError::from)?;
    let cancel = ctx.node.cancel.clone();
    conn.progress_handler(10_000, Some(move || cancel.is_cancelled()))
        .map_err(crate::state::StateError::from)?;

    let sql_error = |e: rusqlite::Error| {
        if let Some(why) = denied.lock().ok().and_then(|d| d.clone()) {
            return CommandError::failed(format!("not allowed: {why}"))
                .with_hint("run sql only reads; change state with the utils commands");
        }
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            if f.code == rusqlite::ErrorCode::OperationInterrupted {
                return CommandError::interrupted();
            }
        }
        let msg = match &e {
            rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
            rusqlite::Error::MultipleStatement => "only one statement may be given".to_owned(),
            other => other.to_string(),
        };
        CommandError::failed(format!("the query failed: {msg}"))
            .with_hint("the tables are applicationuser, processnode and auditlog (select name from sqlite_master)")
    };

    let mut stmt = conn.prepare(&sql).map_err(sql_error)?;
    let columns: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
    let mut rows = stmt.query([]).map_err(sql_error)?;
    let json_out = ctx.ui.json_output();
    let mut text_rows: Vec<Vec<String>> = Vec::new();
    let mut json_rows: Vec<Value> = Vec::new();
    while let Some(row) = rows.next().map_err(sql_error)? {
        if json_out {
            let mut obj = Map::new();
            for (i, c) in columns.iter().enumerate() {
                obj.insert(c.clone(), json_value(row.get_ref(i).map_err(sql_error)?));
            }
            json_rows.push(Value::Object(obj));
        } else {
            text_rows.push(
                (0..columns.len())
                    .map(|i| row.get_ref(i).map(text_value))
                    .collect::<Result<_, _>>()
                    .map_err(sql_error)?,
            );
        }
    }
    if json_out {
        ctx.ui
            .json(&json!({ "columns": columns, "rows": json_rows }))?;
    } else {
        let headers: Vec<&str> = columns.iter().map(String::as_str).collect();
        ctx.ui.line(&vos_table(&headers, &text_rows))?;
    }
    Ok(())
}
