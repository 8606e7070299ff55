//! IAM: users (one table feeds both the `iam_user` resources and the credential report, so
//! they agree), groups, roles (including a clearinghouse vendor role trusted without an
//! ExternalId) and managed policies (including a legacy `*:*` policy).

use phiguard_model::kinds::{
    AccessKey, AttachedPolicy, CredentialReportKey, CredentialReportRow, IamGroup, IamPolicy,
    IamRole, IamUser, InlinePolicy, MfaDevice,
};
use phiguard_model::{GLOBAL, Resource};

use super::{DEV, Demo, PROD, policy, service_trust};

/// A user of the demo, with ages in days before `now`.
struct UserSpec {
    account: &'static str,
    name: &'static str,
    /// Console password: days since it was last used (`None`: never used).
    console: Option<Option<i64>>,
    mfa: bool,
    /// Access key: (id, days since creation, days since last use).
    key: Option<(&'static str, i64, Option<i64>)>,
    groups: &'static [&'static str],
    attached: &'static [&'static str],
    /// Inline policies: (name, document).
    inline: &'static [(&'static str, &'static str)],
    created_days: i64,
}

const USERS: &[UserSpec] = &[
    UserSpec {
        account: PROD,
        name: "it-admin",
        console: Some(Some(1)),
        mfa: true,
        key: Some(("AKIAEXAMPLEPROD00001", 30, Some(1))),
        groups: &["Admins"],
        attached: &[],
        inline: &[],
        created_days: 900,
    },
    UserSpec {
        account: PROD,
        name: "practice-manager",
        console: Some(Some(3)),
        mfa: true,
        key: None,
        groups: &["Billing"],
        attached: &[],
        inline: &[],
        created_days: 850,
    },
    UserSpec {
        account: PROD,
        name: "billing-clerk",
        console: Some(Some(10)),
        mfa: false,
        key: None,
        groups: &["Billing"],
        attached: &[],
        inline: &[],
        created_days: 400,
    },
    UserSpec {
        account: PROD,
        name: "compliance-auditor",
        console: Some(Some(20)),
        mfa: true,
        key: None,
        groups: &["Auditors"],
        attached: &[],
        inline: &[],
        created_days: 600,
    },
    UserSpec {
        account: PROD,
        name: "frontdesk-kiosk",
        console: Some(Some(120)),
        mfa: true,
        key: None,
        groups: &["PortalSupport"],
        attached: &[],
        inline: &[],
        created_days: 700,
    },
    UserSpec {
        account: PROD,
        name: "backup-operator",
        console: Some(Some(6)),
        mfa: true,
        key: None,
        groups: &[],
        attached: &["AWSBackupOperatorAccess"],
        inline: &[(
            "start-restore-jobs",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["backup:StartRestoreJob","backup:DescribeRestoreJob"],"Resource":"*"}]}"#,
        )],
        created_days: 500,
    },
    UserSpec {
        account: PROD,
        name: "ci-deploy",
        console: None,
        mfa: false,
        key: Some(("AKIAEXAMPLEPROD00002", 200, Some(2))),
        groups: &[],
        attached: &["DeployPipeline"],
        inline: &[],
        created_days: 800,
    },
    UserSpec {
        account: PROD,
        name: "legacy-etl",
        console: None,
        mfa: false,
        key: Some(("AKIAEXAMPLEPROD00003", 410, Some(300))),
        groups: &[],
        attached: &["LegacyFullAccess"],
        inline: &[],
        created_days: 1200,
    },
    UserSpec {
        account: PROD,
        name: "fax-gateway",
        console: None,
        mfa: false,
        key: Some(("AKIAEXAMPLEPROD00004", 60, Some(1))),
        groups: &[],
        attached: &["PhiDataAccess"],
        inline: &[],
        created_days: 300,
    },
    UserSpec {
        account: DEV,
        name: "dev-lead",
        console: Some(Some(1)),
        mfa: true,
        key: Some(("AKIAEXAMPLEDEV000001", 45, Some(1))),
        groups: &["Developers"],
        attached: &[],
        inline: &[],
        created_days: 700,
    },
    UserSpec {
        account: DEV,
        name: "dev-contractor",
        console: Some(None),
        mfa: false,
        key: None,
        groups: &["Developers"],
        attached: &[],
        inline: &[],
        created_days: 15,
    },
    UserSpec {
        account: DEV,
        name: "dev-ci",
        console: None,
        mfa: false,
        key: Some(("AKIAEXAMPLEDEV000002", 100, Some(4))),
        groups: &[],
        attached: &["PowerUserAccess"],
        inline: &[],
        created_days: 650,
    },
];

