//! `phiguard scan --trail PATH...`: CloudTrail log review added to the compliance report
//! (detections over the period, last review date, PHI resources touched by flagged events).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use clap::Args;
use jiff::Timestamp;
use phiguard_model::{Inventory, PhiTags, Severity};
use phiguard_report::wire::{PhiTouched, RuleHits, SeverityHits};
use phiguard_report::{LogReview, Report};
use phiguard_trail::access::PhiScope;
use phiguard_trail::reader::FileError;
use phiguard_trail::reader::{self, Skipped};
use phiguard_trail::scan::{Input, ScanOptions, Visitor, scan_with};
use phiguard_trail::{Event, Hit, RuleSource, Ruleset, detect, sigma};

use crate::command::trail::s3;
use crate::{Error, Term};

/// How many rules the review lists.
const TOP_RULES: usize = 10;

/// The flags of the log review.
#[derive(Debug, Args)]
pub struct LogReviewArgs {
    /// Review these CloudTrail logs (files or folders, or s3://bucket/prefix) with the
    /// built-in detections (CIS, HIPAA, bundled Sigma) and add a "log review" section to the
    /// report.
    #[arg(long = "trail", value_name = "PATH", help_heading = "Log review")]
    pub trail: Vec<PathBuf>,

    /// With `--trail s3://...`: the AWS profile reading the trail bucket [default: the SDK's
    /// default credential chain].
    #[arg(long, value_name = "NAME", help_heading = "Log review")]
    pub trail_profile: Option<String>,

    /// With `--trail s3://...`: send the S3 calls to this endpoint (an emulator).
    #[arg(long, value_name = "URL", help_heading = "Log review")]
    pub trail_endpoint_url: Option<String>,
}

/// Per input: PHI resource ARN → (hits, rules).
type Touched = BTreeMap<String, (usize, BTreeSet<String>)>;

/// Finds the PHI resources that flagged events touch.
struct PhiHits<'s> {
    scope: &'s PhiScope,
}

impl Visitor for PhiHits<'_> {
    type State = Touched;

    fn every_event(&self) -> bool {
        // Only events with hits count, and those are always parsed in full.
        false
    }

    fn start(&self) -> Touched {
        Touched::new()
    }

    fn visit(&self, state: &mut Touched, event: &Event<'_>, _: &str, hits: &[Hit]) {
        if hits.is_empty() || self.scope.is_empty() {
            return;
        }
        for resource in self.scope.touched(event) {
            let entry = state.entry(resource.arn.clone()).or_default();
            entry.0 += hits.len();
            entry.1.extend(hits.iter().map(|h| h.rule_id.clone()));
        }
    }
}

fn source_name(source: RuleSource) -> &'static str {
    match source {
        RuleSource::Cis => "cis",
        RuleSource::Hipaa => "hipaa",
        RuleSource::Sigma => "sigma",
    }
}

