//! Configuration items → inventory resources, one function per resource type.
//!
//! Rules: an attribute a control reads that the item should carry but does not (or carries in
//! a shape we cannot read) becomes a [`FieldError`] with code `MissingFromConfigurationItem`;
//! an attribute AWS Config never records becomes `NotRecordedByAwsConfig` where a control could
//! decide on it; an attribute that needs items of another type (flow logs, listeners, backup
//! selections) that the input does not hold becomes `TypeNotRecorded`. Never a guessed value
//! that could make a control pass.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use phiguard_model::kinds::*;
use phiguard_model::{Details, FieldError, GLOBAL, Resource, Timestamp};
use serde_json::Value;

use crate::json::{self, as_bool, as_i64, as_text, as_timestamp, as_u32, get, items, strings};

/// A configuration item, normalised across the file, API and select forms.
#[derive(Debug, Clone)]
pub struct Ci {
    /// Account.
    pub account: String,
    /// Region, or `global`.
    pub region: String,
    /// `AWS::S3::Bucket`, ...
    pub resource_type: String,
    /// Resource id.
    pub resource_id: String,
    /// Resource name.
    pub name: Option<String>,
    /// ARN.
    pub arn: Option<String>,
    /// `configurationItemStatus` (`OK` when absent).
    pub status: String,
    /// Ordering among items of one resource: `configurationStateId`, else capture time.
    pub state_id: i64,
    /// When Config captured the item.
    pub capture: Option<Timestamp>,
    /// Tags merged from every place Config puts them.
    pub tags: BTreeMap<String, String>,
    /// The configuration, decoded (`Null` when absent).
    pub cfg: Value,
    /// The supplementary configuration (`Null` when absent).
    pub sup: Value,
}

impl Ci {
    /// Whether the item describes a resource that exists and whose configuration was recorded.
    pub fn is_current(&self) -> bool {
        matches!(self.status.as_str(), "OK" | "ResourceDiscovered" | "")
    }

    /// Whether the item says the resource was deleted.
    pub fn is_deleted(&self) -> bool {
        self.status.starts_with("ResourceDeleted")
    }

    /// Whether the type is excluded from recording: the resource exists, its attributes are
    /// unknown.
    pub fn is_not_recorded(&self) -> bool {
        self.status == "ResourceNotRecorded"
    }

    fn c(&self, keys: &[&str]) -> Option<Cow<'_, Value>> {
        json::path(&self.cfg, keys)
    }

    fn text(&self, keys: &[&str]) -> Option<String> {
        self.c(keys).and_then(|v| as_text(&v))
    }
}

/// What mapping needs to know beyond one item: the items of the join types, and which types
/// the input covers in each account and region.
#[derive(Debug, Default)]
pub struct World {
    /// (account, region, vpc id) → flow logs.
    pub flow_logs: HashMap<(String, String, String), Vec<FlowLog>>,
    /// Load balancer ARN → listeners.
    pub listeners: HashMap<String, Vec<Listener>>,
    /// Backup plan id → selections.
    pub selections: HashMap<String, Vec<BackupSelection>>,
    /// Vault name → recovery points.
    pub recovery_points: HashMap<(String, String, String), u64>,
    /// Function ARN → function URL auth type.
    pub lambda_urls: HashMap<String, String>,
    /// (account, region) → enabled Security Hub standards.
    pub standards: HashMap<(String, String), Vec<String>>,
    /// (account, group name) → member user names.
    pub group_members: HashMap<(String, String), Vec<String>>,
    /// (type, account, region) known: items present, or a full snapshot whose recorder
    /// records the type. Global types use region `global`.
    pub known: HashSet<(String, String, String)>,
}

impl World {
    fn knows(&self, resource_type: &str, account: &str, region: &str) -> bool {
        self.known.contains(&(
            resource_type.to_string(),
            account.to_string(),
            region.to_string(),
        ))
    }
}

/// The resource types mapped to resources, with the inventory data source each feeds.
pub const MAPPED: &[(&str, phiguard_model::DataSource)] = {
    use phiguard_model::DataSource::*;
    &[
        ("AWS::S3::Bucket", S3Buckets),
        ("AWS::IAM::User", IamUsers),
        ("AWS::IAM::Group", IamGroups),
        ("AWS::IAM::Role", IamRoles),
        ("AWS::IAM::Policy", IamPolicies),
        ("AWS::KMS::Key", KmsKeys),
        ("AWS::EC2::Volume", Ec2Volumes),
        ("AWS::EC2::Instance", Ec2Instances),
        ("AWS::EC2::SecurityGroup", Ec2SecurityGroups),
        ("AWS::EC2::VPC", Ec2Vpcs),
        ("AWS::RDS::DBInstance", RdsInstances),
        ("AWS::RDS::DBCluster", RdsClusters),
        ("AWS::RDS::DBSnapshot", RdsSnapshots),
        ("AWS::RDS::DBClusterSnapshot", RdsSnapshots),
        ("AWS::DynamoDB::Table", DynamodbTables),
        ("AWS::CloudTrail::Trail", CloudtrailTrails),
        ("AWS::Logs::LogGroup", LogsLogGroups),
        ("AWS::CloudWatch::Alarm", CloudwatchAlarms),
        ("AWS::SNS::Topic", SnsTopics),
        ("AWS::GuardDuty::Detector", GuarddutyDetectors),
        ("AWS::Config::ConfigurationRecorder", ConfigRecorders),
        ("AWS::SecurityHub::Hub", SecurityHub),
        ("AWS::Backup::BackupPlan", BackupPlans),
        ("AWS::Backup::BackupVault", BackupVaults),
        (
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            Elbv2LoadBalancers,
        ),
        ("AWS::CloudFront::Distribution", CloudfrontDistributions),
        ("AWS::SecretsManager::Secret", SecretsManagerSecrets),
        ("AWS::Lambda::Function", LambdaFunctions),
        ("AWS::EC2::Subnet", Ec2Subnets),
        ("AWS::EC2::NetworkAcl", Ec2NetworkAcls),
        ("AWS::EC2::RouteTable", Ec2RouteTables),
        ("AWS::OpenSearch::Domain", OpensearchDomains),
        ("AWS::Elasticsearch::Domain", OpensearchDomains),
        ("AWS::Redshift::Cluster", RedshiftClusters),
        ("AWS::ApiGateway::Stage", ApigatewayStages),
        ("AWS::EFS::FileSystem", EfsFileSystems),
        ("AWS::ElasticLoadBalancing::LoadBalancer", ElbLoadBalancers),
    ]
};

/// Types read only to complete another type's resources (and the account settings).
pub const JOINED: &[(&str, &str)] = &[
    ("AWS::EC2::FlowLog", "flow logs of VPCs"),
    (
        "AWS::ElasticLoadBalancingV2::Listener",
        "listeners of load balancers",
    ),
    ("AWS::Backup::BackupSelection", "selections of backup plans"),
    (
        "AWS::Backup::RecoveryPoint",
        "recovery points of backup vaults",
    ),
    ("AWS::Lambda::Url", "function URLs of Lambda functions"),
    (
        "AWS::SecurityHub::Standard",
        "enabled Security Hub standards",
    ),
    (
        "AWS::S3::AccountPublicAccessBlock",
        "the account's S3 Block Public Access",
    ),
];

/// Global types: recorded under region `global`, deduplicated across regions.
pub fn is_global_type(resource_type: &str) -> bool {
    resource_type.starts_with("AWS::IAM::") || resource_type == "AWS::CloudFront::Distribution"
}

/// Collects the join types' items into the world.
pub fn gather(ci: &Ci, world: &mut World) {
    let key = |id: String| (ci.account.clone(), ci.region.clone(), id);
    match ci.resource_type.as_str() {
        "AWS::EC2::FlowLog" => {
            let Some(target) = ci
                .text(&["resourceId"])
                .or_else(|| ci.text(&["ResourceId"]))
            else {
                return;
            };
            world
                .flow_logs
                .entry(key(target))
                .or_default()
                .push(FlowLog {
                    id: ci
                        .text(&["flowLogId"])
                        .unwrap_or_else(|| ci.resource_id.clone()),
                    status: ci.text(&["flowLogStatus"]).unwrap_or_default(),
                    traffic_type: ci.text(&["trafficType"]).unwrap_or_default(),
                    destination: ci
                        .text(&["logDestination"])
                        .or_else(|| ci.text(&["logGroupName"])),
                });
        }
        "AWS::ElasticLoadBalancingV2::Listener" => {
            let Some(lb) = ci.text(&["LoadBalancerArn"]) else {
                return;
            };
            world.listeners.entry(lb).or_default().push(listener(ci));
        }
        "AWS::Backup::BackupSelection" => {
            let Some(plan) = ci.text(&["BackupPlanId"]) else {
                return;
            };
            world
                .selections
                .entry(plan)
                .or_default()
                .push(selection(ci));
        }
        "AWS::Backup::RecoveryPoint" => {
            if let Some(vault) = ci
                .text(&["BackupVaultName"])
                .or_else(|| ci.text(&["BackupVaultArn"]).map(|a| last_segment(&a)))
            {
                *world.recovery_points.entry(key(vault)).or_default() += 1;
            }
        }
        "AWS::Lambda::Url" => {
            if let (Some(function), Some(auth)) =
                (ci.text(&["TargetFunctionArn"]), ci.text(&["AuthType"]))
            {
                world.lambda_urls.insert(function, auth);
            }
        }
        "AWS::SecurityHub::Standard" => {
            if let Some(arn) = ci.text(&["StandardsArn"]).or_else(|| ci.arn.clone()) {
                world
                    .standards
                    .entry((ci.account.clone(), ci.region.clone()))
                    .or_default()
                    .push(arn);
            }
        }
        "AWS::IAM::User" => {
            let user = ci
                .text(&["userName"])
                .or_else(|| ci.name.clone())
                .unwrap_or_default();
            for group in strings(ci.c(&["groupList"]).as_deref()) {
                world
                    .group_members
                    .entry((ci.account.clone(), group))
                    .or_default()
                    .push(user.clone());
            }
        }
        _ => {}
    }
}

