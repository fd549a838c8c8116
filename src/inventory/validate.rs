//! Validation of `inventory.conf` (rule R9 in docs/rules.md#r9). Every problem is reported, each
//! with its line and column, what is wrong and what to do; nothing is accepted unless the whole
//! file is valid.
//!
//! Text-level problems (byte-order mark, non-UTF-8 bytes, CRLF endings, tabs) are found before
//! the YAML parser runs, so they get their own messages instead of a parser's puzzle.

use std::collections::HashMap;

use super::model::*;
use super::yaml::{self, Entry, Node, Pos, Value};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub remedy: String,
}

/// `FILE:LINE:COL: message` and an indented remedy, one problem after the other.
pub fn render_problems(file: &str, problems: &[Problem]) -> String {
    let mut s = String::new();
    for p in problems {
        s.push_str(&format!(
            "{file}:{}:{}: {}\n    remedy: {}\n",
            p.line, p.col, p.message, p.remedy
        ));
    }
    s
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
    /// Host names seen so far (lower case), with where.
    hosts: HashMap<String, Pos>,
}

fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| {
            (
                strsim::damerau_levenshtein(&word.to_lowercase(), &k.to_lowercase()),
                *k,
            )
        })
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Validator {
    fn push(&mut self, pos: Pos, message: impl Into<String>, remedy: impl Into<String>) {
        self.problems.push(Problem {
            line: pos.line,
            col: pos.col,
            message: message.into(),
            remedy: remedy.into(),
        });
    }

    /// The entries of a mapping, or a problem saying what `what` should have been.
    fn map<'a>(&mut self, node: &'a Node, what: &str, remedy: &str) -> Option<&'a [Entry]> {
        match &node.value {
            Value::Map(e) => Some(e),
            _ => {
                self.push(
                    node.pos,
                    format!(
                        "{what} must be a mapping (`key: value` lines), but it is {}",
                        node.kind()
                    ),
                    remedy,
                );
                None
            }
        }
    }

    /// Duplicate and unknown keys of a mapping whose keys are fixed.
    fn check_keys(&mut self, entries: &[Entry], known: &[&str], context: &str) {
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for e in entries {
            if let Some(first) = seen.get(e.key.as_str()) {
                self.push(
                    e.key_pos,
                    format!(
                        "`{}` appears twice in {context} (first at line {})",
                        e.key, first.line
                    ),
                    "keep one of them",
                );
                continue;
            }
            seen.insert(&e.key, e.key_pos);
            if !known.contains(&e.key.as_str()) {
                let remedy = match closest(&e.key, known) {
                    Some(k) => format!("did you mean `{k}`? Keys are case-sensitive"),
                    None => format!("the keys allowed here are {}", quoted_list(known)),
                };
                self.push(
                    e.key_pos,
                    format!("unknown key `{}` in {context}", e.key),
                    remedy,
                );
            }
        }
    }

    fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Entry> {
        entries.iter().find(|e| e.key == key)
    }

    fn scalar<'a>(&mut self, node: &'a Node, what: &str) -> Option<&'a str> {
        match &node.value {
            Value::Scalar { text, .. } if !node.is_null() => Some(text),
            _ => {
                self.push(
                    node.pos,
                    format!("{what} must be a text value, but it is {}", node.kind()),
                    format!("write {what} as a quoted value, e.g. `\"...\"`"),
                );
                None
            }
        }
    }

    fn root(&mut self, root: &Node) -> Option<Inventory> {
        let top = self.map(
            root,
            "the file",
            "the file starts with `inventory:` followed by its sections",
        )?;
        self.check_keys(top, &["inventory"], "the top level");
        let Some(inv) = Self::get(top, "inventory") else {
            self.push(
                root.pos,
                "the file has no `inventory:` section",
                "start the file with `---` and `inventory:`, as an exported inventory.conf does",
            );
            return None;
        };
        let entries = self.map(
            &inv.value,
            "`inventory`",
            "indent `VOS:`, `Windows:`, `deploymentName:` and `deploymentType:` under `inventory:`",
        )?;
        self.check_keys(
            entries,
            &["VOS", "Windows", "deploymentName", "deploymentType"],
            "`inventory`",
        );
        let mut out = Inventory::default();
        for (section, required) in [("VOS", true), ("Windows", true)] {
            if Self::get(entries, section).is_none() && required {
                self.push(inv.key_pos, format!("`inventory` has no `{section}:` section"), format!("add `{section}:` under `inventory:` (with `{{}}` for each product that has no hosts)"));
            }
        }
        if let Some(e) = Self::get(entries, "VOS") {
            out.vos = self.products(e, VOS_PRODUCTS, Platform::Vos).vos;
        }
        if let Some(e) = Self::get(entries, "Windows") {
            out.windows = self
                .products(e, WINDOWS_PRODUCTS, Platform::Windows)
                .windows;
        }
        if let Some(e) = Self::get(entries, "deploymentName") {
            if !e.value.is_null() {
                out.deployment_name = self
                    .scalar(&e.value, "`deploymentName`")
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned);
            }
        }
        if let Some(e) = Self::get(entries, "deploymentType") {
            if let Some(t) = self.scalar(&e.value, "`deploymentType`") {
                self.deployment_type(t, e.value.pos);
                out.deployment_type = t.to_owned();
            }
        }
        Some(out)
    }

    fn deployment_type(&mut self, t: &str, pos: Pos) {
        if DEPLOYMENT_TYPES.contains(&t) {
            return;
        }
        let supported = quoted_list(DEPLOYMENT_TYPES);
        if let Some(k) = DEPLOYMENT_TYPES.iter().find(|k| k.eq_ignore_ascii_case(t)) {
            self.push(pos, format!("deploymentType `{t}` is not written as the supported type `{k}`: it is case-sensitive"), format!("write `deploymentType: \"{k}\"`"));
        } else if UNSUPPORTED_TYPES.iter().any(|k| k.eq_ignore_ascii_case(t))
            || t.to_ascii_lowercase().contains("small")
        {
            self.push(
                pos,
                format!("deploymentType `{t}` is not supported for orchestration"),
                format!("Cloud Connect orchestrates only {supported}"),
            );
        } else {
            let remedy = match closest(t, DEPLOYMENT_TYPES) {
                Some(k) => format!("did you mean `{k}`? The supported types are {supported}"),
                None => format!("use one of {supported}"),
            };
            self.push(pos, format!("unknown deploymentType `{t}`"), remedy);
        }
    }

    fn products(&mut self, section: &Entry, known: &[&str], platform: Platform) -> Inventory {
        let mut out = Inventory::default();
        let remedy = "list the products under it, e.g. `Finesse:` or `PG:`, with `{}` for those without hosts";
        let Some(entries) = self.map(&section.value, &format!("`{}`", section.key), remedy) else {
            return out;
        };
        let mut seen: HashMap<String, Pos> = HashMap::new();
        for e in entries {
            let name = match known.iter().find(|k| **k == e.key) {
                Some(k) => *k,
                None => {
                    let upper = known.iter().find(|k| k.eq_ignore_ascii_case(&e.key));
                    match (upper, platform) {
                        // A product only written in the wrong case: reported, and its clusters
                        // or pairs are checked as if it were written right, so every problem
                        // of the file shows in one pass.
                        (Some(k), Platform::Windows) => {
                            self.push(
                                e.key_pos,
                                format!("product names must be upper case: {k}"),
                                format!("write `{k}:` instead of `{}:`", e.key),
                            );
                            k
                        }
                        (Some(k), Platform::Vos) => {
                            self.push(
                                e.key_pos,
                                format!("VOS product names are case-sensitive: {k}"),
                                format!("write `{k}:` instead of `{}:`", e.key),
                            );
                            k
                        }
                        (None, _) => {
                            let other = match platform {
                                Platform::Vos => WINDOWS_PRODUCTS,
                                Platform::Windows => VOS_PRODUCTS,
                            };
                            let remedy = if other.iter().any(|k| k.eq_ignore_ascii_case(&e.key)) {
                                format!(
                                    "`{}` belongs under `{}:`",
                                    e.key,
                                    if platform == Platform::Vos {
                                        "Windows"
                                    } else {
                                        "VOS"
                                    }
                                )
                            } else if let Some(k) = closest(&e.key, known) {
                                format!(
                                    "did you mean `{k}`? The {} products are {}",
                                    section.key,
                                    quoted_list(known)
                                )
                            } else {
                                format!("the {} products are {}", section.key, quoted_list(known))
                            };
                            self.push(
                                e.key_pos,
                                format!("unknown {} product `{}`", section.key, e.key),
                                remedy,
                            );
                            continue;
                        }
                    }
                }
            };
            if let Some(first) = seen.insert(name.to_owned(), e.key_pos) {
                self.push(
                    e.key_pos,
                    format!(
                        "product `{name}` appears twice (first at line {})",
                        first.line
                    ),
                    "merge its clusters or pairs under one `{name}:`",
                );
                continue;
            }
            if e.value.is_null() {
                self.push(
                    e.key_pos,
                    format!("product `{name}` is blank: a product with no members must be `{{}}`"),
                    format!("write `{name}: {{}}`"),
                );
                continue;
            }
            let Some(groups) = self.map(
                &e.value,
                &format!("product `{name}`"),
                "list its clusters (VOS) or pairs (Windows) under it, or write `{}`",
            ) else {
                continue;
            };
            match platform {
                Platform::Vos => {
                    let p = out
                        .vos
                        .iter_mut()
                        .find(|p| p.name == name)
                        .expect("every VOS product is in the default");
                    p.groups = groups
                        .iter()
                        .filter_map(|g| self.vos_cluster(name, g))
                        .collect();
                }
                Platform::Windows => {
                    let p = out
                        .windows
                        .iter_mut()
                        .find(|p| p.name == name)
                        .expect("every Windows product is in the default");
                    p.groups = groups
                        .iter()
                        .filter_map(|g| self.windows_pair(name, g))
                        .collect();
                }
            }
        }
        out
    }

    /// The `hosts:` list of a cluster or pair.
    fn hosts<'a>(&mut self, group: &'a Entry, what: &str) -> Option<Vec<&'a [Entry]>> {
        if group.value.is_null() {
            self.push(
                group.key_pos,
                format!("{what} `{}` has no hosts", group.key),
                "add `hosts:` with at least one host under it, or remove it",
            );
            return None;
        }
        let entries = self.map(
            &group.value,
            &format!("{what} `{}`", group.key),
            "put `hosts:` under it, then the hosts as a list (`- name: ...`)",
        )?;
        self.check_keys(entries, &["hosts"], &format!("{what} `{}`", group.key));
        let Some(h) = Self::get(entries, "hosts") else {
            self.push(
                group.key_pos,
                format!("{what} `{}` has no `hosts:` list", group.key),
                "add `hosts:` and the hosts as a list (`- name: ...`)",
            );
            return None;
        };
        let items = match &h.value.value {
            Value::Seq(items) if !items.is_empty() => items,
            _ => {
                self.push(
                    h.value.pos,
                    format!(
                        "`hosts` of {what} `{}` must be a list of hosts, but it is {}",
                        group.key,
                        h.value.kind()
                    ),
                    "write each host as a list item starting with `- name:`",
                );
                return None;
            }
        };
        let mut out = Vec::new();
        for item in items {
            if let Some(e) = self.map(
                item,
                "a host",
                "write the host as `- name: \"...\"` with its other keys indented below",
            ) {
                out.push(e);
            }
        }
        Some(out)
    }

    fn host_name(&mut self, e: &Entry) -> Option<String> {
        let name = self.scalar(&e.value, "`name`")?;
        if let Err(why) = crate::names::validate_host(name) {
            self.push(
                e.value.pos,
                format!("host name `{name}` is not valid: {why}"),
                "use the host's IP address, host name or FQDN (optionally with :PORT)",
            );
            return None;
        }
        let key = name.to_ascii_lowercase();
        if let Some(first) = self.hosts.get(&key) {
            self.push(
                e.value.pos,
                format!(
                    "host `{name}` appears more than once (first at line {})",
                    first.line
                ),
                "host names must be unique across the inventory: remove or rename one",
            );
            return None;
        }
        self.hosts.insert(key, e.value.pos);
        Some(name.to_owned())
    }

    fn side(&mut self, host: &[Entry], at: Pos, name: &str) -> Option<String> {
        let Some(e) = Self::get(host, "side") else {
            self.push(
                at,
                format!("host `{name}` has no side"),
                "add `side: \"A\"` or `side: \"B\"` to the host",
            );
            return None;
        };
        let s = self.scalar(&e.value, "`side`")?;
        match s {
            "A" | "B" => Some(s.to_owned()),
            "a" | "b" => {
                self.push(
                    e.value.pos,
                    format!("side `{s}` must be upper case"),
                    format!("write `side: \"{}\"`", s.to_ascii_uppercase()),
                );
                None
            }
            _ => {
                self.push(
                    e.value.pos,
                    format!("side `{s}` is neither \"A\" nor \"B\""),
                    "write `side: \"A\"` or `side: \"B\"`",
                );
                None
            }
        }
    }

    fn required<'a>(
        &mut self,
        host: &'a [Entry],
        key: &str,
        at: Pos,
        name: &str,
        remedy: &str,
    ) -> Option<&'a Entry> {
        let e = Self::get(host, key);
        if e.is_none() {
            self.push(at, format!("host `{name}` has no `{key}`"), remedy);
        }
        e
    }

    fn vos_cluster(&mut self, product: &str, group: &Entry) -> Option<Group<VosHost>> {
        let hosts = self.hosts(group, "cluster")?;
        let mut out = Vec::new();
        let mut publishers = 0;
        let mut ok = true;
        for h in hosts {
            let at = h.first().map(|e| e.key_pos).unwrap_or(group.key_pos);
            self.check_keys(
                h,
                &["name", "type", "side"],
                &format!("a host of cluster `{}`", group.key),
            );
            let Some(n) = Self::get(h, "name") else {
                self.push(
                    at,
                    "a host has no `name`",
                    "add `name: \"<host name or FQDN>\"`",
                );
                ok = false;
                continue;
            };
            let name = self.host_name(n);
            let shown = name.clone().unwrap_or_else(|| "?".into());
            let side = self.side(h, at, &shown);
            let t = self
                .required(
                    h,
                    "type",
                    at,
                    &shown,
                    "add `type: \"Publisher\"` or `type: \"Subscriber\"`",
                )
                .and_then(|e| Some((e.value.pos, self.scalar(&e.value, "`type`")?.to_owned())));
            let host_type = match t {
                Some((_, t)) if t == "Publisher" || t == "Subscriber" => Some(t),
                Some((pos, t)) => {
                    let fix = ["Publisher", "Subscriber"]
                        .into_iter()
                        .find(|k| k.eq_ignore_ascii_case(&t));
                    let remedy = match fix {
                        Some(k) => format!("write `type: \"{k}\"` (case-sensitive)"),
                        None => "write `type: \"Publisher\"` or `type: \"Subscriber\"`".to_owned(),
                    };
                    self.push(
                        pos,
                        format!("type `{t}` is neither \"Publisher\" nor \"Subscriber\""),
                        remedy,
                    );
                    None
                }
                None => None,
            };
            if host_type.as_deref() == Some("Publisher") {
                publishers += 1;
            }
            match (name, side, host_type) {
                (Some(name), Some(side), Some(host_type)) => out.push(VosHost {
                    name,
                    host_type,
                    side,
                }),
                _ => ok = false,
            }
        }
        if ok && publishers != 1 {
            self.push(
                group.key_pos,
                format!("{product} cluster `{}` has {publishers} publishers", group.key),
                "a VOS cluster has exactly one host with `type: \"Publisher\"`; the others are `Subscriber`",
            );
            ok = false;
        }
        ok.then(|| Group {
            name: group.key.clone(),
            hosts: out,
        })
    }

    fn windows_pair(&mut self, _product: &str, group: &Entry) -> Option<Group<WindowsHost>> {
        let hosts = self.hosts(group, "pair")?;
        let mut out = Vec::new();
        let mut ok = true;
        for h in hosts {
            let at = h.first().map(|e| e.key_pos).unwrap_or(group.key_pos);
            self.check_keys(
                h,
                &["name", "side", "user"],
                &format!("a host of pair `{}`", group.key),
            );
            let Some(n) = Self::get(h, "name") else {
                self.push(
                    at,
                    "a host has no `name`",
                    "add `name: \"<IP address, host name or FQDN>\"`",
                );
                ok = false;
                continue;
            };
            let name = self.host_name(n);
            let shown = name.clone().unwrap_or_else(|| "?".into());
            let side = self.side(h, at, &shown);
            let user = self
                .required(h, "user", at, &shown, "add `user: \"<user@domain, DOMAIN\\\\user or local user>\"`")
                .and_then(|e| Some((e.value.pos, self.scalar(&e.value, "`user`")?.to_owned())))
                .and_then(|(pos, u)| match check_windows_user(&u) {
                    Ok(()) => Some(u),
                    Err(why) => {
                        self.push(pos, format!("user `{u}` is not valid: {why}"), "write a UPN (`user@domain.local`), `DOMAIN\\\\user` or a local user name");
                        None
                    }
                });
            match (name, side, user) {
                (Some(name), Some(side), Some(user)) => out.push(WindowsHost { name, side, user }),
                _ => ok = false,
            }
        }
        ok.then(|| Group {
            name: group.key.clone(),
            hosts: out,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Platform {
    Vos,
    Windows,
}

/// Why a Windows user name is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
enum WindowsUserError {
    Empty,
    Character(char),
    Upn,
    DownLevel,
}

impl std::fmt::Display for WindowsUserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WindowsUserError::Empty => f.write_str("it is empty"),
            WindowsUserError::Character(c) => write!(f, "'{c}' is not allowed in a user name"),
            WindowsUserError::Upn => f.write_str("a UPN is user@domain"),
            WindowsUserError::DownLevel => f.write_str("a down-level name is DOMAIN\\user"),
        }
    }
}

