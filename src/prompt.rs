//! Where answers come from (rule R5 in docs/rules.md#r5, STYLE "uv"): flag, else environment, else
//! a prompt on the terminal or the next line of a batch, else the default, else an error that names
//! the flag.
//!
//! In a batch the command lines and the answers share one line source, so an administrator's
//! type-ahead script (`utils applicationuser add bob` followed by two password lines) works
//! exactly as typing it would. Nothing read here is ever added to history or echoed.

use std::io::{self, BufRead};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::context::Ctx;
use crate::errors::{CmdResult, CommandError, ErrorKind};
use crate::secrets::Secret;

/// Where answers come from is declared in `input` (the `Ctx` holds one, below the prompts).
pub use crate::input::{Input, LineSource};

/// A value a command may prompt for.
pub struct Field<'a> {
    /// The prompt text, e.g. `Artifactory URL`.
    pub label: &'a str,
    /// The flag that supplies it, e.g. `--url`.
    pub flag: &'a str,
    /// The environment variable that supplies it, if any.
    pub env: Option<&'a str>,
    pub default: Option<&'a str>,
}

/// Read a secret from a `--*-file`: its first line, without the line ending.
pub fn read_secret_file(ctx: &mut Ctx, path: &Path, flag: &str) -> CmdResult<Secret> {
    let data = std::fs::read(path).map_err(|e| {
        CommandError::failed(format!("cannot read {} ({flag}): {e}", path.display()))
            .with_hint("check the path and that this user may read the file")
    })?;
    if let Ok(m) = std::fs::metadata(path) {
        if m.permissions().mode() & 0o077 != 0 {
            ctx.ui.warn(&format!(
                "{} can be read by other users; keep secret files mode 0600 (chmod 600 {})",
                path.display(),
                path.display()
            ));
        }
    }
    let text = String::from_utf8(data).map_err(|_| {
        CommandError::failed(format!("{} ({flag}) is not UTF-8 text", path.display()))
    })?;
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if first.is_empty() {
        return Err(
            CommandError::failed(format!("{} ({flag}) is empty", path.display()))
                .with_hint("put the secret on the first line of the file"),
        );
    }
    Ok(Secret::new(first))
}

/// A prompt as the VOS console writes it: `Label [default]: `, and a question ending in `?`
/// takes no colon (`... (yes/no)? `).
fn vos_prompt(label: &str, default: Option<&str>) -> String {
    match default {
        Some(d) if !d.is_empty() => format!("{label} [{d}]: "),
        _ if label.ends_with('?') => format!("{label} "),
        _ => format!("{label}: "),
    }
}

/// Read one answer on the terminal as the VOS console does: the prompt, then the terminal's
/// own line editing (the typed characters echoed as typed, Backspace, Enter), so nothing is
/// redrawn, the answered question shows once (`Label: value`) and automation reading the
/// terminal sees plain text. Ctrl-C (the token) ends the wait at once.
fn read_plain(prompt: &str, cancel: &crate::cancel::Cancel) -> CmdResult<String> {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::io::Write;
    use std::os::fd::AsFd;
    let mut err = io::stderr();
    err.write_all(prompt.as_bytes())?;
    err.flush()?;
    let stdin = io::stdin();
    loop {
        if cancel.is_cancelled() {
            err.write_all(b"\n")?;
            return Err(CommandError::interrupted());
        }
        let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(100u16)) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
            Ok(_) => break,
            Err(e) => return Err(io::Error::from(e).into()),
        }
    }
    let mut line = String::new();
    if stdin.lock().read_line(&mut line)? == 0 {
        return Err(CommandError::new(
            ErrorKind::MissingInput,
            "no answer: the terminal closed its input",
        ));
    }
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

impl Ctx {
    fn next_answer(&mut self, label: &str) -> CmdResult<Option<String>> {
        self.check_interrupt()?;
        match &mut self.input {
            Input::Lines(src) => Ok(src.next_line()?),
            Input::Terminal => unreachable!("next_answer({label}) is only called for line input"),
        }
    }