/// Runs the review when `--trail` was given and adds its section to the report. Unreadable
/// files are reported on standard error and in the section's notes; the scan goes on.
pub fn attach(
    args: &LogReviewArgs,
    inventory: &Inventory,
    phi_tags: &PhiTags,
    now: Timestamp,
    report: &mut Report<'_>,
    term: &mut Term<'_>,
) -> Result<(), Error> {
    if args.trail.is_empty() {
        return Ok(());
    }
    let mut ruleset = Ruleset::new();
    for rule in detect::builtin_rules() {
        ruleset.add(rule);
    }
    let (bundled, _rejected) = sigma::bundled();
    for rule in bundled {
        ruleset.add(rule);
    }
    let analyzers = detect::builtin_analyzers();
    let rules = ruleset.len() + analyzers.len();
    let scope = PhiScope::from_inventory(inventory, phi_tags);
    let inputs = s3::split(&args.trail).map_err(|reason| Error::Collect {
        message: format!("log review: {reason}"),
        help: "`--trail` takes files, folders or s3://bucket/prefix".into(),
    })?;
    let (files, mut errors) = reader::discover(&inputs.paths);
    let local = files.into_iter().map(Input::path);
    let (remote, _session): (Box<dyn Iterator<Item = Input> + Send>, _) = if inputs.urls.is_empty()
    {
        (Box::new(std::iter::empty()), None)
    } else {
        let s3_args = s3::S3Args {
            profile: args.trail_profile.clone(),
            endpoint_url: args.trail_endpoint_url.clone(),
            concurrency: 16,
            operations_log: None,
        };
        match s3::objects(
            &inputs.urls,
            s3::scope(None, None, None, None, now),
            &s3_args,
        ) {
            Ok((objects, session)) => (objects, Some(session)),
            Err(reason) => {
                // Nothing of the bucket was read: the review says so (never a silent pass).
                for url in &inputs.urls {
                    errors.push(FileError {
                        file: url.to_string(),
                        offset: None,
                        record: None,
                        skipped: Skipped::File,
                        message: reason.clone(),
                    });
                }
                (Box::new(std::iter::empty()), None)
            }
        }
    };
    let (output, touched) = scan_with(
        local.chain(remote),
        &ruleset,
        analyzers,
        &ScanOptions::default(),
        &PhiHits { scope: &scope },
    );
    errors.extend(output.errors.iter().cloned());
    for e in &errors {
        writeln!(term.err, "warning: log review: {e}")?;
    }

    let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<&str, (usize, &Hit)> = BTreeMap::new();
    for hit in &output.hits {
        *by_severity.entry(hit.severity).or_default() += 1;
        let entry = by_rule.entry(&hit.rule_id).or_insert((0, hit));
        entry.0 += 1;
        if hit.event_time > entry.1.event_time {
            entry.1 = hit;
        }
    }
    let mut top: Vec<RuleHits> = by_rule
        .iter()
        .map(|(id, (hits, last))| RuleHits {
            rule_id: (*id).to_string(),
            title: last.title.clone(),
            severity: last.severity,
            source: source_name(last.source).to_string(),
            hits: *hits,
            last_seen: last.event_time.clone(),
        })
        .collect();
    top.sort_by(|a, b| (b.severity, b.hits, &a.rule_id).cmp(&(a.severity, a.hits, &b.rule_id)));
    top.truncate(TOP_RULES);

    let mut all: Touched = Touched::new();
    for part in touched {
        for (arn, (hits, rules)) in part {
            let entry = all.entry(arn).or_default();
            entry.0 += hits;
            entry.1.extend(rules);
        }
    }
    let mut phi_touched: Vec<PhiTouched> = all
        .into_iter()
        .map(|(resource, (hits, rules))| PhiTouched {
            resource,
            hits,
            rules: rules.into_iter().collect(),
        })
        .collect();
    phi_touched.sort_by(|a, b| (b.hits, &a.resource).cmp(&(a.hits, &b.resource)));

    let files_unreadable = errors.iter().filter(|e| e.skipped == Skipped::File).count();
    let records_skipped = errors.len() - files_unreadable;
    let mut notes = Vec::new();
    if !errors.is_empty() {
        notes.push(format!(
            "{files_unreadable} files (or parts of files) and {records_skipped} records could \
             not be read: the review is incomplete"
        ));
    }
    if output.events == 0 {
        notes.push("no CloudTrail event was read: nothing was reviewed".to_string());
    }
    if scope.is_empty() {
        notes.push(
            "no PHI resources in the inventory (by tag): flagged events cannot be tied to PHI"
                .to_string(),
        );
    }
    report.log_review = Some(LogReview {
        reviewed_at: now,
        inputs: args.trail.iter().map(|p| p.display().to_string()).collect(),
        first_event: output.first_event.clone(),
        last_event: output.last_event.clone(),
        files_read: output.files,
        files_unreadable,
        records_skipped,
        events: output.events,
        rules,
        hits: output.hits.len(),
        hits_by_severity: by_severity
            .into_iter()
            .rev()
            .map(|(severity, hits)| SeverityHits { severity, hits })
            .collect(),
        top_rules: top,
        rules_fired: by_rule.len(),
        phi_resources: scope.resources().len(),
        phi_touched,
        notes,
    });
    Ok(())
}
