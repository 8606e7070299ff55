use crate::controls::cloudtrail::{SELECTOR_FIELDS, management_gap, trails_for, unread};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every account is recorded by at least one multi-region CloudTrail trail that is logging
    /// and records all management events, read and write. An organisation trail counts for
    /// every account of the organisation.
    ///
    /// # Rationale
    /// HIPAA requires mechanisms that record and examine activity in systems containing ePHI,
    /// and regular review of that activity. CloudTrail management events are that record for
    /// AWS: who changed an IAM policy, opened a security group, disabled encryption or read a
    /// secret. A trail that covers only its home region misses activity in every other region,
    /// including regions an attacker may use precisely because nobody looks there; a trail that
    /// records only write events misses reconnaissance and data-plane reads such as
    /// `GetSecretValue` and KMS `Decrypt`.
    ///
    /// # Evaluation
    /// For each account, reads every trail of the account plus every organisation trail in the
    /// inventory (`is_multi_region`, `is_logging`, `is_organization_trail`, `event_selectors`,
    /// `advanced_event_selectors`). Passes when one trail is multi-region, logging, and records
    /// management events read and write: no selectors at all (the CloudTrail default), a basic
    /// selector with `IncludeManagementEvents` and `ReadWriteType` `All` (or a `ReadOnly` and a
    /// `WriteOnly` one), or an advanced selector with `eventCategory` equal to `Management` and
    /// no other filter than `readOnly` (an `eventSource` exclusion, such as KMS, does not
    /// count). Fails otherwise, naming the closest trail and what it lacks. `error` when the
    /// logging status or selectors of a multi-region trail could not be read and no other trail
    /// qualifies.
    ///
    /// # Remediation
    /// Create (or fix) one multi-region trail, preferably an organisation trail, that logs all
    /// read and write management events.
    ///
    /// - Console: CloudTrail → Trails → Create trail → "Enable for all accounts in my
    ///   organization"; Management events: Read and Write, no exclusions; then Start logging.
    /// - CLI: `aws cloudtrail create-trail --name org-trail --s3-bucket-name BUCKET --is-multi-region-trail --is-organization-trail --enable-log-file-validation --kms-key-id KEY_ARN`,
    ///   then `aws cloudtrail put-event-selectors --trail-name org-trail --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`
    ///   and `aws cloudtrail start-logging --name org-trail`.
    /// - Terraform: `resource "aws_cloudtrail" "org" { name = "org-trail" s3_bucket_name = aws_s3_bucket.trail.id
    ///   is_multi_region_trail = true is_organization_trail = true enable_logging = true
    ///   event_selector { read_write_type = "All" include_management_events = true } }`
    /// - CloudFormation: `AWS::CloudTrail::Trail` with `IsMultiRegionTrail: true`,
    ///   `IsLogging: true`, `IsOrganizationTrail: true`.
    ///
    /// # References
    /// - AWS Config rules `cloudtrail-enabled`, `multi-region-cloudtrail-enabled`; Prowler
    ///   `cloudtrail_multi_region_enabled`; CIS AWS Foundations 3.1
    /// - Prowler `cloudtrail_bedrock_logging_enabled`: Amazon Bedrock records its API calls,
    ///   model invocations through `bedrock-runtime` included, as management events, so the
    ///   trail this control requires records them (Bedrock agent and knowledge-base data
    ///   events need advanced selectors on top)
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html>
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html>
    id: "CLOUDTRAIL-001",
    slug: "cloudtrail-multi-region-logging",
    title: "A multi-region CloudTrail trail logs all management events",
    severity: High,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(6)(ii)", "312(b)", "312(e)(2)(i)"],
    config_rules: ["cloudtrail-enabled", "multi-region-cloudtrail-enabled"],
    prowler_checks: ["cloudtrail_multi_region_enabled", "cloudtrail_bedrock_logging_enabled"],
    resource_kinds: [],
    inputs: [AccountWide(CloudtrailTrails)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let trails = trails_for(ctx, &account.id);
        let names: Vec<Value<'a>> = trails
            .iter()
            .map(|(r, _)| Value::from(r.display_name()))
            .collect();
        let qualifying = trails.iter().find(|(r, t)| {
            t.is_multi_region
                && t.is_logging
                && unread(r, &SELECTOR_FIELDS).is_none()
                && management_gap(t).is_none()
        });
        if let Some((resource, trail)) = qualifying {
            let whose = if trail.is_organization_trail {
                "organisation trail"
            } else {
                "trail"
            };
            out.pass(
                subject,
                format!(
                    "multi-region {whose} `{}` is logging all management events",
                    resource.display_name()
                ),
                evidence![
                    "trail" => resource.arn.as_str(),
                    "is_multi_region" => true,
                    "is_logging" => true,
                    "is_organization_trail" => trail.is_organization_trail,
                    "management_events" => "read and write",
                ],
            );
            continue;
        }
        let evidence = evidence!["trails" => names];
        if trails.is_empty() {
            out.fail(
                subject,
                "no CloudTrail trail records this account",
                evidence,
            );
            continue;
        }
        let multi: Vec<_> = trails.iter().filter(|(_, t)| t.is_multi_region).collect();
        if let Some((r, e)) = multi
            .iter()
            .find_map(|(r, _)| unread(r, &SELECTOR_FIELDS).map(|e| (r, e)))
        {
            out.error(
                subject,
                format!(
                    "`{}` of multi-region trail `{}` could not be read ({})",
                    e.field,
                    r.display_name(),
                    e.code
                ),
                evidence,
            );
            continue;
        }
        let reason = if let Some((r, t)) = multi.iter().find(|(_, t)| t.is_logging) {
            let gap = management_gap(t).unwrap_or_default();
            format!("multi-region trail `{}` {gap}", r.display_name())
        } else if let Some((r, _)) = multi.first() {
            format!("multi-region trail `{}` is not logging", r.display_name())
        } else {
            let list: Vec<String> = trails
                .iter()
                .map(|(r, t)| format!("`{}` ({})", r.display_name(), t.home_region))
                .collect();
            format!(
                "no multi-region trail; {} record only their home region",
                list.join(", ")
            )
        };
        out.fail(subject, reason, evidence);
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(trail("org", |t| t.is_organization_trail = true)),
        fail: Fixture::new().with(trail("regional", |t| t.is_multi_region = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    use phiguard_model::FieldError;

    fn run(trails: Vec<Resource>) -> Vec<Row> {
        trails
            .into_iter()
            .fold(Fixture::new(), Fixture::with)
            .run(&CONTROL)
    }

    #[test]
    fn no_trail_fails() {
        let rows = run(vec![]);
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(rows[0].reason, "no CloudTrail trail records this account");
    }

    #[test]
    fn organisation_trail_of_another_account_counts() {
        let mut org = trail("org", |t| t.is_organization_trail = true);
        org.account = OTHER_ACCOUNT.into();
        org.arn = format!("arn:aws:cloudtrail:{REGION}:{OTHER_ACCOUNT}:trail/org");
        let rows = run(vec![org.clone()]);
        assert_eq!(rows[0].status, Status::Pass, "{rows:?}");
        assert_eq!(
            rows[0].reason,
            "multi-region organisation trail `org` is logging all management events"
        );
        let mut own = trail("other", |_| {});
        own.account = OTHER_ACCOUNT.into();
        assert_eq!(
            run(vec![own])[0].status,
            Status::Fail,
            "another account's own trail"
        );
    }

    #[test]
    fn each_missing_link_is_named() {
        let rows = run(vec![trail("stopped", |t| t.is_logging = false)]);
        assert_eq!(
            rows[0].reason,
            "multi-region trail `stopped` is not logging"
        );
        let rows = run(vec![trail("writes", |t| {
            t.event_selectors = vec![basic("WriteOnly", true, &[])];
        })]);
        assert_eq!(
            rows[0].reason,
            "multi-region trail `writes` records only write management events"
        );
        let rows = run(vec![
            trail("a", |t| t.is_multi_region = false),
            trail("b", |t| {
                t.is_multi_region = false;
                t.home_region = REGION_2.into();
            }),
        ]);
        assert_eq!(
            rows[0].reason,
            "no multi-region trail; `a` (us-east-1), `b` (eu-west-1) record only their home region"
        );
    }

    #[test]
    fn one_good_trail_among_bad_ones_passes() {
        let rows = run(vec![
            trail("stopped", |t| t.is_logging = false),
            trail("good", |_| {}),
        ]);
        assert_eq!(rows[0].status, Status::Pass);
    }

    #[test]
    fn unreadable_selectors_are_an_error_not_a_pass() {
        let mut t = trail("t", |_| {});
        t.errors.push(FieldError {
            field: "event_selectors".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = run(vec![t]);
        assert_eq!(rows[0].status, Status::Error);
        assert_eq!(
            rows[0].reason,
            "`event_selectors` of multi-region trail `t` could not be read (AccessDenied)"
        );
    }

    #[test]
    fn a_gap_in_any_region_is_an_error() {
        let rows = Fixture::new()
            .with(trail("t", |_| {}))
            .coverage(
                CloudtrailTrails,
                REGION_2,
                phiguard_model::CoverageState::Failed {
                    message: "throttled".into(),
                },
            )
            .run(&CONTROL);
        assert!(rows.iter().all(|r| r.status == Status::Error), "{rows:?}");
    }

    #[test]
    fn report() {
        let rows = run(vec![trail("read-only", |t| {
            t.advanced_event_selectors = vec![advanced(
                "mgmt-read",
                vec![
                    equals("eventCategory", &["Management"]),
                    equals("readOnly", &["true"]),
                ],
            )];
        })]);
        insta::assert_snapshot!(render(&rows));
    }
}
