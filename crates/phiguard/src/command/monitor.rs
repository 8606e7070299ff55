//! `phiguard monitor`: continuous monitoring. `run` runs the jobs of `[monitor]` in
//! `phiguard.toml` that are due (scans stored in the records store and compared with the
//! previous one, CloudTrail reviews, records reminders) and sends their alerts; `test-alert`
//! checks the destinations; `status` lists the jobs, their last and next runs and the last
//! alerts. The work is done by `phiguard-monitor`; this file runs the scans and trail reviews
//! it asks for, in process, with the same code as `phiguard scan` and `phiguard trail scan`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::Timestamp;
use phiguard_monitor::config::{ScanJob, TrailJob};
use phiguard_monitor::{Job, JobRunner, Monitor, MonitorConfig, MonitorError, TrailSummary, Which};
use phiguard_store::Store;

use crate::command::records::{OutFormat, StoreArgs, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard monitor ...`.
#[derive(Debug, Subcommand)]
pub enum MonitorCommand {
    /// Run the jobs that are due (or `--once`: all of them) and send their alerts.
    Run(RunArgs),
    /// Send a test alert to every destination (or those named) and say what happened.
    TestAlert(TestArgs),
    /// The jobs, their last and next runs, and the last alerts.
    Status(StatusArgs),
}

/// What every monitor command needs.
#[derive(Debug, Args)]
pub struct Common {
    /// Configuration file with the `[monitor]` section [default: ./phiguard.toml].
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Where the records are (scans, alerts and job runs are recorded there).
    #[command(flatten)]
    pub store: StoreArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
}

/// `phiguard monitor run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Configuration, store, format.
    #[command(flatten)]
    pub common: Common,

    /// Run every job now, due or not.
    #[arg(long, conflicts_with = "job")]
    pub once: bool,

    /// Run this job now, due or not; repeatable.
    #[arg(long, value_name = "NAME")]
    pub job: Vec<String>,

    /// Decide what is due as if it were TIME (RFC 3339) [default: now].
    #[arg(long, value_name = "TIME", conflicts_with = "watch")]
    pub now: Option<Timestamp>,

    /// Keep running: after each round of due jobs, sleep until the next job is due (the
    /// scheduler as a long-running service, instead of cron calling `monitor run`).
    #[arg(long, conflicts_with_all = ["once", "job"])]
    pub watch: bool,

    /// With `--watch`: stop after N rounds (for supervised runs and tests).
    #[arg(long, value_name = "N", requires = "watch")]
    pub rounds: Option<u64>,
}

/// `phiguard monitor test-alert`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Configuration, store, format.
    #[command(flatten)]
    pub common: Common,

    /// Only this destination; repeatable.
    #[arg(long = "to", value_name = "NAME")]
    pub to: Vec<String>,
}

/// `phiguard monitor status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Configuration, store, format.
    #[command(flatten)]
    pub common: Common,

    /// How many of the last alerts to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub alerts: usize,
}

impl From<MonitorError> for Error {
    fn from(e: MonitorError) -> Error {
        match e {
            MonitorError::Store(e) => e.into(),
        }
    }
}

/// Runs `phiguard monitor`.
pub fn run(command: &MonitorCommand, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    match command {
        MonitorCommand::Run(args) => run_jobs(args, now, term),
        MonitorCommand::TestAlert(args) => test_alert(args, now, term),
        MonitorCommand::Status(args) => status(args, now, term),
    }
}

struct Loaded {
    path: PathBuf,
    monitor: MonitorConfig,
}

fn load(common: &Common, now: Timestamp, term: &mut Term<'_>) -> Result<Loaded, Error> {
    let explicit = common.config.clone().or_else(|| {
        let default = PathBuf::from(crate::config::DEFAULT_PATH);
        default.is_file().then_some(default)
    });
    let Some(path) = explicit else {
        return Err(Error::Monitor {
            message: "no configuration: `phiguard monitor` reads its jobs from `[monitor]` in `phiguard.toml`".into(),
            help: "pass `--config FILE`, or run it where `phiguard.toml` is; docs/monitoring.md shows the section".into(),
        });
    };
    let loaded = crate::command::scan::load_config(Some(&path), false, now)?.ok_or_else(|| {
        Error::Monitor {
            message: format!("cannot load `{}`", path.display()),
            help: String::new(),
        }
    })?;
    for warning in &loaded.warnings {
        term.diagnostic_in(warning, &loaded.source)?;
    }
    Ok(Loaded {
        path,
        monitor: loaded.config.monitor.clone(),
    })
}

