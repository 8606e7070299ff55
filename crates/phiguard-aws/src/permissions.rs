//! The IAM actions the collector needs: one row per SDK operation it calls, with the IAM
//! action that authorises it (they differ: S3 `GetBucketEncryption` is authorised by
//! `s3:GetEncryptionConfiguration`). `phiguard iam-policy` prints the policy built from this
//! table, and the emulator test checks that every operation the collector really called is in
//! it and that every row was called, so the policy is neither short nor padded.

use std::collections::BTreeSet;

use serde_json::{Value, json};

/// One SDK operation and the IAM action authorising it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// The SDK's service name (as in the operation metadata: `S3`, `CloudWatch Logs`).
    pub service: &'static str,
    /// The operation name (`ListBuckets`).
    pub operation: &'static str,
    /// The IAM action (`s3:ListAllMyBuckets`).
    pub action: &'static str,
}

macro_rules! permissions {
    ($($service:literal $operation:ident => $action:literal),* $(,)?) => {
        /// Every operation the collector may call.
        pub const PERMISSIONS: &[Permission] = &[$(Permission {
            service: $service,
            operation: stringify!($operation),
            action: $action,
        },)*];
    };
}

permissions! {
    // Identity, regions, organisation.
    "STS" GetCallerIdentity => "sts:GetCallerIdentity",
    "STS" AssumeRole => "sts:AssumeRole",
    "EC2" DescribeRegions => "ec2:DescribeRegions",
    "Organizations" ListAccounts => "organizations:ListAccounts",
    // Account settings.
    "IAM" GenerateCredentialReport => "iam:GenerateCredentialReport",
    "IAM" GetCredentialReport => "iam:GetCredentialReport",
    "IAM" GetAccountPasswordPolicy => "iam:GetAccountPasswordPolicy",
    "IAM" GetAccountSummary => "iam:GetAccountSummary",
    "IAM" ListVirtualMFADevices => "iam:ListVirtualMFADevices",
    "S3 Control" GetPublicAccessBlock => "s3:GetAccountPublicAccessBlock",
    "Artifact" ListCustomerAgreements => "artifact:ListCustomerAgreements",
    // IAM.
    "IAM" GetAccountAuthorizationDetails => "iam:GetAccountAuthorizationDetails",
    "IAM" ListMFADevices => "iam:ListMFADevices",
    "IAM" ListAccessKeys => "iam:ListAccessKeys",
    "IAM" GetAccessKeyLastUsed => "iam:GetAccessKeyLastUsed",
    "IAM" GetLoginProfile => "iam:GetLoginProfile",
    "IAM" GetUser => "iam:GetUser",
    // S3.
    "S3" ListBuckets => "s3:ListAllMyBuckets",
    "S3" GetBucketLocation => "s3:GetBucketLocation",
    "S3" GetBucketEncryption => "s3:GetEncryptionConfiguration",
    "S3" GetBucketVersioning => "s3:GetBucketVersioning",
    "S3" GetPublicAccessBlock => "s3:GetBucketPublicAccessBlock",
    "S3" GetBucketPolicy => "s3:GetBucketPolicy",
    "S3" GetBucketPolicyStatus => "s3:GetBucketPolicyStatus",
    "S3" GetBucketAcl => "s3:GetBucketAcl",
    "S3" GetBucketOwnershipControls => "s3:GetBucketOwnershipControls",
    "S3" GetBucketLogging => "s3:GetBucketLogging",
    "S3" GetObjectLockConfiguration => "s3:GetBucketObjectLockConfiguration",
    "S3" GetBucketReplication => "s3:GetReplicationConfiguration",
    "S3" GetBucketLifecycleConfiguration => "s3:GetLifecycleConfiguration",
    "S3" GetBucketTagging => "s3:GetBucketTagging",
    // KMS.
    "KMS" ListAliases => "kms:ListAliases",
    "KMS" ListKeys => "kms:ListKeys",
    "KMS" DescribeKey => "kms:DescribeKey",
    "KMS" GetKeyRotationStatus => "kms:GetKeyRotationStatus",
    "KMS" ListResourceTags => "kms:ListResourceTags",
    // Tagging.
    "Resource Groups Tagging API" GetResources => "tag:GetResources",
    // EC2 (volumes, snapshots, EBS defaults, instances, security groups, VPCs, flow logs).
    "EC2" DescribeVolumes => "ec2:DescribeVolumes",
    "EC2" DescribeSnapshots => "ec2:DescribeSnapshots",
    "EC2" DescribeSnapshotAttribute => "ec2:DescribeSnapshotAttribute",
    "EC2" GetEbsEncryptionByDefault => "ec2:GetEbsEncryptionByDefault",
    "EC2" GetEbsDefaultKmsKeyId => "ec2:GetEbsDefaultKmsKeyId",
    "EC2" DescribeInstances => "ec2:DescribeInstances",
    "EC2" DescribeSecurityGroups => "ec2:DescribeSecurityGroups",
    "EC2" DescribeVpcs => "ec2:DescribeVpcs",
    "EC2" DescribeFlowLogs => "ec2:DescribeFlowLogs",
    "EC2" DescribeSubnets => "ec2:DescribeSubnets",
    "EC2" DescribeNetworkAcls => "ec2:DescribeNetworkAcls",
    "EC2" DescribeRouteTables => "ec2:DescribeRouteTables",
    // RDS and Aurora.
    "RDS" DescribeDBInstances => "rds:DescribeDBInstances",
    "RDS" DescribeDBClusters => "rds:DescribeDBClusters",
    "RDS" DescribeDBSnapshots => "rds:DescribeDBSnapshots",
    "RDS" DescribeDBSnapshotAttributes => "rds:DescribeDBSnapshotAttributes",
    "RDS" DescribeDBClusterSnapshots => "rds:DescribeDBClusterSnapshots",
    "RDS" DescribeDBClusterSnapshotAttributes => "rds:DescribeDBClusterSnapshotAttributes",
    // DynamoDB.
    "DynamoDB" ListTables => "dynamodb:ListTables",
    "DynamoDB" DescribeTable => "dynamodb:DescribeTable",
    "DynamoDB" DescribeContinuousBackups => "dynamodb:DescribeContinuousBackups",
    "DynamoDB" ListTagsOfResource => "dynamodb:ListTagsOfResource",
    // CloudTrail.
    "CloudTrail" DescribeTrails => "cloudtrail:DescribeTrails",
    "CloudTrail" GetTrailStatus => "cloudtrail:GetTrailStatus",
    "CloudTrail" GetEventSelectors => "cloudtrail:GetEventSelectors",
    "CloudTrail" ListTags => "cloudtrail:ListTags",
    // CloudWatch Logs.
    "CloudWatch Logs" DescribeLogGroups => "logs:DescribeLogGroups",
    "CloudWatch Logs" DescribeMetricFilters => "logs:DescribeMetricFilters",
    "CloudWatch Logs" ListTagsForResource => "logs:ListTagsForResource",
    // CloudWatch alarms.
    "CloudWatch" DescribeAlarms => "cloudwatch:DescribeAlarms",
    "CloudWatch" ListTagsForResource => "cloudwatch:ListTagsForResource",
    // SNS.
    "SNS" ListTopics => "sns:ListTopics",
    "SNS" GetTopicAttributes => "sns:GetTopicAttributes",
    "SNS" ListSubscriptionsByTopic => "sns:ListSubscriptionsByTopic",
    "SNS" ListTagsForResource => "sns:ListTagsForResource",
    // GuardDuty.
    "GuardDuty" ListDetectors => "guardduty:ListDetectors",
    "GuardDuty" GetDetector => "guardduty:GetDetector",
    "GuardDuty" ListFindings => "guardduty:ListFindings",
    // AWS Config.
    "Config Service" DescribeConfigurationRecorders => "config:DescribeConfigurationRecorders",
    "Config Service" DescribeConfigurationRecorderStatus => "config:DescribeConfigurationRecorderStatus",
    // Security Hub.
    "SecurityHub" DescribeHub => "securityhub:DescribeHub",
    "SecurityHub" GetEnabledStandards => "securityhub:GetEnabledStandards",
    "SecurityHub" ListTagsForResource => "securityhub:ListTagsForResource",
    // AWS Backup.
    "Backup" ListBackupPlans => "backup:ListBackupPlans",
    "Backup" GetBackupPlan => "backup:GetBackupPlan",
    "Backup" ListBackupSelections => "backup:ListBackupSelections",
    "Backup" GetBackupSelection => "backup:GetBackupSelection",
    "Backup" ListBackupVaults => "backup:ListBackupVaults",
    "Backup" ListTags => "backup:ListTags",
    // Elastic Load Balancing v2.
    "Elastic Load Balancing v2" DescribeLoadBalancers => "elasticloadbalancing:DescribeLoadBalancers",
    "Elastic Load Balancing v2" DescribeListeners => "elasticloadbalancing:DescribeListeners",
    "Elastic Load Balancing v2" DescribeLoadBalancerAttributes => "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "Elastic Load Balancing v2" DescribeTags => "elasticloadbalancing:DescribeTags",
    // CloudFront.
    "CloudFront" ListDistributions => "cloudfront:ListDistributions",
    "CloudFront" GetDistributionConfig => "cloudfront:GetDistributionConfig",
    "CloudFront" ListTagsForResource => "cloudfront:ListTagsForResource",
    // Secrets Manager (metadata only).
    "Secrets Manager" ListSecrets => "secretsmanager:ListSecrets",
    // Lambda.
    "Lambda" ListFunctions => "lambda:ListFunctions",
    "Lambda" GetPolicy => "lambda:GetPolicy",
    "Lambda" ListFunctionUrlConfigs => "lambda:ListFunctionUrlConfigs",
    "Lambda" ListTags => "lambda:ListTags",
    // IAM Access Analyzer.
    "AccessAnalyzer" ListAnalyzers => "access-analyzer:ListAnalyzers",
    "AccessAnalyzer" ListFindings => "access-analyzer:ListFindings",
    // Amazon Macie.
    "Macie2" GetMacieSession => "macie2:GetMacieSession",
    "Macie2" GetAutomatedDiscoveryConfiguration => "macie2:GetAutomatedDiscoveryConfiguration",
    "Macie2" ListClassificationJobs => "macie2:ListClassificationJobs",
    // Amazon Inspector.
    "Inspector2" BatchGetAccountStatus => "inspector2:BatchGetAccountStatus",
    // Systems Manager.
    "SSM" DescribeInstanceInformation => "ssm:DescribeInstanceInformation",
    "SSM" ListResourceComplianceSummaries => "ssm:ListResourceComplianceSummaries",
    "SSM" ListDocuments => "ssm:ListDocuments",
    "SSM" DescribeDocumentPermission => "ssm:DescribeDocumentPermission",
    // RDS parameter groups (TLS parameters).
    "RDS" DescribeDBParameters => "rds:DescribeDBParameters",
    "RDS" DescribeDBClusterParameters => "rds:DescribeDBClusterParameters",
    // OpenSearch Service.
    "OpenSearch" ListDomainNames => "es:ListDomainNames",
    "OpenSearch" DescribeDomains => "es:DescribeDomains",
    "OpenSearch" ListTags => "es:ListTags",
    // Redshift.
    "Redshift" DescribeClusters => "redshift:DescribeClusters",
    "Redshift" DescribeLoggingStatus => "redshift:DescribeLoggingStatus",
    "Redshift" DescribeClusterParameters => "redshift:DescribeClusterParameters",
    // API Gateway (REST APIs; every read is apigateway:GET).
    "API Gateway" GetRestApis => "apigateway:GET",
    "API Gateway" GetStages => "apigateway:GET",
    "API Gateway" GetDomainNames => "apigateway:GET",
    // Organizations: service control policies applying to the account.
    "Organizations" ListParents => "organizations:ListParents",
    "Organizations" ListPoliciesForTarget => "organizations:ListPoliciesForTarget",
    "Organizations" DescribePolicy => "organizations:DescribePolicy",
    // AWS Backup restore testing.
    "Backup" ListRestoreTestingPlans => "backup:ListRestoreTestingPlans",
    "Backup" ListRestoreTestingSelections => "backup:ListRestoreTestingSelections",
    // Elastic Load Balancing (classic).
    "Elastic Load Balancing" DescribeLoadBalancers => "elasticloadbalancing:DescribeLoadBalancers",
    "Elastic Load Balancing" DescribeLoadBalancerPolicies => "elasticloadbalancing:DescribeLoadBalancerPolicies",
    "Elastic Load Balancing" DescribeLoadBalancerAttributes => "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "Elastic Load Balancing" DescribeTags => "elasticloadbalancing:DescribeTags",
    // EFS.
    "EFS" DescribeFileSystems => "elasticfilesystem:DescribeFileSystems",
    "EFS" DescribeBackupPolicy => "elasticfilesystem:DescribeBackupPolicy",
}

