//! Per-kind attributes of synthetic resources: mostly compliant, with a realistic share of
//! failures, so that every control has work to do on both sides.

use std::collections::BTreeMap;

use phiguard_model::kinds::*;
use phiguard_model::policy::{ConditionValues, Effect, OneOrMany, Principal, Statement};
use phiguard_model::resource::Tagged;
use phiguard_model::{Details, PolicyDocument, Resource, ResourceKind, Timestamp};

use crate::Rng;

/// What a resource is generated from.
pub(crate) struct Gen<'a> {
    pub rng: &'a mut Rng,
    pub now: Timestamp,
    pub account: &'a str,
    pub region: &'a str,
    /// The resource's position: makes ids and ARNs unique.
    pub serial: usize,
}

const APPS: [&str; 10] = [
    "ehr",
    "billing",
    "portal",
    "pacs",
    "lab",
    "scheduling",
    "analytics",
    "intake",
    "fax",
    "platform",
];
/// Customer managed policies every account has (generated once per account) and that users,
/// groups and roles attach: (name, grants `*` on `*`).
pub(crate) const STANDARD_POLICIES: [(&str, bool); 3] = [
    ("standard-read-only", false),
    ("standard-data-access", false),
    ("standard-admin", true),
];

const TEAMS: [&str; 5] = ["platform", "clinical-apps", "data", "security", "finance"];

impl Gen<'_> {
    fn days_ago(&mut self, max: u64) -> Timestamp {
        let days = 1 + self.rng.below(max.max(1));
        Timestamp::from_second(self.now.as_second() - 86_400 * days as i64).unwrap_or(self.now)
    }

    fn id(&self, prefix: &str) -> String {
        format!("{prefix}-{:017x}", self.serial)
    }

    fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:aws:{service}:{}:{}:{resource}",
            self.region, self.account
        )
    }

    fn key(&mut self) -> String {
        let n = self.rng.below(8);
        format!(
            "arn:aws:kms:{}:{}:key/5e1f0000-0000-4000-8000-{n:012}",
            self.region, self.account
        )
    }

    fn maybe_key(&mut self, percent: u64) -> Option<String> {
        if self.rng.chance(percent) {
            Some(self.key())
        } else {
            None
        }
    }
}

fn doc(statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        version: Some("2012-10-17".into()),
        statements,
    }
}

fn principal(kind: &str, id: String) -> Option<Principal> {
    let mut map = BTreeMap::new();
    map.insert(kind.to_string(), OneOrMany::One(id));
    Some(Principal::Map(map))
}

fn condition(
    op: &str,
    key: &str,
    value: &str,
) -> BTreeMap<String, BTreeMap<String, ConditionValues>> {
    let mut inner = BTreeMap::new();
    inner.insert(key.to_string(), ConditionValues(vec![value.to_string()]));
    let mut outer = BTreeMap::new();
    outer.insert(op.to_string(), inner);
    outer
}

fn allow(actions: &[&str], resources: &[&str]) -> Statement {
    Statement {
        effect: Effect::Allow,
        action: actions.iter().map(|a| (*a).to_string()).collect(),
        resource: resources.iter().map(|r| (*r).to_string()).collect(),
        ..Statement::default()
    }
}

/// The `k`th standard policy of the account.
pub(crate) fn standard_policy(g: &mut Gen<'_>, k: usize) -> Resource {
    let (name, admin) = STANDARD_POLICIES[k.min(STANDARD_POLICIES.len() - 1)];
    let statement = if admin {
        allow(&["*"], &["*"])
    } else {
        allow(
            &["s3:Get*", "s3:List*", "dynamodb:Query", "kms:Decrypt"],
            &["*"],
        )
    };
    let policy = IamPolicy {
        aws_managed: false,
        attachment_count: 1 + g.rng.below(500) as u32,
        document: doc(vec![statement]),
    };
    Resource::new(
        format!("arn:aws:iam::{}:policy/{name}", g.account),
        g.account,
        g.region,
        policy,
    )
    .named(name)
    .tag("Owner", "security")
}

/// Attaches standard policies: mostly read-only or data access, rarely admin.
fn standard_attachments(g: &mut Gen<'_>) -> Vec<AttachedPolicy> {
    let k = match g.rng.below(100) {
        0..=2 => 2,
        3..=40 => 1,
        _ => 0,
    };
    let name = STANDARD_POLICIES[k].0;
    vec![AttachedPolicy {
        name: name.into(),
        arn: format!("arn:aws:iam::{}:policy/{name}", g.account),
    }]
}