/// [`load`], refusing a configuration without jobs (what `monitor run` needs).
fn load_jobs(common: &Common, now: Timestamp, term: &mut Term<'_>) -> Result<Loaded, Error> {
    let loaded = load(common, now, term)?;
    if loaded.monitor.jobs.is_empty() {
        return Err(Error::Monitor {
            message: format!("`{}` has no `[[monitor.jobs]]`", loaded.path.display()),
            help: "docs/monitoring.md shows how to declare jobs".into(),
        });
    }
    Ok(loaded)
}

fn secrets(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Runs scan and trail jobs in process, like `phiguard scan` and `phiguard trail scan`
/// (also for `phiguard serve`, which hosts the scheduler).
pub struct CliRunner<'c> {
    config: PathBuf,
    store: &'c StoreArgs,
}

impl<'c> CliRunner<'c> {
    /// A runner for the jobs of the configuration file `config`, storing scans in `store`.
    pub fn new(config: PathBuf, store: &'c StoreArgs) -> CliRunner<'c> {
        CliRunner { config, store }
    }
    fn invoke(&self, argv: &[String], now: Timestamp) -> Result<(), String> {
        let cli = <crate::Cli as clap::Parser>::try_parse_from(argv).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut term = Term::new(&mut out, &mut err, crate::term::Colors::default(), false);
        let result = crate::command::run(cli.command, now, &mut term);
        let failed = match result {
            Ok(Exit::Usage) => None,
            Ok(_) => return Ok(()),
            Err(e) => Some(e.to_string()),
        };
        let text = String::from_utf8_lossy(&err).trim().to_string();
        Err(match (failed, text.is_empty()) {
            (Some(e), true) => e,
            (Some(e), false) => format!("{e}\n{text}"),
            (None, false) => text,
            (None, true) => "the command failed".into(),
        })
    }

    /// A path of the configuration, relative to its folder (URLs and `-` as written).
    fn relative(&self, path: &str) -> String {
        let p = std::path::Path::new(path);
        if path.contains("://") || path == "-" || p.is_absolute() {
            return path.to_string();
        }
        match self.config.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(dir) => dir.join(p).display().to_string(),
            None => path.to_string(),
        }
    }

    fn store_flags(&self) -> Vec<String> {
        let mut argv = Vec::new();
        if let Some(db) = &self.store.db {
            argv.extend(["--db".to_string(), db.display().to_string()]);
        }
        if let Some(url) = &self.store.database_url {
            argv.extend(["--database-url".to_string(), url.clone()]);
        }
        if let Some(key) = &self.store.signing_key {
            argv.extend(["--signing-key".to_string(), key.display().to_string()]);
        }
        if let Some(actor) = &self.store.actor {
            argv.extend(["--actor".to_string(), actor.clone()]);
        }
        argv
    }
}

