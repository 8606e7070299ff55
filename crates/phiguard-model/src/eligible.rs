//! The bundled, dated list of HIPAA-eligible AWS services, keyed by ARN service namespace,
//! with the feature-level exclusions the list names.
//!
//! Source: the AWS HIPAA Eligible Services Reference as published 2026-05-22 (173 services),
//! transcribed in `shared/reference/hipaa-eligible-services.md`. A service absent from the
//! list is not eligible: PHI must not be created, received, stored or sent through it.

/// The date of the AWS list this table reflects.
pub const AS_OF: &str = "2026-05-22";

/// Where the list comes from.
pub const SOURCE: &str =
    "AWS HIPAA Eligible Services Reference, list dated 2026-05-22 (173 services)";

/// What the list says about a service namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// On the list; the names of the list entries sharing the namespace.
    Eligible(&'static str),
    /// Not on the list.
    NotEligible,
    /// Not named on the list but arguably part of a listed service: review by hand.
    NeedsReview(&'static str),
    /// A support or account-management service that should never hold PHI (IAM, STS, tagging).
    SupportOnly,
}

/// Looks up an ARN service namespace (`s3`, `lightsail`).
pub fn eligibility(namespace: &str) -> Eligibility {
    if let Ok(i) = ELIGIBLE.binary_search_by(|(ns, _)| (*ns).cmp(namespace)) {
        return Eligibility::Eligible(ELIGIBLE[i].1);
    }
    if let Some((_, why)) = NEEDS_REVIEW.iter().find(|(ns, _)| *ns == namespace) {
        return Eligibility::NeedsReview(why);
    }
    if SUPPORT_ONLY.contains(&namespace) {
        return Eligibility::SupportOnly;
    }
    Eligibility::NotEligible
}

/// A feature of an eligible service that the list excludes, detected from what an ARN or a
/// resource attribute shows; `None` if nothing excluded is visible.
pub fn feature_exclusion(namespace: &str, resource: &str) -> Option<&'static str> {
    match namespace {
        "social-messaging" => {
            Some("End User Messaging Social (WhatsApp) is excluded from Pinpoint's eligibility")
        }
        "iot"
            if resource.starts_with("securityprofile/")
                || resource.starts_with("scheduledaudit/")
                || resource.starts_with("mitigationaction/") =>
        {
            Some("AWS IoT Device Defender is not on the list, though it shares the `iot` namespace")
        }
        "sagemaker"
            if resource.starts_with("workteam/public-crowd")
                || resource.starts_with("workteam/vendor-crowd") =>
        {
            Some("SageMaker public and vendor workforces are excluded")
        }
        _ => None,
    }
}

/// Directory Service: Simple AD is excluded.
pub fn directory_type_excluded(directory_type: &str) -> bool {
    directory_type.eq_ignore_ascii_case("SimpleAD")
}

/// Namespaces not named on the list but arguably covered by a listed service.
pub const NEEDS_REVIEW: &[(&str, &str)] = &[
    (
        "aoss",
        "OpenSearch Serverless is not named on the list (AWS's sample SCP treats it as part of OpenSearch)",
    ),
    ("appconfig", "AWS AppConfig is not named on the list"),
    (
        "dsql",
        "Aurora DSQL is not named on the list (AWS's sample SCP treats it as part of Aurora)",
    ),
    ("emr-containers", "EMR on EKS is not named on the list"),
    ("emr-serverless", "EMR Serverless is not named on the list"),
    (
        "neptune-graph",
        "Neptune Analytics is not named on the list",
    ),
    ("osis", "OpenSearch Ingestion is not named on the list"),
    ("pipes", "EventBridge Pipes is not named on the list"),
    ("s3express", "S3 Express One Zone is not named on the list"),
    ("s3tables", "S3 Tables is not named on the list"),
    (
        "scheduler",
        "EventBridge Scheduler is not named on the list",
    ),
    (
        "timestream-influxdb",
        "Timestream for InfluxDB is not named on the list",
    ),
];

