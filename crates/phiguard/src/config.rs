//! `phiguard.toml`: the scan's configuration file. Parsing is pure (no I/O, no clock): it
//! takes the text and the name to show in diagnostics, validates everything, and reports
//! **all** errors at once, each with its line, column and a source span for miette.
//!
//! ```toml
//! [phi]                 # what puts a resource in PHI scope
//! tags = [{ key = "PHI", values = ["Yes", "true"] }, { key = "DataSensitivity", values = ["PHI"] }]
//! accounts = []         # accounts wholly in PHI scope
//!
//! [scan]
//! regions = []          # only these regions of the inventory (empty: all)
//! fail_on = "high"      # exit 1 on unwaived failures at or above this severity ("none": never)
//! phi_only = false
//! strict = false        # exit 3 when some results are `error`
//!
//! [controls]
//! enabled = []          # if not empty, only these controls run (ids or slugs)
//! disabled = []         # these never run
//! [controls.severity]   # severity overrides: "S3-006" = "low"
//!
//! [thresholds]          # mirrors phiguard_controls::Thresholds
//! [risk]                # max_age_days = 365
//! [trust]               # accounts = [...] first-party accounts
//! [[baa]]               # account, attested_by, reference, signed
//! [[risk_assessment]]   # account, completed, performed_by, reference
//! [[waiver]]            # control, resource, reason, approved_by, expires
//! ```
//!
//! [`TEMPLATE`] is the commented file `phiguard init` writes; it parses back to
//! [`Config::default`].

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};
use phiguard_controls::{
    BaaAttestation, Control, RiskAssessmentAttestation, Selection, Settings, Thresholds, Waiver,
};
use phiguard_model::phi::PhiTagRule;
use phiguard_model::{PhiTags, Severity, Timestamp};
use toml_edit::{Item, TableLike, Value};

use crate::exit::FailOn;

/// The configuration file's default name, looked up in the current directory.
pub const DEFAULT_PATH: &str = "phiguard.toml";

/// The commented template `phiguard init` writes. Every option is present with its default.
pub const TEMPLATE: &str = include_str!("config/template.toml");

/// A parsed, validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Tag rules that put a resource in PHI scope.
    pub phi_tags: Vec<PhiTagRule>,
    /// Accounts wholly in PHI scope.
    pub phi_accounts: Vec<String>,
    /// Regions of the inventory to evaluate; empty: all.
    pub regions: Vec<String>,
    /// Exit 1 on unwaived failures at or above this.
    pub fail_on: FailOn,
    /// Report only PHI resources.
    pub phi_only: bool,
    /// Exit 3 when the scan is incomplete.
    pub strict: bool,
    /// Controls to run (ids or slugs as written); empty: all.
    pub enabled: Vec<String>,
    /// Controls never to run (ids or slugs as written).
    pub disabled: Vec<String>,
    /// Severity overrides, keyed by control id.
    pub severity: BTreeMap<String, Severity>,
    /// Thresholds.
    pub thresholds: Thresholds,
    /// BAAs recorded outside AWS Artifact.
    pub baa: Vec<BaaAttestation>,
    /// Risk assessments performed.
    pub risk_assessments: Vec<RiskAssessmentAttestation>,
    /// Maximum age of the last risk assessment, in days.
    pub risk_max_age_days: i64,
    /// First-party accounts.
    pub trusted_accounts: Vec<String>,
    /// Waivers, with the line of their `[[waiver]]` header.
    pub waivers: Vec<Waiver>,
    /// `[custom_controls] dir`: folder of custom `.rego` controls, as written (relative to
    /// the config file's folder).
    pub custom_controls_dir: Option<String>,
    /// Names in `controls.enabled` / `controls.disabled` that are not built-in controls,
    /// accepted at parse time because `[custom_controls] dir` is set; checked against the
    /// loaded custom controls by [`Config::check_custom_names`].
    pub custom_control_names: Vec<CustomControlName>,
    /// `[monitor]`: scheduled jobs and alert destinations (`phiguard monitor`).
    pub monitor: phiguard_monitor::MonitorConfig,
}

impl Default for Config {
    fn default() -> Self {
        let settings = Settings::at(Timestamp::UNIX_EPOCH);
        Config {
            phi_tags: PhiTags::default().rules().to_vec(),
            phi_accounts: Vec::new(),
            regions: Vec::new(),
            fail_on: FailOn::default(),
            phi_only: false,
            strict: false,
            enabled: Vec::new(),
            disabled: Vec::new(),
            severity: BTreeMap::new(),
            thresholds: Thresholds::default(),
            baa: Vec::new(),
            risk_assessments: Vec::new(),
            risk_max_age_days: settings.risk_assessment_max_age_days,
            trusted_accounts: Vec::new(),
            waivers: Vec::new(),
            custom_controls_dir: None,
            custom_control_names: Vec::new(),
            monitor: phiguard_monitor::MonitorConfig::default(),
        }
    }
}

