//! CloudWatch monitoring controls in the style of the CIS AWS Foundations Benchmark: a metric
//! filter on the CloudTrail log group and an alarm that notifies someone, for each event a
//! HIPAA security incident process must hear about. The chain and the filter-pattern evaluator
//! they share are in the `_`-prefixed files (helpers, not controls).

pub mod cloudwatch_alarm_cloudtrail_changes;
pub mod cloudwatch_alarm_console_auth_failures;
pub mod cloudwatch_alarm_console_sign_in_without_mfa;
pub mod cloudwatch_alarm_has_actions;
pub mod cloudwatch_alarm_iam_policy_changes;
pub mod cloudwatch_alarm_mfa_device_deactivation;
pub mod cloudwatch_alarm_network_acl_changes;
pub mod cloudwatch_alarm_network_gateway_changes;
pub mod cloudwatch_alarm_root_account_usage;
pub mod cloudwatch_alarm_route_table_changes;
pub mod cloudwatch_alarm_unauthorized_api_calls;
pub mod cloudwatch_alarm_vpc_changes;

#[path = "_filter_pattern.rs"]
pub(crate) mod filter_pattern;
#[path = "_metric_alarm.rs"]
pub(crate) mod metric_alarm;

#[cfg(test)]
pub(crate) mod fixtures {
    //! A complete trail → log group → metric filter → alarm → SNS topic chain.

    use phiguard_model::Resource;
    use phiguard_model::kinds::{
        CloudwatchAlarm, LogGroup, MetricFilter, MetricRef, SnsSubscription, SnsTopic,
    };

    use crate::controls::cloudtrail::fixtures::trail;
    use crate::testkit::{ACCOUNT, Fixture, REGION, resource};

    /// The log group the fixture trail `org` delivers to (its ARN without `:*`).
    pub const LOG_GROUP: &str = "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail/org";
    /// The alerting topic.
    pub const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:security-alerts";

    /// A metric filter publishing `CISBenchmark/METRIC`.
    pub fn filter(name: &str, pattern: &str, metric: &str) -> MetricFilter {
        MetricFilter {
            name: name.into(),
            pattern: pattern.into(),
            metrics: vec![MetricRef {
                namespace: "CISBenchmark".into(),
                name: metric.into(),
            }],
        }
    }

    /// The log group with `filters`.
    pub fn log_group(filters: Vec<MetricFilter>) -> Resource {
        resource(
            LOG_GROUP,
            LogGroup {
                retention_in_days: Some(2192),
                metric_filters: filters,
                ..LogGroup::default()
            },
        )
        .named("cloudtrail/org")
    }

    /// An alarm on `CISBenchmark/METRIC` notifying [`TOPIC`].
    pub fn alarm(name: &str, metric: &str) -> Resource {
        resource(
            &format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"),
            CloudwatchAlarm {
                namespace: Some("CISBenchmark".into()),
                metric_name: Some(metric.into()),
                actions_enabled: true,
                alarm_actions: vec![TOPIC.into()],
                state: "OK".into(),
            },
        )
        .named(name)
    }

    /// The alerting topic with one confirmed e-mail subscription.
    pub fn topic() -> Resource {
        resource(
            TOPIC,
            SnsTopic {
                kms_master_key_id: Some("alias/aws/sns".into()),
                subscriptions: vec![SnsSubscription {
                    protocol: "email".into(),
                    confirmed: true,
                }],
            },
        )
        .named("security-alerts")
    }

    /// The whole chain with one filter of `pattern` on metric `Metric`.
    pub fn chain(pattern: &str) -> Fixture {
        Fixture::new()
            .with(trail("org", |_| {}))
            .with(log_group(vec![filter("cis", pattern, "Metric")]))
            .with(alarm("cis-alarm", "Metric"))
            .with(topic())
    }
}

#[cfg(test)]
mod tests {
    //! The chain, exercised through the root-usage control.

