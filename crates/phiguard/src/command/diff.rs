//! `phiguard diff OLD NEW`: what changed between two inventories (resources added, removed,
//! changed, field by field; coverage entries whose state changed) and which results changed
//! status, each inventory evaluated with the whole catalogue and default settings. With `--reports`, OLD and NEW are JSON v1 reports and
//! only their results are compared.
//!
//! Exit codes: 0 when no new failure appeared, 1 when at least one result is `fail` in NEW that
//! was not `fail` in OLD (including results that did not exist before), 2 on unreadable input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use jiff::Timestamp;
use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::{Inventory, Resource};
use serde::Serialize;
use serde_json::Value;

use crate::{Error, Exit, Term, inventory_io};

const EXIT_CODES: &str = "\
Exit codes:
  0  no new failure (results may have changed otherwise)
  1  new failures: a result is `fail` in NEW that was not `fail` in OLD
  2  usage error, or an input could not be read";

/// `phiguard diff`.
#[derive(Debug, Args)]
#[command(after_long_help = EXIT_CODES)]
pub struct DiffArgs {
    /// The earlier inventory (`scan --save-inventory`), or JSON report with `--reports`.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The later inventory, or JSON report with `--reports`.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// OLD and NEW are JSON reports (`scan -f json`): compare their results only.
    #[arg(long)]
    pub reports: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,

    /// Compare only this control's results (id or slug); repeatable.
    #[arg(long = "control", value_name = "ID_OR_SLUG")]
    pub controls: Vec<String>,
}

/// `diff` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Lines for people.
    Text,
    /// One JSON document.
    Json,
}

/// The whole difference.
#[derive(Debug, Serialize)]
pub struct Diff {
    /// Format version of this JSON.
    pub diff_version: u32,
    /// What was compared: `inventories` or `reports`.
    pub compared: &'static str,
    /// The earlier input.
    pub old: Side,
    /// The later input.
    pub new: Side,
    /// Resource changes (inventories only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceChanges>,
    /// Coverage entries whose state changed (inventories only): why results turned `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Vec<CoverageChange>>,
    /// Results whose status changed, appeared or disappeared.
    pub results: Vec<ResultChange>,
    /// Counts.
    pub summary: Summary,
}

/// One input.
#[derive(Debug, Serialize)]
pub struct Side {
    /// As given on the command line.
    pub path: String,
    /// When its data was collected (inventories) or scanned (reports).
    pub time: Option<String>,
}

/// Resources added, removed and changed.
#[derive(Debug, Default, Serialize)]
pub struct ResourceChanges {
    /// In NEW only.
    pub added: Vec<ResourceRef>,
    /// In OLD only.
    pub removed: Vec<ResourceRef>,
    /// In both, different.
    pub changed: Vec<ChangedResource>,
}

/// A resource, by identity.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceRef {
    /// ARN or stable id.
    pub arn: String,
    /// Kind.
    pub kind: String,
    /// Account.
    pub account: String,
    /// Region.
    pub region: String,
}

/// A resource in both inventories whose attributes differ.
#[derive(Debug, Serialize)]
pub struct ChangedResource {
    /// Which.
    #[serde(flatten)]
    pub resource: ResourceRef,
    /// The attributes that differ.
    pub fields: Vec<FieldChange>,
}

/// One attribute's old and new value (`null` when absent).
#[derive(Debug, Serialize)]
pub struct FieldChange {
    /// `tags`, `name`, `errors`, or a kind attribute such as `versioning`.
    pub field: String,
    /// Before.
    pub old: Value,
    /// After.
    pub new: Value,
}

/// A data source whose collection state differs.
#[derive(Debug, Serialize)]
pub struct CoverageChange {
    /// Account.
    pub account: String,
    /// Region or `global`.
    pub region: String,
    /// Data source, e.g. `kms_keys`.
    pub source: String,
    /// Before (`collected`, `access denied (AccessDenied)`, ...); `null` when not recorded.
    pub old: Option<String>,
    /// After; `null` when not recorded.
    pub new: Option<String>,
}