impl JobRunner for CliRunner<'_> {
    fn scan(
        &mut self,
        store: &mut Store,
        _job: &Job,
        scan: &ScanJob,
        now: Timestamp,
    ) -> Result<String, String> {
        let dir = tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let report = dir.join("report.json");
        let mut argv: Vec<String> = ["phiguard", "scan", "--format", "json", "--fail-on", "none"]
            .iter()
            .map(ToString::to_string)
            .collect();
        argv.extend(["--config".into(), self.config.display().to_string()]);
        argv.extend(["--output".into(), report.display().to_string()]);
        if let Some(p) = &scan.profile {
            argv.extend(["--profile".into(), p.clone()]);
        }
        if !scan.regions.is_empty() {
            argv.extend(["--region".into(), scan.regions.join(",")]);
        }
        if let Some(role) = &scan.org_role {
            argv.extend(["--org".into(), "--role".into(), role.clone()]);
        }
        if let Some(id) = &scan.external_id {
            argv.extend(["--external-id".into(), id.clone()]);
        }
        if let Some(url) = &scan.endpoint_url {
            argv.extend(["--endpoint-url".into(), url.clone()]);
        }
        if let Some(inv) = &scan.inventory {
            argv.extend(["--inventory".into(), self.relative(inv)]);
        }
        for s in &scan.config_snapshots {
            argv.extend(["--config-snapshot".into(), self.relative(s)]);
        }
        argv.extend(self.store_flags());
        let before = latest_scan(store)?;
        let result = self.invoke(&argv, now);
        let _ = std::fs::remove_dir_all(&dir);
        result?;
        match latest_scan(store)? {
            Some(id) if Some(&id) != before.as_ref() => Ok(id),
            _ => Err("the scan ran but was not stored in the records store".into()),
        }
    }

    fn trail(
        &mut self,
        _job: &Job,
        trail: &TrailJob,
        now: Timestamp,
    ) -> Result<TrailSummary, String> {
        let dir = tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let output = dir.join("hits.json");
        let mut argv: Vec<String> = [
            "phiguard",
            "trail",
            "scan",
            "--format",
            "json",
            "--fail-on",
            "none",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        argv.extend(["--output".into(), output.display().to_string()]);
        argv.extend(trail.paths.iter().map(|p| self.relative(p)));
        let result = self.invoke(&argv, now).and_then(|_| {
            std::fs::read_to_string(&output)
                .map_err(|e| format!("cannot read the trail review: {e}"))
        });
        let _ = std::fs::remove_dir_all(&dir);
        summarise_trail(&result?, &trail.min_severity)
    }
}

fn latest_scan(store: &mut Store) -> Result<Option<String>, String> {
    let scans: Vec<phiguard_store::Stored<phiguard_store::scan::Scan>> =
        store.list().map_err(|e| e.to_string())?;
    Ok(scans.last().map(|s| s.id.clone()))
}

fn tempdir() -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    for i in 0..100u32 {
        let dir = base.join(format!("phiguard-monitor-{}-{i}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary folder name"))
}

const SEVERITIES: &[&str] = &["info", "low", "medium", "high", "critical"];

fn rank(severity: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|s| s.eq_ignore_ascii_case(severity))
        .unwrap_or(0)
}

/// The summary of `trail scan --format json` output.
fn summarise_trail(json: &str, min: &str) -> Result<TrailSummary, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("unreadable trail review output: {e}"))?;
    let str_of = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("-").to_string();
    let mut summary = TrailSummary {
        events: v["events"].as_u64().unwrap_or(0),
        files: v["files"].as_u64().unwrap_or(0),
        ..TrailSummary::default()
    };
    for hit in v["hits"].as_array().into_iter().flatten() {
        let severity = str_of(hit, "severity");
        if rank(&severity) >= rank(min) {
            summary.hits.push(phiguard_monitor::alert::TrailHit {
                event_time: str_of(hit, "event_time"),
                severity,
                rule_id: str_of(hit, "rule_id"),
                event_name: str_of(hit, "event_name"),
                principal: str_of(hit, "principal"),
            });
        } else {
            summary.other_hits += 1;
        }
    }
    for e in v["errors"].as_array().into_iter().flatten() {
        summary.errors.push(match e.as_str() {
            Some(s) => s.to_string(),
            None => e.to_string(),
        });
    }
    Ok(summary)
}

/// Publishes with the AWS SDK (`phiguard_aws::alert_sns`).
#[cfg(feature = "aws")]
struct AwsSns;

#[cfg(feature = "aws")]
impl phiguard_monitor::SnsPublisher for AwsSns {
    fn publish(
        &self,
        to: &phiguard_monitor::config::SnsDestination,
        subject: &str,
        message: &str,
    ) -> Result<String, String> {
        let target = phiguard_aws::alert_sns::SnsTarget {
            topic_arn: to.topic_arn.clone(),
            region: to.region.clone(),
            profile: to.profile.clone(),
            endpoint_url: to.endpoint_url.clone(),
        };
        phiguard_aws::alert_sns::publish_blocking(&target, subject, message)
    }
}

