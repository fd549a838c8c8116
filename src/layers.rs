//! The layering of the crate, checked: every `crate::…`, `super::…` and `self::…` path in
//! `src/**/*.rs` and `commands/**/*.rs` is resolved to the module it names, each module is
//! mapped to its layer (the table below, drawn in ARCHITECTURE.md), and the test fails on any
//! import from a lower layer into a higher one and on any import circle between modules.
//!
//! The reader is deliberately small: comments, strings and character literals are blanked,
//! then the tokens are scanned for `use` trees and for path expressions rooted at `crate`,
//! `super` or `self` (inline `mod name { … }` blocks are followed, so `super::` in a test
//! module resolves to the file's own module). A path written without those roots (a
//! sibling re-exported by name, a glob import's items) is not seen; every module of the crate
//! imports its neighbours through `crate::…` or `super::…`, which is the house style.
//!
//! What cannot be fixed yet sits in [`ALLOWED`] with its reason; the test also fails when an
//! allowed import is gone or no longer against the rule, so that list only shrinks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may import its own layer and any layer below it.
/// Units are top-level modules, except where a module's children sit in different layers
/// (`serve`'s shared HTTPS pieces, the hub's servers and its console): those are named
/// `parent::child` and listed in [`SPLIT`].
const LAYERS: &[(&str, &[&str])] = &[
    // Typed values, the operations' error kind, cancellation, text escaping, the environment
    // snapshot: no knowledge of storage, peers or front ends.
    (
        "foundation",
        &["domain", "names", "op_error", "cancel", "text", "env"],
    ),
    // The inventory model, its YAML reader and validator.
    ("inventory", &["inventory"]),
    // The node's own state: database, files, locks, secrets, password hashes, its SSH key.
    ("state", &["state", "secrets", "passwords", "nodekey"]),
    // Clients of peers (SSH/SFTP, Artifactory, a node's service, the hub, SMTP), and the
    // JSON bodies nodes exchange (`wire`: the client sends them, the service answers them).
    ("clients", &["clients", "sshkeys", "wire"]),
    // The operations, and the hub's state and operations.
    ("ops", &["ops", "hub"]),
    // The one door to the terminal, shared by every front end.
    ("io", &["output"]),
    // The HTTPS server pieces the node service and the hub share.
    ("http", &["serve::https", "serve::pages", "serve::auth"]),
    // The two services: the node service (`ccadmin serve`) and the hub's servers.
    (
        "services",
        &[
            "serve",
            "hub::service",
            "hub::server",
            "hub::web",
            "hub::metrics",
        ],
    ),
    // The console, in five steps: its context (the `Ctx` door, where answers come from,
    // prompts, exit statuses) …
    (
        "console: context",
        &["errors", "input", "prompt", "context"],
    ),
    // … reading the tree for people and the orchestration views several commands share …
    ("console: views", &["help", "orchestration_ui"]),
    // … one file per leaf command (the hub's console, `ccadmin hub …`, among them) …
    ("console: commands", &["commands"]),
    // … the clap tree that names them, and the documents generated from it …
    ("console: tree", &["cli", "docs", "help_tests"]),
    // … the dispatcher, the shell, batch and one-shot faces, and the crate root (`main`).
    (
        "console: shell",
        &[
            "dispatch",
            "repl",
            "batch",
            "login_shell",
            "crate",
            "layers",
        ],
    ),
];

/// Children that are units of their own (see [`LAYERS`]); any other child belongs to its
/// parent's unit.
const SPLIT: &[&str] = &[
    "serve::https",
    "serve::pages",
    "serve::auth",
    "hub::service",
    "hub::server",
    "hub::web",
    "hub::metrics",
];

/// Imports against the rule (or closing a circle) that are not fixed yet: `(file, path, why)`,
/// the path as the test prints it. The test fails if one of these no longer occurs or no
/// longer breaks the rule, so the list only shrinks.
const ALLOWED: &[(&str, &str, &str)] = &[];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    file: String,
    line: usize,
    path: String,
}

