//! `completions/` and `man/`, generated from the command tree. `cargo run --example regenerate`
//! writes them; `tests/generated.rs` regenerates them in memory and compares byte for byte.

use std::path::PathBuf;

use clap_complete::Shell;

/// Every generated file: its path relative to the repository root, and its content.
pub fn render_all() -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for (shell, name) in [
        (Shell::Bash, "ccadmin.bash"),
        (Shell::Zsh, "_ccadmin"),
        (Shell::Fish, "ccadmin.fish"),
        (Shell::PowerShell, "_ccadmin.ps1"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut crate::cli::process_tree(), "ccadmin", &mut buf);
        files.push((PathBuf::from("completions").join(name), buf));
    }
    let mut tree = crate::cli::process_tree().disable_help_subcommand(true);
    tree.build();
    fn pages(cmd: &clap::Command, out: &mut Vec<(PathBuf, Vec<u8>)>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut buf = Vec::new();
        man.render(&mut buf)?;
        out.push((PathBuf::from("man").join(man.get_filename()), buf));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            pages(sub, out)?;
        }
        Ok(())
    }
    pages(&tree, &mut files)?;
    Ok(files)
}
