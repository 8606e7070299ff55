use crate::controls::cloudtrail::{
    SELECTOR_FIELDS, home_region, s3_data_events, trails_for, unread,
};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket that holds PHI has its object-level data events (`GetObject`,
    /// `PutObject`, `DeleteObject`, ...), read and write, recorded by a logging CloudTrail
    /// trail.
    ///
    /// # Rationale
    /// Management events say who changed a bucket, not who read a patient's record from it.
    /// HIPAA requires recording and examining activity in systems that contain ePHI; for PHI in
    /// S3 that activity is object access, and only data events capture it. Without them a
    /// breach investigation cannot say which records were disclosed, which is exactly what the
    /// Breach Notification Rule asks you to determine.
    ///
    /// # Evaluation
    /// For each S3 bucket in PHI scope, reads the trails that record its account (its own and
    /// organisation trails) that are logging and are multi-region or live in the bucket's
    /// region, and their `event_selectors` / `advanced_event_selectors`:
    ///
    /// - basic selectors: a data resource of type `AWS::S3::Object` whose value is `arn:aws:s3`
    ///   (every bucket) or a prefix of `arn:aws:s3:::BUCKET/`, with `ReadWriteType` `All` (or a
    ///   `ReadOnly` and a `WriteOnly` selector);
    /// - advanced selectors: `eventCategory` equals `Data`, `resources.type` equals
    ///   `AWS::S3::Object`, `resources.ARN` conditions that select the whole bucket (no
    ///   condition, or `StartsWith` a prefix of `arn:aws:s3:::BUCKET/`) and exclude none of it
    ///   (`NotStartsWith`, `NotEquals`, `NotEndsWith`), no `eventName` or other filter, and a
    ///   `readOnly` condition absent or split across selectors so both values are covered.
    ///   `Equals` on `resources.ARN` names single objects and never covers a whole bucket.
    ///
    /// Read and write may come from different trails. Passes when both are recorded; fails
    /// naming what is missing and any selector that covers only part of the bucket; `error`
    /// when a candidate trail's status or selectors could not be read. Buckets outside PHI
    /// scope are not applicable.
    ///
    /// # Remediation
    /// Add an advanced event selector for S3 data events on the PHI buckets (or on all buckets)
    /// to a multi-region trail.
    ///
    /// - Console: CloudTrail → Trails → trail → Data events → Edit → Add data event type
    ///   "S3" → Log selector template "Log all events", or "Custom" with `resources.ARN`
    ///   StartsWith `arn:aws:s3:::BUCKET/`.
    /// - CLI: `aws cloudtrail put-event-selectors --trail-name TRAIL --advanced-event-selectors '[{"Name":"Management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},{"Name":"PHI S3 objects","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::BUCKET/"]}]}]'`
    ///   (keep the management selector: advanced selectors replace all existing ones).
    /// - Terraform: in `aws_cloudtrail`, `advanced_event_selector { name = "PHI S3 objects"
    ///   field_selector { field = "eventCategory" equals = ["Data"] } field_selector { field =
    ///   "resources.type" equals = ["AWS::S3::Object"] } field_selector { field = "resources.ARN"
    ///   starts_with = ["${aws_s3_bucket.phi.arn}/"] } }` next to the management selector.
    ///
    /// # References
    /// - AWS Config rule `cloudtrail-s3-dataevents-enabled`; Prowler
    ///   `cloudtrail_s3_dataevents_read_enabled`, `cloudtrail_s3_dataevents_write_enabled`;
    ///   CIS AWS Foundations 3.10, 3.11
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html>
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html>
    id: "CLOUDTRAIL-005",
    slug: "cloudtrail-s3-data-events-phi-buckets",
    title: "S3 object data events (read and write) are recorded for PHI buckets",
    severity: High,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: [
        "308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(6)(ii)", "312(a)(2)(i)", "312(b)",
        "312(e)(2)(i)",
    ],
    config_rules: ["cloudtrail-s3-dataevents-enabled"],
    prowler_checks: ["cloudtrail_s3_dataevents_read_enabled", "cloudtrail_s3_dataevents_write_enabled"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets), AccountWide(CloudtrailTrails)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let mut by_account = std::collections::HashMap::new();
    for (resource, _) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        if !subject.phi {
            out.not_applicable(subject, "bucket is not in PHI scope", evidence![]);
            continue;
        }
        let trails = by_account
            .entry(resource.account.as_str())
            .or_insert_with(|| trails_for(ctx, &resource.account));
        let candidates: Vec<_> = trails
            .iter()
            .filter(|(r, t)| {
                t.is_logging
                    && (t.is_multi_region
                        || resource.region == GLOBAL
                        || home_region(r, t) == resource.region)
            })
            .collect();
        let mut read_by: Vec<Value<'a>> = Vec::new();
        let mut write_by: Vec<Value<'a>> = Vec::new();
        let mut partial: Vec<String> = Vec::new();
        for (r, t) in &candidates {
            let recorded = s3_data_events(t, &resource.arn);
            if recorded.read {
                read_by.push(r.display_name().into());
            }
            if recorded.write {
                write_by.push(r.display_name().into());
            }
            partial.extend(
                recorded
                    .partial
                    .into_iter()
                    .map(|p| format!("trail `{}`: {p}", r.display_name())),
            );
        }
        let complete = !read_by.is_empty() && !write_by.is_empty();
        let unreadable = trails
            .iter()
            .find_map(|(r, _)| unread(r, &SELECTOR_FIELDS).map(|e| (r, e)));
        let mut reason = match (read_by.first(), write_by.first()) {
            (Some(Value::Str(r)), Some(Value::Str(w))) if r == w => {
                format!("trail `{r}` records read and write data events for this bucket")
            }
            (Some(Value::Str(r)), Some(Value::Str(w))) => {
                format!(
                    "trail `{r}` records read and trail `{w}` write data events for this bucket"
                )
            }
            (Some(_), None) => {
                "only read data events are recorded; write events (PutObject, DeleteObject) are not"
                    .to_string()
            }
            (None, Some(_)) => {
                "only write data events are recorded; read events (GetObject) are not".to_string()
            }
            _ if candidates.is_empty() => format!(
                "no logging trail that is multi-region or in `{}` records this account",
                resource.region
            ),
            _ => "no trail records data events for this bucket".to_string(),
        };
        if !complete && let Some(p) = partial.first() {
            reason.push_str(&format!(" ({p})"));
        }
        let evidence = evidence![
            "data_events_read_trails" => read_by,
            "data_events_write_trails" => write_by,
        ];
        if complete {
            out.pass(subject, reason, evidence);
        } else if let Some((r, e)) = unreadable {
            out.error(
                subject,
                format!(
                    "`{}` of trail `{}` could not be read ({})",
                    e.field,
                    r.display_name(),
                    e.code
                ),
                evidence,
            );
        } else {
            out.fail(subject, reason, evidence);
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    let bucket = || s3_bucket("phi-records", |_| {}).tag("PHI", "Yes");
    crate::control::Examples {
        pass: Fixture::new().with(bucket()).with(trail("org", |t| {
            t.advanced_event_selectors = vec![s3_data(vec![])];
        })),
        fail: Fixture::new().with(bucket()).with(trail("org", |_| {})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    use phiguard_model::FieldError;
    use phiguard_model::kinds::FieldSelector;

    fn run(trails: Vec<Resource>) -> Vec<Row> {
        trails
            .into_iter()
            .fold(
                Fixture::new()
                    .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
                    .with(s3_bucket("website", |_| {})),
                Fixture::with,
            )
            .run(&CONTROL)
    }

    #[test]
    fn non_phi_buckets_are_not_applicable() {
        let rows = run(vec![trail("t", |t| {
            t.event_selectors = vec![basic("All", true, &["arn:aws:s3"])];
        })]);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::phi-records", Status::Pass),
                ("arn:aws:s3:::website", Status::NotApplicable),
            ]
        );
        assert_eq!(
            rows[0].reason,
            "trail `t` records read and write data events for this bucket"
        );
    }

    #[test]
    fn read_and_write_from_different_trails() {
        let rows = run(vec![
            trail("reads", |t| {
                t.event_selectors = vec![basic("ReadOnly", true, &["arn:aws:s3:::phi-records/"])];
            }),
            trail("writes", |t| {
                t.advanced_event_selectors = vec![s3_data(vec![equals("readOnly", &["false"])])];
            }),
        ]);
        assert_eq!(rows[0].status, Status::Pass);
        assert_eq!(
            rows[0].reason,
            "trail `reads` records read and trail `writes` write data events for this bucket"
        );
    }

    #[test]
    fn only_one_direction_fails() {
        let rows = run(vec![trail("reads", |t| {
            t.event_selectors = vec![basic("ReadOnly", true, &["arn:aws:s3"])];
        })]);
        assert_eq!(rows[0].status, Status::Fail);
        assert!(
            rows[0].reason.starts_with("only read data events"),
            "{}",
            rows[0].reason
        );
    }

    #[test]
    fn stopped_and_other_region_trails_do_not_count() {
        let rows = run(vec![
            trail("stopped", |t| {
                t.is_logging = false;
                t.advanced_event_selectors = vec![s3_data(vec![])];
            }),
            trail("eu", |t| {
                t.is_multi_region = false;
                t.home_region = REGION_2.into();
                t.advanced_event_selectors = vec![s3_data(vec![])];
            }),
        ]);
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(
            rows[0].reason,
            "no logging trail that is multi-region or in `us-east-1` records this account"
        );
        let rows = run(vec![trail("local", |t| {
            t.is_multi_region = false;
            t.advanced_event_selectors = vec![s3_data(vec![])];
        })]);
        assert_eq!(
            rows[0].status,
            Status::Pass,
            "single-region trail in the bucket's region"
        );
    }

    #[test]
    fn partial_selectors_are_explained() {
        let rows = run(vec![trail("t", |t| {
            t.advanced_event_selectors = vec![s3_data(vec![FieldSelector {
                field: "resources.ARN".into(),
                not_starts_with: vec!["arn:aws:s3:::phi-records/".into()],
                ..FieldSelector::default()
            }])];
        })]);
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(
            rows[0].reason,
            "no trail records data events for this bucket (trail `t`: advanced selector `s3` excludes the bucket with NotStartsWith `arn:aws:s3:::phi-records/`)"
        );
    }

    #[test]
    fn unreadable_selectors_are_an_error() {
        let mut t = trail("t", |_| {});
        t.errors.push(FieldError {
            field: "advanced_event_selectors".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = run(vec![t]);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        let rows = run(vec![trail("t", |t| {
            t.event_selectors = vec![basic("All", true, &["arn:aws:s3:::phi-records/scans/"])];
        })]);
        insta::assert_snapshot!(render(&rows));
    }
}