/// A result whose status differs.
#[derive(Debug, Serialize)]
pub struct ResultChange {
    /// Control id.
    pub control_id: String,
    /// ARN or stable id of the subject.
    pub resource: String,
    /// Account.
    pub account: String,
    /// Region.
    pub region: String,
    /// Status before; `null` when the result did not exist.
    pub old: Option<String>,
    /// Status after; `null` when the result no longer exists.
    pub new: Option<String>,
    /// The reason given by the later result (the earlier one's when it is gone).
    pub reason: String,
}

impl ResultChange {
    fn is_new_failure(&self) -> bool {
        self.new.as_deref() == Some("fail") && self.old.as_deref() != Some("fail")
    }

    fn is_fixed(&self) -> bool {
        self.old.as_deref() == Some("fail") && self.new.as_deref() != Some("fail")
    }
}

/// Counts.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Resources added.
    pub resources_added: usize,
    /// Resources removed.
    pub resources_removed: usize,
    /// Resources changed.
    pub resources_changed: usize,
    /// Coverage entries changed.
    pub coverage_changed: usize,
    /// Results changed.
    pub results_changed: usize,
    /// Results newly `fail`.
    pub new_failures: usize,
    /// Results no longer `fail`.
    pub fixed: usize,
}

/// Runs `phiguard diff`.
pub fn run(args: &DiffArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let mut selected = Vec::new();
    for name in &args.controls {
        match phiguard_controls::find(name) {
            Some(control) => selected.push(control.id().to_string()),
            None => return Err(Error::unknown_control(name)),
        }
    }
    let keep = |rows: Rows| -> Rows {
        if selected.is_empty() {
            return rows;
        }
        rows.into_iter()
            .filter(|((control, _, _), _)| selected.contains(control))
            .collect()
    };
    let diff = if args.reports {
        let (old_time, old) = load_report(&args.old)?;
        let (new_time, new) = load_report(&args.new)?;
        let (old, new) = (keep(old), keep(new));
        build(
            side(&args.old, old_time),
            side(&args.new, new_time),
            None,
            old,
            new,
        )
    } else {
        let old = inventory_io::load(&args.old)?;
        let new = inventory_io::load(&args.new)?;
        let mut settings = Settings::at(now);
        settings.selection.enabled = selected.clone();
        let old_results = evaluate(&old, &settings);
        let new_results = evaluate(&new, &settings);
        build(
            side(&args.old, Some(old.generated_at.to_string())),
            side(&args.new, Some(new.generated_at.to_string())),
            Some((resource_changes(&old, &new), coverage_changes(&old, &new))),
            old_results,
            new_results,
        )
    };
    match args.format {
        DiffFormat::Json => {
            let text = serde_json::to_string_pretty(&diff).map_err(std::io::Error::other)?;
            writeln!(term.out, "{text}")?;
        }
        DiffFormat::Text => render_text(&diff, term.out)?,
    }
    term.out.flush()?;
    Ok(if diff.summary.new_failures > 0 {
        Exit::Failures
    } else {
        Exit::Clean
    })
}

fn side(path: &Path, time: Option<String>) -> Side {
    Side {
        path: path.display().to_string(),
        time,
    }
}

/// One result, keyed by control, subject and occurrence.
#[derive(Debug, Clone)]
struct Row {
    account: String,
    region: String,
    status: String,
    reason: String,
}

type Rows = BTreeMap<(String, String, usize), Row>;

fn evaluate(inventory: &Inventory, settings: &Settings) -> Rows {
    let result = phiguard_controls::evaluate(inventory, settings, CATALOGUE);
    let mut rows = Rows::new();
    for outcome in &result.outcomes {
        let e = &outcome.evaluation;
        insert(
            &mut rows,
            outcome.control.id(),
            &e.subject.id,
            Row {
                account: e.subject.account.to_string(),
                region: e.subject.region.to_string(),
                status: e.status.as_str().to_string(),
                reason: e.reason.to_string(),
            },
        );
    }
    rows
}

fn insert(rows: &mut Rows, control: &str, subject: &str, row: Row) {
    let mut n = 0;
    while rows.contains_key(&(control.to_string(), subject.to_string(), n)) {
        n += 1;
    }
    rows.insert((control.to_string(), subject.to_string(), n), row);
}