/// Blank comments, string, byte-string, raw-string and character literals (newlines kept, so
/// line numbers stay right).
fn blank(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let keep_newlines = |s: &[u8], out: &mut String| {
        for &c in s {
            if c == b'\n' {
                out.push('\n');
            }
        }
    };
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let c = b[i];
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let (start, mut depth) = (i, 0);
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            keep_newlines(&b[start..i], &mut out);
        } else if (c == b'r' || (c == b'b' && b.get(i + 1) == Some(&b'r')))
            && (i == 0 || !ident(b[i - 1]))
            && {
                let mut j = i + if c == b'b' { 2 } else { 1 };
                while b.get(j) == Some(&b'#') {
                    j += 1;
                }
                b.get(j) == Some(&b'"')
            }
        {
            let mut j = i + if c == b'b' { 2 } else { 1 };
            let mut hashes = 0;
            while b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            let end: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&end) {
                j += 1;
            }
            keep_newlines(&b[i..j], &mut out);
            out.push_str("\"\"");
            i = (j + end.len()).min(b.len());
        } else if c == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            keep_newlines(&b[i..j.min(b.len())], &mut out);
            out.push_str("\"\"");
            i = j + 1;
        } else if c == b'\'' {
            // A character literal ('x', '\n', '\u{..}') or a lifetime ('a).
            let rest = &b[i + 1..];
            let len = if rest.first() == Some(&b'\\') {
                rest.iter().skip(1).position(|&x| x == b'\'').map(|p| p + 2)
            } else {
                let ch = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                (rest.get(ch) == Some(&b'\'')).then_some(ch)
            };
            match len {
                Some(n) => {
                    out.push_str("' '");
                    i += n + 2;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = src[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn tokens(src: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            line += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_alphanumeric() || d == '_') {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push((src[i..end].to_owned(), line));
        } else if c == ':' && chars.peek().map(|&(_, d)| d) == Some(':') {
            chars.next();
            out.push(("::".to_owned(), line));
        } else if !c.is_whitespace() {
            out.push((c.to_string(), line));
        }
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The module path of a file: `src/ops/mod.rs` is `ops`, `commands/utils/node/show.rs` is
/// `commands::utils::node::show`, `src/lib.rs` and `src/main.rs` the crate root.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts[0] == "src" {
        parts.remove(0);
    }
    if parts.last().is_some_and(|l| l == "mod") || parts == ["lib"] || parts == ["main"] {
        parts.pop();
    }
    parts
}

/// Every path of a file rooted at `crate`, `super`, `self` or a child module of the file's
/// own (`modules`: every module path of the crate), made absolute (without `crate`).
fn imports(
    module: &[String],
    src: &str,
    modules: &BTreeSet<Vec<String>>,
) -> Vec<(usize, Vec<String>)> {
    let toks = tokens(&blank(src));
    let mut found = Vec::new();
    // Inline modules: (brace depth at which it opened, name).
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let here = |inline: &[(usize, String)]| -> Vec<String> {
        let mut m = module.to_vec();
        m.extend(inline.iter().map(|(_, n)| n.clone()));
        m
    };
    let child = |at: &[String], name: &str| -> bool {
        let mut m = at.to_vec();
        m.push(name.to_owned());
        modules.contains(&m)
    };
    let resolve = |at: &[String], path: &[String]| -> Option<Vec<String>> {
        let (mut base, mut rest) = match path.first().map(String::as_str) {
            Some("crate") => (Vec::new(), &path[1..]),
            Some("super") | Some("self") => (at.to_vec(), path),
            Some(name) if path.len() > 1 && child(at, name) => (at.to_vec(), path),
            _ => return None,
        };
        while let Some(first) = rest.first() {
            match first.as_str() {
                "super" => {
                    base.pop();
                }
                "self" => {}
                _ => break,
            }
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    };
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].0.as_str();
        let line = toks[i].1;
        let prev = i.checked_sub(1).map(|p| toks[p].0.as_str());
        if t == "mod" && toks.get(i + 2).is_some_and(|n| n.0 == "{") {
            inline.push((depth, toks[i + 1].0.clone()));
            depth += 1;
            i += 3;
            continue;
        }
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
            }
            "use" if prev != Some("::") => {
                let mut paths = Vec::new();
                i = use_tree(&toks, i + 1, Vec::new(), &mut paths);
                let at = here(&inline);
                for p in paths {
                    if let Some(abs) = resolve(&at, &p) {
                        found.push((line, abs));
                    }
                }
                continue;
            }
            _ if is_ident(t)
                && prev != Some("::")
                && toks.get(i + 1).is_some_and(|n| n.0 == "::")
                && (matches!(t, "crate" | "super" | "self") || child(&here(&inline), t)) =>
            {
                let mut path = Vec::new();
                let mut j = i;
                while j < toks.len() && is_ident(&toks[j].0) {
                    path.push(toks[j].0.clone());
                    if toks.get(j + 1).is_some_and(|n| n.0 == "::") {
                        j += 2;
                    } else {
                        j += 1;
                        break;
                    }
                }
                if let Some(abs) = resolve(&here(&inline), &path) {
                    found.push((line, abs));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Read one `use` tree from `toks[i]`: `a::b::{c, d::e as f, g::*}`; returns where it ended.
fn use_tree(
    toks: &[(String, usize)],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    while i < toks.len() {
        let t = toks[i].0.as_str();
        if t == "{" {
            i += 1;
            while i < toks.len() && toks[i].0 != "}" {
                i = use_tree(toks, i, prefix.clone(), out);
                if toks.get(i).is_some_and(|t| t.0 == ",") {
                    i += 1;
                }
            }
            return i + 1;
        } else if is_ident(t) || t == "*" {
            prefix.push(t.to_owned());
            i += 1;
            if toks.get(i).is_some_and(|t| t.0 == "::") {
                i += 1;
                continue;
            }
            if toks.get(i).is_some_and(|t| t.0 == "as") {
                i += 2;
            }
            out.push(prefix);
            return i;
        } else {
            return i;
        }
    }
    i
}

/// The unit (see [`LAYERS`]) an absolute module path belongs to; `top` is the set of the
/// crate's top-level modules (anything else directly under the root is a root item).
fn unit_of(path: &[String], top: &BTreeSet<String>) -> String {
    match path {
        [] => "crate".to_owned(),
        [first, ..] if !top.contains(first) => "crate".to_owned(),
        [first, second, ..] if SPLIT.contains(&format!("{first}::{second}").as_str()) => {
            format!("{first}::{second}")
        }
        [first, ..] => first.clone(),
    }
}

fn layer_of(unit: &str) -> Option<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, (_, units))| units.contains(&unit))
        .map(|(n, (name, _))| (n, *name))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every import between units: (from, to) → where.
fn graph() -> BTreeMap<(String, String), Vec<Import>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("commands"), &mut files);
    let mut top: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(f.strip_prefix(root).ok()?).first().cloned())
        .collect();
    top.insert("commands".to_owned());
    let modules: BTreeSet<Vec<String>> = files
        .iter()
        .map(|f| module_of(f.strip_prefix(root).expect("under the crate")))
        .chain([vec!["commands".to_owned()]])
        .collect();
    let mut edges: BTreeMap<(String, String), Vec<Import>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(root).expect("under the crate");
        let rel_s = rel.to_string_lossy().into_owned();
        let module = module_of(rel);
        let from = unit_of(&module, &top);
        let src = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{rel_s}: {e}"));
        for (line, path) in imports(&module, &src, &modules) {
            let to = unit_of(&path, &top);
            if to != from {
                edges.entry((from.clone(), to)).or_default().push(Import {
                    file: rel_s.clone(),
                    line,
                    path: format!("crate::{}", path.join("::")),
                });
            }
        }
    }
    edges
}

