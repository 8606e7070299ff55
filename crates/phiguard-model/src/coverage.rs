//! Coverage: for each account × region × data source, whether the data was collected.
//!
//! A control declares the data sources it reads; where coverage says one of them is missing, the
//! engine reports `error` (not evaluated) instead of letting the control pass on absent data.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! data_sources {
    ($($variant:ident => ($name:literal, $service:literal, $global:literal, $doc:literal)),* $(,)?) => {
        /// One data set a collector gathers, at the granularity at which collection can fail
        /// on its own (one API family of one service).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum DataSource {
            $(#[doc = $doc] $variant,)*
        }

        impl DataSource {
            /// Every data source.
            pub const ALL: &'static [DataSource] = &[$(DataSource::$variant,)*];

            /// The wire name, e.g. `iam_credential_report`.
            pub fn as_str(self) -> &'static str {
                match self { $(DataSource::$variant => $name,)* }
            }

            /// The AWS service (IAM prefix) the data comes from.
            pub fn service(self) -> &'static str {
                match self { $(DataSource::$variant => $service,)* }
            }

            /// Whether the data is global (recorded under region `global`) rather than
            /// per region.
            pub fn is_global(self) -> bool {
                match self { $(DataSource::$variant => $global,)* }
            }

            /// What the data set holds and which calls fill it.
            pub fn description(self) -> &'static str {
                match self { $(DataSource::$variant => $doc,)* }
            }
        }
    };
}

