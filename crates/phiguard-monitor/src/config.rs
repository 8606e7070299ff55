//! The `[monitor]` section of `phiguard.toml`: jobs on a schedule and where alerts go.
//!
//! ```toml
//! [[monitor.jobs]]
//! name = "nightly"
//! schedule = "0 2 * * *"          # five-field cron, UTC
//! kind = "scan"                   # scan | trail | reminders
//! profile = "prod"                # scan: live (profile, regions, org_role, endpoint_url) ...
//! regions = ["us-east-1"]
//! # inventory = "inventory.json.gz" or config_snapshot = ["snapshots/"]: offline sources
//! alerts = ["slack"]              # destinations by name (default: all)
//!
//! [[monitor.alerts.webhook]]      # Slack-compatible JSON
//! name = "slack"
//! url_env = "PHIGUARD_SLACK_WEBHOOK"   # or url = "https://..."
//!
//! [[monitor.alerts.email]]
//! name = "compliance"
//! host = "smtp.example.org"
//! port = 587
//! starttls = true
//! username = "phiguard"
//! password_env = "PHIGUARD_SMTP_PASSWORD"
//! from = "phiguard@example.org"
//! to = ["compliance@example.org"]
//!
//! [[monitor.alerts.sns]]          # the one AWS write phiguard makes: opt in explicitly
//! name = "ops"
//! topic_arn = "arn:aws:sns:us-east-1:111122223333:phiguard-alerts"
//! allow_aws_write = true
//! ```
//!
//! Parsing collects every problem with the byte range it is about, so the caller can report
//! them all at once with the rest of the file's errors.

use std::collections::BTreeSet;
use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use crate::cron::Schedule;

/// The `[monitor]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonitorConfig {
    /// Jobs, in file order.
    pub jobs: Vec<Job>,
    /// Alert destinations, in file order (webhooks, then e-mail, then SNS).
    pub destinations: Vec<Destination>,
}

impl MonitorConfig {
    /// A job by name.
    pub fn job(&self, name: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.name == name)
    }

    /// The destinations a job alerts.
    pub fn destinations_of(&self, job: &Job) -> Vec<&Destination> {
        self.destinations
            .iter()
            .filter(|d| job.alerts.as_ref().is_none_or(|a| a.contains(&d.name)))
            .collect()
    }
}

/// A scheduled job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Unique name.
    pub name: String,
    /// When it runs.
    pub schedule: Schedule,
    /// What it does.
    pub kind: JobKind,
    /// Destinations by name; `None`: every destination.
    pub alerts: Option<Vec<String>>,
}

/// What a job does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKind {
    /// Scan, store the scan, alert on drift from the previous one.
    Scan(ScanJob),
    /// Review CloudTrail logs, alert on hits.
    Trail(TrailJob),
    /// Alert on records reminders due (BAAs expiring or expired, questionnaires overdue, ...).
    Reminders(RemindersJob),
}

impl JobKind {
    /// `scan`, `trail` or `reminders`.
    pub fn name(&self) -> &'static str {
        match self {
            JobKind::Scan(_) => "scan",
            JobKind::Trail(_) => "trail",
            JobKind::Reminders(_) => "reminders",
        }
    }
}

/// Where a scan job's inventory comes from (the flags of `phiguard scan`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanJob {
    /// Live: AWS profile.
    pub profile: Option<String>,
    /// Live: regions (empty: all enabled).
    pub regions: Vec<String>,
    /// Live: scan the organisation, assuming this role in each account.
    pub org_role: Option<String>,
    /// Live, organisation: external id.
    pub external_id: Option<String>,
    /// Live: endpoint (an emulator).
    pub endpoint_url: Option<String>,
    /// Offline: a saved inventory.
    pub inventory: Option<String>,
    /// Offline: AWS Config snapshot files or folders.
    pub config_snapshots: Vec<String>,
}

/// A CloudTrail review job.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailJob {
    /// Files, folders or `s3://bucket/prefix`.
    pub paths: Vec<String>,
    /// Alert on hits at or above this severity (`info` .. `critical`).
    pub min_severity: String,
}

