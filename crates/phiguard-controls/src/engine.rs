//! The engine: runs the selected controls over an inventory and turns their evaluations into
//! results. It is where "never a false pass" is enforced for every control at once:
//!
//! * an evaluation whose inputs coverage marks missing (denied, failed, not enabled, or never
//!   collected) becomes `error` with the reason;
//! * an evaluation whose evidence names an attribute that could not be read for that resource
//!   becomes `error`;
//! * a gap no evaluation covers (nothing to evaluate because nothing was collected) adds an
//!   `error` for that account and region.
//!
//! Then it raises severity for PHI, applies severity overrides and waivers.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use phiguard_model::{
    CoverageState, DataSource, Evaluation, GLOBAL, Inventory, Severity, Status, Subject,
};
use rayon::prelude::*;

use crate::control::{Control, Input};
use crate::ctx::{Ctx, Findings, Index};
use crate::outcomes::Outcomes;
use crate::settings::{Settings, Waiver};

/// One result: a control's evaluation after coverage gating, severity and waivers.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    /// The control.
    pub control: &'static Control,
    /// The evaluation.
    pub evaluation: Evaluation<'a>,
    /// Effective severity (override, then raised for PHI).
    pub severity: Severity,
    /// The waiver applied, when the status is `waived`.
    pub waiver: Option<&'a Waiver>,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiagnosticLevel {
    /// Worth attention; the scan is still valid.
    Warning,
    /// The scan is incomplete or the input was wrong.
    Error,
}

/// Something about the scan itself worth telling: an expired or unmatched waiver, a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Level.
    pub level: DiagnosticLevel,
    /// Stable code, e.g. `waiver-expired`.
    pub code: &'static str,
    /// Message.
    pub message: String,
    /// Line in the config file, where it came from there.
    pub line: Option<usize>,
}

/// Everything a scan produced.
#[derive(Debug)]
pub struct ScanResult<'a> {
    /// Controls that ran, in catalogue order.
    pub controls: Vec<&'static Control>,
    /// Results in catalogue order, then in the order each control emitted them.
    pub outcomes: Outcomes<'a>,
    /// Diagnostics about the scan.
    pub diagnostics: Vec<Diagnostic>,
}

impl ScanResult<'_> {
    /// Whether any data source could not be collected somewhere.
    pub fn incomplete(&self) -> bool {
        self.outcomes
            .iter()
            .any(|o| o.evaluation.status == Status::Error)
    }
}

struct Gap<'a> {
    account: &'a str,
    region: &'a str,
    account_wide: bool,
    why: String,
}

type CoverageMap<'a> = crate::ctx::FastMap<(&'a str, &'a str, DataSource), &'a CoverageState>;

/// Whether the settings select a control.
pub fn selected(control: &Control, settings: &Settings) -> bool {
    let named = |list: &[String]| {
        list.iter()
            .any(|n| n.eq_ignore_ascii_case(control.id()) || n.eq_ignore_ascii_case(control.slug()))
    };
    (settings.selection.enabled.is_empty() || named(&settings.selection.enabled))
        && !named(&settings.selection.disabled)
}

/// Runs the selected controls of `catalogue` over `inventory`.
pub fn evaluate<'a>(
    inventory: &'a Inventory,
    settings: &'a Settings,
    catalogue: &[&'static Control],
) -> ScanResult<'a> {
    let index = Arc::new(Index::new(inventory, settings));
    let coverage: CoverageMap<'a> = inventory
        .coverage
        .iter()
        .map(|c| ((c.account.as_str(), c.region.as_str(), c.source), &c.state))
        .collect();
    let controls: Vec<&'static Control> = catalogue
        .iter()
        .copied()
        .filter(|c| selected(c, settings))
        .collect();

    let per_control: Vec<Vec<Outcome<'a>>> = controls
        .par_iter()
        .map(|control| {
            let ctx = Ctx::new(inventory, settings, Arc::clone(&index));
            run_one(control, &ctx, &coverage)
        })
        .collect();
    let mut outcomes = Outcomes::from_batches(per_control);
    if settings.phi_only {
        outcomes.retain(|o| o.evaluation.subject.phi);
    }
    let mut diagnostics = Vec::new();
    apply_waivers(&mut outcomes, settings, &mut diagnostics);
    ScanResult {
        controls,
        outcomes,
        diagnostics,
    }
}

