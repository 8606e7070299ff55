//! Drift between two stored scans: failures that are new and resolved (the store's
//! [`phiguard_store::scan::diff`]), resources that entered PHI scope, and resources that
//! appeared in services not on the HIPAA-eligible list.

use std::collections::{BTreeMap, BTreeSet};

use phiguard_model::arn::Arn;
use phiguard_model::eligible::{self, Eligibility};
use phiguard_model::{Inventory, PhiTags, ResourceKind};
use phiguard_store::record::Stored;
use phiguard_store::scan::{self, Change, Scan, ScanResource};
use serde::Serialize;

/// What changed between two stored scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// The earlier scan.
    pub from: String,
    /// The later scan.
    pub to: String,
    /// Failing in `to`, not in `from`.
    pub new_failures: Vec<Change>,
    /// Failing in `from`, not in `to`.
    pub resolved: Vec<Change>,
    /// Failing in both.
    pub still_failing: usize,
    /// In PHI scope in `to`, not in `from` (new, or newly tagged).
    pub new_phi_resources: Vec<ScanResource>,
    /// In `to`, not in `from`, in a service not on the HIPAA-eligible list (or one to review).
    pub new_non_eligible: Vec<ScanResource>,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
}

impl Drift {
    /// Whether anything changed.
    pub fn is_empty(&self) -> bool {
        self.new_failures.is_empty()
            && self.resolved.is_empty()
            && self.new_phi_resources.is_empty()
            && self.new_non_eligible.is_empty()
    }
}

/// The drift from `from` to `to`.
pub fn between(from: &Stored<Scan>, to: &Stored<Scan>) -> Drift {
    let history = scan::diff(from, to);
    let mut drift = Drift {
        from: history.from,
        to: history.to,
        new_failures: history.new_failures,
        resolved: history.resolved,
        still_failing: history.still_failing,
        new_phi_resources: Vec::new(),
        new_non_eligible: Vec::new(),
        notes: Vec::new(),
    };
    match (&from.record.resources, &to.record.resources) {
        (Some(a), Some(b)) => {
            let phi_before: BTreeSet<&str> = a
                .iter()
                .filter(|r| r.phi)
                .map(|r| r.resource.as_str())
                .collect();
            let known_before: BTreeSet<&str> = a.iter().map(|r| r.resource.as_str()).collect();
            for r in b {
                if r.phi && !phi_before.contains(r.resource.as_str()) {
                    drift.new_phi_resources.push(r.clone());
                }
                let watched = r.eligibility == "not_eligible" || r.eligibility == "needs_review";
                if watched && !known_before.contains(r.resource.as_str()) {
                    drift.new_non_eligible.push(r.clone());
                }
            }
        }
        (None, _) => drift.notes.push(format!(
            "scan {} was stored without its resource list: new PHI resources and non-eligible services are compared from the next scan on",
            from.id
        )),
        (_, None) => drift.notes.push(format!(
            "scan {} was stored without its resource list: new PHI resources and non-eligible services were not compared",
            to.id
        )),
    }
    drift
}

/// The resources of an inventory that monitoring watches: those in PHI scope (by tag or
/// account) and those in services not on the HIPAA-eligible list or to review, once per
/// ARN (a typed resource preferred to its tag-only twin), sorted.
pub fn watched_resources(
    inventory: &Inventory,
    phi_tags: &PhiTags,
    phi_accounts: &[String],
) -> Vec<ScanResource> {
    let mut by_arn: BTreeMap<&str, ScanResource> = BTreeMap::new();
    for r in &inventory.resources {
        let kind = r.kind();
        let service = match Arn::parse(&r.arn) {
            Some(arn) => arn.service.to_string(),
            None if kind == ResourceKind::Tagged => String::new(),
            None => kind.source().service().to_string(),
        };
        let eligibility = match eligible::eligibility(&service) {
            _ if service.is_empty() => "needs_review",
            Eligibility::Eligible(_) => "eligible",
            Eligibility::NotEligible => "not_eligible",
            Eligibility::NeedsReview(_) => "needs_review",
            Eligibility::SupportOnly => "support_only",
        };
        let phi = phi_tags.matches(&r.tags) || phi_accounts.contains(&r.account);
        let watched = phi || eligibility == "not_eligible" || eligibility == "needs_review";
        if !watched {
            continue;
        }
        let entry = ScanResource {
            resource: r.arn.clone(),
            kind: kind.as_str().to_string(),
            account: r.account.clone(),
            region: r.region.clone(),
            service,
            phi,
            eligibility: eligibility.to_string(),
        };
        match by_arn.get_mut(r.arn.as_str()) {
            None => {
                by_arn.insert(&r.arn, entry);
            }
            Some(seen) => {
                seen.phi |= entry.phi;
                if seen.kind == ResourceKind::Tagged.as_str() {
                    seen.kind = entry.kind;
                }
            }
        }
    }
    by_arn.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(resources: serde_json::Value) -> Inventory {
        let json = serde_json::json!({
            "schema_version": phiguard_model::SCHEMA_VERSION,
            "generated_at": "2026-11-29T00:00:00Z",
            "source": { "kind": "demo", "description": "test" },
            "accounts": [{ "id": "111122223333", "regions": ["us-east-1"] }],
            "coverage": [],
            "resources": resources,
        });
        Inventory::from_json(json.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn watched_resources_are_phi_or_outside_the_eligible_list_once_per_arn() {
        let inv = inventory(serde_json::json!([
            { "arn": "arn:aws:s3:::phi", "account": "111122223333", "region": "us-east-1",
              "tags": { "PHI": "Yes" }, "details": { "s3_bucket": {} } },
            { "arn": "arn:aws:s3:::phi", "account": "111122223333", "region": "us-east-1",
              "tags": { "PHI": "Yes" }, "details": { "tagged": {} } },
            { "arn": "arn:aws:s3:::plain", "account": "111122223333", "region": "us-east-1",
              "details": { "s3_bucket": {} } },
            { "arn": "arn:aws:lightsail:us-east-1:111122223333:Instance/web",
              "account": "111122223333", "region": "us-east-1", "details": { "tagged": {} } },
            { "arn": "arn:aws:iam::111122223333:role/admin", "account": "111122223333",
              "region": "global", "details": { "tagged": {} } },
        ]));
        let watched = watched_resources(&inv, &PhiTags::default(), &[]);
        let shown: Vec<(&str, &str, bool, &str)> = watched
            .iter()
            .map(|r| {
                (
                    r.resource.as_str(),
                    r.kind.as_str(),
                    r.phi,
                    r.eligibility.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "arn:aws:lightsail:us-east-1:111122223333:Instance/web",
                    "tagged",
                    false,
                    "not_eligible"
                ),
                ("arn:aws:s3:::phi", "s3_bucket", true, "eligible"),
            ]
        );
        // A PHI account puts everything in it in scope.
        let all = watched_resources(&inv, &PhiTags::default(), &["111122223333".to_string()]);
        assert_eq!(all.len(), 4, "{all:?}");
    }
}
