//! The bundled demo environment: Riverside Family Clinic, a fictional practice with a
//! production account that holds PHI (`111122223333`) and a development account that does not
//! (`444455556666`), across us-east-1, us-west-2 and eu-west-1 plus global services.
//!
//! Everything here is invented: no real people, no patient data, no secrets (key ids are
//! `AKIAEXAMPLE…`). Timestamps are relative to the `now` handed in, so ages and therefore the
//! scan's results are stable. The posture is realistic: mostly in order, with a meaningful set
//! of failures (a vendor role without an ExternalId, SSH open to the world, a PHI bucket without
//! SSE-KMS, a region without GuardDuty...) and one coverage gap (Security Hub access denied in
//! one region) so that reports show every status.

mod account;
mod compute;
mod database;
mod datastores;
mod governance;
mod iam;
mod kms;
mod logging;
mod monitoring;
mod network;
mod storage;
#[cfg(test)]
mod tests;

use jiff::Timestamp;
use phiguard_model::inventory::{Source, SourceKind};
use phiguard_model::{
    Account, CoverageEntry, CoverageState, DataSource, GLOBAL, Inventory, PolicyDocument, Resource,
    SCHEMA_VERSION,
};

/// The production account: runs the EHR, the patient portal and billing; holds PHI.
pub const PROD: &str = "111122223333";
/// The development account: synthetic data only, no PHI.
pub const DEV: &str = "444455556666";
/// Primary region.
pub const US_EAST_1: &str = "us-east-1";
/// Disaster-recovery region.
pub const US_WEST_2: &str = "us-west-2";
/// A region enabled for a marketing microsite; holds no PHI.
pub const EU_WEST_1: &str = "eu-west-1";

/// Regions enabled (and scanned) in the production account.
const PROD_REGIONS: [&str; 3] = [US_EAST_1, US_WEST_2, EU_WEST_1];
/// Regions enabled (and scanned) in the development account.
const DEV_REGIONS: [&str; 2] = [US_EAST_1, EU_WEST_1];

/// The demo inventory as collected at `now`.
pub fn inventory(now: Timestamp) -> Inventory {
    let mut demo = Demo::new(now);
    iam::build(&mut demo);
    kms::build(&mut demo);
    storage::build(&mut demo);
    compute::build(&mut demo);
    network::build(&mut demo);
    database::build(&mut demo);
    datastores::build(&mut demo);
    governance::build(&mut demo);
    logging::build(&mut demo);
    monitoring::build(&mut demo);

    let accounts = vec![
        Account {
            id: PROD.into(),
            name: Some("riverside-prod-phi".into()),
            regions: PROD_REGIONS.iter().map(|r| (*r).to_string()).collect(),
            settings: account::prod(&demo),
        },
        Account {
            id: DEV.into(),
            name: Some("riverside-dev".into()),
            regions: DEV_REGIONS.iter().map(|r| (*r).to_string()).collect(),
            settings: account::dev(&demo),
        },
    ];
    Inventory {
        schema_version: SCHEMA_VERSION,
        generated_at: now,
        source: Source {
            kind: SourceKind::Demo,
            description: "Riverside Family Clinic (fictional demo environment)".into(),
        },
        coverage: coverage(&accounts),
        accounts,
        resources: demo.resources,
    }
}

/// Every data source in every account and region: collected, except the one gap the demo
/// shows (Security Hub denied by an SCP in the production account's eu-west-1).
fn coverage(accounts: &[Account]) -> Vec<CoverageEntry> {
    let mut out = Vec::new();
    for account in accounts {
        for source in DataSource::ALL {
            let regions: Vec<&str> = if source.is_global() {
                vec![GLOBAL]
            } else {
                account.regions.iter().map(String::as_str).collect()
            };
            for region in regions {
                let state = if account.id == PROD
                    && region == EU_WEST_1
                    && *source == DataSource::SecurityHub
                {
                    CoverageState::Denied {
                        code: "AccessDeniedException".into(),
                        message: "securityhub:DescribeHub denied by service control policy \
                                  `deny-non-us-regions`"
                            .into(),
                    }
                } else {
                    CoverageState::Collected
                };
                out.push(CoverageEntry {
                    account: account.id.clone(),
                    region: region.into(),
                    source: *source,
                    state,
                });
            }
        }
    }
    out
}

/// The environment under construction.
pub(crate) struct Demo {
    now: Timestamp,
    resources: Vec<Resource>,
}

impl Demo {
    fn new(now: Timestamp) -> Demo {
        Demo {
            now,
            resources: Vec::with_capacity(256),
        }
    }

    /// `days` whole days before `now`.
    pub(crate) fn days_ago(&self, days: i64) -> Timestamp {
        Timestamp::from_second(self.now.as_second() - days * 86_400).unwrap_or(self.now)
    }

    /// `days` whole days after `now`.
    pub(crate) fn days_ahead(&self, days: i64) -> Timestamp {
        self.days_ago(-days)
    }

    /// Adds a resource, tagged with the clinic's standard tags for its account.
    pub(crate) fn add(&mut self, resource: Resource) {
        let env = if resource.account == PROD {
            "prod"
        } else {
            "dev"
        };
        let resource = if resource.tags.contains_key("Environment") {
            resource
        } else {
            resource.tag("Environment", env)
        };
        self.resources.push(resource);
    }

    /// Adds a resource without the standard tags (as found, untagged).
    pub(crate) fn add_untagged(&mut self, resource: Resource) {
        self.resources.push(resource);
    }
}

/// A policy document from JSON text. The texts are constants of this module (a test parses
/// every one of them); a malformed one would yield an empty document.
pub(crate) fn policy(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).unwrap_or_default()
}

/// A trust policy letting an AWS service assume a role.
pub(crate) fn service_trust(service: &str) -> PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    ))
}

/// A bucket policy denying every request that does not use TLS, plus extra statements.
pub(crate) fn tls_only_bucket_policy(bucket: &str, extra: &str) -> PolicyDocument {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(",{extra}")
    };
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}{extra}]}}"#
    ))
}

/// A KMS key ARN in the demo.
pub(crate) fn kms_arn(account: &str, region: &str, id: &str) -> String {
    format!("arn:aws:kms:{region}:{account}:key/{id}")
}
