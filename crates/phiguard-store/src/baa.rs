//! The BAA register: business associate agreements and other contracts, their lifecycle,
//! retention (six years after last in effect), reminders, and sync of AWS Artifact
//! agreements from a scan's inventory.

use std::collections::BTreeMap;

use jiff::civil::Date;
use phiguard_model::{DataSource, Inventory};
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingSeverity, FindingStatus};
use crate::record::Stored;
use crate::record::{Record, Retention};
use crate::reminders::Reminder;
use crate::store::{Tx, six_years_after};
use crate::{StoreError, string_enum};

string_enum! {
    /// Kind of agreement.
    AgreementType {
        Baa => "baa",
        SubcontractorBaa => "subcontractor_baa",
        Msa => "msa",
        Dpa => "dpa",
        Nda => "nda",
        Sow => "sow",
        Other => "other",
    }
}

string_enum! {
    /// A party's HIPAA role.
    Role {
        CoveredEntity => "covered_entity",
        BusinessAssociate => "business_associate",
        Subcontractor => "subcontractor",
    }
}

string_enum! {
    /// Lifecycle: draft → in_negotiation → signed → active → expired | terminated | superseded.
    AgreementStatus {
        Draft => "draft",
        InNegotiation => "in_negotiation",
        Signed => "signed",
        Active => "active",
        Expired => "expired",
        Terminated => "terminated",
        Superseded => "superseded",
    }
}

string_enum! {
    /// Whose paper.
    Paper {
        Ours => "ours",
        Theirs => "theirs",
        ClickThrough => "click_through",
    }
}

impl AgreementStatus {
    /// Whether the agreement is (or is about to be) in effect.
    pub fn in_effect(self) -> bool {
        matches!(self, AgreementStatus::Signed | AgreementStatus::Active)
    }

    /// Whether it was in effect and has ended.
    pub fn ended(self) -> bool {
        matches!(
            self,
            AgreementStatus::Expired | AgreementStatus::Terminated | AgreementStatus::Superseded
        )
    }
}

/// The §164.314(a)(2)(i) elements and common extras.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clauses {
    /// The BA complies with Subpart C (the Security Rule).
    #[serde(default)]
    pub security_rule_compliance: bool,
    /// Subcontractors agree to the same restrictions.
    #[serde(default)]
    pub subcontractor_flowdown: bool,
    /// Security incidents and breaches are reported.
    #[serde(default)]
    pub incident_reporting: bool,
    /// PHI is returned or destroyed at termination.
    #[serde(default)]
    pub return_or_destroy: bool,
    /// We may audit.
    #[serde(default)]
    pub audit_rights: bool,
    /// PHI stays onshore.
    #[serde(default)]
    pub offshore_restriction: bool,
    /// We may terminate for a material breach.
    #[serde(default)]
    pub termination_for_breach: bool,
}

impl Clauses {
    /// Names of the clauses present.
    pub fn present(&self) -> Vec<&'static str> {
        [
            ("security_rule_compliance", self.security_rule_compliance),
            ("subcontractor_flowdown", self.subcontractor_flowdown),
            ("incident_reporting", self.incident_reporting),
            ("return_or_destroy", self.return_or_destroy),
            ("audit_rights", self.audit_rights),
            ("offshore_restriction", self.offshore_restriction),
            ("termination_for_breach", self.termination_for_breach),
        ]
        .into_iter()
        .filter_map(|(n, on)| on.then_some(n))
        .collect()
    }

    /// Sets a clause by name.
    pub fn set(&mut self, name: &str) -> Result<(), StoreError> {
        let slot = match name.trim() {
            "security_rule_compliance" => &mut self.security_rule_compliance,
            "subcontractor_flowdown" => &mut self.subcontractor_flowdown,
            "incident_reporting" => &mut self.incident_reporting,
            "return_or_destroy" => &mut self.return_or_destroy,
            "audit_rights" => &mut self.audit_rights,
            "offshore_restriction" => &mut self.offshore_restriction,
            "termination_for_breach" => &mut self.termination_for_breach,
            other => {
                return Err(StoreError::invalid(
                    "clause",
                    format!(
                        "unknown clause `{other}`; expected one of security_rule_compliance, subcontractor_flowdown, incident_reporting, return_or_destroy, audit_rights, offshore_restriction, termination_for_breach"
                    ),
                ));
            }
        };
        *slot = true;
        Ok(())
    }
}

