//! `phiguard vendor`: the vendor inventory and its findings.

use clap::{Args, Subcommand};
use jiff::Timestamp;
use phiguard_store::StoreError;
use phiguard_store::baa::Agreement;
use phiguard_store::finding::{Finding, FindingStatus};
use phiguard_store::record::Stored;
use phiguard_store::vendor::{
    self, CareImpact, Lifecycle, PhiAccess, SystemAccess, Vendor, VendorType,
};

use super::{OutFormat, StoreArgs, opt, print_fields, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard vendor ...`.
#[derive(Debug, Subcommand)]
pub enum VendorCommand {
    /// Add a vendor. A vendor with PHI access and no active BAA opens a critical finding.
    Add {
        /// Legal name.
        name: String,
        /// The fields.
        #[command(flatten)]
        fields: Box<Fields>,
    },
    /// List the vendors with their tier, rating and BAA status.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Show one vendor.
    Show {
        /// Vendor id (`VEN-0001`) or legal name.
        vendor: String,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Change a vendor (only the fields given).
    Update {
        /// Vendor id or legal name.
        vendor: String,
        /// The fields to change.
        #[command(flatten)]
        fields: Box<Fields>,
    },
    /// Open a critical finding for each vendor with PHI access and no active BAA; close
    /// those whose gap is gone.
    Check,
    /// List the findings (vendor checks and questionnaires).
    Findings {
        /// Also closed ones.
        #[arg(long)]
        all: bool,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Change a finding: its status (closing it), due date or owner.
    Finding {
        /// Finding id (`FND-0001`).
        id: String,
        /// open, in_progress, remediated, verified, risk_accepted, closed.
        #[arg(long)]
        status: Option<String>,
        /// New due date (YYYY-MM-DD).
        #[arg(long, value_parser = super::date_arg, value_name = "DATE")]
        due: Option<jiff::civil::Date>,
        /// Who fixes it.
        #[arg(long)]
        owner: Option<String>,
    },
}

/// A vendor's fields, as flags.
#[derive(Debug, Args, Default)]
pub struct Fields {
    /// cloud_provider, saas, clearinghouse, billing, it_services, ehr, medical_device,
    /// consultant, other [add: other].
    #[arg(long = "type", value_name = "TYPE")]
    pub vendor_type: Option<String>,
    /// prospect, onboarding, active, offboarding, terminated [add: prospect].
    #[arg(long)]
    pub lifecycle: Option<String>,
    /// PHI access: none, limited, full [add: none].
    #[arg(long)]
    pub phi: Option<String>,
    /// Access to our systems: none, read, write, admin [add: none].
    #[arg(long)]
    pub access: Option<String>,
    /// Effect on patient care: none, indirect, direct [add: none].
    #[arg(long)]
    pub care_impact: Option<String>,
    /// Roughly how many patient records a year.
    #[arg(long, value_name = "N")]
    pub records_per_year: Option<u64>,
    /// Business associate: yes or no.
    #[arg(long, value_name = "YES_NO")]
    pub business_associate: Option<String>,
    /// Hosting provider.
    #[arg(long)]
    pub hosting: Option<String>,
    /// A region where PHI is stored or processed; repeatable.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Someone can reach PHI from outside the US.
    #[arg(long)]
    pub offshore: bool,
    /// A subprocessor that touches our PHI; repeatable.
    #[arg(long = "fourth-party", value_name = "NAME")]
    pub fourth_parties: Vec<String>,
    /// Internal owner.
    #[arg(long)]
    pub owner: Option<String>,
}

impl Fields {
    fn apply(&self, v: &mut Vendor) -> Result<(), StoreError> {
        if let Some(x) = &self.vendor_type {
            v.vendor_type = VendorType::parse("--type", x)?;
        }
        if let Some(x) = &self.lifecycle {
            v.lifecycle = Lifecycle::parse("--lifecycle", x)?;
        }
        if let Some(x) = &self.phi {
            v.phi_access = PhiAccess::parse("--phi", x)?;
        }
        if let Some(x) = &self.access {
            v.system_access = SystemAccess::parse("--access", x)?;
        }
        if let Some(x) = &self.care_impact {
            v.patient_care_impact = CareImpact::parse("--care-impact", x)?;
        }
        if self.records_per_year.is_some() {
            v.est_records_per_year = self.records_per_year;
        }
        if let Some(x) = &self.business_associate {
            v.is_business_associate = Some(match x.trim().to_ascii_lowercase().as_str() {
                "yes" | "true" => true,
                "no" | "false" => false,
                _ => {
                    return Err(StoreError::invalid(
                        "--business-associate",
                        format!("`{x}` is not yes or no"),
                    ));
                }
            });
        }
        if self.hosting.is_some() {
            v.hosting.clone_from(&self.hosting);
        }
        for r in &self.regions {
            if !v.regions.contains(r) {
                v.regions.push(r.clone());
            }
        }
        if self.offshore {
            v.offshore_access = true;
        }
        for f in &self.fourth_parties {
            if !v.fourth_parties.contains(f) {
                v.fourth_parties.push(f.clone());
            }
        }
        if self.owner.is_some() {
            v.owner.clone_from(&self.owner);
        }
        Ok(())
    }
}

/// Runs `phiguard vendor ...`.
pub fn run(
    args: &StoreArgs,
    command: VendorCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let ctx = args.ctx(now);
    match command {
        VendorCommand::Add { name, fields } => {
            let mut store = args.open_for_write(now)?;
            let (stored, check) = store.write(&ctx, |tx| {
                let existing: Vec<Stored<Vendor>> = tx.list()?;
                if existing
                    .iter()
                    .any(|v| v.record.legal_name.eq_ignore_ascii_case(name.trim()))
                {
                    return Err(StoreError::invalid(
                        "name",
                        format!("a vendor named `{}` already exists", name.trim()),
                    ));
                }
                let mut v = Vendor::new(&name, VendorType::Other);
                fields.apply(&mut v)?;
                let stored = tx.insert(v)?;
                let check = vendor::reconcile_baa_findings(tx)?;
                Ok((stored, check))
            })?;
            writeln!(
                term.out,
                "added {}: {} (tier {})",
                stored.id,
                stored.record.legal_name,
                stored.record.inherent_tier().label()
            )?;
            for (f, v) in &check.opened {
                writeln!(
                    term.out,
                    "opened {f} (critical): {v} has PHI access and no active BAA"
                )?;
            }
            Ok(Exit::Clean)
        }
        VendorCommand::List { format } => {
            let mut store = args.open(now)?;
            let vendors = store.list::<Vendor>()?;
            let agreements = store.list::<Agreement>()?;
            match format {
                OutFormat::Json => print_json(term, &vendors)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = vendors
                        .iter()
                        .map(|v| {
                            let r = &v.record;
                            let baa = if vendor::has_active_baa(v, &agreements) {
                                "active"
                            } else if r.phi_access == PhiAccess::None {
                                "-"
                            } else {
                                "MISSING"
                            };
                            vec![
                                v.id.clone(),
                                r.inherent_tier().0.to_string(),
                                r.phi_access.to_string(),
                                r.system_access.to_string(),
                                baa.to_string(),
                                opt(r.residual_rating),
                                opt(r.residual_score),
                                r.lifecycle.to_string(),
                                r.legal_name.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &[
                            "ID",
                            "TIER",
                            "PHI",
                            "ACCESS",
                            "BAA",
                            "RATING",
                            "SCORE",
                            "LIFECYCLE",
                            "NAME",
                        ],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        VendorCommand::Show {
            vendor: wanted,
            format,
        } => {
            let mut store = args.open(now)?;
            let vendors = store.list::<Vendor>()?;
            let v = vendor::find(&vendors, &wanted)?;
            let agreements = store.list::<Agreement>()?;
            match format {
                OutFormat::Json => print_json(term, &v)?,
                OutFormat::Text => {
                    let r = &v.record;
                    let baas: Vec<String> = agreements
                        .iter()
                        .filter(|a| {
                            a.record.vendor_id.as_deref() == Some(v.id.as_str())
                                || a.record.counterparty.eq_ignore_ascii_case(&r.legal_name)
                        })
                        .map(|a| {
                            format!("{} ({} {})", a.id, a.record.agreement_type, a.record.status)
                        })
                        .collect();
                    print_fields(
                        term,
                        &[
                            ("id", format!("{} (version {})", v.id, v.version)),
                            ("name", r.legal_name.clone()),
                            ("type", r.vendor_type.to_string()),
                            ("lifecycle", r.lifecycle.to_string()),
                            ("inherent tier", r.inherent_tier().label().to_string()),
                            ("PHI access", r.phi_access.to_string()),
                            ("records/year", opt(r.est_records_per_year)),
                            ("system access", r.system_access.to_string()),
                            ("care impact", r.patient_care_impact.to_string()),
                            (
                                "business assoc.",
                                opt(r
                                    .is_business_associate
                                    .map(|b| if b { "yes" } else { "no" })),
                            ),
                            ("hosting", opt(r.hosting.as_ref())),
                            ("regions", r.regions.join(", ")),
                            (
                                "offshore access",
                                if r.offshore_access {
                                    "yes".into()
                                } else {
                                    String::new()
                                },
                            ),
                            ("fourth parties", r.fourth_parties.join(", ")),
                            ("owner", opt(r.owner.as_ref())),
                            ("agreements", baas.join(", ")),
                            ("residual rating", opt(r.residual_rating)),
                            ("residual score", opt(r.residual_score)),
                            ("last assessed", opt(r.last_assessed)),
                            (
                                "reassess every",
                                r.reassessment_months().map_or_else(
                                    || "at onboarding only".into(),
                                    |m| format!("{m} months"),
                                ),
                            ),
                        ],
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        VendorCommand::Update {
            vendor: wanted,
            fields,
        } => {
            let mut store = args.open_for_write(now)?;
            let (stored, check) = store.write(&ctx, |tx| {
                let vendors: Vec<Stored<Vendor>> = tx.list()?;
                let v = vendor::find(&vendors, &wanted)?;
                let today = tx.ctx().today();
                let stored = tx.update::<Vendor>(&v.id, None, |v| {
                    fields.apply(v)?;
                    if v.lifecycle == Lifecycle::Terminated && v.terminated_date.is_none() {
                        v.terminated_date = Some(today);
                    }
                    Ok(())
                })?;
                let check = vendor::reconcile_baa_findings(tx)?;
                Ok((stored, check))
            })?;
            writeln!(
                term.out,
                "updated {} (version {}): tier {}",
                stored.id,
                stored.version,
                stored.record.inherent_tier().label()
            )?;
            for (f, v) in &check.opened {
                writeln!(
                    term.out,
                    "opened {f} (critical): {v} has PHI access and no active BAA"
                )?;
            }
            for f in &check.closed {
                writeln!(term.out, "closed {f}")?;
            }
            Ok(Exit::Clean)
        }
        VendorCommand::Check => {
            let mut store = args.open_for_write(now)?;
            let check = store.write(&ctx, vendor::reconcile_baa_findings)?;
            for (f, v) in &check.opened {
                writeln!(
                    term.out,
                    "opened {f} (critical): {v} has PHI access and no active BAA"
                )?;
            }
            for f in &check.still_open {
                writeln!(term.out, "open   {f}")?;
            }
            for f in &check.closed {
                writeln!(term.out, "closed {f}")?;
            }
            let gaps = check.opened.len() + check.still_open.len();
            writeln!(
                term.out,
                "{gaps} vendor{} with PHI access and no active BAA",
                if gaps == 1 { "" } else { "s" }
            )?;
            Ok(if gaps == 0 {
                Exit::Clean
            } else {
                Exit::Failures
            })
        }
        VendorCommand::Finding {
            id,
            status,
            due,
            owner,
        } => {
            if status.is_none() && due.is_none() && owner.is_none() {
                return Err(StoreError::invalid(
                    "--status",
                    "nothing to change: give --status, --due or --owner",
                )
                .into());
            }
            let status = status
                .map(|s| FindingStatus::parse("--status", &s))
                .transpose()?;
            let today = ctx.today();
            let mut store = args.open_for_write(now)?;
            let stored = store.write(&ctx, |tx| {
                tx.update::<Finding>(&id, None, |f| {
                    if let Some(s) = status {
                        f.status = s;
                        f.closed_date = (!s.is_open()).then_some(today);
                    }
                    if let Some(d) = due {
                        f.due_date = Some(d);
                    }
                    if let Some(o) = &owner {
                        f.owner = Some(o.trim().to_string());
                    }
                    Ok(())
                })
            })?;
            writeln!(
                term.out,
                "{} is {} (due {}, owner {})",
                stored.id,
                stored.record.status,
                opt(stored.record.due_date),
                stored.record.owner.as_deref().unwrap_or("-")
            )?;
            Ok(Exit::Clean)
        }
        VendorCommand::Findings { all, format } => {
            let mut store = args.open(now)?;
            let findings: Vec<Stored<Finding>> = store
                .list::<Finding>()?
                .into_iter()
                .filter(|f| all || f.record.status.is_open())
                .collect();
            match format {
                OutFormat::Json => print_json(term, &findings)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = findings
                        .iter()
                        .map(|f| {
                            vec![
                                f.id.clone(),
                                f.record.severity.to_string(),
                                f.record.status.to_string(),
                                opt(f.record.due_date),
                                opt(f.record.vendor_id.as_ref()),
                                f.record.title.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &["ID", "SEVERITY", "STATUS", "DUE", "VENDOR", "TITLE"],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
    }
}
