//! Small hand-built inventories for control tests.

use phiguard_model::inventory::{Source, SourceKind};
use phiguard_model::kinds::*;
use phiguard_model::{
    Account, CoverageEntry, CoverageState, DataSource, GLOBAL, Inventory, Resource, SCHEMA_VERSION,
    Status,
};

use crate::control::Control;
use crate::settings::Settings;

/// The fixture account.
pub const ACCOUNT: &str = "111122223333";
/// A second account, for cross-account cases.
pub const OTHER_ACCOUNT: &str = "444455556666";
/// The fixture's first region.
pub const REGION: &str = "us-east-1";
/// The fixture's second region.
pub const REGION_2: &str = "eu-west-1";
/// The fixture clock.
pub const NOW: &str = "2026-06-01T00:00:00Z";

/// An inventory under construction plus settings.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The inventory.
    pub inventory: Inventory,
    /// The settings.
    pub settings: Settings,
}

/// One result, owned, for assertions.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Subject id.
    pub resource: String,
    /// Region.
    pub region: String,
    /// Status.
    pub status: Status,
    /// Reason.
    pub reason: String,
    /// PHI flag.
    pub phi: bool,
    /// Evidence as `key=value`.
    pub evidence: Vec<String>,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

impl Fixture {
    /// One account in two regions; every data source collected everywhere; no resources.
    pub fn new() -> Fixture {
        let now = NOW.parse().expect("fixture clock");
        let mut coverage = Vec::new();
        for source in DataSource::ALL {
            let regions: &[&str] = if source.is_global() {
                &[GLOBAL]
            } else {
                &[REGION, REGION_2]
            };
            for region in regions {
                coverage.push(CoverageEntry {
                    account: ACCOUNT.into(),
                    region: (*region).into(),
                    source: *source,
                    state: CoverageState::Collected,
                });
            }
        }
        Fixture {
            inventory: Inventory {
                schema_version: SCHEMA_VERSION,
                generated_at: now,
                source: Source {
                    kind: SourceKind::Synthetic,
                    description: "test fixture".into(),
                },
                accounts: vec![Account {
                    id: ACCOUNT.into(),
                    name: Some("fixture".into()),
                    regions: vec![REGION.into(), REGION_2.into()],
                    settings: AccountSettings::default(),
                }],
                coverage,
                resources: Vec::new(),
            },
            settings: Settings::at(now),
        }
    }

    /// Adds a resource.
    #[must_use]
    pub fn with(mut self, resource: Resource) -> Fixture {
        self.inventory.resources.push(resource);
        self
    }

    /// Edits the account's settings.
    #[must_use]
    pub fn account(mut self, edit: impl FnOnce(&mut AccountSettings)) -> Fixture {
        edit(&mut self.inventory.accounts[0].settings);
        self
    }

    /// Edits the scan settings.
    #[must_use]
    pub fn settings(mut self, edit: impl FnOnce(&mut Settings)) -> Fixture {
        edit(&mut self.settings);
        self
    }

    /// Marks a data source denied in every region and drops what it would have collected.
    #[must_use]
    pub fn deny(self, source: DataSource) -> Fixture {
        self.gap(
            source,
            Some(CoverageState::Denied {
                code: "AccessDenied".into(),
                message: String::new(),
            }),
        )
    }

    /// Puts a data source in `state` in every region (`None`: no coverage entry at all, as if
    /// never collected) and drops what it would have collected.
    #[must_use]
    pub fn gap(mut self, source: DataSource, state: Option<CoverageState>) -> Fixture {
        match state {
            Some(state) => {
                for entry in &mut self.inventory.coverage {
                    if entry.source == source {
                        entry.state = state.clone();
                    }
                }
            }
            None => self.inventory.coverage.retain(|e| e.source != source),
        }
        self.inventory
            .resources
            .retain(|r| r.kind().source() != source);
        self
    }

    /// Sets the coverage state of a source in one region.
    #[must_use]
    pub fn coverage(mut self, source: DataSource, region: &str, state: CoverageState) -> Fixture {
        for entry in &mut self.inventory.coverage {
            if entry.source == source && entry.region == region {
                entry.state = state.clone();
            }
        }
        self
    }

    /// Runs one control through the engine.
    pub fn run(&self, control: &'static Control) -> Vec<Row> {
        let result = crate::engine::evaluate(&self.inventory, &self.settings, &[control]);
        result
            .outcomes
            .into_iter()
            .map(|o| Row {
                resource: o.evaluation.subject.id.into_owned(),
                region: o.evaluation.subject.region.into_owned(),
                status: o.evaluation.status,
                reason: o.evaluation.reason.into_owned(),
                phi: o.evaluation.subject.phi,
                evidence: o
                    .evaluation
                    .evidence
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect(),
            })
            .collect()
    }
}

/// `(resource, status)` pairs, for compact assertions.
pub fn statuses(rows: &[Row]) -> Vec<(&str, Status)> {
    rows.iter()
        .map(|r| (r.resource.as_str(), r.status))
        .collect()
}

/// A resource of the fixture account in [`REGION`].
pub fn resource(arn: &str, details: impl Into<phiguard_model::Details>) -> Resource {
    Resource::new(arn, ACCOUNT, REGION, details)
}

/// A resource of the fixture account in a region.
pub fn resource_in(
    region: &str,
    arn: &str,
    details: impl Into<phiguard_model::Details>,
) -> Resource {
    Resource::new(arn, ACCOUNT, region, details)
}

/// An S3 bucket named `name` in [`REGION`], edited by `edit`.
pub fn s3_bucket(name: &str, edit: impl FnOnce(&mut S3Bucket)) -> Resource {
    let mut bucket = S3Bucket::default();
    edit(&mut bucket);
    Resource::new(format!("arn:aws:s3:::{name}"), ACCOUNT, REGION, bucket).named(name)
}

/// An account summary.
pub fn summary(root_mfa: bool, root_keys: bool) -> AccountSummary {
    AccountSummary {
        account_mfa_enabled: root_mfa,
        account_access_keys_present: root_keys,
        root_mfa_is_virtual: Some(false),
        users: 0,
    }
}

/// A timestamp from RFC 3339 text.
pub fn ts(text: &str) -> phiguard_model::Timestamp {
    text.parse().expect("test timestamp")
}

// --- encryption and network exposure (S3, EC2, RDS, DynamoDB, ELB, CloudFront) ---

/// Rows as text, one per line: `status resource: reason` then `  key=value` lines, for insta
/// snapshots of what a user reads.
pub fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    for row in rows {
        let phi = if row.phi { " (phi)" } else { "" };
        out.push_str(&format!(
            "{} {}{phi}: {}\n",
            row.status, row.resource, row.reason
        ));
        for evidence in &row.evidence {
            out.push_str(&format!("  {evidence}\n"));
        }
    }
    out
}
