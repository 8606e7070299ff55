//! The terminal: standard output and error as writers, colour decisions, and miette
//! rendering of diagnostics (errors and warnings, with their source snippets).

use std::fmt;
use std::io::Write;

use miette::{
    Diagnostic, LabeledSpan, MietteHandler, MietteHandlerOpts, NamedSource, ReportHandler,
    SourceCode,
};

use crate::Error;
use crate::cli::ColorChoice;

/// Width diagnostics wrap at when standard error is not a terminal.
const PIPE_WIDTH: usize = 100;

/// Whether to colour each stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Colors {
    /// Standard output.
    pub stdout: bool,
    /// Standard error.
    pub stderr: bool,
}

impl Colors {
    /// Decides from the flag, whether each stream is a terminal, and `NO_COLOR`/`TERM`.
    pub fn decide(choice: ColorChoice, stdout_tty: bool, stderr_tty: bool) -> Colors {
        match choice {
            ColorChoice::Always => Colors {
                stdout: true,
                stderr: true,
            },
            ColorChoice::Never => Colors::default(),
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                    || std::env::var("TERM").is_ok_and(|t| t == "dumb");
                Colors {
                    stdout: stdout_tty && !no_color,
                    stderr: stderr_tty && !no_color,
                }
            }
        }
    }
}

/// Standard output and error for a command.
pub struct Term<'w> {
    /// Standard output.
    pub out: &'w mut dyn Write,
    /// Standard error.
    pub err: &'w mut dyn Write,
    /// Colours.
    pub colors: Colors,
    handler: MietteHandler,
}

impl<'w> Term<'w> {
    /// A terminal writing to `out` and `err`. `stderr_tty`: size diagnostics to the terminal
    /// (else they wrap at a fixed width, so piped output is reproducible).
    pub fn new(
        out: &'w mut dyn Write,
        err: &'w mut dyn Write,
        colors: Colors,
        stderr_tty: bool,
    ) -> Term<'w> {
        let mut opts = MietteHandlerOpts::new()
            .color(colors.stderr)
            .terminal_links(false)
            .force_graphical(true);
        if !stderr_tty {
            opts = opts.width(PIPE_WIDTH).unicode(true);
        }
        Term {
            out,
            err,
            colors,
            handler: opts.build(),
        }
    }

    /// Prints a diagnostic (error or warning) on standard error.
    pub fn diagnostic(&mut self, diagnostic: &dyn Diagnostic) -> Result<(), Error> {
        let shown = Show {
            handler: &self.handler,
            diagnostic,
        };
        write!(self.err, "{shown}")?;
        Ok(())
    }

    /// Prints the error a command ended with. A configuration's errors are printed one by
    /// one, each with its snippet, then a summary line, as compilers do.
    pub fn error(&mut self, error: &Error) -> Result<(), Error> {
        let Error::Config(errors) = error else {
            return self.diagnostic(error);
        };
        for e in &errors.errors {
            self.diagnostic_in(e, errors.source())?;
        }
        let n = errors.errors.len();
        self.diagnostic(&Note {
            severity: miette::Severity::Error,
            code: "config::invalid",
            message: format!(
                "could not load `{}`: {n} error{}",
                errors.path,
                if n == 1 { "" } else { "s" }
            ),
            help: Some("`phiguard init -` prints a commented template with every option".into()),
        })
    }

    /// Prints a diagnostic whose spans point into `source` (e.g. a configuration warning).
    pub fn diagnostic_in(
        &mut self,
        diagnostic: &dyn Diagnostic,
        source: &NamedSource<String>,
    ) -> Result<(), Error> {
        self.diagnostic(&Sourced { diagnostic, source })
    }
}

/// A diagnostic with no source: a code, a message and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Error or warning.
    pub severity: miette::Severity,
    /// Stable code.
    pub code: &'static str,
    /// What.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Note {}

impl Diagnostic for Note {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
}

struct Show<'a> {
    handler: &'a MietteHandler,
    diagnostic: &'a dyn Diagnostic,
}

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.handler.debug(self.diagnostic, f)?;
        writeln!(f)
    }
}

/// A diagnostic with source code attached.
struct Sourced<'a> {
    diagnostic: &'a dyn Diagnostic,
    source: &'a NamedSource<String>,
}

impl fmt::Debug for Sourced<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Sourced<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl std::error::Error for Sourced<'_> {}

impl Diagnostic for Sourced<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.diagnostic.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic.help()
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.diagnostic.related()
    }
}
