//! Text forms with no terminal behind them: escaping a peer's words so a terminal or a log shows
//! them rather than acts on them ([`terminal_safe`], [`one_line`]), and the VOS layouts of tables
//! and key/value blocks. Pure functions of their input, in the foundation layer so that clients,
//! operations and servers escape and lay out text without importing `output`, the console's door
//! to stdout and stderr (which re-exports these names).

/// Whether a terminal would act on `c` rather than show it (newline and tab excepted).
pub fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that a terminal would act on shown escaped instead (`\u{1b}`):
/// control characters other than newline and tab, C1 controls, line and paragraph separators,
/// and bidirectional overrides. Peer-supplied text (names, error bodies) goes to the terminal
/// only through this, so it can neither move the cursor nor disguise itself.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    escaped(text, acts_on_terminal)
}

/// `text` as one line: everything [`terminal_safe`] escapes, and newline and tab too. The one
/// rule for a peer's string (a hub's display name or answer, a node's report) shown on a line of
/// its own or written to a log: it can never start a line that looks like ours.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    escaped(text, |c| acts_on_terminal(c) || c.is_control())
}

/// `text` with the characters `escape` picks written as `\u{…}`.
fn escaped(text: &str, escape: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(&escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if escape(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Render rows as the VOS console does: lower-case header, a `=` underline per column, columns
/// aligned and separated by one space.
pub fn vos_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    use comfy_table::{CellAlignment, ContentArrangement, Table};
    let mut t = Table::new();
    // Only the header underline is drawn; columns are separated by their one-blank padding.
    t.load_preset("     =             ")
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.iter().map(|h| h.to_lowercase()));
    for r in rows {
        t.add_row(r);
    }
    for col in t.column_iter_mut() {
        col.set_padding((0, 1));
        col.set_cell_alignment(CellAlignment::Left);
    }
    // comfy-table underlines the padding too; VOS underlines each column on its own.
    let underline = t
        .column_max_content_widths()
        .iter()
        .map(|w| "=".repeat(*w as usize))
        .collect::<Vec<_>>()
        .join(" ");
    t.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                underline.clone()
            } else {
                l.trim_end().to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Upper-case headers and aligned columns separated by two blanks, nothing drawn (the layout
/// of `test-connection`, rule R10 in docs/rules.md#r10).
pub fn plain_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    use comfy_table::{ContentArrangement, Table};
    let mut t = Table::new();
    t.load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.iter().copied());
    for r in rows {
        t.add_row(r);
    }
    for col in t.column_iter_mut() {
        col.set_padding((0, 2));
    }
    t.lines()
        .map(|l| l.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `Key : value` lines with the colons aligned, as VOS `show` commands print them.
pub fn kv_block(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| format!("{k:width$} : {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Bytes as lower-case hex (digests, fingerprints, random tokens).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `data`, hex.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(data))
}
