//! CloudTrail trails (a compliant multi-region trail in production with S3 data events on
//! most PHI buckets, a weak single-region trail in development), CloudWatch Logs log groups
//! with the CIS metric filters, CloudWatch alarms and SNS topics.

use phiguard_model::Resource;
use phiguard_model::kinds::{
    AdvancedEventSelector, CloudwatchAlarm, FieldSelector, LogGroup, MetricFilter, MetricRef,
    SnsSubscription, SnsTopic, Trail,
};

use super::storage::TRAIL_BUCKET;
use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2, kms, kms_arn};

/// The CIS AWS Foundations monitoring filters (v1.4 to v3.0 patterns): key, metric name and
/// filter pattern.
pub(crate) const CIS_FILTERS: &[(&str, &str, &str)] = &[
    (
        "unauthorized_api_calls",
        "UnauthorizedAPICalls",
        r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }"#,
    ),
    (
        "console_signin_without_mfa",
        "ConsoleSigninWithoutMFA",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
    ),
    (
        "root_account_usage",
        "RootAccountUsage",
        r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
    ),
    (
        "iam_policy_changes",
        "IAMPolicyChanges",
        r#"{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"#,
    ),
    (
        "cloudtrail_config_changes",
        "CloudTrailConfigChanges",
        r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"#,
    ),
    (
        "console_auth_failures",
        "ConsoleAuthenticationFailures",
        r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
    ),
    (
        "kms_cmk_disable_or_scheduled_deletion",
        "DisableOrDeleteCMK",
        r#"{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"#,
    ),
    (
        "s3_bucket_policy_changes",
        "S3BucketPolicyChanges",
        r#"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"#,
    ),
    (
        "aws_config_changes",
        "AWSConfigChanges",
        r#"{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }"#,
    ),
    (
        "security_group_changes",
        "SecurityGroupChanges",
        r#"{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"#,
    ),
    (
        "nacl_changes",
        "NACLChanges",
        r#"{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"#,
    ),
    (
        "network_gateway_changes",
        "NetworkGatewayChanges",
        r#"{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"#,
    ),
    (
        "route_table_changes",
        "RouteTableChanges",
        r#"{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"#,
    ),
    (
        "vpc_changes",
        "VPCChanges",
        r#"{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"#,
    ),
    (
        "organizations_changes",
        "OrganizationsChanges",
        r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
    ),
];

/// CIS filters the production trail's log group lacks.
const MISSING_FILTERS: [&str; 2] = ["nacl_changes", "network_gateway_changes"];
/// A CIS filter that exists but has no alarm.
const FILTER_WITHOUT_ALARM: &str = "console_auth_failures";
/// The metric namespace of the CIS metrics.
const CIS_NAMESPACE: &str = "CISBenchmark";
/// The trail's log group.
const TRAIL_LOG_GROUP: &str = "/riverside/cloudtrail";

fn security_alerts() -> String {
    format!("arn:aws:sns:{US_EAST_1}:{PROD}:security-alerts")
}

pub(crate) fn build(demo: &mut Demo) {
    trails(demo);
    log_groups(demo);
    alarms(demo);
    topics(demo);
}

fn starts_with(field: &str, values: &[&str]) -> FieldSelector {
    FieldSelector {
        field: field.into(),
        starts_with: values.iter().map(|v| (*v).to_string()).collect(),
        ..FieldSelector::default()
    }
}

fn equals(field: &str, values: &[&str]) -> FieldSelector {
    FieldSelector {
        field: field.into(),
        equals: values.iter().map(|v| (*v).to_string()).collect(),
        ..FieldSelector::default()
    }
}

