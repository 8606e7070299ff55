//! `phiguard assess` (risk assessments) and `phiguard risk` (the risk register).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::Timestamp;
use jiff::civil::Date;
use phiguard_store::StoreError;
use phiguard_store::evidence::{self, EvidenceType, Link};
use phiguard_store::record::Stored;
use phiguard_store::risk::{
    self, Acceptance, Assessment, AssessmentStatus, Input, Risk, RiskStatus, Scope, Score,
    Treatment,
};
use phiguard_store::vendor::{self, Vendor};

use super::{OutFormat, StoreArgs, date_arg, opt, print_fields, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard assess ...`.
#[derive(Debug, Subcommand)]
pub enum AssessCommand {
    /// Start a risk assessment: scope, cadence (monthly when a high-risk system is in scope,
    /// else quarterly) and the inputs it uses, by hash.
    Create(Box<CreateArgs>),
    /// List the assessments.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Show one assessment.
    Show {
        /// Assessment id (`ASM-0001`).
        id: String,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Record progress: status, issues found, remediation plan, risks, summary.
    Update {
        /// Assessment id.
        id: String,
        /// planned, in_progress, in_review.
        #[arg(long)]
        status: Option<String>,
        /// An issue found (finding id); repeatable.
        #[arg(long = "issue", value_name = "FINDING")]
        issues: Vec<String>,
        /// A remediation plan item; repeatable.
        #[arg(long = "remediation", value_name = "TEXT")]
        remediation: Vec<String>,
        /// A risk register entry (risk id); repeatable.
        #[arg(long = "risk", value_name = "RISK")]
        risks: Vec<String>,
        /// Summary.
        #[arg(long)]
        summary: Option<String>,
        /// Period end (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        period_end: Option<Date>,
    },
    /// Sign the assessment off; the next one falls due a cadence later.
    Approve {
        /// Assessment id.
        id: String,
        /// Who signs off.
        #[arg(long)]
        approver: String,
    },
}

/// `assess create` flags.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Title.
    #[arg(long)]
    pub title: String,
    /// Method and risk matrix.
    #[arg(
        long,
        default_value = "NIST SP 800-30 r1 / SP 800-66 r2, 5x5 likelihood x impact"
    )]
    pub methodology: String,
    /// An AWS account in scope; repeatable.
    #[arg(long = "account", value_name = "ACCOUNT")]
    pub accounts: Vec<String>,
    /// A system in scope; repeatable.
    #[arg(long = "system", value_name = "SYSTEM")]
    pub systems: Vec<String>,
    /// A high-risk system in scope (makes the cadence monthly); repeatable.
    #[arg(long = "high-risk-system", value_name = "SYSTEM")]
    pub high_risk_systems: Vec<String>,
    /// A vendor in scope (its current rating is recorded as an input); repeatable.
    #[arg(long = "vendor", value_name = "VENDOR")]
    pub vendors: Vec<String>,
    /// A scan report used (stored as evidence; its hash recorded); repeatable.
    #[arg(long = "report", value_name = "FILE")]
    pub reports: Vec<PathBuf>,
    /// Who assesses; repeatable.
    #[arg(long = "assessor", value_name = "NAME")]
    pub assessors: Vec<String>,
    /// Period start (YYYY-MM-DD) [default: today].
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub period_start: Option<Date>,
    /// The previous assessment of this scope.
    #[arg(long, value_name = "ID")]
    pub prior: Option<String>,
}

/// `phiguard risk ...`.
#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Add a risk to the register.
    Add(Box<RiskArgs>),
    /// List the risks, highest first.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Show one risk.
    Show {
        /// Risk id (`RSK-0001`).
        id: String,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Change a risk: status, residual score, treatment, owner, due date.
    Update {
        /// Risk id.
        id: String,
        /// open, treating, closed.
        #[arg(long)]
        status: Option<String>,
        /// Residual likelihood 1-5.
        #[arg(long)]
        residual_likelihood: Option<u8>,
        /// Residual impact 1-5.
        #[arg(long)]
        residual_impact: Option<u8>,
        /// mitigate, transfer, avoid (accept: `risk accept`).
        #[arg(long)]
        treatment: Option<String>,
        /// Owner.
        #[arg(long)]
        owner: Option<String>,
        /// Treatment due (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        due: Option<Date>,
    },
    /// Accept a risk: approver, justification and an expiry are required.
    Accept {
        /// Risk id.
        id: String,
        /// Who accepts.
        #[arg(long)]
        approver: String,
        /// Why.
        #[arg(long)]
        justification: String,
        /// Until when (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        expires: Date,
    },
}

/// `risk add` flags.
#[derive(Debug, Args)]
pub struct RiskArgs {
    /// Title.
    #[arg(long)]
    pub title: String,
    /// Likelihood 1 (rare) - 5 (almost certain).
    #[arg(long)]
    pub likelihood: u8,
    /// Impact 1 (negligible) - 5 (severe).
    #[arg(long)]
    pub impact: u8,
    /// Description.
    #[arg(long, default_value = "")]
    pub description: String,
    /// mitigate, accept, transfer, avoid.
    #[arg(long, default_value = "mitigate")]
    pub treatment: String,
    /// Owner.
    #[arg(long)]
    pub owner: Option<String>,
    /// Treatment due (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub due: Option<Date>,
    /// A system; repeatable.
    #[arg(long = "system", value_name = "SYSTEM")]
    pub systems: Vec<String>,
    /// The vendor concerned.
    #[arg(long)]
    pub vendor: Option<String>,
    /// PHI is involved.
    #[arg(long)]
    pub phi: bool,
    /// Threat.
    #[arg(long)]
    pub threat: Option<String>,
    /// Vulnerability.
    #[arg(long)]
    pub vulnerability: Option<String>,
    /// The assessment that found it.
    #[arg(long, value_name = "ID")]
    pub assessment: Option<String>,
    /// A HIPAA citation; repeatable.
    #[arg(long = "hipaa", value_name = "CITATION")]
    pub hipaa: Vec<String>,
}

/// Runs `phiguard assess ...`.
pub fn run_assess(
    args: &StoreArgs,
    command: AssessCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let ctx = args.ctx(now);
    match command {
        AssessCommand::Create(c) => {
            let mut reports = Vec::new();
            for path in &c.reports {
                let bytes = std::fs::read(path).map_err(|source| StoreError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                reports.push((name, bytes));
            }
            let mut store = args.open_for_write(now)?;
            let (s, evidence_ids) = store.write(&ctx, |tx| {
                let today = tx.ctx().today();
                let vendors: Vec<Stored<Vendor>> = tx.list()?;
                let mut inputs = Vec::new();
                let mut scope_vendors = Vec::new();
                for v in &c.vendors {
                    let v = vendor::find(&vendors, v)?;
                    let snapshot = format!(
                        "{}|{}|{}|{}",
                        v.id,
                        opt(v.record.residual_rating),
                        opt(v.record.residual_score),
                        opt(v.record.last_assessed)
                    );
                    inputs.push(Input {
                        kind: "vendor_rating".into(),
                        reference: format!("{} {}", v.id, opt(v.record.residual_rating))
                            .trim()
                            .to_string(),
                        sha256: phiguard_store::sha256_hex(snapshot.as_bytes()),
                    });
                    scope_vendors.push(v.id.clone());
                }
                if let Some(prior) = &c.prior {
                    let p: Stored<Assessment> = tx.get(prior)?;
                    let (body, _) = phiguard_store::record::body_of(&p.record)?;
                    inputs.push(risk::file_input("prior_assessment", &p.id, body.as_bytes()));
                }
                let mut evidence_ids = Vec::new();
                for (name, bytes) in &reports {
                    inputs.push(risk::file_input("scan_report", name, bytes));
                    let e = evidence::add(
                        tx,
                        &format!("scan report {name}"),
                        EvidenceType::ScanReport,
                        "automated_check",
                        name,
                        bytes,
                        None,
                        Vec::new(),
                    )?;
                    evidence_ids.push(e.id);
                }
                let scope = Scope {
                    accounts: c.accounts.clone(),
                    systems: c.systems.clone(),
                    high_risk_systems: c.high_risk_systems.clone(),
                    vendors: scope_vendors,
                };
                let a = Assessment {
                    title: c.title.clone(),
                    methodology: c.methodology.clone(),
                    cadence: Assessment::cadence_for(&scope),
                    scope,
                    period_start: c.period_start.unwrap_or(today),
                    period_end: None,
                    status: AssessmentStatus::InProgress,
                    assessors: c.assessors.clone(),
                    approver: None,
                    approved_on: None,
                    inputs,
                    issues: Vec::new(),
                    remediation_plan: Vec::new(),
                    risks: Vec::new(),
                    summary: None,
                    prior_assessment_id: c.prior.clone().map(|p| p.to_ascii_uppercase()),
                    next_due: None,
                };
                let s = tx.insert(a)?;
                for id in &evidence_ids {
                    let link = Link {
                        kind: "risk_assessment".into(),
                        id: s.id.clone(),
                    };
                    tx.update::<evidence::Evidence>(id, None, |e| {
                        e.links.push(link);
                        Ok(())
                    })?;
                }
                Ok((s, evidence_ids))
            })?;
            writeln!(
                term.out,
                "created {}: `{}` ({} cadence, {} input{})",
                s.id,
                s.record.title,
                s.record.cadence,
                s.record.inputs.len(),
                if s.record.inputs.len() == 1 { "" } else { "s" }
            )?;
            for id in evidence_ids {
                writeln!(term.out, "stored the scan report as {id}")?;
            }
            Ok(Exit::Clean)
        }
        AssessCommand::List { format } => {
            let mut store = args.open(now)?;
            let list = store.list::<Assessment>()?;
            match format {
                OutFormat::Json => print_json(term, &list)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|s| {
                            let a = &s.record;
                            vec![
                                s.id.clone(),
                                a.status.to_string(),
                                a.cadence.to_string(),
                                a.period_start.to_string(),
                                opt(a.approved_on),
                                opt(a.next_due),
                                a.title.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &[
                            "ID", "STATUS", "CADENCE", "STARTED", "APPROVED", "NEXT DUE", "TITLE",
                        ],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        AssessCommand::Show { id, format } => {
            let mut store = args.open(now)?;
            let s: Stored<Assessment> = store.get(&id)?;
            if format == OutFormat::Json {
                print_json(term, &s)?;
                return Ok(Exit::Clean);
            }
            let a = &s.record;
            print_fields(
                term,
                &[
                    ("id", format!("{} (version {})", s.id, s.version)),
                    ("title", a.title.clone()),
                    ("methodology", a.methodology.clone()),
                    ("status", a.status.to_string()),
                    ("cadence", a.cadence.to_string()),
                    ("accounts", a.scope.accounts.join(", ")),
                    ("systems", a.scope.systems.join(", ")),
                    ("high-risk systems", a.scope.high_risk_systems.join(", ")),
                    ("vendors", a.scope.vendors.join(", ")),
                    (
                        "period",
                        format!("{} .. {}", a.period_start, opt(a.period_end)),
                    ),
                    ("assessors", a.assessors.join(", ")),
                    (
                        "approved",
                        a.approver
                            .as_ref()
                            .map(|p| format!("{} by {p}", opt(a.approved_on)))
                            .unwrap_or_default(),
                    ),
                    ("next due", opt(a.next_due)),
                    ("issues", a.issues.join(", ")),
                    ("risks", a.risks.join(", ")),
                    ("summary", opt(a.summary.as_ref())),
                    ("prior", opt(a.prior_assessment_id.as_ref())),
                ],
            )?;
            for i in &a.inputs {
                writeln!(
                    term.out,
                    "  input {} {} sha256 {}",
                    i.kind, i.reference, i.sha256
                )?;
            }
            for r in &a.remediation_plan {
                writeln!(term.out, "  remediation: {r}")?;
            }
            Ok(Exit::Clean)
        }
        AssessCommand::Update {
            id,
            status,
            issues,
            remediation,
            risks,
            summary,
            period_end,
        } => {
            let status = status
                .map(|s| AssessmentStatus::parse("--status", &s))
                .transpose()?;
            if matches!(
                status,
                Some(AssessmentStatus::Approved | AssessmentStatus::Superseded)
            ) {
                return Err(StoreError::invalid(
                    "--status",
                    "use `phiguard assess approve` to sign an assessment off",
                )
                .into());
            }
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| {
                tx.update::<Assessment>(&id, None, |a| {
                    if let Some(st) = status {
                        a.status = st;
                    }
                    a.issues
                        .extend(issues.iter().map(|i| i.to_ascii_uppercase()));
                    a.remediation_plan.extend(remediation.iter().cloned());
                    a.risks.extend(risks.iter().map(|r| r.to_ascii_uppercase()));
                    if summary.is_some() {
                        a.summary.clone_from(&summary);
                    }
                    if period_end.is_some() {
                        a.period_end = period_end;
                    }
                    Ok(())
                })
            })?;
            writeln!(
                term.out,
                "updated {} (version {}): {}",
                s.id, s.version, s.record.status
            )?;
            Ok(Exit::Clean)
        }
        AssessCommand::Approve { id, approver } => {
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| {
                let today = tx.ctx().today();
                let s = tx.update_with::<Assessment>(&id, None, "approve", |a| {
                    a.approve(&approver, today)
                })?;
                // The assessment it follows is superseded.
                if let Some(prior) = s.record.prior_assessment_id.clone() {
                    tx.update::<Assessment>(&prior, None, |p| {
                        p.status = AssessmentStatus::Superseded;
                        Ok(())
                    })?;
                }
                Ok(s)
            })?;
            writeln!(
                term.out,
                "approved {} by {}; next {} assessment due {}",
                s.id,
                approver,
                s.record.cadence,
                opt(s.record.next_due)
            )?;
            Ok(Exit::Clean)
        }
    }
}

/// Runs `phiguard risk ...`.
pub fn run_risk(
    args: &StoreArgs,
    command: RiskCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let ctx = args.ctx(now);
    match command {
        RiskCommand::Add(r) => {
            let inherent = Score::new("--inherent", r.likelihood, r.impact).map_err(|_| {
                StoreError::invalid(
                    if (1..=5).contains(&r.likelihood) {
                        "--impact"
                    } else {
                        "--likelihood"
                    },
                    "must be 1 to 5",
                )
            })?;
            let treatment = Treatment::parse("--treatment", &r.treatment)?;
            if treatment == Treatment::Accept {
                return Err(StoreError::invalid(
                    "--treatment",
                    "add the risk first, then `phiguard risk accept` with approver, justification and expiry",
                )
                .into());
            }
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| {
                let today = tx.ctx().today();
                let vendor_id = match &r.vendor {
                    Some(v) => Some(vendor::find(&tx.list()?, v)?.id),
                    None => None,
                };
                if let Some(a) = &r.assessment {
                    tx.get::<Assessment>(a)?;
                }
                let review = inherent.level().review_days();
                let risk = Risk {
                    title: r.title.clone(),
                    description: r.description.clone(),
                    assessment_id: r.assessment.clone().map(|a| a.to_ascii_uppercase()),
                    systems: r.systems.clone(),
                    vendor_id,
                    phi_involved: r.phi,
                    threat: r.threat.clone(),
                    vulnerability: r.vulnerability.clone(),
                    inherent,
                    residual: None,
                    treatment,
                    owner: r.owner.clone(),
                    due: r.due,
                    status: RiskStatus::Open,
                    acceptance: None,
                    next_review: today
                        .checked_add(jiff::Span::new().days(review))
                        .unwrap_or(today),
                    hipaa: r.hipaa.clone(),
                    closed_on: None,
                };
                let s = tx.insert(risk)?;
                if let Some(a) = &s.record.assessment_id {
                    let id = s.id.clone();
                    tx.update::<Assessment>(a, None, |a| {
                        a.risks.push(id);
                        Ok(())
                    })?;
                }
                Ok(s)
            })?;
            let score = s.record.inherent;
            writeln!(
                term.out,
                "added {}: `{}` ({} {}x{}={}, review by {})",
                s.id,
                s.record.title,
                score.level(),
                score.likelihood,
                score.impact,
                score.value(),
                s.record.next_review
            )?;
            Ok(Exit::Clean)
        }
        RiskCommand::List { format } => {
            let mut store = args.open(now)?;
            let mut list = store.list::<Risk>()?;
            list.sort_by_key(|s| std::cmp::Reverse(s.record.current().value()));
            match format {
                OutFormat::Json => print_json(term, &list)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|s| {
                            let r = &s.record;
                            let c = r.current();
                            vec![
                                s.id.clone(),
                                format!("{}x{}={}", c.likelihood, c.impact, c.value()),
                                c.level().to_string(),
                                r.treatment.to_string(),
                                r.status.to_string(),
                                r.next_review.to_string(),
                                opt(r.owner.as_ref()),
                                r.title.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &[
                            "ID",
                            "L x I",
                            "LEVEL",
                            "TREATMENT",
                            "STATUS",
                            "REVIEW",
                            "OWNER",
                            "TITLE",
                        ],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        RiskCommand::Show { id, format } => {
            let mut store = args.open(now)?;
            let s: Stored<Risk> = store.get(&id)?;
            if format == OutFormat::Json {
                print_json(term, &s)?;
                return Ok(Exit::Clean);
            }
            let r = &s.record;
            let score = |x: Score| {
                format!(
                    "{}x{}={} ({})",
                    x.likelihood,
                    x.impact,
                    x.value(),
                    x.level()
                )
            };
            print_fields(
                term,
                &[
                    ("id", format!("{} (version {})", s.id, s.version)),
                    ("title", r.title.clone()),
                    ("description", r.description.clone()),
                    ("assessment", opt(r.assessment_id.as_ref())),
                    ("systems", r.systems.join(", ")),
                    ("vendor", opt(r.vendor_id.as_ref())),
                    (
                        "PHI involved",
                        if r.phi_involved {
                            "yes".into()
                        } else {
                            String::new()
                        },
                    ),
                    ("threat", opt(r.threat.as_ref())),
                    ("vulnerability", opt(r.vulnerability.as_ref())),
                    ("inherent", score(r.inherent)),
                    ("residual", r.residual.map(score).unwrap_or_default()),
                    ("treatment", r.treatment.to_string()),
                    ("status", r.status.to_string()),
                    ("owner", opt(r.owner.as_ref())),
                    ("due", opt(r.due)),
                    (
                        "acceptance",
                        r.acceptance
                            .as_ref()
                            .map(|a| {
                                format!(
                                    "by {} on {} until {}: {}",
                                    a.approver, a.accepted_on, a.expires, a.justification
                                )
                            })
                            .unwrap_or_default(),
                    ),
                    ("next review", r.next_review.to_string()),
                    ("HIPAA", r.hipaa.join(", ")),
                ],
            )?;
            Ok(Exit::Clean)
        }
        RiskCommand::Update {
            id,
            status,
            residual_likelihood,
            residual_impact,
            treatment,
            owner,
            due,
        } => {
            let status = status
                .map(|s| RiskStatus::parse("--status", &s))
                .transpose()?;
            if status == Some(RiskStatus::Accepted) {
                return Err(StoreError::invalid("--status", "use `phiguard risk accept`").into());
            }
            let treatment = treatment
                .map(|t| Treatment::parse("--treatment", &t))
                .transpose()?;
            let residual = match (residual_likelihood, residual_impact) {
                (Some(l), Some(i)) => Some(Score::new("--residual", l, i)?),
                (None, None) => None,
                _ => {
                    return Err(StoreError::invalid(
                        "--residual-likelihood",
                        "give both `--residual-likelihood` and `--residual-impact`",
                    )
                    .into());
                }
            };
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| {
                let today = tx.ctx().today();
                tx.update::<Risk>(&id, None, |r| {
                    if let Some(st) = status {
                        r.status = st;
                        if st == RiskStatus::Closed {
                            r.closed_on = Some(today);
                        }
                    }
                    if residual.is_some() {
                        r.residual = residual;
                    }
                    if let Some(t) = treatment {
                        r.treatment = t;
                    }
                    if owner.is_some() {
                        r.owner.clone_from(&owner);
                    }
                    if due.is_some() {
                        r.due = due;
                    }
                    Ok(())
                })
            })?;
            writeln!(
                term.out,
                "updated {} (version {}): {}",
                s.id, s.version, s.record.status
            )?;
            Ok(Exit::Clean)
        }
        RiskCommand::Accept {
            id,
            approver,
            justification,
            expires,
        } => {
            let mut store = args.open_for_write(now)?;
            let s = store.write(&ctx, |tx| {
                let today = tx.ctx().today();
                tx.update_with::<Risk>(&id, None, "risk_accepted", |r| {
                    r.accept(Acceptance {
                        approver: approver.clone(),
                        justification: justification.clone(),
                        accepted_on: today,
                        expires,
                    })
                })
            })?;
            writeln!(term.out, "accepted {} by {approver} until {expires}", s.id)?;
            Ok(Exit::Clean)
        }
    }
}
