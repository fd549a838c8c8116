//! `run sql <select>`: read-only SQL over the node's tables, VOS style; the query runs in
//! `ops::sql`, this renders its answer as a table or JSON.

use clap::Args;
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::sql::{self, Cell};
use crate::output::vos_table;

/// Run a read-only SQL query over this node's tables
///
/// The tables are named as on VOS: applicationuser (pkid, name, isstandard), processnode,
/// auditlog, inventoryversion, onboardedhost, secretlocation. Only SELECT statements run; the
/// query is taken as typed, quotes included.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  admin:run sql select name, isstandard from applicationuser where name like 'cc%'"
)]
pub struct RunSqlArgs {
    /// The SELECT statement
    #[arg(value_name = "SELECT", required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
    pub query: Vec<String>,
}

fn json_value(v: &Cell) -> Value {
    match v {
        Cell::Null => Value::Null,
        Cell::Integer(i) => json!(i),
        Cell::Real(f) => json!(f),
        Cell::Text(t) => json!(t),
        Cell::Blob(b) => json!(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

fn text_value(v: &Cell) -> String {
    match v {
        Cell::Null => "NULL".to_owned(),
        Cell::Integer(i) => i.to_string(),
        Cell::Real(f) => f.to_string(),
        Cell::Text(t) => t.clone(),
        Cell::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

pub fn cmd_run_sql(ctx: &mut Ctx, args: RunSqlArgs) -> CmdResult {
    let answer = sql::query(&mut ctx.node, &args.query.join(" "))?;
    if ctx.ui.json_output() {
        let rows: Vec<Value> = answer
            .rows
            .iter()
            .map(|row| {
                let obj: Map<String, Value> = answer
                    .columns
                    .iter()
                    .cloned()
                    .zip(row.iter().map(json_value))
                    .collect();
                Value::Object(obj)
            })
            .collect();
        ctx.ui
            .json(&json!({ "columns": answer.columns, "rows": rows }))?;
    } else {
        let headers: Vec<&str> = answer.columns.iter().map(String::as_str).collect();
        let rows: Vec<Vec<String>> = answer
            .rows
            .iter()
            .map(|r| r.iter().map(text_value).collect())
            .collect();
        ctx.ui.line(&vos_table(&headers, &rows))?;
    }
    Ok(())
}
