//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::FailOn;

const EXIT_CODES: &str = "\
Exit codes:
  0  clean: no unwaived failure at or above --fail-on
  1  unwaived failures at or above --fail-on (default: high)
  2  usage or configuration error (bad flags or config, unreadable inventory, unknown control)
  3  incomplete scan: some results are `error` (only with --strict; 1 takes precedence)";

/// Keep PHI on AWS safe and provably HIPAA compliant.
///
/// phiguard evaluates the customer's half of the AWS shared responsibility model for HIPAA,
/// control by control, each mapped to the HIPAA Security Rule (45 CFR 164), and never reports
/// a pass it has no evidence for.
#[derive(Debug, Parser)]
#[command(name = "phiguard", version, after_long_help = EXIT_CODES)]
pub struct Cli {
    /// When to use colours in terminal output and diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan AWS (live, an organisation, a saved inventory or AWS Config snapshots) and
    /// evaluate the control catalogue.
    #[command(after_long_help = EXIT_CODES)]
    Scan(Box<ScanArgs>),
    /// Scan the bundled demo clinic (no AWS account needed) and write an HTML report.
    Demo(DemoArgs),
    /// List or explain the controls.
    #[command(subcommand)]
    Controls(ControlsCommand),
    /// Print the minimal read-only IAM policy a live scan needs.
    IamPolicy(crate::command::iam_policy::IamPolicyArgs),
    /// Generate guard-rail policies: HIPAA-eligible-services SCP, force-MFA, S3 TLS, Regions.
    #[command(subcommand)]
    Policy(crate::command::policy::PolicyCommand),
    /// Compare two inventories (or JSON reports): resources and results that changed.
    ///
    /// Resources added, removed and changed (attribute by attribute), and results whose status
    /// changed, each inventory evaluated with the whole catalogue and default settings.
    Diff(crate::command::diff::DiffArgs),
    /// Write a commented `phiguard.toml` with every option and its default.
    Init(InitArgs),
    /// Analyse CloudTrail logs: detections (CIS, HIPAA, Sigma) and rule management.
    #[command(subcommand)]
    Trail(crate::command::trail::TrailCommand),
    /// Stored scans (`phiguard scan --db`) and the failures new and resolved between two.
    History(crate::command::history::HistoryArgs),
    /// Continuous monitoring: scheduled scans, CloudTrail reviews and reminders, drift
    /// between stored scans, alerts by webhook, e-mail and Amazon SNS.
    #[command(subcommand)]
    Monitor(crate::command::monitor::MonitorCommand),
    /// The web dashboard, vendor questionnaire portal and JSON API over the records store
    /// (binds 127.0.0.1:8080 by default).
    Serve(Box<crate::command::serve::ServeArgs>),
    /// Accounts for `phiguard serve` (argon2id password + TOTP) and API tokens.
    User(crate::command::user::UserArgs),
    /// Compliance records: BAAs, vendors, questionnaires, reminders, audit log.
    #[command(flatten)]
    Records(crate::command::records::RecordsCommand),
}

/// `phiguard scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Where the inventory comes from (default: live collection from AWS).
    #[command(flatten)]
    pub source: crate::command::source::SourceArgs,

    /// CloudTrail log review to add to the report.
    #[command(flatten)]
    pub log_review: crate::command::log_review::LogReviewArgs,

    /// Configuration file [default: ./phiguard.toml if it exists, else built-in defaults].
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore ./phiguard.toml and use the built-in defaults.
    #[arg(long)]
    pub no_config: bool,

    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when an unwaived failure has this severity or higher
    /// [default: `scan.fail_on` of the config, else high].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,

    /// Report only resources in PHI scope.
    #[arg(long)]
    pub phi_only: bool,

    /// Exit with 3 when the scan is incomplete (some results are `error`).
    #[arg(long)]
    pub strict: bool,

    /// Text format: also list passing and not-applicable results.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Run only this control (id or slug); repeatable. Replaces `controls.enabled`.
    #[arg(long = "control", value_name = "ID_OR_SLUG")]
    pub controls: Vec<String>,

    /// Do not run this control (id or slug); repeatable. Adds to `controls.disabled`.
    #[arg(long = "skip-control", value_name = "ID_OR_SLUG")]
    pub skip_controls: Vec<String>,

    /// The records store (`--db FILE` or `--database-url URL`): the BAA register, vendors and
    /// risk assessments feed the records controls, and the scan is stored there for
    /// `phiguard history`. Without one, records controls are `manual`.
    #[command(flatten, next_help_heading = "Records")]
    pub records: crate::command::records::StoreArgs,
}