#[cfg(feature = "aws")]
fn sns_publisher() -> Option<Box<dyn phiguard_monitor::SnsPublisher>> {
    Some(Box::new(AwsSns))
}

#[cfg(not(feature = "aws"))]
fn sns_publisher() -> Option<Box<dyn phiguard_monitor::SnsPublisher>> {
    None
}

fn run_jobs(args: &RunArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    if args.watch {
        return watch(args, now, term);
    }
    let common = &args.common;
    let loaded = load_jobs(common, now, term)?;
    for name in &args.job {
        if loaded.monitor.job(name).is_none() {
            return Err(Error::Monitor {
                message: format!("no job is named `{name}`"),
                help: format!(
                    "jobs: {}",
                    loaded
                        .monitor
                        .jobs
                        .iter()
                        .map(|j| j.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    let at = args.now.unwrap_or(now);
    let which = if args.once {
        Which::All
    } else if !args.job.is_empty() {
        Which::Named(args.job.clone())
    } else {
        Which::Due
    };
    let failed = run_round(common, &loaded, now, at, &which, term)?;
    Ok(if failed { Exit::Failures } else { Exit::Clean })
}

/// The longest sleep between two looks at the schedule: a changed clock (suspend, NTP step)
/// is noticed within this.
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// `monitor run --watch`: rounds of due jobs, sleeping until the next one is due.
fn watch(args: &RunArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let common = &args.common;
    let loaded = load_jobs(common, now, term)?;
    let mut failed = false;
    let mut round = 0u64;
    loop {
        let now = crate::clock()?;
        failed |= run_round(common, &loaded, now, now, &Which::Due, term)?;
        round += 1;
        let mut store = common.store.open_for_write(now)?;
        let status = phiguard_monitor::status(&loaded.monitor, &mut store, now, 0)?;
        drop(store);
        let next = status
            .jobs
            .iter()
            .filter_map(|j| {
                let at: Timestamp = j.next_run.as_deref()?.parse().ok()?;
                Some((at, j.name.as_str()))
            })
            .min();
        let wait = match next {
            Some((at, job)) => {
                writeln!(term.out, "next: job `{job}` at {at}")?;
                let secs = at.duration_since(now).as_secs().max(1);
                std::time::Duration::from_secs(secs.unsigned_abs()).min(MAX_SLEEP)
            }
            None => MAX_SLEEP,
        };
        term.out.flush()?;
        if args.rounds.is_some_and(|n| round >= n) {
            break;
        }
        std::thread::sleep(wait);
    }
    Ok(if failed { Exit::Failures } else { Exit::Clean })
}

/// Runs the jobs `which` selects at `at` and prints what happened; true when a job or a
/// delivery failed.
fn run_round(
    common: &Common,
    loaded: &Loaded,
    now: Timestamp,
    at: Timestamp,
    which: &Which,
    term: &mut Term<'_>,
) -> Result<bool, Error> {
    let mut store = common.store.open_for_write(now)?;
    let ctx = common.store.ctx(now);
    let mut runner = CliRunner::new(loaded.path.clone(), &common.store);
    let sns = sns_publisher();
    let mut monitor = Monitor {
        config: &loaded.monitor,
        runner: &mut runner,
        sns: sns.as_deref(),
        secrets: &secrets,
        actor: ctx.actor.clone(),
        source: ctx.source.clone(),
    };
    let reports = monitor.run(&mut store, at, which)?;
    let failed = reports
        .iter()
        .any(|r| !r.ok || r.deliveries.iter().any(|d| !d.sent));
    match common.format {
        OutFormat::Json => print_json(term, &reports)?,
        OutFormat::Text => {
            if reports.is_empty() {
                writeln!(term.out, "no job due at {at}")?;
            }
            for r in &reports {
                writeln!(
                    term.out,
                    "{} {} job `{}`: {}",
                    if r.ok { "ran" } else { "FAILED" },
                    r.kind,
                    r.job,
                    r.summary
                )?;
                match &r.alert {
                    Some(a) => writeln!(term.out, "  alert: {}", a.title)?,
                    None if r.ok => writeln!(term.out, "  no alert")?,
                    None => {}
                }
                for d in &r.deliveries {
                    writeln!(
                        term.out,
                        "  {} {} `{}`: {}",
                        if d.sent { "sent to" } else { "FAILED" },
                        d.via,
                        d.destination,
                        d.detail
                    )?;
                }
            }
        }
    }
    Ok(failed)
}

fn test_alert(args: &TestArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let common = &args.common;
    let loaded = load(common, now, term)?;
    for name in &args.to {
        if !loaded.monitor.destinations.iter().any(|d| &d.name == name) {
            return Err(Error::Monitor {
                message: format!("no alert destination is named `{name}`"),
                help: "destinations are declared under `[[monitor.alerts.webhook]]`, `[[monitor.alerts.email]]` and `[[monitor.alerts.sns]]`".into(),
            });
        }
    }
    if loaded.monitor.destinations.is_empty() {
        return Err(Error::Monitor {
            message: format!("`{}` declares no alert destination", loaded.path.display()),
            help: "docs/monitoring.md shows `[[monitor.alerts.webhook]]`, `[[monitor.alerts.email]]` and `[[monitor.alerts.sns]]`".into(),
        });
    }
    let mut store = common.store.open_for_write(now)?;
    let ctx = common.store.ctx(now);
    let mut runner = NoRunner;
    let sns = sns_publisher();
    let monitor = Monitor {
        config: &loaded.monitor,
        runner: &mut runner,
        sns: sns.as_deref(),
        secrets: &secrets,
        actor: ctx.actor.clone(),
        source: ctx.source.clone(),
    };
    let outcomes = monitor.test_alert(&mut store, &args.to, now)?;
    match common.format {
        OutFormat::Json => print_json(term, &outcomes)?,
        OutFormat::Text => {
            for d in &outcomes {
                writeln!(
                    term.out,
                    "{} {} `{}`: {}",
                    if d.sent { "sent to" } else { "FAILED" },
                    d.via,
                    d.destination,
                    d.detail
                )?;
            }
        }
    }
    Ok(if outcomes.iter().all(|d| d.sent) {
        Exit::Clean
    } else {
        Exit::Failures
    })
}

struct NoRunner;

impl JobRunner for NoRunner {
    fn scan(
        &mut self,
        _: &mut Store,
        _: &Job,
        _: &ScanJob,
        _: Timestamp,
    ) -> Result<String, String> {
        Err("not running jobs".into())
    }

    fn trail(&mut self, _: &Job, _: &TrailJob, _: Timestamp) -> Result<TrailSummary, String> {
        Err("not running jobs".into())
    }
}

fn status(args: &StatusArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let common = &args.common;
    let loaded = load(common, now, term)?;
    let mut store = common.store.open(now)?;
    let status = phiguard_monitor::status(&loaded.monitor, &mut store, now, args.alerts)?;
    match common.format {
        OutFormat::Json => print_json(term, &status)?,
        OutFormat::Text => {
            if status.jobs.is_empty() {
                writeln!(term.out, "no job in `[monitor]`")?;
            } else {
                let rows: Vec<Vec<String>> = status
                    .jobs
                    .iter()
                    .map(|j| {
                        vec![
                            j.name.clone(),
                            j.kind.clone(),
                            j.schedule.clone(),
                            j.last_run.clone().unwrap_or_else(|| "never".into()),
                            j.last_outcome.clone().unwrap_or_else(|| "-".into()),
                            if j.due {
                                "due now".into()
                            } else {
                                j.next_run.clone().unwrap_or_else(|| "never".into())
                            },
                        ]
                    })
                    .collect();
                print_table(
                    term,
                    &["JOB", "KIND", "SCHEDULE", "LAST RUN", "OUTCOME", "NEXT RUN"],
                    &rows,
                )?;
            }
            if status.last_alerts.is_empty() {
                writeln!(term.out, "\nno alert recorded")?;
            } else {
                writeln!(term.out, "\nlast alerts:")?;
                for a in &status.last_alerts {
                    writeln!(
                        term.out,
                        "  {}  {:<7}  {}  {}",
                        a.at, a.outcome, a.target, a.summary
                    )?;
                }
            }
        }
    }
    Ok(Exit::Clean)
}
