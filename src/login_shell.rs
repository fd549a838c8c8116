//! ccadmin as an account's login shell: what sshd hands a login shell, turned into the
//! one-shot command line every other face already runs.
//!
//! sshd starts a login shell in two ways: `-ccadmin` (a leading dash, no arguments) for a
//! session without a command, and `ccadmin -c "COMMAND LINE"` for `ssh host COMMAND`, for
//! `scp` (`scp -t …`) and for an SFTP subsystem served by an external program
//! (`/usr/lib/openssh/sftp-server`). The first needs nothing but a clean program name: the
//! shell or a batch start as they do for `ccadmin` with no command. The second is rewritten
//! here into the argument list of a one-shot command (`ccadmin [OPTIONS] -c 'utils node show'`
//! becomes `ccadmin [OPTIONS] utils node show`), split with the same shell rules as a line
//! typed at `admin:`, so the one-shot path in `main_entry` stays the single door: same
//! context, exit statuses, output and JSON. File transfers are refused here with one line:
//! an admin shell that handed `scp` or `sftp-server` the account's files would no longer be
//! the admin shell.

use crate::errors::exit;

/// The program name clap shows, whatever sshd or a symlink called the process.
const PROGRAM: &str = "ccadmin";

/// What sshd runs for a file transfer through the account's shell, and what ccadmin refuses.
const TRANSFERS: &[&str] = &["scp", "sftp-server", "internal-sftp", "sftp", "rsync"];

/// Global options that set up the process rather than the command, refused inside a `-c` line.
const PROCESS_OPTIONS: &[&str] = &["--state-dir", "--secret-store", "--keep-going", "--echo"];

/// The process's arguments once `-c` is resolved.
#[derive(Debug, PartialEq, Eq)]
pub struct Expanded {
    /// The argument list the one-shot path parses, program name first.
    pub argv: Vec<String>,
    /// The command came through `-c`: only a command of the admin: shell may run (no
    /// `serve`, `hub` or `-f FILE`), and an empty line runs nothing.
    pub from_dash_c: bool,
}

/// A `-c` line that does not run: the one message for stderr and the exit status.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub code: i32,
}

/// Resolve a login shell's arguments: the program name without sshd's leading dash, and a
/// `-c LINE` given among the global options (before any command word, where sshd puts it)
/// replaced by the words of LINE. `takes_value` says which options take a value, so that a
/// value such as `--state-dir DIR` is not mistaken for the command.
pub fn expand(
    mut args: Vec<String>,
    takes_value: impl Fn(&str) -> bool,
) -> Result<Expanded, Refusal> {
    if let Some(first) = args.first_mut() {
        *first = PROGRAM.to_owned();
    }
    let mut at = None;
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "-c" {
            at = Some(i);
            break;
        }
        if !a.starts_with('-') || a == "-" || a == "--" {
            break;
        }
        i += if !a.contains('=') && takes_value(a) {
            2
        } else {
            1
        };
    }
    let Some(at) = at else {
        return Ok(Expanded {
            argv: args,
            from_dash_c: false,
        });
    };
    let Some(line) = args.get(at + 1) else {
        return Err(usage(
            "-c needs the command line to run\nHint: ccadmin -c 'utils node show'",
        ));
    };
    if args.len() > at + 2 {
        return Err(usage(&format!(
            "-c takes the whole command line as one argument, and {} more followed it\nHint: quote the command line as one argument: ccadmin -c 'utils node show'",
            args.len() - at - 2
        )));
    }
    let words = split(line)?;
    // The line is what an SSH client sends: it chooses a command and how it is shown, never
    // the process's own settings (the state directory, the secret store, how a batch runs).
    if let Some(o) = words.iter().find(|w| {
        let name = w.split('=').next().unwrap_or(w);
        PROCESS_OPTIONS.contains(&name)
    }) {
        return Err(usage(&format!(
            "{} is not allowed in a -c line: the line runs a command of the admin: shell, with --output, -y, -v or -q at most\nHint: the account's environment chooses the state directory and the secret store",
            crate::output::one_line(o)
        )));
    }
    let mut argv = args[..at].to_vec();
    argv.extend(words);
    Ok(Expanded {
        argv,
        from_dash_c: true,
    })
}

