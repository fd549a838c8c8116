//! `file list activelog`: the entries of the node's log directory, or of a directory, file or
//! pattern under it.

use clap::Args;
use serde_json::json;

use crate::context::Ctx;
use crate::errors::CmdResult;
use crate::ops::logs::{self, Order};
use crate::output::one_line;

/// List the node's log files and directories
///
/// DIR is a directory under the log directory (nothing or `/`: the log directory itself), a
/// file, or a pattern in its last part (`orchestration-audit/audit.log*`; `*` any characters,
/// `?` one). Names are listed in name order, directories ending in `/`; --detail adds the date
/// and time (UTC) and the size, as Cisco's `file list activelog ... detail` shows them.
/// `..`, absolute paths and symbolic links are refused.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Examples:\n  admin:file list activelog\n  admin:file list activelog orchestration-audit --detail --date"
)]
pub struct FileListActivelogArgs {
    /// Directory, file or pattern under the log directory [default: the log directory]
    #[arg(value_name = "DIR")]
    pub dir: Option<String>,
    /// Sort by date, oldest first
    #[arg(long, conflicts_with = "size")]
    pub date: bool,
    /// Sort by size, smallest first
    #[arg(long)]
    pub size: bool,
    /// Reverse the order
    #[arg(long)]
    pub reverse: bool,
    /// Long listing: date and time (UTC), size and name
    #[arg(long)]
    pub detail: bool,
}

/// `1234567` as `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn cmd_file_list_activelog(ctx: &mut Ctx, args: FileListActivelogArgs) -> CmdResult {
    let spec = args.dir.as_deref().unwrap_or("/");
    let order = match (args.date, args.size) {
        (true, _) => Order::Date,
        (_, true) => Order::Size,
        _ => Order::Name,
    };
    let entries = logs::list(ctx.node.root(), spec, order, args.reverse)?;
    if ctx.ui.json_output() {
        ctx.ui.json(&json!({
            "path": spec.trim_matches('/'),
            "entries": entries,
        }))?;
        return Ok(());
    }
    let dirs = entries.iter().filter(|e| e.kind == "dir").count();
    let mut text = Vec::new();
    for e in &entries {
        // The last part only, as Cisco lists a directory; a pattern's matches likewise.
        let name = one_line(e.name.rsplit('/').next().unwrap_or(&e.name)).into_owned();
        let name = match e.kind {
            // The detail listing says `<dir>` instead.
            "dir" if !args.detail => format!("{name}/"),
            "link" => format!("{name}@"),
            _ => name,
        };
        if args.detail {
            let when = jiff::Timestamp::from_second(e.mtime)
                .map(|t| t.strftime("%d %b,%Y %H:%M:%S").to_string())
                .unwrap_or_default();
            let size = match e.kind {
                "dir" => "<dir>".to_owned(),
                _ => grouped(e.size),
            };
            text.push(format!("{when} {size:>14}   {name}"));
        } else {
            text.push(name);
        }
    }
    text.push(format!(
        "dir count = {dirs}, file count = {}",
        entries.len() - dirs
    ));
    ctx.ui.line(&text.join("\n"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_are_grouped_in_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(10485760), "10,485,760");
    }
}