/// What reading CloudTrail logs from S3 calls (`phiguard trail ... s3://...`, `scan --trail
/// s3://...`, [`crate::trail_source`]): kept apart from [`PERMISSIONS`] (what a scan calls)
/// so that each table is exactly what its command needs; `phiguard iam-policy --trail` adds
/// it as a statement of its own.
pub const TRAIL_PERMISSIONS: &[Permission] = &[
    Permission {
        service: "S3",
        operation: "GetBucketLocation",
        action: "s3:GetBucketLocation",
    },
    Permission {
        service: "S3",
        operation: "ListObjectsV2",
        action: "s3:ListBucket",
    },
    Permission {
        service: "S3",
        operation: "GetObject",
        action: "s3:GetObject",
    },
    Permission {
        service: "S3",
        operation: "HeadObject",
        action: "s3:GetObject",
    },
    Permission {
        service: "CloudTrail",
        operation: "ListPublicKeys",
        action: "cloudtrail:ListPublicKeys",
    },
];

/// The IAM action for an operation, if a table (scan or trail) has it.
pub fn action_for(service: &str, operation: &str) -> Option<&'static str> {
    PERMISSIONS
        .iter()
        .chain(TRAIL_PERMISSIONS)
        .find(|p| p.service == service && p.operation == operation)
        .map(|p| p.action)
}