/// A reminders job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemindersJob {
    /// Reminders due within this many days (and overdue ones).
    pub within_days: i64,
}

/// Where alerts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// Unique name.
    pub name: String,
    /// How.
    pub kind: DestinationKind,
}

/// A secret: in the file, or read from an environment variable when an alert is sent.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// Written in the configuration.
    Inline(String),
    /// The environment variable that holds it.
    Env(String),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Inline(_) => f.write_str("Secret::Inline(<redacted>)"),
            Secret::Env(name) => write!(f, "Secret::Env({name:?})"),
        }
    }
}

/// A destination's kind and settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestinationKind {
    /// HTTP POST of Slack-compatible JSON.
    Webhook {
        /// The URL (a secret: never logged).
        url: Secret,
    },
    /// E-mail over SMTP.
    Email(EmailDestination),
    /// Amazon SNS Publish.
    Sns(SnsDestination),
}

impl DestinationKind {
    /// `webhook`, `email` or `sns`.
    pub fn name(&self) -> &'static str {
        match self {
            DestinationKind::Webhook { .. } => "webhook",
            DestinationKind::Email(_) => "email",
            DestinationKind::Sns(_) => "sns",
        }
    }
}

/// An SMTP destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailDestination {
    /// Server host.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Upgrade the connection with STARTTLS (required when true).
    pub starttls: bool,
    /// User name, if the server wants one.
    pub username: Option<String>,
    /// Password (only from the environment).
    pub password: Option<Secret>,
    /// Sender.
    pub from: String,
    /// Recipients.
    pub to: Vec<String>,
}

/// An SNS destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsDestination {
    /// Topic ARN.
    pub topic_arn: String,
    /// Region [default: the topic's].
    pub region: Option<String>,
    /// AWS profile.
    pub profile: Option<String>,
    /// Endpoint (an emulator).
    pub endpoint_url: Option<String>,
}

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A key the section does not know.
    UnknownKey,
    /// A value of the wrong TOML type.
    WrongType,
    /// A required key is missing.
    MissingField,
    /// A value of the right type that is not allowed.
    InvalidValue,
}

/// One problem of the `[monitor]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Kind.
    pub kind: ProblemKind,
    /// Where in the file (byte range), when known.
    pub span: Option<Range<usize>>,
    /// What is wrong.
    pub message: String,
    /// Label under the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

const MONITOR_KEYS: &[&str] = &["jobs", "alerts"];
const JOB_KEYS: &[&str] = &[
    "name",
    "schedule",
    "kind",
    "alerts",
    "profile",
    "regions",
    "org_role",
    "external_id",
    "endpoint_url",
    "inventory",
    "config_snapshot",
    "paths",
    "min_severity",
    "within_days",
];
const ALERTS_KEYS: &[&str] = &["webhook", "email", "sns"];
const WEBHOOK_KEYS: &[&str] = &["name", "url", "url_env"];
const EMAIL_KEYS: &[&str] = &[
    "name",
    "host",
    "port",
    "starttls",
    "username",
    "password_env",
    "from",
    "to",
];
const SNS_KEYS: &[&str] = &[
    "name",
    "topic_arn",
    "region",
    "profile",
    "endpoint_url",
    "allow_aws_write",
];
const SEVERITIES: &[&str] = &["info", "low", "medium", "high", "critical"];