/// Support and account-management namespaces that should never hold PHI.
pub const SUPPORT_ONLY: &[&str] = &[
    "access-analyzer",
    "applicationinsights",
    "artifact",
    "aws-portal",
    "bcm-data-exports",
    "budgets",
    "ce",
    "cur",
    "iam",
    "license-manager",
    "pi",
    "pricing",
    "qdeveloper",
    "resource-groups",
    "sts",
    "support",
    "supportplans",
    "tag",
    "trustedadvisor",
];

/// Eligible ARN namespaces (sorted) and the list entries they belong to.
pub const ELIGIBLE: &[(&str, &str)] = &[
    ("a4b", "Alexa for Business"),
    ("acm", "AWS Certificate Manager"),
    ("acm-pca", "AWS Private Certificate Authority"),
    ("aidevops", "AWS DevOps Agent"),
    (
        "airflow",
        "Amazon Managed Workflows for Apache Airflow (MWAA)",
    ),
    ("amplify", "AWS Amplify Console"),
    ("apigateway", "Amazon API Gateway"),
    ("appfabric", "AWS AppFabric"),
    ("appflow", "Amazon AppFlow"),
    ("appmesh", "AWS App Mesh"),
    (
        "appstream",
        "Amazon WorkSpaces Applications (formerly AppStream 2.0)",
    ),
    ("appsync", "AWS AppSync"),
    ("aps", "Amazon Managed Service for Prometheus"),
    (
        "arc-region-switch",
        "Amazon Application Recovery Controller (ARC)",
    ),
    (
        "arc-zonal-shift",
        "Amazon Application Recovery Controller (ARC)",
    ),
    ("athena", "Amazon Athena"),
    ("auditmanager", "AWS Audit Manager"),
    ("autoscaling", "Amazon EC2 Auto Scaling"),
    ("b2bi", "AWS B2B Data Interchange"),
    ("backup", "AWS Backup"),
    ("batch", "AWS Batch"),
    ("bedrock", "Amazon Bedrock"),
    ("bedrock-agentcore", "Amazon Bedrock AgentCore"),
    ("cassandra", "Amazon Keyspaces (for Apache Cassandra)"),
    ("catalog", "AWS Service Catalog"),
    ("chime", "Amazon Chime; Amazon Chime SDK"),
    ("cleanrooms", "AWS Clean Rooms"),
    ("cloud9", "AWS Cloud9 (\"AWS Cloud 9\" on list)"),
    ("clouddirectory", "Amazon Cloud Directory"),
    ("cloudformation", "AWS CloudFormation"),
    ("cloudfront", "Amazon CloudFront"),
    ("cloudhsm", "AWS CloudHSM"),
    ("cloudshell", "AWS CloudShell"),
    ("cloudtrail", "AWS CloudTrail"),
    ("cloudwatch", "Amazon CloudWatch"),
    ("codebuild", "AWS CodeBuild"),
    ("codecommit", "AWS CodeCommit"),
    ("codedeploy", "AWS CodeDeploy"),
    ("codepipeline", "AWS CodePipeline"),
    ("cognito-identity", "Amazon Cognito"),
    ("cognito-idp", "Amazon Cognito"),
    ("comprehend", "Amazon Comprehend"),
    ("config", "AWS Config"),
    ("connect", "Amazon Connect"),
    ("controltower", "AWS Control Tower"),
    ("databrew", "AWS Glue DataBrew"),
    ("dataexchange", "AWS Data Exchange"),
    ("datasync", "AWS DataSync"),
    ("datazone", "Amazon DataZone"),
    ("detective", "Amazon Detective"),
    ("devops-guru", "Amazon DevOps Guru"),
    ("directconnect", "AWS Direct Connect"),
    ("dms", "AWS Database Migration Service (DMS)"),
    (
        "docdb-elastic",
        "Amazon DocumentDB (with MongoDB compatibility)",
    ),
    ("drs", "AWS Elastic Disaster Recovery"),
    ("ds", "AWS Directory Service"),
    ("dynamodb", "Amazon DynamoDB"),
    (
        "ec2",
        "Amazon Elastic Block Store (EBS); Amazon Elastic Compute Cloud (EC2); AWS Verified Access; Amazon Virtual Private Cloud (VPC); VM Import/Export",
    ),
    ("ecr", "Amazon Elastic Container Registry (ECR)"),
    ("ecs", "Amazon Elastic Container Service (ECS)"),
    ("eks", "Amazon Elastic Kubernetes Service (EKS)"),
    ("elasticache", "Amazon ElastiCache"),
    ("elasticbeanstalk", "AWS Elastic Beanstalk"),
    ("elasticfilesystem", "Amazon Elastic File System (EFS)"),
    ("elasticloadbalancing", "Elastic Load Balancing"),
    ("elasticmapreduce", "Amazon EMR (\"Elastic MapReduce\")"),
    ("entityresolution", "AWS Entity Resolution"),
    ("es", "Amazon OpenSearch Service"),
    ("events", "Amazon EventBridge (formerly CloudWatch Events)"),
    (
        "firehose",
        "Amazon Kinesis Data Firehose (Amazon Data Firehose)",
    ),
    ("fis", "AWS Fault Injection Simulator (FIS)"),
    ("fms", "AWS Firewall Manager"),
    ("forecast", "Amazon Forecast"),
    ("freertos", "Amazon FreeRTOS"),
    ("fsx", "Amazon FSx"),
    ("geo", "Amazon Location Service"),
    ("glacier", "Amazon S3 Glacier"),
    ("globalaccelerator", "AWS Global Accelerator"),
    ("glue", "AWS Glue"),
    ("greengrass", "AWS IoT Greengrass"),
    ("guardduty", "Amazon GuardDuty"),
    ("healthlake", "AWS HealthLake"),
    ("identitystore", "AWS IAM Identity Center"),
    ("inspector2", "Amazon Inspector"),
    ("iot", "AWS IoT Core; AWS IoT Device Management"),
    ("iotevents", "AWS IoT Events"),
    ("iotsitewise", "AWS IoT SiteWise"),
    ("kafka", "Amazon Managed Streaming for Apache Kafka (MSK)"),
    ("kendra", "Amazon Kendra"),
    ("kinesis", "Amazon Kinesis Data Streams"),
    (
        "kinesisanalytics",
        "Amazon Managed Service for Apache Flink",
    ),
    ("kinesisvideo", "Amazon Kinesis Video Streams"),
    ("kms", "AWS Key Management Service (KMS)"),
    ("lakeformation", "AWS Lake Formation"),
    ("lambda", "AWS Lambda"),
    ("lex", "Amazon Lex"),
    ("logs", "Amazon CloudWatch Logs"),
    ("m2", "AWS Mainframe Modernization"),
    ("macie2", "Amazon Macie"),
    ("mediaconnect", "AWS Elemental MediaConnect"),
    ("mediaconvert", "AWS Elemental MediaConvert"),
    ("medialive", "AWS Elemental MediaLive"),
    ("medical-imaging", "AWS HealthImaging"),
    ("memorydb", "Amazon MemoryDB"),
    ("mgn", "AWS Application Migration Service"),
    (
        "mobiletargeting",
        "Amazon Pinpoint and End User Messaging (formerly Amazon Pinpoint)",
    ),
    ("mq", "Amazon MQ"),
    ("network-firewall", "AWS Network Firewall"),
    ("nova-act", "Amazon Nova Act"),
    ("omics", "AWS HealthOmics"),
    ("opsworks", "AWS OpsWorks Stacks"),
    (
        "opsworks-cm",
        "AWS OpsWorks for Chef Automate; AWS OpsWorks for Puppet Enterprise",
    ),
    ("organizations", "AWS Organizations"),
    ("outposts", "AWS Outposts"),
    ("pcs", "AWS Parallel Computing Service (PCS)"),
    ("personalize", "Amazon Personalize"),
    ("polly", "Amazon Polly"),
    ("qbusiness", "Amazon Q Business"),
    ("qldb", "Amazon Quantum Ledger Database (QLDB)"),
    (
        "quicksight",
        "Amazon Quick Suite (formerly Amazon QuickSight)",
    ),
    ("ram", "AWS Resource Access Manager (RAM)"),
    (
        "rds",
        "Amazon Aurora; Amazon DocumentDB (with MongoDB compatibility); Amazon Neptune; Amazon Relational Database Service (RDS)",
    ),
    ("redshift", "Amazon Redshift"),
    ("redshift-serverless", "Amazon Redshift"),
    ("rekognition", "Amazon Rekognition"),
    ("resiliencehub", "AWS Resilience Hub"),
    ("resource-explorer-2", "AWS Resource Explorer"),
    ("route53", "Amazon Route 53"),
    (
        "route53-recovery-control",
        "Amazon Application Recovery Controller (ARC)",
    ),
    (
        "route53-recovery-readiness",
        "Amazon Application Recovery Controller (ARC)",
    ),
    ("s3", "Amazon Simple Storage Service (S3)"),
    (
        "sagemaker",
        "Amazon Augmented AI (A2I); Amazon SageMaker AI (formerly Amazon SageMaker)",
    ),
    ("secretsmanager", "AWS Secrets Manager"),
    (
        "securityhub",
        "AWS Security Hub CSPM (formerly AWS Security Hub)",
    ),
    ("serverlessrepo", "AWS Serverless Application Repository"),
    ("servicediscovery", "AWS Cloud Map"),
    ("ses", "Amazon Simple Email Service (SES)"),
    ("shield", "AWS Shield (Standard and Advanced)"),
    (
        "sms-voice",
        "Amazon Pinpoint and End User Messaging (formerly Amazon Pinpoint)",
    ),
    ("snowball", "AWS Snowball; AWS Snowball Edge"),
    ("sns", "Amazon Simple Notification Service (SNS)"),
    ("sqs", "Amazon Simple Queue Service (SQS)"),
    ("ssm", "AWS Systems Manager"),
    ("sso", "AWS IAM Identity Center"),
    ("states", "AWS Step Functions"),
    ("storagegateway", "AWS Storage Gateway"),
    ("swf", "Amazon Simple Workflow Service (SWF)"),
    ("textract", "Amazon Textract"),
    ("thinclient", "Amazon WorkSpaces Thin Client"),
    ("timestream", "Amazon Timestream"),
    (
        "transcribe",
        "Amazon Transcribe (\"AWS Transcribe\" on list)",
    ),
    ("transfer", "AWS Transfer Family"),
    ("transform", "AWS Transform"),
    ("translate", "Amazon Translate"),
    ("verifiedpermissions", "Amazon Verified Permissions"),
    ("wafv2", "AWS WAF"),
    ("wickr", "AWS Wickr"),
    ("workdocs", "Amazon WorkDocs"),
    ("worklink", "Amazon WorkLink"),
    ("workspaces", "Amazon WorkSpaces"),
    ("workspaces-web", "Amazon WorkSpaces Secure Browser"),
    ("xray", "AWS X-Ray"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(ELIGIBLE.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ELIGIBLE.len() > 150);
    }

    #[test]
    fn known_answers() {
        assert!(matches!(eligibility("s3"), Eligibility::Eligible(_)));
        assert!(matches!(eligibility("rds"), Eligibility::Eligible(_)));
        assert_eq!(eligibility("lightsail"), Eligibility::NotEligible);
        assert_eq!(eligibility("workmail"), Eligibility::NotEligible);
        assert!(matches!(eligibility("dsql"), Eligibility::NeedsReview(_)));
        assert_eq!(eligibility("iam"), Eligibility::SupportOnly);
        assert!(feature_exclusion("iot", "securityprofile/x").is_some());
        assert!(feature_exclusion("iot", "thing/x").is_none());
        assert!(directory_type_excluded("SimpleAD"));
    }
}
