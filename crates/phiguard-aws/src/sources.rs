//! Which collector task fills each data source: one exhaustive match, so a data source added
//! to the model does not compile here until a collector is named for it. The tests prove the
//! table true (each task, run against an endpoint that refuses every connection, records a
//! coverage entry for exactly the sources the table gives it) and walk the control catalogue
//! (every source a control reads, or a resource kind it evaluates comes from, has a
//! collector). The emulator test (`crates/phiguard/tests/live_moto.rs`) checks that a real
//! scan leaves a coverage entry for each of them.

use phiguard_model::DataSource;

/// The name of the collector task (in [`crate::collect::TASKS`]) that fills `source`.
pub fn collector(source: DataSource) -> &'static str {
    use DataSource::*;
    match source {
        ArtifactAgreements
        | IamCredentialReport
        | IamPasswordPolicy
        | IamAccountSummary
        | S3AccountPublicAccessBlock => "account",
        IamUsers | IamGroups | IamRoles | IamPolicies => "iam",
        S3Buckets => "s3",
        CloudfrontDistributions => "cloudfront",
        TaggedResources => "tagging",
        KmsKeys => "kms",
        Ec2Volumes | Ec2Snapshots | Ec2EbsDefaults | Ec2Instances | Ec2SecurityGroups | Ec2Vpcs => {
            "ec2"
        }
        Ec2Subnets | Ec2NetworkAcls | Ec2RouteTables => "ec2",
        AccessAnalyzers => "accessanalyzer",
        MacieSessions => "macie",
        InspectorStatuses => "inspector",
        SsmManagedInstances | SsmDocuments => "ssm",
        RdsInstances | RdsClusters | RdsSnapshots | RdsParameterGroups => "rds",
        DynamodbTables => "dynamodb",
        CloudtrailTrails => "cloudtrail",
        LogsLogGroups => "logs",
        CloudwatchAlarms => "cloudwatch",
        SnsTopics => "sns",
        GuarddutyDetectors => "guardduty",
        ConfigRecorders => "config",
        SecurityHub => "securityhub",
        BackupPlans | BackupVaults => "backup",
        Elbv2LoadBalancers => "elbv2",
        SecretsManagerSecrets => "secretsmanager",
        LambdaFunctions => "lambda",
        OpensearchDomains => "opensearch",
        RedshiftClusters => "redshift",
        ApigatewayStages | ApigatewayDomains => "apigateway",
        EfsFileSystems => "efs",
        ElbLoadBalancers => "elb",
        OrganizationsScps => "organizations",
        BackupRestoreTestingPlans => "backup_restore",
    }
}

/// The data sources a task fills, by the table above.
pub fn sources_of(task: &str) -> Vec<DataSource> {
    DataSource::ALL
        .iter()
        .copied()
        .filter(|s| collector(*s) == task)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::{Arc, Mutex};

    use aws_config::BehaviorVersion;
    use aws_config::retry::RetryConfig;
    use aws_credential_types::Credentials;
    use phiguard_controls::CATALOGUE;
    use phiguard_model::GLOBAL;

    use super::*;
    use crate::collect::TASKS;
    use crate::recorder::Recorder;
    use crate::scope::{AccountCtx, Sink};

    #[test]
    fn every_source_names_an_existing_task_of_the_same_scope() {
        for source in DataSource::ALL.iter().copied() {
            let name = collector(source);
            let task = TASKS.iter().find(|t| t.name == name);
            let Some(task) = task else {
                panic!("{source}: collector `{name}` is not in collect::TASKS");
            };
            assert_eq!(
                task.global,
                source.is_global(),
                "{source} is {} but task `{name}` runs {}",
                if source.is_global() {
                    "global"
                } else {
                    "regional"
                },
                if task.global {
                    "once, globally"
                } else {
                    "per region"
                },
            );
        }
    }

    #[test]
    fn every_catalogue_input_and_kind_has_a_collector() {
        let tasks: BTreeSet<&str> = TASKS.iter().map(|t| t.name).collect();
        let mut missing = Vec::new();
        for control in CATALOGUE {
            let m = &control.meta;
            let sources = m
                .inputs
                .iter()
                .map(|i| (i.source(), "reads"))
                .chain(m.resource_kinds.iter().map(|k| (k.source(), "evaluates")));
            for (source, why) in sources {
                if !tasks.contains(collector(source)) {
                    missing.push(format!("{} {why} {source}: no collector", m.id));
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        assert!(CATALOGUE.len() >= 60, "the catalogue walk must see it all");
    }

    /// Runs every task against an endpoint that refuses connections: each must record a
    /// (failed) coverage entry for exactly the sources the table gives it, so no source is
    /// silently left out and no task fills a source the table does not name.
    #[test]
    fn each_task_records_exactly_its_sources_even_when_every_call_fails() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let sdk = aws_config::defaults(BehaviorVersion::latest())
                .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
                .region(aws_types::region::Region::from_static("us-east-1"))
                .endpoint_url(format!("http://127.0.0.1:{port}"))
                .retry_config(RetryConfig::disabled())
                .load()
                .await;
            let mut problems = Vec::new();
            for task in TASKS {
                let ctx = Arc::new(AccountCtx {
                    id: "123456789012".into(),
                    sdk: sdk.clone(),
                    recorder: Recorder::default(),
                    emulator: true,
                    sink: Mutex::new(Sink::default()),
                });
                let region = if task.global { GLOBAL } else { "eu-west-1" };
                let scope = ctx.scope(region);
                tokio::time::timeout(std::time::Duration::from_secs(60), (task.run)(&scope))
                    .await
                    .unwrap_or_else(|_| panic!("task {} hung", task.name));
                let sink = ctx.sink.lock().unwrap();
                let recorded: BTreeSet<DataSource> =
                    sink.coverage.iter().map(|c| c.source).collect();
                let declared: BTreeSet<DataSource> = sources_of(task.name).into_iter().collect();
                if recorded != declared {
                    problems.push(format!(
                        "task `{}` recorded {recorded:?}, the table says {declared:?}",
                        task.name
                    ));
                }
                for c in &sink.coverage {
                    if c.state.is_collected() {
                        problems.push(format!(
                            "task `{}` marked {} collected although every call failed",
                            task.name, c.source
                        ));
                    }
                    let want = if c.source.is_global() { GLOBAL } else { region };
                    if c.region != want {
                        problems.push(format!(
                            "task `{}` recorded {} in region {}",
                            task.name, c.source, c.region
                        ));
                    }
                }
            }
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        });
    }
}