/// Parses the `monitor` item of the document.
pub fn parse(item: &Item) -> (MonitorConfig, Vec<Problem>) {
    let mut p = P::default();
    let mut config = MonitorConfig::default();
    let Some(root) = p.table(item, "monitor") else {
        return (config, p.problems);
    };
    p.keys(root, "monitor", MONITOR_KEYS);
    if let Some(alerts) = root.get("alerts")
        && let Some(t) = p.table(alerts, "monitor.alerts")
    {
        p.keys(t, "monitor.alerts", ALERTS_KEYS);
        if let Some(item) = t.get("webhook") {
            for (w, span) in p.array_of_tables(item, "monitor.alerts.webhook") {
                p.keys(w, "[[monitor.alerts.webhook]]", WEBHOOK_KEYS);
                let name = p.required_str(w, "monitor.alerts.webhook", "name", &span);
                let url = match (p.opt_str(w, "url"), p.opt_str(w, "url_env")) {
                    (Some(_), Some(_)) => {
                        p.problem(
                            ProblemKind::InvalidValue,
                            span.clone(),
                            "a webhook has `url` or `url_env`, not both".into(),
                            "here",
                            None,
                        );
                        None
                    }
                    (Some(u), None) => {
                        if !(u.starts_with("https://") || u.starts_with("http://")) {
                            p.problem(
                                ProblemKind::InvalidValue,
                                w.get("url").and_then(Item::span),
                                "`url` is not an http(s) URL".into(),
                                "not http(s)",
                                None,
                            );
                        }
                        Some(Secret::Inline(u))
                    }
                    (None, Some(e)) => Some(Secret::Env(e)),
                    (None, None) => {
                        p.problem(
                            ProblemKind::MissingField,
                            span.clone(),
                            "a webhook needs `url` or `url_env`".into(),
                            "this webhook",
                            Some("prefer `url_env = \"VARIABLE\"`: the URL is a secret".into()),
                        );
                        None
                    }
                };
                if let (Some(name), Some(url)) = (name, url) {
                    config.destinations.push(Destination {
                        name,
                        kind: DestinationKind::Webhook { url },
                    });
                }
            }
        }
        if let Some(item) = t.get("email") {
            for (e, span) in p.array_of_tables(item, "monitor.alerts.email") {
                p.keys(e, "[[monitor.alerts.email]]", EMAIL_KEYS);
                let name = p.required_str(e, "monitor.alerts.email", "name", &span);
                let host = p.required_str(e, "monitor.alerts.email", "host", &span);
                let from = p.required_str(e, "monitor.alerts.email", "from", &span);
                let starttls = p.opt_bool(e, "starttls").unwrap_or(true);
                let port = match e.get("port") {
                    Some(item) => p.integer(item, "monitor.alerts.email.port", 1, 65535),
                    None => Some(if starttls { 587 } else { 25 }),
                };
                let to = match e.get("to") {
                    Some(item) => p.strings(item, "monitor.alerts.email.to"),
                    None => Vec::new(),
                };
                if to.is_empty() {
                    p.problem(
                        ProblemKind::MissingField,
                        e.get("to").and_then(Item::span).or(span.clone()),
                        "an e-mail destination needs `to` (one or more addresses)".into(),
                        "no recipient",
                        None,
                    );
                }
                for (addr, at) in [(from.clone(), e.get("from").and_then(Item::span))]
                    .into_iter()
                    .chain(
                        to.iter()
                            .map(|a| (Some(a.clone()), e.get("to").and_then(Item::span))),
                    )
                {
                    if let Some(addr) = addr
                        && addr.parse::<lettre::message::Mailbox>().is_err()
                    {
                        p.problem(
                            ProblemKind::InvalidValue,
                            at,
                            format!("`{addr}` is not an e-mail address"),
                            "not an address",
                            None,
                        );
                    }
                }
                let username = p.opt_str(e, "username");
                let password = p.opt_str(e, "password_env").map(Secret::Env);
                if let (Some(name), Some(host), Some(from), Some(port), false) =
                    (name, host, from, port, to.is_empty())
                {
                    config.destinations.push(Destination {
                        name,
                        kind: DestinationKind::Email(EmailDestination {
                            host,
                            port: u16::try_from(port).unwrap_or(25),
                            starttls,
                            username,
                            password,
                            from,
                            to,
                        }),
                    });
                }
            }
        }
        if let Some(item) = t.get("sns") {
            for (s, span) in p.array_of_tables(item, "monitor.alerts.sns") {
                p.keys(s, "[[monitor.alerts.sns]]", SNS_KEYS);
                let name = p.required_str(s, "monitor.alerts.sns", "name", &span);
                let topic_arn = p.required_str(s, "monitor.alerts.sns", "topic_arn", &span);
                if let Some(arn) = &topic_arn
                    && phiguard_model::arn::Arn::parse(arn).is_none_or(|a| a.service != "sns")
                {
                    p.problem(
                        ProblemKind::InvalidValue,
                        s.get("topic_arn").and_then(Item::span),
                        format!("`{arn}` is not an SNS topic ARN"),
                        "not an SNS topic ARN",
                        Some("e.g. `arn:aws:sns:us-east-1:111122223333:phiguard-alerts`".into()),
                    );
                }
                let allowed = p.opt_bool(s, "allow_aws_write").unwrap_or(false);
                if !allowed {
                    p.problem(
                        ProblemKind::InvalidValue,
                        s.get("allow_aws_write").and_then(Item::span).or(span.clone()),
                        "an SNS destination publishes to AWS (sns:Publish), the one write phiguard makes: opt in with `allow_aws_write = true`".into(),
                        "needs `allow_aws_write = true`",
                        Some("see docs/monitoring.md for the `sns:Publish` permission it needs".into()),
                    );
                }
                let region = p.opt_str(s, "region");
                let profile = p.opt_str(s, "profile");
                let endpoint_url = p.opt_str(s, "endpoint_url");
                if let (Some(name), Some(topic_arn), true) = (name, topic_arn, allowed) {
                    config.destinations.push(Destination {
                        name,
                        kind: DestinationKind::Sns(SnsDestination {
                            topic_arn,
                            region,
                            profile,
                            endpoint_url,
                        }),
                    });
                }
            }
        }
    }
    let mut names = BTreeSet::new();
    for d in &config.destinations {
        if !names.insert(d.name.clone()) {
            p.problem(
                ProblemKind::InvalidValue,
                root.get("alerts").and_then(Item::span),
                format!("two alert destinations are named `{}`", d.name),
                "duplicate name",
                Some("destination names are unique across webhook, email and sns".into()),
            );
        }
    }
    if let Some(jobs) = root.get("jobs") {
        for (j, span) in p.array_of_tables(jobs, "monitor.jobs") {
            if let Some(job) = p.job(j, &span, &names) {
                if config.jobs.iter().any(|o| o.name == job.name) {
                    p.problem(
                        ProblemKind::InvalidValue,
                        j.get("name").and_then(Item::span),
                        format!("two jobs are named `{}`", job.name),
                        "duplicate name",
                        None,
                    );
                } else {
                    config.jobs.push(job);
                }
            }
        }
    }
    (config, p.problems)
}

