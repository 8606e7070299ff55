//! Resources: the common envelope (ARN, account, region, tags) and per-kind details.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kinds::*;

macro_rules! resource_kinds {
    ($($variant:ident($ty:ty) => ($name:literal, $title:literal, $source:ident)),* $(,)?) => {
        /// The kind-specific part of a resource, keyed by kind on the wire:
        /// `"details": {"s3_bucket": {...}}`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum Details {
            $(#[doc = $title] $variant($ty),)*
            /// A resource of any service known only by ARN and tags (Resource Groups Tagging
            /// API); used to find PHI in services phiguard does not model.
            Tagged(Tagged),
        }

        /// The kind of a resource.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ResourceKind {
            $(#[doc = $title] $variant,)*
            /// A resource known only by ARN and tags.
            Tagged,
        }

        impl ResourceKind {
            /// Every kind.
            pub const ALL: &'static [ResourceKind] = &[$(ResourceKind::$variant,)* ResourceKind::Tagged];

            /// The wire name, e.g. `s3_bucket`.
            pub fn as_str(self) -> &'static str {
                match self { $(ResourceKind::$variant => $name,)* ResourceKind::Tagged => "tagged" }
            }

            /// A human name.
            pub fn title(self) -> &'static str {
                match self { $(ResourceKind::$variant => $title,)* ResourceKind::Tagged => "Tagged resource" }
            }

            /// The data source that collects resources of this kind.
            pub fn source(self) -> crate::DataSource {
                match self {
                    $(ResourceKind::$variant => crate::DataSource::$source,)*
                    ResourceKind::Tagged => crate::DataSource::TaggedResources,
                }
            }

            /// Position in [`ResourceKind::ALL`], for per-kind indexes.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl Details {
            /// The resource kind.
            pub fn kind(&self) -> ResourceKind {
                match self { $(Details::$variant(_) => ResourceKind::$variant,)* Details::Tagged(_) => ResourceKind::Tagged }
            }
        }

        $(
        impl From<$ty> for Details {
            fn from(d: $ty) -> Details { Details::$variant(d) }
        }
        )*
    };
}

