//! Reading the command tree for people: `help`, `help <command>`, `<command> ?`, the menu
//! listings Tab also shows, and the `Did you mean` suggestion for a mistyped command.
//! Everything here walks the clap tree; nothing keeps its own list of commands.

use clap::Command;

/// Words the shell understands that are not commands of the tree.
pub const SHELL_WORDS: &[(&str, &str)] =
    &[("quit", "Leave the shell"), ("exit", "Leave the shell")];

/// Words that name no command of the tree: what was typed, which the message repeats.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownCommand(pub String);

impl PartialEq<&str> for UnknownCommand {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The result of walking words down the tree.
pub struct Found<'a> {
    pub cmd: &'a Command,
    /// The menu words matched, e.g. `["utils", "node", "show"]`.
    pub path: Vec<String>,
    /// How many of the given words were consumed.
    pub consumed: usize,
}

/// Follow `words` down the tree as far as they name sub-commands (aliases included).
pub fn walk<'a>(tree: &'a Command, words: &[String]) -> Found<'a> {
    let mut cmd = tree;
    let mut path = Vec::new();
    let mut consumed = 0;
    for w in words {
        match cmd.find_subcommand(w) {
            Some(sub) => {
                cmd = sub;
                path.push(sub.get_name().to_owned());
                consumed += 1;
            }
            None => break,
        }
    }
    Found {
        cmd,
        path,
        consumed,
    }
}

/// Visible sub-commands of a menu.
pub fn children(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands().filter(|c| !c.is_hide_set())
}

pub fn is_menu(cmd: &Command) -> bool {
    children(cmd).next().is_some()
}

fn about(cmd: &Command) -> String {
    cmd.get_about().map(|a| a.to_string()).unwrap_or_default()
}