/// Builds resource kind `kind` with tags.
pub(crate) fn resource(g: &mut Gen<'_>, kind: ResourceKind) -> Resource {
    let (arn, name, details): (String, String, Details) = match kind {
        ResourceKind::S3Bucket => s3_bucket(g),
        ResourceKind::IamUser => iam_user(g),
        ResourceKind::IamGroup => {
            let name = g.id("group");
            let group = IamGroup {
                attached_policies: standard_attachments(g),
                inline_policies: Vec::new(),
                members: (0..g.rng.below(5))
                    .map(|u| format!("user-{u:02}"))
                    .collect(),
            };
            (
                format!("arn:aws:iam::{}:group/{name}", g.account),
                name,
                group.into(),
            )
        }
        ResourceKind::IamRole => iam_role(g),
        ResourceKind::IamPolicy => iam_policy(g),
        ResourceKind::KmsKey => {
            let id = format!("5e1f0000-0000-4000-8000-{:012x}", g.serial);
            let customer = g.rng.chance(70);
            let key = KmsKey {
                key_manager: if customer { "CUSTOMER" } else { "AWS" }.into(),
                key_state: if g.rng.chance(97) {
                    "Enabled"
                } else {
                    "PendingDeletion"
                }
                .into(),
                key_spec: if g.rng.chance(95) {
                    "SYMMETRIC_DEFAULT"
                } else {
                    "RSA_2048"
                }
                .into(),
                key_usage: "ENCRYPT_DECRYPT".into(),
                origin: "AWS_KMS".into(),
                rotation_enabled: Some(!customer || g.rng.chance(80)),
                deletion_date: None,
                aliases: vec![format!("alias/{}-{}", g.rng.pick(&APPS), g.serial)],
            };
            (g.arn("kms", &format!("key/{id}")), id, key.into())
        }
        ResourceKind::EbsVolume => {
            let id = g.id("vol");
            let encrypted = g.rng.chance(90);
            let volume = EbsVolume {
                encrypted,
                kms_key_id: encrypted.then(|| g.key()),
                state: if g.rng.chance(85) {
                    "in-use"
                } else {
                    "available"
                }
                .into(),
                size_gib: 8 + g.rng.below(1000) as u32,
                attached_instances: vec![g.id("i")],
            };
            (g.arn("ec2", &format!("volume/{id}")), id, volume.into())
        }
        ResourceKind::EbsSnapshot => {
            let id = g.id("snap");
            let snapshot = EbsSnapshot {
                encrypted: g.rng.chance(88),
                volume_id: Some(g.id("vol")),
                public: g.rng.chance(1),
                shared_with: if g.rng.chance(5) {
                    vec!["999988887777".into()]
                } else {
                    Vec::new()
                },
                start_time: Some(g.days_ago(365)),
            };
            (g.arn("ec2", &format!("snapshot/{id}")), id, snapshot.into())
        }
        ResourceKind::Ec2Instance => {
            let id = g.id("i");
            let public = g.rng.chance(10);
            let instance = Ec2Instance {
                state: if g.rng.chance(85) {
                    "running"
                } else {
                    "stopped"
                }
                .into(),
                instance_type: (*g.rng.pick(&[
                    "t3.micro",
                    "m6i.large",
                    "c6i.xlarge",
                    "r5.2xlarge",
                ]))
                .into(),
                launch_time: Some(g.days_ago(400)),
                public_ip: public.then(|| format!("198.51.100.{}", g.rng.below(250))),
                instance_profile: g
                    .rng
                    .chance(80)
                    .then(|| format!("arn:aws:iam::{}:instance-profile/app", g.account)),
                metadata_http_tokens: Some(
                    if g.rng.chance(80) {
                        "required"
                    } else {
                        "optional"
                    }
                    .into(),
                ),
                metadata_http_endpoint: Some("enabled".into()),
                vpc_id: Some(format!("vpc-{:017x}", g.serial % 97)),
                subnet_id: Some(format!("subnet-{:017x}", g.serial % 389)),
                security_groups: vec![format!("sg-{:017x}", g.serial % 211)],
                image_id: Some("ami-0example000000001".into()),
                stopped_since: None,
                enclave_enabled: false,
            };
            (g.arn("ec2", &format!("instance/{id}")), id, instance.into())
        }
        ResourceKind::SecurityGroup => security_group(g),
        ResourceKind::Vpc => {
            let id = g.id("vpc");
            let logged = g.rng.chance(70);
            let vpc = Vpc {
                is_default: g.rng.chance(30),
                cidr_block: "10.0.0.0/16".into(),
                flow_logs: if logged {
                    vec![FlowLog {
                        id: g.id("fl"),
                        status: "ACTIVE".into(),
                        traffic_type: "ALL".into(),
                        destination: Some(g.arn("logs", "log-group:/vpc/flow-logs")),
                    }]
                } else {
                    Vec::new()
                },
            };
            (g.arn("ec2", &format!("vpc/{id}")), id, vpc.into())
        }
        ResourceKind::RdsInstance => {
            let name = g.id("db");
            let encrypted = g.rng.chance(90);
            let instance = RdsInstance {
                engine: (*g
                    .rng
                    .pick(&["postgres", "mysql", "aurora-postgresql", "sqlserver-se"]))
                .into(),
                engine_version: "16.4".into(),
                storage_encrypted: encrypted,
                kms_key_id: encrypted.then(|| g.key()),
                publicly_accessible: g.rng.chance(3),
                backup_retention_period: *g.rng.pick(&[0, 1, 7, 7, 14, 35]),
                multi_az: g.rng.chance(60),
                deletion_protection: g.rng.chance(70),
                auto_minor_version_upgrade: g.rng.chance(80),
                cloudwatch_logs_exports: vec!["postgresql".into()],
                cluster_identifier: None,
                iam_database_authentication: g.rng.chance(40),
                monitoring_interval: *g.rng.pick(&[0, 60]),
            };
            (g.arn("rds", &format!("db:{name}")), name, instance.into())
        }
        ResourceKind::RdsCluster => {
            let name = g.id("cluster");
            let encrypted = g.rng.chance(92);
            let cluster = RdsCluster {
                engine: "aurora-postgresql".into(),
                storage_encrypted: encrypted,
                kms_key_id: encrypted.then(|| g.key()),
                backup_retention_period: *g.rng.pick(&[1, 7, 14]),
                deletion_protection: g.rng.chance(70),
                multi_az: true,
                members: vec![g.id("db")],
            };
            (
                g.arn("rds", &format!("cluster:{name}")),
                name,
                cluster.into(),
            )
        }
        ResourceKind::RdsSnapshot => {
            let name = g.id("rds-snap");
            let snapshot = RdsSnapshot {
                cluster: g.rng.chance(20),
                snapshot_type: if g.rng.chance(70) {
                    "automated"
                } else {
                    "manual"
                }
                .into(),
                encrypted: g.rng.chance(90),
                public: g.rng.chance(1),
                shared_with: Vec::new(),
                create_time: Some(g.days_ago(60)),
            };
            (
                g.arn("rds", &format!("snapshot:{name}")),
                name,
                snapshot.into(),
            )
        }
        ResourceKind::DynamodbTable => {
            let name = g.id("table");
            let cmk = g.rng.chance(60);
            let table = DynamodbTable {
                status: "ACTIVE".into(),
                sse_type: cmk.then(|| "KMS".to_string()),
                kms_key_arn: cmk.then(|| g.key()),
                pitr_enabled: g.rng.chance(75),
                deletion_protection: g.rng.chance(50),
            };
            (
                g.arn("dynamodb", &format!("table/{name}")),
                name,
                table.into(),
            )
        }
        ResourceKind::Trail => trail(g),
        ResourceKind::LogGroup => {
            let name = format!("/{}/{}", g.rng.pick(&APPS), g.id("lg"));
            let group = LogGroup {
                retention_in_days: *g.rng.pick(&[
                    None,
                    Some(30),
                    Some(365),
                    Some(2192),
                    Some(3653),
                ]),
                kms_key_id: g.maybe_key(50),
                stored_bytes: g.rng.below(1 << 34),
                metric_filters: Vec::new(),
            };
            (
                g.arn("logs", &format!("log-group:{name}")),
                name,
                group.into(),
            )
        }
        ResourceKind::CloudwatchAlarm => {
            let name = g.id("alarm");
            let alarm = CloudwatchAlarm {
                namespace: Some("AWS/EC2".into()),
                metric_name: Some("CPUUtilization".into()),
                actions_enabled: g.rng.chance(90),
                alarm_actions: vec![g.arn("sns", "ops-notifications")],
                state: "OK".into(),
            };
            (
                g.arn("cloudwatch", &format!("alarm:{name}")),
                name,
                alarm.into(),
            )
        }
        ResourceKind::SnsTopic => {
            let name = g.id("topic");
            let topic = SnsTopic {
                kms_master_key_id: g.maybe_key(70),
                subscriptions: vec![SnsSubscription {
                    protocol: "email".into(),
                    confirmed: true,
                }],
            };
            (g.arn("sns", &name), name, topic.into())
        }
        ResourceKind::GuarddutyDetector => {
            let id = format!("{:032x}", g.serial);
            let detector = GuarddutyDetector {
                status: if g.rng.chance(90) {
                    "ENABLED"
                } else {
                    "DISABLED"
                }
                .into(),
                finding_publishing_frequency: "SIX_HOURS".into(),
                features: vec!["CLOUD_TRAIL".into(), "S3_DATA_EVENTS".into()],
                high_severity_findings: 0,
            };
            (
                g.arn("guardduty", &format!("detector/{id}")),
                id,
                detector.into(),
            )
        }
        ResourceKind::ConfigRecorder => {
            let recorder = ConfigRecorder {
                all_supported: g.rng.chance(85),
                include_global_resource_types: g.rng.chance(70),
                recording: g.rng.chance(90),
                last_status: Some("SUCCESS".into()),
            };
            (
                g.arn("config", "config-recorder/default"),
                "default".into(),
                recorder.into(),
            )
        }
        ResourceKind::SecurityHub => {
            let hub = SecurityHubHub {
                subscribed_at: Some(g.days_ago(900)),
                enabled_standards: vec![format!(
                    "arn:aws:securityhub:{}::standards/aws-foundational-security-best-practices/v/1.0.0",
                    g.region
                )],
            };
            (
                g.arn("securityhub", "hub/default"),
                "default".into(),
                hub.into(),
            )
        }
        ResourceKind::BackupPlan => {
            let id = format!("7a1e0000-0000-4000-8000-{:012x}", g.serial);
            let plan = BackupPlan {
                rules: vec![BackupRule {
                    name: "daily".into(),
                    schedule_expression: Some("cron(0 5 ? * * *)".into()),
                    target_vault: "phi-vault".into(),
                    delete_after_days: Some(35),
                    copy_actions: Vec::new(),
                }],
                selections: vec![BackupSelection {
                    name: "phi".into(),
                    resources: Vec::new(),
                    not_resources: Vec::new(),
                    tags: vec![BackupTagCondition {
                        key: "PHI".into(),
                        value: "Yes".into(),
                    }],
                }],
            };
            (
                g.arn("backup", &format!("backup-plan:{id}")),
                id,
                plan.into(),
            )
        }
        ResourceKind::BackupVault => {
            let name = g.id("vault");
            let locked = g.rng.chance(50);
            let vault = BackupVault {
                encryption_key_arn: Some(g.key()),
                locked,
                min_retention_days: locked.then_some(35),
                max_retention_days: locked.then_some(2557),
                lock_date: None,
                recovery_points: g.rng.below(5000),
            };
            (
                g.arn("backup", &format!("backup-vault:{name}")),
                name,
                vault.into(),
            )
        }
        ResourceKind::LoadBalancer => {
            let name = g.id("lb");
            let modern = g.rng.chance(80);
            let lb = LoadBalancer {
                lb_type: if g.rng.chance(80) {
                    "application"
                } else {
                    "network"
                }
                .into(),
                scheme: if g.rng.chance(60) {
                    "internet-facing"
                } else {
                    "internal"
                }
                .into(),
                listeners: vec![
                    Listener {
                        port: 443,
                        protocol: "HTTPS".into(),
                        ssl_policy: Some(
                            if modern {
                                "ELBSecurityPolicy-TLS13-1-2-2021-06"
                            } else {
                                "ELBSecurityPolicy-2016-08"
                            }
                            .into(),
                        ),
                        redirects_to_https: false,
                    },
                    Listener {
                        port: 80,
                        protocol: "HTTP".into(),
                        ssl_policy: None,
                        redirects_to_https: g.rng.chance(85),
                    },
                ],
                access_logs_enabled: Some(g.rng.chance(60)),
                deletion_protection: Some(g.rng.chance(60)),
            };
            (
                g.arn(
                    "elasticloadbalancing",
                    &format!("loadbalancer/app/{name}/0123456789abcdef"),
                ),
                name,
                lb.into(),
            )
        }
        ResourceKind::Distribution => {
            let id = format!("E{:013X}", g.serial);
            let modern = g.rng.chance(80);
            let dist = Distribution {
                enabled: true,
                viewer_protocol_policies: vec![
                    if modern {
                        "redirect-to-https"
                    } else {
                        "allow-all"
                    }
                    .into(),
                ],
                minimum_protocol_version: if modern { "TLSv1.2_2021" } else { "TLSv1" }.into(),
                default_certificate: !modern,
                origin_protocol_policies: vec!["https-only".into()],
                web_acl_id: None,
                logging_enabled: g.rng.chance(50),
            };
            (
                format!("arn:aws:cloudfront::{}:distribution/{id}", g.account),
                id,
                dist.into(),
            )
        }
        ResourceKind::Secret => {
            let name = format!("{}/{}", g.rng.pick(&APPS), g.id("secret"));
            let rotation = g.rng.chance(70);
            let secret = Secret {
                kms_key_id: g.maybe_key(60),
                rotation_enabled: rotation,
                rotation_days: rotation.then_some(30),
                last_rotated: rotation.then(|| g.days_ago(60)),
                last_accessed: Some(g.days_ago(30)),
            };
            (
                g.arn("secretsmanager", &format!("secret:{name}-AbCdEf")),
                name,
                secret.into(),
            )
        }
        ResourceKind::LambdaFunction => {
            let name = g.id("fn");
            let url = g.rng.chance(5);
            let function = LambdaFunction {
                runtime: Some(
                    (*g.rng
                        .pick(&["python3.12", "nodejs20.x", "java21", "python3.8"]))
                    .into(),
                ),
                role: format!("arn:aws:iam::{}:role/lambda-exec", g.account),
                kms_key_arn: g.maybe_key(30),
                vpc_id: g
                    .rng
                    .chance(50)
                    .then(|| format!("vpc-{:017x}", g.serial % 97)),
                url_auth_type: url
                    .then(|| if g.rng.chance(50) { "NONE" } else { "AWS_IAM" }.to_string()),
                policy: None,
                environment_variable_names: vec!["TABLE".into()],
            };
            (
                g.arn("lambda", &format!("function:{name}")),
                name,
                function.into(),
            )
        }
        ResourceKind::AccessAnalyzer => {
            let name = g.id("analyzer");
            let analyzer = AccessAnalyzer {
                analyzer_type: "ACCOUNT".into(),
                status: "ACTIVE".into(),
                active_findings: Vec::new(),
            };
            (
                g.arn("access-analyzer", &format!("analyzer/{name}")),
                name,
                analyzer.into(),
            )
        }
        ResourceKind::MacieSession => {
            let session = MacieSession {
                status: "ENABLED".into(),
                automated_discovery: g.rng.chance(50),
                job_buckets: Vec::new(),
            };
            let id = g.id("session");
            (
                g.arn("macie2", &format!("session/{id}")),
                id,
                session.into(),
            )
        }
        ResourceKind::InspectorStatus => {
            let on = if g.rng.chance(60) {
                "ENABLED"
            } else {
                "DISABLED"
            };
            let status = InspectorStatus {
                state: on.into(),
                ec2: on.into(),
                ecr: on.into(),
                lambda: "DISABLED".into(),
            };
            let id = g.id("status");
            (
                g.arn("inspector2", &format!("account/{id}")),
                id,
                status.into(),
            )
        }
        ResourceKind::SsmManagedInstance => {
            let id = g.id("i");
            let node = SsmManagedInstance {
                instance_id: id.clone(),
                ping_status: "Online".into(),
                platform_type: "Linux".into(),
                patch_compliance: Some(
                    if g.rng.chance(80) {
                        "COMPLIANT"
                    } else {
                        "NON_COMPLIANT"
                    }
                    .into(),
                ),
                association_compliance: None,
                non_compliant: Vec::new(),
            };
            (
                g.arn("ssm", &format!("managed-instance/{id}")),
                id,
                node.into(),
            )
        }
        ResourceKind::RdsParameterGroup => {
            let name = g.id("pg");
            let cluster = g.rng.chance(30);
            let parameter = if cluster {
                "require_secure_transport"
            } else {
                "rds.force_ssl"
            };
            let value = if g.rng.chance(70) { "1" } else { "0" };
            let group = RdsParameterGroup {
                cluster,
                parameters: [(parameter.to_string(), value.to_string())].into(),
                members: vec![g.id("db")],
            };
            let noun = if cluster { "cluster-pg" } else { "pg" };
            (g.arn("rds", &format!("{noun}:{name}")), name, group.into())
        }
        ResourceKind::OpensearchDomain => {
            let name = g.id("search");
            let good = g.rng.chance(80);
            let domain = OpensearchDomain {
                engine_version: "OpenSearch_2.11".into(),
                encryption_at_rest: good,
                kms_key_id: g.maybe_key(60),
                node_to_node_encryption: good,
                enforce_https: good,
                tls_security_policy: Some(
                    if good {
                        "Policy-Min-TLS-1-2-2019-07"
                    } else {
                        "Policy-Min-TLS-1-0-2019-07"
                    }
                    .into(),
                ),
                vpc_id: Some(format!("vpc-{:017x}", g.serial % 97)),
                log_publishing: vec!["AUDIT_LOGS".into()],
                fine_grained_access_control: good,
            };
            (g.arn("es", &format!("domain/{name}")), name, domain.into())
        }
        ResourceKind::RedshiftCluster => {
            let name = g.id("warehouse");
            let good = g.rng.chance(75);
            let cluster = RedshiftCluster {
                encrypted: good,
                kms_key_id: g.maybe_key(60),
                publicly_accessible: !good && g.rng.chance(30),
                automated_snapshot_retention_period: if good { 7 } else { 0 },
                audit_logging: good,
                parameter_groups: vec!["default.redshift-1.0".into()],
                parameters: [("require_ssl".to_string(), good.to_string())].into(),
                allow_version_upgrade: true,
                enhanced_vpc_routing: good,
                vpc_id: Some(format!("vpc-{:017x}", g.serial % 97)),
            };
            (
                g.arn("redshift", &format!("cluster:{name}")),
                name,
                cluster.into(),
            )
        }
        ResourceKind::ApigatewayStage => {
            let api = g.id("api");
            let stage = ApigatewayStage {
                rest_api_id: api.clone(),
                rest_api_name: api.clone(),
                stage_name: "prod".into(),
                client_certificate_id: g.rng.chance(40).then(|| "abc123".to_string()),
                logging_level: Some(if g.rng.chance(70) { "INFO" } else { "OFF" }.into()),
                access_log_destination: None,
                web_acl_arn: None,
                tracing_enabled: false,
                cache_cluster_enabled: false,
            };
            (
                format!(
                    "arn:aws:apigateway:{}::/restapis/{api}/stages/prod",
                    g.region
                ),
                format!("{api}/prod"),
                stage.into(),
            )
        }
        ResourceKind::ApigatewayDomain => {
            let name = format!("{}.example.org", g.id("api"));
            let domain = ApigatewayDomain {
                domain_name: name.clone(),
                security_policy: Some(
                    if g.rng.chance(80) {
                        "TLS_1_2"
                    } else {
                        "TLS_1_0"
                    }
                    .into(),
                ),
                endpoint_types: vec!["REGIONAL".into()],
                certificate_arn: None,
            };
            (
                format!("arn:aws:apigateway:{}::/domainnames/{name}", g.region),
                name,
                domain.into(),
            )
        }
        ResourceKind::EfsFileSystem => {
            let id = format!("fs-{:017x}", g.serial);
            let fs = EfsFileSystem {
                encrypted: g.rng.chance(85),
                kms_key_id: g.maybe_key(50),
                backup_policy_enabled: g.rng.chance(70),
                life_cycle_state: "available".into(),
            };
            (
                g.arn("elasticfilesystem", &format!("file-system/{id}")),
                id,
                fs.into(),
            )
        }
        ResourceKind::SsmDocument => {
            let name = g.id("doc");
            let doc = SsmDocument {
                document_type: "Command".into(),
                public: g.rng.chance(5),
                shared_with: Vec::new(),
            };
            (g.arn("ssm", &format!("document/{name}")), name, doc.into())
        }
        ResourceKind::Subnet => {
            let id = g.id("subnet");
            let subnet = Subnet {
                vpc_id: "vpc-0example0000001".into(),
                cidr_block: "10.0.1.0/24".into(),
                availability_zone: "us-east-1a".into(),
                map_public_ip_on_launch: g.rng.chance(20),
                default_for_az: false,
            };
            (g.arn("ec2", &format!("subnet/{id}")), id, subnet.into())
        }
        ResourceKind::NetworkAcl => {
            let id = g.id("acl");
            let open = g.rng.chance(40);
            let acl = NetworkAcl {
                vpc_id: "vpc-0example0000001".into(),
                is_default: open,
                entries: vec![NetworkAclEntry {
                    rule_number: 100,
                    egress: false,
                    protocol: if open { "-1" } else { "6" }.into(),
                    rule_action: "allow".into(),
                    cidr_block: Some("0.0.0.0/0".into()),
                    ipv6_cidr_block: None,
                    port_from: (!open).then_some(443),
                    port_to: (!open).then_some(443),
                }],
                subnets: vec![format!("subnet-{id}")],
            };
            (g.arn("ec2", &format!("network-acl/{id}")), id, acl.into())
        }
        ResourceKind::RouteTable => {
            let id = g.id("rtb");
            let public = g.rng.chance(30);
            let table = RouteTable {
                vpc_id: "vpc-0example0000001".into(),
                main: false,
                subnets: Vec::new(),
                routes: vec![Route {
                    destination: "0.0.0.0/0".into(),
                    target: if public {
                        "igw-0example01"
                    } else {
                        "nat-0example01"
                    }
                    .into(),
                    state: "active".into(),
                }],
            };
            (g.arn("ec2", &format!("route-table/{id}")), id, table.into())
        }
        ResourceKind::BackupRestoreTestingPlan => {
            let name = g.id("restore-test");
            let plan = BackupRestoreTestingPlan {
                schedule_expression: "cron(0 6 ? * SUN *)".into(),
                last_execution: Some(g.days_ago(7)),
                protected_resource_types: vec!["RDS".into(), "EBS".into()],
            };
            (
                g.arn("backup", &format!("restore-testing-plan:{name}")),
                name,
                plan.into(),
            )
        }
        ResourceKind::ServiceControlPolicy => {
            let restricted = g.rng.chance(60);
            let text = if restricted {
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}]}"#
            } else {
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            };
            let name = if restricted {
                "deny-other-regions"
            } else {
                "FullAWSAccess"
            };
            let scp = ServiceControlPolicy {
                document: PolicyDocument::from_json(text).unwrap_or_default(),
                attached_to: vec!["r-ab12".into()],
                aws_managed: !restricted,
            };
            (
                format!(
                    "arn:aws:organizations::{}:policy/o-example/service_control_policy/p-{:08x}",
                    g.account, g.serial
                ),
                name.into(),
                scp.into(),
            )
        }
        ResourceKind::ClassicLoadBalancer => {
            let name = g.id("clb");
            let tls = g.rng.chance(70);
            let lb = ClassicLoadBalancer {
                scheme: "internet-facing".into(),
                vpc_id: Some(format!("vpc-{:017x}", g.serial % 97)),
                listeners: vec![ClassicListener {
                    protocol: if tls { "HTTPS" } else { "HTTP" }.into(),
                    port: if tls { 443 } else { 80 },
                    instance_protocol: Some("HTTP".into()),
                    ssl_certificate_id: tls.then(|| {
                        format!("arn:aws:acm:{}:{}:certificate/{name}", g.region, g.account)
                    }),
                    security_policy: tls.then(|| "ELBSecurityPolicy-TLS-1-2-2017-01".into()),
                }],
                access_logs_enabled: g.rng.chance(60),
                cross_zone: g.rng.chance(80),
            };
            (
                g.arn("elasticloadbalancing", &format!("loadbalancer/{name}")),
                name,
                lb.into(),
            )
        }
        ResourceKind::Tagged => {
            let (service, rtype) = *g.rng.pick(&[
                ("sqs", "AWS::SQS::Queue"),
                ("states", "AWS::StepFunctions::StateMachine"),
                ("ecr", "AWS::ECR::Repository"),
                ("lightsail", "AWS::Lightsail::Instance"),
                ("events", "AWS::Events::Rule"),
            ]);
            let name = g.id("res");
            (
                g.arn(service, &name),
                name,
                Tagged {
                    resource_type: Some(rtype.into()),
                }
                .into(),
            )
        }
    };
    let mut r = Resource::new(arn, g.account, g.region, details).named(name);
    if g.rng.chance(25) {
        r = r.tag("PHI", "Yes");
    }
    r.tag("Environment", if g.rng.chance(70) { "prod" } else { "dev" })
        .tag("App", *g.rng.pick(&APPS))
        .tag("Owner", *g.rng.pick(&TEAMS))
}