fn last_segment(arn: &str) -> String {
    arn.rsplit([':', '/']).next().unwrap_or(arn).to_string()
}

/// Collects field errors while reading one item.
struct Fields<'c> {
    ci: &'c Ci,
    errors: Vec<FieldError>,
}

impl<'c> Fields<'c> {
    fn new(ci: &'c Ci) -> Fields<'c> {
        Fields {
            ci,
            errors: Vec::new(),
        }
    }

    fn c(&self, keys: &[&str]) -> Option<Cow<'c, Value>> {
        json::path(&self.ci.cfg, keys)
    }

    fn s(&self, keys: &[&str]) -> Option<Cow<'c, Value>> {
        json::path(&self.ci.sup, keys)
    }

    fn has_sup(&self, key: &str) -> bool {
        self.ci
            .sup
            .as_object()
            .is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case(key)))
    }

    fn text(&self, keys: &[&str]) -> Option<String> {
        self.c(keys).and_then(|v| as_text(&v))
    }

    fn bool(&self, keys: &[&str]) -> Option<bool> {
        self.c(keys).and_then(|v| as_bool(&v))
    }

    fn u32(&self, keys: &[&str]) -> Option<u32> {
        self.c(keys).and_then(|v| as_u32(&v))
    }

    fn time(&self, keys: &[&str]) -> Option<Timestamp> {
        self.c(keys).and_then(|v| as_timestamp(&v))
    }

    fn need_bool(&mut self, field: &str, keys: &[&str]) -> bool {
        self.bool(keys).unwrap_or_else(|| {
            self.missing(field, keys);
            false
        })
    }

    fn need_text(&mut self, field: &str, keys: &[&str]) -> String {
        self.text(keys).unwrap_or_else(|| {
            self.missing(field, keys);
            String::new()
        })
    }

    fn need_u32(&mut self, field: &str, keys: &[&str]) -> u32 {
        self.u32(keys).unwrap_or_else(|| {
            self.missing(field, keys);
            0
        })
    }

    fn push(&mut self, field: &str, code: &str, message: String) {
        if self.errors.iter().any(|e| e.field == field) {
            return;
        }
        self.errors.push(FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message,
        });
    }

    fn missing(&mut self, field: &str, keys: &[&str]) {
        let message = format!(
            "the {} configuration item has no `{}`",
            self.ci.resource_type,
            keys.join(".")
        );
        self.push(field, "MissingFromConfigurationItem", message);
    }

    fn unreadable(&mut self, field: &str, why: String) {
        self.push(field, "UnreadableInConfigurationItem", why);
    }

    fn not_recorded(&mut self, field: &str) {
        let message = format!(
            "AWS Config does not record this attribute of {}",
            self.ci.resource_type
        );
        self.push(field, "NotRecordedByAwsConfig", message);
    }

    fn type_unknown(&mut self, field: &str, joined: &str) {
        let message = format!(
            "the input holds no {joined} items for {}/{} and no recorder item shows the type is recorded",
            self.ci.account, self.ci.region
        );
        self.push(field, "TypeNotRecorded", message);
    }

    fn finish(self, arn: String, details: impl Into<Details>) -> Resource {
        let mut resource = Resource::new(
            arn,
            self.ci.account.clone(),
            self.ci.region.clone(),
            details,
        );
        resource.name = self
            .ci
            .name
            .clone()
            .or_else(|| (!self.ci.resource_id.is_empty()).then(|| self.ci.resource_id.clone()));
        resource.tags = self.ci.tags.clone();
        resource.errors = self.errors;
        resource
    }
}

/// Maps one current item; `None` for types that are not mapped (joined or unknown types).
pub fn map(ci: &Ci, world: &World) -> Option<Resource> {
    let f = Fields::new(ci);
    let resource = match ci.resource_type.as_str() {
        "AWS::S3::Bucket" => s3_bucket(f),
        "AWS::IAM::User" => iam_user(f),
        "AWS::IAM::Group" => iam_group(f, world),
        "AWS::IAM::Role" => iam_role(f),
        "AWS::IAM::Policy" => iam_policy(f),
        "AWS::KMS::Key" => kms_key(f),
        "AWS::EC2::Volume" => ebs_volume(f),
        "AWS::EC2::Instance" => ec2_instance(f),
        "AWS::EC2::SecurityGroup" => security_group(f),
        "AWS::EC2::VPC" => vpc(f, world),
        "AWS::RDS::DBInstance" => rds_instance(f),
        "AWS::RDS::DBCluster" => rds_cluster(f),
        "AWS::RDS::DBSnapshot" => rds_snapshot(f, false),
        "AWS::RDS::DBClusterSnapshot" => rds_snapshot(f, true),
        "AWS::DynamoDB::Table" => dynamodb_table(f),
        "AWS::CloudTrail::Trail" => trail(f),
        "AWS::Logs::LogGroup" => log_group(f),
        "AWS::CloudWatch::Alarm" => alarm(f),
        "AWS::SNS::Topic" => sns_topic(f),
        "AWS::GuardDuty::Detector" => guardduty(f),
        "AWS::Config::ConfigurationRecorder" => config_recorder(f),
        "AWS::SecurityHub::Hub" => security_hub(f, world),
        "AWS::Backup::BackupPlan" => backup_plan(f, world),
        "AWS::Backup::BackupVault" => backup_vault(f, world),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => load_balancer(f, world),
        "AWS::CloudFront::Distribution" => distribution(f),
        "AWS::SecretsManager::Secret" => secret(f),
        "AWS::Lambda::Function" => lambda(f, world),
        "AWS::EC2::Subnet" => subnet(f),
        "AWS::EC2::NetworkAcl" => network_acl(f),
        "AWS::EC2::RouteTable" => route_table(f),
        "AWS::OpenSearch::Domain" | "AWS::Elasticsearch::Domain" => opensearch_domain(f),
        "AWS::Redshift::Cluster" => redshift_cluster(f),
        "AWS::ApiGateway::Stage" => apigateway_stage(f),
        "AWS::EFS::FileSystem" => efs_file_system(f),
        "AWS::ElasticLoadBalancing::LoadBalancer" => classic_load_balancer(f),
        _ => return None,
    };
    Some(resource)
}

/// A resource of an unmapped type, known by ARN and tags (for the PHI-in-eligible-services
/// control), when it has tags.
pub fn tagged(ci: &Ci) -> Option<Resource> {
    if ci.tags.is_empty() {
        return None;
    }
    let arn = ci.arn.clone().unwrap_or_else(|| ci.resource_id.clone());
    let mut resource = Resource::new(
        arn,
        ci.account.clone(),
        ci.region.clone(),
        phiguard_model::resource::Tagged {
            resource_type: Some(ci.resource_type.clone()),
        },
    );
    resource.name = ci.name.clone();
    resource.tags = ci.tags.clone();
    Some(resource)
}

/// Marks every attribute of a resource unknown: its type is excluded from recording
/// (`ResourceNotRecorded`), so the item carries metadata only.
pub fn all_fields_unknown(resource: &mut Resource) {
    let Ok(Value::Object(outer)) = serde_json::to_value(&resource.details) else {
        return;
    };
    let fields: Vec<String> = outer
        .values()
        .filter_map(Value::as_object)
        .flat_map(|inner| inner.keys().cloned())
        .collect();
    resource.errors = fields
        .into_iter()
        .map(|field| FieldError {
            field,
            code: "ResourceNotRecorded".into(),
            message: "the resource type is excluded from recording: the configuration item carries no configuration".into(),
        })
        .collect();
}

fn arn_or(f: &Fields<'_>, keys: &[&[&str]], fallback: impl FnOnce() -> String) -> String {
    f.ci.arn
        .clone()
        .filter(|a| !a.is_empty())
        .or_else(|| keys.iter().find_map(|k| f.text(k)))
        .unwrap_or_else(fallback)
}

