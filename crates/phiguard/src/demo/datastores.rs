//! Data stores and front doors beyond the core set: RDS parameter groups (TLS), OpenSearch,
//! Redshift, EFS, API Gateway, a legacy Classic Load Balancer, AWS Backup restore testing, and
//! the service control policies over the production account.

use phiguard_model::kinds::{
    ApigatewayDomain, ApigatewayStage, BackupRestoreTestingPlan, ClassicListener,
    ClassicLoadBalancer, EfsFileSystem, OpensearchDomain, RdsParameterGroup, RedshiftCluster,
    ServiceControlPolicy,
};
use phiguard_model::{GLOBAL, Resource};

use super::{DEV, Demo, PROD, US_EAST_1, US_WEST_2, kms, policy};

/// Builds them all.
pub(crate) fn build(demo: &mut Demo) {
    parameter_groups(demo);
    analytics(demo);
    files_and_apis(demo);
    restore_testing(demo);
    scps(demo);
}

/// `FullAWSAccess` on the root, and a partial region guardrail on the production OU: it
/// denies only a few services outside the US, so it is not a region restriction.
fn scps(demo: &mut Demo) {
    let list = [
        (
            "FullAWSAccess",
            "p-FullAWSAccess",
            "r-rv01",
            true,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        (
            "deny-non-us-regions",
            "p-0d1e5a1100000001",
            "ou-rv01-prod0001",
            false,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenySomeServicesOutsideUs","Effect":"Deny","Action":["securityhub:*","rds:*","dynamodb:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}]}"#,
        ),
    ];
    for (name, id, target, aws_managed, text) in list {
        let scp = ServiceControlPolicy {
            document: policy(text),
            attached_to: vec![target.into()],
            aws_managed,
        };
        demo.add_untagged(
            Resource::new(
                format!(
                    "arn:aws:organizations::{PROD}:policy/o-rv01example/service_control_policy/{id}"
                ),
                PROD,
                GLOBAL,
                scp,
            )
            .named(name),
        );
    }
}

fn group(
    account: &str,
    region: &str,
    name: &str,
    cluster: bool,
    parameters: &[(&str, &str)],
    members: &[&str],
) -> Resource {
    let noun = if cluster { "cluster-pg" } else { "pg" };
    Resource::new(
        format!("arn:aws:rds:{region}:{account}:{noun}:{name}"),
        account,
        region,
        RdsParameterGroup {
            cluster,
            parameters: parameters
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            members: members.iter().map(|m| (*m).to_string()).collect(),
        },
    )
    .named(name)
}

/// The EHR's group forces TLS; billing (MySQL) and the legacy analytics database run on
/// default groups that accept plaintext; the portal cluster forces TLS.
fn parameter_groups(demo: &mut Demo) {
    demo.add_untagged(group(
        PROD,
        US_EAST_1,
        "ehr-postgres16",
        false,
        &[
            ("rds.force_ssl", "1"),
            ("ssl_min_protocol_version", "TLSv1.2"),
        ],
        &["ehr-primary"],
    ));
    demo.add_untagged(group(
        PROD,
        US_WEST_2,
        "ehr-postgres16",
        false,
        &[
            ("rds.force_ssl", "1"),
            ("ssl_min_protocol_version", "TLSv1.2"),
        ],
        &["ehr-dr-replica"],
    ));
    demo.add_untagged(group(
        PROD,
        US_EAST_1,
        "default.mysql8.0",
        false,
        &[],
        &["billing"],
    ));
    demo.add_untagged(group(
        PROD,
        US_EAST_1,
        "default.mysql5.7",
        false,
        &[("require_secure_transport", "0")],
        &["analytics-legacy"],
    ));
    demo.add_untagged(group(
        PROD,
        US_EAST_1,
        "portal-aurora-pg16",
        true,
        &[("rds.force_ssl", "1")],
        &["portal-aurora"],
    ));
    demo.add_untagged(group(
        DEV,
        US_EAST_1,
        "default.postgres15",
        false,
        &[("rds.force_ssl", "1")],
        &["dev-postgres"],
    ));
    demo.add_untagged(group(
        DEV,
        US_EAST_1,
        "default.aurora-mysql8.0",
        true,
        &[],
        &["dev-reporting"],
    ));
}

