//! The only door to stdout and stderr (STYLE: cargo's one context object). Results go to stdout,
//! as text or `--output json`; prompts, status, warnings and errors go to stderr.
//!
//! Long text output on a terminal pages with the VOS prompt; output that is not a terminal
//! never pages. A closed stdout (`| head`) or `q` at the pager surfaces as
//! `io::ErrorKind::BrokenPipe`, which the dispatcher treats as a normal end.

use std::io::{self, Write};

use serde::Serialize;

/// The text forms live in `text` (below every layer that escapes a peer's words or lays out a
/// table); they are named here too, where the console has always found them.
pub use crate::text::{
    acts_on_terminal, kv_block, one_line, plain_table, terminal_safe, vos_table,
};

pub const PAGER_PROMPT: &str = "Press <enter> for 1 line, <space> for one page, or <q> to quit";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
pub enum OutputFormat {
    /// Aligned text for people.
    Text,
    /// One JSON document per command, for programs.
    Json,
}

/// What the administrator pressed at the pager prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagerKey {
    Line,
    Page,
    Quit,
}

/// Reads one pager key from the terminal.
pub type KeyReader = Box<dyn FnMut() -> io::Result<PagerKey>>;

struct Pager {
    /// Lines per page (terminal rows less the prompt line).
    page: usize,
    /// Lines the administrator has allowed before the next prompt.
    budget: usize,
    quit: bool,
    keys: KeyReader,
}

pub struct Ui {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    pub format: OutputFormat,
    pub quiet: bool,
    pub verbose: u8,
    /// Session setting of `set cli pagination`.
    pub pagination: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    page_rows: usize,
    /// Terminal columns: a line longer than this takes more than one row of the page.
    page_cols: usize,
    key_reader: Option<fn() -> KeyReader>,
    pager: Option<Pager>,
    /// stdout's reader has gone (`| head`): a batch stops, successfully.
    pub closed: bool,
}

fn terminal_key() -> KeyReader {
    Box::new(|| {
        let term = console::Term::stdout();
        loop {
            match term.read_key()? {
                console::Key::Enter => return Ok(PagerKey::Line),
                console::Key::Char(' ') => return Ok(PagerKey::Page),
                console::Key::Char('q') | console::Key::Char('Q') | console::Key::Escape => {
                    return Ok(PagerKey::Quit)
                }
                _ => continue,
            }
        }
    })
}

impl Ui {
    /// The real terminal streams.
    pub fn stdio(format: OutputFormat, pagination: bool) -> Ui {
        use std::io::IsTerminal;
        let stdout_tty = io::stdout().is_terminal();
        let (rows, cols) = console::Term::stdout()
            .size_checked()
            .map(|(r, c)| (r as usize, c as usize))
            .unwrap_or((24, 80));
        // A terminal sees each line as it comes; a pipe or file gets block writes, flushed at
        // the end of every command (a 10,000-line batch would otherwise make 70,000 syscalls).
        let out: Box<dyn Write> = if stdout_tty {
            Box::new(io::stdout())
        } else {
            Box::new(io::BufWriter::with_capacity(64 * 1024, io::stdout()))
        };
        Ui {
            out,
            err: Box::new(io::stderr()),
            format,
            quiet: false,
            verbose: 0,
            pagination,
            stdout_tty,
            stderr_tty: io::stderr().is_terminal(),
            page_rows: rows,
            page_cols: cols.max(1),
            key_reader: Some(terminal_key),
            pager: None,
            closed: false,
        }
    }

    /// Streams supplied by the caller (tests), neither of them a terminal.
    pub fn from_writers(out: Box<dyn Write>, err: Box<dyn Write>, format: OutputFormat) -> Ui {
        Ui {
            out,
            err,
            format,
            quiet: false,
            verbose: 0,
            pagination: true,
            stdout_tty: false,
            stderr_tty: false,
            page_rows: 24,
            page_cols: 80,
            key_reader: None,
            pager: None,
            closed: false,
        }
    }

