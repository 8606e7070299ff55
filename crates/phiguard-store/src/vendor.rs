//! Vendors (third parties): PHI and system access, patient-care impact, hosting, fourth
//! parties; the inherent tier rule; the residual rating from the latest scored
//! questionnaire; and the check that every vendor with PHI access has an active BAA.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::baa::Agreement;
use crate::finding::{Finding, FindingSeverity, FindingStatus};
use crate::record::Stored;
use crate::record::{Record, Retention};
use crate::store::{Tx, six_years_after};
use crate::{StoreError, string_enum};

string_enum! {
    /// What the vendor is.
    VendorType {
        CloudProvider => "cloud_provider",
        Saas => "saas",
        Clearinghouse => "clearinghouse",
        Billing => "billing",
        ItServices => "it_services",
        Ehr => "ehr",
        MedicalDevice => "medical_device",
        Consultant => "consultant",
        Other => "other",
    }
}

string_enum! {
    /// Where the relationship stands.
    Lifecycle {
        Prospect => "prospect",
        Onboarding => "onboarding",
        Active => "active",
        Offboarding => "offboarding",
        Terminated => "terminated",
    }
}

string_enum! {
    /// Access to PHI.
    PhiAccess {
        None => "none",
        Limited => "limited",
        Full => "full",
    }
}

string_enum! {
    /// Access to our systems.
    SystemAccess {
        None => "none",
        Read => "read",
        Write => "write",
        Admin => "admin",
    }
}

string_enum! {
    /// Effect on patient care if the vendor fails.
    CareImpact {
        None => "none",
        Indirect => "indirect",
        Direct => "direct",
    }
}

string_enum! {
    /// A residual risk rating.
    Rating {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

/// Inherent tier: 1 Critical, 2 High, 3 Medium, 4 Low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tier(pub u8);

impl Tier {
    /// `1 (critical)`, ...
    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "1 (critical)",
            2 => "2 (high)",
            3 => "3 (medium)",
            _ => "4 (low)",
        }
    }
}

/// A vendor contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// A vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vendor {
    /// Legal name (unique, case-insensitively).
    pub legal_name: String,
    /// What it is.
    pub vendor_type: VendorType,
    /// Where the relationship stands.
    pub lifecycle: Lifecycle,
    /// Whether it is a business associate (`None`: undetermined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_business_associate: Option<bool>,
    /// PHI access.
    pub phi_access: PhiAccess,
    /// Roughly how many patient records a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub est_records_per_year: Option<u64>,
    /// Access to our systems.
    pub system_access: SystemAccess,
    /// Effect on patient care.
    pub patient_care_impact: CareImpact,
    /// Hosting provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting: Option<String>,
    /// Regions where PHI is stored or processed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Whether anyone can reach PHI from outside the US.
    #[serde(default)]
    pub offshore_access: bool,
    /// Subprocessors that touch our PHI (fourth parties).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fourth_parties: Vec<String>,
    /// Internal owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Contacts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// From the latest scored questionnaire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_rating: Option<Rating>,
    /// Score 0–100 of the latest scored questionnaire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_score: Option<u32>,
    /// When last assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_assessed: Option<Date>,
    /// When it ended, for retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated_date: Option<Date>,
}

impl Vendor {
    /// A prospect with no access.
    pub fn new(legal_name: &str, vendor_type: VendorType) -> Vendor {
        Vendor {
            legal_name: legal_name.trim().to_string(),
            vendor_type,
            lifecycle: Lifecycle::Prospect,
            is_business_associate: None,
            phi_access: PhiAccess::None,
            est_records_per_year: None,
            system_access: SystemAccess::None,
            patient_care_impact: CareImpact::None,
            hosting: None,
            regions: Vec::new(),
            offshore_access: false,
            fourth_parties: Vec::new(),
            owner: None,
            contacts: Vec::new(),
            residual_rating: None,
            residual_score: None,
            last_assessed: None,
            terminated_date: None,
        }
    }

    /// The inherent tier (default rule): 1 if full PHI and (write/admin access or direct
    /// patient-care impact), or more than 10,000 records a year; 2 if any PHI or write
    /// access; 3 if read access only; 4 otherwise.
    pub fn inherent_tier(&self) -> Tier {
        let writes = matches!(
            self.system_access,
            SystemAccess::Write | SystemAccess::Admin
        );
        let big = self.est_records_per_year.is_some_and(|n| n > 10_000);
        if (self.phi_access == PhiAccess::Full
            && (writes || self.patient_care_impact == CareImpact::Direct))
            || (big && self.phi_access != PhiAccess::None)
        {
            Tier(1)
        } else if self.phi_access != PhiAccess::None || writes {
            Tier(2)
        } else if self.system_access == SystemAccess::Read {
            Tier(3)
        } else {
            Tier(4)
        }
    }

    /// Months between assessments for the tier (`None`: at onboarding only).
    pub fn reassessment_months(&self) -> Option<i64> {
        match self.inherent_tier().0 {
            1 | 2 => Some(12),
            3 => Some(24),
            _ => None,
        }
    }
}

impl Record for Vendor {
    const KIND: &'static str = "vendor";
    const PREFIX: &'static str = "VEN";

    fn retention(&self, created: Date) -> Retention {
        if self.lifecycle != Lifecycle::Terminated {
            return Retention::InEffect;
        }
        Retention::Until(six_years_after(
            self.terminated_date.map_or(created, |d| d.max(created)),
        ))
    }