    /// A value: `given` (the flag), else its variable, else a prompt or the next batch line
    /// (an empty answer keeps the default), else the default, else an error naming the flag.
    pub fn value(&mut self, field: &Field, given: Option<String>) -> CmdResult<String> {
        if let Some(v) = given {
            return Ok(v);
        }
        if let Some(v) = field.env.and_then(|var| self.env.get(var)) {
            return Ok(v.to_owned());
        }
        match self.input {
            Input::Terminal => loop {
                let answer =
                    read_plain(&vos_prompt(field.label, field.default), &self.node.cancel)?;
                let answer = answer.trim();
                match (answer.is_empty(), field.default) {
                    (false, _) => return Ok(answer.to_owned()),
                    (true, Some(d)) => return Ok(d.to_owned()),
                    // Nothing typed and no default: ask again, as VOS does.
                    (true, None) => {}
                }
            },
            Input::Lines(_) => match self.next_answer(field.label)? {
                Some(line) if line.trim().is_empty() => {
                    field.default.map(str::to_owned).ok_or_else(|| {
                        CommandError::usage(format!("{} may not be empty", field.label))
                    })
                }
                Some(line) => Ok(line.trim().to_owned()),
                None => field
                    .default
                    .map(str::to_owned)
                    .ok_or_else(|| CommandError::missing_input(field.label, field.flag, field.env)),
            },
        }
    }

    /// One of an enumerated set of answers: `given` (parsed by clap), else the variable,
    /// prompt or batch line, in any letter case. A wrong answer is asked again on a terminal;
    /// in a batch it fails, naming the choices.
    pub fn choice<T>(&mut self, field: &Field, given: Option<T>) -> CmdResult<T>
    where
        T: std::str::FromStr<Err = crate::domain::UnknownValue>,
    {
        if let Some(v) = given {
            return Ok(v);
        }
        loop {
            let text = self.value(field, None)?;
            let parsed = text
                .parse::<T>()
                .or_else(|_| text.to_lowercase().parse::<T>());
            // The answer is never printed back: in a batch it may be the secret meant for the
            // next prompt.
            match parsed {
                Ok(v) => return Ok(v),
                Err(e) if matches!(self.input, Input::Terminal) => {
                    self.ui
                        .err_text(&format!("{}: {}\n", field.label, e.without_answer()));
                }
                Err(e) => {
                    return Err(CommandError::usage(format!(
                        "{}: {}",
                        field.label,
                        e.without_answer()
                    ))
                    .with_hint(format!("answer {}", e.choices.join(" or "))))
                }
            }
        }
    }

    /// A secret: `given` (read from its `--*-file`), else its variable, else a prompt without
    /// echo (stars) or the next batch line, else an error naming the flag.
    pub fn secret(&mut self, field: &Field, given: Option<Secret>) -> CmdResult<Secret> {
        if let Some(s) = given {
            return Ok(s);
        }
        if let Some(v) = field.env.and_then(|var| self.env.get(var)) {
            return Ok(Secret::new(v));
        }
        match self.input {
            Input::Terminal => read_masked(&format!("{}: ", field.label)).map(Secret::new),
            Input::Lines(_) => match self.next_answer(field.label)? {
                Some(line) if !line.is_empty() => Ok(Secret::new(line)),
                Some(_) => Err(CommandError::usage(format!(
                    "{} may not be empty",
                    field.label
                ))),
                None => Err(CommandError::missing_input(
                    field.label,
                    field.flag,
                    field.env,
                )),
            },
        }
    }

    /// A new secret: from its `--*-file` (`given`) or its variable once, else asked twice
    /// without echo (or two batch lines), which must match.
    pub fn new_secret(&mut self, field: &Field, given: Option<Secret>) -> CmdResult<Secret> {
        let supplied = given.is_some() || field.env.is_some_and(|v| self.env.get(v).is_some());
        let label = format!("Confirm {}", field.label);
        loop {
            let secret = self.secret(field, given.clone())?;
            if supplied {
                return Ok(secret);
            }
            let confirm = Field {
                label: &label,
                ..*field
            };
            if self.secret(&confirm, None)? == secret {
                return Ok(secret);
            }
            if !matches!(self.input, Input::Terminal) {
                return Err(CommandError::usage(format!(
                    "the {} and its confirmation do not match",
                    field.label
                ))
                .with_hint("put the same value on both lines after the command"));
            }
            self.ui
                .err_text("The entries do not match; enter them again.\n");
        }
    }

