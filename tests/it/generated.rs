//! `completions/` and `man/` are what the command tree generates, byte for byte.

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = ccadmin::docs::render_all().unwrap();
    assert!(files
        .iter()
        .any(|(p, _)| p.ends_with("ccadmin-utils-node-show.1")));
    let mut stale = Vec::new();
    for (path, content) in &files {
        match std::fs::read(root.join(path)) {
            Ok(on_disk) if &on_disk == content => {}
            _ => stale.push(path.display().to_string()),
        }
    }
    for dir in ["completions", "man"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = std::path::PathBuf::from(dir).join(e.unwrap().file_name());
            if !files.iter().any(|(f, _)| *f == p) {
                stale.push(format!("{} (no longer generated)", p.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date: {stale:?}\nregenerate them with: cargo run --example regenerate"
    );
}

/// The README and the pages under docs/ document every command, every global option and every
/// environment variable the command tree declares: a command is found by its words as typed
/// (`utils node show`, or `remove` beside its menu as in `cluster add … / remove HOST`), an option
/// by `--name`, a variable by its name; the README names every global option (or its short form)
/// and every variable itself.
#[test]
fn readme_and_docs_document_every_command_option_and_variable() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut all = readme.clone();
    for e in std::fs::read_dir(root.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            all.push_str(&std::fs::read_to_string(&p).unwrap());
        }
    }
    // Documentation wraps lines and writes menus as `a | b`: compare on single spaces.
    let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut tree = ccadmin::cli::process_tree();
    tree.build();
    let mut missing = Vec::new();
    let mut leaves = Vec::new();
    fn walk(c: &clap::Command, path: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>) {
        if c.is_hide_set() {
            return;
        }
        let subs: Vec<_> = c
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if subs.is_empty() {
            let opts = c
                .get_arguments()
                .filter(|a| !a.is_hide_set() && !a.is_global_set())
                .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                .collect();
            out.push((path.join(" "), opts));
        }
        for s in subs {
            path.push(s.get_name().to_owned());
            walk(s, path, out);
            path.pop();
        }
    }
    walk(&tree, &mut Vec::new(), &mut leaves);
    assert!(
        leaves.len() > 90,
        "the tree has its commands: {}",
        leaves.len()
    );
    for (path, opts) in &leaves {
        if path.is_empty() {
            continue;
        }
        // A command is documented by its full words, or, in a menu line such as
        // `ccadmin hub cluster list | show NAME`, by its menu and its own name.
        let words: Vec<&str> = path.split(' ').collect();
        let (menu, leaf) = words.split_at(words.len() - 1);
        let menu = menu.join(" ");
        let leaf = leaf[0];
        let found = flat.contains(path.as_str())
            || (!menu.is_empty()
                && flat.contains(&menu)
                && [
                    format!("| {leaf}"),
                    format!("/ {leaf}"),
                    format!("/ `{leaf}"),
                ]
                .iter()
                .any(|form| flat.contains(form.as_str())));
        if !found {
            missing.push(format!("command `{path}`"));
        }
        for o in opts {
            if !flat.contains(o.as_str()) {
                missing.push(format!("option `{o}` of `{path}`"));
            }
        }
    }
    for a in tree.get_arguments().filter(|a| !a.is_hide_set()) {
        if let Some(l) = a.get_long() {
            let short = a.get_short().map(|c| format!("`-{c} "));
            if !readme.contains(&format!("--{l}"))
                && !short.is_some_and(|s| readme.contains(s.as_str()))
            {
                missing.push(format!("global option `--{l}` in the README"));
            }
        }
    }
    let mut vars = std::collections::BTreeSet::new();
    fn env_vars(c: &clap::Command, out: &mut std::collections::BTreeSet<String>) {
        for a in c.get_arguments() {
            if let Some(v) = a.get_env() {
                out.insert(v.to_string_lossy().into_owned());
            }
        }
        for s in c.get_subcommands() {
            env_vars(s, out);
        }
    }
    env_vars(&tree, &mut vars);
    assert!(vars.contains("CCADMIN_STATE_DIR"), "{vars:?}");
    for v in &vars {
        if !readme.contains(v.as_str()) {
            missing.push(format!("variable `{v}` in the README"));
        }
    }
    assert!(
        missing.is_empty(),
        "not documented:\n{}",
        missing.join("\n")
    );
}
