//! `phiguard baa`: the BAA register.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use jiff::Timestamp;
use jiff::civil::Date;
use phiguard_model::Inventory;
use phiguard_store::StoreError;
use phiguard_store::baa::{
    self, Agreement, AgreementSource, AgreementStatus, AgreementType, Paper, Role,
};
use phiguard_store::record::Stored;
use phiguard_store::store::deletion_blocked;
use phiguard_store::vendor;

use super::{OutFormat, StoreArgs, date_arg, opt, print_fields, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard baa ...`.
#[derive(Debug, Subcommand)]
pub enum BaaCommand {
    /// Add an agreement.
    Add(Box<Fields>),
    /// List the agreements.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Show one agreement.
    Show {
        /// Agreement id (`BAA-0001`).
        id: String,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Change an agreement (only the fields given).
    Update {
        /// Agreement id.
        id: String,
        /// The fields to change.
        #[command(flatten)]
        fields: Box<Fields>,
    },
    /// Delete an agreement: refused while it is in effect, under legal hold, or within six
    /// years of the date it was last in effect.
    Delete {
        /// Agreement id.
        id: String,
    },
    /// Put an agreement under legal hold (never deletable), or release it.
    Hold {
        /// Agreement id.
        id: String,
        /// Release the hold.
        #[arg(long)]
        release: bool,
    },
    /// Record the AWS Artifact agreements of a scan's inventory (`scan --save-inventory`).
    Sync {
        /// The inventory file.
        #[arg(long, short = 'i', value_name = "FILE")]
        inventory: PathBuf,
    },
}

/// An agreement's fields, as flags.
#[derive(Debug, Args, Default)]
pub struct Fields {
    /// The other party.
    #[arg(long)]
    pub counterparty: Option<String>,
    /// The vendor record of the other party (`VEN-0001` or its legal name).
    #[arg(long)]
    pub vendor: Option<String>,
    /// baa, subcontractor_baa, msa, dpa, nda, sow, other [add: baa].
    #[arg(long = "type", value_name = "TYPE")]
    pub agreement_type: Option<String>,
    /// draft, in_negotiation, signed, active, expired, terminated, superseded [add: active].
    #[arg(long)]
    pub status: Option<String>,
    /// Our role: covered_entity, business_associate, subcontractor.
    #[arg(long)]
    pub our_role: Option<String>,
    /// Their role: covered_entity, business_associate, subcontractor.
    #[arg(long)]
    pub their_role: Option<String>,
    /// Whose paper: ours, theirs, click_through.
    #[arg(long)]
    pub paper: Option<String>,
    /// Signed on (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub signed: Option<Date>,
    /// In effect from (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub effective: Option<Date>,
    /// Ends on, unless renewed (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub expires: Option<Date>,
    /// Renews itself at expiry.
    #[arg(long)]
    pub auto_renew: bool,
    /// Days before expiry to act on renewal [default 60].
    #[arg(long, value_name = "DAYS")]
    pub renewal_notice_days: Option<u32>,
    /// Ended on (YYYY-MM-DD), with `--status terminated` or `superseded`.
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub terminated: Option<Date>,
    /// Why it ended.
    #[arg(long)]
    pub reason: Option<String>,
    /// A covered service; repeatable.
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Version or date of the HIPAA-eligible services list the services come from.
    #[arg(long, value_name = "VERSION")]
    pub eligible_list_version: Option<String>,
    /// A covered AWS account (12 digits) or organisation ARN; repeatable.
    #[arg(long = "account", value_name = "ACCOUNT")]
    pub accounts: Vec<String>,
    /// Contractual breach notification window, in hours.
    #[arg(long, value_name = "HOURS")]
    pub breach_notice_hours: Option<u32>,
    /// A clause the agreement has; repeatable: security_rule_compliance,
    /// subcontractor_flowdown, incident_reporting, return_or_destroy, audit_rights,
    /// offshore_restriction, termination_for_breach.
    #[arg(long = "clause", value_name = "CLAUSE")]
    pub clauses: Vec<String>,
    /// The signed document, as evidence (`EVD-0001`).
    #[arg(long, value_name = "ID")]
    pub document: Option<String>,
    /// The agreement this one replaces.
    #[arg(long, value_name = "ID")]
    pub supersedes: Option<String>,
    /// Internal owner.
    #[arg(long)]
    pub owner: Option<String>,
    /// Next internal review (YYYY-MM-DD) [add: one year from today].
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub review_due: Option<Date>,
    /// Free text.
    #[arg(long)]
    pub notes: Option<String>,
}

impl Fields {
    /// Applies the given flags to `a`.
    fn apply(
        &self,
        a: &mut Agreement,
        vendors: &[Stored<vendor::Vendor>],
    ) -> Result<(), StoreError> {
        if let Some(v) = &self.counterparty {
            a.counterparty = v.trim().to_string();
        }
        if let Some(v) = &self.vendor {
            let found = vendor::find(vendors, v)?;
            a.vendor_id = Some(found.id);
            if a.counterparty.is_empty() {
                a.counterparty = found.record.legal_name;
            }
        }
        if let Some(v) = &self.agreement_type {
            a.agreement_type = AgreementType::parse("--type", v)?;
        }
        if let Some(v) = &self.status {
            a.status = AgreementStatus::parse("--status", v)?;
        }
        if let Some(v) = &self.our_role {
            a.our_role = Some(Role::parse("--our-role", v)?);
        }
        if let Some(v) = &self.their_role {
            a.their_role = Some(Role::parse("--their-role", v)?);
        }
        if let Some(v) = &self.paper {
            a.paper = Some(Paper::parse("--paper", v)?);
        }
        set(&mut a.signed_date, self.signed);
        set(&mut a.effective_date, self.effective);
        set(&mut a.expiry_date, self.expires);
        if self.auto_renew {
            a.auto_renew = true;
        }
        set(&mut a.renewal_notice_days, self.renewal_notice_days);
        set(&mut a.terminated_date, self.terminated);
        set(&mut a.termination_reason, self.reason.clone());
        for s in &self.services {
            if !a.covered_services.contains(s) {
                a.covered_services.push(s.clone());
            }
        }
        set(
            &mut a.eligible_list_version,
            self.eligible_list_version.clone(),
        );
        for acc in &self.accounts {
            if !a.covered_accounts.contains(acc) {
                a.covered_accounts.push(acc.trim().to_string());
            }
        }
        set(&mut a.breach_notice_hours, self.breach_notice_hours);
        for c in &self.clauses {
            a.clauses.set(c)?;
        }
        set(&mut a.document_evidence_id, self.document.clone());
        set(&mut a.supersedes_id, self.supersedes.clone());
        set(&mut a.owner, self.owner.clone());
        set(&mut a.next_review_due, self.review_due);
        set(&mut a.notes, self.notes.clone());
        Ok(())
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// Runs `phiguard baa ...`.
pub fn run(
    args: &StoreArgs,
    command: BaaCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let ctx = args.ctx(now);
    match command {
        BaaCommand::Add(fields) => {
            if fields.counterparty.is_none() && fields.vendor.is_none() {
                return Err(StoreError::invalid(
                    "--counterparty",
                    "an agreement needs `--counterparty NAME` or `--vendor ID`",
                )
                .into());
            }
            let mut store = args.open_for_write(now)?;
            let (stored, check) = store.write(&ctx, |tx| {
                let vendors = tx.list()?;
                let mut a = Agreement::new("", AgreementType::Baa, AgreementStatus::Active);
                fields.apply(&mut a, &vendors)?;
                if a.next_review_due.is_none() && a.status.in_effect() {
                    a.next_review_due = phiguard_store::add_years(ctx.today(), 1).into();
                }
                let stored = tx.insert(a)?;
                let check = vendor::reconcile_baa_findings(tx)?;
                Ok((stored, check))
            })?;
            writeln!(term.out, "added {}: {}", stored.id, summary(&stored))?;
            for id in &check.closed {
                writeln!(term.out, "closed {id}: the vendor now has an active BAA")?;
            }
            Ok(Exit::Clean)
        }
        BaaCommand::List { format } => {
            let mut store = args.open(now)?;
            let list = store.list::<Agreement>()?;
            match format {
                OutFormat::Json => print_json(term, &list)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|s| {
                            let a = &s.record;
                            vec![
                                s.id.clone(),
                                a.agreement_type.to_string(),
                                a.status.to_string(),
                                opt(a.effective_date),
                                opt(a.expiry_date.or(a.terminated_date)),
                                s.retention_until
                                    .clone()
                                    .unwrap_or_else(|| "in effect".into()),
                                source_label(a).to_string(),
                                a.counterparty.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &[
                            "ID",
                            "TYPE",
                            "STATUS",
                            "EFFECTIVE",
                            "ENDS",
                            "KEEP UNTIL",
                            "SOURCE",
                            "COUNTERPARTY",
                        ],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        BaaCommand::Show { id, format } => {
            let mut store = args.open(now)?;
            let s = store.get::<Agreement>(&id)?;
            match format {
                OutFormat::Json => print_json(term, &s)?,
                OutFormat::Text => show(term, &s, ctx.today())?,
            }
            Ok(Exit::Clean)
        }
        BaaCommand::Update { id, fields } => {
            let mut store = args.open_for_write(now)?;
            let (stored, check) = store.write(&ctx, |tx| {
                let vendors = tx.list()?;
                let stored = tx.update::<Agreement>(&id, None, |a| fields.apply(a, &vendors))?;
                let check = vendor::reconcile_baa_findings(tx)?;
                Ok((stored, check))
            })?;
            writeln!(
                term.out,
                "updated {} (version {}): {}",
                stored.id,
                stored.version,
                summary(&stored)
            )?;
            for (f, v) in &check.opened {
                writeln!(term.out, "opened {f}: {v} has PHI access and no active BAA")?;
            }
            for id in &check.closed {
                writeln!(term.out, "closed {id}: the vendor now has an active BAA")?;
            }
            Ok(Exit::Clean)
        }
        BaaCommand::Delete { id } => {
            let mut store = args.open_for_write(now)?;
            let result = store.write(&ctx, |tx| {
                tx.delete::<Agreement>(&id)?;
                vendor::reconcile_baa_findings(tx)
            });
            if let Err(StoreError::Retention { reason, .. }) = &result {
                // The attempt is on record, though nothing was deleted.
                store.record_denied(
                    &ctx,
                    "delete",
                    "agreement",
                    &id,
                    &format!("deletion refused: {reason}"),
                )?;
            }
            result?;
            writeln!(term.out, "deleted {}", id.to_ascii_uppercase())?;
            Ok(Exit::Clean)
        }
        BaaCommand::Hold { id, release } => {
            let mut store = args.open_for_write(now)?;
            store.write(&ctx, |tx| tx.legal_hold::<Agreement>(&id, !release))?;
            writeln!(
                term.out,
                "{} {}",
                if release {
                    "released the legal hold on"
                } else {
                    "legal hold on"
                },
                id.to_ascii_uppercase()
            )?;
            Ok(Exit::Clean)
        }
        BaaCommand::Sync { inventory } => {
            let bytes = std::fs::read(&inventory).map_err(|source| StoreError::Io {
                path: inventory.display().to_string(),
                source,
            })?;
            let inv = Inventory::from_json(&bytes).map_err(|e| StoreError::Input {
                path: inventory.display().to_string(),
                line: e.line().unwrap_or(0),
                column: 0,
                message: e.to_string(),
            })?;
            let mut store = args.open_for_write(now)?;
            let (report, check) = store.write(&ctx, |tx| {
                let report = baa::sync_artifact(tx, &inv)?;
                let check = vendor::reconcile_baa_findings(tx)?;
                Ok((report, check))
            })?;
            let list = store.list::<Agreement>()?;
            for (verb, ids) in [
                ("created", &report.created),
                ("updated", &report.updated),
                ("unchanged", &report.unchanged),
            ] {
                for id in ids {
                    if let Some(s) = list.iter().find(|s| &s.id == id) {
                        writeln!(term.out, "{verb:9} {id}  {}", summary(s))?;
                    }
                }
            }
            for (account, why) in &report.skipped_accounts {
                writeln!(
                    term.out,
                    "skipped   account {account}: Artifact agreements {why}; nothing concluded"
                )?;
            }
            for (account, finding) in &report.uncovered_accounts {
                writeln!(
                    term.out,
                    "uncovered account {account}: no BAA in effect covers it ({finding}, critical)"
                )?;
            }
            for id in report.closed_findings.iter().chain(&check.closed) {
                writeln!(term.out, "closed {id}")?;
            }
            Ok(Exit::Clean)
        }
    }
}

fn source_label(a: &Agreement) -> &'static str {
    match a.source {
        AgreementSource::Manual => "manual",
        AgreementSource::AwsArtifact { .. } => "aws_artifact",
    }
}

fn summary(s: &Stored<Agreement>) -> String {
    let a = &s.record;
    let keep = match &s.retention_until {
        Some(d) => format!("keep until {d}"),
        None => "kept while in effect".to_string(),
    };
    let accounts = if a.covered_accounts.is_empty() {
        String::new()
    } else {
        format!(", accounts {}", a.covered_accounts.join(" "))
    };
    format!(
        "{} with {} ({}{accounts}; {keep})",
        a.agreement_type, a.counterparty, a.status
    )
}

fn show(term: &mut Term<'_>, s: &Stored<Agreement>, today: Date) -> Result<(), Error> {
    let a = &s.record;
    let source = match &a.source {
        AgreementSource::Manual => "manual".to_string(),
        AgreementSource::AwsArtifact {
            name,
            artifact_type,
            state,
            scope,
            ..
        } => format!("AWS Artifact: `{name}` ({artifact_type}, {state}, {scope} scope)"),
    };
    let deletable = deletion_blocked(s, today).unwrap_or_else(|| "deletable".to_string());
    print_fields(
        term,
        &[
            ("id", format!("{} (version {})", s.id, s.version)),
            ("counterparty", a.counterparty.clone()),
            ("vendor", opt(a.vendor_id.as_ref())),
            ("type", a.agreement_type.to_string()),
            ("status", a.status.to_string()),
            ("our role", opt(a.our_role)),
            ("their role", opt(a.their_role)),
            ("paper", opt(a.paper)),
            ("signed", opt(a.signed_date)),
            ("effective", opt(a.effective_date)),
            ("expires", opt(a.expiry_date)),
            (
                "auto renew",
                if a.auto_renew {
                    "yes".into()
                } else {
                    String::new()
                },
            ),
            (
                "renewal notice",
                opt(a.renewal_notice_days.map(|d| format!("{d} days"))),
            ),
            ("terminated", opt(a.terminated_date)),
            ("reason", opt(a.termination_reason.as_ref())),
            ("last in effect", opt(a.last_in_effect())),
            ("services", a.covered_services.join(", ")),
            ("eligible list", opt(a.eligible_list_version.as_ref())),
            ("accounts", a.covered_accounts.join(", ")),
            (
                "breach notice",
                opt(a.breach_notice_hours.map(|h| format!("{h} hours"))),
            ),
            ("clauses", a.clauses.present().join(", ")),
            ("document", opt(a.document_evidence_id.as_ref())),
            ("supersedes", opt(a.supersedes_id.as_ref())),
            ("owner", opt(a.owner.as_ref())),
            ("next review", opt(a.next_review_due)),
            ("source", source),
            ("notes", opt(a.notes.as_ref())),
            (
                "retention",
                match &s.retention_until {
                    Some(d) => format!("keep until {d}"),
                    None => "kept while in effect, then six years".into(),
                },
            ),
            (
                "legal hold",
                if s.legal_hold {
                    "yes".into()
                } else {
                    String::new()
                },
            ),
            ("deletion", deletable),
            ("created", format!("{} by {}", s.created_at, s.created_by)),
            ("updated", format!("{} by {}", s.updated_at, s.updated_by)),
        ],
    )
}