    /// Ask a yes/no question (`--yes` answers it). `y`, `yes`, `n`, `no` in any case; anything
    /// else re-asks on a terminal and fails in a batch.
    pub fn confirm(&mut self, question: &str) -> CmdResult<bool> {
        if self.opts.yes {
            return Ok(true);
        }
        self.ask_yes_no(question)
    }

    /// A yes/no question that `--yes` does not answer (trusting a new host key, say).
    pub fn ask_yes_no(&mut self, question: &str) -> CmdResult<bool> {
        let parse = |s: &str| match s.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Some(true),
            "n" | "no" => Some(false),
            _ => None,
        };
        match self.input {
            Input::Terminal => loop {
                let answer = read_plain(
                    &vos_prompt(&format!("{question} (yes/no)?"), None),
                    &self.node.cancel,
                )?;
                if let Some(b) = parse(&answer) {
                    return Ok(b);
                }
                self.ui.err_text("Please answer yes or no.\n");
            },
            Input::Lines(_) => {
                let answer = self.next_answer(question)?;
                let (origin, line_no) = match &self.input {
                    Input::Lines(src) => (src.origin.clone(), src.line_no),
                    Input::Terminal => unreachable!(),
                };
                match answer {
                    None => Err(CommandError::missing_input(
                        &format!("the answer to '{question}'"),
                        "--yes",
                        Some("CCADMIN_YES"),
                    )),
                    Some(a) => parse(&a).ok_or_else(|| {
                        CommandError::new(
                            ErrorKind::Usage,
                            format!(
                                "{origin}:{line_no}: expected yes or no to '{question}', got '{}'",
                                a.trim()
                            ),
                        )
                        .with_hint(
                            "answer y, yes, n or no on the line after the command, or pass --yes",
                        )
                    }),
                }
            }
        }
    }
}

/// Read a line from the terminal without echo, printing a star per character (rule R5 in
/// docs/rules.md#r5). Ctrl-C cancels (`Interrupted`), Backspace erases, Enter ends.
pub fn read_masked(prompt: &str) -> CmdResult<String> {
    use console::{Key, Term};
    let term = Term::stderr();
    term.write_str(prompt)?;
    let mut s = String::new();
    loop {
        match term.read_key() {
            Ok(Key::Enter) => break,
            Ok(Key::Backspace) => {
                if s.pop().is_some() {
                    term.clear_chars(1)?;
                }
            }
            Ok(Key::Char(c)) if !c.is_control() => {
                s.push(c);
                term.write_str("*")?;
            }
            Ok(Key::CtrlC) => {
                term.write_line("")?;
                return Err(CommandError::interrupted());
            }
            Ok(_) => {}
            Err(e) => {
                let _ = term.write_line("");
                return Err(e.into());
            }
        }
    }
    term.write_line("")?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_source_strips_endings_and_counts() {
        let mut src = LineSource::new(Box::new(&b"a\r\nb\n\nc"[..]), "t");
        assert_eq!(src.next_line().unwrap().as_deref(), Some("a"));
        assert_eq!(src.next_line().unwrap().as_deref(), Some("b"));
        assert_eq!(src.next_line().unwrap().as_deref(), Some(""));
        assert_eq!(src.next_line().unwrap().as_deref(), Some("c"));
        assert_eq!(src.line_no, 4);
        assert_eq!(src.next_line().unwrap(), None);
    }

    #[test]
    fn non_utf8_line_names_its_place() {
        let mut src = LineSource::new(Box::new(&b"ok\n\xff\xfe\n"[..]), "batch.txt");
        src.next_line().unwrap();
        let e = src.next_line().unwrap_err();
        assert!(e.to_string().contains("batch.txt:2"), "{e}");
    }
}
