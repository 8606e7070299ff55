//! EC2 instances with their EBS volumes and snapshots, Lambda functions, Secrets Manager
//! secrets, and resources of other services known only by ARN and tags (including PHI in
//! Lightsail, which is not HIPAA-eligible).

use phiguard_model::Resource;
use phiguard_model::kinds::{EbsSnapshot, EbsVolume, Ec2Instance, LambdaFunction, Secret};
use phiguard_model::resource::Tagged;

use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2, kms, kms_arn, policy};

/// The production VPC in us-east-1.
pub(crate) const EHR_VPC: &str = "vpc-0e1f2a3b4c5d60001";
/// The DR VPC in us-west-2.
pub(crate) const DR_VPC: &str = "vpc-0e1f2a3b4c5d60002";
/// The development VPC in us-east-1.
pub(crate) const DEV_VPC: &str = "vpc-0e1f2a3b4c5d60101";

/// An instance of the demo.
struct InstanceSpec {
    account: &'static str,
    region: &'static str,
    id: &'static str,
    name: &'static str,
    state: &'static str,
    instance_type: &'static str,
    public_ip: Option<&'static str>,
    profile: Option<&'static str>,
    imdsv2: bool,
    vpc: &'static str,
    groups: &'static [&'static str],
    /// Volumes: (id, size GiB, encryption key: `None` = unencrypted).
    volumes: &'static [(&'static str, u32, Option<&'static str>)],
    phi: bool,
    app: &'static str,
}

const INSTANCES: &[InstanceSpec] = &[
    InstanceSpec {
        account: PROD,
        region: US_EAST_1,
        id: "i-0a1b2c3d4e5f60001",
        name: "ehr-app-1",
        state: "running",
        instance_type: "m6i.xlarge",
        public_ip: None,
        profile: Some("ehr-app-instance"),
        imdsv2: true,
        vpc: EHR_VPC,
        groups: &["sg-0a1b2c3d4e5f60002"],
        volumes: &[
            ("vol-0a1b2c3d4e5f60001", 50, Some(kms::EHR_DB)),
            ("vol-0a1b2c3d4e5f60002", 500, Some(kms::EHR_DB)),
        ],
        phi: true,
        app: "ehr",
    },
    InstanceSpec {
        account: PROD,
        region: US_EAST_1,
        id: "i-0a1b2c3d4e5f60002",
        name: "ehr-app-2",
        state: "running",
        instance_type: "m6i.xlarge",
        public_ip: None,
        profile: Some("ehr-app-instance"),
        imdsv2: true,
        vpc: EHR_VPC,
        groups: &["sg-0a1b2c3d4e5f60002"],
        volumes: &[
            ("vol-0a1b2c3d4e5f60003", 50, Some(kms::EHR_DB)),
            ("vol-0a1b2c3d4e5f60004", 500, Some(kms::EHR_DB)),
        ],
        phi: true,
        app: "ehr",
    },
    InstanceSpec {
        account: PROD,
        region: US_EAST_1,
        id: "i-0a1b2c3d4e5f60003",
        name: "pacs-legacy",
        state: "running",
        instance_type: "r5.2xlarge",
        public_ip: None,
        profile: Some("ehr-app-instance"),
        imdsv2: false,
        vpc: EHR_VPC,
        groups: &["sg-0a1b2c3d4e5f60005"],
        volumes: &[
            ("vol-0a1b2c3d4e5f60005", 100, Some(kms::EHR_DB)),
            ("vol-0a1b2c3d4e5f60006", 2000, None),
        ],
        phi: true,
        app: "pacs",
    },
    InstanceSpec {
        account: PROD,
        region: US_EAST_1,
        id: "i-0a1b2c3d4e5f60004",
        name: "bastion",
        state: "running",
        instance_type: "t3.micro",
        public_ip: Some("198.51.100.23"),
        profile: None,
        imdsv2: true,
        vpc: EHR_VPC,
        groups: &["sg-0a1b2c3d4e5f60004"],
        volumes: &[("vol-0a1b2c3d4e5f60007", 8, Some(kms::EHR_DB))],
        phi: false,
        app: "platform",
    },
    InstanceSpec {
        account: PROD,
        region: US_EAST_1,
        id: "i-0a1b2c3d4e5f60005",
        name: "fax-gateway",
        state: "running",
        instance_type: "t3.small",
        public_ip: None,
        profile: None,
        imdsv2: true,
        vpc: EHR_VPC,
        groups: &["sg-0a1b2c3d4e5f60002"],
        volumes: &[("vol-0a1b2c3d4e5f60008", 30, Some(kms::EHR_DB))],
        phi: true,
        app: "fax-gateway",
    },
    InstanceSpec {
        account: PROD,
        region: US_WEST_2,
        id: "i-0a1b2c3d4e5f60011",
        name: "ehr-app-dr",
        state: "stopped",
        instance_type: "m6i.xlarge",
        public_ip: None,
        profile: Some("ehr-app-instance"),
        imdsv2: true,
        vpc: DR_VPC,
        groups: &["sg-0a1b2c3d4e5f60012"],
        volumes: &[
            ("vol-0a1b2c3d4e5f60011", 50, Some(kms::DR_PHI)),
            ("vol-0a1b2c3d4e5f60012", 500, Some(kms::DR_PHI)),
        ],
        phi: true,
        app: "ehr",
    },
    InstanceSpec {
        account: DEV,
        region: US_EAST_1,
        id: "i-0a1b2c3d4e5f60101",
        name: "dev-sandbox",
        state: "running",
        instance_type: "t3.large",
        public_ip: Some("203.0.113.77"),
        profile: Some("dev-sandbox-instance"),
        imdsv2: false,
        vpc: DEV_VPC,
        groups: &["sg-0a1b2c3d4e5f60102"],
        volumes: &[("vol-0a1b2c3d4e5f60101", 100, None)],
        phi: false,
        app: "dev",
    },
    InstanceSpec {
        account: DEV,
        region: US_EAST_1,
        id: "i-0a1b2c3d4e5f60102",
        name: "dev-build-runner",
        state: "running",
        instance_type: "c6i.large",
        public_ip: None,
        profile: Some("dev-sandbox-instance"),
        imdsv2: true,
        vpc: DEV_VPC,
        groups: &["sg-0a1b2c3d4e5f60103"],
        volumes: &[("vol-0a1b2c3d4e5f60102", 200, Some(kms::DEV_GENERAL))],
        phi: false,
        app: "dev",
    },
];