fn s3_bucket(g: &mut Gen<'_>) -> (String, String, Details) {
    let name = g.id("bucket");
    let arn = format!("arn:aws:s3:::{name}");
    let kms = g.rng.chance(60);
    let tls_only = g.rng.chance(70);
    let policy = tls_only.then(|| {
        doc(vec![Statement {
            sid: Some("DenyInsecureTransport".into()),
            effect: Effect::Deny,
            principal: Some(Principal::Wildcard("*".into())),
            action: vec!["s3:*".into()],
            resource: vec![arn.clone(), format!("{arn}/*")],
            condition: condition("Bool", "aws:SecureTransport", "false"),
            ..Statement::default()
        }])
    });
    let blocked = g.rng.chance(90);
    let bucket = S3Bucket {
        creation_date: Some(g.days_ago(2000)),
        encryption: Some(S3Encryption {
            algorithm: if kms { "aws:kms" } else { "AES256" }.into(),
            kms_key_id: if kms { Some(g.key()) } else { None },
            bucket_key_enabled: kms,
        }),
        versioning: if g.rng.chance(75) {
            Some("Enabled".into())
        } else if g.rng.chance(30) {
            Some("Suspended".into())
        } else {
            None
        },
        mfa_delete: false,
        public_access_block: blocked.then_some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }),
        policy,
        policy_is_public: Some(!blocked && g.rng.chance(10)),
        acl_grants_public: !blocked && g.rng.chance(10),
        object_ownership: Some("BucketOwnerEnforced".into()),
        logging: g.rng.chance(60).then(|| S3Logging {
            target_bucket: "access-logs".into(),
            target_prefix: format!("{name}/"),
        }),
        object_lock: None,
        replication_rules: Vec::new(),
        lifecycle_rules: if g.rng.chance(40) {
            vec![LifecycleRule {
                id: "expire".into(),
                status: "Enabled".into(),
                prefix: String::new(),
                expiration_days: Some(2557),
                noncurrent_expiration_days: Some(90),
            }]
        } else {
            Vec::new()
        },
    };
    (arn, name, bucket.into())
}