fn load_report(path: &Path) -> Result<(Option<String>, Rows), Error> {
    let fail = |message: String| Error::Report {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let report: Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let results = report
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("not a phiguard JSON report: no `results` list".into()))?;
    let field = |r: &Value, k: &str| {
        r.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut rows = Rows::new();
    for (i, r) in results.iter().enumerate() {
        let control = field(r, "control_id");
        let status = field(r, "status");
        if control.is_empty() || status.is_empty() {
            return Err(fail(format!(
                "`results[{i}]` has no `control_id` or `status`"
            )));
        }
        insert(
            &mut rows,
            &control,
            &field(r, "resource"),
            Row {
                account: field(r, "account"),
                region: field(r, "region"),
                status,
                reason: field(r, "reason"),
            },
        );
    }
    let time = report
        .get("scan_time")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok((time, rows))
}

fn build(
    old_side: Side,
    new_side: Side,
    inventories: Option<(ResourceChanges, Vec<CoverageChange>)>,
    old: Rows,
    new: Rows,
) -> Diff {
    let keys: BTreeSet<&(String, String, usize)> = old.keys().chain(new.keys()).collect();
    let mut results = Vec::new();
    for key in keys {
        let (before, after) = (old.get(key), new.get(key));
        if before.map(|r| &r.status) == after.map(|r| &r.status) {
            continue;
        }
        let Some(any) = after.or(before) else {
            continue;
        };
        results.push(ResultChange {
            control_id: key.0.clone(),
            resource: key.1.clone(),
            account: any.account.clone(),
            region: any.region.clone(),
            old: before.map(|r| r.status.clone()),
            new: after.map(|r| r.status.clone()),
            reason: any.reason.clone(),
        });
    }
    let mut summary = Summary {
        results_changed: results.len(),
        new_failures: results.iter().filter(|r| r.is_new_failure()).count(),
        fixed: results.iter().filter(|r| r.is_fixed()).count(),
        ..Summary::default()
    };
    let (resources, coverage) = match inventories {
        Some((r, c)) => (Some(r), Some(c)),
        None => (None, None),
    };
    summary.coverage_changed = coverage.as_ref().map_or(0, Vec::len);
    if let Some(r) = &resources {
        summary.resources_added = r.added.len();
        summary.resources_removed = r.removed.len();
        summary.resources_changed = r.changed.len();
    }
    Diff {
        diff_version: 1,
        compared: if resources.is_some() {
            "inventories"
        } else {
            "reports"
        },
        old: old_side,
        new: new_side,
        resources,
        coverage,
        results,
        summary,
    }
}

fn reference(r: &Resource) -> ResourceRef {
    ResourceRef {
        arn: r.arn.clone(),
        kind: r.kind().as_str().to_string(),
        account: r.account.clone(),
        region: r.region.clone(),
    }
}

/// Resources by (account, ARN); the first of duplicates wins.
fn index(inventory: &Inventory) -> BTreeMap<(&str, &str), &Resource> {
    let mut map = BTreeMap::new();
    for r in &inventory.resources {
        map.entry((r.account.as_str(), r.arn.as_str())).or_insert(r);
    }
    map
}

fn coverage_changes(old: &Inventory, new: &Inventory) -> Vec<CoverageChange> {
    let states = |inv: &Inventory| -> BTreeMap<(String, String, String), String> {
        let mut map = BTreeMap::new();
        for c in &inv.coverage {
            map.entry((
                c.account.clone(),
                c.region.clone(),
                c.source.as_str().to_string(),
            ))
            .or_insert_with(|| c.state.describe());
        }
        map
    };
    let (before, after) = (states(old), states(new));
    let keys: BTreeSet<&(String, String, String)> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| CoverageChange {
            account: k.0.clone(),
            region: k.1.clone(),
            source: k.2.clone(),
            old: before.get(k).cloned(),
            new: after.get(k).cloned(),
        })
        .collect()
}

fn resource_changes(old: &Inventory, new: &Inventory) -> ResourceChanges {
    let (before, after) = (index(old), index(new));
    let mut changes = ResourceChanges::default();
    for (key, r) in &after {
        if !before.contains_key(key) {
            changes.added.push(reference(r));
        }
    }
    for (key, r) in &before {
        match after.get(key) {
            None => changes.removed.push(reference(r)),
            Some(n) if *n != *r => changes.changed.push(ChangedResource {
                resource: reference(n),
                fields: field_changes(r, n),
            }),
            Some(_) => {}
        }
    }
    changes
}

