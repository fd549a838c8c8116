//! The tests' loopback Artifactory-compatible HTTPS server, standing alone for benchmarks:
//! serves every file under DIR, prints `BASE_URL CA_FILE`, and stops when stdin closes.
//! `cargo run --release --example jfrog_server -- DIR`

// Test and tool code prints, reads its environment and calls libc directly; the
// product's one-door rule (clippy.toml, [lints]) is for the product.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros, unsafe_code)]

#[path = "../tests/it/jfrog.rs"]
#[allow(dead_code)]
mod jfrog;

use std::io::{BufRead, Write};
use std::path::Path;

fn add(j: &jfrog::JFrog, root: &Path, dir: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            add(j, root, &p)?;
        } else {
            let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            j.put(&format!("/{rel}"), std::fs::read(&p)?);
        }
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: jfrog_server DIR"))?;
    let j = jfrog::JFrog::start();
    add(&j, Path::new(&dir), Path::new(&dir))?;
    println!("{} {}", j.base, j.ca.display());
    std::io::stdout().flush()?;
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    Ok(())
}