fn iam_user(g: &mut Gen<'_>) -> (String, String, Details) {
    let name = g.id("user");
    let console = g.rng.chance(60);
    let user = IamUser {
        create_date: Some(g.days_ago(2000)),
        console_access: console,
        password_last_used: console.then(|| g.days_ago(200)),
        groups: vec!["developers".into()],
        attached_policies: if g.rng.chance(30) {
            standard_attachments(g)
        } else {
            Vec::new()
        },
        inline_policies: Vec::new(),
        mfa_devices: if console && g.rng.chance(85) {
            vec![MfaDevice {
                serial: format!("arn:aws:iam::{}:mfa/{name}", g.account),
                enable_date: Some(g.days_ago(500)),
            }]
        } else {
            Vec::new()
        },
        access_keys: if g.rng.chance(50) {
            vec![AccessKey {
                id: format!("AKIAEXAMPLE{:09}", g.serial % 1_000_000_000),
                status: "Active".into(),
                create_date: g.days_ago(300),
                last_used: Some(g.days_ago(120)),
            }]
        } else {
            Vec::new()
        },
    };
    (
        format!("arn:aws:iam::{}:user/{name}", g.account),
        name,
        user.into(),
    )
}

fn iam_role(g: &mut Gen<'_>) -> (String, String, Details) {
    let name = g.id("role");
    let trust = match g.rng.below(10) {
        0 => Statement {
            effect: Effect::Allow,
            principal: principal("AWS", "arn:aws:iam::999988887777:root".into()),
            action: vec!["sts:AssumeRole".into()],
            ..Statement::default()
        },
        1 => Statement {
            effect: Effect::Allow,
            principal: principal("AWS", "arn:aws:iam::555566667777:root".into()),
            action: vec!["sts:AssumeRole".into()],
            condition: condition("StringEquals", "sts:ExternalId", "synthetic-external-id"),
            ..Statement::default()
        },
        _ => Statement {
            effect: Effect::Allow,
            principal: principal(
                "Service",
                (*g.rng.pick(&[
                    "ec2.amazonaws.com",
                    "lambda.amazonaws.com",
                    "ecs-tasks.amazonaws.com",
                ]))
                .into(),
            ),
            action: vec!["sts:AssumeRole".into()],
            ..Statement::default()
        },
    };
    let role = IamRole {
        path: if g.rng.chance(10) {
            "/aws-service-role/support.amazonaws.com/".into()
        } else {
            "/".into()
        },
        trust_policy: doc(vec![trust]),
        attached_policies: standard_attachments(g),
        inline_policies: Vec::new(),
        last_used: Some(g.days_ago(100)),
    };
    (
        format!("arn:aws:iam::{}:role/{name}", g.account),
        name,
        role.into(),
    )
}