#[derive(Default)]
struct P {
    problems: Vec<Problem>,
}

impl P {
    fn problem(
        &mut self,
        kind: ProblemKind,
        span: Option<Range<usize>>,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.problems.push(Problem {
            kind,
            span,
            message,
            label: label.to_string(),
            help,
        });
    }

    fn wrong_type(&mut self, span: Option<Range<usize>>, what: &str, expected: &str) {
        self.problem(
            ProblemKind::WrongType,
            span,
            format!("`{what}` must be {expected}"),
            &format!("expected {expected}"),
            None,
        );
    }

    fn table<'a>(&mut self, item: &'a Item, what: &str) -> Option<&'a dyn TableLike> {
        match item.as_table_like() {
            Some(t) => Some(t),
            None => {
                self.wrong_type(item.span(), what, "a table");
                None
            }
        }
    }

    fn array_of_tables<'a>(
        &mut self,
        item: &'a Item,
        what: &str,
    ) -> Vec<(&'a dyn TableLike, Option<Range<usize>>)> {
        match item {
            Item::ArrayOfTables(a) => a.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
            Item::Value(Value::Array(a)) => {
                let mut out = Vec::new();
                for v in a.iter() {
                    match v.as_inline_table() {
                        Some(t) => out.push((t as &dyn TableLike, v.span())),
                        None => self.wrong_type(v.span(), what, "a table"),
                    }
                }
                out
            }
            other => {
                self.wrong_type(
                    other.span(),
                    what,
                    &format!("an array of tables (`[[{what}]]`)"),
                );
                Vec::new()
            }
        }
    }

    fn keys(&mut self, table: &dyn TableLike, section: &str, known: &[&str]) {
        for (key, item) in table.iter() {
            if known.contains(&key) {
                continue;
            }
            let span = table
                .key(key)
                .and_then(|k| k.span())
                .or_else(|| item.span());
            let hint = known
                .iter()
                .min_by_key(|k| strsim(key, k))
                .filter(|k| strsim(key, k) <= 2)
                .map(|k| format!("did you mean `{k}`?"));
            self.problem(
                ProblemKind::UnknownKey,
                span,
                format!("unknown key `{key}` in `{section}`"),
                "unknown key",
                hint.or_else(|| {
                    Some(format!(
                        "known keys: {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }),
            );
        }
    }

    fn opt_str(&mut self, table: &dyn TableLike, key: &str) -> Option<String> {
        let item = table.get(key)?;
        match item.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(_) => {
                self.problem(
                    ProblemKind::InvalidValue,
                    item.span(),
                    format!("`{key}` is empty"),
                    "empty",
                    None,
                );
                None
            }
            None => {
                self.wrong_type(item.span(), key, "a string");
                None
            }
        }
    }

    fn required_str(
        &mut self,
        table: &dyn TableLike,
        section: &str,
        key: &str,
        span: &Option<Range<usize>>,
    ) -> Option<String> {
        if table.get(key).is_none() {
            self.problem(
                ProblemKind::MissingField,
                span.clone(),
                format!("`{section}` needs `{key}`"),
                &format!("no `{key}`"),
                None,
            );
            return None;
        }
        self.opt_str(table, key)
    }

    fn opt_bool(&mut self, table: &dyn TableLike, key: &str) -> Option<bool> {
        let item = table.get(key)?;
        let b = item.as_bool();
        if b.is_none() {
            self.wrong_type(item.span(), key, "true or false");
        }
        b
    }

    fn integer(&mut self, item: &Item, what: &str, min: i64, max: i64) -> Option<i64> {
        match item.as_integer() {
            Some(v) if (min..=max).contains(&v) => Some(v),
            Some(v) => {
                self.problem(
                    ProblemKind::InvalidValue,
                    item.span(),
                    format!("`{what}` is {v}, outside {min}-{max}"),
                    "out of range",
                    None,
                );
                None
            }
            None => {
                self.wrong_type(item.span(), what, "an integer");
                None
            }
        }
    }

    fn strings(&mut self, item: &Item, what: &str) -> Vec<String> {
        match item.as_array() {
            Some(a) => a
                .iter()
                .filter_map(|v| match v.as_str() {
                    Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    _ => {
                        self.wrong_type(v.span(), what, "a list of non-empty strings");
                        None
                    }
                })
                .collect(),
            None => match item.as_str() {
                Some(s) if !s.trim().is_empty() => vec![s.trim().to_string()],
                _ => {
                    self.wrong_type(item.span(), what, "a list of strings");
                    Vec::new()
                }
            },
        }
    }

    fn job(
        &mut self,
        j: &dyn TableLike,
        span: &Option<Range<usize>>,
        destinations: &BTreeSet<String>,
    ) -> Option<Job> {
        self.keys(j, "[[monitor.jobs]]", JOB_KEYS);
        let name = self.required_str(j, "monitor.jobs", "name", span);
        let schedule = match j.get("schedule") {
            None => {
                self.problem(
                    ProblemKind::MissingField,
                    span.clone(),
                    "`monitor.jobs` needs `schedule`".into(),
                    "no `schedule`",
                    Some("five cron fields in UTC, e.g. `0 2 * * *` (02:00 every day)".into()),
                );
                None
            }
            Some(item) => match item.as_value() {
                Some(v @ Value::String(s)) => match Schedule::parse(s.value()) {
                    Ok(schedule) => Some(schedule),
                    Err(e) => {
                        // The value's span includes the quote.
                        let at = v.span().map(|r| {
                            let start = (r.start + 1 + e.at.start).min(r.end);
                            let end = (r.start + 1 + e.at.end).clamp(start, r.end);
                            start..end
                        });
                        self.problem(
                            ProblemKind::InvalidValue,
                            at,
                            format!("invalid schedule: {}", e.message),
                            "here",
                            Some(
                                "minute hour day-of-month month day-of-week (UTC), e.g. `*/15 * * * *`, `0 8 * * mon-fri`, or @hourly/@daily/@weekly/@monthly"
                                    .into(),
                            ),
                        );
                        None
                    }
                },
                _ => {
                    self.wrong_type(item.span(), "schedule", "a string");
                    None
                }
            },
        };
        let alerts = j.get("alerts").map(|item| {
            let list = self.strings(item, "alerts");
            for a in &list {
                if !destinations.contains(a) {
                    let known: Vec<&str> = destinations.iter().map(String::as_str).collect();
                    self.problem(
                        ProblemKind::InvalidValue,
                        item.span(),
                        format!("no alert destination is named `{a}`"),
                        "unknown destination",
                        Some(if known.is_empty() {
                            "declare destinations under `[[monitor.alerts.webhook]]`, `[[monitor.alerts.email]]` or `[[monitor.alerts.sns]]`".into()
                        } else {
                            format!("known: {}", known.join(", "))
                        }),
                    );
                }
            }
            list
        });
        let kind_text = self.required_str(j, "monitor.jobs", "kind", span);
        let only = |p: &mut P, keys: &[&str], kind: &str| {
            for (key, item) in j.iter() {
                if JOB_KEYS[..4].contains(&key) || keys.contains(&key) {
                    continue;
                }
                if JOB_KEYS.contains(&key) {
                    p.problem(
                        ProblemKind::InvalidValue,
                        j.key(key).and_then(|k| k.span()).or_else(|| item.span()),
                        format!("`{key}` does not apply to a `{kind}` job"),
                        "not for this kind",
                        None,
                    );
                }
            }
        };
        let kind = match kind_text.as_deref() {
            Some("scan") => {
                only(
                    self,
                    &[
                        "profile",
                        "regions",
                        "org_role",
                        "external_id",
                        "endpoint_url",
                        "inventory",
                        "config_snapshot",
                    ],
                    "scan",
                );
                let scan = ScanJob {
                    profile: self.opt_str(j, "profile"),
                    regions: j
                        .get("regions")
                        .map(|i| self.strings(i, "regions"))
                        .unwrap_or_default(),
                    org_role: self.opt_str(j, "org_role"),
                    external_id: self.opt_str(j, "external_id"),
                    endpoint_url: self.opt_str(j, "endpoint_url"),
                    inventory: self.opt_str(j, "inventory"),
                    config_snapshots: j
                        .get("config_snapshot")
                        .map(|i| self.strings(i, "config_snapshot"))
                        .unwrap_or_default(),
                };
                let live = scan.profile.is_some()
                    || !scan.regions.is_empty()
                    || scan.org_role.is_some()
                    || scan.endpoint_url.is_some();
                let offline = u8::from(scan.inventory.is_some())
                    + u8::from(!scan.config_snapshots.is_empty());
                if offline > 1 || (offline == 1 && live) {
                    self.problem(
                        ProblemKind::InvalidValue,
                        span.clone(),
                        "a scan job has one source: live (profile, regions, org_role, endpoint_url), `inventory`, or `config_snapshot`".into(),
                        "several sources",
                        None,
                    );
                }
                if scan.external_id.is_some() && scan.org_role.is_none() {
                    self.problem(
                        ProblemKind::InvalidValue,
                        j.get("external_id").and_then(Item::span),
                        "`external_id` needs `org_role`".into(),
                        "without org_role",
                        None,
                    );
                }
                Some(JobKind::Scan(scan))
            }
            Some("trail") => {
                only(self, &["paths", "min_severity"], "trail");
                let paths = j
                    .get("paths")
                    .map(|i| self.strings(i, "paths"))
                    .unwrap_or_default();
                if paths.is_empty() {
                    self.problem(
                        ProblemKind::MissingField,
                        j.get("paths").and_then(Item::span).or(span.clone()),
                        "a trail job needs `paths` (files, folders or s3://bucket/prefix)".into(),
                        "no paths",
                        None,
                    );
                }
                let min_severity = match self.opt_str(j, "min_severity") {
                    Some(s) if SEVERITIES.contains(&s.to_ascii_lowercase().as_str()) => {
                        s.to_ascii_lowercase()
                    }
                    Some(s) => {
                        self.problem(
                            ProblemKind::InvalidValue,
                            j.get("min_severity").and_then(Item::span),
                            format!("`min_severity` is `{s}`, not a severity"),
                            "not a severity",
                            Some("one of info, low, medium, high, critical".into()),
                        );
                        "high".into()
                    }
                    None => "high".into(),
                };
                (!paths.is_empty()).then_some(JobKind::Trail(TrailJob {
                    paths,
                    min_severity,
                }))
            }
            Some("reminders") => {
                only(self, &["within_days"], "reminders");
                let within_days = match j.get("within_days") {
                    Some(item) => self.integer(item, "within_days", 0, 3650)?,
                    None => 30,
                };
                Some(JobKind::Reminders(RemindersJob { within_days }))
            }
            Some(other) => {
                self.problem(
                    ProblemKind::InvalidValue,
                    j.get("kind").and_then(Item::span),
                    format!("`{other}` is not a job kind"),
                    "unknown kind",
                    Some("one of `scan`, `trail`, `reminders`".into()),
                );
                None
            }
            None => None,
        };
        Some(Job {
            name: name?,
            schedule: schedule?,
            kind: kind?,
            alerts,
        })
    }
}

/// Edit distance (small strings only).
fn strsim(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (MonitorConfig, Vec<Problem>) {
        let doc = toml_edit::Document::parse(text).unwrap();
        parse(doc.as_table().get("monitor").unwrap())
    }

    #[test]
    fn a_full_section_parses() {
        let (c, problems) = parse_text(
            r#"
[[monitor.jobs]]
name = "nightly"
schedule = "0 2 * * *"
kind = "scan"
profile = "prod"
regions = ["us-east-1"]
alerts = ["slack", "ops"]

[[monitor.jobs]]
name = "renewals"
schedule = "@daily"
kind = "reminders"
within_days = 45

[[monitor.jobs]]
name = "trail"
schedule = "*/30 * * * *"
kind = "trail"
paths = ["s3://logs/AWSLogs/"]

[[monitor.alerts.webhook]]
name = "slack"
url_env = "SLACK_URL"

[[monitor.alerts.email]]
name = "mail"
host = "127.0.0.1"
port = 2525
starttls = false
from = "phiguard@example.org"
to = ["a@example.org"]

[[monitor.alerts.sns]]
name = "ops"
topic_arn = "arn:aws:sns:us-east-1:111122223333:alerts"
allow_aws_write = true
"#,
        );
        assert_eq!(problems, vec![]);
        assert_eq!(c.jobs.len(), 3);
        assert_eq!(c.destinations.len(), 3);
        let nightly = c.job("nightly").unwrap();
        let names: Vec<&str> = c
            .destinations_of(nightly)
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["slack", "ops"]);
        assert_eq!(c.destinations_of(c.job("trail").unwrap()).len(), 3);
        assert_eq!(
            c.job("renewals").unwrap().kind,
            JobKind::Reminders(RemindersJob { within_days: 45 })
        );
    }

    #[test]
    fn problems_are_all_reported_with_spans() {
        let text = r#"
[[monitor.jobs]]
name = "nightly"
schedule = "0 25 * * *"
kind = "scan"
inventory = "a.json"
profile = "prod"
alerts = ["nope"]
paths = ["x"]

[[monitor.jobs]]
name = "x"
schedule = "@daily"
kind = "scans"

[[monitor.alerts.webhook]]
name = "hook"
urll = "https://example.invalid/"

[[monitor.alerts.sns]]
name = "ops"
topic_arn = "arn:aws:s3:::bucket"
"#;
        let (_, problems) = parse_text(text);
        let shown: Vec<String> = problems
            .iter()
            .map(|p| {
                let at = p
                    .span
                    .clone()
                    .map_or(String::new(), |s| text[s].to_string());
                format!("{:?}: {} @ {at}", p.kind, p.message)
            })
            .collect();
        insta::assert_snapshot!(shown.join("\n"));
    }
}
