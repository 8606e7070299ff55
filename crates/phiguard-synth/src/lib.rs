//! Synthetic phiguard inventories of any size, deterministic for a given size and seed: many
//! accounts and regions, a realistic mix of resource kinds (many volumes, snapshots, instances,
//! roles and buckets; one GuardDuty detector, Config recorder and Security Hub per region; one
//! trail per account), a quarter of the resources in PHI scope, mostly compliant settings with a
//! realistic share of failures, and a few coverage gaps.
//!
//! [`write_json`] streams the inventory to a writer one resource at a time, so a million
//! resources are written without ever being held in memory; [`generate`] builds the same
//! inventory in memory (for benchmarks on smaller sizes). Resource `i` depends only on the seed,
//! the size and `i`.

mod details;
mod rng;

use std::io;

use phiguard_model::inventory::{Source, SourceKind};
use phiguard_model::kinds::{
    AccountSettings, AccountSummary, ArtifactAgreement, CredentialReportKey, CredentialReportRow,
    EbsDefaults, PasswordPolicy, PublicAccessBlock,
};
use phiguard_model::{
    Account, CoverageEntry, CoverageState, DataSource, GLOBAL, Inventory, Resource, ResourceKind,
    SCHEMA_VERSION, Timestamp,
};
use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};

pub use rng::Rng;

/// The clock of every synthetic inventory: `generated_at`, and the reference for ages.
pub const GENERATED_AT: &str = "2026-06-01T00:00:00Z";

/// Regions accounts are spread over.
const REGIONS: [&str; 8] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ca-central-1",
];

/// About this many resources per account.
const RESOURCES_PER_ACCOUNT: usize = 5_000;
/// At most this many accounts.
const MAX_ACCOUNTS: usize = 500;

/// Relative frequency of each kind among the resources that are not per-region singletons.
const WEIGHTS: &[(ResourceKind, u32)] = &[
    (ResourceKind::S3Bucket, 60),
    (ResourceKind::IamUser, 25),
    (ResourceKind::IamGroup, 8),
    (ResourceKind::IamRole, 60),
    (ResourceKind::IamPolicy, 40),
    (ResourceKind::KmsKey, 30),
    (ResourceKind::EbsVolume, 150),
    (ResourceKind::EbsSnapshot, 120),
    (ResourceKind::Ec2Instance, 100),
    (ResourceKind::SecurityGroup, 80),
    (ResourceKind::Vpc, 10),
    (ResourceKind::RdsInstance, 25),
    (ResourceKind::RdsCluster, 5),
    (ResourceKind::RdsSnapshot, 30),
    (ResourceKind::DynamodbTable, 30),
    (ResourceKind::LogGroup, 70),
    (ResourceKind::CloudwatchAlarm, 40),
    (ResourceKind::SnsTopic, 15),
    (ResourceKind::BackupPlan, 3),
    (ResourceKind::BackupVault, 4),
    (ResourceKind::LoadBalancer, 15),
    (ResourceKind::Distribution, 5),
    (ResourceKind::Secret, 25),
    (ResourceKind::LambdaFunction, 50),
    (ResourceKind::AccessAnalyzer, 3),
    (ResourceKind::MacieSession, 3),
    (ResourceKind::InspectorStatus, 3),
    (ResourceKind::SsmManagedInstance, 30),
    (ResourceKind::SsmDocument, 5),
    (ResourceKind::Subnet, 20),
    (ResourceKind::NetworkAcl, 10),
    (ResourceKind::RouteTable, 10),
    (ResourceKind::RdsParameterGroup, 10),
    (ResourceKind::OpensearchDomain, 3),
    (ResourceKind::RedshiftCluster, 3),
    (ResourceKind::ApigatewayStage, 10),
    (ResourceKind::ApigatewayDomain, 3),
    (ResourceKind::EfsFileSystem, 8),
    (ResourceKind::ClassicLoadBalancer, 3),
    (ResourceKind::BackupRestoreTestingPlan, 2),
    (ResourceKind::ServiceControlPolicy, 2),
    (ResourceKind::Tagged, 40),
];

/// Kinds generated once per account and region (or per account, for trails) rather than drawn
/// by weight.
const PER_REGION: [ResourceKind; 3] = [
    ResourceKind::GuarddutyDetector,
    ResourceKind::ConfigRecorder,
    ResourceKind::SecurityHub,
];

/// One synthetic account: its id and regions.
#[derive(Debug, Clone)]
pub struct AccountPlan {
    /// 12-digit id.
    pub id: String,
    /// Enabled regions.
    pub regions: Vec<&'static str>,
}