/// Clinical-notes search (compliant) and a claims warehouse without TLS enforcement.
fn analytics(demo: &mut Demo) {
    let notes = OpensearchDomain {
        engine_version: "OpenSearch_2.13".into(),
        encryption_at_rest: true,
        kms_key_id: Some(kms::prod_key(kms::PHI_DATA)),
        node_to_node_encryption: true,
        enforce_https: true,
        tls_security_policy: Some("Policy-Min-TLS-1-2-PFS-2023-10".into()),
        vpc_id: Some("vpc-0prod000000000001".into()),
        log_publishing: vec!["AUDIT_LOGS".into(), "ES_APPLICATION_LOGS".into()],
        fine_grained_access_control: true,
    };
    demo.add(
        Resource::new(
            format!("arn:aws:es:{US_EAST_1}:{PROD}:domain/clinical-notes"),
            PROD,
            US_EAST_1,
            notes,
        )
        .named("clinical-notes")
        .tag("PHI", "Yes")
        .tag("App", "ehr"),
    );
    let logs = OpensearchDomain {
        engine_version: "Elasticsearch_6.8".into(),
        encryption_at_rest: false,
        kms_key_id: None,
        node_to_node_encryption: false,
        enforce_https: true,
        tls_security_policy: Some("Policy-Min-TLS-1-0-2019-07".into()),
        vpc_id: None,
        log_publishing: Vec::new(),
        fine_grained_access_control: false,
    };
    demo.add(
        Resource::new(
            format!("arn:aws:es:{US_EAST_1}:{DEV}:domain/dev-app-logs"),
            DEV,
            US_EAST_1,
            logs,
        )
        .named("dev-app-logs"),
    );
    let warehouse = RedshiftCluster {
        encrypted: true,
        kms_key_id: Some(kms::prod_key(kms::PHI_DATA)),
        publicly_accessible: false,
        automated_snapshot_retention_period: 7,
        audit_logging: true,
        parameter_groups: vec!["default.redshift-1.0".into()],
        parameters: [("require_ssl".to_string(), "false".to_string())].into(),
        allow_version_upgrade: true,
        enhanced_vpc_routing: true,
        vpc_id: Some("vpc-0prod000000000001".into()),
    };
    demo.add(
        Resource::new(
            format!("arn:aws:redshift:{US_EAST_1}:{PROD}:cluster:claims-warehouse"),
            PROD,
            US_EAST_1,
            warehouse,
        )
        .named("claims-warehouse")
        .tag("PHI", "Yes")
        .tag("App", "billing"),
    );
}

/// The imaging share (encrypted, no automatic backups), the partner API and a legacy Classic
/// Load Balancer in development.
fn files_and_apis(demo: &mut Demo) {
    let share = EfsFileSystem {
        encrypted: true,
        kms_key_id: Some(kms::prod_key(kms::PHI_DATA)),
        backup_policy_enabled: false,
        life_cycle_state: "available".into(),
    };
    demo.add(
        Resource::new(
            format!("arn:aws:elasticfilesystem:{US_EAST_1}:{PROD}:file-system/fs-0imaging0000001"),
            PROD,
            US_EAST_1,
            share,
        )
        .named("imaging-share")
        .tag("PHI", "Yes")
        .tag("App", "imaging"),
    );
    let stage = ApigatewayStage {
        rest_api_id: "p4rtn3r001".into(),
        rest_api_name: "partner-api".into(),
        stage_name: "prod".into(),
        client_certificate_id: Some("cl1ent0001".into()),
        logging_level: Some("INFO".into()),
        access_log_destination: Some(format!(
            "arn:aws:logs:{US_EAST_1}:{PROD}:log-group:/apigateway/partner-api"
        )),
        web_acl_arn: None,
        tracing_enabled: true,
        cache_cluster_enabled: false,
    };
    demo.add(
        Resource::new(
            format!("arn:aws:apigateway:{US_EAST_1}::/restapis/p4rtn3r001/stages/prod"),
            PROD,
            US_EAST_1,
            stage,
        )
        .named("partner-api/prod")
        .tag("PHI", "Yes")
        .tag("App", "partner-exchange"),
    );
    let domain = ApigatewayDomain {
        domain_name: "api.riverside-clinic.example".into(),
        security_policy: Some("TLS_1_0".into()),
        endpoint_types: vec!["REGIONAL".into()],
        certificate_arn: Some(format!(
            "arn:aws:acm:{US_EAST_1}:{PROD}:certificate/0d1e5a11-0000-4000-8000-0000000ace01"
        )),
    };
    demo.add(
        Resource::new(
            format!("arn:aws:apigateway:{US_EAST_1}::/domainnames/api.riverside-clinic.example"),
            PROD,
            US_EAST_1,
            domain,
        )
        .named("api.riverside-clinic.example"),
    );
    let legacy = ClassicLoadBalancer {
        scheme: "internet-facing".into(),
        vpc_id: Some("vpc-0dev0000000000001".into()),
        listeners: vec![
            ClassicListener {
                protocol: "HTTPS".into(),
                port: 443,
                instance_protocol: Some("HTTP".into()),
                ssl_certificate_id: Some(format!(
                    "arn:aws:iam::{DEV}:server-certificate/dev-legacy-2023"
                )),
                security_policy: Some("ELBSecurityPolicy-2016-08".into()),
            },
            ClassicListener {
                protocol: "HTTP".into(),
                port: 80,
                instance_protocol: Some("HTTP".into()),
                ssl_certificate_id: None,
                security_policy: None,
            },
        ],
        access_logs_enabled: false,
        cross_zone: true,
    };
    demo.add(
        Resource::new(
            format!("arn:aws:elasticloadbalancing:{US_EAST_1}:{DEV}:loadbalancer/dev-legacy-web"),
            DEV,
            US_EAST_1,
            legacy,
        )
        .named("dev-legacy-web"),
    );
}

/// A weekly restore test of the EHR database in the primary region.
fn restore_testing(demo: &mut Demo) {
    let plan = BackupRestoreTestingPlan {
        schedule_expression: "cron(0 6 ? * SUN *)".into(),
        last_execution: Some(demo.days_ago(4)),
        protected_resource_types: vec!["RDS".into()],
    };
    demo.add(
        Resource::new(
            format!("arn:aws:backup:{US_EAST_1}:{PROD}:restore-testing-plan:ehr_weekly"),
            PROD,
            US_EAST_1,
            plan,
        )
        .named("ehr_weekly"),
    );
}