fn s3_bucket(mut f: Fields<'_>) -> Resource {
    let name = f
        .text(&["name"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[], || format!("arn:aws:s3:::{name}"));
    let mut bucket = S3Bucket {
        creation_date: f.time(&["creationDate"]),
        ..S3Bucket::default()
    };

    if f.has_sup("ServerSideEncryptionConfiguration") {
        let sse = f
            .s(&["ServerSideEncryptionConfiguration"])
            .and_then(|v| json::path(&v, &["rules"]).map(Cow::into_owned));
        let rules = items(sse.as_ref());
        bucket.encryption = rules.first().and_then(|rule| {
            let default = json::path(rule, &["applyServerSideEncryptionByDefault"])?;
            Some(S3Encryption {
                algorithm: json::path(&default, &["sseAlgorithm"]).and_then(|v| as_text(&v))?,
                kms_key_id: json::path(&default, &["kmsMasterKeyID"]).and_then(|v| as_text(&v)),
                bucket_key_enabled: json::path(rule, &["bucketKeyEnabled"])
                    .and_then(|v| as_bool(&v))
                    .unwrap_or(false),
            })
        });
    } else {
        f.missing(
            "encryption",
            &[
                "supplementaryConfiguration",
                "ServerSideEncryptionConfiguration",
            ],
        );
    }

    match f.s(&["BucketVersioningConfiguration"]) {
        Some(v) => {
            bucket.versioning = json::path(&v, &["status"])
                .and_then(|s| as_text(&s))
                .filter(|s| !s.eq_ignore_ascii_case("Off"));
            bucket.mfa_delete = json::path(&v, &["isMfaDeleteEnabled"])
                .and_then(|b| as_bool(&b))
                .unwrap_or(false);
        }
        None => f.missing(
            "versioning",
            &[
                "supplementaryConfiguration",
                "BucketVersioningConfiguration",
            ],
        ),
    }

    bucket.public_access_block = f
        .s(&["PublicAccessBlockConfiguration"])
        .and_then(|v| public_access_block(&v));

    if f.has_sup("BucketPolicy") {
        if let Some(text) = f.s(&["BucketPolicy", "policyText"]) {
            match json::policy(&text) {
                Ok(doc) => bucket.policy = Some(doc),
                Err(why) => f.unreadable("policy", why),
            }
        }
    } else {
        f.missing("policy", &["supplementaryConfiguration", "BucketPolicy"]);
    }

    match f.s(&["AccessControlList"]) {
        Some(acl) => bucket.acl_grants_public = acl_is_public(&acl),
        None => f.missing(
            "acl_grants_public",
            &["supplementaryConfiguration", "AccessControlList"],
        ),
    }

    if f.has_sup("BucketLoggingConfiguration") {
        bucket.logging = f
            .s(&["BucketLoggingConfiguration", "destinationBucketName"])
            .and_then(|v| as_text(&v))
            .map(|target| S3Logging {
                target_bucket: target,
                target_prefix: f
                    .s(&["BucketLoggingConfiguration", "logFilePrefix"])
                    .and_then(|v| as_text(&v))
                    .unwrap_or_default(),
            });
    } else {
        f.missing(
            "logging",
            &["supplementaryConfiguration", "BucketLoggingConfiguration"],
        );
    }

    bucket.object_lock = f.s(&["ObjectLockConfiguration"]).and_then(|v| {
        let enabled = json::path(&v, &["objectLockEnabled"])
            .and_then(|e| as_text(&e))
            .is_some_and(|e| e.eq_ignore_ascii_case("Enabled"));
        let retention = json::path(&v, &["rule", "defaultRetention"]);
        let ret = |k: &str| retention.as_ref().and_then(|r| json::path(r, &[k]));
        enabled.then(|| ObjectLock {
            enabled,
            mode: ret("mode").and_then(|m| as_text(&m)),
            days: ret("days").and_then(|d| as_u32(&d)).filter(|d| *d > 0),
            years: ret("years").and_then(|y| as_u32(&y)).filter(|y| *y > 0),
        })
    });

    let replication = f
        .s(&["BucketReplicationConfiguration"])
        .or_else(|| f.s(&["ReplicationConfiguration"]));
    if let Some(replication) = replication {
        let rules = json::path(&replication, &["rules"]);
        let list: Vec<Value> = match rules.as_deref() {
            Some(Value::Object(map)) => map.values().cloned().collect(),
            Some(other) => items(Some(other))
                .into_iter()
                .map(Cow::into_owned)
                .collect(),
            None => Vec::new(),
        };
        bucket.replication_rules = list
            .iter()
            .map(|rule| {
                let dest = |k: &str| {
                    json::path(rule, &["destinationConfig", k])
                        .or_else(|| json::path(rule, &["destination", k]))
                        .and_then(|v| as_text(&v))
                };
                ReplicationRule {
                    status: json::path(rule, &["status"])
                        .and_then(|v| as_text(&v))
                        .unwrap_or_default(),
                    destination_bucket: dest("bucketARN").unwrap_or_default(),
                    destination_account: dest("account"),
                }
            })
            .collect();
    }

    if let Some(lifecycle) = f.s(&["BucketLifecycleConfiguration"]) {
        bucket.lifecycle_rules = items(json::path(&lifecycle, &["rules"]).as_deref())
            .iter()
            .map(|rule| {
                let days = |keys: &[&str]| {
                    json::path(rule, keys)
                        .and_then(|v| as_i64(&v))
                        .and_then(|d| u32::try_from(d).ok())
                        .filter(|d| *d > 0)
                };
                LifecycleRule {
                    id: json::path(rule, &["id"])
                        .and_then(|v| as_text(&v))
                        .unwrap_or_default(),
                    status: json::path(rule, &["status"])
                        .and_then(|v| as_text(&v))
                        .unwrap_or_default(),
                    prefix: json::path(rule, &["prefix"])
                        .or_else(|| json::path(rule, &["filter", "predicate", "prefix"]))
                        .and_then(|v| as_text(&v))
                        .unwrap_or_default(),
                    expiration_days: days(&["expirationInDays"]),
                    noncurrent_expiration_days: days(&["noncurrentVersionExpirationInDays"]),
                }
            })
            .collect();
    }

    // Object Ownership, where the item carries it. Without it the bucket reads as having no
    // ownership controls (ACLs in effect): controls then err towards "ACLs matter", never
    // towards a pass.
    if let Some(own) = f.s(&["BucketOwnershipControls"]) {
        bucket.object_ownership = items(json::path(&own, &["rules"]).as_deref())
            .first()
            .and_then(|r| json::path(r, &["objectOwnership"]))
            .and_then(|v| as_text(&v));
    }
    f.finish(arn, bucket)
}

fn public_access_block(v: &Value) -> Option<PublicAccessBlock> {
    let b = |k: &str| json::path(v, &[k]).and_then(|x| as_bool(&x));
    Some(PublicAccessBlock {
        block_public_acls: b("blockPublicAcls")?,
        ignore_public_acls: b("ignorePublicAcls")?,
        block_public_policy: b("blockPublicPolicy")?,
        restrict_public_buckets: b("restrictPublicBuckets")?,
    })
}

/// The account-level S3 Block Public Access from an `AWS::S3::AccountPublicAccessBlock` item.
pub fn account_public_access_block(ci: &Ci) -> Option<PublicAccessBlock> {
    public_access_block(&ci.cfg)
}

/// Whether an ACL grants anything to everyone or to any authenticated AWS user.
fn acl_is_public(acl: &Value) -> bool {
    items(json::path(acl, &["grantList"]).as_deref())
        .iter()
        .any(|grant| {
            let grantee = json::path(grant, &["grantee"]);
            let public = |s: &str| s.ends_with("AllUsers") || s.ends_with("AuthenticatedUsers");
            match grantee.as_deref() {
                Some(Value::String(s)) => public(s),
                // `{uri: ".../AllUsers"}`, `{identifier: "AllUsers", typeIdentifier: ...}`
                Some(Value::Object(map)) => map.values().filter_map(Value::as_str).any(public),
                _ => false,
            }
        })
}

fn attached(f: &Fields<'_>) -> Vec<AttachedPolicy> {
    items(f.c(&["attachedManagedPolicies"]).as_deref())
        .iter()
        .filter_map(|p| {
            Some(AttachedPolicy {
                name: json::path(p, &["policyName"]).and_then(|v| as_text(&v))?,
                arn: json::path(p, &["policyArn"]).and_then(|v| as_text(&v))?,
            })
        })
        .collect()
}

fn inline(f: &mut Fields<'_>, key: &str) -> Vec<InlinePolicy> {
    let mut out = Vec::new();
    for p in items(f.c(&[key]).as_deref()) {
        let name = json::path(&p, &["policyName"])
            .and_then(|v| as_text(&v))
            .unwrap_or_default();
        let Some(document) = get(&p, "policyDocument") else {
            f.missing("inline_policies", &[key, "policyDocument"]);
            continue;
        };
        match json::policy(document) {
            Ok(document) => out.push(InlinePolicy { name, document }),
            Err(why) => f.unreadable("inline_policies", format!("inline policy `{name}`: {why}")),
        }
    }
    out
}

fn iam_arn(f: &Fields<'_>, noun: &str, name_key: &str) -> String {
    arn_or(f, &[&["arn"]], || {
        let name = f
            .text(&[name_key])
            .or_else(|| f.ci.name.clone())
            .unwrap_or_else(|| f.ci.resource_id.clone());
        format!("arn:aws:iam::{}:{noun}/{name}", f.ci.account)
    })
}

fn iam_user(mut f: Fields<'_>) -> Resource {
    let arn = iam_arn(&f, "user", "userName");
    let user = IamUser {
        create_date: f.time(&["createDate"]),
        groups: strings(f.c(&["groupList"]).as_deref()),
        attached_policies: attached(&f),
        inline_policies: inline(&mut f, "userPolicyList"),
        ..IamUser::default()
    };
    for field in [
        "console_access",
        "password_last_used",
        "mfa_devices",
        "access_keys",
    ] {
        f.not_recorded(field);
    }
    f.finish(arn, user)
}

fn iam_group(mut f: Fields<'_>, world: &World) -> Resource {
    let arn = iam_arn(&f, "group", "groupName");
    let name = f
        .text(&["groupName"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_default();
    let mut group = IamGroup {
        attached_policies: attached(&f),
        inline_policies: inline(&mut f, "groupPolicyList"),
        members: Vec::new(),
    };
    if world.knows("AWS::IAM::User", &f.ci.account, GLOBAL) {
        group.members = world
            .group_members
            .get(&(f.ci.account.clone(), name))
            .cloned()
            .unwrap_or_default();
    } else {
        f.type_unknown("members", "AWS::IAM::User");
    }
    f.finish(arn, group)
}

fn iam_role(mut f: Fields<'_>) -> Resource {
    let arn = iam_arn(&f, "role", "roleName");
    let trust_policy = match f.c(&["assumeRolePolicyDocument"]) {
        Some(doc) => json::policy(&doc).unwrap_or_else(|why| {
            f.unreadable("trust_policy", why);
            phiguard_model::PolicyDocument::default()
        }),
        None => {
            f.missing("trust_policy", &["assumeRolePolicyDocument"]);
            phiguard_model::PolicyDocument::default()
        }
    };
    let role = IamRole {
        path: f.text(&["path"]).unwrap_or_else(|| "/".into()),
        trust_policy,
        attached_policies: attached(&f),
        inline_policies: inline(&mut f, "rolePolicyList"),
        last_used: f.time(&["roleLastUsed", "lastUsedDate"]),
    };
    f.finish(arn, role)
}

fn iam_policy(mut f: Fields<'_>) -> Resource {
    let arn = iam_arn(&f, "policy", "policyName");
    let version_list = f.c(&["policyVersionList"]);
    let versions = items(version_list.as_deref());
    let default = versions.iter().find(|v| {
        json::path(v, &["isDefaultVersion"])
            .and_then(|b| as_bool(&b))
            .unwrap_or(false)
    });
    let document = match default.and_then(|v| get(v, "document").cloned()) {
        Some(doc) => json::policy(&doc).unwrap_or_else(|why| {
            f.unreadable("document", why);
            phiguard_model::PolicyDocument::default()
        }),
        None => {
            f.missing("document", &["policyVersionList", "document"]);
            phiguard_model::PolicyDocument::default()
        }
    };
    let policy = IamPolicy {
        aws_managed: arn.contains(":aws:policy/"),
        attachment_count: f.need_u32("attachment_count", &["attachmentCount"]),
        document,
    };
    f.finish(arn, policy)
}

fn kms_key(mut f: Fields<'_>) -> Resource {
    let arn = arn_or(&f, &[&["arn"]], || {
        format!(
            "arn:aws:kms:{}:{}:key/{}",
            f.ci.region, f.ci.account, f.ci.resource_id
        )
    });
    let key_manager = f.need_text("key_manager", &["keyManager"]);
    let key_spec = f
        .text(&["keySpec"])
        .or_else(|| f.text(&["customerMasterKeySpec"]))
        .unwrap_or_else(|| {
            f.missing("key_spec", &["keySpec"]);
            String::new()
        });
    let rotation_enabled = f.s(&["KeyRotationStatus"]).and_then(|v| as_bool(&v));
    let key = KmsKey {
        key_state: f.need_text("key_state", &["keyState"]),
        key_usage: f.text(&["keyUsage"]).unwrap_or_default(),
        origin: f.text(&["origin"]).unwrap_or_default(),
        rotation_enabled,
        deletion_date: f.time(&["deletionDate"]),
        aliases: Vec::new(),
        key_manager,
        key_spec,
    };
    if key.rotation_enabled.is_none() && key.is_rotatable() {
        f.missing(
            "rotation_enabled",
            &["supplementaryConfiguration", "KeyRotationStatus"],
        );
    }
    f.not_recorded("aliases");
    f.finish(arn, key)
}

fn ec2_arn(f: &Fields<'_>, noun: &str) -> String {
    arn_or(f, &[], || {
        format!(
            "arn:aws:ec2:{}:{}:{noun}/{}",
            f.ci.region, f.ci.account, f.ci.resource_id
        )
    })
}

fn subnet(mut f: Fields<'_>) -> Resource {
    let arn = arn_or(&f, &[&["subnetArn"]], || {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            f.ci.region, f.ci.account, f.ci.resource_id
        )
    });
    let subnet = Subnet {
        vpc_id: f.text(&["vpcId"]).unwrap_or_default(),
        cidr_block: f.text(&["cidrBlock"]).unwrap_or_default(),
        availability_zone: f.text(&["availabilityZone"]).unwrap_or_default(),
        map_public_ip_on_launch: f.need_bool("map_public_ip_on_launch", &["mapPublicIpOnLaunch"]),
        default_for_az: f.bool(&["defaultForAz"]).unwrap_or(false),
    };
    f.finish(arn, subnet)
}

fn network_acl(mut f: Fields<'_>) -> Resource {
    let arn = ec2_arn(&f, "network-acl");
    let entries = match f.c(&["entries"]) {
        Some(list) => items(Some(&list))
            .iter()
            .map(|e| {
                let text = |k: &[&str]| json::path(e, k).and_then(|v| as_text(&v));
                let int = |k: &[&str]| {
                    json::path(e, k)
                        .and_then(|v| as_i64(&v))
                        .and_then(|n| i32::try_from(n).ok())
                };
                NetworkAclEntry {
                    rule_number: int(&["ruleNumber"]).unwrap_or(32767),
                    egress: json::path(e, &["egress"])
                        .and_then(|v| as_bool(&v))
                        .unwrap_or(false),
                    protocol: text(&["protocol"]).unwrap_or_else(|| "-1".into()),
                    // An unreadable action is read as allow: it can only make the ACL fail.
                    rule_action: text(&["ruleAction"])
                        .map(|a| a.to_ascii_lowercase())
                        .unwrap_or_else(|| "allow".into()),
                    cidr_block: text(&["cidrBlock"]),
                    ipv6_cidr_block: text(&["ipv6CidrBlock"]),
                    port_from: int(&["portRange", "from"]),
                    port_to: int(&["portRange", "to"]),
                }
            })
            .collect(),
        None => {
            f.missing("entries", &["entries"]);
            Vec::new()
        }
    };
    let acl = NetworkAcl {
        vpc_id: f.text(&["vpcId"]).unwrap_or_default(),
        is_default: f.bool(&["isDefault"]).unwrap_or(false),
        entries,
        subnets: items(f.c(&["associations"]).as_deref())
            .iter()
            .filter_map(|a| json::path(a, &["subnetId"]).and_then(|v| as_text(&v)))
            .collect(),
    };
    f.finish(arn, acl)
}

fn route_table(mut f: Fields<'_>) -> Resource {
    let arn = ec2_arn(&f, "route-table");
    let routes = match f.c(&["routes"]) {
        Some(list) => items(Some(&list))
            .iter()
            .map(|r| {
                let text = |k: &str| json::path(r, &[k]).and_then(|v| as_text(&v));
                Route {
                    destination: text("destinationCidrBlock")
                        .or_else(|| text("destinationIpv6CidrBlock"))
                        .or_else(|| text("destinationPrefixListId"))
                        .unwrap_or_default(),
                    target: [
                        "gatewayId",
                        "natGatewayId",
                        "transitGatewayId",
                        "vpcPeeringConnectionId",
                        "networkInterfaceId",
                        "instanceId",
                        "egressOnlyInternetGatewayId",
                        "localGatewayId",
                        "carrierGatewayId",
                    ]
                    .iter()
                    .find_map(|k| text(k))
                    .unwrap_or_default(),
                    state: text("state").unwrap_or_default(),
                }
            })
            .collect(),
        None => {
            f.missing("routes", &["routes"]);
            Vec::new()
        }
    };
    let associations_value = f.c(&["associations"]);
    let associations = items(associations_value.as_deref());
    let table = RouteTable {
        vpc_id: f.text(&["vpcId"]).unwrap_or_default(),
        main: associations.iter().any(|a| {
            json::path(a, &["main"])
                .and_then(|v| as_bool(&v))
                .unwrap_or(false)
        }),
        subnets: associations
            .iter()
            .filter_map(|a| json::path(a, &["subnetId"]).and_then(|v| as_text(&v)))
            .collect(),
        routes,
    };
    f.finish(arn, table)
}

fn ebs_volume(mut f: Fields<'_>) -> Resource {
    let arn = ec2_arn(&f, "volume");
    let volume = EbsVolume {
        encrypted: f.need_bool("encrypted", &["encrypted"]),
        kms_key_id: f.text(&["kmsKeyId"]),
        state: f
            .text(&["state", "value"])
            .or_else(|| f.text(&["state"]))
            .unwrap_or_default(),
        size_gib: f.u32(&["size"]).unwrap_or(0),
        attached_instances: items(f.c(&["attachments"]).as_deref())
            .iter()
            .filter_map(|a| json::path(a, &["instanceId"]).and_then(|v| as_text(&v)))
            .collect(),
    };
    f.finish(arn, volume)
}

fn ec2_instance(mut f: Fields<'_>) -> Resource {
    let arn = ec2_arn(&f, "instance");
    let state = f
        .text(&["state", "name"])
        .or_else(|| f.text(&["state"]))
        .unwrap_or_else(|| {
            f.missing("state", &["state", "name"]);
            String::new()
        });
    let instance = Ec2Instance {
        state,
        instance_type: f.text(&["instanceType"]).unwrap_or_default(),
        launch_time: f.time(&["launchTime"]),
        public_ip: f.text(&["publicIpAddress"]),
        instance_profile: f.text(&["iamInstanceProfile", "arn"]),
        metadata_http_tokens: f.text(&["metadataOptions", "httpTokens"]),
        metadata_http_endpoint: f.text(&["metadataOptions", "httpEndpoint"]),
        vpc_id: f.text(&["vpcId"]),
        subnet_id: f.text(&["subnetId"]),
        security_groups: items(f.c(&["securityGroups"]).as_deref())
            .iter()
            .filter_map(|g| json::path(g, &["groupId"]).and_then(|v| as_text(&v)))
            .collect(),
        image_id: f.text(&["imageId"]),
        stopped_since: None,
        enclave_enabled: f.bool(&["enclaveOptions", "enabled"]).unwrap_or(false),
    };
    let instance = Ec2Instance {
        stopped_since: (instance.state == "stopped")
            .then(|| f.text(&["stateTransitionReason"]))
            .flatten()
            .and_then(|r| state_transition_time(&r)),
        ..instance
    };
    if instance.metadata_http_tokens.is_none() {
        f.missing("metadata_http_tokens", &["metadataOptions", "httpTokens"]);
    }
    f.finish(arn, instance)
}

fn sg_rules(f: &mut Fields<'_>, field: &str, key: &str) -> Vec<SecurityGroupRule> {
    let Some(list) = f.c(&[key]) else {
        f.missing(field, &[key]);
        return Vec::new();
    };
    items(Some(&list))
        .iter()
        .map(|p| {
            let text = |k: &str| json::path(p, &[k]).and_then(|v| as_text(&v));
            let port = |k: &str| {
                json::path(p, &[k])
                    .and_then(|v| as_i64(&v))
                    .and_then(|n| i32::try_from(n).ok())
            };
            let mut ipv4: Vec<String> = items(json::path(p, &["ipv4Ranges"]).as_deref())
                .iter()
                .filter_map(|r| json::path(r, &["cidrIp"]).and_then(|v| as_text(&v)))
                .collect();
            for legacy in strings(json::path(p, &["ipRanges"]).as_deref()) {
                if !ipv4.contains(&legacy) {
                    ipv4.push(legacy);
                }
            }
            SecurityGroupRule {
                protocol: text("ipProtocol").unwrap_or_else(|| "-1".into()),
                from_port: port("fromPort"),
                to_port: port("toPort"),
                ipv4_ranges: ipv4,
                ipv6_ranges: items(json::path(p, &["ipv6Ranges"]).as_deref())
                    .iter()
                    .filter_map(|r| json::path(r, &["cidrIpv6"]).and_then(|v| as_text(&v)))
                    .collect(),
                groups: items(json::path(p, &["userIdGroupPairs"]).as_deref())
                    .iter()
                    .filter_map(|g| json::path(g, &["groupId"]).and_then(|v| as_text(&v)))
                    .collect(),
            }
        })
        .collect()
}

fn security_group(mut f: Fields<'_>) -> Resource {
    let arn = ec2_arn(&f, "security-group");
    let group = SecurityGroup {
        group_name: f
            .text(&["groupName"])
            .or_else(|| f.ci.name.clone())
            .unwrap_or_default(),
        vpc_id: f.text(&["vpcId"]),
        ingress: sg_rules(&mut f, "ingress", "ipPermissions"),
        egress: sg_rules(&mut f, "egress", "ipPermissionsEgress"),
    };
    f.finish(arn, group)
}

fn vpc(mut f: Fields<'_>, world: &World) -> Resource {
    let arn = ec2_arn(&f, "vpc");
    let id = f
        .text(&["vpcId"])
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let mut vpc = Vpc {
        is_default: f.bool(&["isDefault"]).unwrap_or(false),
        cidr_block: f.text(&["cidrBlock"]).unwrap_or_default(),
        flow_logs: Vec::new(),
    };
    if world.knows("AWS::EC2::FlowLog", &f.ci.account, &f.ci.region) {
        vpc.flow_logs = world
            .flow_logs
            .get(&(f.ci.account.clone(), f.ci.region.clone(), id))
            .cloned()
            .unwrap_or_default();
    } else {
        f.type_unknown("flow_logs", "AWS::EC2::FlowLog");
    }
    f.finish(arn, vpc)
}

fn rds_instance(mut f: Fields<'_>) -> Resource {
    let id = f
        .text(&["dBInstanceIdentifier"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["dBInstanceArn"]], || {
        format!("arn:aws:rds:{}:{}:db:{id}", f.ci.region, f.ci.account)
    });
    let instance = RdsInstance {
        engine: f.need_text("engine", &["engine"]),
        engine_version: f.text(&["engineVersion"]).unwrap_or_default(),
        storage_encrypted: f.need_bool("storage_encrypted", &["storageEncrypted"]),
        kms_key_id: f.text(&["kmsKeyId"]),
        publicly_accessible: f.need_bool("publicly_accessible", &["publiclyAccessible"]),
        backup_retention_period: f.need_u32("backup_retention_period", &["backupRetentionPeriod"]),
        multi_az: f.bool(&["multiAZ"]).unwrap_or(false),
        deletion_protection: f.bool(&["deletionProtection"]).unwrap_or(false),
        auto_minor_version_upgrade: f.bool(&["autoMinorVersionUpgrade"]).unwrap_or(false),
        cloudwatch_logs_exports: strings(f.c(&["enabledCloudwatchLogsExports"]).as_deref()),
        cluster_identifier: f.text(&["dBClusterIdentifier"]),
        iam_database_authentication: f
            .bool(&["iAMDatabaseAuthenticationEnabled"])
            .unwrap_or(false),
        monitoring_interval: f.need_u32("monitoring_interval", &["monitoringInterval"]),
    };
    let mut resource = f.finish(arn, instance);
    resource.name = Some(id);
    resource
}

fn rds_cluster(mut f: Fields<'_>) -> Resource {
    let id = f
        .text(&["dBClusterIdentifier"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["dBClusterArn"]], || {
        format!("arn:aws:rds:{}:{}:cluster:{id}", f.ci.region, f.ci.account)
    });
    let cluster = RdsCluster {
        engine: f.need_text("engine", &["engine"]),
        storage_encrypted: f.need_bool("storage_encrypted", &["storageEncrypted"]),
        kms_key_id: f.text(&["kmsKeyId"]),
        backup_retention_period: f.need_u32("backup_retention_period", &["backupRetentionPeriod"]),
        deletion_protection: f.bool(&["deletionProtection"]).unwrap_or(false),
        multi_az: f.bool(&["multiAZ"]).unwrap_or(false),
        members: items(f.c(&["dBClusterMembers"]).as_deref())
            .iter()
            .filter_map(|m| json::path(m, &["dBInstanceIdentifier"]).and_then(|v| as_text(&v)))
            .collect(),
    };
    let mut resource = f.finish(arn, cluster);
    resource.name = Some(id);
    resource
}

fn rds_snapshot(mut f: Fields<'_>, cluster: bool) -> Resource {
    let (id_key, arn_key, noun, attrs) = if cluster {
        (
            "dBClusterSnapshotIdentifier",
            "dBClusterSnapshotArn",
            "cluster-snapshot",
            "DBClusterSnapshotAttributes",
        )
    } else {
        (
            "dBSnapshotIdentifier",
            "dBSnapshotArn",
            "snapshot",
            "DBSnapshotAttributes",
        )
    };
    let id = f
        .text(&[id_key])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&[arn_key]], || {
        format!("arn:aws:rds:{}:{}:{noun}:{id}", f.ci.region, f.ci.account)
    });
    let encrypted = match f
        .bool(&["encrypted"])
        .or_else(|| f.bool(&["storageEncrypted"]))
    {
        Some(e) => e,
        None => {
            f.missing("encrypted", &["encrypted"]);
            false
        }
    };
    let mut snapshot = RdsSnapshot {
        cluster,
        snapshot_type: f.text(&["snapshotType"]).unwrap_or_default(),
        encrypted,
        public: false,
        shared_with: Vec::new(),
        create_time: f
            .time(&["snapshotCreateTime"])
            .or_else(|| f.time(&["clusterCreateTime"])),
    };
    match f.s(&[attrs]) {
        Some(list) => {
            for attr in items(Some(&list)) {
                let name = json::path(&attr, &["attributeName"]).and_then(|v| as_text(&v));
                if name.as_deref() != Some("restore") {
                    continue;
                }
                for value in strings(json::path(&attr, &["attributeValues"]).as_deref()) {
                    if value == "all" {
                        snapshot.public = true;
                    } else {
                        snapshot.shared_with.push(value);
                    }
                }
            }
        }
        None => {
            f.missing("public", &["supplementaryConfiguration", attrs]);
            f.missing("shared_with", &["supplementaryConfiguration", attrs]);
        }
    }
    let mut resource = f.finish(arn, snapshot);
    resource.name = Some(id);
    resource
}