fn iam_arn(account: &str, path: &str) -> String {
    format!("arn:aws:iam::{account}:{path}")
}

fn policy_arn(account: &str, name: &str) -> String {
    if is_aws_managed(name) {
        format!("arn:aws:iam::aws:policy/{name}")
    } else {
        iam_arn(account, &format!("policy/{name}"))
    }
}

fn is_aws_managed(name: &str) -> bool {
    matches!(
        name,
        "AdministratorAccess"
            | "ReadOnlyAccess"
            | "SecurityAudit"
            | "PowerUserAccess"
            | "AWSBackupOperatorAccess"
            | "service-role/AWSBackupServiceRolePolicyForBackup"
            | "service-role/AWS_ConfigRole"
    )
}

fn attached(account: &str, names: &[&str]) -> Vec<AttachedPolicy> {
    names
        .iter()
        .map(|n| AttachedPolicy {
            name: n.rsplit('/').next().unwrap_or(n).to_string(),
            arn: policy_arn(account, n),
        })
        .collect()
}

/// Credential report rows for the users of one account (without the root row).
pub(crate) fn credential_report(demo: &Demo, account: &str) -> Vec<CredentialReportRow> {
    USERS
        .iter()
        .filter(|u| u.account == account)
        .map(|u| CredentialReportRow {
            user: u.name.into(),
            arn: iam_arn(account, &format!("user/{}", u.name)),
            user_creation_time: Some(demo.days_ago(u.created_days)),
            password_enabled: u.console.is_some(),
            password_last_used: u.console.flatten().map(|d| demo.days_ago(d)),
            password_last_changed: u.console.map(|_| demo.days_ago(u.created_days.min(60))),
            mfa_active: u.mfa,
            access_key_1: u.key.map(|(_, created, used)| CredentialReportKey {
                active: true,
                last_rotated: Some(demo.days_ago(created)),
                last_used: used.map(|d| demo.days_ago(d)),
            }),
            access_key_2: None,
        })
        .collect()
}