    /// Pretend stdout is a terminal of `rows` rows whose keys come from `keys` (pager tests).
    pub fn simulate_terminal(&mut self, rows: usize, keys: fn() -> KeyReader) {
        self.stdout_tty = true;
        self.page_rows = rows;
        self.page_cols = 80;
        self.key_reader = Some(keys);
    }

    pub fn json_output(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Called before each command: a fresh page budget.
    pub fn begin_command(&mut self) {
        self.pager = None;
        if self.stdout_tty
            && self.pagination
            && self.format == OutputFormat::Text
            && self.page_rows > 2
        {
            if let Some(make) = self.key_reader {
                let page = self.page_rows - 1;
                self.pager = Some(Pager {
                    page,
                    budget: page,
                    quit: false,
                    keys: make(),
                });
            }
        }
    }

    /// No paging for the rest of this command (`file tail --follow`: lines are shown as they
    /// come, never held for a key).
    pub fn no_paging(&mut self) {
        self.pager = None;
    }

    /// Write result text (one or more lines) to stdout, paging on a terminal.
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        for l in text.split('\n') {
            self.one_line(l)?;
        }
        Ok(())
    }

    fn one_line(&mut self, l: &str) -> io::Result<()> {
        let shown = terminal_safe(l);
        if let Some(p) = self.pager.as_mut() {
            if p.quit {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "pager quit"));
            }
            // The rows the terminal gives the line once it wraps it.
            let need = console::measure_text_width(&shown)
                .div_ceil(self.page_cols)
                .max(1);
            if p.budget < need && p.budget < p.page {
                self.out.flush()?;
                // VOS's pager prompt, bold; erased after the key.
                write!(self.err, "\x1b[1m{PAGER_PROMPT}\x1b[0m")?;
                self.err.flush()?;
                let key = (p.keys)();
                write!(self.err, "\r\x1b[K")?;
                match key? {
                    PagerKey::Line => p.budget = need,
                    PagerKey::Page => p.budget = p.page,
                    PagerKey::Quit => {
                        p.quit = true;
                        return Err(io::Error::new(io::ErrorKind::BrokenPipe, "pager quit"));
                    }
                }
            }
            p.budget = p.budget.saturating_sub(need);
        }
        writeln!(self.out, "{shown}")
    }

    /// Write a JSON document to stdout.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        let s = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        // serde_json escapes C0 controls but not C1 controls or separators, which a terminal
        // may act on; JSON's \uXXXX form carries them just as well.
        let s: String = s
            .chars()
            .map(|c| {
                if acts_on_terminal(c) {
                    format!("\\u{:04x}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect();
        writeln!(self.out, "{s}")?;
        self.out.flush()
    }

    /// Text as it is (help, `?`, a certificate): paged like results on a terminal, so a long
    /// `help` does not scroll past; written whole otherwise.
    pub fn print(&mut self, text: &str) -> io::Result<()> {
        if self.pager.is_some() {
            for l in text.strip_suffix('\n').unwrap_or(text).split('\n') {
                self.one_line(l)?;
            }
            return self.out.flush();
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    /// Flush results before writing to stderr, so a reader of both sees them in order.
    fn sync(&mut self) {
        if let Err(e) = self.out.flush() {
            if e.kind() == io::ErrorKind::BrokenPipe {
                self.closed = true;
            }
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.err.flush()
    }

    /// A status sentence on stderr (suppressed by `--quiet`).
    pub fn status(&mut self, text: &str) {
        if !self.quiet {
            self.sync();
            let _ = writeln!(self.err, "{}", terminal_safe(text));
        }
    }

    /// Detail shown only with `--verbose`.
    pub fn debug(&mut self, text: &str) {
        if self.verbose > 0 {
            self.sync();
            let _ = writeln!(self.err, "{}", terminal_safe(text));
        }
    }

    pub fn warn(&mut self, text: &str) {
        self.sync();
        let _ = writeln!(self.err, "Warning: {}", terminal_safe(text));
    }

    /// Anything for stderr as it is (errors, prompts in batch mode).
    pub fn err_text(&mut self, text: &str) {
        self.sync();
        let _ = self.err.write_all(terminal_safe(text).as_bytes());
        let _ = self.err.flush();
    }
}

/// Text on stdout before the console exists (`ccadmin … ?`); a closed stdout is not an error.
pub fn plain(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// A line on stderr outside the console: an error before the console exists (bad arguments,
/// no state directory), or the node service's log (the service has no console of its own).
pub fn stderr_line(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[derive(Clone, Default)]
    pub struct Buf(Rc<RefCell<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Buf {
        fn text(&self) -> String {
            String::from_utf8(self.0.borrow().clone()).unwrap()
        }
    }

    #[test]
    fn newlines_in_peer_text_forge_no_line() {
        let forged = "Lab\nadmin: utils node show\r\t\u{1b}[2J\u{85}\u{2028}";
        let shown = one_line(forged);
        assert_eq!(
            shown,
            "Lab\\u{a}admin: utils node show\\u{d}\\u{9}\\u{1b}[2J\\u{85}\\u{2028}"
        );
        assert_eq!(shown.lines().count(), 1);
        assert!(matches!(
            one_line("plain text"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn vos_table_layout() {
        let t = vos_table(
            &["PKID", "name", "isstandard"],
            &[
                vec!["a1".into(), "ccadmin".into(), "f".into()],
                vec!["b22".into(), "x".into(), "t".into()],
            ],
        );
        assert_eq!(
            t,
            "pkid name    isstandard\n==== ======= ==========\na1   ccadmin f\nb22  x       t"
        );
    }

    thread_local! {
        static KEYS: RefCell<Vec<PagerKey>> = const { RefCell::new(Vec::new()) };
    }
    fn scripted() -> KeyReader {
        Box::new(|| Ok(KEYS.with(|k| k.borrow_mut().remove(0))))
    }

    #[test]
    fn pager_prompts_after_a_page_and_obeys_keys() {
        KEYS.with(|k| *k.borrow_mut() = vec![PagerKey::Line, PagerKey::Page, PagerKey::Quit]);
        let (out, err) = (Buf::default(), Buf::default());
        let mut ui = Ui::from_writers(
            Box::new(out.clone()),
            Box::new(err.clone()),
            OutputFormat::Text,
        );
        ui.simulate_terminal(4, scripted);
        ui.begin_command();
        let mut written = 0;
        for i in 0..100 {
            match ui.line(&format!("line {i}")) {
                Ok(()) => written += 1,
                Err(e) => {
                    assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
                    break;
                }
            }
        }
        // 3 lines, Enter: 1 more, Space: 3 more, then q.
        assert_eq!(written, 7);
        assert_eq!(out.text().lines().count(), 7);
        assert_eq!(err.text().matches(PAGER_PROMPT).count(), 3);
    }

    #[test]
    fn the_pager_counts_the_rows_a_wrapped_line_takes() {
        KEYS.with(|k| *k.borrow_mut() = vec![PagerKey::Quit]);
        let (out, err) = (Buf::default(), Buf::default());
        let mut ui = Ui::from_writers(
            Box::new(out.clone()),
            Box::new(err.clone()),
            OutputFormat::Text,
        );
        // 6 rows: a page is 5; each 200-character line takes 3 rows of 80 columns.
        ui.simulate_terminal(6, scripted);
        ui.begin_command();
        let long = "x".repeat(200);
        ui.line(&long).unwrap();
        assert!(
            ui.line(&long).is_err(),
            "the second line would not fit the page"
        );
        assert_eq!(out.text().lines().count(), 1);
        assert_eq!(
            err.text(),
            format!("\x1b[1m{PAGER_PROMPT}\x1b[0m\r\x1b[K"),
            "VOS's bold prompt, erased after the key"
        );
    }

    #[test]
    fn no_paging_when_off_or_not_a_terminal() {
        let out = Buf::default();
        let mut ui = Ui::from_writers(
            Box::new(out.clone()),
            Box::new(Buf::default()),
            OutputFormat::Text,
        );
        ui.begin_command();
        for i in 0..100 {
            ui.line(&format!("{i}")).unwrap();
        }
        ui.simulate_terminal(4, scripted);
        ui.pagination = false;
        ui.begin_command();
        for i in 0..100 {
            ui.line(&format!("{i}")).unwrap();
        }
        assert_eq!(out.text().lines().count(), 200);
    }
}