/// A synthetic inventory of a given size and seed, generated on demand.
#[derive(Debug, Clone)]
pub struct Synth {
    n: usize,
    seed: u64,
    now: Timestamp,
    accounts: Vec<AccountPlan>,
    /// Per-region and per-account singletons, in order: (account index, region, kind).
    singletons: Vec<(usize, &'static str, ResourceKind)>,
    total_weight: u32,
}

impl Synth {
    /// Plans an inventory of `n` resources from `seed`.
    pub fn new(n: usize, seed: u64) -> Synth {
        let now = GENERATED_AT.parse().unwrap_or(Timestamp::UNIX_EPOCH);
        let n_accounts = (n / RESOURCES_PER_ACCOUNT).clamp(1, MAX_ACCOUNTS);
        let mut rng = Rng::new(seed);
        let accounts: Vec<AccountPlan> = (0..n_accounts)
            .map(|a| {
                let count = 3 + rng.below(4) as usize;
                let start = rng.below(REGIONS.len() as u64) as usize;
                let mut regions: Vec<&'static str> = (0..count)
                    .map(|k| REGIONS[(start + k) % REGIONS.len()])
                    .collect();
                regions.sort_unstable();
                AccountPlan {
                    id: format!("{:012}", 100_000_000_000_u64 + (a as u64) * 7_919),
                    regions,
                }
            })
            .collect();
        let mut singletons = Vec::new();
        for (a, plan) in accounts.iter().enumerate() {
            singletons.push((a, plan.regions[0], ResourceKind::Trail));
            // The account's standard managed policies, which users, groups and roles attach.
            for _ in details::STANDARD_POLICIES {
                singletons.push((a, GLOBAL, ResourceKind::IamPolicy));
            }
            for region in &plan.regions {
                for kind in PER_REGION {
                    singletons.push((a, *region, kind));
                }
            }
        }
        Synth {
            n,
            seed,
            now,
            accounts,
            singletons,
            total_weight: WEIGHTS.iter().map(|(_, w)| w).sum(),
        }
    }

    /// Number of resources.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the inventory has no resources.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The accounts.
    pub fn accounts(&self) -> &[AccountPlan] {
        &self.accounts
    }

    /// The inventory without its resources: accounts with settings, coverage.
    pub fn head(&self) -> Inventory {
        let mut rng = Rng::new(self.seed ^ 0x00a1_1ce5);
        let accounts = self
            .accounts
            .iter()
            .map(|plan| Account {
                id: plan.id.clone(),
                name: Some(format!("synthetic-{}", &plan.id[8..])),
                regions: plan.regions.iter().map(|r| (*r).to_string()).collect(),
                settings: self.settings(plan, &mut rng),
            })
            .collect();
        Inventory {
            schema_version: SCHEMA_VERSION,
            generated_at: self.now,
            source: Source {
                kind: SourceKind::Synthetic,
                description: format!("phiguard-synth: {} resources, seed {}", self.n, self.seed),
            },
            accounts,
            coverage: self.coverage(&mut rng),
            resources: Vec::new(),
        }
    }

    /// Resource `i` (`i < len()`).
    pub fn resource(&self, i: usize) -> Resource {
        let mut rng = Rng::new(self.seed.wrapping_add((i as u64).wrapping_mul(0x9e37_79b9)));
        let (account, region, kind) = match self.singletons.get(i) {
            Some((a, region, ResourceKind::IamPolicy)) => {
                // The standard policies are the singletons right after the account's trail.
                let k = self.singletons[..i]
                    .iter()
                    .rev()
                    .take_while(|(_, _, kind)| *kind == ResourceKind::IamPolicy)
                    .count();
                return details::standard_policy(
                    &mut details::Gen {
                        rng: &mut rng,
                        now: self.now,
                        account: &self.accounts[*a].id,
                        region,
                        serial: i,
                    },
                    k,
                );
            }
            Some((a, region, kind)) => (&self.accounts[*a], *region, *kind),
            None => {
                let plan = &self.accounts[rng.below(self.accounts.len() as u64) as usize];
                let kind = self.pick_kind(&mut rng);
                let region = plan.regions[rng.below(plan.regions.len() as u64) as usize];
                (plan, region, kind)
            }
        };
        let region = if kind.source().is_global() && !matches!(kind, ResourceKind::S3Bucket) {
            GLOBAL
        } else {
            region
        };
        details::resource(
            &mut details::Gen {
                rng: &mut rng,
                now: self.now,
                account: &account.id,
                region,
                serial: i,
            },
            kind,
        )
    }

    /// Every resource, in order.
    pub fn resources(&self) -> impl Iterator<Item = Resource> + '_ {
        (0..self.n).map(|i| self.resource(i))
    }

    fn pick_kind(&self, rng: &mut Rng) -> ResourceKind {
        let mut x = rng.below(u64::from(self.total_weight)) as u32;
        for &(kind, w) in WEIGHTS {
            if x < w {
                return kind;
            }
            x -= w;
        }
        ResourceKind::Tagged
    }