/// `phiguard demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the report.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = "phiguard-demo-report.html"
    )]
    pub output: PathBuf,

    /// Format of the written report.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,

    /// Print every finding, not only the summary and the top failures.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// `phiguard controls ...`.
#[derive(Debug, Subcommand)]
pub enum ControlsCommand {
    /// List every control with its id, slug, severity, area and title.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// The configuration whose custom controls are listed too.
        #[command(flatten)]
        config: ControlsConfigArgs,
    },
    /// Explain one control: requirement, rationale, evaluation, remediation, references.
    Explain {
        /// Control id (`IAM-001`) or slug (`iam-root-account-mfa-enabled`).
        #[arg(value_name = "ID_OR_SLUG")]
        control: String,
        /// The configuration whose custom controls can be explained too.
        #[command(flatten)]
        config: ControlsConfigArgs,
    },
    /// How the catalogue covers the AWS Config HIPAA pack (130 rules) and Prowler's HIPAA
    /// mapping (95 checks): each id mapped to controls or excluded with a reason, and totals.
    Coverage {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = CoverageFormat::Table)]
        format: CoverageFormat,
    },
}

/// The configuration of `controls list` / `controls explain`: its `[custom_controls] dir`
/// adds the custom Rego controls to the built-in catalogue.
#[derive(Debug, Args)]
pub struct ControlsConfigArgs {
    /// Configuration file whose `[custom_controls] dir` adds custom controls [default:
    /// ./phiguard.toml if it exists].
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore ./phiguard.toml: built-in controls only.
    #[arg(long)]
    pub no_config: bool,
}

/// `controls coverage` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CoverageFormat {
    /// A table per reference and the totals.
    Table,
    /// Every row, the totals and any problem in the coverage data.
    Json,
    /// The Markdown page (as in docs/coverage.md).
    Md,
}

/// `phiguard init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the template; `-` prints it.
    #[arg(value_name = "PATH", default_value = "phiguard.toml")]
    pub path: PathBuf,

    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Cargo-style findings and summaries.
    Text,
    /// The JSON v1 wire model.
    Json,
    /// One row per result.
    Csv,
    /// One self-contained HTML file.
    Html,
    /// OCSF Compliance Finding events.
    Ocsf,
}

impl From<ReportFormat> for phiguard_report::Format {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Text => phiguard_report::Format::Text,
            ReportFormat::Json => phiguard_report::Format::Json,
            ReportFormat::Csv => phiguard_report::Format::Csv,
            ReportFormat::Html => phiguard_report::Format::Html,
            ReportFormat::Ocsf => phiguard_report::Format::Ocsf,
        }
    }
}

/// `controls list` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns.
    Table,
    /// Every control's metadata.
    Json,
    /// One row per control.
    Csv,
    /// A Markdown table.
    Md,
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    FailOn::parse(text).ok_or_else(|| {
        format!("`{text}` is not a severity; expected info, low, medium, high, critical or none")
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn scan_flags_parse() {
        let cli = Cli::try_parse_from([
            "phiguard",
            "scan",
            "--inventory",
            "inv.json",
            "--fail-on",
            "none",
            "--control",
            "IAM-001",
            "--control",
            "s3-bucket-versioning-enabled",
            "--format",
            "json",
        ])
        .unwrap();
        let Command::Scan(args) = cli.command else {
            panic!("not scan");
        };
        assert_eq!(args.fail_on, Some(FailOn::Never));
        assert_eq!(args.controls.len(), 2);
        assert_eq!(args.format, ReportFormat::Json);
        assert!(
            Cli::try_parse_from(["phiguard", "scan", "-i", "x", "--fail-on", "severe"]).is_err()
        );
    }
}