    fn summary(&self) -> String {
        format!(
            "vendor {} ({}, PHI {}, tier {})",
            self.legal_name,
            self.vendor_type,
            self.phi_access,
            self.inherent_tier().0
        )
    }

    fn validate(&self) -> Result<(), StoreError> {
        if self.legal_name.is_empty() {
            return Err(StoreError::invalid("legal_name", "must not be empty"));
        }
        Ok(())
    }
}

/// Finds a vendor by id (`VEN-0001`) or legal name (case-insensitive).
pub fn find(vendors: &[Stored<Vendor>], id_or_name: &str) -> Result<Stored<Vendor>, StoreError> {
    let wanted = id_or_name.trim();
    vendors
        .iter()
        .find(|v| {
            v.id.eq_ignore_ascii_case(wanted) || v.record.legal_name.eq_ignore_ascii_case(wanted)
        })
        .cloned()
        .ok_or_else(|| StoreError::NotFound {
            kind: "vendor",
            id: wanted.to_string(),
            help:
                "give a vendor id (`VEN-0001`) or its legal name; `phiguard vendor list` shows them"
                    .into(),
        })
}

/// Whether the vendor has an active (or signed) BAA in the register.
pub fn has_active_baa(vendor: &Stored<Vendor>, agreements: &[Stored<Agreement>]) -> bool {
    agreements.iter().any(|a| {
        a.record.is_baa()
            && a.record.status.in_effect()
            && (a.record.vendor_id.as_deref() == Some(vendor.id.as_str())
                || a.record
                    .counterparty
                    .eq_ignore_ascii_case(&vendor.record.legal_name))
    })
}

/// Whether the vendor has a BAA in the register that is in effect on `today` (signed or
/// active, effective, not past its expiry unless it renews itself).
pub fn has_baa_in_effect_on(
    vendor: &Stored<Vendor>,
    agreements: &[Stored<Agreement>],
    today: Date,
) -> bool {
    agreements.iter().any(|a| {
        a.record.is_baa()
            && crate::snapshot::in_effect_on(&a.record, today)
            && (a.record.vendor_id.as_deref() == Some(vendor.id.as_str())
                || a.record
                    .counterparty
                    .eq_ignore_ascii_case(&vendor.record.legal_name))
    })
}

/// What [`reconcile_baa_findings`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaaCheck {
    /// Findings opened: (finding id, vendor id).
    pub opened: Vec<(String, String)>,
    /// Findings closed because a BAA is now in effect (or PHI access ended).
    pub closed: Vec<String>,
    /// Gaps already covered by an open finding.
    pub still_open: Vec<String>,
}

/// Opens a critical finding for every vendor with PHI access and no BAA in effect today
/// (once per vendor), and closes such findings once the gap is gone.
pub fn reconcile_baa_findings(tx: &mut Tx<'_>) -> Result<BaaCheck, StoreError> {
    let vendors: Vec<Stored<Vendor>> = tx.list()?;
    let agreements: Vec<Stored<Agreement>> = tx.list()?;
    let findings: Vec<Stored<Finding>> = tx.list()?;
    let today = tx.ctx().today();
    let mut check = BaaCheck::default();
    for v in &vendors {
        let source_ref = format!("no-active-baa:{}", v.id);
        let open = findings
            .iter()
            .find(|f| f.record.source_ref == source_ref && f.record.status.is_open());
        let gap = v.record.phi_access != PhiAccess::None
            && v.record.lifecycle != Lifecycle::Terminated
            && !has_baa_in_effect_on(v, &agreements, today);
        match (gap, open) {
            (true, None) => {
                let finding = Finding {
                    source: "vendor_check".into(),
                    source_ref,
                    vendor_id: Some(v.id.clone()),
                    severity: FindingSeverity::Critical,
                    title: format!(
                        "{} has {} PHI access and no active BAA",
                        v.record.legal_name, v.record.phi_access
                    ),
                    description: "45 CFR 164.308(b)(1) and 164.314(a): a business associate may create, receive, maintain or transmit ePHI only under a BAA. Sign one (`phiguard baa add`) or remove the vendor's PHI access.".into(),
                    owner: v.record.owner.clone(),
                    due_date: today.checked_add(jiff::Span::new().days(30)).ok(),
                    status: FindingStatus::Open,
                    closed_date: None,
                };
                let stored = tx.insert(finding)?;
                check.opened.push((stored.id, v.id.clone()));
            }
            (true, Some(f)) => check.still_open.push(f.id.clone()),
            (false, Some(f)) => {
                let id = f.id.clone();
                tx.update::<Finding>(&id, Some(f.version), |f| {
                    f.status = FindingStatus::Closed;
                    f.closed_date = Some(today);
                    Ok(())
                })?;
                check.closed.push(id);
            }
            (false, None) => {}
        }
    }
    Ok(check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inherent_tier_rule() {
        let mut v = Vendor::new("X", VendorType::Saas);
        assert_eq!(v.inherent_tier(), Tier(4));
        v.system_access = SystemAccess::Read;
        assert_eq!(v.inherent_tier(), Tier(3));
        v.phi_access = PhiAccess::Limited;
        assert_eq!(v.inherent_tier(), Tier(2));
        v.est_records_per_year = Some(50_000);
        assert_eq!(v.inherent_tier(), Tier(1));
        v.est_records_per_year = None;
        v.phi_access = PhiAccess::Full;
        assert_eq!(v.inherent_tier(), Tier(2));
        v.patient_care_impact = CareImpact::Direct;
        assert_eq!(v.inherent_tier(), Tier(1));
        assert_eq!(v.reassessment_months(), Some(12));
    }
}