impl Config {
    /// Parses and validates a configuration. `path` is only used to name the file in
    /// diagnostics. Returns the configuration and its warnings, or every error found.
    pub fn parse(text: &str, path: &str) -> Result<(Config, Vec<ConfigWarning>), ConfigErrors> {
        let mut parser = Parser::new(text);
        let mut config = match toml_edit::Document::parse(text) {
            Ok(document) => parser.config(document.as_table()),
            Err(e) => {
                let message = e.message().trim().to_string();
                parser.error(
                    ErrorKind::Syntax,
                    e.span(),
                    format!("invalid TOML: {message}"),
                    "here",
                    None,
                );
                Config::default()
            }
        };
        config.custom_control_names = std::mem::take(&mut parser.custom_names);
        if parser.errors.is_empty() {
            Ok((config, parser.warnings))
        } else {
            let mut errors = parser.errors;
            errors.sort_by_key(|e| (e.span.offset(), e.span.len()));
            Err(ConfigErrors {
                path: path.to_string(),
                src: NamedSource::new(path, text.to_string()),
                errors,
            })
        }
    }

    /// Checks the names of `controls.enabled` / `controls.disabled` that were left for the
    /// custom controls (see [`Config::custom_control_names`]) against those loaded from
    /// `[custom_controls] dir`: each that names none of them is an unknown-control error at
    /// its place in `text` (the file, named `path` in diagnostics).
    pub fn check_custom_names(
        &self,
        custom: &[&'static Control],
        text: &str,
        path: &str,
    ) -> Result<(), ConfigErrors> {
        let mut parser = Parser::new(text);
        for n in &self.custom_control_names {
            let known = custom.iter().any(|c| {
                c.id().eq_ignore_ascii_case(&n.name) || c.slug().eq_ignore_ascii_case(&n.name)
            });
            if !known {
                let dir = self.custom_controls_dir.as_deref().unwrap_or_default();
                parser.error(
                    ErrorKind::UnknownControl,
                    n.span.clone(),
                    format!("`{}` names unknown control `{}`", n.what, n.name),
                    "unknown control",
                    Some(format!(
                        "neither a built-in control nor one of the {} custom controls of `{dir}`; `phiguard controls list` shows every control",
                        custom.len()
                    )),
                );
            }
        }
        if parser.errors.is_empty() {
            return Ok(());
        }
        Err(ConfigErrors {
            path: path.to_string(),
            src: NamedSource::new(path, text.to_string()),
            errors: parser.errors,
        })
    }

    /// The settings a scan at `now` runs with.
    pub fn to_settings(&self, now: Timestamp) -> Settings {
        let mut settings = Settings::at(now);
        settings.phi_tags = PhiTags::new(self.phi_tags.clone());
        settings.phi_accounts = self.phi_accounts.clone();
        settings.phi_only = self.phi_only;
        settings.thresholds = self.thresholds.clone();
        settings.baa_attestations = self.baa.clone();
        settings.risk_assessments = self.risk_assessments.clone();
        settings.risk_assessment_max_age_days = self.risk_max_age_days;
        settings.trusted_accounts = self.trusted_accounts.clone();
        settings.severity_overrides = self.severity.clone();
        settings.selection = Selection {
            enabled: self.enabled.clone(),
            disabled: self.disabled.clone(),
        };
        settings.waivers = self.waivers.clone();
        settings
    }

    /// Warnings that depend on the clock: waivers already expired at `now`. (The engine
    /// reports them too, with the same code and line, so callers can de-duplicate.)
    pub fn expired_waivers(&self, now: Timestamp) -> Vec<ConfigWarning> {
        self.waivers
            .iter()
            .filter(|w| w.expired_at(now))
            .map(|w| ConfigWarning {
                code: "waiver-expired",
                message: format!(
                    "waiver for `{}` on `{}` expired on {} (approved by {}); its failures are reported unwaived",
                    w.control, w.resource, w.expires, w.approved_by
                ),
                line: w.line,
                span: None,
                label: Some("expired".into()),
                help: Some("renew it with a new `expires` date and approval, or remove it".into()),
            })
            .collect()
    }
}

/// A name in `controls.enabled` / `controls.disabled` left for the custom controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomControlName {
    /// The name as written (trimmed).
    pub name: String,
    /// The key it is in: `controls.enabled` or `controls.disabled`.
    pub what: String,
    /// Where in the file.
    pub span: Option<Range<usize>>,
}

/// What kind of configuration error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid TOML.
    Syntax,
    /// A key phiguard does not know.
    UnknownKey,
    /// A value of the wrong TOML type.
    WrongType,
    /// A required key is missing.
    MissingField,
    /// A value of the right type but not allowed (empty, out of range, malformed).
    InvalidValue,
    /// A control id or slug that is not in the catalogue.
    UnknownControl,
    /// Not a date.
    InvalidDate,
    /// Not a severity.
    InvalidSeverity,
    /// Not an AWS account id.
    InvalidAccount,
}