/// Adds [`trail_statement`] to a policy set: to the last document if it still fits in
/// [`MAX_POLICY_CHARS`], else as a document of its own.
pub fn add_trail(docs: &mut Vec<Value>) {
    let statement = trail_statement();
    if let Some(last) = docs.last_mut() {
        let mut candidate = last.clone();
        if let Some(list) = candidate["Statement"].as_array_mut() {
            list.push(statement.clone());
            if candidate.to_string().len() <= MAX_POLICY_CHARS {
                *last = candidate;
                return;
            }
        }
    }
    docs.push(json!({"Version": "2012-10-17", "Statement": [statement]}));
}

/// The read-only statement for reading CloudTrail logs from S3 (see [`TRAIL_PERMISSIONS`]).
pub fn trail_statement() -> Value {
    let actions: BTreeSet<&str> = TRAIL_PERMISSIONS.iter().map(|p| p.action).collect();
    json!({
        "Sid": "PhiguardReadOnlyTrail",
        "Effect": "Allow",
        "Action": actions,
        "Resource": "*"
    })
}

/// Largest customer-managed policy document (characters, whitespace excluded).
pub const MAX_POLICY_CHARS: usize = 6144;

/// The minimal read-only IAM policy for a scan, split into several documents when one would
/// exceed [`MAX_POLICY_CHARS`]. `org` adds what organisation mode needs (listing accounts,
/// assuming the member role).
pub fn iam_policies(org: bool) -> Vec<Value> {
    let actions: BTreeSet<&str> = PERMISSIONS
        .iter()
        .filter(|p| org || !matches!(p.action, "organizations:ListAccounts" | "sts:AssumeRole"))
        .map(|p| p.action)
        .collect();
    let mut docs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for action in actions {
        current.push(action);
        if document(&current).to_string().len() > MAX_POLICY_CHARS {
            current.pop();
            docs.push(document(&current));
            current = vec![action];
        }
    }
    if !current.is_empty() {
        docs.push(document(&current));
    }
    docs
}