/// Where an agreement's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AgreementSource {
    /// Entered by a person.
    Manual,
    /// Synced from AWS Artifact (ListCustomerAgreements) through a scan inventory.
    AwsArtifact {
        /// Agreement name in Artifact.
        name: String,
        /// `DEFAULT`, `CUSTOM`, ...
        artifact_type: String,
        /// Last state seen (`ACTIVE`, `INACTIVE`, ...).
        state: String,
        /// `account` or `organization`.
        scope: String,
        /// The sync key: `artifact:<scope>:<account or org>:<name>`.
        key: String,
    },
}

/// An agreement (BAA or other contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The other party.
    pub counterparty: String,
    /// The vendor record of the other party, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// Kind.
    pub agreement_type: AgreementType,
    /// Our role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub our_role: Option<Role>,
    /// Their role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub their_role: Option<Role>,
    /// Lifecycle status.
    pub status: AgreementStatus,
    /// Whose paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<Paper>,
    /// Signed on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_date: Option<Date>,
    /// In effect from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<Date>,
    /// Ends on, unless renewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<Date>,
    /// Renews itself at expiry.
    #[serde(default)]
    pub auto_renew: bool,
    /// Days before expiry to act on renewal (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_notice_days: Option<u32>,
    /// Ended on (termination or supersession).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated_date: Option<Date>,
    /// Why it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_reason: Option<String>,
    /// Covered services (for AWS: the HIPAA-eligible services in scope).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered_services: Vec<String>,
    /// Version or date of the HIPAA-eligible services list the services were taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_list_version: Option<String>,
    /// Covered AWS accounts (12 digits) or organisation ARNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered_accounts: Vec<String>,
    /// Contractual breach notification window, hours (≤ 60 days, §164.410).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breach_notice_hours: Option<u32>,
    /// Clauses present.
    #[serde(default)]
    pub clauses: Clauses,
    /// The signed document, as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_evidence_id: Option<String>,
    /// The agreement this one replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes_id: Option<String>,
    /// Internal owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Next internal review (yearly by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review_due: Option<Date>,
    /// Where the data comes from.
    pub source: AgreementSource,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Agreement {
    /// A manual agreement with everything else empty.
    pub fn new(
        counterparty: &str,
        agreement_type: AgreementType,
        status: AgreementStatus,
    ) -> Agreement {
        Agreement {
            counterparty: counterparty.trim().to_string(),
            vendor_id: None,
            agreement_type,
            our_role: None,
            their_role: None,
            status,
            paper: None,
            signed_date: None,
            effective_date: None,
            expiry_date: None,
            auto_renew: false,
            renewal_notice_days: None,
            terminated_date: None,
            termination_reason: None,
            covered_services: Vec::new(),
            eligible_list_version: None,
            covered_accounts: Vec::new(),
            breach_notice_hours: None,
            clauses: Clauses::default(),
            document_evidence_id: None,
            supersedes_id: None,
            owner: None,
            next_review_due: None,
            source: AgreementSource::Manual,
            notes: None,
        }
    }

    /// Whether this is a BAA (of either kind).
    pub fn is_baa(&self) -> bool {
        matches!(
            self.agreement_type,
            AgreementType::Baa | AgreementType::SubcontractorBaa
        )
    }

    /// The last day it was in effect: the termination date, else the expiry date; `None`
    /// while still in effect or never in effect.
    pub fn last_in_effect(&self) -> Option<Date> {
        if !self.status.ended() {
            return None;
        }
        self.terminated_date
            .or(self.expiry_date)
            .or(self.effective_date)
    }
}

impl Record for Agreement {
    const KIND: &'static str = "agreement";
    const PREFIX: &'static str = "BAA";

    /// Six years from creation or the date it was last in effect, whichever is later
    /// (45 CFR 164.316(b)(2)(i), 164.530(j)(2)); kept while in effect.
    fn retention(&self, created: Date) -> Retention {
        if self.status.in_effect() {
            return Retention::InEffect;
        }
        let start = self.last_in_effect().map_or(created, |d| d.max(created));
        Retention::Until(six_years_after(start))
    }

    fn summary(&self) -> String {
        format!(
            "{} with {} ({})",
            self.agreement_type, self.counterparty, self.status
        )
    }