resource_kinds! {
    S3Bucket(S3Bucket) => ("s3_bucket", "S3 bucket", S3Buckets),
    IamUser(IamUser) => ("iam_user", "IAM user", IamUsers),
    IamGroup(IamGroup) => ("iam_group", "IAM group", IamGroups),
    IamRole(IamRole) => ("iam_role", "IAM role", IamRoles),
    IamPolicy(IamPolicy) => ("iam_policy", "IAM managed policy", IamPolicies),
    KmsKey(KmsKey) => ("kms_key", "KMS key", KmsKeys),
    EbsVolume(EbsVolume) => ("ebs_volume", "EBS volume", Ec2Volumes),
    EbsSnapshot(EbsSnapshot) => ("ebs_snapshot", "EBS snapshot", Ec2Snapshots),
    Ec2Instance(Ec2Instance) => ("ec2_instance", "EC2 instance", Ec2Instances),
    SecurityGroup(SecurityGroup) => ("security_group", "Security group", Ec2SecurityGroups),
    Vpc(Vpc) => ("vpc", "VPC", Ec2Vpcs),
    RdsInstance(RdsInstance) => ("rds_instance", "RDS DB instance", RdsInstances),
    RdsCluster(RdsCluster) => ("rds_cluster", "RDS DB cluster", RdsClusters),
    RdsSnapshot(RdsSnapshot) => ("rds_snapshot", "RDS snapshot", RdsSnapshots),
    DynamodbTable(DynamodbTable) => ("dynamodb_table", "DynamoDB table", DynamodbTables),
    Trail(Trail) => ("trail", "CloudTrail trail", CloudtrailTrails),
    LogGroup(LogGroup) => ("log_group", "CloudWatch Logs log group", LogsLogGroups),
    CloudwatchAlarm(CloudwatchAlarm) => ("cloudwatch_alarm", "CloudWatch alarm", CloudwatchAlarms),
    SnsTopic(SnsTopic) => ("sns_topic", "SNS topic", SnsTopics),
    GuarddutyDetector(GuarddutyDetector) => ("guardduty_detector", "GuardDuty detector", GuarddutyDetectors),
    ConfigRecorder(ConfigRecorder) => ("config_recorder", "AWS Config recorder", ConfigRecorders),
    SecurityHub(SecurityHubHub) => ("security_hub", "Security Hub", SecurityHub),
    BackupPlan(BackupPlan) => ("backup_plan", "AWS Backup plan", BackupPlans),
    BackupVault(BackupVault) => ("backup_vault", "AWS Backup vault", BackupVaults),
    LoadBalancer(LoadBalancer) => ("load_balancer", "Elastic Load Balancing v2 load balancer", Elbv2LoadBalancers),
    Distribution(Distribution) => ("distribution", "CloudFront distribution", CloudfrontDistributions),
    Secret(Secret) => ("secret", "Secrets Manager secret", SecretsManagerSecrets),
    LambdaFunction(LambdaFunction) => ("lambda_function", "Lambda function", LambdaFunctions),
    AccessAnalyzer(AccessAnalyzer) => ("access_analyzer", "IAM Access Analyzer analyzer", AccessAnalyzers),
    MacieSession(MacieSession) => ("macie_session", "Amazon Macie session", MacieSessions),
    InspectorStatus(InspectorStatus) => ("inspector_status", "Amazon Inspector account status", InspectorStatuses),
    SsmManagedInstance(SsmManagedInstance) => ("ssm_managed_instance", "Systems Manager managed node", SsmManagedInstances),
    SsmDocument(SsmDocument) => ("ssm_document", "Systems Manager document", SsmDocuments),
    Subnet(Subnet) => ("subnet", "VPC subnet", Ec2Subnets),
    NetworkAcl(NetworkAcl) => ("network_acl", "VPC network ACL", Ec2NetworkAcls),
    RouteTable(RouteTable) => ("route_table", "VPC route table", Ec2RouteTables),
    RdsParameterGroup(RdsParameterGroup) => ("rds_parameter_group", "RDS parameter group", RdsParameterGroups),
    OpensearchDomain(OpensearchDomain) => ("opensearch_domain", "OpenSearch Service domain", OpensearchDomains),
    RedshiftCluster(RedshiftCluster) => ("redshift_cluster", "Redshift cluster", RedshiftClusters),
    ApigatewayStage(ApigatewayStage) => ("apigateway_stage", "API Gateway REST API stage", ApigatewayStages),
    ApigatewayDomain(ApigatewayDomain) => ("apigateway_domain", "API Gateway custom domain name", ApigatewayDomains),
    EfsFileSystem(EfsFileSystem) => ("efs_file_system", "EFS file system", EfsFileSystems),
    BackupRestoreTestingPlan(BackupRestoreTestingPlan) => ("backup_restore_testing_plan", "AWS Backup restore testing plan", BackupRestoreTestingPlans),
    ServiceControlPolicy(ServiceControlPolicy) => ("service_control_policy", "Service control policy", OrganizationsScps),
    ClassicLoadBalancer(ClassicLoadBalancer) => ("classic_load_balancer", "Classic Load Balancer", ElbLoadBalancers),
}

impl From<Tagged> for Details {
    fn from(d: Tagged) -> Details {
        Details::Tagged(d)
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource known only by ARN and tags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tagged {
    /// The resource type if the source said (e.g. `AWS::Lightsail::Instance`).
    pub resource_type: Option<String>,
}

/// One resource of the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Resource {
    /// The ARN, or a stable id where the resource has none.
    pub arn: String,
    /// 12-digit account id.
    pub account: String,
    /// Region, or `global`.
    pub region: String,
    /// Display name (bucket name, instance id, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Attributes that could not be read for this resource alone (the rest of it was).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Kind-specific attributes.
    pub details: Details,
}

/// An attribute of one resource that could not be read, e.g. a bucket policy the caller was
/// denied. Controls reading that attribute report `error` for the resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FieldError {
    /// The attribute, as named in the kind's details (`policy`, `encryption`).
    pub field: String,
    /// The AWS error code or a short cause.
    pub code: String,
    /// Details.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl Resource {
    /// Builds a resource with no tags or errors.
    pub fn new(
        arn: impl Into<String>,
        account: impl Into<String>,
        region: impl Into<String>,
        details: impl Into<Details>,
    ) -> Resource {
        Resource {
            arn: arn.into(),
            account: account.into(),
            region: region.into(),
            name: None,
            tags: BTreeMap::new(),
            errors: Vec::new(),
            details: details.into(),
        }
    }

    /// Sets the display name.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Resource {
        self.name = Some(name.into());
        self
    }

    /// Adds a tag.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Resource {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// The kind.
    pub fn kind(&self) -> ResourceKind {
        self.details.kind()
    }

    /// The display name, falling back to the ARN.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.arn)
    }

    /// The error recorded for an attribute, if reading it failed.
    pub fn field_error(&self, field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }
}