fn dynamodb_table(mut f: Fields<'_>) -> Resource {
    let name = f
        .text(&["tableName"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["tableArn"]], || {
        format!(
            "arn:aws:dynamodb:{}:{}:table/{name}",
            f.ci.region, f.ci.account
        )
    });
    let sse_enabled = f
        .text(&["ssedescription", "status"])
        .is_some_and(|s| s.eq_ignore_ascii_case("ENABLED") || s.eq_ignore_ascii_case("UPDATING"));
    let mut table = DynamodbTable {
        status: f.text(&["tableStatus"]).unwrap_or_default(),
        sse_type: f
            .text(&["ssedescription", "ssetype"])
            .filter(|_| sse_enabled),
        kms_key_arn: f
            .text(&["ssedescription", "kmsmasterKeyArn"])
            .filter(|_| sse_enabled),
        pitr_enabled: false,
        deletion_protection: f.bool(&["deletionProtectionEnabled"]).unwrap_or(false),
    };
    match f.s(&[
        "ContinuousBackupsDescription",
        "pointInTimeRecoveryDescription",
        "pointInTimeRecoveryStatus",
    ]) {
        Some(status) => {
            table.pitr_enabled =
                as_text(&status).is_some_and(|s| s.eq_ignore_ascii_case("ENABLED"));
        }
        None => f.missing(
            "pitr_enabled",
            &[
                "supplementaryConfiguration",
                "ContinuousBackupsDescription",
                "pointInTimeRecoveryDescription",
                "pointInTimeRecoveryStatus",
            ],
        ),
    }
    f.finish(arn, table)
}