/// The words of a `-c` line, as a line typed at `admin:` is split (shell quoting; `run sql`
/// keeps its SQL as typed). A file transfer, a second line or an unclosed quote is refused.
pub fn split(line: &str) -> Result<Vec<String>, Refusal> {
    let trimmed = line.trim();
    if let Some(program) = transfer_program(trimmed) {
        return Err(Refusal {
            message: format!(
                "Error: {program} refused: ccadmin is this account's login shell and serves no file transfers (scp, sftp, rsync), only commands of the admin: shell"
            ),
            code: exit::FAILED,
        });
    }
    if trimmed.contains('\n') {
        return Err(usage(&format!(
            "-c runs one command line and this one has {} lines\nHint: send several commands as a batch on standard input (ssh HOST < FILE)",
            trimmed.lines().count()
        )));
    }
    crate::dispatch::split_line(trimmed).map_err(|_| {
        let (column, what) = unbalanced(trimmed).unwrap_or((1, "unbalanced quotes"));
        usage(&format!(
            "the command line given to -c has {what} at column {column}: {}\nHint: close the quote, or put a backslash before a quote character meant literally",
            crate::output::one_line(&crate::names::redact_command_line(trimmed))
        ))
    })
}

/// The file-transfer program a command line starts, if it starts one (`scp -t /tmp`,
/// `/usr/lib/openssh/sftp-server`, `rsync --server …`).
fn transfer_program(line: &str) -> Option<&'static str> {
    let first = line.split_whitespace().next()?;
    let name = first.rsplit('/').next().unwrap_or(first);
    TRANSFERS.iter().copied().find(|t| *t == name)
}

/// Where shell splitting fails on `line`: the 1-based column of the quote left open (or of
/// the backslash that ends the line) and what is wrong there.
fn unbalanced(line: &str) -> Option<(usize, &'static str)> {
    #[derive(PartialEq)]
    enum In {
        Plain,
        Single,
        Double,
    }
    let mut state = In::Plain;
    let mut opened = 0;
    let mut word_start = true;
    let mut chars = line.chars().enumerate();
    while let Some((i, c)) = chars.next() {
        match state {
            In::Plain => match c {
                '#' if word_start => return None,
                // The guard takes the escaped character, so it is never read as a quote.
                '\\' if chars.next().is_none() => {
                    return Some((i + 1, "a backslash with nothing after it"))
                }
                '\'' => (state, opened) = (In::Single, i),
                '"' => (state, opened) = (In::Double, i),
                _ => {}
            },
            In::Single => {
                if c == '\'' {
                    state = In::Plain;
                }
            }
            In::Double => match c {
                '\\' if chars.next().is_none() => {
                    return Some((opened + 1, "an unclosed double quote (\")"))
                }
                '"' => state = In::Plain,
                _ => {}
            },
        }
        word_start = state == In::Plain && c.is_whitespace();
    }
    match state {
        In::Plain => None,
        In::Single => Some((opened + 1, "an unclosed single quote (')")),
        In::Double => Some((opened + 1, "an unclosed double quote (\")")),
    }
}

