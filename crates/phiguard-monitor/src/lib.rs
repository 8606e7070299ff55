//! Continuous monitoring: jobs on a cron schedule ([`cron`], configured in `[monitor]` of
//! `phiguard.toml`, [`config`]) that scan, review CloudTrail or check the records' reminders,
//! compare the last two stored scans ([`drift`]), and alert ([`alert`]) by webhook, e-mail or
//! Amazon SNS ([`deliver`]). Every job run and every alert (sent or failed, with the error)
//! is an event in the store's audit log; secrets never are.
//!
//! The crate has no AWS SDK and no clock: the host (`phiguard monitor`, later `phiguard
//! serve`) passes "now", runs scans and trail reviews through [`JobRunner`], and publishes to
//! SNS through [`deliver::SnsPublisher`].

pub mod alert;
pub mod config;
pub mod cron;
pub mod deliver;
pub mod drift;

use jiff::Timestamp;
use phiguard_store::audit::{Event, NewEvent};
use phiguard_store::record::Stored;
use phiguard_store::scan::Scan;
use phiguard_store::{Ctx, Store, StoreError};
use serde::Serialize;

pub use alert::{Alert, TrailSummary};
pub use config::{Destination, Job, JobKind, MonitorConfig};
pub use deliver::{Secrets, SnsPublisher};
pub use drift::{Drift, watched_resources};

/// Audit `object_type` of job runs (`object_id`: the job name).
pub const JOB_OBJECT: &str = "monitor_job";
/// Audit `object_type` of alerts (`object_id`: `job/destination`).
pub const ALERT_OBJECT: &str = "monitor_alert";
/// Audit action of a job run.
pub const RUN_ACTION: &str = "monitor_run";
/// Audit action of an alert.
pub const ALERT_ACTION: &str = "alert";

/// Runs the jobs that need more than this crate: scans and trail reviews.
pub trait JobRunner {
    /// Runs a scan job and stores the scan (with its watched resources) in the records
    /// store; returns the stored scan's id.
    fn scan(
        &mut self,
        store: &mut Store,
        job: &Job,
        scan: &config::ScanJob,
        now: Timestamp,
    ) -> Result<String, String>;

    /// Reviews CloudTrail logs.
    fn trail(
        &mut self,
        job: &Job,
        trail: &config::TrailJob,
        now: Timestamp,
    ) -> Result<TrailSummary, String>;
}

/// Why monitoring stopped (job failures are not errors: they are reported and audited).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum MonitorError {
    /// The store failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] StoreError),
}

/// One delivery of an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertOutcome {
    /// The job.
    pub job: String,
    /// The destination's name.
    pub destination: String,
    /// `webhook`, `email` or `sns`.
    pub via: String,
    /// Delivered.
    pub sent: bool,
    /// What the destination answered, or why it failed (no secrets).
    pub detail: String,
}

/// What one job run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobReport {
    /// The job.
    pub job: String,
    /// `scan`, `trail` or `reminders`.
    pub kind: String,
    /// The job ran to the end.
    pub ok: bool,
    /// What it did or why it failed.
    pub summary: String,
    /// The alert it raised, if any.
    pub alert: Option<Alert>,
    /// Its deliveries.
    pub deliveries: Vec<AlertOutcome>,
}

/// Which jobs to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Those due at "now" (never run, or the schedule fired since the last run).
    Due,
    /// All of them, due or not.
    All,
    /// These, due or not.
    Named(Vec<String>),
}

/// The monitor: a configuration and what it needs from its host.
pub struct Monitor<'a> {
    /// The configuration.
    pub config: &'a MonitorConfig,
    /// Runs scans and trail reviews.
    pub runner: &'a mut dyn JobRunner,
    /// Publishes to SNS, when the host can.
    pub sns: Option<&'a dyn SnsPublisher>,
    /// Resolves secrets.
    pub secrets: &'a dyn Secrets,
    /// Who acts, in the audit log (e.g. `monitor`).
    pub actor: String,
    /// From where (e.g. `cli@host`).
    pub source: String,
}