fn ec2_arn(account: &str, region: &str, what: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:{what}")
}

pub(crate) fn build(demo: &mut Demo) {
    instances(demo);
    snapshots(demo);
    lambdas(demo);
    secrets(demo);
    tagged(demo);
}

fn instances(demo: &mut Demo) {
    for spec in INSTANCES {
        let instance = Ec2Instance {
            state: spec.state.into(),
            instance_type: spec.instance_type.into(),
            launch_time: Some(demo.days_ago(if spec.state == "running" { 21 } else { 200 })),
            public_ip: spec.public_ip.map(str::to_string),
            instance_profile: spec
                .profile
                .map(|p| format!("arn:aws:iam::{}:instance-profile/{p}", spec.account)),
            metadata_http_tokens: Some(if spec.imdsv2 { "required" } else { "optional" }.into()),
            metadata_http_endpoint: Some("enabled".into()),
            vpc_id: Some(spec.vpc.into()),
            subnet_id: Some(format!("subnet-{}", &spec.vpc[4..])),
            security_groups: spec.groups.iter().map(|g| (*g).to_string()).collect(),
            image_id: Some("ami-0example000000001".into()),
            stopped_since: None,
            enclave_enabled: false,
        };
        let arn = ec2_arn(spec.account, spec.region, &format!("instance/{}", spec.id));
        let mut r = Resource::new(arn, spec.account, spec.region, instance)
            .named(spec.name)
            .tag("Name", spec.name)
            .tag("App", spec.app);
        if spec.phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);

        for (id, size, key) in spec.volumes {
            let volume = EbsVolume {
                encrypted: key.is_some(),
                kms_key_id: key.map(|k| kms_arn(spec.account, spec.region, k)),
                state: "in-use".into(),
                size_gib: *size,
                attached_instances: vec![spec.id.into()],
            };
            let arn = ec2_arn(spec.account, spec.region, &format!("volume/{id}"));
            let mut v = Resource::new(arn, spec.account, spec.region, volume)
                .named(*id)
                .tag("App", spec.app);
            if spec.phi {
                v = v.tag("PHI", "Yes");
            }
            demo.add(v);
        }
    }

    // Detached volumes: a leftover scratch disk in production, a dev one in Europe.
    for (account, region, id, size) in [
        (PROD, US_EAST_1, "vol-0a1b2c3d4e5f60009", 250),
        (DEV, EU_WEST_1, "vol-0a1b2c3d4e5f60103", 20),
    ] {
        demo.add(
            Resource::new(
                ec2_arn(account, region, &format!("volume/{id}")),
                account,
                region,
                EbsVolume {
                    encrypted: false,
                    kms_key_id: None,
                    state: "available".into(),
                    size_gib: size,
                    attached_instances: Vec::new(),
                },
            )
            .named(id),
        );
    }
}