/// The attributes that differ: the envelope's (`name`, `region`, `tags`, `errors`, `kind`)
/// and each attribute of the kind's details.
fn field_changes(old: &Resource, new: &Resource) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut push = |field: &str, a: Value, b: Value| {
        if a != b {
            out.push(FieldChange {
                field: field.to_string(),
                old: a,
                new: b,
            });
        }
    };
    fn json<T: Serialize + ?Sized>(v: &T) -> Value {
        serde_json::to_value(v).unwrap_or(Value::Null)
    }
    push("kind", json(old.kind().as_str()), json(new.kind().as_str()));
    push("name", json(&old.name), json(&new.name));
    push("region", json(&old.region), json(&new.region));
    push("tags", json(&old.tags), json(&new.tags));
    push("errors", json(&old.errors), json(&new.errors));
    if old.kind() != new.kind() {
        return out;
    }
    let details = |r: &Resource| match serde_json::to_value(&r.details) {
        Ok(Value::Object(outer)) => outer
            .into_iter()
            .next()
            .and_then(|(_, inner)| match inner {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .unwrap_or_default(),
        _ => serde_json::Map::new(),
    };
    let (a, b) = (details(old), details(new));
    let fields: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for field in fields {
        push(
            field,
            a.get(field).cloned().unwrap_or(Value::Null),
            b.get(field).cloned().unwrap_or(Value::Null),
        );
    }
    out
}

/// A value for a line of text: compact JSON, cut at 100 characters.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 100 {
        return text;
    }
    let cut: String = text.chars().take(97).collect();
    format!("{cut}...")
}

fn render_text(diff: &Diff, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "comparing {} {} ({}) with {} ({})",
        diff.compared,
        diff.old.path,
        diff.old.time.as_deref().unwrap_or("time unknown"),
        diff.new.path,
        diff.new.time.as_deref().unwrap_or("time unknown"),
    )?;
    if let Some(r) = &diff.resources {
        writeln!(
            out,
            "\nresources: {} added, {} removed, {} changed",
            r.added.len(),
            r.removed.len(),
            r.changed.len()
        )?;
        let line = |sign: char, r: &ResourceRef| {
            format!(
                "  {sign} {:<16} {} ({}, {})",
                r.kind, r.arn, r.account, r.region
            )
        };
        for r in &r.added {
            writeln!(out, "{}", line('+', r))?;
        }
        for r in &r.removed {
            writeln!(out, "{}", line('-', r))?;
        }
        for c in &r.changed {
            writeln!(out, "{}", line('~', &c.resource))?;
            for f in &c.fields {
                writeln!(
                    out,
                    "      {}: {} -> {}",
                    f.field,
                    short(&f.old),
                    short(&f.new)
                )?;
            }
        }
    }
    if let Some(coverage) = &diff.coverage {
        writeln!(out, "\ncoverage: {} changed", coverage.len())?;
        for c in coverage {
            writeln!(
                out,
                "  ~ {}/{} {}: {} -> {}",
                c.account,
                c.region,
                c.source,
                c.old.as_deref().unwrap_or("(none)"),
                c.new.as_deref().unwrap_or("(none)"),
            )?;
        }
    }
    let s = &diff.summary;
    writeln!(
        out,
        "\nresults: {} changed ({} new failure{} `!`, {} fixed `+`)",
        s.results_changed,
        s.new_failures,
        if s.new_failures == 1 { "" } else { "s" },
        s.fixed
    )?;
    for r in &diff.results {
        let old = r.old.as_deref().unwrap_or("(none)");
        let new = r.new.as_deref().unwrap_or("(none)");
        let mark = if r.is_new_failure() {
            '!'
        } else if r.is_fixed() {
            '+'
        } else {
            ' '
        };
        writeln!(
            out,
            "  {mark} {:<15} {old:>6} -> {new:<6} {} ({}, {}): {}",
            r.control_id, r.resource, r.account, r.region, r.reason
        )?;
    }
    let verdict = match s.new_failures {
        0 => "verdict: no new failures".to_string(),
        1 => "verdict: 1 new failure".to_string(),
        n => format!("verdict: {n} new failures"),
    };
    writeln!(out, "\n{verdict}")
}
