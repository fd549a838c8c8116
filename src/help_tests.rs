//! Help's tests (`help_tests::…`, formerly `help::tests::…`): they render help, syntax and
//! suggestions from the real command tree, which is a layer above help (ARCHITECTURE.md), so
//! they live here, beside the tree, rather than inside help.

use crate::cli::line_tree;
use crate::help::*;

fn w(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn top_level_marks_menus_and_lists_shell_words() {
    let t = top_level(&line_tree());
    assert!(t.contains("  utils*"), "{t}");
    assert!(t.contains("  help "), "{t}");
    assert!(t.contains("  quit "), "{t}");
    assert!(!t.contains("help*"), "{t}");
}

#[test]
fn syntax_of_a_leaf_names_mandatory_and_optional() {
    let s = syntax(&line_tree(), &w("utils applicationuser add")).unwrap();
    assert!(s.starts_with("Syntax:\n  utils applicationuser add"), "{s}");
    let (mand, opt) = s.split_once("Optional parameters:").unwrap();
    assert!(mand.contains("<NAME>"), "{s}");
    assert!(opt.contains("--password-file <FILE>"), "{s}");
    assert!(!s.contains("--help"), "{s}");
}

#[test]
fn syntax_of_a_menu_lists_sub_commands_with_stars() {
    let s = syntax(&line_tree(), &w("utils")).unwrap();
    assert!(s.contains("  node*"), "{s}");
    assert!(s.contains("  applicationuser*"), "{s}");
    let s = syntax(&line_tree(), &w("utils node")).unwrap();
    assert!(s.contains("  show ") && !s.contains("show*"), "{s}");
}

#[test]
fn unknown_words_are_an_error_naming_them() {
    assert_eq!(
        syntax(&line_tree(), &w("utils nope")).unwrap_err(),
        "utils nope"
    );
    assert!(long_help(&line_tree(), &w("nope")).is_err());
}

#[test]
fn long_help_has_description_options_and_example() {
    let h = long_help(&line_tree(), &w("utils applicationuser add")).unwrap();
    assert!(h.contains("Usage: utils applicationuser add"), "{h}");
    assert!(h.contains("--password-file"), "{h}");
    assert!(h.contains("Example:"), "{h}");
    assert!(h.contains("admin:utils applicationuser add"), "{h}");
}

#[test]
fn suggestions_for_typos() {
    let t = line_tree();
    assert_eq!(
        suggest(&t, &w("utils nod show")).as_deref(),
        Some("utils node show")
    );
    assert_eq!(
        suggest(&t, &w("utils applicationusr ad bob")).as_deref(),
        Some("utils applicationuser add")
    );
    assert_eq!(suggest(&t, &w("utisl node")).as_deref(), Some("utils node"));
    assert_eq!(
        suggest(&t, &w("shw cli pagnation")).as_deref(),
        Some("show cli pagination")
    );
    assert_eq!(suggest(&t, &w("frobnicate the widget")), None);
    assert_eq!(suggest(&t, &w("utils node show")), None);
}

/// Help offers `--output` and `--yes` exactly where the command's code uses them.
#[test]
fn the_lists_of_json_and_confirming_commands_match_the_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("commands");
    let mut json = Vec::new();
    let mut confirming = Vec::new();
    fn walk_dir(d: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk_dir(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk_dir(&root, &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = f.strip_prefix(&root).unwrap().with_extension("");
        let mut words: Vec<String> = rel
            .iter()
            .map(|w| w.to_string_lossy().replace('_', "-"))
            .collect();
        // A menu's mod.rs: the SFTP host-key question of `export` and `import`.
        let paths: Vec<String> = if words.last().is_some_and(|w| w == "mod") {
            words.pop();
            let base = words.join(" ");
            if base == "utils system inventory" {
                vec![format!("{base} export"), format!("{base} import")]
            } else {
                vec![base]
            }
        } else {
            vec![words.join(" ")]
        };
        // Shared renderers: the orchestration runs (JSON and a confirmation), the version
        // record and the artifact lists (JSON).
        let shared_json = [
            "orchestration_ui::execute(",
            "version::render(",
            "list::render(",
        ];
        for p in paths {
            if text.contains("json_output()") && !p.ends_with("show version")
                || shared_json.iter().any(|s| text.contains(s))
            {
                json.push(p.clone());
            }
            if text.contains(".confirm(")
                || text.contains(".ask_yes_no(")
                || text.contains("orchestration_ui::execute(")
            {
                confirming.push(p);
            }
        }
    }
    json.sort();
    json.dedup();
    confirming.sort();
    confirming.dedup();
    assert_eq!(json, JSON_COMMANDS);
    assert_eq!(confirming, CONFIRMING_COMMANDS);
}