fn trail(mut f: Fields<'_>) -> Resource {
    let name = f
        .text(&["name"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let home_region = f
        .text(&["homeRegion"])
        .unwrap_or_else(|| f.ci.region.clone());
    let arn = arn_or(&f, &[&["trailARN"]], || {
        format!(
            "arn:aws:cloudtrail:{home_region}:{}:trail/{name}",
            f.ci.account
        )
    });
    let mut trail = Trail {
        is_multi_region: f.need_bool("is_multi_region", &["isMultiRegionTrail"]),
        is_organization_trail: f.bool(&["isOrganizationTrail"]).unwrap_or(false),
        is_logging: false,
        log_file_validation_enabled: f
            .need_bool("log_file_validation_enabled", &["logFileValidationEnabled"]),
        kms_key_id: f.text(&["kmsKeyId"]),
        cloudwatch_logs_log_group_arn: f.text(&["cloudWatchLogsLogGroupArn"]),
        latest_cloudwatch_logs_delivery_time: None,
        s3_bucket_name: f.need_text("s3_bucket_name", &["s3BucketName"]),
        s3_key_prefix: f.text(&["s3KeyPrefix"]),
        include_global_service_events: f.bool(&["includeGlobalServiceEvents"]).unwrap_or(false),
        event_selectors: Vec::new(),
        advanced_event_selectors: Vec::new(),
        home_region,
    };
    f.not_recorded("is_logging");
    if trail.cloudwatch_logs_log_group_arn.is_some() {
        f.not_recorded("latest_cloudwatch_logs_delivery_time");
    }
    // A trail without custom selectors records every management event, read and write, and
    // no data events: that much Config does tell.
    if f.bool(&["hasCustomEventSelectors"]) == Some(false) {
        trail.event_selectors = vec![EventSelector {
            read_write_type: "All".into(),
            include_management_events: true,
            data_resources: Vec::new(),
        }];
    } else {
        f.not_recorded("event_selectors");
        f.not_recorded("advanced_event_selectors");
    }
    let mut resource = f.finish(arn, trail);
    resource.name = Some(name);
    resource
}

fn log_group(mut f: Fields<'_>) -> Resource {
    let name = f
        .text(&["logGroupName"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["arn"]], || {
        format!(
            "arn:aws:logs:{}:{}:log-group:{name}",
            f.ci.region, f.ci.account
        )
    });
    let arn = arn.strip_suffix(":*").map(str::to_string).unwrap_or(arn);
    let group = LogGroup {
        retention_in_days: f.u32(&["retentionInDays"]),
        kms_key_id: f.text(&["kmsKeyId"]),
        stored_bytes: f
            .c(&["storedBytes"])
            .and_then(|v| as_i64(&v))
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0),
        metric_filters: Vec::new(),
    };
    f.not_recorded("metric_filters");
    let mut resource = f.finish(arn, group);
    resource.name = Some(name);
    resource
}

fn alarm(mut f: Fields<'_>) -> Resource {
    let arn = arn_or(&f, &[&["alarmArn"]], || {
        format!(
            "arn:aws:cloudwatch:{}:{}:alarm:{}",
            f.ci.region, f.ci.account, f.ci.resource_id
        )
    });
    let state = f.text(&["stateValue"]);
    let alarm = CloudwatchAlarm {
        namespace: f.text(&["namespace"]),
        metric_name: f.text(&["metricName"]),
        actions_enabled: f.need_bool("actions_enabled", &["actionsEnabled"]),
        alarm_actions: strings(f.c(&["alarmActions"]).as_deref()),
        state: state.clone().unwrap_or_default(),
    };
    if state.is_none() {
        f.not_recorded("state");
    }
    f.finish(arn, alarm)
}

fn sns_topic(mut f: Fields<'_>) -> Resource {
    let arn = arn_or(&f, &[&["TopicArn"]], || f.ci.resource_id.clone());
    let topic = SnsTopic {
        kms_master_key_id: f.text(&["KmsMasterKeyId"]),
        subscriptions: Vec::new(),
    };
    f.not_recorded("subscriptions");
    let name = f.ci.name.clone().unwrap_or_else(|| last_segment(&arn));
    let mut resource = f.finish(arn, topic);
    resource.name = Some(name);
    resource
}

fn guardduty(mut f: Fields<'_>) -> Resource {
    let id = f.text(&["Id"]).unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[], || {
        format!(
            "arn:aws:guardduty:{}:{}:detector/{id}",
            f.ci.region, f.ci.account
        )
    });
    let status = match f.bool(&["Enable"]) {
        Some(true) => "ENABLED".to_string(),
        Some(false) => "DISABLED".to_string(),
        None => f.text(&["Status"]).unwrap_or_else(|| {
            f.missing("status", &["Enable"]);
            String::new()
        }),
    };
    let mut features = Vec::new();
    let on = |v: Option<Cow<'_, Value>>| v.and_then(|b| as_bool(&b)).unwrap_or(false);
    if on(f.c(&["DataSources", "S3Logs", "Enable"])) {
        features.push("S3_DATA_EVENTS".to_string());
    }
    if on(f.c(&["DataSources", "Kubernetes", "AuditLogs", "Enable"])) {
        features.push("EKS_AUDIT_LOGS".to_string());
    }
    for feature in items(f.c(&["Features"]).as_deref()) {
        let name = json::path(&feature, &["Name"]).and_then(|v| as_text(&v));
        let enabled = json::path(&feature, &["Status"])
            .and_then(|v| as_text(&v))
            .is_some_and(|s| s.eq_ignore_ascii_case("ENABLED"));
        if let (Some(name), true) = (name, enabled)
            && !features.contains(&name)
        {
            features.push(name);
        }
    }
    let detector = GuarddutyDetector {
        status,
        finding_publishing_frequency: f.text(&["FindingPublishingFrequency"]).unwrap_or_default(),
        features,
        high_severity_findings: 0,
    };
    f.not_recorded("high_severity_findings");
    f.finish(arn, detector)
}

