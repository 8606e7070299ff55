//! Settings a scan runs with: PHI scope, thresholds, selections, overrides, waivers, BAA
//! attestations and the injected clock. Built by the binary from `phiguard.toml` and flags.

use std::collections::BTreeMap;

use jiff::civil::Date;
use phiguard_model::{PhiTags, Records, Severity, Timestamp};

/// Thresholds controls compare against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    /// Access keys older than this fail rotation (default 90).
    pub access_key_max_age_days: i64,
    /// Credentials unused for longer than this fail (default 90, as the AWS Config rule).
    pub unused_credentials_days: i64,
    /// Minimum log retention (default 2192 days: six years including leap days).
    pub log_retention_days: u32,
    /// Minimum RDS automated backup retention (default 7).
    pub rds_backup_retention_days: u32,
    /// Minimum password length (default 14).
    pub password_min_length: u32,
    /// Passwords remembered to prevent reuse (default 24).
    pub password_reuse_prevention: u32,
    /// Maximum password age (default 90).
    pub password_max_age_days: u32,
    /// Secrets must rotate at least this often (default 90).
    pub secret_rotation_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            access_key_max_age_days: 90,
            unused_credentials_days: 90,
            log_retention_days: 2192,
            rds_backup_retention_days: 7,
            password_min_length: 14,
            password_reuse_prevention: 24,
            password_max_age_days: 90,
            secret_rotation_days: 90,
        }
    }
}

/// A BAA recorded outside AWS Artifact (e.g. a negotiated paper BAA), declared in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaaAttestation {
    /// Account id, or `*` for every scanned account.
    pub account: String,
    /// Who attests.
    pub attested_by: String,
    /// Where the signed document is kept.
    pub reference: String,
    /// Signature date.
    pub signed: Option<Date>,
}

/// A documented risk assessment declared in the config (until the records store keeps them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskAssessmentAttestation {
    /// Account id, or `*` for every scanned account.
    pub account: String,
    /// When it was completed.
    pub completed: Date,
    /// Who performed it.
    pub performed_by: String,
    /// Where the report is kept.
    pub reference: String,
}

/// A waiver: an accepted failure, with reason, approver and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Control id or slug.
    pub control: String,
    /// Resource ARN or id; `*` for every resource; a trailing `*` matches a prefix.
    pub resource: String,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// Last day it applies.
    pub expires: Date,
    /// Line in the config file, for diagnostics.
    pub line: Option<usize>,
}

impl Waiver {
    /// Whether the waiver names this resource.
    pub fn matches_resource(&self, resource: &str) -> bool {
        match self.resource.strip_suffix('*') {
            Some(prefix) => resource.starts_with(prefix),
            None => self.resource == resource,
        }
    }

    /// Whether the waiver has expired at `now` (it applies through its expiry day, UTC).
    pub fn expired_at(&self, now: Timestamp) -> bool {
        now.to_zoned(jiff::tz::TimeZone::UTC).date() > self.expires
    }
}

/// Which controls run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// If not empty, only these (ids or slugs).
    pub enabled: Vec<String>,
    /// Never these (ids or slugs).
    pub disabled: Vec<String>,
}

/// Everything a scan needs besides the inventory.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The clock: "now" for ages and waiver expiry.
    pub now: Timestamp,
    /// Tags that put a resource in PHI scope.
    pub phi_tags: PhiTags,
    /// Accounts wholly in PHI scope.
    pub phi_accounts: Vec<String>,
    /// Report only PHI resources.
    pub phi_only: bool,
    /// Thresholds.
    pub thresholds: Thresholds,
    /// BAA attestations.
    pub baa_attestations: Vec<BaaAttestation>,
    /// Risk assessments performed.
    pub risk_assessments: Vec<RiskAssessmentAttestation>,
    /// Maximum age of the last risk assessment in days (default 365; HIPAA asks for regular
    /// assessment, many organisations do it quarterly).
    pub risk_assessment_max_age_days: i64,
    /// Accounts trusted as first party (e.g. the organisation's own): roles they may assume
    /// need no ExternalId.
    pub trusted_accounts: Vec<String>,
    /// Severity overrides by control id.
    pub severity_overrides: BTreeMap<String, Severity>,
    /// Which controls run.
    pub selection: Selection,
    /// Waivers.
    pub waivers: Vec<Waiver>,
    /// The compliance records (`phiguard scan --db`): BAA register, vendors, findings, risk
    /// assessments. [`Records::NotGiven`] by default.
    pub records: Records,
}

impl Settings {
    /// Defaults with the given clock.
    pub fn at(now: Timestamp) -> Settings {
        Settings {
            now,
            phi_tags: PhiTags::default(),
            phi_accounts: Vec::new(),
            phi_only: false,
            thresholds: Thresholds::default(),
            baa_attestations: Vec::new(),
            risk_assessments: Vec::new(),
            risk_assessment_max_age_days: 365,
            trusted_accounts: Vec::new(),
            severity_overrides: BTreeMap::new(),
            selection: Selection::default(),
            waivers: Vec::new(),
            records: Records::NotGiven,
        }
    }
}