fn iam_policy(g: &mut Gen<'_>) -> (String, String, Details) {
    let name = g.id("policy");
    let statement = if g.rng.chance(5) {
        allow(&["*"], &["*"])
    } else {
        allow(
            &["s3:GetObject", "s3:PutObject", "kms:Decrypt"],
            &["arn:aws:s3:::bucket/*"],
        )
    };
    let policy = IamPolicy {
        aws_managed: false,
        attachment_count: g.rng.below(4) as u32,
        document: doc(vec![statement]),
    };
    (
        format!("arn:aws:iam::{}:policy/{name}", g.account),
        name,
        policy.into(),
    )
}

fn rule(port: i32, cidr: &str) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: vec![cidr.into()],
        ipv6_ranges: Vec::new(),
        groups: Vec::new(),
    }
}

fn security_group(g: &mut Gen<'_>) -> (String, String, Details) {
    let id = g.id("sg");
    let mut ingress = vec![rule(443, "10.0.0.0/8")];
    if g.rng.chance(4) {
        ingress.push(rule(22, "0.0.0.0/0"));
    }
    if g.rng.chance(2) {
        ingress.push(rule(3389, "0.0.0.0/0"));
    }
    let sg = SecurityGroup {
        group_name: if g.rng.chance(15) {
            "default".into()
        } else {
            format!("{}-sg", g.rng.pick(&APPS))
        },
        vpc_id: Some(format!("vpc-{:017x}", g.serial % 97)),
        ingress,
        egress: vec![SecurityGroupRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            ipv4_ranges: vec!["0.0.0.0/0".into()],
            ipv6_ranges: Vec::new(),
            groups: Vec::new(),
        }],
    };
    (g.arn("ec2", &format!("security-group/{id}")), id, sg.into())
}

fn trail(g: &mut Gen<'_>) -> (String, String, Details) {
    let name = g.id("trail");
    let trail = Trail {
        home_region: g.region.into(),
        is_multi_region: g.rng.chance(85),
        is_organization_trail: false,
        is_logging: g.rng.chance(95),
        log_file_validation_enabled: g.rng.chance(80),
        kms_key_id: g.maybe_key(70),
        cloudwatch_logs_log_group_arn: g
            .rng
            .chance(70)
            .then(|| g.arn("logs", "log-group:/cloudtrail:*")),
        latest_cloudwatch_logs_delivery_time: Some(g.days_ago(1)),
        s3_bucket_name: format!("trail-logs-{}", g.account),
        s3_key_prefix: None,
        include_global_service_events: true,
        event_selectors: vec![EventSelector {
            read_write_type: "All".into(),
            include_management_events: true,
            data_resources: if g.rng.chance(50) {
                vec![DataResource {
                    resource_type: "AWS::S3::Object".into(),
                    values: vec!["arn:aws:s3".into()],
                }]
            } else {
                Vec::new()
            },
        }],
        advanced_event_selectors: Vec::new(),
    };
    (
        g.arn("cloudtrail", &format!("trail/{name}")),
        name,
        trail.into(),
    )
}