    fn validate(&self) -> Result<(), StoreError> {
        if self.counterparty.is_empty() {
            return Err(StoreError::invalid("counterparty", "must not be empty"));
        }
        if let (Some(from), Some(to)) = (self.effective_date, self.expiry_date)
            && to < from
        {
            return Err(StoreError::invalid(
                "expiry_date",
                format!("{to} is before the effective date {from}"),
            ));
        }
        if self.status == AgreementStatus::Terminated && self.terminated_date.is_none() {
            return Err(StoreError::invalid(
                "terminated_date",
                "a terminated agreement needs the date it ended",
            ));
        }
        if let Some(hours) = self.breach_notice_hours
            && hours > 60 * 24
        {
            return Err(StoreError::invalid(
                "breach_notice_hours",
                format!("{hours} hours exceeds the 60-day legal ceiling of 45 CFR 164.410"),
            ));
        }
        for account in &self.covered_accounts {
            let is_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
            if !is_account && !account.starts_with("arn:aws:organizations::") {
                return Err(StoreError::invalid(
                    "covered_accounts",
                    format!(
                        "`{account}` is neither a 12-digit AWS account id nor an organisation ARN"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The reminders an agreement calls for on `today`, looking `within` days ahead.
pub fn reminders(stored: &Stored<Agreement>, today: Date, within: i64) -> Vec<Reminder> {
    let a = &stored.record;
    let mut out = Vec::new();
    let horizon = today
        .checked_add(jiff::Span::new().days(within))
        .unwrap_or(today);
    if a.status.in_effect()
        && let Some(expiry) = a.expiry_date
    {
        let notice = i64::from(a.renewal_notice_days.unwrap_or(60));
        let act_by = expiry
            .checked_sub(jiff::Span::new().days(notice))
            .unwrap_or(expiry);
        if expiry < today && !a.auto_renew {
            out.push(Reminder::new(
                expiry,
                "agreement_expired",
                &stored.id,
                format!(
                    "{} with {} expired on {expiry} but is still marked {}: renew it or record that it ended",
                    a.agreement_type, a.counterparty, a.status
                ),
            ));
        } else if act_by <= horizon && !a.auto_renew {
            out.push(Reminder::new(
                act_by,
                "agreement_renewal",
                &stored.id,
                format!(
                    "{} with {} expires on {expiry}; renewal notice period {notice} days",
                    a.agreement_type, a.counterparty
                ),
            ));
        }
    }
    if a.status.in_effect()
        && let Some(review) = a.next_review_due
        && review <= horizon
    {
        out.push(Reminder::new(
            review,
            "agreement_review",
            &stored.id,
            format!(
                "yearly review of the {} with {} is due on {review}",
                a.agreement_type, a.counterparty
            ),
        ));
    }
    out
}

/// What [`sync_artifact`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// New agreements.
    pub created: Vec<String>,
    /// Agreements whose data changed.
    pub updated: Vec<String>,
    /// Agreements already up to date.
    pub unchanged: Vec<String>,
    /// Accounts whose Artifact data was not collected, with why: nothing was concluded.
    pub skipped_accounts: Vec<(String, String)>,
    /// Accounts of the inventory that no BAA in effect covers, with the critical finding
    /// opened (or still open) for each.
    pub uncovered_accounts: Vec<(String, String)>,
    /// Findings closed because their account is now covered.
    pub closed_findings: Vec<String>,
}

/// Records the AWS Artifact agreements of every account of `inventory` in the register:
/// new ones are created, known ones (same Artifact key) updated. Accounts whose Artifact
/// data was not collected are skipped, never read as "no agreement".
pub fn sync_artifact(tx: &mut Tx<'_>, inventory: &Inventory) -> Result<SyncReport, StoreError> {
    let mut report = SyncReport::default();
    // Key → the agreement as Artifact describes it now.
    let mut seen: BTreeMap<String, Agreement> = BTreeMap::new();
    for account in &inventory.accounts {
        let coverage = inventory
            .coverage
            .iter()
            .find(|c| c.account == account.id && c.source == DataSource::ArtifactAgreements);
        match coverage {
            Some(c) if c.state.is_collected() => {}
            Some(c) => {
                report
                    .skipped_accounts
                    .push((account.id.clone(), c.state.describe()));
                continue;
            }
            None => {
                report
                    .skipped_accounts
                    .push((account.id.clone(), "not collected".to_string()));
                continue;
            }
        }
        for art in &account.settings.artifact_agreements {
            let scope = art.scope.to_ascii_lowercase();
            let key = if scope == "organization" {
                format!("artifact:organization:{}", art.name)
            } else {
                format!("artifact:account:{}:{}", account.id, art.name)
            };
            let entry = seen.entry(key.clone()).or_insert_with(|| {
                let lower = art.name.to_ascii_lowercase();
                let is_baa = lower.contains("business associate") || lower.contains("baa");
                let active = art.state.eq_ignore_ascii_case("active");
                let mut a = Agreement::new(
                    "Amazon Web Services",
                    if is_baa {
                        AgreementType::Baa
                    } else {
                        AgreementType::Other
                    },
                    if active {
                        AgreementStatus::Active
                    } else {
                        AgreementStatus::Terminated
                    },
                );
                a.their_role = is_baa.then_some(Role::BusinessAssociate);
                a.paper = Some(Paper::ClickThrough);
                a.effective_date = art.effective_start.map(utc_date);
                a.signed_date = a.effective_date;
                if !active {
                    a.terminated_date = art.effective_end.map(utc_date).or(a.effective_date);
                    a.termination_reason = Some(format!("AWS Artifact state `{}`", art.state));
                }
                a.source = AgreementSource::AwsArtifact {
                    name: art.name.clone(),
                    artifact_type: art.agreement_type.clone(),
                    state: art.state.clone(),
                    scope: scope.clone(),
                    key: key.clone(),
                };
                a
            });
            if !entry.covered_accounts.contains(&account.id) {
                entry.covered_accounts.push(account.id.clone());
                entry.covered_accounts.sort();
            }
        }
    }
    let existing: Vec<Stored<Agreement>> = tx.list()?;
    for (key, fresh) in seen {
        let found = existing.iter().find(|s| {
            matches!(&s.record.source, AgreementSource::AwsArtifact { key: k, .. } if *k == key)
        });
        match found {
            None => {
                let stored = tx.insert_with(fresh, "sync")?;
                report.created.push(stored.id);
            }
            Some(old) => {
                let before = old.version;
                let stored =
                    tx.update_with::<Agreement>(&old.id, Some(old.version), "sync", |a| {
                        let mut accounts = a.covered_accounts.clone();
                        for acc in &fresh.covered_accounts {
                            if !accounts.contains(acc) {
                                accounts.push(acc.clone());
                            }
                        }
                        accounts.sort();
                        a.status = fresh.status;
                        a.effective_date = fresh.effective_date.or(a.effective_date);
                        a.signed_date = a.signed_date.or(fresh.signed_date);
                        a.terminated_date = fresh.terminated_date;
                        a.termination_reason.clone_from(&fresh.termination_reason);
                        a.source = fresh.source.clone();
                        a.covered_accounts = accounts;
                        Ok(())
                    })?;
                if stored.version == before {
                    report.unchanged.push(stored.id);
                } else {
                    report.updated.push(stored.id);
                }
            }
        }
    }
    reconcile_account_findings(tx, inventory, &mut report)?;
    Ok(report)
}

/// Opens a critical finding for each account of the inventory that no BAA in effect covers
/// (by account id, or by the organisation-scope AWS BAA seen in it), and closes such findings
/// once the account is covered.
fn reconcile_account_findings(
    tx: &mut Tx<'_>,
    inventory: &Inventory,
    report: &mut SyncReport,
) -> Result<(), StoreError> {
    let agreements: Vec<Stored<Agreement>> = tx.list()?;
    let findings: Vec<Stored<Finding>> = tx.list()?;
    let today = tx.ctx().today();
    for account in &inventory.accounts {
        let covered = agreements.iter().any(|a| {
            a.record.is_baa()
                && a.record.status.in_effect()
                && a.record.covered_accounts.contains(&account.id)
        });
        let source_ref = format!("account-without-baa:{}", account.id);
        let open = findings
            .iter()
            .find(|f| f.record.source_ref == source_ref && f.record.status.is_open());
        match (covered, open) {
            (false, None) => {
                let f = tx.insert(Finding {
                    source: "baa_sync".into(),
                    source_ref,
                    vendor_id: None,
                    severity: FindingSeverity::Critical,
                    title: format!("AWS account {} is not covered by a BAA in effect", account.id),
                    description: "Every AWS account that may hold ePHI must be covered by the AWS BAA (accept it in AWS Artifact for the account or the organisation), 45 CFR 164.308(b)(1).".into(),
                    owner: None,
                    due_date: today.checked_add(jiff::Span::new().days(30)).ok(),
                    status: FindingStatus::Open,
                    closed_date: None,
                })?;
                report.uncovered_accounts.push((account.id.clone(), f.id));
            }
            (false, Some(f)) => report
                .uncovered_accounts
                .push((account.id.clone(), f.id.clone())),
            (true, Some(f)) => {
                let id = f.id.clone();
                tx.update::<Finding>(&id, Some(f.version), |f| {
                    f.status = FindingStatus::Closed;
                    f.closed_date = Some(today);
                    Ok(())
                })?;
                report.closed_findings.push(id);
            }
            (true, None) => {}
        }
    }
    Ok(())
}

fn utc_date(ts: jiff::Timestamp) -> Date {
    ts.to_zoned(jiff::tz::TimeZone::UTC).date()
}