fn snapshots(demo: &mut Demo) {
    // Nightly snapshots of the EHR data volumes (encrypted, private).
    for (n, volume) in ["vol-0a1b2c3d4e5f60002", "vol-0a1b2c3d4e5f60004"]
        .iter()
        .enumerate()
    {
        for day in 1..=2_i64 {
            let id = format!("snap-0a1b2c3d4e5f6{n}{day:03}");
            demo.add(
                Resource::new(
                    ec2_arn(PROD, US_EAST_1, &format!("snapshot/{id}")),
                    PROD,
                    US_EAST_1,
                    EbsSnapshot {
                        encrypted: true,
                        volume_id: Some((*volume).into()),
                        public: false,
                        shared_with: Vec::new(),
                        start_time: Some(demo.days_ago(day)),
                    },
                )
                .named(id)
                .tag("PHI", "Yes")
                .tag("App", "ehr"),
            );
        }
    }
    // The PACS data disk, unencrypted like its volume, shared with the imaging vendor.
    demo.add(
        Resource::new(
            ec2_arn(PROD, US_EAST_1, "snapshot/snap-0a1b2c3d4e5f60901"),
            PROD,
            US_EAST_1,
            EbsSnapshot {
                encrypted: false,
                volume_id: Some("vol-0a1b2c3d4e5f60006".into()),
                public: false,
                shared_with: vec!["888899990000".into()],
                start_time: Some(demo.days_ago(40)),
            },
        )
        .named("pacs-migration-export")
        .tag("PHI", "Yes")
        .tag("App", "pacs"),
    );
    // A dev base image snapshot someone made public.
    demo.add(
        Resource::new(
            ec2_arn(DEV, US_EAST_1, "snapshot/snap-0a1b2c3d4e5f61001"),
            DEV,
            US_EAST_1,
            EbsSnapshot {
                encrypted: false,
                volume_id: Some("vol-0a1b2c3d4e5f60101".into()),
                public: true,
                shared_with: Vec::new(),
                start_time: Some(demo.days_ago(90)),
            },
        )
        .named("dev-sandbox-base-image"),
    );
}

fn lambda_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

fn lambdas(demo: &mut Demo) {
    let functions: [(&str, &str, &str, LambdaFunction, bool); 5] = [
        (
            PROD,
            US_EAST_1,
            "intake-processor",
            LambdaFunction {
                runtime: Some("python3.12".into()),
                role: "arn:aws:iam::111122223333:role/intake-processor".into(),
                kms_key_arn: Some(kms::prod_key(kms::APP_SECRETS)),
                vpc_id: Some(EHR_VPC.into()),
                url_auth_type: None,
                policy: None,
                environment_variable_names: vec!["TABLE_NAME".into(), "BUCKET".into()],
            },
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "appointment-reminders",
            LambdaFunction {
                runtime: Some("nodejs20.x".into()),
                role: "arn:aws:iam::111122223333:role/appointment-reminders".into(),
                kms_key_arn: None,
                vpc_id: Some(EHR_VPC.into()),
                url_auth_type: None,
                policy: Some(policy(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:appointment-reminders","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:111122223333:rule/reminders-hourly"}}}]}"#,
                )),
                environment_variable_names: vec!["TOPIC_ARN".into()],
            },
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "fax-webhook",
            LambdaFunction {
                runtime: Some("python3.9".into()),
                role: "arn:aws:iam::111122223333:role/intake-processor".into(),
                kms_key_arn: None,
                vpc_id: None,
                url_auth_type: Some("NONE".into()),
                policy: Some(policy(
                    r#"{"Version":"2012-10-17","Statement":[{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:111122223333:function:fax-webhook","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}"#,
                )),
                environment_variable_names: vec!["INBOX_BUCKET".into()],
            },
            true,
        ),
        (
            PROD,
            US_WEST_2,
            "backup-report-mailer",
            LambdaFunction {
                runtime: Some("python3.12".into()),
                role: "arn:aws:iam::111122223333:role/appointment-reminders".into(),
                kms_key_arn: None,
                vpc_id: None,
                url_auth_type: None,
                policy: None,
                environment_variable_names: Vec::new(),
            },
            false,
        ),
        (
            DEV,
            US_EAST_1,
            "dev-playground",
            LambdaFunction {
                runtime: Some("nodejs18.x".into()),
                role: "arn:aws:iam::444455556666:role/dev-playground-fn".into(),
                kms_key_arn: None,
                vpc_id: None,
                url_auth_type: Some("AWS_IAM".into()),
                policy: None,
                environment_variable_names: vec!["DEBUG".into()],
            },
            false,
        ),
    ];
    for (account, region, name, function, phi) in functions {
        let mut r =
            Resource::new(lambda_arn(account, region, name), account, region, function).named(name);
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    }
}