fn config_recorder(mut f: Fields<'_>) -> Resource {
    let name = f
        .text(&["Name"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| "default".into());
    let arn = arn_or(&f, &[], || {
        format!(
            "arn:aws:config:{}:{}:config-recorder/{name}",
            f.ci.region, f.ci.account
        )
    });
    let all_supported = f
        .bool(&["RecordingGroup", "AllSupported"])
        .or_else(|| {
            f.text(&["RecordingGroup", "RecordingStrategy", "UseOnly"])
                .map(|s| s == "ALL_SUPPORTED_RESOURCE_TYPES")
        })
        .unwrap_or_else(|| {
            f.missing("all_supported", &["RecordingGroup", "AllSupported"]);
            false
        });
    let recorder = ConfigRecorder {
        all_supported,
        include_global_resource_types: f
            .bool(&["RecordingGroup", "IncludeGlobalResourceTypes"])
            .unwrap_or(false),
        recording: match f
            .bool(&["Recording"])
            .or_else(|| f.bool(&["RecordingStatus", "Recording"]))
        {
            Some(r) => r,
            None => {
                f.not_recorded("recording");
                false
            }
        },
        last_status: f.text(&["RecordingStatus", "LastStatus"]),
    };
    let mut resource = f.finish(arn, recorder);
    resource.name = Some(name);
    resource
}

fn security_hub(mut f: Fields<'_>, world: &World) -> Resource {
    let arn = arn_or(&f, &[&["HubArn"]], || {
        format!(
            "arn:aws:securityhub:{}:{}:hub/default",
            f.ci.region, f.ci.account
        )
    });
    let mut hub = SecurityHubHub {
        subscribed_at: f.time(&["SubscribedAt"]),
        enabled_standards: Vec::new(),
    };
    if world.knows("AWS::SecurityHub::Standard", &f.ci.account, &f.ci.region) {
        hub.enabled_standards = world
            .standards
            .get(&(f.ci.account.clone(), f.ci.region.clone()))
            .cloned()
            .unwrap_or_default();
    } else {
        f.type_unknown("enabled_standards", "AWS::SecurityHub::Standard");
    }
    f.finish(arn, hub)
}

fn selection(ci: &Ci) -> BackupSelection {
    let sel = ci
        .c(&["BackupSelection"])
        .map(Cow::into_owned)
        .unwrap_or_else(|| ci.cfg.clone());
    let text = |keys: &[&str]| json::path(&sel, keys).and_then(|v| as_text(&v));
    BackupSelection {
        name: text(&["SelectionName"]).unwrap_or_default(),
        resources: strings(json::path(&sel, &["Resources"]).as_deref()),
        not_resources: strings(json::path(&sel, &["NotResources"]).as_deref()),
        tags: items(json::path(&sel, &["ListOfTags"]).as_deref())
            .iter()
            .filter_map(|t| {
                Some(BackupTagCondition {
                    key: json::path(t, &["ConditionKey"]).and_then(|v| as_text(&v))?,
                    value: json::path(t, &["ConditionValue"])
                        .and_then(|v| as_text(&v))
                        .unwrap_or_default(),
                })
            })
            .collect(),
    }
}

fn backup_plan(mut f: Fields<'_>, world: &World) -> Resource {
    let plan_id = f
        .text(&["BackupPlanId"])
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["BackupPlanArn"]], || {
        format!(
            "arn:aws:backup:{}:{}:backup-plan:{plan_id}",
            f.ci.region, f.ci.account
        )
    });
    let rules_value = f.c(&["BackupPlan", "BackupPlanRule"]);
    if rules_value.is_none() {
        f.missing("rules", &["BackupPlan", "BackupPlanRule"]);
    }
    let rules = items(rules_value.as_deref())
        .iter()
        .map(|r| {
            let text = |keys: &[&str]| json::path(r, keys).and_then(|v| as_text(&v));
            BackupRule {
                name: text(&["RuleName"]).unwrap_or_default(),
                schedule_expression: text(&["ScheduleExpression"]),
                target_vault: text(&["TargetBackupVault"]).unwrap_or_default(),
                delete_after_days: json::path(r, &["Lifecycle", "DeleteAfterDays"])
                    .and_then(|v| as_u32(&v)),
                copy_actions: items(json::path(r, &["CopyActions"]).as_deref())
                    .iter()
                    .filter_map(|c| {
                        Some(BackupCopyAction {
                            destination_vault_arn: json::path(c, &["DestinationBackupVaultArn"])
                                .and_then(|v| as_text(&v))?,
                            delete_after_days: json::path(c, &["Lifecycle", "DeleteAfterDays"])
                                .and_then(|v| as_u32(&v)),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let mut plan = BackupPlan {
        rules,
        selections: Vec::new(),
    };
    if world.knows("AWS::Backup::BackupSelection", &f.ci.account, &f.ci.region) {
        plan.selections = world.selections.get(&plan_id).cloned().unwrap_or_default();
    } else {
        f.type_unknown("selections", "AWS::Backup::BackupSelection");
    }
    let name = f
        .text(&["BackupPlan", "BackupPlanName"])
        .or_else(|| f.ci.name.clone());
    let mut resource = f.finish(arn, plan);
    if name.is_some() {
        resource.name = name;
    }
    resource
}

fn backup_vault(mut f: Fields<'_>, world: &World) -> Resource {
    let name = f
        .text(&["BackupVaultName"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["BackupVaultArn"]], || {
        format!(
            "arn:aws:backup:{}:{}:backup-vault:{name}",
            f.ci.region, f.ci.account
        )
    });
    let mut vault = BackupVault {
        encryption_key_arn: f.text(&["EncryptionKeyArn"]),
        ..BackupVault::default()
    };
    match f.c(&["LockConfiguration"]) {
        Some(lock) => {
            vault.locked = true;
            vault.min_retention_days =
                json::path(&lock, &["MinRetentionDays"]).and_then(|v| as_u32(&v));
            vault.max_retention_days =
                json::path(&lock, &["MaxRetentionDays"]).and_then(|v| as_u32(&v));
            f.not_recorded("lock_date");
        }
        None => {
            for field in [
                "locked",
                "min_retention_days",
                "max_retention_days",
                "lock_date",
            ] {
                f.not_recorded(field);
            }
        }
    }
    if world.knows("AWS::Backup::RecoveryPoint", &f.ci.account, &f.ci.region) {
        vault.recovery_points = world
            .recovery_points
            .get(&(f.ci.account.clone(), f.ci.region.clone(), name.clone()))
            .copied()
            .unwrap_or(0);
    } else {
        f.type_unknown("recovery_points", "AWS::Backup::RecoveryPoint");
    }
    let mut resource = f.finish(arn, vault);
    resource.name = Some(name);
    resource
}

fn listener(ci: &Ci) -> Listener {
    let protocol = ci.text(&["Protocol"]).unwrap_or_default();
    let redirects_to_https = items(ci.c(&["DefaultActions"]).as_deref()).iter().any(|a| {
        json::path(a, &["Type"])
            .and_then(|v| as_text(&v))
            .is_some_and(|t| t.eq_ignore_ascii_case("redirect"))
            && json::path(a, &["RedirectConfig", "Protocol"])
                .and_then(|v| as_text(&v))
                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
    });
    Listener {
        port: ci
            .c(&["Port"])
            .and_then(|v| as_i64(&v))
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(0),
        protocol,
        ssl_policy: ci.text(&["SslPolicy"]),
        redirects_to_https,
    }
}

fn load_balancer(mut f: Fields<'_>, world: &World) -> Resource {
    let arn = arn_or(&f, &[&["loadBalancerArn"]], || f.ci.resource_id.clone());
    let attribute = |f: &Fields<'_>, key: &str| -> Option<bool> {
        let list = f.s(&["LoadBalancerAttributes"])?;
        items(Some(&list)).iter().find_map(|a| {
            let k = json::path(a, &["key"]).and_then(|v| as_text(&v))?;
            (k == key)
                .then(|| json::path(a, &["value"]).and_then(|v| as_bool(&v)))
                .flatten()
        })
    };
    let mut lb = LoadBalancer {
        lb_type: f.text(&["type"]).unwrap_or_else(|| "application".into()),
        scheme: f.need_text("scheme", &["scheme"]),
        listeners: Vec::new(),
        access_logs_enabled: attribute(&f, "access_logs.s3.enabled"),
        deletion_protection: attribute(&f, "deletion_protection.enabled"),
    };
    if world.knows(
        "AWS::ElasticLoadBalancingV2::Listener",
        &f.ci.account,
        &f.ci.region,
    ) {
        lb.listeners = world.listeners.get(&arn).cloned().unwrap_or_default();
    } else {
        f.type_unknown("listeners", "AWS::ElasticLoadBalancingV2::Listener");
    }
    let name = f.text(&["loadBalancerName"]).or_else(|| f.ci.name.clone());
    let mut resource = f.finish(arn, lb);
    if name.is_some() {
        resource.name = name;
    }
    resource
}

fn distribution(mut f: Fields<'_>) -> Resource {
    let id = f.text(&["id"]).unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["arn"]], || {
        format!("arn:aws:cloudfront::{}:distribution/{id}", f.ci.account)
    });
    fn cfg<'k>(keys: &[&'k str]) -> Vec<&'k str> {
        let mut full = vec!["distributionConfig"];
        full.extend_from_slice(keys);
        full
    }
    let mut policies: Vec<String> = f
        .text(&cfg(&["defaultCacheBehavior", "viewerProtocolPolicy"]))
        .into_iter()
        .collect();
    for behaviour in items(f.c(&cfg(&["cacheBehaviors"])).as_deref()) {
        if let Some(p) = json::path(&behaviour, &["viewerProtocolPolicy"]).and_then(|v| as_text(&v))
        {
            policies.push(p);
        }
    }
    if policies.is_empty() {
        f.missing(
            "viewer_protocol_policies",
            &[
                "distributionConfig",
                "defaultCacheBehavior",
                "viewerProtocolPolicy",
            ],
        );
    }
    let default_certificate = f
        .bool(&cfg(&["viewerCertificate", "cloudFrontDefaultCertificate"]))
        .unwrap_or(false);
    let minimum = f.text(&cfg(&["viewerCertificate", "minimumProtocolVersion"]));
    let minimum_protocol_version = match (minimum, default_certificate) {
        (_, true) => "TLSv1".to_string(),
        (Some(m), false) => m,
        (None, false) => {
            f.missing(
                "minimum_protocol_version",
                &[
                    "distributionConfig",
                    "viewerCertificate",
                    "minimumProtocolVersion",
                ],
            );
            String::new()
        }
    };
    let origin_protocol_policies = items(f.c(&cfg(&["origins"])).as_deref())
        .iter()
        .filter_map(|o| {
            json::path(o, &["customOriginConfig", "originProtocolPolicy"]).and_then(|v| as_text(&v))
        })
        .collect();
    let dist = Distribution {
        enabled: f.need_bool("enabled", &["distributionConfig", "enabled"]),
        viewer_protocol_policies: policies,
        minimum_protocol_version,
        default_certificate,
        origin_protocol_policies,
        web_acl_id: f.text(&cfg(&["webACLId"])),
        logging_enabled: f.bool(&cfg(&["logging", "enabled"])).unwrap_or(false),
    };
    let mut resource = f.finish(arn, dist);
    resource.region = GLOBAL.to_string();
    resource
}

