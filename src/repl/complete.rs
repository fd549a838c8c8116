//! Tab completion as a pure function of the tree, the line and the cursor: no list of commands
//! is kept here, so completion can never drift from what the parser accepts.
//!
//! - a unique prefix of the next word completes (with a trailing space);
//! - several matches are listed, menus marked `*`;
//! - Tab on a complete menu word lists its sub-commands;
//! - options (`--name`) and enumerated values (of options and of positionals) complete too;
//! - after `help`, the words are command words again.

use clap::Command;

use crate::help::SHELL_WORDS;
use crate::help::{children, is_menu};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What the listing shows (`node*`).
    pub display: String,
    /// What replaces the word being completed (`node `).
    pub replacement: String,
}

fn cand(name: &str, menu: bool) -> Candidate {
    Candidate {
        display: format!("{name}{}", if menu { "*" } else { "" }),
        replacement: format!("{name} "),
    }
}

/// Completions for `line` with the cursor at byte `pos`: where the replaced word starts, and the
/// candidates.
pub fn complete(tree: &Command, line: &str, pos: usize) -> (usize, Vec<Candidate>) {
    let pos = pos.min(line.len());
    let head = &line[..pos];
    let start = head.rfind(char::is_whitespace).map(|i| i + 1).unwrap_or(0);
    let current = &head[start..];
    let before: Vec<String> = shlex::split(&head[..start]).unwrap_or_else(|| {
        head[..start]
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    });

    // Walk the completed words down the tree.
    let mut cmd = tree;
    let mut at_root = true;
    let mut pending_option: Option<&clap::Arg> = None;
    let mut positionals = 0usize;
    let mut used: Vec<String> = Vec::new();
    for w in &before {
        if pending_option.take().is_some() {
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or("");
            if let Some(arg) = cmd.get_arguments().find(|a| a.get_long() == Some(name)) {
                used.push(name.to_owned());
                if arg.get_action().takes_values() && !long.contains('=') {
                    pending_option = Some(arg);
                }
            }
            continue;
        }
        if cmd.get_name() == "help" && !is_menu(cmd) {
            // `help utils node ...`: complete command words from the root.
            return complete_help(tree, &before, start, current);
        }
        match cmd.find_subcommand(w) {
            Some(sub) => {
                cmd = sub;
                at_root = false;
            }
            // A word that is no sub-command of a menu: nothing sensible follows it.
            None if is_menu(cmd) => return (start, Vec::new()),
            None => positionals += 1,
        }
    }
    if cmd.get_name() == "help" && !at_root {
        return complete_help(tree, &[], start, current);
    }

    // The value of an option that enumerates its values.
    if let Some(opt) = pending_option {
        return (start, values(opt, current));
    }

    let mut out = Vec::new();
    if current.starts_with('-') {
        for a in cmd.get_arguments() {
            if a.is_hide_set() {
                continue;
            }
            if let Some(l) = a.get_long() {
                if l.starts_with(current.trim_start_matches("--")) && !used.iter().any(|u| u == l) {
                    out.push(cand(&format!("--{l}"), false));
                }
            }
        }
        return (start, out);
    }

    if is_menu(cmd) {
        // A command's visible aliases (Cisco's names, e.g. `initiate`) complete as well.
        let alias_hits: Vec<Candidate> = children(cmd)
            .filter(|c| !c.get_name().starts_with(current))
            .flat_map(|c| {
                c.get_visible_aliases()
                    .filter(|a| a.starts_with(current))
                    .map(move |a| cand(a, is_menu(c)))
            })
            .collect();
        let matching: Vec<&Command> = children(cmd)
            .filter(|c| c.get_name().starts_with(current))
            .collect();
        // Tab on a complete menu word: list what follows it.
        if matching.len() == 1 && matching[0].get_name() == current && is_menu(matching[0]) {
            let sub: Vec<Candidate> = children(matching[0])
                .map(|c| {
                    let mut k = cand(c.get_name(), is_menu(c));
                    k.replacement = format!(" {}", k.replacement);
                    k
                })
                .collect();
            return (pos, sub);
        }
        out.extend(matching.into_iter().map(|c| cand(c.get_name(), is_menu(c))));
        out.extend(alias_hits);
        if at_root {
            out.extend(
                SHELL_WORDS
                    .iter()
                    .filter(|(w, _)| w.starts_with(current))
                    .map(|(w, _)| cand(w, false)),
            );
        }
        return (start, out);
    }

    // A leaf: enumerated values of the next positional, then its options.
    let pos_args: Vec<&clap::Arg> = cmd.get_positionals().collect();
    if let Some(arg) = pos_args.get(positionals) {
        out.extend(values(arg, current));
    }
    if current.is_empty() && out.is_empty() {
        for a in cmd.get_arguments() {
            if let Some(l) = a.get_long() {
                if !a.is_hide_set() && !used.iter().any(|u| u == l) && l != "help" {
                    out.push(cand(&format!("--{l}"), false));
                }
            }
        }
    }
    (start, out)
}

fn values(arg: &clap::Arg, current: &str) -> Vec<Candidate> {
    arg.get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set() && v.get_name().starts_with(current))
        .map(|v| cand(v.get_name(), false))
        .collect()
}

