//! How AWS Config provides each data source: one exhaustive match, so a data source added to
//! the model does not compile here until someone decides which Config resource types fill it
//! or why Config cannot. The importer's coverage follows this table; the tests check it agrees
//! with [`MAPPED`](crate::MAPPED) and walk the
//! control catalogue against it (`tests/sources.rs`).

use phiguard_model::DataSource;

/// Where AWS Config records a data source, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromConfig {
    /// Configuration items of these resource types (each in [`MAPPED`](crate::MAPPED)).
    Types(&'static [&'static str]),
    /// One account-level item of this type (present only when configured).
    AccountItem(&'static str),
    /// The tags of every recorded resource: complete only when the recorder records all
    /// supported types.
    TagsOfEveryRecordedResource,
    /// AWS Config does not record it: the coverage says `not_enabled`
    /// ([`NOT_IN_SNAPSHOTS`](crate::NOT_IN_SNAPSHOTS)) and the controls reading it report
    /// `error`. The text says why.
    NotRecorded(&'static str),
}

/// How AWS Config provides `source`.
pub fn from_config(source: DataSource) -> FromConfig {
    use DataSource::*;
    use FromConfig::{AccountItem, NotRecorded, TagsOfEveryRecordedResource, Types};
    match source {
        ArtifactAgreements => NotRecorded("AWS Artifact agreements are not a Config resource type"),
        TaggedResources => TagsOfEveryRecordedResource,
        IamCredentialReport => {
            NotRecorded("the credential report is generated on request, not recorded")
        }
        IamPasswordPolicy => {
            NotRecorded("the account password policy is not a Config resource type")
        }
        IamAccountSummary => NotRecorded(
            "the IAM account summary (root MFA, root keys) is not a Config resource type",
        ),
        IamUsers => Types(&["AWS::IAM::User"]),
        IamGroups => Types(&["AWS::IAM::Group"]),
        IamRoles => Types(&["AWS::IAM::Role"]),
        IamPolicies => Types(&["AWS::IAM::Policy"]),
        S3Buckets => Types(&["AWS::S3::Bucket"]),
        S3AccountPublicAccessBlock => AccountItem("AWS::S3::AccountPublicAccessBlock"),
        KmsKeys => Types(&["AWS::KMS::Key"]),
        Ec2Volumes => Types(&["AWS::EC2::Volume"]),
        Ec2Snapshots => NotRecorded("EBS snapshots are not a Config resource type"),
        Ec2EbsDefaults => {
            NotRecorded("EBS encryption by default is a regional setting Config does not record")
        }
        Ec2Instances => Types(&["AWS::EC2::Instance"]),
        Ec2SecurityGroups => Types(&["AWS::EC2::SecurityGroup"]),
        Ec2Vpcs => Types(&["AWS::EC2::VPC"]),
        RdsInstances => Types(&["AWS::RDS::DBInstance"]),
        RdsClusters => Types(&["AWS::RDS::DBCluster"]),
        RdsSnapshots => Types(&["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"]),
        DynamodbTables => Types(&["AWS::DynamoDB::Table"]),
        CloudtrailTrails => Types(&["AWS::CloudTrail::Trail"]),
        LogsLogGroups => Types(&["AWS::Logs::LogGroup"]),
        CloudwatchAlarms => Types(&["AWS::CloudWatch::Alarm"]),
        SnsTopics => Types(&["AWS::SNS::Topic"]),
        GuarddutyDetectors => Types(&["AWS::GuardDuty::Detector"]),
        ConfigRecorders => Types(&["AWS::Config::ConfigurationRecorder"]),
        SecurityHub => Types(&["AWS::SecurityHub::Hub"]),
        BackupPlans => Types(&["AWS::Backup::BackupPlan"]),
        BackupVaults => Types(&["AWS::Backup::BackupVault"]),
        Elbv2LoadBalancers => Types(&["AWS::ElasticLoadBalancingV2::LoadBalancer"]),
        CloudfrontDistributions => Types(&["AWS::CloudFront::Distribution"]),
        SecretsManagerSecrets => Types(&["AWS::SecretsManager::Secret"]),
        LambdaFunctions => Types(&["AWS::Lambda::Function"]),
        Ec2Subnets => Types(&["AWS::EC2::Subnet"]),
        Ec2NetworkAcls => Types(&["AWS::EC2::NetworkAcl"]),
        Ec2RouteTables => Types(&["AWS::EC2::RouteTable"]),
        AccessAnalyzers => NotRecorded(
            "AWS Config records analyzers (AWS::AccessAnalyzer::Analyzer) but not their findings",
        ),
        MacieSessions => NotRecorded(
            "Macie's status, automated discovery and classification jobs are not Config resource types",
        ),
        InspectorStatuses => {
            NotRecorded("Amazon Inspector's account status is not a Config resource type")
        }
        SsmDocuments => NotRecorded(
            "document share permissions (who may run a document) are not in AWS Config items",
        ),
        SsmManagedInstances => NotRecorded(
            "not imported: AWS::SSM::ManagedInstanceInventory / PatchCompliance / AssociationCompliance items are not mapped by phiguard yet",
        ),
        RdsParameterGroups => {
            NotRecorded("parameter values of RDS parameter groups are not in configuration items")
        }
        OpensearchDomains => Types(&["AWS::OpenSearch::Domain", "AWS::Elasticsearch::Domain"]),
        RedshiftClusters => Types(&["AWS::Redshift::Cluster"]),
        ApigatewayStages => Types(&["AWS::ApiGateway::Stage"]),
        ApigatewayDomains => {
            NotRecorded("phiguard does not read API Gateway domain names from AWS Config yet")
        }
        ElbLoadBalancers => Types(&["AWS::ElasticLoadBalancing::LoadBalancer"]),
        EfsFileSystems => Types(&["AWS::EFS::FileSystem"]),
        OrganizationsScps => NotRecorded(
            "service control policies are AWS Organizations data, not configuration items",
        ),
        BackupRestoreTestingPlans => {
            NotRecorded("phiguard does not read restore testing plans from AWS Config yet")
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::MAPPED;

    #[test]
    fn the_table_agrees_with_the_mapper() {
        let mut from_table = BTreeSet::new();
        for source in DataSource::ALL.iter().copied() {
            match from_config(source) {
                FromConfig::Types(types) => {
                    assert!(!types.is_empty(), "{source}");
                    from_table.extend(types.iter().map(|t| (*t, source)));
                }
                FromConfig::NotRecorded(why) => assert!(!why.is_empty(), "{source}"),
                FromConfig::AccountItem(t) => assert!(t.starts_with("AWS::"), "{source}"),
                FromConfig::TagsOfEveryRecordedResource => {}
            }
        }
        let mapped: BTreeSet<(&str, DataSource)> = MAPPED.iter().copied().collect();
        assert_eq!(
            from_table, mapped,
            "sources::from_config and map::MAPPED disagree"
        );
    }
}
