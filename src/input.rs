//! Where a command's answers come from: the terminal, or a source of lines (a batch file,
//! piped stdin) that the command lines and the answers share. The `Ctx` holds one; `prompt`
//! reads from it (and re-exports these names).

use std::io::{self, BufRead};

/// A source of lines: a batch file, piped stdin.
pub struct LineSource {
    reader: Box<dyn BufRead>,
    /// Lines read so far (the number of the last line returned).
    pub line_no: usize,
    /// Where the lines come from, for messages (`stdin`, a file name).
    pub origin: String,
}

impl LineSource {
    pub fn new(reader: Box<dyn BufRead>, origin: impl Into<String>) -> Self {
        LineSource {
            reader,
            line_no: 0,
            origin: origin.into(),
        }
    }

    /// The next line without its line ending, or `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<String>> {
        let mut buf = Vec::new();
        if self.reader.read_until(b'\n', &mut buf)? == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        while matches!(buf.last(), Some(b'\n') | Some(b'\r')) {
            buf.pop();
        }
        String::from_utf8(buf).map(Some).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}:{}: the line is not valid UTF-8",
                    self.origin, self.line_no
                ),
            )
        })
    }
}

/// Where a command's answers come from.
pub enum Input {
    /// Ask on the terminal (interactive shell, or one-shot with a terminal).
    Terminal,
    /// Take the next line (batch, or one-shot with piped stdin).
    Lines(LineSource),
}
