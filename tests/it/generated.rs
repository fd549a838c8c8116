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
