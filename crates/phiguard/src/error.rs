//! The errors a command ends with. Each is a miette diagnostic with a code and help; all of
//! them exit with 2.

use std::io;
use std::path::PathBuf;

use miette::Diagnostic;

use crate::config::ConfigErrors;
use crate::inventory_io::LoadError;

/// Why a command could not do its work.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// The configuration file is invalid (every error in it).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigErrors>),

    /// The configuration file could not be read.
    #[error("cannot read configuration `{}`: {source}", path.display())]
    #[diagnostic(
        code(config::read),
        help("pass an existing file to `--config`, or run `phiguard init` to create one")
    )]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },

    /// The inventory could not be loaded.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Inventory(Box<LoadError>),

    /// A control named on the command line is not in the catalogue.
    #[error("unknown control `{name}`")]
    #[diagnostic(code("cli::unknown-control"), help("{help}"))]
    UnknownControl {
        /// As given.
        name: String,
        /// "did you mean" or where to look.
        help: String,
    },

    /// Custom Rego controls could not be loaded (every error, each `file:line: message`).
    #[error("cannot load custom controls:\n{}", errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    #[diagnostic(
        code(config::custom_controls),
        help(
            "fix the `.rego` files in `[custom_controls] dir`; README \"Custom controls\" shows the format"
        )
    )]
    CustomControls {
        /// `file:line: message`, one per problem.
        errors: Vec<String>,
    },

    /// A file could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
    #[diagnostic(code(io::write))]
    Write {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },

    /// Standard output or standard error could not be written.
    #[error("cannot write to the terminal: {0}")]
    #[diagnostic(code(io::stdout))]
    Output(#[source] io::Error),

    /// `init` would overwrite a file.
    #[error("`{}` already exists", path.display())]
    #[diagnostic(
        code(init::exists),
        help("pass `--force` to overwrite it, or give another path")
    )]
    InitExists {
        /// The file.
        path: PathBuf,
    },

    /// Live-collection flags given together with `--inventory` or `--config-snapshot`.
    #[error("live-collection flags cannot be combined with `--inventory` or `--config-snapshot`")]
    #[diagnostic(
        code(cli::source),
        help(
            "`--profile`, `--region`, `--endpoint-url` and `--org` apply only when phiguard collects from AWS itself"
        )
    )]
    SourceConflict,

    /// Live collection could not start.
    #[error("live collection failed: {message}")]
    #[diagnostic(code(aws::collect), help("{help}"))]
    Collect {
        /// What failed.
        message: String,
        /// What to try.
        help: String,
    },

    /// No AWS Config data could be read from the `--config-snapshot` paths.
    #[error(transparent)]
    #[diagnostic(transparent)]
    ConfigSnapshot(Box<phiguard_awsconfig::ImportError>),

    /// The compliance-records store failed or refused (retention, bad input, ...).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(Box<phiguard_store::StoreError>),

    /// A JSON report given to `diff --reports` could not be read.
    #[error("cannot read report `{}`: {message}", path.display())]
    #[diagnostic(
        code(report::read),
        help("`phiguard diff --reports` compares two reports written by `phiguard scan -f json`")
    )]
    Report {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },

    /// A policy could not be generated (`phiguard policy`).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Policy(Box<phiguard_policy::PolicyError>),

    /// A feature not built yet.
    #[error("{0} is not available yet")]
    #[diagnostic(code(cli::not_built))]
    NotBuilt(&'static str),

    /// `phiguard monitor` cannot run as asked.
    #[error("{message}")]
    #[diagnostic(code(monitor::usage), help("{help}"))]
    Monitor {
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },

    /// `phiguard serve` cannot start or stopped.
    #[error("{message}")]
    #[diagnostic(code(serve::failed), help("{help}"))]
    Serve {
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },

    /// `PHIGUARD_NOW` is not an RFC 3339 timestamp.
    #[error("invalid `PHIGUARD_NOW` value `{value}`: {message}")]
    #[diagnostic(
        code(cli::clock),
        help("set it to an RFC 3339 timestamp such as `2026-01-15T12:00:00Z`, or unset it")
    )]
    Clock {
        /// As set.
        value: String,
        /// Why it does not parse.
        message: String,
    },
}

impl Error {
    /// Whether this is a closed pipe on standard output (`phiguard ... | head`), which ends
    /// the command quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// An unknown control, with "did you mean".
    pub fn unknown_control(name: &str) -> Error {
        let help = match phiguard_controls::suggest(name) {
            Some(s) => format!("did you mean `{s}`? `phiguard controls list` shows every control"),
            None => "`phiguard controls list` shows every control id and slug".to_string(),
        };
        Error::UnknownControl {
            name: name.to_string(),
            help,
        }
    }
}

impl From<ConfigErrors> for Error {
    fn from(e: ConfigErrors) -> Error {
        Error::Config(Box::new(e))
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Error {
        Error::Inventory(Box::new(e))
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Output(e)
    }
}