    use super::fixtures::*;
    use crate::controls::cloudtrail::fixtures::trail;
    use crate::testkit::*;
    use phiguard_model::kinds::{CloudwatchAlarm, SnsTopic};
    use phiguard_model::{Details, FieldError, Resource, Status};

    const ROOT: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;

    fn run(fixture: Fixture) -> Row {
        let rows = fixture.run(&super::cloudwatch_alarm_root_account_usage::CONTROL);
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    fn edit_alarm(mut r: Resource, edit: impl FnOnce(&mut CloudwatchAlarm)) -> Resource {
        if let Details::CloudwatchAlarm(a) = &mut r.details {
            edit(a);
        }
        r
    }

    fn bare(trail_edit: impl FnOnce(&mut phiguard_model::kinds::Trail)) -> Fixture {
        Fixture::new().with(trail("org", trail_edit))
    }

    #[test]
    fn complete_chain_passes_with_evidence() {
        let row = run(chain(ROOT));
        assert_eq!(row.status, Status::Pass, "{row:?}");
        assert_eq!(
            row.reason,
            "alarm `cis-alarm` on metric `CISBenchmark/Metric` (metric filter `cis`, log group `cloudtrail/org`) notifies SNS topic `security-alerts` with 1 confirmed subscription(s)"
        );
        assert!(row.evidence.contains(&"metric_filter=\"cis\"".to_string()));
    }

    #[test]
    fn each_missing_link_is_the_reason() {
        let reason = |f: Fixture| run(f).reason;
        assert_eq!(
            reason(Fixture::new()),
            "no CloudTrail trail records this account"
        );
        assert_eq!(
            reason(bare(|t| t.is_multi_region = false)),
            "trail `org` is not multi-region"
        );
        assert_eq!(
            reason(bare(|t| t.is_logging = false)),
            "multi-region trail `org` is not logging"
        );
        assert_eq!(
            reason(bare(|t| t.cloudwatch_logs_log_group_arn = None)),
            "multi-region trail `org` does not deliver to CloudWatch Logs"
        );
        assert_eq!(
            reason(bare(|_| {})),
            "log group `arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail/org:*` of trail `org` is not in the inventory"
        );
        assert_eq!(
            reason(bare(|_| {}).with(log_group(vec![]))),
            "log group `cloudtrail/org` has no metric filters"
        );
        assert_eq!(
            reason(bare(|_| {}).with(log_group(vec![filter(
                "f",
                "{ $.eventName = StopLogging }",
                "M"
            )]))),
            "no metric filter on log group `cloudtrail/org` matches root account usage"
        );
        assert_eq!(
            reason(bare(|_| {}).with(log_group(vec![filter("cis", ROOT, "Metric")]))),
            "no alarm on metric `CISBenchmark/Metric` of metric filter `cis` (log group `cloudtrail/org`)"
        );
        let silent = edit_alarm(alarm("cis-alarm", "Metric"), |a| a.actions_enabled = false);
        assert_eq!(
            reason(
                bare(|_| {})
                    .with(log_group(vec![filter("cis", ROOT, "Metric")]))
                    .with(silent)
            ),
            "alarm `cis-alarm` on metric `CISBenchmark/Metric` has its actions disabled"
        );
        let lambda = edit_alarm(alarm("cis-alarm", "Metric"), |a| {
            a.alarm_actions = vec!["arn:aws:lambda:us-east-1:111122223333:function:notify".into()];
        });
        assert_eq!(
            reason(
                bare(|_| {})
                    .with(log_group(vec![filter("cis", ROOT, "Metric")]))
                    .with(lambda)
            ),
            "alarm `cis-alarm` on metric `CISBenchmark/Metric` notifies no SNS topic"
        );
        assert_eq!(
            reason(
                bare(|_| {})
                    .with(log_group(vec![filter("cis", ROOT, "Metric")]))
                    .with(alarm("cis-alarm", "Metric"))
            ),
            "SNS topic `arn:aws:sns:us-east-1:111122223333:security-alerts` of alarm `cis-alarm` is not in the inventory"
        );
        let mut unconfirmed = topic();
        if let Details::SnsTopic(SnsTopic { subscriptions, .. }) = &mut unconfirmed.details {
            subscriptions[0].confirmed = false;
        }
        let row = run(bare(|_| {})
            .with(log_group(vec![filter("cis", ROOT, "Metric")]))
            .with(alarm("cis-alarm", "Metric"))
            .with(unconfirmed));
        assert_eq!(row.status, Status::Fail);
        assert_eq!(
            row.reason,
            "SNS topic `security-alerts` of alarm `cis-alarm` has no confirmed subscription"
        );
        insta::assert_snapshot!(render(&[row]));
    }

    #[test]
    fn alarm_in_another_region_does_not_count() {
        let mut elsewhere = alarm("cis-alarm", "Metric");
        elsewhere.region = REGION_2.into();
        let row = run(bare(|_| {})
            .with(log_group(vec![filter("cis", ROOT, "Metric")]))
            .with(elsewhere)
            .with(topic()));
        assert_eq!(row.status, Status::Fail);
        assert!(
            row.reason.starts_with("no alarm on metric"),
            "{}",
            row.reason
        );
    }

    #[test]
    fn log_group_arn_with_or_without_suffix() {
        let mut group = log_group(vec![filter("cis", ROOT, "Metric")]);
        group.arn = format!("{LOG_GROUP}:*");
        let row = run(Fixture::new()
            .with(trail("org", |t| {
                t.cloudwatch_logs_log_group_arn = Some(LOG_GROUP.into());
            }))
            .with(group)
            .with(alarm("cis-alarm", "Metric"))
            .with(topic()));
        assert_eq!(row.status, Status::Pass, "{row:?}");
    }

    #[test]
    fn one_complete_chain_is_enough_evidence() {
        let silent = edit_alarm(alarm("silent", "Metric"), |a| a.actions_enabled = false);
        let second = edit_alarm(alarm("paging", "Metric"), |_| {});
        let row = run(chain(ROOT).with(silent).with(second));
        assert_eq!(row.status, Status::Pass);
        assert!(
            row.evidence.contains(&"alarm=\"cis-alarm\"".to_string()),
            "{:?}",
            row.evidence
        );
    }

    #[test]
    fn the_best_chain_wins_among_several_trails() {
        let row = run(chain(ROOT).with(trail("stopped", |t| t.is_logging = false)));
        assert_eq!(row.status, Status::Pass);
    }

    #[test]
    fn unreadable_links_are_errors() {
        let mut group = log_group(vec![]);
        group.errors.push(FieldError {
            field: "metric_filters".into(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        });
        let row = run(bare(|_| {}).with(group));
        assert_eq!(row.status, Status::Error);
        assert_eq!(
            row.reason,
            "`metric_filters` of log group `cloudtrail/org` could not be read (AccessDeniedException)"
        );
        let mut t = topic();
        t.errors.push(FieldError {
            field: "subscriptions".into(),
            code: "AuthorizationError".into(),
            message: String::new(),
        });
        let row = run(bare(|_| {})
            .with(log_group(vec![filter("cis", ROOT, "Metric")]))
            .with(alarm("cis-alarm", "Metric"))
            .with(t));
        assert_eq!(row.status, Status::Error);
    }

    #[test]
    fn gaps_in_any_region_of_any_input_are_errors() {
        for source in [
            phiguard_model::DataSource::CloudtrailTrails,
            phiguard_model::DataSource::LogsLogGroups,
            phiguard_model::DataSource::CloudwatchAlarms,
            phiguard_model::DataSource::SnsTopics,
        ] {
            let rows = chain(ROOT)
                .coverage(
                    source,
                    REGION_2,
                    phiguard_model::CoverageState::Denied {
                        code: "AccessDenied".into(),
                        message: String::new(),
                    },
                )
                .run(&super::cloudwatch_alarm_root_account_usage::CONTROL);
            assert!(
                rows.iter().all(|r| r.status == Status::Error),
                "{source}: {rows:?}"
            );
        }
    }
}