fn secret(mut f: Fields<'_>) -> Resource {
    let arn = arn_or(&f, &[&["ARN"], &["Id"]], || f.ci.resource_id.clone());
    let rotation_enabled = f.need_bool("rotation_enabled", &["RotationEnabled"]);
    let schedule_days = f
        .text(&["RotationRules", "ScheduleExpression"])
        .and_then(|s| rate_days(&s));
    let secret = Secret {
        kms_key_id: f.text(&["KmsKeyId"]),
        rotation_enabled,
        rotation_days: f
            .u32(&["RotationRules", "AutomaticallyAfterDays"])
            .or(schedule_days),
        last_rotated: None,
        last_accessed: None,
    };
    let name = f.text(&["Name"]).or_else(|| f.ci.name.clone());
    let mut resource = f.finish(arn, secret);
    if name.is_some() {
        resource.name = name;
    }
    resource
}

/// Days of a `rate(N days)` schedule (`rate(N hours)` rounds up to days).
fn rate_days(expr: &str) -> Option<u32> {
    let inner = expr.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: u32 = n.parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n),
        "hour" | "hours" => Some(n.div_ceil(24)),
        _ => None,
    }
}

fn lambda(mut f: Fields<'_>, world: &World) -> Resource {
    let arn = arn_or(&f, &[&["functionArn"]], || {
        format!(
            "arn:aws:lambda:{}:{}:function:{}",
            f.ci.region, f.ci.account, f.ci.resource_id
        )
    });
    let policy = match f.s(&["Policy"]) {
        Some(text) => match json::policy(&text) {
            Ok(doc) => Some(doc),
            Err(why) => {
                f.unreadable("policy", why);
                None
            }
        },
        None => None,
    };
    let mut function = LambdaFunction {
        runtime: f.text(&["runtime"]),
        role: f.need_text("role", &["role"]),
        kms_key_arn: f.text(&["kmskeyArn"]),
        vpc_id: f.text(&["vpcConfig", "vpcId"]).or_else(|| {
            (!strings(f.c(&["vpcConfig", "subnetIds"]).as_deref()).is_empty())
                .then(|| "unknown (attached to subnets)".to_string())
        }),
        url_auth_type: None,
        policy,
        environment_variable_names: Vec::new(),
    };
    if world.knows("AWS::Lambda::Url", &f.ci.account, &f.ci.region) {
        function.url_auth_type = world.lambda_urls.get(&arn).cloned();
    } else {
        f.type_unknown("url_auth_type", "AWS::Lambda::Url");
    }
    f.not_recorded("environment_variable_names");
    let name = f.text(&["functionName"]).or_else(|| f.ci.name.clone());
    let mut resource = f.finish(arn, function);
    if name.is_some() {
        resource.name = name;
    }
    resource
}

/// The first of several spellings present (OpenSearch items use the CloudFormation shape,
/// Elasticsearch items the API shape).
fn first_of<'c>(f: &Fields<'c>, spellings: &[&[&str]]) -> Option<Cow<'c, Value>> {
    spellings.iter().find_map(|keys| f.c(keys))
}