impl Monitor<'_> {
    fn ctx(&self, now: Timestamp) -> Ctx {
        Ctx::new(now, self.actor.clone(), self.source.clone())
    }

    /// Runs the jobs due at `now`.
    pub fn run_due(
        &mut self,
        store: &mut Store,
        now: Timestamp,
    ) -> Result<Vec<JobReport>, MonitorError> {
        self.run(store, now, &Which::Due)
    }

    /// Runs the jobs `which` selects, in configuration order.
    pub fn run(
        &mut self,
        store: &mut Store,
        now: Timestamp,
        which: &Which,
    ) -> Result<Vec<JobReport>, MonitorError> {
        let last = last_runs(store)?;
        let mut reports = Vec::new();
        for job in &self.config.jobs {
            let selected = match which {
                Which::All => true,
                Which::Named(names) => names.contains(&job.name),
                Which::Due => job.schedule.is_due(
                    last.iter()
                        .rev()
                        .find(|e| e.object_id == job.name)
                        .and_then(|e| e.occurred_at.parse().ok()),
                    now,
                ),
            };
            if selected {
                reports.push(self.run_job(store, job, now)?);
            }
        }
        Ok(reports)
    }

    fn run_job(
        &mut self,
        store: &mut Store,
        job: &Job,
        now: Timestamp,
    ) -> Result<JobReport, MonitorError> {
        let result: Result<(String, Option<Alert>), String> = match &job.kind {
            JobKind::Scan(scan) => self
                .runner
                .scan(store, job, scan, now)
                .and_then(|id| scan_drift(store, &job.name, &id).map_err(|e| e.to_string())),
            JobKind::Trail(trail) => self.runner.trail(job, trail, now).map(|summary| {
                let text = format!(
                    "{} events in {} files, {} hits at or above {}, {} below, {} unreadable",
                    summary.events,
                    summary.files,
                    summary.hits.len(),
                    trail.min_severity,
                    summary.other_hits,
                    summary.errors.len()
                );
                (text, alert::trail(&job.name, &trail.min_severity, &summary))
            }),
            JobKind::Reminders(r) => {
                let today = self.ctx(now).today();
                phiguard_store::reminders::due(store, today, r.within_days)
                    .map(|due| {
                        let text = format!("{} due within {} days", due.len(), r.within_days);
                        let alert =
                            (!due.is_empty()).then(|| alert::reminders(&job.name, today, &due));
                        (text, alert)
                    })
                    .map_err(|e| e.to_string())
            }
        };
        let ctx = self.ctx(now);
        let (ok, summary, alert) = match result {
            Ok((summary, alert)) => (true, summary, alert),
            Err(e) => (false, e, None),
        };
        store.write(&ctx, |tx| {
            tx.audit(NewEvent {
                action: RUN_ACTION.into(),
                object_type: JOB_OBJECT.into(),
                object_id: job.name.clone(),
                object_version: None,
                outcome: if ok { "success" } else { "error" }.into(),
                summary: format!("{} job `{}`: {summary}", job.kind.name(), job.name),
                changes: "{}".into(),
                before_sha256: None,
                after_sha256: None,
            })
            .map(|_| ())
        })?;
        let deliveries = match &alert {
            Some(a) => self.deliver(store, a, &self.config.destinations_of(job), now)?,
            None => Vec::new(),
        };
        Ok(JobReport {
            job: job.name.clone(),
            kind: job.kind.name().into(),
            ok,
            summary,
            alert,
            deliveries,
        })
    }

    /// Sends `alert` to each destination and records each delivery in the audit log.
    pub fn deliver(
        &self,
        store: &mut Store,
        alert: &Alert,
        destinations: &[&Destination],
        now: Timestamp,
    ) -> Result<Vec<AlertOutcome>, MonitorError> {
        let mut out = Vec::new();
        let ctx = self.ctx(now);
        for d in destinations {
            let result = deliver::send(d, alert, self.secrets, self.sns);
            let outcome = AlertOutcome {
                job: alert.job.clone(),
                destination: d.name.clone(),
                via: d.kind.name().into(),
                sent: result.is_ok(),
                detail: match result {
                    Ok(s) | Err(s) => s,
                },
            };
            store.write(&ctx, |tx| {
                tx.audit(NewEvent {
                    action: ALERT_ACTION.into(),
                    object_type: ALERT_OBJECT.into(),
                    object_id: format!("{}/{}", alert.job, d.name),
                    object_version: None,
                    outcome: if outcome.sent { "success" } else { "error" }.into(),
                    summary: format!(
                        "{} `{}` {}: {} ({})",
                        outcome.via,
                        d.name,
                        if outcome.sent { "sent" } else { "failed" },
                        alert.title,
                        outcome.detail
                    ),
                    changes: "{}".into(),
                    before_sha256: None,
                    // What was sent, provably, without keeping the text in the log.
                    after_sha256: Some(phiguard_store::sha256_hex(alert.text.as_bytes())),
                })
                .map(|_| ())
            })?;
            out.push(outcome);
        }
        Ok(out)
    }

    /// Sends a test alert to the named destinations (all when empty).
    pub fn test_alert(
        &self,
        store: &mut Store,
        names: &[String],
        now: Timestamp,
    ) -> Result<Vec<AlertOutcome>, MonitorError> {
        let chosen: Vec<&Destination> = self
            .config
            .destinations
            .iter()
            .filter(|d| names.is_empty() || names.contains(&d.name))
            .collect();
        self.deliver(store, &alert::test(now), &chosen, now)
    }
}