/// A UPN (`user@domain`), a down-level name (`DOMAIN\user`) or a local user.
fn check_windows_user(u: &str) -> Result<(), WindowsUserError> {
    if u.is_empty() {
        return Err(WindowsUserError::Empty);
    }
    if let Some(c) = u
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
    {
        return Err(WindowsUserError::Character(c));
    }
    if let Some((user, domain)) = u.split_once('@') {
        if user.is_empty() || domain.is_empty() || domain.contains('@') {
            return Err(WindowsUserError::Upn);
        }
    }
    if let Some((domain, user)) = u.split_once('\\') {
        if user.is_empty() || domain.is_empty() || user.contains('\\') {
            return Err(WindowsUserError::DownLevel);
        }
    }
    Ok(())
}

/// 1-based line and column of byte offset `at` in `text`.
fn position_of(text: &[u8], at: usize) -> Pos {
    let before = &text[..at.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    Pos { line, col }
}

/// The parser's message, made human: most often a key that lost its ':'.
fn syntax_problem(text: &str, err: &yaml::SyntaxError) -> Problem {
    if err.info.starts_with("the YAML tag") {
        return Problem {
            line: err.pos.line,
            col: err.pos.col,
            message: err.info.clone(),
            remedy: "remove the tag: every value of an inventory is plain text".into(),
        };
    }
    let lines: Vec<&str> = text.lines().collect();
    // Look at the failing line and the few before it for a bare word where a key should be.
    let from = err.pos.line.min(lines.len());
    for n in (from.saturating_sub(3)..from.max(1))
        .rev()
        .chain(std::iter::once(from))
    {
        let Some(raw) = lines.get(n.wrapping_sub(1)) else {
            continue;
        };
        let content = raw.split(" #").next().unwrap_or("").trim_end();
        let word = content.trim_start();
        if word.is_empty()
            || word.starts_with('#')
            || word.starts_with('-')
            || word.starts_with('"')
            || word.contains(':')
        {
            continue;
        }
        if word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            let col = content.len() - word.len() + 1;
            return Problem {
                line: n,
                col,
                message: format!("`{word}` is missing the ':' that ends a key"),
                remedy: format!(
                    "write `{word}:` (the YAML parser stopped at {}:{}: {})",
                    err.pos.line, err.pos.col, err.info
                ),
            };
        }
    }
    Problem {
        line: err.pos.line,
        col: err.pos.col,
        message: format!("this is not valid YAML: {}", err.info),
        remedy: "check the indentation (spaces, aligned with the lines above) and that every key ends with ':'".into(),
    }
}