impl ErrorKind {
    /// The stable diagnostic code.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "config::syntax",
            ErrorKind::UnknownKey => "config::unknown-key",
            ErrorKind::WrongType => "config::wrong-type",
            ErrorKind::MissingField => "config::missing-field",
            ErrorKind::InvalidValue => "config::invalid-value",
            ErrorKind::UnknownControl => "config::unknown-control",
            ErrorKind::InvalidDate => "config::invalid-date",
            ErrorKind::InvalidSeverity => "config::invalid-severity",
            ErrorKind::InvalidAccount => "config::invalid-account",
        }
    }
}

/// One configuration error, pointing at its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Kind.
    pub kind: ErrorKind,
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Where in the file.
    pub span: SourceSpan,
    /// Label under the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

/// Every error of a configuration file.
#[derive(Debug)]
pub struct ConfigErrors {
    /// The file as named.
    pub path: String,
    /// The errors, in file order.
    pub errors: Vec<ConfigError>,
    src: NamedSource<String>,
}

impl ConfigErrors {
    /// The file's text, named, for rendering the errors' spans.
    pub fn source(&self) -> &NamedSource<String> {
        &self.src
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "invalid configuration `{}`: {n} error{}",
            self.path,
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for ConfigErrors {}

impl Diagnostic for ConfigErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("config::invalid"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(
            "`phiguard init -` prints a commented template with every option",
        ))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

/// A configuration warning: the file is valid but something in it deserves attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// Stable code, e.g. `waiver-expired`.
    pub code: &'static str,
    /// What.
    pub message: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// Where in the file, where known (else the whole `line`).
    pub span: Option<SourceSpan>,
    /// Label under the span.
    pub label: Option<String>,
    /// What to do.
    pub help: Option<String>,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigWarning {}

impl Diagnostic for ConfigWarning {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Warning)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(self.label.clone(), span),
        )))
    }
}

impl ConfigWarning {
    /// Points the warning at its line in `text` when it has a line but no span.
    pub fn locate(mut self, text: &str) -> ConfigWarning {
        if self.span.is_none() {
            self.span = self.line.and_then(|line| line_span(text, line));
        }
        self
    }
}

/// The span of a 1-based line's text (without leading blanks and the newline).
pub fn line_span(text: &str, line: usize) -> Option<SourceSpan> {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let content = l.trim_end_matches(['\n', '\r']);
            let start = content.len() - content.trim_start().len();
            let len = content.trim().len();
            return Some(SourceSpan::new((offset + start).into(), len));
        }
        offset += l.len();
    }
    None
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The candidate closest to `name`, if close enough to be a likely typo.
pub fn closest<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    phiguard_controls::closest(name, candidates.iter().copied())
}

const TOP_KEYS: &[&str] = &[
    "phi",
    "scan",
    "controls",
    "thresholds",
    "baa",
    "risk_assessment",
    "risk",
    "trust",
    "waiver",
    "custom_controls",
    "monitor",
];
const PHI_KEYS: &[&str] = &["tags", "accounts"];
const PHI_TAG_KEYS: &[&str] = &["key", "values"];
const SCAN_KEYS: &[&str] = &["regions", "fail_on", "phi_only", "strict"];
const CONTROLS_KEYS: &[&str] = &["enabled", "disabled", "severity"];
const THRESHOLD_KEYS: &[&str] = &[
    "access_key_max_age_days",
    "unused_credentials_days",
    "log_retention_days",
    "rds_backup_retention_days",
    "password_min_length",
    "password_reuse_prevention",
    "password_max_age_days",
    "secret_rotation_days",
];
const BAA_KEYS: &[&str] = &["account", "attested_by", "reference", "signed"];
const RISK_ASSESSMENT_KEYS: &[&str] = &["account", "completed", "performed_by", "reference"];
const RISK_KEYS: &[&str] = &["max_age_days"];
const TRUST_KEYS: &[&str] = &["accounts"];
const CUSTOM_CONTROLS_KEYS: &[&str] = &["dir"];
const WAIVER_KEYS: &[&str] = &["control", "resource", "reason", "approved_by", "expires"];

/// Largest accepted day count (about 270 years); keeps date arithmetic in range.
const MAX_DAYS: i64 = 100_000;

struct Parser<'s> {
    src: &'s str,
    errors: Vec<ConfigError>,
    warnings: Vec<ConfigWarning>,
    /// Whether `[custom_controls] dir` is set: names that are not built-in controls are then
    /// checked once the custom controls are loaded.
    custom_dir: bool,
    custom_names: Vec<CustomControlName>,
}