fn opensearch_domain(mut f: Fields<'_>) -> Resource {
    let name = f
        .text(&["DomainName"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["Arn"], &["DomainArn"], &["ARN"]], || {
        format!("arn:aws:es:{}:{}:domain/{name}", f.ci.region, f.ci.account)
    });
    let at_rest = f.need_bool(
        "encryption_at_rest",
        &["EncryptionAtRestOptions", "Enabled"],
    );
    let n2n = f.need_bool(
        "node_to_node_encryption",
        &["NodeToNodeEncryptionOptions", "Enabled"],
    );
    let https = f.need_bool("enforce_https", &["DomainEndpointOptions", "EnforceHTTPS"]);
    let vpc = first_of(&f, &[&["VPCOptions"], &["VpcOptions"]]);
    let log_publishing = first_of(&f, &[&["LogPublishingOptions"]])
        .and_then(|v| v.as_object().cloned())
        .map(|m| {
            let mut enabled: Vec<String> = m
                .iter()
                .filter(|(_, o)| {
                    json::path(o, &["Enabled"]).is_some_and(|v| as_bool(&v) == Some(true))
                })
                .map(|(k, _)| k.clone())
                .collect();
            enabled.sort();
            enabled
        })
        .unwrap_or_default();
    let domain = OpensearchDomain {
        engine_version: f
            .text(&["EngineVersion"])
            .or_else(|| f.text(&["ElasticsearchVersion"]))
            .unwrap_or_default(),
        encryption_at_rest: at_rest,
        kms_key_id: f.text(&["EncryptionAtRestOptions", "KmsKeyId"]),
        node_to_node_encryption: n2n,
        enforce_https: https,
        tls_security_policy: f.text(&["DomainEndpointOptions", "TLSSecurityPolicy"]),
        vpc_id: vpc
            .as_deref()
            .and_then(|v| json::path(v, &["VPCId"]).and_then(|v| as_text(&v))),
        log_publishing,
        fine_grained_access_control: f
            .bool(&["AdvancedSecurityOptions", "Enabled"])
            .unwrap_or(false),
    };
    let mut resource = f.finish(arn, domain);
    resource.name = Some(name);
    resource
}

fn redshift_cluster(mut f: Fields<'_>) -> Resource {
    let id = f
        .text(&["ClusterIdentifier"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = f.ci.arn.clone().unwrap_or_else(|| {
        format!(
            "arn:aws:redshift:{}:{}:cluster:{id}",
            f.ci.region, f.ci.account
        )
    });
    let audit_logging = match f
        .s(&["LoggingStatus", "LoggingEnabled"])
        .and_then(|v| as_bool(&v))
    {
        Some(v) => v,
        None => {
            f.missing(
                "audit_logging",
                &[
                    "supplementaryConfiguration",
                    "LoggingStatus",
                    "loggingEnabled",
                ],
            );
            false
        }
    };
    let cluster = RedshiftCluster {
        encrypted: f.need_bool("encrypted", &["Encrypted"]),
        kms_key_id: f.text(&["KmsKeyId"]),
        publicly_accessible: f.need_bool("publicly_accessible", &["PubliclyAccessible"]),
        automated_snapshot_retention_period: f.need_u32(
            "automated_snapshot_retention_period",
            &["AutomatedSnapshotRetentionPeriod"],
        ),
        audit_logging,
        parameter_groups: items(f.c(&["ClusterParameterGroups"]).as_deref())
            .iter()
            .filter_map(|g| json::path(g, &["ParameterGroupName"]).and_then(|v| as_text(&v)))
            .collect(),
        parameters: BTreeMap::new(),
        allow_version_upgrade: f.bool(&["AllowVersionUpgrade"]).unwrap_or(false),
        enhanced_vpc_routing: f.bool(&["EnhancedVpcRouting"]).unwrap_or(false),
        vpc_id: f.text(&["VpcId"]),
    };
    // Parameter values live in AWS::Redshift::ClusterParameterGroup items, whose
    // configuration does not carry them.
    f.not_recorded("parameters");
    let mut resource = f.finish(arn, cluster);
    resource.name = Some(id);
    resource
}

fn apigateway_stage(mut f: Fields<'_>) -> Resource {
    let stage_name = f.need_text("stage_name", &["StageName"]);
    // The resource id is the stage ARN (`arn:aws:apigateway:REGION::/restapis/ID/stages/NAME`).
    let arn =
        f.ci.arn
            .clone()
            .filter(|a| a.contains("/restapis/"))
            .or_else(|| {
                f.ci.resource_id
                    .contains("/restapis/")
                    .then(|| f.ci.resource_id.clone())
            });
    let rest_api_id = arn
        .as_deref()
        .and_then(|a| a.split("/restapis/").nth(1))
        .and_then(|rest| rest.split('/').next())
        .map(str::to_string)
        .or_else(|| f.text(&["RestApiId"]))
        .unwrap_or_default();
    let arn = arn.unwrap_or_else(|| {
        format!(
            "arn:aws:apigateway:{}::/restapis/{rest_api_id}/stages/{stage_name}",
            f.ci.region
        )
    });
    let stage = ApigatewayStage {
        rest_api_id,
        rest_api_name: String::new(),
        stage_name: stage_name.clone(),
        client_certificate_id: f.text(&["ClientCertificateId"]).filter(|c| !c.is_empty()),
        logging_level: f.text(&["MethodSettings", "*/*", "LoggingLevel"]),
        access_log_destination: f.text(&["AccessLogSettings", "DestinationArn"]),
        web_acl_arn: f.text(&["WebAclArn"]),
        tracing_enabled: f.bool(&["TracingEnabled"]).unwrap_or(false),
        cache_cluster_enabled: f.bool(&["CacheClusterEnabled"]).unwrap_or(false),
    };
    let mut resource = f.finish(arn, stage);
    resource.name = Some(stage_name);
    resource
}

fn efs_file_system(mut f: Fields<'_>) -> Resource {
    let id = f
        .text(&["FileSystemId"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn = arn_or(&f, &[&["Arn"], &["FileSystemArn"]], || {
        format!(
            "arn:aws:elasticfilesystem:{}:{}:file-system/{id}",
            f.ci.region, f.ci.account
        )
    });
    let backup = match f.text(&["BackupPolicy", "Status"]) {
        Some(status) => status.eq_ignore_ascii_case("ENABLED"),
        None => {
            f.missing("backup_policy_enabled", &["BackupPolicy", "Status"]);
            false
        }
    };
    let fs = EfsFileSystem {
        encrypted: f.need_bool("encrypted", &["Encrypted"]),
        kms_key_id: f.text(&["KmsKeyId"]),
        backup_policy_enabled: backup,
        life_cycle_state: f.text(&["LifeCycleState"]).unwrap_or_default(),
    };
    let mut resource = f.finish(arn, fs);
    resource.name = Some(id);
    resource
}

fn classic_load_balancer(mut f: Fields<'_>) -> Resource {
    let name = f
        .text(&["LoadBalancerName"])
        .or_else(|| f.ci.name.clone())
        .unwrap_or_else(|| f.ci.resource_id.clone());
    let arn =
        f.ci.arn
            .clone()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{name}",
                    f.ci.region, f.ci.account
                )
            });
    let listeners: Vec<ClassicListener> = match f.c(&["ListenerDescriptions"]) {
        Some(v) => items(Some(&v))
            .iter()
            .map(|d| {
                let text = |k: &str| json::path(d, &["Listener", k]).and_then(|v| as_text(&v));
                ClassicListener {
                    protocol: text("Protocol").unwrap_or_default().to_ascii_uppercase(),
                    port: json::path(d, &["Listener", "LoadBalancerPort"])
                        .and_then(|v| as_i64(&v))
                        .and_then(|p| i32::try_from(p).ok())
                        .unwrap_or(0),
                    instance_protocol: text("InstanceProtocol").map(|p| p.to_ascii_uppercase()),
                    ssl_certificate_id: text("SSLCertificateId"),
                    security_policy: None,
                }
            })
            .collect(),
        None => {
            f.missing("listeners", &["listenerDescriptions"]);
            Vec::new()
        }
    };
    if listeners
        .iter()
        .any(|l| matches!(l.protocol.as_str(), "HTTPS" | "SSL"))
    {
        // The item names the policies but not the predefined policy they reference.
        f.not_recorded("security_policy");
    }
    let attribute = |f: &mut Fields<'_>, field: &str, key: &str| -> bool {
        match f
            .s(&["LoadBalancerAttributes", key, "Enabled"])
            .and_then(|v| as_bool(&v))
        {
            Some(v) => v,
            None => {
                f.missing(
                    field,
                    &[
                        "supplementaryConfiguration",
                        "LoadBalancerAttributes",
                        key,
                        "enabled",
                    ],
                );
                false
            }
        }
    };
    let access_logs_enabled = attribute(&mut f, "access_logs_enabled", "AccessLog");
    let cross_zone = attribute(&mut f, "cross_zone", "CrossZoneLoadBalancing");
    let lb = ClassicLoadBalancer {
        scheme: f.text(&["Scheme"]).unwrap_or_default(),
        vpc_id: f.text(&["VpcId"]).or_else(|| f.text(&["VPCId"])),
        listeners,
        access_logs_enabled,
        cross_zone,
    };
    let mut resource = f.finish(arn, lb);
    resource.name = Some(name);
    resource
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn public_acl_grantees_in_every_shape() {
        let acl =
            |grantee: Value| json!({"grantList": [{"grantee": grantee, "permission": "Read"}]});
        assert!(acl_is_public(&acl(json!("AllUsers"))));
        assert!(acl_is_public(&acl(
            json!({"uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"})
        )));
        assert!(acl_is_public(&acl(
            json!({"identifier": "AllUsers", "typeIdentifier": "uri"})
        )));
        assert!(!acl_is_public(&acl(
            json!({"id": "0f1e2d3c", "displayName": null})
        )));
        assert!(!acl_is_public(&acl(json!("LogDelivery"))));
        assert!(!acl_is_public(&json!({"grantList": null})));
    }

    #[test]
    fn rate_expressions() {
        assert_eq!(rate_days("rate(30 days)"), Some(30));
        assert_eq!(rate_days("rate(36 hours)"), Some(2));
        assert_eq!(rate_days("cron(0 5 ? * * *)"), None);
    }
}