fn usage(text: &str) -> Refusal {
    Refusal {
        message: format!("Error: {text}"),
        code: exit::USAGE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    fn takes(a: &str) -> bool {
        matches!(a, "--state-dir" | "--output" | "-f" | "--secret-store")
    }

    #[test]
    fn a_login_shell_name_loses_its_dash() {
        let e = expand(args(&["-ccadmin"]), takes).unwrap();
        assert_eq!(e.argv, ["ccadmin"]);
        assert!(!e.from_dash_c);
        let e = expand(args(&["/usr/bin/ccadmin", "utils", "node", "show"]), takes).unwrap();
        assert_eq!(e.argv, ["ccadmin", "utils", "node", "show"]);
    }

    #[test]
    fn dash_c_becomes_the_one_shot_words_after_the_global_options() {
        let e = expand(
            args(&["ccadmin", "--output", "json", "-c", "utils node show"]),
            takes,
        )
        .unwrap();
        assert_eq!(
            e.argv,
            ["ccadmin", "--output", "json", "utils", "node", "show"]
        );
        assert!(e.from_dash_c);
        let e = expand(
            args(&[
                "ccadmin",
                "-c",
                "--output json utils cert import 'my file.pem'",
            ]),
            takes,
        )
        .unwrap();
        assert_eq!(
            e.argv,
            [
                "ccadmin",
                "--output",
                "json",
                "utils",
                "cert",
                "import",
                "my file.pem"
            ]
        );
    }

    #[test]
    fn dash_c_inside_a_command_or_as_an_option_value_is_not_the_login_line() {
        let a = args(&["ccadmin", "utils", "x", "-c", "y"]);
        assert_eq!(expand(a.clone(), takes).unwrap().argv, a);
        let a = args(&["ccadmin", "--state-dir", "-c", "utils"]);
        assert_eq!(expand(a.clone(), takes).unwrap().argv, a);
    }

    #[test]
    fn run_sql_keeps_its_quotes_as_at_the_prompt() {
        let e = expand(
            args(&["ccadmin", "-c", "run sql select name from t where a = 'x'"]),
            takes,
        )
        .unwrap();
        assert_eq!(
            e.argv,
            ["ccadmin", "run", "sql", "select name from t where a = 'x'"]
        );
    }

    #[test]
    fn file_transfers_are_refused_in_one_line() {
        for line in [
            "scp -t /tmp",
            "scp -f /etc/passwd",
            "/usr/lib/openssh/sftp-server",
            "internal-sftp",
            "rsync --server -vlogDtpre.iLsfxC . /tmp",
        ] {
            let r = expand(args(&["ccadmin", "-c", line]), takes).unwrap_err();
            assert_eq!(r.code, exit::FAILED, "{line}");
            assert_eq!(r.message.lines().count(), 1, "{}", r.message);
            assert!(r.message.contains("refused"), "{}", r.message);
        }
    }

    #[test]
    fn an_unclosed_quote_is_named_with_its_column() {
        let r = expand(
            args(&["ccadmin", "-c", "utils node set --hostname \"cc pub"]),
            takes,
        )
        .unwrap_err();
        assert_eq!(r.code, exit::USAGE);
        assert!(
            r.message
                .contains("unclosed double quote (\") at column 27"),
            "{}",
            r.message
        );
        let r = expand(args(&["ccadmin", "-c", "utils 'node show"]), takes).unwrap_err();
        assert!(
            r.message.contains("unclosed single quote (') at column 7"),
            "{}",
            r.message
        );
        let r = expand(args(&["ccadmin", "-c", "utils node show \\"]), takes).unwrap_err();
        assert!(r.message.contains("backslash"), "{}", r.message);
    }

    #[test]
    fn a_missing_line_extra_words_and_two_lines_are_usage_errors() {
        for a in [
            args(&["ccadmin", "-c"]),
            args(&["ccadmin", "-c", "utils", "node", "show"]),
            args(&["ccadmin", "-c", "utils node show\nshow version active"]),
        ] {
            let r = expand(a, takes).unwrap_err();
            assert_eq!(r.code, exit::USAGE, "{}", r.message);
            assert!(r.message.starts_with("Error: -c"), "{}", r.message);
        }
    }

    #[test]
    fn a_line_cannot_choose_the_process_settings() {
        for line in [
            "utils node show --state-dir /tmp/elsewhere",
            "--state-dir=/tmp/x utils node show",
            "--secret-store file utils node show",
            "--keep-going utils node show",
        ] {
            let e = expand(args(&["ccadmin", "-c", line]), takes).unwrap_err();
            assert_eq!(e.code, crate::errors::exit::USAGE, "{line}");
            assert!(
                e.message.contains("is not allowed in a -c line"),
                "{}",
                e.message
            );
        }
        // Outside the line (the local invoker's own options) they stay.
        let ok = expand(
            args(&[
                "ccadmin",
                "--state-dir",
                "/s",
                "-c",
                "utils node show --output json",
            ]),
            takes,
        )
        .unwrap();
        assert!(ok.argv.contains(&"/s".to_owned()));
    }

    #[test]
    fn an_empty_line_has_no_words() {
        let e = expand(args(&["-ccadmin", "-c", "  "]), takes).unwrap();
        assert_eq!(e.argv, ["ccadmin"]);
        assert!(e.from_dash_c);
    }
}
