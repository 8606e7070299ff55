//! GuardDuty detectors (none in production's eu-west-1), AWS Config recorders (stopped in
//! eu-west-1) and Security Hub (production only; eu-west-1 could not be read, see the
//! coverage gap in `mod.rs`).

use phiguard_model::Resource;
use phiguard_model::kinds::{ConfigRecorder, GuarddutyDetector, SecurityHubHub};

use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2};

pub(crate) fn build(demo: &mut Demo) {
    guardduty(demo);
    config(demo);
    security_hub(demo);
}

fn guardduty(demo: &mut Demo) {
    let full = || GuarddutyDetector {
        status: "ENABLED".into(),
        finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
        features: vec![
            "CLOUD_TRAIL".into(),
            "DNS_LOGS".into(),
            "FLOW_LOGS".into(),
            "S3_DATA_EVENTS".into(),
            "RDS_LOGIN_EVENTS".into(),
            "EBS_MALWARE_PROTECTION".into(),
        ],
        high_severity_findings: 0,
    };
    let basic = |status: &str| GuarddutyDetector {
        status: status.into(),
        finding_publishing_frequency: "SIX_HOURS".into(),
        features: vec!["CLOUD_TRAIL".into(), "DNS_LOGS".into(), "FLOW_LOGS".into()],
        high_severity_findings: 0,
    };
    // Production eu-west-1 has no detector at all.
    let list: [(&str, &str, &str, GuarddutyDetector); 4] = [
        (PROD, US_EAST_1, "4ab6f0e1d2c3b4a5968778695a4b3c2d", full()),
        (PROD, US_WEST_2, "5bc7a1f2e3d4c5b6a79889706b5c4d3e", full()),
        (
            DEV,
            US_EAST_1,
            "6cd8b2a3f4e5d6c7b8a99a817c6d5e4f",
            basic("ENABLED"),
        ),
        (
            DEV,
            EU_WEST_1,
            "7de9c3b4a5f6e7d8c9baab928d7e6f50",
            basic("DISABLED"),
        ),
    ];
    for (account, region, id, detector) in list {
        demo.add(
            Resource::new(
                format!("arn:aws:guardduty:{region}:{account}:detector/{id}"),
                account,
                region,
                detector,
            )
            .named(id),
        );
    }
}

fn config(demo: &mut Demo) {
    let recorder = |global: bool, recording: bool, status: &str| ConfigRecorder {
        all_supported: true,
        include_global_resource_types: global,
        recording,
        last_status: Some(status.into()),
    };
    let list: [(&str, &str, ConfigRecorder); 4] = [
        (PROD, US_EAST_1, recorder(true, true, "SUCCESS")),
        (PROD, US_WEST_2, recorder(true, true, "SUCCESS")),
        (PROD, EU_WEST_1, recorder(false, false, "FAILURE")),
        (
            DEV,
            US_EAST_1,
            ConfigRecorder {
                all_supported: false,
                include_global_resource_types: false,
                recording: true,
                last_status: Some("SUCCESS".into()),
            },
        ),
    ];
    for (account, region, details) in list {
        demo.add(
            Resource::new(
                format!("arn:aws:config:{region}:{account}:config-recorder/default"),
                account,
                region,
                details,
            )
            .named("default"),
        );
    }
}

fn security_hub(demo: &mut Demo) {
    let standards = |region: &str| {
        vec![
            format!(
                "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"
            ),
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.4.0".to_string(),
        ]
    };
    for region in [US_EAST_1, US_WEST_2] {
        demo.add(
            Resource::new(
                format!("arn:aws:securityhub:{region}:{PROD}:hub/default"),
                PROD,
                region,
                SecurityHubHub {
                    subscribed_at: Some(demo.days_ago(700)),
                    enabled_standards: standards(region),
                },
            )
            .named("default"),
        );
    }
}