/// A secret: rotation every `rotation` days, last rotated `rotated` days ago.
fn secret(
    demo: &mut Demo,
    (account, region, name): (&str, &str, &str),
    key: Option<String>,
    rotation: Option<u32>,
    rotated: Option<i64>,
) {
    let details = Secret {
        kms_key_id: key,
        rotation_enabled: rotation.is_some(),
        rotation_days: rotation,
        last_rotated: rotated.map(|d| demo.days_ago(d)),
        last_accessed: Some(demo.days_ago(1)),
    };
    let arn = format!("arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf");
    let mut r = Resource::new(arn, account, region, details).named(name);
    if account == PROD && name.contains("ehr") {
        r = r.tag("PHI", "Yes");
    }
    demo.add(r);
}

fn secrets(demo: &mut Demo) {
    let app_key = || Some(kms::prod_key(kms::APP_SECRETS));
    let at = |name| (PROD, US_EAST_1, name);
    secret(
        demo,
        at("prod/ehr/db-master"),
        app_key(),
        Some(30),
        Some(12),
    );
    secret(
        demo,
        at("prod/portal/session-signing"),
        app_key(),
        Some(90),
        Some(40),
    );
    secret(
        demo,
        at("prod/clearinghouse/api-token"),
        app_key(),
        None,
        None,
    );
    secret(
        demo,
        (PROD, US_WEST_2, "prod/ehr/db-master-dr"),
        None,
        Some(30),
        Some(12),
    );
    secret(demo, (DEV, US_EAST_1, "dev/db-password"), None, None, None);
}

/// A resource of another service: (account, region, ARN, resource type, tags).
type TaggedRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

fn tagged(demo: &mut Demo) {
    let items: [TaggedRow; 7] = [
        (
            PROD,
            US_EAST_1,
            "arn:aws:lightsail:us-east-1:111122223333:Instance/3c1e0000-0000-4000-8000-00000000c001",
            "AWS::Lightsail::Instance",
            &[("PHI", "Yes"), ("Name", "telehealth-scheduler-pilot")],
        ),
        (
            PROD,
            US_EAST_1,
            "arn:aws:lightsail:us-east-1:111122223333:RelationalDatabase/3c1e0000-0000-4000-8000-00000000c002",
            "AWS::Lightsail::Database",
            &[
                ("DataSensitivity", "PHI"),
                ("Name", "telehealth-scheduler-db"),
            ],
        ),
        (
            PROD,
            US_EAST_1,
            "arn:aws:sqs:us-east-1:111122223333:intake-documents",
            "AWS::SQS::Queue",
            &[("PHI", "Yes"), ("App", "intake")],
        ),
        (
            PROD,
            US_EAST_1,
            "arn:aws:states:us-east-1:111122223333:stateMachine:referral-workflow",
            "AWS::StepFunctions::StateMachine",
            &[("PHI", "Yes"), ("App", "referrals")],
        ),
        (
            PROD,
            US_EAST_1,
            "arn:aws:ecr:us-east-1:111122223333:repository/ehr-app",
            "AWS::ECR::Repository",
            &[("App", "ehr")],
        ),
        (
            PROD,
            EU_WEST_1,
            "arn:aws:lightsail:eu-west-1:111122223333:Instance/3c1e0000-0000-4000-8000-00000000c003",
            "AWS::Lightsail::Instance",
            &[("App", "marketing"), ("Name", "eu-landing-page")],
        ),
        (
            DEV,
            US_EAST_1,
            "arn:aws:sqs:us-east-1:444455556666:dev-intake-documents",
            "AWS::SQS::Queue",
            &[("App", "intake")],
        ),
    ];
    for (account, region, arn, resource_type, tags) in items {
        let mut r = Resource::new(
            arn,
            account,
            region,
            Tagged {
                resource_type: Some(resource_type.into()),
            },
        );
        for (k, v) in tags {
            r = r.tag(*k, *v);
        }
        demo.add(r);
    }
}