fn listing(rows: Vec<(String, String)>) -> String {
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    rows.into_iter()
        .map(|(n, a)| {
            if a.is_empty() {
                format!("  {n}")
            } else {
                format!("  {n:width$}  {a}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A menu's sub-commands, those with further sub-commands marked `*` (as Tab lists them).
pub fn menu_listing(cmd: &Command) -> String {
    listing(
        children(cmd)
            .map(|c| {
                let star = if is_menu(c) { "*" } else { "" };
                (
                    format!("{}{star}{}", c.get_name(), aliases_note(c)),
                    about(c),
                )
            })
            .collect(),
    )
}

/// `help` with no argument: the top-level menus.
pub fn top_level(tree: &Command) -> String {
    let mut rows: Vec<(String, String)> = children(tree)
        .map(|c| {
            (
                format!("{}{}", c.get_name(), if is_menu(c) { "*" } else { "" }),
                about(c),
            )
        })
        .collect();
    rows.extend(
        SHELL_WORDS
            .iter()
            .map(|(w, a)| (w.to_string(), a.to_string())),
    );
    format!(
        "Commands (* marks a menu with sub-commands):\n{}\n\n\
         Type \"help <command>\" for a command's description, options and example,\n\
         \"<command> ?\" for its syntax, and press Tab to complete.\n",
        listing(rows)
    )
}

/// The commands with results that `--output json` renders as JSON (the others print status
/// lines only), and the commands that ask a yes/no question `--yes` answers. Help shows each
/// of the two options only where it does something (a unit test keeps these lists and the
/// commands' code in step).
pub const JSON_COMMANDS: &[&str] = &[
    "file list activelog",
    "file search activelog",
    "hub account list",
    "hub alerts list",
    "hub alerts show",
    "hub cluster add",
    "hub cluster list",
    "hub cluster postpone",
    "hub cluster schedule set",
    "hub cluster show",
    "hub release add",
    "hub release list",
    "hub release withdraw",
    "hub smtp show",
    "run sql",
    "show cli pagination",
    "show smtp-from-email",
    "show smtp-host",
    "show smtp-use-auth",
    "show smtp-user",
    "show version active",
    "show version inactive",
    "utils applicationuser list",
    "utils cert list",
    "utils cloudconnect show registration",
    "utils controlnode key",
    "utils dbreplication repair",
    "utils dbreplication runtimestate",
    "utils dbreplication status",
    "utils deployment compatibility-check",
    "utils deployment export-status",
    "utils deployment show history",
    "utils deployment show in-progress",
    "utils deployment show progress-ha",
    "utils deployment show status",
    "utils deployment test-connection",
    "utils image-repository artifacts",
    "utils image-repository download",
    "utils image-repository show",
    "utils initiate software-download",
    "utils node cluster list",
    "utils node show",
    "utils patch-manager export status",
    "utils patch-manager install",
    "utils patch-manager list",
    "utils patch-manager ms-patches install",
    "utils patch-manager ms-patches rollback",
    "utils patch-manager rollback",
    "utils patch-manager signer list",
    "utils secret-store show",
    "utils show orchestration max-parallel-tasks",
    "utils show software-download",
    "utils smtp show subscriptions",
    "utils system icm-services start",
    "utils system inventory history",
    "utils system inventory import",
    "utils system inventory show",
    "utils system inventory validate",
    "utils system maintenance end",
    "utils system maintenance initiate",
    "utils system maintenance status",
    "utils system onboard status",
    "utils system switch-version",
    "utils system upgrade cancel",
    "utils system upgrade initiate",
    "utils system upgrade rollback-patch",
    "utils system upgrade status",
    "utils upgrade-manager list",
    "utils upgrade-manager rollback",
    "utils upgrade-manager switch-forward",
    "utils upgrade-manager upgrade",
];
pub const CONFIRMING_COMMANDS: &[&str] = &[
    "utils applicationuser delete",
    "utils cert import",
    "utils cloudconnect switch-back",
    "utils cloudconnect unregister",
    "utils dbreplication repair",
    "utils deployment test-connection",
    "utils node set",
    "utils patch-manager install",
    "utils patch-manager ms-patches install",
    "utils patch-manager ms-patches rollback",
    "utils patch-manager rollback",
    "utils secret-store migrate",
    "utils smtp remove-config",
    "utils smtp test-connection",
    "utils system icm-services start",
    "utils system inventory export",
    "utils system inventory import",
    "utils system inventory remove-cluster",
    "utils system maintenance end",
    "utils system maintenance initiate",
    "utils system onboard remove",
    "utils system switch-version",
    "utils system upgrade cancel",
    "utils system upgrade initiate",
    "utils system upgrade rollback-patch",
    "utils upgrade-manager rollback",
    "utils upgrade-manager switch-forward",
    "utils upgrade-manager upgrade",
];

/// `cmd` with the global options hidden where `path` does not use them.
fn only_used_options(cmd: Command, path: &str) -> Command {
    let mut cmd = cmd;
    if !JSON_COMMANDS.contains(&path) {
        cmd = cmd.mut_arg("output", |a| a.hide(true));
    }
    if !CONFIRMING_COMMANDS.contains(&path) {
        cmd = cmd.mut_arg("yes", |a| a.hide(true));
    }
    cmd
}

/// `help <command>`: the long help (description, options, example) of a command or menu.
pub fn long_help(tree: &Command, words: &[String]) -> Result<String, UnknownCommand> {
    let found = walk(tree, words);
    if found.consumed < words.len() || words.is_empty() {
        return Err(UnknownCommand(words.join(" ")));
    }
    let path = found.path.join(" ");
    let mut cmd = found.cmd.clone().bin_name(&path).disable_help_flag(false);
    if !is_menu(found.cmd) {
        cmd = only_used_options(cmd, &path);
    }
    // The tree is built, so clap prefixes its root name; at the prompt that is not typed.
    let text = cmd
        .render_long_help()
        .to_string()
        .replace("Usage: admin ", "Usage: ");
    if is_menu(found.cmd) {
        // clap lists sub-commands already; add the marker for menus, as Tab shows it.
        return Ok(format!(
            "{}\n\nSub-commands (* marks a menu):\n{}\n",
            about(found.cmd),
            menu_listing(found.cmd)
        ));
    }
    Ok(text)
}

/// `<command> ?`: the syntax of a command, or the sub-commands of a menu.
pub fn syntax(tree: &Command, words: &[String]) -> Result<String, UnknownCommand> {
    let found = walk(tree, words);
    if found.consumed < words.len() {
        return Err(UnknownCommand(words.join(" ")));
    }
    if words.is_empty() {
        return Ok(top_level(tree));
    }
    if is_menu(found.cmd) {
        return Ok(format!("{}\n", menu_listing(found.cmd)));
    }
    let path = found.path.join(" ");
    let mut cmd = found.cmd.clone().bin_name(&path);
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .trim_start_matches("Usage: ")
        .trim()
        .trim_start_matches("admin ");
    let mut mandatory = Vec::new();
    let mut optional = Vec::new();
    for arg in found.cmd.get_arguments() {
        let unused = match arg.get_id().as_str() {
            "help" => true,
            "output" => !JSON_COMMANDS.contains(&path.as_str()),
            "yes" => !CONFIRMING_COMMANDS.contains(&path.as_str()),
            _ => false,
        };
        if arg.is_hide_set() || unused {
            continue;
        }
        let name = match arg.get_long() {
            Some(l) => {
                let v = arg
                    .get_value_names()
                    .map(|v| format!(" <{}>", v.join(" ")))
                    .unwrap_or_default();
                let takes = arg
                    .get_num_args()
                    .map(|n| n.takes_values())
                    .unwrap_or(false);
                format!("--{l}{}", if takes { v } else { String::new() })
            }
            None => format!(
                "<{}>",
                arg.get_value_names()
                    .map(|v| v.join(" "))
                    .unwrap_or_else(|| arg.get_id().to_string())
            ),
        };
        let mut text = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_owned())
            .collect();
        if !values.is_empty() && arg.get_action().takes_values() {
            text = format!("{text} ({})", values.join("|"));
        }
        if arg.is_required_set() {
            mandatory.push((name, text));
        } else {
            optional.push((name, text));
        }
    }
    let mut s = format!("Syntax:\n  {usage}\n");
    if !mandatory.is_empty() {
        s.push_str(&format!(
            "\nMandatory parameters:\n{}\n",
            listing(mandatory)
        ));
    }
    if !optional.is_empty() {
        s.push_str(&format!("\nOptional parameters:\n{}\n", listing(optional)));
    }
    Ok(s)
}

/// ` (alias: initiate)` for a command with visible aliases (Cisco's other names), else nothing.
pub fn aliases_note(c: &Command) -> String {
    let names: Vec<&str> = c.get_visible_aliases().collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (alias: {})", names.join(", "))
    }
}

/// Every command path of the tree, menus and leaves, as word lists; a command's visible
/// aliases are paths too (so `initate` is offered `initiate`).
pub fn all_paths(tree: &Command) -> Vec<Vec<String>> {
    fn rec(cmd: &Command, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        for c in children(cmd) {
            let names = std::iter::once(c.get_name()).chain(c.get_visible_aliases());
            for name in names.collect::<Vec<_>>() {
                prefix.push(name.to_owned());
                out.push(prefix.clone());
                rec(c, prefix, out);
                prefix.pop();
            }
        }
    }
    let mut out = Vec::new();
    rec(tree, &mut Vec::new(), &mut out);
    out
}

/// What a menu needs of the node it runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// A Cloud Connect node, publisher or subscriber.
    CloudConnect,
    /// The publisher of a VOS cluster.
    VosPublisher,
    /// Any VOS node (its own software).
    VosNode,
}

impl Needs {
    /// Whether a node of `role` has the menu (shown by Tab, `help` and `?`, and run).
    pub fn allows(self, role: crate::domain::Role) -> bool {
        match self {
            Needs::CloudConnect => role.is_cloud_connect(),
            Needs::VosPublisher | Needs::VosNode => !role.is_cloud_connect(),
        }
    }

    /// The refusal on a node whose role does not fit, in the operations' words (the role they
    /// need and where to look).
    pub fn require(self, node: &mut crate::ops::Node) -> crate::ops::OpResult {
        match self {
            Needs::CloudConnect => node.require_cloud_connect(false),
            Needs::VosPublisher => node.require_vos(),
            Needs::VosNode => node.require_vos_node(),
        }
    }
}

/// The menus that run on one role only, each declared once: hidden (Tab, `help`, `?`) on the
/// other role's nodes by [`for_role`], and refused there by the dispatcher (through
/// [`needs`]) before the command runs. A command's own stricter check (the publisher only)
/// stays with the command.
pub const MENU_ROLES: &[(&[&str], Needs)] = &[
    (&["utils", "image-repository"], Needs::CloudConnect),
    (&["utils", "system", "icm-services"], Needs::CloudConnect),
    (&["utils", "system", "inventory"], Needs::CloudConnect),
    (&["utils", "system", "maintenance"], Needs::CloudConnect),
    (&["utils", "deployment"], Needs::CloudConnect),
    (&["utils", "controlnode"], Needs::CloudConnect),
    (&["utils", "cloudconnect"], Needs::CloudConnect),
    (&["utils", "dbreplication"], Needs::CloudConnect),
    (&["utils", "smtp"], Needs::CloudConnect),
    (&["utils", "patch-manager"], Needs::CloudConnect),
    (&["utils", "upgrade-manager"], Needs::CloudConnect),
    (&["utils", "orchestration"], Needs::CloudConnect),
    (&["utils", "set"], Needs::CloudConnect),
    (&["utils", "initiate"], Needs::CloudConnect),
    (&["utils", "show"], Needs::CloudConnect),
    (&["set", "smtp-host"], Needs::CloudConnect),
    (&["set", "smtp-from-email"], Needs::CloudConnect),
    (&["set", "smtp-use-auth"], Needs::CloudConnect),
    (&["set", "smtp-user"], Needs::CloudConnect),
    (&["set", "smtp-pswd"], Needs::CloudConnect),
    (&["show", "smtp-host"], Needs::CloudConnect),
    (&["show", "smtp-from-email"], Needs::CloudConnect),
    (&["show", "smtp-use-auth"], Needs::CloudConnect),
    (&["show", "smtp-user"], Needs::CloudConnect),
    (&["utils", "system", "onboard"], Needs::VosPublisher),
    // `status` runs on both roles (a VOS node's installs; a Cloud Connect node's own upgrade
    // from the hub); `cancel` (its own upgrade from the hub) on Cloud Connect only; the menu's
    // other commands on a VOS node only.
    (
        &["utils", "system", "upgrade", "cancel"],
        Needs::CloudConnect,
    ),
    (&["utils", "system", "upgrade", "initiate"], Needs::VosNode),
    (
        &["utils", "system", "upgrade", "rollback-patch"],
        Needs::VosNode,
    ),
    (&["utils", "system", "switch-version"], Needs::VosNode),
    (&["show", "version"], Needs::VosNode),
    (&["utils", "node", "cluster"], Needs::VosPublisher),
];

/// What the command at `path` (its menu words, e.g. `utils deployment show status`) needs of
/// the node: the declaration of the menu it is in, if it runs on one role only.
pub fn needs<S: AsRef<str>>(path: &[S]) -> Option<Needs> {
    MENU_ROLES
        .iter()
        .find(|(menu, _)| {
            menu.len() <= path.len() && menu.iter().zip(path).all(|(m, p)| *m == p.as_ref())
        })
        .map(|(_, n)| *n)
}

/// The command tree as a node of `role` shows it: the other role's menus hidden (still parsed,
/// so typing one gets its role's message rather than `Invalid command`).
pub fn for_role(mut tree: Command, role: crate::domain::Role) -> Command {
    fn hide_path(cmd: Command, path: &[&str]) -> Command {
        match path {
            [] => cmd.hide(true),
            [first, rest @ ..] => {
                let rest = rest.to_vec();
                cmd.mut_subcommand(*first, move |c| hide_path(c, &rest))
            }
        }
    }
    for (path, needs) in MENU_ROLES {
        if !needs.allows(role) {
            tree = hide_path(tree, path);
        }
    }
    tree
}

/// Whether `word` names a top-level command (or one of its aliases) exactly.
pub fn is_command_name(tree: &Command, word: &str) -> bool {
    matches!(word, "quit" | "exit" | "?")
        || tree
            .get_subcommands()
            .any(|c| c.get_name() == word || c.get_all_aliases().any(|a| a == word))
}

/// Whether a line starting with `word` is meant as a command: its first word is a command's
/// name, or a typo or abbreviation of one (so `Did you mean` can help). Anything else, in a
/// batch, may be an answer to a command that failed before reading it.
pub fn looks_like_command(tree: &Command, word: &str) -> bool {
    is_command_name(tree, word) || suggest(tree, &[word.to_owned()]).is_some()
}

/// The command path closest to what was typed, if one is close: each word within a small edit
/// distance of the path's word, the longest such path first.
pub fn suggest(tree: &Command, typed: &[String]) -> Option<String> {
    let words: Vec<&str> = typed
        .iter()
        .map(String::as_str)
        .take_while(|w| !w.starts_with('-'))
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize, Vec<String>)> = None; // (path len, distance, path)
    for path in all_paths(tree) {
        if path.len() > words.len() {
            continue;
        }
        let mut total = 0;
        let mut ok = true;
        for (p, w) in path.iter().zip(&words) {
            let lw = w.to_lowercase();
            // An abbreviation (a prefix of two or more letters) is as good as one typo.
            let d = if *p != lw && p.starts_with(&lw) && lw.len() >= 2 {
                1
            } else {
                strsim::damerau_levenshtein(p, &lw)
            };
            let allowed = (p.len() / 3).max(1);
            if d > allowed {
                ok = false;
                break;
            }
            total += d;
        }
        if !ok || total == 0 && path.len() == words.len() {
            continue;
        }
        let better = match &best {
            None => true,
            Some((len, dist, _)) => path.len() > *len || (path.len() == *len && total < *dist),
        };
        if better {
            best = Some((path.len(), total, path));
        }
    }
    let (_, dist, path) = best?;
    if dist == 0 {
        // Every word matched exactly: the mistake is after the path, nothing to suggest there.
        return None;
    }
    Some(path.join(" "))
}

// Help's tests walk the real command tree, which sits a layer above help: they are in
// src/help_tests.rs, run as `help_tests::…`.