fn document(actions: &[&str]) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PhiguardReadOnlyScan",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*"
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::is_read_only;

    #[test]
    fn every_permission_is_read_only_and_unique() {
        let mut seen = BTreeSet::new();
        for p in PERMISSIONS {
            assert!(is_read_only(p.operation), "{} {}", p.service, p.operation);
            assert!(seen.insert((p.service, p.operation)), "duplicate {p:?}");
            let (prefix, name) = p.action.split_once(':').unwrap();
            assert!(!prefix.is_empty() && !name.is_empty(), "{p:?}");
            assert!(
                // API Gateway's management API authorises by HTTP verb: `apigateway:GET`
                // is its read action.
                is_read_only(name) || name == "ListAllMyBuckets" || p.action == "apigateway:GET",
                "action {} is not a read",
                p.action
            );
        }
    }

    #[test]
    fn trail_permissions_are_read_only_and_in_the_statement() {
        let statement = trail_statement();
        let actions = statement["Action"].as_array().unwrap();
        for p in TRAIL_PERMISSIONS {
            assert!(is_read_only(p.operation), "{p:?}");
            assert_eq!(action_for(p.service, p.operation), Some(p.action));
            assert!(actions.iter().any(|a| a == p.action), "{p:?}");
            let name = p.action.split_once(':').unwrap().1;
            // HeadObject has no IAM action of its own: s3:GetObject authorises it.
            assert!(
                is_read_only(name) || (p.operation == "HeadObject" && p.action == "s3:GetObject"),
                "{}",
                p.action
            );
        }
        let doc = json!({"Version": "2012-10-17", "Statement": [statement]});
        assert!(phiguard_model::PolicyDocument::from_json(&doc.to_string()).is_ok());
        let mut docs = iam_policies(false);
        let before = docs.len();
        add_trail(&mut docs);
        assert!(docs.len() == before || docs.len() == before + 1);
        let text = serde_json::to_string(&docs).unwrap();
        assert!(text.contains("PhiguardReadOnlyTrail") && text.contains("s3:ListBucket"));
        assert!(docs.iter().all(|d| d.to_string().len() <= MAX_POLICY_CHARS));
    }

    #[test]
    fn policies_parse_and_fit() {
        for org in [false, true] {
            let docs = iam_policies(org);
            assert!(!docs.is_empty());
            let mut all = BTreeSet::new();
            for d in &docs {
                let text = d.to_string();
                assert!(text.len() <= MAX_POLICY_CHARS, "{}", text.len());
                let doc = phiguard_model::PolicyDocument::from_json(&text).unwrap();
                for s in doc.allows() {
                    all.extend(s.action.iter().cloned());
                }
            }
            assert_eq!(all.contains("sts:AssumeRole"), org);
            assert!(all.contains("s3:GetEncryptionConfiguration"));
            assert!(!all.iter().any(|a| a.contains('*')));
        }
    }
}