/// Strongly connected components of more than one unit (Tarjan).
fn circles(edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges {
        next.entry(a).or_default().push(b);
        next.entry(b).or_default();
    }
    struct T<'a> {
        next: &'a BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for &w in &t.next[v] {
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        next: &next,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in next.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn against_rule(from: &str, to: &str) -> bool {
    match (layer_of(from), layer_of(to)) {
        (Some((a, _)), Some((b, _))) => b > a,
        _ => false,
    }
}

#[test]
fn imports_follow_the_layers_and_make_no_circle() {
    let edges = graph();
    let mut problems = Vec::new();

    let units: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    for u in units {
        if layer_of(u).is_none() {
            problems.push(format!(
                "`{u}` is in no layer: add it to LAYERS in src/layers.rs and ARCHITECTURE.md"
            ));
        }
    }

    let allowed = |i: &Import| {
        ALLOWED
            .iter()
            .any(|(file, path, _)| i.file == *file && i.path == *path)
    };
    let (mut violations, mut allowed_seen) = (0, 0);
    for ((from, to), at) in &edges {
        if against_rule(from, to) {
            let (_, lf) = layer_of(from).expect("checked");
            let (_, lt) = layer_of(to).expect("checked");
            for i in at {
                if allowed(i) {
                    allowed_seen += 1;
                    continue;
                }
                violations += 1;
                problems.push(format!(
                    "{}:{}: {from} ({lf}) imports {to} ({lt}), a higher layer: {}",
                    i.file, i.line, i.path
                ));
            }
        }
    }

    // The graph without the allowed imports: what must have no circle.
    let kept: BTreeSet<(String, String)> = edges
        .iter()
        .filter(|(_, at)| at.iter().any(|i| !allowed(i)))
        .map(|(k, _)| k.clone())
        .collect();
    let found = circles(&kept);
    for c in &found {
        let mut why = String::new();
        for ((a, b), at) in &edges {
            if c.contains(a) && c.contains(b) && kept.contains(&(a.clone(), b.clone())) {
                let i = at.iter().find(|i| !allowed(i)).expect("kept");
                why.push_str(&format!(
                    "\n    {a} → {b} ({} imports; first {}:{} {})",
                    at.len(),
                    i.file,
                    i.line,
                    i.path
                ));
            }
        }
        problems.push(format!("import circle between {}:{why}", c.join(", ")));
    }

    for (file, path, _) in ALLOWED {
        let Some(((a, b), _)) = edges
            .iter()
            .find(|(_, at)| at.iter().any(|i| i.file == *file && i.path == *path))
        else {
            problems.push(format!(
                "allowed import {path} in {file} no longer occurs: remove it from ALLOWED"
            ));
            continue;
        };
        let mut with = kept.clone();
        with.insert((a.clone(), b.clone()));
        let closes = circles(&with)
            .iter()
            .any(|c| c.contains(a) && c.contains(b));
        if !against_rule(a, b) && !closes {
            problems.push(format!(
                "allowed import {path} in {file} ({a} → {b}) is no longer against the layering \
                 nor closes a circle: remove it from ALLOWED"
            ));
        }
    }

    let figures = format!(
        "layers: {} imports between {} unit pairs; against the layering: {violations} \
         (+{allowed_seen} allowed); circles: {}; allowed entries: {}",
        edges.values().map(Vec::len).sum::<usize>(),
        edges.len(),
        found.len(),
        ALLOWED.len()
    );
    assert!(
        problems.is_empty(),
        "{} problem(s) with the layering (ARCHITECTURE.md; {figures}):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_reader_sees_what_it_should() {
    let src = r#"
        use crate::ops::{Kind, cluster::{Changes as C, self}};
        // use crate::serve::not_this;
        /* crate::hub::nor_this */
        const S: &str = "crate::cli::nor_this";
        fn f() { let _ = crate::state::Db::open; let c = '"'; capture::x(); other::y(); }
        mod tests { use super::*; use super::super::names::x; }
    "#;
    let module = vec!["clients".to_owned(), "hub".to_owned()];
    let modules: BTreeSet<Vec<String>> = [
        vec!["clients".to_owned(), "hub".to_owned()],
        vec!["clients".to_owned(), "hub".to_owned(), "capture".to_owned()],
    ]
    .into_iter()
    .collect();
    let got: Vec<String> = imports(&module, src, &modules)
        .into_iter()
        .map(|(_, p)| p.join("::"))
        .collect();
    assert_eq!(
        got,
        [
            "ops::Kind",
            "ops::cluster::Changes",
            "ops::cluster::self",
            "state::Db::open",
            "clients::hub::capture::x",
            "clients::hub::*",
            "clients::names::x",
        ]
    );
}