fn complete_help(
    tree: &Command,
    before: &[String],
    start: usize,
    current: &str,
) -> (usize, Vec<Candidate>) {
    let words: Vec<String> = before
        .iter()
        .skip_while(|w| *w != "help")
        .skip(1)
        .cloned()
        .collect();
    let mut cmd = tree;
    for w in &words {
        match cmd.find_subcommand(w) {
            Some(s) => cmd = s,
            None => return (start, Vec::new()),
        }
    }
    (
        start,
        children(cmd)
            .filter(|c| c.get_name().starts_with(current))
            .map(|c| cand(c.get_name(), is_menu(c)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::line_tree;

    fn comp(line: &str) -> (usize, Vec<String>) {
        let (s, c) = complete(&line_tree(), line, line.len());
        (s, c.into_iter().map(|c| c.display).collect())
    }
    fn repl(line: &str) -> Vec<String> {
        complete(&line_tree(), line, line.len())
            .1
            .into_iter()
            .map(|c| c.replacement)
            .collect()
    }

    #[test]
    fn unique_prefix_completes_with_a_space() {
        assert_eq!(repl("ut"), vec!["utils "]);
        assert_eq!(comp("utils no"), (6, vec!["node*".to_owned()]));
        assert_eq!(repl("utils applicationuser a"), vec!["add "]);
    }

    #[test]
    fn empty_line_lists_top_level_with_menus_starred_and_shell_words() {
        let (s, c) = comp("");
        assert_eq!(s, 0);
        assert!(c.contains(&"utils*".to_owned()), "{c:?}");
        assert!(c.contains(&"help".to_owned()), "{c:?}");
        assert!(c.contains(&"quit".to_owned()), "{c:?}");
    }

    #[test]
    fn complete_menu_word_lists_its_sub_commands() {
        let (s, c) = comp("utils node");
        assert_eq!(s, 10);
        assert_eq!(c, vec!["show", "set", "cluster*", "cluster-secret"]);
        assert_eq!(
            repl("utils node"),
            vec![" show ", " set ", " cluster ", " cluster-secret "]
        );
        let (_, c) = comp("utils ");
        assert!(
            c.contains(&"node*".to_owned()) && c.contains(&"applicationuser*".to_owned()),
            "{c:?}"
        );
    }

    #[test]
    fn options_and_their_values_complete() {
        assert_eq!(comp("utils node set --ro").1, vec!["--role"]);
        assert_eq!(
            comp("utils node set --role ").1,
            vec!["publisher", "subscriber", "vos"]
        );
        assert_eq!(comp("utils node set --role s").1, vec!["subscriber"]);
        assert_eq!(comp("utils node set --component F").1, vec!["Finesse"]);
        // Options already given are not offered again.
        assert!(!comp("utils node set --role vos --")
            .1
            .contains(&"--role".to_owned()));
    }

    #[test]
    fn positional_enumerated_values_complete() {
        assert_eq!(comp("set cli pagination ").1, vec!["on", "off"]);
        assert_eq!(comp("set cli pagination o").1, vec!["on", "off"]);
        assert_eq!(comp("set cli pagination of").1, vec!["off"]);
    }

    #[test]
    fn leaf_with_free_positional_offers_options() {
        assert!(comp("utils applicationuser add ")
            .1
            .contains(&"--password-file".to_owned()));
    }

    #[test]
    fn help_completes_command_words() {
        assert_eq!(comp("help ut").1, vec!["utils*"]);
        assert_eq!(comp("help utils no").1, vec!["node*"]);
    }

    #[test]
    fn unknown_word_gives_nothing_and_cursor_in_middle_works() {
        assert!(comp("frob ").1.is_empty());
        assert!(comp("utils frob ").1.is_empty());
        let line = "utils no show";
        let (s, c) = complete(&line_tree(), line, 8);
        assert_eq!((s, c[0].display.as_str()), (6, "node*"));
    }

    #[test]
    fn cisco_aliases_complete_and_are_listed_and_suggested() {
        assert_eq!(comp("utils system onboard in").1, vec!["initiate"]);
        assert!(comp("utils system onboard ")
            .1
            .contains(&"trigger".to_owned()));
        let tree = line_tree();
        let onboard = tree
            .find_subcommand("utils")
            .and_then(|u| u.find_subcommand("system"))
            .and_then(|s| s.find_subcommand("onboard"))
            .unwrap();
        assert!(crate::help::menu_listing(onboard).contains("trigger (alias: initiate, restart)"));
        let typed: Vec<String> = ["utils", "system", "onboard", "initate"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(
            crate::help::suggest(&tree, &typed).as_deref(),
            Some("utils system onboard initiate")
        );
    }

    // Moved from commands/file/mod.rs (the tree and Tab are above the commands).
    fn shown_file(line: &str) -> Vec<String> {
        complete(&crate::cli::line_tree(), line, line.len())
            .1
            .into_iter()
            .map(|c| c.display)
            .collect()
    }

    #[test]
    fn tab_completes_the_file_menu_and_its_activelog_options() {
        assert_eq!(shown_file("fi"), ["file*"]);
        assert_eq!(
            shown_file("file "),
            ["get*", "list*", "search*", "tail*", "view*"]
        );
        assert_eq!(shown_file("file tail a"), ["activelog"]);
        assert!(shown_file("file tail activelog serve.log --f").contains(&"--follow".to_owned()));
        let help = crate::help::syntax(
            &crate::cli::line_tree(),
            &["file".into(), "search".into(), "activelog".into()],
        )
        .unwrap();
        assert!(
            help.contains("Mandatory parameters:\n  <PATTERN>"),
            "{help}"
        );
        assert!(help.contains("--output <FORMAT>"), "{help}");
    }
}