data_sources! {
    ArtifactAgreements => ("artifact_agreements", "artifact", true, "AWS Artifact agreements accepted for the account or organisation (artifact:ListCustomerAgreements)."),
    TaggedResources => ("tagged_resources", "tag", false, "ARN and tags of resources of every service (tag:GetResources)."),
    IamCredentialReport => ("iam_credential_report", "iam", true, "The IAM credential report (iam:GenerateCredentialReport, GetCredentialReport)."),
    IamPasswordPolicy => ("iam_password_policy", "iam", true, "The account password policy (iam:GetAccountPasswordPolicy)."),
    IamAccountSummary => ("iam_account_summary", "iam", true, "Account summary and root MFA type (iam:GetAccountSummary, ListVirtualMFADevices)."),
    IamUsers => ("iam_users", "iam", true, "IAM users with groups, policies, MFA devices and access keys."),
    IamGroups => ("iam_groups", "iam", true, "IAM groups with attached and inline policies."),
    IamRoles => ("iam_roles", "iam", true, "IAM roles with trust policies, attached and inline policies."),
    IamPolicies => ("iam_policies", "iam", true, "Customer- and AWS-managed policies in use with their default version document."),
    S3Buckets => ("s3_buckets", "s3", true, "S3 buckets with encryption, versioning, public access block, policy, ACL, logging, Object Lock, replication and lifecycle."),
    S3AccountPublicAccessBlock => ("s3_account_public_access_block", "s3", true, "The account-level S3 Block Public Access settings (s3control:GetPublicAccessBlock)."),
    KmsKeys => ("kms_keys", "kms", false, "KMS keys with manager, state, spec and rotation status."),
    Ec2Volumes => ("ec2_volumes", "ec2", false, "EBS volumes (ec2:DescribeVolumes)."),
    Ec2Snapshots => ("ec2_snapshots", "ec2", false, "EBS snapshots owned by the account and their create-volume permissions."),
    Ec2EbsDefaults => ("ec2_ebs_defaults", "ec2", false, "EBS encryption by default and its default key (ec2:GetEbsEncryptionByDefault)."),
    Ec2Instances => ("ec2_instances", "ec2", false, "EC2 instances with metadata options, public IPs and instance profiles."),
    Ec2SecurityGroups => ("ec2_security_groups", "ec2", false, "Security groups with ingress and egress rules."),
    Ec2Vpcs => ("ec2_vpcs", "ec2", false, "VPCs and their flow logs."),
    RdsInstances => ("rds_instances", "rds", false, "RDS DB instances."),
    RdsClusters => ("rds_clusters", "rds", false, "RDS and Aurora DB clusters."),
    RdsSnapshots => ("rds_snapshots", "rds", false, "RDS instance and cluster snapshots with their restore attributes."),
    DynamodbTables => ("dynamodb_tables", "dynamodb", false, "DynamoDB tables with SSE and point-in-time recovery."),
    CloudtrailTrails => ("cloudtrail_trails", "cloudtrail", false, "CloudTrail trails with status and (advanced) event selectors."),
    LogsLogGroups => ("logs_log_groups", "logs", false, "CloudWatch Logs log groups with retention, KMS key and metric filters."),
    CloudwatchAlarms => ("cloudwatch_alarms", "cloudwatch", false, "CloudWatch metric alarms and their actions."),
    SnsTopics => ("sns_topics", "sns", false, "SNS topics with their KMS key and subscriptions."),
    GuarddutyDetectors => ("guardduty_detectors", "guardduty", false, "GuardDuty detectors and their status."),
    ConfigRecorders => ("config_recorders", "config", false, "AWS Config configuration recorders and their status."),
    SecurityHub => ("security_hub", "securityhub", false, "Security Hub subscription and enabled standards."),
    BackupPlans => ("backup_plans", "backup", false, "AWS Backup plans, rules and selections."),
    BackupVaults => ("backup_vaults", "backup", false, "AWS Backup vaults with lock configuration."),
    Elbv2LoadBalancers => ("elbv2_load_balancers", "elasticloadbalancing", false, "Application, network and gateway load balancers with listeners and attributes."),
    CloudfrontDistributions => ("cloudfront_distributions", "cloudfront", true, "CloudFront distributions with viewer and origin TLS settings."),
    SecretsManagerSecrets => ("secrets_manager_secrets", "secretsmanager", false, "Secrets Manager secrets (metadata only, never values)."),
    LambdaFunctions => ("lambda_functions", "lambda", false, "Lambda functions with resource policy and function URL auth type."),
    AccessAnalyzers => ("access_analyzers", "access-analyzer", false, "IAM Access Analyzer analyzers and their active external-access findings (access-analyzer:ListAnalyzers, ListFindings)."),
    MacieSessions => ("macie_sessions", "macie2", false, "Amazon Macie status, automated discovery and classification jobs' buckets (macie2:GetMacieSession, GetAutomatedDiscoveryConfiguration, ListClassificationJobs)."),
    InspectorStatuses => ("inspector_statuses", "inspector2", false, "Amazon Inspector account and EC2/ECR/Lambda scan status (inspector2:BatchGetAccountStatus)."),
    SsmDocuments => ("ssm_documents", "ssm", false, "Systems Manager documents owned by the account with their share permissions (ssm:ListDocuments, DescribeDocumentPermission)."),
    Ec2Subnets => ("ec2_subnets", "ec2", false, "VPC subnets with their public-IP-on-launch setting (ec2:DescribeSubnets)."),
    Ec2NetworkAcls => ("ec2_network_acls", "ec2", false, "Network ACLs with their rules and subnets (ec2:DescribeNetworkAcls)."),
    Ec2RouteTables => ("ec2_route_tables", "ec2", false, "Route tables with routes and subnet associations (ec2:DescribeRouteTables)."),
    SsmManagedInstances => ("ssm_managed_instances", "ssm", false, "Systems Manager managed nodes with patch and association compliance (ssm:DescribeInstanceInformation, ListResourceComplianceSummaries)."),
    RdsParameterGroups => ("rds_parameter_groups", "rds", false, "RDS DB and DB cluster parameter groups in use, with their TLS parameters (rds:DescribeDBParameters, DescribeDBClusterParameters)."),
    OpensearchDomains => ("opensearch_domains", "es", false, "OpenSearch Service domains with encryption, endpoint TLS and log publishing options (es:ListDomainNames, DescribeDomains)."),
    RedshiftClusters => ("redshift_clusters", "redshift", false, "Redshift clusters with encryption, audit logging and parameter group settings (redshift:DescribeClusters, DescribeLoggingStatus, DescribeClusterParameters)."),
    ApigatewayStages => ("apigateway_stages", "apigateway", false, "API Gateway REST API stages with client certificate, logging and WAF settings (apigateway:GET /restapis, /stages)."),
    ApigatewayDomains => ("apigateway_domains", "apigateway", false, "API Gateway custom domain names with their TLS security policy (apigateway:GET /domainnames)."),
    BackupRestoreTestingPlans => ("backup_restore_testing_plans", "backup", false, "AWS Backup restore testing plans and the resource types they restore (backup:ListRestoreTestingPlans, ListRestoreTestingSelections)."),
    OrganizationsScps => ("organizations_scps", "organizations", true, "Service control policies that apply to the account through its OUs and root (organizations:ListParents, ListPoliciesForTarget, DescribePolicy)."),
    ElbLoadBalancers => ("elb_load_balancers", "elasticloadbalancing", false, "Classic Load Balancers with listeners, SSL negotiation policies and attributes (elasticloadbalancing:DescribeLoadBalancers, DescribeLoadBalancerPolicies, DescribeLoadBalancerAttributes)."),
    EfsFileSystems => ("efs_file_systems", "elasticfilesystem", false, "EFS file systems with encryption and backup policy (elasticfilesystem:DescribeFileSystems, DescribeBackupPolicy)."),
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether one data source was collected for one account and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoverageEntry {
    /// 12-digit AWS account id.
    pub account: String,
    /// Region, or `global` for global data sources.
    pub region: String,
    /// The data set.
    pub source: DataSource,
    /// What happened when collecting it.
    #[serde(flatten)]
    pub state: CoverageState,
}

/// The outcome of collecting one data source in one account and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CoverageState {
    /// Collected completely.
    Collected,
    /// The caller was not allowed (AccessDenied, UnauthorizedOperation, ...).
    Denied {
        /// The AWS error code.
        code: String,
        /// The error message, if any.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        message: String,
    },
    /// Collection failed (throttled, timed out, parse error, ...).
    Failed {
        /// What went wrong.
        message: String,
    },
    /// The service or the region is not enabled, or the source cannot provide this data (an
    /// AWS Config snapshot has no credential report).
    NotEnabled {
        /// Why.
        reason: String,
    },
    /// The service does not exist in this region: nothing to evaluate there.
    Unsupported {
        /// Why.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
}

impl CoverageState {
    /// Whether the data is there to evaluate.
    pub fn is_collected(&self) -> bool {
        matches!(self, CoverageState::Collected)
    }

    /// A short explanation for a report, e.g. `access denied (AccessDenied)`.
    pub fn describe(&self) -> String {
        match self {
            CoverageState::Collected => "collected".to_string(),
            CoverageState::Denied { code, .. } => format!("access denied ({code})"),
            CoverageState::Failed { message } => format!("collection failed: {message}"),
            CoverageState::NotEnabled { reason } => format!("not enabled: {reason}"),
            CoverageState::Unsupported { reason } if reason.is_empty() => {
                "not supported in this region".to_string()
            }
            CoverageState::Unsupported { reason } => format!("not supported: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for source in DataSource::ALL {
            let json = serde_json::to_string(source).unwrap();
            assert_eq!(json, format!("\"{}\"", source.as_str()));
            let back: DataSource = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *source);
        }
    }

    #[test]
    fn coverage_entry_wire_form() {
        let entry = CoverageEntry {
            account: "111122223333".into(),
            region: "us-east-1".into(),
            source: DataSource::KmsKeys,
            state: CoverageState::Denied {
                code: "AccessDeniedException".into(),
                message: String::new(),
            },
        };
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            json,
            r#"{"account":"111122223333","region":"us-east-1","source":"kms_keys","state":"denied","code":"AccessDeniedException"}"#
        );
        assert_eq!(serde_json::from_str::<CoverageEntry>(&json).unwrap(), entry);
        assert_eq!(
            entry.state.describe(),
            "access denied (AccessDeniedException)"
        );
    }
}