/// Validate a whole file: the inventory if it is fully valid, else every problem found.
pub fn validate(bytes: &[u8]) -> Result<Inventory, Vec<Problem>> {
    let mut v = Validator::default();
    let mut body = bytes;
    if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
        v.push(
            Pos { line: 1, col: 1 },
            "the file starts with a byte-order mark (BOM)",
            "save it as UTF-8 without a BOM (most editors: \"UTF-8\", not \"UTF-8 with BOM\")",
        );
        body = rest;
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => t.to_owned(),
        Err(e) => {
            let pos = position_of(body, e.valid_up_to());
            let byte = body[e.valid_up_to()];
            v.push(
                pos,
                format!("byte 0x{byte:02X} is not UTF-8 text"),
                "save the file as UTF-8 (it looks like another encoding, e.g. Windows-1252)",
            );
            String::from_utf8_lossy(body).into_owned()
        }
    };
    let crlf: Vec<usize> = text
        .split('\n')
        .enumerate()
        .filter(|(_, l)| l.ends_with('\r'))
        .map(|(i, _)| i + 1)
        .collect();
    if let Some(first) = crlf.first() {
        let col = text
            .split('\n')
            .nth(first - 1)
            .map(|l| l.len())
            .unwrap_or(1);
        v.push(
            Pos { line: *first, col },
            format!(
                "the file must use UNIX (LF) line endings: {} line(s) end in CRLF (Windows)",
                crlf.len()
            ),
            "convert it, e.g. `dos2unix inventory.conf` or `sed -i 's/\\r$//' inventory.conf`",
        );
    }
    let text = text.replace("\r\n", "\n");
    // A carriage return alone (classic Mac OS) ends a line for YAML but not for the tools
    // that read this file line by line.
    if let Some(at) = text.find('\r') {
        let line = text[..at].matches('\n').count() + 1;
        let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
        v.push(
            Pos { line, col },
            "the file must use UNIX (LF) line endings: a line ends in a carriage return (CR) alone",
            "convert it, e.g. `mac2unix inventory.conf` or `tr '\\r' '\\n' < old > inventory.conf`",
        );
    }
    let text = text.replace('\r', "\n");
    let mut tabs = false;
    for (i, line) in text.lines().enumerate() {
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        if let Some(col) = indent.find('\t') {
            tabs = true;
            v.push(
                Pos {
                    line: i + 1,
                    col: col + 1,
                },
                "a tab in the indentation",
                "YAML indents with spaces only: replace the tab with spaces",
            );
        }
    }
    if !tabs {
        match yaml::parse(&text) {
            Err(e) => v.problems.push(syntax_problem(&text, &e)),
            Ok(None) => v.push(
                Pos { line: 1, col: 1 },
                "the file is empty",
                "export the current inventory and edit that file",
            ),
            Ok(Some(root)) => {
                if let Some(inv) = v.root(&root) {
                    if v.problems.is_empty() {
                        return Ok(inv);
                    }
                }
            }
        }
    }
    let mut problems = v.problems;
    if problems.is_empty() {
        problems.push(Problem {
            line: 1,
            col: 1,
            message: "the file is not a valid inventory".into(),
            remedy: "compare it with an exported inventory.conf".into(),
        });
    }
    problems.sort_by_key(|p| (p.line, p.col));
    Err(problems)
}