fn trails(demo: &mut Demo) {
    let org_trail = Trail {
        home_region: US_EAST_1.into(),
        is_multi_region: true,
        is_organization_trail: false,
        is_logging: true,
        log_file_validation_enabled: true,
        kms_key_id: Some(kms::prod_key(kms::TRAIL)),
        cloudwatch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:{US_EAST_1}:{PROD}:log-group:{TRAIL_LOG_GROUP}:*"
        )),
        latest_cloudwatch_logs_delivery_time: Some(demo.days_ago(0)),
        s3_bucket_name: TRAIL_BUCKET.into(),
        s3_key_prefix: None,
        include_global_service_events: true,
        event_selectors: Vec::new(),
        advanced_event_selectors: vec![
            AdvancedEventSelector {
                name: "Management events".into(),
                field_selectors: vec![equals("eventCategory", &["Management"])],
            },
            // Data events on the PHI buckets, except the lab results bucket and the DR copy,
            // which were added after the selector was written.
            AdvancedEventSelector {
                name: "S3 data events on PHI buckets".into(),
                field_selectors: vec![
                    equals("eventCategory", &["Data"]),
                    equals("resources.type", &["AWS::S3::Object"]),
                    starts_with(
                        "resources.ARN",
                        &[
                            "arn:aws:s3:::riverside-ehr-documents/",
                            "arn:aws:s3:::riverside-imaging-archive/",
                            "arn:aws:s3:::riverside-patient-portal-uploads/",
                            "arn:aws:s3:::riverside-billing-exports/",
                            "arn:aws:s3:::riverside-referral-fax-inbox/",
                        ],
                    ),
                ],
            },
        ],
    };
    demo.add(
        Resource::new(
            format!("arn:aws:cloudtrail:{US_EAST_1}:{PROD}:trail/riverside-org-trail"),
            PROD,
            US_EAST_1,
            org_trail,
        )
        .named("riverside-org-trail")
        .tag("App", "audit"),
    );

    let dev_trail = Trail {
        home_region: US_EAST_1.into(),
        is_multi_region: false,
        is_organization_trail: false,
        is_logging: true,
        log_file_validation_enabled: false,
        kms_key_id: None,
        cloudwatch_logs_log_group_arn: None,
        latest_cloudwatch_logs_delivery_time: None,
        s3_bucket_name: "riverside-dev-artifacts".into(),
        s3_key_prefix: Some("cloudtrail".into()),
        include_global_service_events: true,
        event_selectors: vec![phiguard_model::kinds::EventSelector {
            read_write_type: "WriteOnly".into(),
            include_management_events: true,
            data_resources: Vec::new(),
        }],
        advanced_event_selectors: Vec::new(),
    };
    demo.add(
        Resource::new(
            format!("arn:aws:cloudtrail:{US_EAST_1}:{DEV}:trail/dev-trail"),
            DEV,
            US_EAST_1,
            dev_trail,
        )
        .named("dev-trail"),
    );
}

fn log_group(
    account: &str,
    region: &str,
    name: &str,
    retention: Option<u32>,
    key: Option<String>,
    stored_mib: u64,
) -> Resource {
    let group = LogGroup {
        retention_in_days: retention,
        kms_key_id: key,
        stored_bytes: stored_mib * 1024 * 1024,
        metric_filters: Vec::new(),
    };
    let arn = format!("arn:aws:logs:{region}:{account}:log-group:{name}");
    Resource::new(arn, account, region, group).named(name)
}

fn log_groups(demo: &mut Demo) {
    // The trail's group, with the CIS filters (and one extra for MFA device changes).
    let mut filters: Vec<MetricFilter> = CIS_FILTERS
        .iter()
        .filter(|(key, _, _)| !MISSING_FILTERS.contains(key))
        .map(|(key, metric, pattern)| MetricFilter {
            name: format!("cis-{}", key.replace('_', "-")),
            pattern: (*pattern).to_string(),
            metrics: vec![MetricRef {
                namespace: CIS_NAMESPACE.into(),
                name: (*metric).into(),
            }],
        })
        .collect();
    filters.push(MetricFilter {
        name: "mfa-device-changes".into(),
        pattern:
            "{ ($.eventName = DeactivateMFADevice) || ($.eventName = DeleteVirtualMFADevice) }"
                .into(),
        metrics: vec![MetricRef {
            namespace: CIS_NAMESPACE.into(),
            name: "MFADeviceChanges".into(),
        }],
    });
    let trail_group = LogGroup {
        retention_in_days: Some(2557),
        kms_key_id: Some(kms::prod_key(kms::TRAIL)),
        stored_bytes: 48 * 1024 * 1024 * 1024,
        metric_filters: filters,
    };
    demo.add(
        Resource::new(
            format!("arn:aws:logs:{US_EAST_1}:{PROD}:log-group:{TRAIL_LOG_GROUP}"),
            PROD,
            US_EAST_1,
            trail_group,
        )
        .named(TRAIL_LOG_GROUP)
        .tag("App", "audit"),
    );

    let app_key = Some(kms::prod_key(kms::APP_SECRETS));
    let ehr_key = Some(kms::prod_key(kms::EHR_DB));
    let dr_key = Some(kms_arn(PROD, US_WEST_2, kms::DR_PHI));
    let mut add = |account, region, name, retention, key, mib, phi: bool| {
        let mut r = log_group(account, region, name, retention, key, mib);
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    };
    add(
        PROD,
        US_EAST_1,
        "/riverside/ehr-app",
        Some(2557),
        ehr_key.clone(),
        9000,
        true,
    );
    add(
        PROD,
        US_EAST_1,
        "/aws/rds/instance/ehr-primary/postgresql",
        Some(2192),
        ehr_key,
        3000,
        true,
    );
    add(
        PROD,
        US_EAST_1,
        "/aws/lambda/intake-processor",
        Some(2192),
        app_key,
        120,
        true,
    );
    add(
        PROD,
        US_EAST_1,
        "/aws/lambda/appointment-reminders",
        Some(30),
        None,
        40,
        true,
    );
    add(
        PROD,
        US_EAST_1,
        "/aws/lambda/fax-webhook",
        None,
        None,
        15,
        true,
    );
    add(
        PROD,
        US_EAST_1,
        "/riverside/vpc-flow-logs",
        Some(365),
        None,
        20000,
        false,
    );
    add(
        PROD,
        US_WEST_2,
        "/riverside/ehr-app-dr",
        Some(2557),
        dr_key,
        10,
        true,
    );
    add(
        PROD,
        US_WEST_2,
        "/riverside/vpc-flow-logs",
        Some(365),
        None,
        800,
        false,
    );
    add(
        PROD,
        EU_WEST_1,
        "/riverside/marketing-site",
        Some(14),
        None,
        2,
        false,
    );
    add(
        DEV,
        US_EAST_1,
        "/aws/lambda/dev-playground",
        Some(7),
        None,
        1,
        false,
    );
    add(DEV, US_EAST_1, "/dev/build-logs", None, None, 600, false);
}