/// Number of users in an account (for the account summary).
pub(crate) fn user_count(account: &str) -> u32 {
    let n = USERS.iter().filter(|u| u.account == account).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn build(demo: &mut Demo) {
    users(demo);
    groups(demo);
    roles(demo);
    policies(demo);
}

fn users(demo: &mut Demo) {
    for u in USERS {
        let user = IamUser {
            create_date: Some(demo.days_ago(u.created_days)),
            console_access: u.console.is_some(),
            password_last_used: u.console.flatten().map(|d| demo.days_ago(d)),
            groups: u.groups.iter().map(|g| (*g).to_string()).collect(),
            attached_policies: attached(u.account, u.attached),
            inline_policies: u
                .inline
                .iter()
                .map(|(name, doc)| InlinePolicy {
                    name: (*name).into(),
                    document: policy(doc),
                })
                .collect(),
            mfa_devices: if u.mfa {
                vec![MfaDevice {
                    serial: iam_arn(u.account, &format!("mfa/{}", u.name)),
                    enable_date: Some(demo.days_ago(u.created_days.min(300))),
                }]
            } else {
                Vec::new()
            },
            access_keys: u
                .key
                .map(|(id, created, used)| AccessKey {
                    id: id.into(),
                    status: "Active".into(),
                    create_date: demo.days_ago(created),
                    last_used: used.map(|d| demo.days_ago(d)),
                })
                .into_iter()
                .collect(),
        };
        demo.add(
            Resource::new(
                iam_arn(u.account, &format!("user/{}", u.name)),
                u.account,
                GLOBAL,
                user,
            )
            .named(u.name),
        );
    }
}

fn members(account: &str, group: &str) -> Vec<String> {
    USERS
        .iter()
        .filter(|u| u.account == account && u.groups.contains(&group))
        .map(|u| u.name.to_string())
        .collect()
}

fn groups(demo: &mut Demo) {
    let groups: [(&str, &str, &[&str]); 6] = [
        (PROD, "Admins", &["AdministratorAccess"]),
        (PROD, "Billing", &["BillingReadOnly"]),
        (PROD, "Auditors", &["SecurityAudit", "ReadOnlyAccess"]),
        (PROD, "PortalSupport", &["PortalSupportAccess"]),
        (PROD, "Contractors", &[]),
        (DEV, "Developers", &["PowerUserAccess"]),
    ];
    for (account, name, policies) in groups {
        demo.add(
            Resource::new(
                iam_arn(account, &format!("group/{name}")),
                account,
                GLOBAL,
                IamGroup {
                    attached_policies: attached(account, policies),
                    inline_policies: Vec::new(),
                    members: members(account, name),
                },
            )
            .named(name),
        );
    }
}

fn role(
    demo: &mut Demo,
    account: &str,
    name: &str,
    path: &str,
    trust: phiguard_model::PolicyDocument,
    policies: &[&str],
    last_used_days: Option<i64>,
) {
    let arn = iam_arn(account, &format!("role{path}{name}"));
    let role = IamRole {
        path: path.into(),
        trust_policy: trust,
        attached_policies: attached(account, policies),
        inline_policies: Vec::new(),
        last_used: last_used_days.map(|d| demo.days_ago(d)),
    };
    demo.add(Resource::new(arn, account, GLOBAL, role).named(name));
}

fn roles(demo: &mut Demo) {
    // Third parties.
    role(
        demo,
        PROD,
        "ClearinghouseVendorAccess",
        "/vendors/",
        policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}"#,
        ),
        &["ClaimsExportRead"],
        Some(1),
    );
    role(
        demo,
        PROD,
        "BackupMonitoringVendor",
        "/vendors/",
        policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::555566667777:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"riverside-7f3a9c"}}}]}"#,
        ),
        &["SecurityAudit"],
        Some(3),
    );
    // People and pipelines.
    role(
        demo,
        PROD,
        "BreakGlassAdmin",
        "/",
        policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
        ),
        &["AdministratorAccess"],
        Some(190),
    );
    role(
        demo,
        PROD,
        "GitHubDeploy",
        "/",
        policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:riverside-clinic/ehr-infra:ref:refs/heads/main"}}}]}"#,
        ),
        &["DeployPipeline"],
        Some(1),
    );
    // Workloads.
    let workloads: [(&str, &str, &str, &[&str]); 6] = [
        (
            PROD,
            "ehr-app-instance",
            "ec2.amazonaws.com",
            &["PhiDataAccess"],
        ),
        (
            PROD,
            "intake-processor",
            "lambda.amazonaws.com",
            &["PhiDataAccess"],
        ),
        (
            PROD,
            "appointment-reminders",
            "lambda.amazonaws.com",
            &["PortalSupportAccess"],
        ),
        (
            PROD,
            "AWSBackupDefaultServiceRole",
            "backup.amazonaws.com",
            &["service-role/AWSBackupServiceRolePolicyForBackup"],
        ),
        (
            PROD,
            "config-recorder",
            "config.amazonaws.com",
            &["service-role/AWS_ConfigRole"],
        ),
        (
            PROD,
            "cloudtrail-to-cloudwatch",
            "cloudtrail.amazonaws.com",
            &["CloudTrailToCloudWatch"],
        ),
    ];
    for (account, name, service, policies) in workloads {
        role(
            demo,
            account,
            name,
            "/",
            service_trust(service),
            policies,
            Some(1),
        );
    }
    role(
        demo,
        PROD,
        "vpc-flow-logs",
        "/",
        service_trust("vpc-flow-logs.amazonaws.com"),
        &["FlowLogsDelivery"],
        Some(1),
    );
    // Service-linked roles.
    for (account, name) in [
        (PROD, "AWSServiceRoleForSupport"),
        (PROD, "AWSServiceRoleForAmazonGuardDuty"),
        (PROD, "AWSServiceRoleForSecurityHub"),
        (PROD, "AWSServiceRoleForElasticLoadBalancing"),
        (DEV, "AWSServiceRoleForSupport"),
    ] {
        let service = match name {
            "AWSServiceRoleForAmazonGuardDuty" => "guardduty.amazonaws.com",
            "AWSServiceRoleForSecurityHub" => "securityhub.amazonaws.com",
            "AWSServiceRoleForElasticLoadBalancing" => "elasticloadbalancing.amazonaws.com",
            _ => "support.amazonaws.com",
        };
        role(
            demo,
            account,
            name,
            &format!("/aws-service-role/{service}/"),
            service_trust(service),
            &[],
            Some(5),
        );
    }
    // Development.
    role(
        demo,
        DEV,
        "dev-sandbox-instance",
        "/",
        service_trust("ec2.amazonaws.com"),
        &["PowerUserAccess"],
        Some(2),
    );
    role(
        demo,
        DEV,
        "dev-playground-fn",
        "/",
        service_trust("lambda.amazonaws.com"),
        &[],
        Some(30),
    );
}

