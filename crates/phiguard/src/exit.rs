//! Exit codes and the `--fail-on` threshold.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | clean: no unwaived failure at or above `--fail-on` (and, with `--strict`, complete) |
//! | 1 | unwaived failures at or above `--fail-on` (default `high`) |
//! | 2 | usage or configuration error: bad flags, bad config, unreadable or invalid inventory, unknown control |
//! | 3 | incomplete scan (some results are `error`), only with `--strict` |
//! | 4 | `phiguard trail`: some input files (or records) could not be read |
//!
//! When both 1 and 3 apply, the exit code is 1: failures are the stronger signal.

use std::fmt;
use std::process::ExitCode;

use phiguard_model::Severity;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: clean.
    Clean,
    /// 1: unwaived failures at or above the threshold.
    Failures,
    /// 2: usage or configuration error.
    Usage,
    /// 3: incomplete scan under `--strict`.
    Incomplete,
    /// 4: some input files could not be read (`phiguard trail`).
    Unreadable,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Failures => 1,
            Exit::Usage => 2,
            Exit::Incomplete => 3,
            Exit::Unreadable => 4,
        }
    }

    /// The exit of a scan: failures first, then incompleteness under `--strict`.
    pub fn of_scan(failures: bool, strict: bool, incomplete: bool) -> Exit {
        if failures {
            Exit::Failures
        } else if strict && incomplete {
            Exit::Incomplete
        } else {
            Exit::Clean
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// The severity at or above which unwaived failures fail the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Failures of this severity or higher.
    At(Severity),
    /// Never fail on findings.
    Never,
}

impl Default for FailOn {
    fn default() -> Self {
        FailOn::At(Severity::High)
    }
}

impl FailOn {
    /// Parses `info`..`critical` or `none`, case-insensitively.
    pub fn parse(text: &str) -> Option<FailOn> {
        if text.trim().eq_ignore_ascii_case("none") {
            return Some(FailOn::Never);
        }
        Severity::parse(text).map(FailOn::At)
    }

    /// The threshold, if any.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::At(s) => Some(s),
            FailOn::Never => None,
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::At(s) => write!(f, "{s}"),
            FailOn::Never => f.write_str("none"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_take_precedence_over_incomplete() {
        assert_eq!(Exit::of_scan(true, true, true), Exit::Failures);
        assert_eq!(Exit::of_scan(false, true, true), Exit::Incomplete);
        assert_eq!(Exit::of_scan(false, false, true), Exit::Clean);
        assert_eq!(Exit::of_scan(false, true, false), Exit::Clean);
        assert_eq!(
            [Exit::Clean, Exit::Failures, Exit::Usage, Exit::Incomplete].map(Exit::code),
            [0, 1, 2, 3]
        );
    }

    #[test]
    fn fail_on_parses_severities_and_none() {
        assert_eq!(FailOn::parse("HIGH"), Some(FailOn::At(Severity::High)));
        assert_eq!(FailOn::parse("none"), Some(FailOn::Never));
        assert_eq!(FailOn::parse("severe"), None);
        assert_eq!(FailOn::default().to_string(), "high");
    }
}