/// A table found in the document, with the span of its header or braces.
struct Found<'a> {
    table: &'a dyn TableLike,
    span: Option<Range<usize>>,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Parser<'s> {
        Parser {
            src,
            errors: Vec::new(),
            warnings: Vec::new(),
            custom_dir: false,
            custom_names: Vec::new(),
        }
    }

    fn error(
        &mut self,
        kind: ErrorKind,
        span: Option<Range<usize>>,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        let span = span.unwrap_or(0..0);
        let start = span.start.min(self.src.len());
        let end = span.end.clamp(start, self.src.len());
        let (line, column) = line_column(self.src, start);
        self.errors.push(ConfigError {
            kind,
            message,
            line,
            column,
            span: SourceSpan::new(start.into(), end - start),
            label: label.to_string(),
            help,
        });
    }

    fn warn(
        &mut self,
        code: &'static str,
        span: Option<Range<usize>>,
        message: String,
        help: Option<String>,
    ) {
        let line = span.as_ref().map(|s| line_column(self.src, s.start).0);
        self.warnings.push(ConfigWarning {
            code,
            message,
            line,
            span: span.map(|s| SourceSpan::new(s.start.into(), s.end.saturating_sub(s.start))),
            label: None,
            help,
        });
    }

    fn config(&mut self, root: &dyn TableLike) -> Config {
        self.custom_dir = root
            .get("custom_controls")
            .and_then(Item::as_table_like)
            .is_some_and(|t| t.contains_key("dir"));
        let mut config = Config::default();
        self.check_keys(root, None, TOP_KEYS);

        if let Some(phi) = self.section(root, "phi") {
            self.check_keys(phi.table, Some("phi"), PHI_KEYS);
            if let Some(item) = phi.table.get("tags")
                && let Some(tags) = self.phi_tags(item)
            {
                if tags.is_empty() {
                    self.warn(
                        "phi-tags-empty",
                        item.span(),
                        "`phi.tags` is empty: only `phi.accounts` put resources in PHI scope"
                            .into(),
                        Some(
                            "list the tags that mark PHI, e.g. \
                             `{ key = \"PHI\", values = [\"Yes\", \"true\"] }`"
                                .into(),
                        ),
                    );
                }
                // Stored as matched: lower-cased.
                config.phi_tags = PhiTags::new(tags).rules().to_vec();
            }
            if let Some(item) = phi.table.get("accounts") {
                config.phi_accounts = self.accounts(item, "phi.accounts", false);
            }
        }

        if let Some(scan) = self.section(root, "scan") {
            self.check_keys(scan.table, Some("scan"), SCAN_KEYS);
            if let Some(item) = scan.table.get("regions") {
                config.regions = self
                    .string_list(item, "scan.regions")
                    .into_iter()
                    .filter_map(|(value, span)| {
                        let region = value.trim().to_string();
                        if region.is_empty() {
                            self.error(
                                ErrorKind::InvalidValue,
                                span,
                                "`scan.regions` has an empty region name".into(),
                                "empty",
                                Some("use region names such as `us-east-1`, or `global`".into()),
                            );
                            None
                        } else {
                            Some(region)
                        }
                    })
                    .collect();
            }
            if let Some(item) = scan.table.get("fail_on")
                && let Some(value) = self.value(item, "scan.fail_on", "a string")
                && let Some(text) = self.str(value, "scan.fail_on")
            {
                match FailOn::parse(text) {
                    Some(f) => config.fail_on = f,
                    None => self.error(
                        ErrorKind::InvalidSeverity,
                        value.span(),
                        format!("`scan.fail_on` is `{text}`, not a severity"),
                        "not a severity",
                        Some(severity_help(text, true)),
                    ),
                }
            }
            if let Some(item) = scan.table.get("phi_only") {
                config.phi_only = self.boolean(item, "scan.phi_only").unwrap_or(false);
            }
            if let Some(item) = scan.table.get("strict") {
                config.strict = self.boolean(item, "scan.strict").unwrap_or(false);
            }
        }

        if let Some(controls) = self.section(root, "controls") {
            self.check_keys(controls.table, Some("controls"), CONTROLS_KEYS);
            if let Some(item) = controls.table.get("enabled") {
                config.enabled = self.control_list(item, "controls.enabled");
            }
            if let Some(item) = controls.table.get("disabled") {
                config.disabled = self.control_list(item, "controls.disabled");
            }
            for name in &config.enabled {
                let both = config.disabled.iter().any(|d| same_control(d, name));
                if both {
                    let span = controls.table.get("disabled").and_then(Item::span);
                    self.warn(
                        "control-enabled-and-disabled",
                        span,
                        format!("`{name}` is both enabled and disabled; it will not run"),
                        Some("remove it from one of the two lists".into()),
                    );
                }
            }
            if let Some(item) = controls.table.get("severity") {
                config.severity = self.severity_overrides(item);
            }
        }

        if let Some(item) = root.get("monitor") {
            let (monitor, problems) = phiguard_monitor::config::parse(item);
            for p in problems {
                use phiguard_monitor::config::ProblemKind;
                let kind = match p.kind {
                    ProblemKind::UnknownKey => ErrorKind::UnknownKey,
                    ProblemKind::WrongType => ErrorKind::WrongType,
                    ProblemKind::MissingField => ErrorKind::MissingField,
                    ProblemKind::InvalidValue => ErrorKind::InvalidValue,
                };
                let span = p.span.or_else(|| item.span());
                self.error(kind, span, p.message, &p.label, p.help);
            }
            config.monitor = monitor;
        }

        if let Some(thresholds) = self.section(root, "thresholds") {
            self.check_keys(thresholds.table, Some("thresholds"), THRESHOLD_KEYS);
            let t = &mut config.thresholds;
            let days = |p: &mut Self, key: &str, min: i64| -> Option<i64> {
                let item = thresholds.table.get(key)?;
                p.integer(item, &format!("thresholds.{key}"), min, MAX_DAYS)
            };
            if let Some(v) = days(self, "access_key_max_age_days", 1) {
                t.access_key_max_age_days = v;
            }
            if let Some(v) = days(self, "unused_credentials_days", 1) {
                t.unused_credentials_days = v;
            }
            let small = |v: i64| u32::try_from(v).ok();
            if let Some(v) = days(self, "log_retention_days", 1).and_then(small) {
                t.log_retention_days = v;
            }
            if let Some(v) = days(self, "rds_backup_retention_days", 0).and_then(small) {
                t.rds_backup_retention_days = v;
            }
            if let Some(v) = days(self, "password_min_length", 1).and_then(small) {
                t.password_min_length = v;
            }
            if let Some(v) = days(self, "password_reuse_prevention", 0).and_then(small) {
                t.password_reuse_prevention = v;
            }
            if let Some(v) = days(self, "password_max_age_days", 1).and_then(small) {
                t.password_max_age_days = v;
            }
            if let Some(v) = days(self, "secret_rotation_days", 1).and_then(small) {
                t.secret_rotation_days = v;
            }
        }

        if let Some(item) = root.get("baa") {
            for found in self.table_array(item, "baa") {
                self.check_keys(found.table, Some("[baa]"), BAA_KEYS);
                let account = self
                    .required(&found, "baa", "account")
                    .and_then(|v| self.accounts_one(v, "baa.account", true));
                let attested_by = self.required_text(&found, "baa", "attested_by");
                let reference = self.required_text(&found, "baa", "reference");
                let signed = match found.table.get("signed") {
                    Some(item) => match self.value(item, "baa.signed", "a date") {
                        Some(v) => self.date(v, "baa.signed").map(Some),
                        None => None,
                    },
                    None => Some(None),
                };
                if let (Some(account), Some(attested_by), Some(reference), Some(signed)) =
                    (account, attested_by, reference, signed)
                {
                    config.baa.push(BaaAttestation {
                        account,
                        attested_by,
                        reference,
                        signed,
                    });
                }
            }
        }

        if let Some(item) = root.get("risk_assessment") {
            for found in self.table_array(item, "risk_assessment") {
                self.check_keys(found.table, Some("[risk_assessment]"), RISK_ASSESSMENT_KEYS);
                let account = self
                    .required(&found, "risk_assessment", "account")
                    .and_then(|v| self.accounts_one(v, "risk_assessment.account", true));
                let completed = self
                    .required(&found, "risk_assessment", "completed")
                    .and_then(|v| self.date(v, "risk_assessment.completed"));
                let performed_by = self.required_text(&found, "risk_assessment", "performed_by");
                let reference = self.required_text(&found, "risk_assessment", "reference");
                if let (Some(account), Some(completed), Some(performed_by), Some(reference)) =
                    (account, completed, performed_by, reference)
                {
                    config.risk_assessments.push(RiskAssessmentAttestation {
                        account,
                        completed,
                        performed_by,
                        reference,
                    });
                }
            }
        }

        if let Some(risk) = self.section(root, "risk") {
            self.check_keys(risk.table, Some("risk"), RISK_KEYS);
            if let Some(item) = risk.table.get("max_age_days")
                && let Some(v) = self.integer(item, "risk.max_age_days", 1, MAX_DAYS)
            {
                config.risk_max_age_days = v;
            }
        }

        if let Some(custom) = self.section(root, "custom_controls") {
            self.check_keys(custom.table, Some("custom_controls"), CUSTOM_CONTROLS_KEYS);
            if let Some(item) = custom.table.get("dir")
                && let Some(value) = self.value(item, "custom_controls.dir", "a string")
            {
                config.custom_controls_dir =
                    self.str(value, "custom_controls.dir").map(str::to_string);
            }
        }

        if let Some(trust) = self.section(root, "trust") {
            self.check_keys(trust.table, Some("trust"), TRUST_KEYS);
            if let Some(item) = trust.table.get("accounts") {
                config.trusted_accounts = self.accounts(item, "trust.accounts", false);
            }
        }

        if let Some(item) = root.get("waiver") {
            for found in self.table_array(item, "waiver") {
                self.check_keys(found.table, Some("[waiver]"), WAIVER_KEYS);
                let control = self
                    .required(&found, "waiver", "control")
                    .and_then(|v| self.control(v, "waiver.control"));
                let resource = self.required_text(&found, "waiver", "resource");
                let reason = self.required_text(&found, "waiver", "reason");
                let approved_by = self.required_text(&found, "waiver", "approved_by");
                let expires = self
                    .required(&found, "waiver", "expires")
                    .and_then(|v| self.date(v, "waiver.expires"));
                let line = found
                    .span
                    .as_ref()
                    .map(|s| line_column(self.src, s.start).0);
                if let (
                    Some(control),
                    Some(resource),
                    Some(reason),
                    Some(approved_by),
                    Some(expires),
                ) = (control, resource, reason, approved_by, expires)
                {
                    config.waivers.push(Waiver {
                        control: control.id().to_string(),
                        resource,
                        reason,
                        approved_by,
                        expires,
                        line,
                    });
                }
            }
        }
        config
    }

    /// Reports keys of `table` not in `known`.
    fn check_keys(&mut self, table: &dyn TableLike, section: Option<&str>, known: &[&str]) {
        for (key, item) in table.iter() {
            if known.contains(&key) {
                continue;
            }
            let span = table
                .key(key)
                .and_then(|k| k.span())
                .or_else(|| item.span());
            let place = match section {
                None => "at the top level".to_string(),
                Some(s) => format!("in `[{s}]`"),
            };
            let help = match closest(key, known) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!("expected one of {}", quoted_list(known)),
            };
            self.error(
                ErrorKind::UnknownKey,
                span,
                format!("unknown key `{key}` {place}"),
                "unknown key",
                Some(help),
            );
        }
    }

    fn section<'a>(&mut self, root: &'a dyn TableLike, name: &str) -> Option<Found<'a>> {
        let item = root.get(name)?;
        match item.as_table_like() {
            Some(table) => Some(Found {
                table,
                span: item.span(),
            }),
            None => {
                self.error(
                    ErrorKind::WrongType,
                    item.span()
                        .or_else(|| root.key(name).and_then(|k| k.span())),
                    format!("`{name}` must be a table, found {}", item_type(item)),
                    "expected a table",
                    Some(format!("write it as a `[{name}]` section")),
                );
                None
            }
        }
    }

    /// `[[name]]` tables or an array of inline tables.
    fn table_array<'a>(&mut self, item: &'a Item, name: &str) -> Vec<Found<'a>> {
        match item {
            Item::ArrayOfTables(array) => array
                .iter()
                .map(|t| Found {
                    table: t as &dyn TableLike,
                    span: t.span(),
                })
                .collect(),
            Item::Value(Value::Array(array)) => array
                .iter()
                .filter_map(|v| match v.as_inline_table() {
                    Some(t) => Some(Found {
                        table: t as &dyn TableLike,
                        span: v.span(),
                    }),
                    None => {
                        self.error(
                            ErrorKind::WrongType,
                            v.span(),
                            format!("`{name}` entries must be tables, found {}", v.type_name()),
                            "expected a table",
                            Some(format!("write each entry as a `[[{name}]]` section")),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                self.error(
                    ErrorKind::WrongType,
                    other.span(),
                    format!(
                        "`{name}` must be an array of tables, found {}",
                        item_type(other)
                    ),
                    "expected `[[...]]`",
                    Some(format!(
                        "write each entry as a `[[{name}]]` section (double brackets)"
                    )),
                );
                Vec::new()
            }
        }
    }

    fn value<'a>(&mut self, item: &'a Item, what: &str, expected: &str) -> Option<&'a Value> {
        match item {
            Item::Value(v) => Some(v),
            other => {
                self.error(
                    ErrorKind::WrongType,
                    other.span(),
                    format!("`{what}` must be {expected}, found {}", item_type(other)),
                    &format!("expected {expected}"),
                    None,
                );
                None
            }
        }
    }

    fn str<'a>(&mut self, value: &'a Value, what: &str) -> Option<&'a str> {
        match value.as_str() {
            Some(s) => Some(s),
            None => {
                self.wrong_type(value, what, "a string");
                None
            }
        }
    }

    fn wrong_type(&mut self, value: &Value, what: &str, expected: &str) {
        let help = match (expected, value) {
            (e, Value::Integer(_)) if e.contains("account id") => {
                Some("quote account ids: `\"012345678901\"` (leading zeros matter)".to_string())
            }
            ("a string", Value::Datetime(_)) => {
                Some("quote the value if it is meant as text".to_string())
            }
            _ => None,
        };
        self.error(
            ErrorKind::WrongType,
            value.span(),
            format!("`{what}` must be {expected}, found {}", value.type_name()),
            &format!("expected {expected}"),
            help,
        );
    }

    fn boolean(&mut self, item: &Item, what: &str) -> Option<bool> {
        let value = self.value(item, what, "a boolean")?;
        match value.as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(value, what, "a boolean (`true` or `false`)");
                None
            }
        }
    }

    fn integer(&mut self, item: &Item, what: &str, min: i64, max: i64) -> Option<i64> {
        let value = self.value(item, what, "an integer")?;
        match value.as_integer() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                self.error(
                    ErrorKind::InvalidValue,
                    value.span(),
                    format!("`{what}` is {n}, outside {min}..={max}"),
                    "out of range",
                    None,
                );
                None
            }
            None => {
                self.wrong_type(value, what, "an integer");
                None
            }
        }
    }

    fn string_list(&mut self, item: &Item, what: &str) -> Vec<(String, Option<Range<usize>>)> {
        let Some(value) = self.value(item, what, "an array of strings") else {
            return Vec::new();
        };
        let Some(array) = value.as_array() else {
            self.wrong_type(value, what, "an array of strings");
            return Vec::new();
        };
        array
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let s = self.str(v, &format!("{what}[{i}]"))?;
                Some((s.to_string(), v.span()))
            })
            .collect()
    }

    fn account_id(
        &mut self,
        text: &str,
        span: Option<Range<usize>>,
        what: &str,
        star: bool,
    ) -> Option<String> {
        let text = text.trim();
        if (star && text == "*") || (text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())) {
            return Some(text.to_string());
        }
        self.error(
            ErrorKind::InvalidAccount,
            span,
            format!("`{what}` is `{text}`, not a 12-digit AWS account id"),
            "not an account id",
            Some(if star {
                "use a 12-digit account id such as `111122223333`, or `*` for every account".into()
            } else {
                "use a 12-digit account id such as `111122223333`".into()
            }),
        );
        None
    }

    fn accounts_one(&mut self, value: &Value, what: &str, star: bool) -> Option<String> {
        match value.as_str() {
            Some(s) => self.account_id(s, value.span(), what, star),
            None => {
                self.wrong_type(value, what, "a quoted account id");
                None
            }
        }
    }

    fn accounts(&mut self, item: &Item, what: &str, star: bool) -> Vec<String> {
        let Some(value) = self.value(item, what, "an array of account ids") else {
            return Vec::new();
        };
        let Some(array) = value.as_array() else {
            self.wrong_type(value, what, "an array of account ids");
            return Vec::new();
        };
        array
            .iter()
            .enumerate()
            .filter_map(|(i, v)| self.accounts_one(v, &format!("{what}[{i}]"), star))
            .collect()
    }

    fn control(&mut self, value: &Value, what: &str) -> Option<&'static Control> {
        let name = self.str(value, what)?;
        self.control_named(name, value.span(), what)
    }

    fn control_named(
        &mut self,
        name: &str,
        span: Option<Range<usize>>,
        what: &str,
    ) -> Option<&'static Control> {
        if let Some(control) = phiguard_controls::find(name) {
            return Some(control);
        }
        let help = match phiguard_controls::suggest(name) {
            Some(s) => format!("did you mean `{s}`? `phiguard controls list` shows every control"),
            None => "`phiguard controls list` shows every control id and slug".into(),
        };
        self.error(
            ErrorKind::UnknownControl,
            span,
            format!("`{what}` names unknown control `{name}`"),
            "unknown control",
            Some(help),
        );
        None
    }

    fn control_list(&mut self, item: &Item, what: &str) -> Vec<String> {
        self.string_list(item, what)
            .into_iter()
            .filter_map(|(name, span)| {
                if self.custom_dir && phiguard_controls::find(&name).is_none() {
                    self.custom_names.push(CustomControlName {
                        name: name.trim().to_string(),
                        what: what.to_string(),
                        span,
                    });
                    return Some(name.trim().to_string());
                }
                self.control_named(&name, span, what)?;
                Some(name.trim().to_string())
            })
            .collect()
    }

    fn severity_overrides(&mut self, item: &Item) -> BTreeMap<String, Severity> {
        let mut out = BTreeMap::new();
        let Some(table) = item.as_table_like() else {
            self.error(
                ErrorKind::WrongType,
                item.span(),
                format!(
                    "`controls.severity` must be a table, found {}",
                    item_type(item)
                ),
                "expected a table",
                Some(
                    "write it as `[controls.severity]` with lines like `\"S3-006\" = \"low\"`"
                        .into(),
                ),
            );
            return out;
        };
        for (name, item) in table.iter() {
            let key_span = table.key(name).and_then(|k| k.span());
            let what = format!("controls.severity.{name}");
            let control = self.control_named(name, key_span, "controls.severity");
            let Some(value) = self.value(item, &what, "a severity") else {
                continue;
            };
            let Some(text) = self.str(value, &what) else {
                continue;
            };
            let Some(severity) = Severity::parse(text) else {
                self.error(
                    ErrorKind::InvalidSeverity,
                    value.span(),
                    format!("`{what}` is `{text}`, not a severity"),
                    "not a severity",
                    Some(severity_help(text, false)),
                );
                continue;
            };
            if let Some(control) = control {
                out.insert(control.id().to_string(), severity);
            }
        }
        out
    }

    fn date(&mut self, value: &Value, what: &str) -> Option<Date> {
        let parsed =
            match value {
                Value::Datetime(dt) => {
                    let dt = dt.value();
                    match (dt.date, dt.time) {
                        (Some(d), None) => i16::try_from(d.year)
                            .map_err(|e| e.to_string())
                            .and_then(|year| {
                                Date::new(year, d.month as i8, d.day as i8)
                                    .map_err(|e| e.to_string())
                            }),
                        _ => Err("a date-time or time, not a date".to_string()),
                    }
                }
                Value::String(s) => s
                    .value()
                    .trim()
                    .parse::<Date>()
                    .map_err(|_| format!("`{}` is not a YYYY-MM-DD date", s.value())),
                other => {
                    self.wrong_type(other, what, "a date (YYYY-MM-DD)");
                    return None;
                }
            };
        match parsed {
            Ok(date) => Some(date),
            Err(why) => {
                self.error(
                    ErrorKind::InvalidDate,
                    value.span(),
                    format!("`{what}` is not a valid date: {why}"),
                    "expected YYYY-MM-DD",
                    Some("write a date like `2026-12-31` (quotes optional)".into()),
                );
                None
            }
        }
    }

    fn phi_tags(&mut self, item: &Item) -> Option<Vec<PhiTagRule>> {
        let tables = match item {
            Item::ArrayOfTables(_) | Item::Value(Value::Array(_)) => {
                self.table_array(item, "phi.tags")
            }
            other => {
                self.error(
                    ErrorKind::WrongType,
                    other.span(),
                    format!(
                        "`phi.tags` must be an array of tables, found {}",
                        item_type(other)
                    ),
                    "expected an array",
                    Some("write `tags = [{ key = \"PHI\", values = [\"Yes\", \"true\"] }]`".into()),
                );
                return None;
            }
        };
        let mut rules = Vec::new();
        let before = self.errors.len();
        for found in tables {
            self.check_keys(found.table, Some("phi.tags"), PHI_TAG_KEYS);
            let key = self.required_text(&found, "phi.tags", "key");
            let values = match found.table.get("values") {
                Some(item) => self
                    .string_list(item, "phi.tags.values")
                    .into_iter()
                    .map(|(v, _)| v)
                    .collect(),
                None => Vec::new(),
            };
            if let Some(key) = key {
                rules.push(PhiTagRule { key, values });
            }
        }
        (self.errors.len() == before).then_some(rules)
    }

    /// A required key of a table entry; reports it missing at the entry's header.
    fn required<'a>(&mut self, found: &Found<'a>, name: &str, key: &str) -> Option<&'a Value> {
        match found.table.get(key) {
            Some(item) => self.value(item, &format!("{name}.{key}"), "a value"),
            None => {
                let all = match name {
                    "waiver" => Some(WAIVER_KEYS),
                    "baa" => Some(&BAA_KEYS[..3]),
                    "risk_assessment" => Some(RISK_ASSESSMENT_KEYS),
                    _ => None,
                };
                self.error(
                    ErrorKind::MissingField,
                    found.span.clone(),
                    format!("`{name}` entry is missing `{key}`"),
                    &format!("`{key}` missing"),
                    all.map(|keys| format!("every `{name}` entry needs {}", quoted_list(keys))),
                );
                None
            }
        }
    }

    /// A required, non-empty string.
    fn required_text(&mut self, found: &Found<'_>, name: &str, key: &str) -> Option<String> {
        let value = self.required(found, name, key)?;
        let what = format!("{name}.{key}");
        let text = self.str(value, &what)?;
        if text.trim().is_empty() {
            self.error(
                ErrorKind::InvalidValue,
                value.span(),
                format!("`{what}` must not be empty"),
                "empty",
                None,
            );
            return None;
        }
        Some(text.trim().to_string())
    }
}

fn same_control(a: &str, b: &str) -> bool {
    match (phiguard_controls::find(a), phiguard_controls::find(b)) {
        (Some(x), Some(y)) => x.id() == y.id(),
        _ => a.eq_ignore_ascii_case(b),
    }
}

fn severity_help(text: &str, none: bool) -> String {
    let mut names: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
    if none {
        names.push("none");
    }
    match closest(text, &names) {
        Some(s) => format!(
            "did you mean `{s}`? expected one of {}",
            quoted_list(&names)
        ),
        None => format!("expected one of {}", quoted_list(&names)),
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn item_type(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(v) => v.type_name(),
        Item::Table(_) => "table",
        Item::ArrayOfTables(_) => "array of tables",
    }
}

#[cfg(test)]
mod tests;