fn alarm(namespace: &str, metric: &str, actions: Vec<String>) -> CloudwatchAlarm {
    CloudwatchAlarm {
        namespace: Some(namespace.into()),
        metric_name: Some(metric.into()),
        actions_enabled: true,
        alarm_actions: actions,
        state: "OK".into(),
    }
}

fn alarms(demo: &mut Demo) {
    let mut list: Vec<(String, CloudwatchAlarm)> = CIS_FILTERS
        .iter()
        .filter(|(key, _, _)| !MISSING_FILTERS.contains(key) && *key != FILTER_WITHOUT_ALARM)
        .map(|(key, metric, _)| {
            (
                format!("cis-{}", key.replace('_', "-")),
                alarm(CIS_NAMESPACE, metric, vec![security_alerts()]),
            )
        })
        .collect();
    list.push((
        "mfa-device-changes".into(),
        alarm(CIS_NAMESPACE, "MFADeviceChanges", vec![security_alerts()]),
    ));
    let ops = format!("arn:aws:sns:{US_EAST_1}:{PROD}:ops-notifications");
    list.push((
        "ehr-primary-cpu-high".into(),
        alarm("AWS/RDS", "CPUUtilization", vec![ops.clone()]),
    ));
    let mut http_5xx = alarm("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", vec![ops]);
    http_5xx.state = "ALARM".into();
    list.push(("ehr-portal-5xx".into(), http_5xx));
    for (name, details) in list {
        demo.add(
            Resource::new(
                format!("arn:aws:cloudwatch:{US_EAST_1}:{PROD}:alarm:{name}"),
                PROD,
                US_EAST_1,
                details,
            )
            .named(name),
        );
    }
    // A development alarm someone muted.
    let mut muted = alarm("AWS/EC2", "CPUUtilization", Vec::new());
    muted.actions_enabled = false;
    muted.state = "INSUFFICIENT_DATA".into();
    demo.add(
        Resource::new(
            format!("arn:aws:cloudwatch:{US_EAST_1}:{DEV}:alarm:dev-sandbox-cpu"),
            DEV,
            US_EAST_1,
            muted,
        )
        .named("dev-sandbox-cpu"),
    );
}

fn topics(demo: &mut Demo) {
    let email = SnsSubscription {
        protocol: "email".into(),
        confirmed: true,
    };
    let https = SnsSubscription {
        protocol: "https".into(),
        confirmed: true,
    };
    let sms = SnsSubscription {
        protocol: "sms".into(),
        confirmed: true,
    };
    let app_key = Some(kms::prod_key(kms::APP_SECRETS));
    let mut add = |account, region, name, key, subscriptions, phi: bool| {
        let mut r = Resource::new(
            format!("arn:aws:sns:{region}:{account}:{name}"),
            account,
            region,
            SnsTopic {
                kms_master_key_id: key,
                subscriptions,
            },
        )
        .named(name);
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    };
    add(
        PROD,
        US_EAST_1,
        "security-alerts",
        app_key.clone(),
        vec![email.clone(), https],
        false,
    );
    add(
        PROD,
        US_EAST_1,
        "ops-notifications",
        None,
        vec![email.clone()],
        false,
    );
    add(
        PROD,
        US_EAST_1,
        "appointment-reminders",
        app_key,
        vec![sms],
        true,
    );
    add(
        PROD,
        US_WEST_2,
        "backup-notifications",
        Some("alias/aws/sns".to_string()),
        vec![email.clone()],
        false,
    );
    add(DEV, US_EAST_1, "dev-alerts", None, vec![email], false);
}
