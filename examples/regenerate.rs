//! Regenerate `completions/` and `man/` from the command tree: `cargo run --example regenerate`.

// Test and tool code prints, reads its environment and calls libc directly; the
// product's one-door rule (clippy.toml, [lints]) is for the product.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros, unsafe_code)]

fn main() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["completions", "man"] {
        let d = root.join(dir);
        if d.exists() {
            std::fs::remove_dir_all(&d)?;
        }
        std::fs::create_dir_all(&d)?;
    }
    let files = ccadmin::docs::render_all()?;
    for (path, content) in &files {
        std::fs::write(root.join(path), content)?;
    }
    println!("wrote {} files under completions/ and man/", files.len());
    Ok(())
}