fn policies(demo: &mut Demo) {
    let customer: [(&str, &str, &str); 9] = [
        (
            PROD,
            "PhiDataAccess",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::riverside-ehr-documents/*","arn:aws:s3:::riverside-patient-portal-uploads/*"]},{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"arn:aws:kms:us-east-1:111122223333:key/0d1e5a11-0000-4000-8000-000000000001"},{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/appointments"}]}"#,
        ),
        (
            PROD,
            "BillingReadOnly",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::riverside-billing-exports","arn:aws:s3:::riverside-billing-exports/*"]}]}"#,
        ),
        (
            PROD,
            "PortalSupportAccess",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/appointments"}]}"#,
        ),
        (
            PROD,
            "DeployPipeline",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecs:UpdateService","ecs:RegisterTaskDefinition","lambda:UpdateFunctionCode"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/ehr-app-instance"}]}"#,
        ),
        (
            PROD,
            "LegacyFullAccess",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"TemporaryMigration2019","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        (
            PROD,
            "ClaimsExportRead",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::riverside-billing-exports","arn:aws:s3:::riverside-billing-exports/claims/*"]}]}"#,
        ),
        (
            PROD,
            "CloudTrailToCloudWatch",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:111122223333:log-group:/riverside/cloudtrail:*"}]}"#,
        ),
        (
            PROD,
            "FlowLogsDelivery",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents","logs:DescribeLogStreams"],"Resource":"arn:aws:logs:*:111122223333:log-group:/riverside/vpc-flow-logs*"}]}"#,
        ),
        (
            DEV,
            "DevSandboxAdmin",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#,
        ),
    ];
    for (account, name, doc) in customer {
        let count = attachment_count(demo, account, &policy_arn(account, name));
        demo.add(
            Resource::new(
                policy_arn(account, name),
                account,
                GLOBAL,
                IamPolicy {
                    aws_managed: false,
                    attachment_count: count,
                    document: policy(doc),
                },
            )
            .named(name),
        );
    }
    let aws_managed: [(&str, &str, &str); 7] = [
        (
            PROD,
            "AdministratorAccess",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        (
            PROD,
            "ReadOnlyAccess",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","ec2:Describe*","iam:Get*","iam:List*","rds:Describe*","logs:Get*"],"Resource":"*"}]}"#,
        ),
        (
            PROD,
            "SecurityAudit",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:Describe*","config:Describe*","guardduty:Get*","iam:GenerateCredentialReport","iam:Get*","iam:List*","s3:GetBucketPolicy"],"Resource":"*"}]}"#,
        ),
        (
            PROD,
            "AWSBackupOperatorAccess",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["backup:Get*","backup:List*","backup:Describe*","backup:StartBackupJob"],"Resource":"*"}]}"#,
        ),
        (
            PROD,
            "service-role/AWSBackupServiceRolePolicyForBackup",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["rds:CreateDBSnapshot","ec2:CreateSnapshot","dynamodb:CreateBackup","tag:GetResources"],"Resource":"*"}]}"#,
        ),
        (
            PROD,
            "service-role/AWS_ConfigRole",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["config:Put*","ec2:Describe*","iam:Get*","iam:List*","s3:GetBucket*"],"Resource":"*"}]}"#,
        ),
        (
            DEV,
            "PowerUserAccess",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}"#,
        ),
    ];
    for (account, name, doc) in aws_managed {
        let count = attachment_count(demo, account, &policy_arn(account, name));
        let short = name.rsplit('/').next().unwrap_or(name);
        demo.add_untagged(
            Resource::new(
                policy_arn(account, name),
                account,
                GLOBAL,
                IamPolicy {
                    aws_managed: true,
                    attachment_count: count,
                    document: policy(doc),
                },
            )
            .named(short),
        );
    }
}

/// How many users, groups and roles of the account built so far attach the policy with this ARN.
fn attachment_count(demo: &Demo, account: &str, arn: &str) -> u32 {
    use phiguard_model::Details;
    let n = demo
        .resources
        .iter()
        .filter(|r| r.account == account)
        .map(|r| {
            let list = match &r.details {
                Details::IamUser(u) => &u.attached_policies,
                Details::IamGroup(g) => &g.attached_policies,
                Details::IamRole(role) => &role.attached_policies,
                _ => return 0,
            };
            list.iter().filter(|p| p.arn == arn).count()
        })
        .sum::<usize>();
    u32::try_from(n).unwrap_or(u32::MAX)
}