/// The drift between the last two stored scans, after a scan job stored `id`.
fn scan_drift(
    store: &mut Store,
    job: &str,
    id: &str,
) -> Result<(String, Option<Alert>), StoreError> {
    let scans: Vec<Stored<Scan>> = store.list()?;
    let Some(pos) = scans.iter().position(|s| s.id == id) else {
        return Err(StoreError::NotFound {
            kind: "scan",
            id: id.to_string(),
            help: "the scan job's scan was not stored".into(),
        });
    };
    let Some(before) = pos.checked_sub(1).and_then(|i| scans.get(i)) else {
        return Ok((
            format!("stored {id}, the first scan: drift needs two"),
            None,
        ));
    };
    let drift = drift::between(before, &scans[pos]);
    let summary = format!(
        "stored {id}; since {}: new failures {}, resolved {}, new PHI resources {}, new in non-eligible services {}",
        before.id,
        drift.new_failures.len(),
        drift.resolved.len(),
        drift.new_phi_resources.len(),
        drift.new_non_eligible.len()
    );
    let alert = (!drift.is_empty()).then(|| alert::drift(job, &drift));
    Ok((summary, alert))
}

fn last_runs(store: &mut Store) -> Result<Vec<Event>, StoreError> {
    Ok(store
        .events(None, None)?
        .into_iter()
        .filter(|e| e.object_type == JOB_OBJECT && e.action == RUN_ACTION)
        .collect())
}

/// A job's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Schedule as written.
    pub schedule: String,
    /// Last run: when.
    pub last_run: Option<String>,
    /// Last run: `success` or `error`.
    pub last_outcome: Option<String>,
    /// Last run: what it did.
    pub last_summary: Option<String>,
    /// Next run (`None`: never run, so due now; or the schedule never fires).
    pub next_run: Option<String>,
    /// Due at "now".
    pub due: bool,
}

/// An alert as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertRecord {
    /// When.
    pub at: String,
    /// `job/destination`.
    pub target: String,
    /// `success` or `error`.
    pub outcome: String,
    /// What was sent and what happened.
    pub summary: String,
}

/// Jobs, their last and next runs, and the last alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// "Now".
    pub now: String,
    /// The jobs, in configuration order.
    pub jobs: Vec<JobStatus>,
    /// The last alerts recorded, newest first.
    pub last_alerts: Vec<AlertRecord>,
}

/// The status at `now`, with up to `alerts` last alerts.
pub fn status(
    config: &MonitorConfig,
    store: &mut Store,
    now: Timestamp,
    alerts: usize,
) -> Result<Status, MonitorError> {
    let events = store.events(None, None)?;
    let jobs = config
        .jobs
        .iter()
        .map(|job| {
            let last = events.iter().rev().find(|e| {
                e.object_type == JOB_OBJECT && e.action == RUN_ACTION && e.object_id == job.name
            });
            let last_at: Option<Timestamp> = last.and_then(|e| e.occurred_at.parse().ok());
            JobStatus {
                name: job.name.clone(),
                kind: job.kind.name().into(),
                schedule: job.schedule.to_string(),
                last_run: last
                    .map(|e| last_at.map_or_else(|| e.occurred_at.clone(), |t| t.to_string())),
                last_outcome: last.map(|e| e.outcome.clone()),
                last_summary: last.map(|e| e.summary.clone()),
                next_run: last_at
                    .and_then(|t| job.schedule.next_after(t))
                    .map(|t| t.to_string()),
                due: job.schedule.is_due(last_at, now),
            }
        })
        .collect();
    let last_alerts = events
        .iter()
        .rev()
        .filter(|e| e.object_type == ALERT_OBJECT && e.action == ALERT_ACTION)
        .take(alerts)
        .map(|e| AlertRecord {
            at: e
                .occurred_at
                .parse::<Timestamp>()
                .map_or_else(|_| e.occurred_at.clone(), |t| t.to_string()),
            target: e.object_id.clone(),
            outcome: e.outcome.clone(),
            summary: e.summary.clone(),
        })
        .collect();
    Ok(Status {
        now: now.to_string(),
        jobs,
        last_alerts,
    })
}