fn run_one<'a>(
    control: &'static Control,
    ctx: &Ctx<'a>,
    coverage: &CoverageMap<'a>,
) -> Vec<Outcome<'a>> {
    let mut findings = Findings::new();
    match control.custom {
        Some(custom) => custom.evaluate(ctx, &mut findings),
        None => (control.evaluate)(ctx, &mut findings),
    }
    let (mut evaluations, attested) = findings.into_parts();
    let gaps = gaps(control, ctx, coverage);
    let mut gated: HashSet<(String, String)> = HashSet::new();
    for (i, evaluation) in evaluations.iter_mut().enumerate() {
        if attested.contains(&i) {
            continue;
        }
        let subject = &evaluation.subject;
        // A gap explains an error better than the control can (it names the permission).
        if let Some(gap) = gaps.iter().find(|g| gap_reaches(g, subject)) {
            gated.insert((gap.account.to_string(), gap.region.to_string()));
            evaluation.status = Status::Error;
            evaluation.reason = Cow::Owned(format!("not evaluated: {}", gap.why));
            continue;
        }
        if evaluation.status == Status::Error {
            continue;
        }
        let unread = evaluation
            .evidence
            .iter()
            .find_map(|(key, _)| subject.field_errors.iter().find(|e| e.field == *key));
        if let Some(e) = unread {
            evaluation.status = Status::Error;
            evaluation.reason = Cow::Owned(format!(
                "not evaluated: `{}` could not be read ({})",
                e.field, e.code
            ));
        }
    }
    // Gaps nothing was evaluated in still get said.
    let mut said: HashSet<(&str, &str)> = HashSet::new();
    for gap in &gaps {
        // An attested pass for the account (a paper BAA) stands without the source.
        let already = gated.contains(&(gap.account.to_string(), gap.region.to_string()))
            || attested
                .iter()
                .any(|i| evaluations[*i].subject.account == gap.account)
            || evaluations.iter().any(|e| {
                e.status == Status::Error
                    && e.subject.account == gap.account
                    && gap_reaches(gap, &e.subject)
            });
        if already || !said.insert((gap.account, gap.region)) {
            continue;
        }
        let account = ctx.accounts().iter().find(|a| a.id == gap.account);
        let phi = account.is_some_and(|a| ctx.account_holds_phi(&a.id));
        let subject = if gap.region == GLOBAL {
            Subject::account(gap.account, phi)
        } else {
            Subject::region(gap.account, gap.region, phi)
        };
        evaluations.push(Evaluation {
            subject,
            status: Status::Error,
            reason: Cow::Owned(format!("not evaluated: {}", gap.why)),
            evidence: Vec::new(),
        });
    }
    let base = ctx
        .settings
        .severity_overrides
        .get(control.id())
        .copied()
        .unwrap_or(control.meta.severity);
    evaluations
        .into_iter()
        .map(|evaluation| Outcome {
            control,
            severity: if evaluation.subject.phi {
                base.raised()
            } else {
                base
            },
            evaluation,
            waiver: None,
        })
        .collect()
}

fn gap_reaches(gap: &Gap<'_>, subject: &Subject<'_>) -> bool {
    subject.account == gap.account
        && (gap.account_wide
            || gap.region == GLOBAL
            || subject.region == GLOBAL
            || subject.region == gap.region)
}

fn gaps<'a>(control: &Control, ctx: &Ctx<'a>, coverage: &CoverageMap<'a>) -> Vec<Gap<'a>> {
    let mut out = Vec::new();
    for account in ctx.accounts() {
        for input in control.meta.inputs {
            let source = input.source();
            let regions: Vec<&'a str> = if source.is_global() {
                vec![GLOBAL]
            } else {
                account.regions.iter().map(String::as_str).collect()
            };
            for region in regions {
                let why = match coverage.get(&(account.id.as_str(), region, source)) {
                    Some(state) if state.is_collected() => continue,
                    Some(CoverageState::Unsupported { .. }) => continue,
                    Some(state) => state.describe(),
                    None => "not collected".to_string(),
                };
                out.push(Gap {
                    account: &account.id,
                    region,
                    account_wide: matches!(input, Input::AccountWide(_)),
                    why: format!("{source} in {}/{region}: {why}", account.id),
                });
            }
        }
    }
    out
}

fn apply_waivers<'a>(
    outcomes: &mut Outcomes<'a>,
    settings: &'a Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut used = vec![false; settings.waivers.len()];
    for outcome in outcomes.iter_mut() {
        if outcome.evaluation.status != Status::Fail {
            continue;
        }
        let control = outcome.control;
        for (i, waiver) in settings.waivers.iter().enumerate() {
            let names_control = waiver.control.eq_ignore_ascii_case(control.id())
                || waiver.control.eq_ignore_ascii_case(control.slug());
            if !names_control || !waiver.matches_resource(&outcome.evaluation.subject.id) {
                continue;
            }
            used[i] = true;
            if waiver.expired_at(settings.now) {
                continue;
            }
            outcome.evaluation.status = Status::Waived;
            outcome.waiver = Some(waiver);
            break;
        }
    }
    for (waiver, used) in settings.waivers.iter().zip(used) {
        if waiver.expired_at(settings.now) {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "waiver-expired",
                message: format!(
                    "waiver for `{}` on `{}` expired on {} (approved by {}); its failures are reported unwaived",
                    waiver.control, waiver.resource, waiver.expires, waiver.approved_by
                ),
                line: waiver.line,
            });
        } else if !used {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                code: "waiver-unmatched",
                message: format!(
                    "waiver for `{}` on `{}` matched no failing result; remove it or fix its resource",
                    waiver.control, waiver.resource
                ),
                line: waiver.line,
            });
        }
    }
}