    fn settings(&self, plan: &AccountPlan, rng: &mut Rng) -> AccountSettings {
        let days = |rng: &mut Rng, max: u64| {
            Timestamp::from_second(self.now.as_second() - 86_400 * (1 + rng.below(max)) as i64)
                .unwrap_or(self.now)
        };
        let mut report = vec![CredentialReportRow {
            user: CredentialReportRow::ROOT.into(),
            arn: format!("arn:aws:iam::{}:root", plan.id),
            user_creation_time: Some(days(rng, 3000)),
            password_enabled: true,
            password_last_used: Some(days(rng, 400)),
            password_last_changed: Some(days(rng, 900)),
            mfa_active: rng.chance(90),
            access_key_1: rng.chance(5).then(|| CredentialReportKey {
                active: true,
                last_rotated: Some(days(rng, 1000)),
                last_used: None,
            }),
            access_key_2: None,
        }];
        for u in 0..10 {
            let console = rng.chance(60);
            report.push(CredentialReportRow {
                user: format!("user-{u:02}"),
                arn: format!("arn:aws:iam::{}:user/user-{u:02}", plan.id),
                user_creation_time: Some(days(rng, 2000)),
                password_enabled: console,
                password_last_used: console.then(|| days(rng, 200)),
                password_last_changed: console.then(|| days(rng, 300)),
                mfa_active: console && rng.chance(85),
                access_key_1: rng.chance(50).then(|| CredentialReportKey {
                    active: true,
                    last_rotated: Some(days(rng, 300)),
                    last_used: Some(days(rng, 120)),
                }),
                access_key_2: None,
            });
        }
        let strong = rng.chance(75);
        AccountSettings {
            credential_report: report,
            password_policy: rng.chance(90).then_some(PasswordPolicy {
                minimum_password_length: if strong { 14 } else { 8 },
                require_symbols: strong,
                require_numbers: true,
                require_uppercase_characters: true,
                require_lowercase_characters: true,
                max_password_age: strong.then_some(90),
                password_reuse_prevention: strong.then_some(24),
                allow_users_to_change_password: true,
            }),
            summary: Some(AccountSummary {
                account_mfa_enabled: rng.chance(90),
                account_access_keys_present: rng.chance(5),
                root_mfa_is_virtual: Some(rng.chance(50)),
                users: 10,
            }),
            s3_public_access_block: rng.chance(80).then_some(PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            }),
            ebs_defaults: plan
                .regions
                .iter()
                .map(|r| EbsDefaults {
                    region: (*r).to_string(),
                    encryption_by_default: rng.chance(80),
                    default_kms_key_id: None,
                })
                .collect(),
            artifact_agreements: if rng.chance(70) {
                vec![ArtifactAgreement {
                    name: "AWS Business Associate Addendum".into(),
                    agreement_type: "DEFAULT".into(),
                    state: "ACTIVE".into(),
                    scope: "account".into(),
                    effective_start: Some(days(rng, 2000)),
                    effective_end: None,
                }]
            } else {
                Vec::new()
            },
        }
    }

    /// Every source collected in every account and region, except about one gap in three
    /// accounts (a source denied in one region).
    fn coverage(&self, rng: &mut Rng) -> Vec<CoverageEntry> {
        let mut out = Vec::new();
        for plan in &self.accounts {
            let gap = rng.chance(33).then(|| {
                let source = DataSource::ALL[rng.below(DataSource::ALL.len() as u64) as usize];
                let region = if source.is_global() {
                    GLOBAL
                } else {
                    plan.regions[rng.below(plan.regions.len() as u64) as usize]
                };
                (source, region)
            });
            for source in DataSource::ALL {
                let regions: &[&str] = if source.is_global() {
                    &[GLOBAL]
                } else {
                    &plan.regions
                };
                for region in regions {
                    let state = if gap == Some((*source, *region)) {
                        CoverageState::Denied {
                            code: "AccessDenied".into(),
                            message: String::new(),
                        }
                    } else {
                        CoverageState::Collected
                    };
                    out.push(CoverageEntry {
                        account: plan.id.clone(),
                        region: (*region).to_string(),
                        source: *source,
                        state,
                    });
                }
            }
        }
        out
    }
}

/// Builds the inventory of `n` resources from `seed` in memory.
pub fn generate(n: usize, seed: u64) -> Inventory {
    let synth = Synth::new(n, seed);
    let mut inventory = synth.head();
    inventory.resources = synth.resources().collect();
    inventory
}

/// Writes the inventory of `n` resources from `seed` as compact JSON, one resource at a time.
/// The output is byte for byte what `serde_json::to_writer(&generate(n, seed))` writes.
pub fn write_json<W: io::Write>(n: usize, seed: u64, writer: W) -> io::Result<()> {
    let synth = Synth::new(n, seed);
    let head = synth.head();
    serde_json::to_writer(
        writer,
        &Streamed {
            head: &head,
            synth: &synth,
        },
    )
    .map_err(io::Error::other)
}

struct Streamed<'a> {
    head: &'a Inventory,
    synth: &'a Synth,
}

struct Resources<'a>(&'a Synth);

impl Serialize for Streamed<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Field names and order as `Inventory`'s derived implementation.
        let mut st = s.serialize_struct("Inventory", 6)?;
        st.serialize_field("schema_version", &self.head.schema_version)?;
        st.serialize_field("generated_at", &self.head.generated_at)?;
        st.serialize_field("source", &self.head.source)?;
        st.serialize_field("accounts", &self.head.accounts)?;
        st.serialize_field("coverage", &self.head.coverage)?;
        st.serialize_field("resources", &Resources(self.synth))?;
        st.end()
    }
}

impl Serialize for Resources<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for r in self.0.resources() {
            seq.serialize_element(&r)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests;
