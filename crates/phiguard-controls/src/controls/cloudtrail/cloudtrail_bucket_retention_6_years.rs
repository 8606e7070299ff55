use phiguard_model::arn::Arn;

use crate::prelude::*;

control! {
    /// # Requirement
    /// The S3 bucket a CloudTrail trail delivers to keeps its log files for at least six
    /// years (2192 days by default): no lifecycle rule expires them sooner, or S3 Object Lock
    /// retains them at least that long.
    ///
    /// # Rationale
    /// HIPAA requires documentation of security activity to be retained for six years, and
    /// audit logs are the evidence behind that documentation: a breach found today may have
    /// started years ago. A lifecycle rule that expires trail logs after 90 days or a year,
    /// common as a cost measure, destroys exactly the record an investigation or an auditor
    /// will ask for. Object Lock in compliance mode makes the retention enforceable against
    /// anyone, root included.
    ///
    /// # Evaluation
    /// For each trail, looks up its bucket (`s3_bucket_name`, as `arn:aws:s3:::NAME`) in the
    /// inventory and reads its `object_lock` and `lifecycle_rules`. The trail writes under
    /// `[s3_key_prefix/]AWSLogs/`; a rule applies when it is `Enabled` and its prefix and that
    /// path overlap (one is a prefix of the other). Passes when Object Lock is enabled with a
    /// default retention of at least the threshold (`log_retention_days`, default 2192); fails
    /// when an applicable rule expires current objects before the threshold; passes when no
    /// applicable rule expires them (kept indefinitely) or every one expires them later. When
    /// the bucket is not in the inventory (typically a central log-archive account that was not
    /// scanned) the result is manual: verify retention in the account that owns the bucket.
    /// `error` when the bucket's lifecycle or Object Lock configuration could not be read and
    /// the verdict depends on it.
    ///
    /// # Remediation
    /// Remove or lengthen lifecycle expiration on the trail's prefix (transition to Glacier
    /// Deep Archive instead of expiring), and consider Object Lock in compliance mode.
    ///
    /// - Console: S3 → bucket → Management → Lifecycle rules → edit the rule: replace
    ///   "Expire current versions" with a transition to Glacier Deep Archive, or set it to at
    ///   least 2192 days. Object Lock: Properties → Object Lock → Edit → Default retention,
    ///   Compliance, 6 years.
    /// - CLI: `aws s3api put-bucket-lifecycle-configuration --bucket BUCKET --lifecycle-configuration '{"Rules":[{"ID":"trail-archive","Status":"Enabled","Filter":{"Prefix":"AWSLogs/"},"Transitions":[{"Days":90,"StorageClass":"DEEP_ARCHIVE"}],"Expiration":{"Days":2192}}]}'`;
    ///   `aws s3api put-object-lock-configuration --bucket BUCKET --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Years":6}}}'`
    /// - Terraform: `aws_s3_bucket_lifecycle_configuration` with `transition { days = 90
    ///   storage_class = "DEEP_ARCHIVE" }` and `expiration { days = 2192 }`;
    ///   `aws_s3_bucket_object_lock_configuration` with `rule { default_retention { mode =
    ///   "COMPLIANCE" years = 6 } }`.
    ///
    /// # References
    /// - 45 CFR 164.316(b)(2)(i) (retain documentation six years)
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html>
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html>
    id: "CLOUDTRAIL-006",
    slug: "cloudtrail-bucket-retention-6-years",
    title: "CloudTrail log buckets retain log files for at least six years",
    severity: High,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["312(b)", "316(b)(2)(i)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [Trail],
    inputs: [Regional(CloudtrailTrails), Regional(S3Buckets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let threshold = ctx.settings.thresholds.log_retention_days;
    for (resource, trail) in ctx.trails() {
        let subject = ctx.subject(resource);
        let partition = Arn::parse(&resource.arn).map_or("aws", |a| a.partition);
        let bucket_arn = format!("arn:{partition}:s3:::{}", trail.s3_bucket_name);
        let log_prefix = match trail.s3_key_prefix.as_deref() {
            Some(p) if !p.is_empty() => format!("{}/AWSLogs/", p.trim_end_matches('/')),
            _ => "AWSLogs/".to_string(),
        };
        let found = ctx.by_arn(&bucket_arn).and_then(|r| match &r.details {
            phiguard_model::Details::S3Bucket(b) => Some((r, b)),
            _ => None,
        });
        let Some((bucket_resource, bucket)) = found else {
            out.manual(
                subject,
                format!(
                    "bucket `{}` is not in the inventory; verify retention in the account that owns bucket `{}`",
                    trail.s3_bucket_name, trail.s3_bucket_name
                ),
                evidence!["s3_bucket_name" => trail.s3_bucket_name.as_str()],
            );
            continue;
        };
        let lock = bucket.object_lock.as_ref().filter(|l| l.enabled);
        // A retention in years runs to the same date N years later: count the leap days it
        // may span (6 years is 2191 or 2192 days), so that `Years: 6` meets the six-year rule.
        let lock_days = lock.and_then(|l| {
            l.days.or(l
                .years
                .map(|y| y.saturating_mul(365).saturating_add(y.div_ceil(4))))
        });
        let lock_text = lock.and_then(|l| match (l.days, l.years) {
            (Some(d), _) => Some(format!("{d} days")),
            (None, Some(y)) => Some(format!("{y} years")),
            (None, None) => None,
        });
        let lock_mode = lock.and_then(|l| l.mode.as_deref());
        let expiring: Vec<_> = bucket
            .lifecycle_rules
            .iter()
            .filter(|rule| {
                rule.status == "Enabled"
                    && (rule.prefix.starts_with(&log_prefix)
                        || log_prefix.starts_with(&rule.prefix))
            })
            .filter_map(|rule| rule.expiration_days.map(|d| (rule, d)))
            .collect();
        let shortest = expiring.iter().min_by_key(|(_, d)| *d);
        let evidence = evidence![
            "s3_bucket_name" => trail.s3_bucket_name.as_str(),
            "log_prefix" => log_prefix.clone(),
            "object_lock_mode" => lock_mode,
            "object_lock_retention" => lock_text.clone(),
            "lifecycle_expiration_days" => shortest.map(|(_, d)| *d),
            "lifecycle_rule" => shortest.map(|(r, _)| r.id.as_str()),
            "log_retention_days" => threshold,
        ];
        let lock_unread = bucket_resource.field_error("object_lock");
        let rules_unread = bucket_resource.field_error("lifecycle_rules");
        let unreadable = |e: &phiguard_model::FieldError| {
            format!(
                "`{}` of bucket `{}` could not be read ({})",
                e.field, trail.s3_bucket_name, e.code
            )
        };
        if lock_unread.is_none() && lock_days.is_some_and(|d| d >= threshold) {
            out.pass(
                subject,
                format!(
                    "bucket `{}` has Object Lock ({}) retaining log files {}",
                    trail.s3_bucket_name,
                    lock_mode.unwrap_or("no mode"),
                    lock_text.unwrap_or_default()
                ),
                evidence,
            );
            continue;
        }
        if let Some(e) = rules_unread {
            out.error(subject, unreadable(e), evidence);
            continue;
        }
        match shortest {
            Some((rule, days)) if *days < threshold => {
                if let Some(e) = lock_unread {
                    out.error(subject, unreadable(e), evidence);
                    continue;
                }
                let name = if rule.id.is_empty() {
                    "a lifecycle rule".to_string()
                } else {
                    format!("lifecycle rule `{}`", rule.id)
                };
                out.fail(
                    subject,
                    format!(
                        "{name} of bucket `{}` expires log files after {days} days, before {threshold}",
                        trail.s3_bucket_name
                    ),
                    evidence,
                );
            }
            Some((_, days)) => out.pass(
                subject,
                format!(
                    "lifecycle rules of bucket `{}` keep log files {days} days (at least {threshold})",
                    trail.s3_bucket_name
                ),
                evidence,
            ),
            None => out.pass(
                subject,
                format!(
                    "no lifecycle rule of bucket `{}` expires log files: they are kept indefinitely",
                    trail.s3_bucket_name
                ),
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    use phiguard_model::kinds::LifecycleRule;
    let bucket = |days: u32| {
        s3_bucket("org-cloudtrail-logs", |b| {
            b.lifecycle_rules = vec![LifecycleRule {
                id: "expire".into(),
                status: "Enabled".into(),
                prefix: String::new(),
                expiration_days: Some(days),
                noncurrent_expiration_days: None,
            }];
        })
    };
    crate::control::Examples {
        pass: Fixture::new().with(trail("org", |_| {})).with(bucket(2557)),
        fail: Fixture::new().with(trail("org", |_| {})).with(bucket(365)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    use phiguard_model::FieldError;
    use phiguard_model::kinds::{LifecycleRule, ObjectLock, S3Bucket};

    fn rule(id: &str, status: &str, prefix: &str, days: Option<u32>) -> LifecycleRule {
        LifecycleRule {
            id: id.into(),
            status: status.into(),
            prefix: prefix.into(),
            expiration_days: days,
            noncurrent_expiration_days: None,
        }
    }

    fn run(prefix: Option<&str>, edit: impl FnOnce(&mut S3Bucket)) -> Row {
        let prefix = prefix.map(str::to_string);
        Fixture::new()
            .with(trail("org", |t| t.s3_key_prefix = prefix))
            .with(s3_bucket("org-cloudtrail-logs", edit))
            .run(&CONTROL)
            .remove(0)
    }

    #[test]
    fn no_lifecycle_keeps_logs_indefinitely() {
        let row = run(None, |_| {});
        assert_eq!(row.status, Status::Pass);
        assert!(row.reason.contains("kept indefinitely"), "{}", row.reason);
    }

    #[test]
    fn threshold_boundary() {
        let at = |days| {
            run(None, |b| {
                b.lifecycle_rules = vec![rule("r", "Enabled", "", Some(days))]
            })
        };
        assert_eq!(at(2192).status, Status::Pass);
        let short = at(2191);
        assert_eq!(short.status, Status::Fail);
        assert_eq!(
            short.reason,
            "lifecycle rule `r` of bucket `org-cloudtrail-logs` expires log files after 2191 days, before 2192"
        );
        let strict = Fixture::new()
            .with(trail("org", |_| {}))
            .with(s3_bucket("org-cloudtrail-logs", |b| {
                b.lifecycle_rules = vec![rule("r", "Enabled", "", Some(2192))];
            }))
            .settings(|s| s.thresholds.log_retention_days = 2557)
            .run(&CONTROL);
        assert_eq!(strict[0].status, Status::Fail, "threshold from settings");
    }

    #[test]
    fn only_enabled_rules_on_the_trail_prefix_count() {
        let rows = |prefix: Option<&str>, rules: Vec<LifecycleRule>| {
            run(prefix, move |b| b.lifecycle_rules = rules).status
        };
        assert_eq!(
            rows(None, vec![rule("d", "Disabled", "", Some(30))]),
            Status::Pass
        );
        assert_eq!(
            rows(None, vec![rule("x", "Enabled", "access-logs/", Some(30))]),
            Status::Pass
        );
        assert_eq!(
            rows(
                Some("trail"),
                vec![rule("x", "Enabled", "AWSLogs/", Some(30))]
            ),
            Status::Pass
        );
        assert_eq!(
            rows(
                Some("trail"),
                vec![rule("x", "Enabled", "trail/", Some(30))]
            ),
            Status::Fail
        );
        assert_eq!(
            rows(
                None,
                vec![rule(
                    "digests",
                    "Enabled",
                    "AWSLogs/111122223333/CloudTrail-Digest/",
                    Some(30)
                )]
            ),
            Status::Fail,
            "a rule on part of the trail's path still expires logs"
        );
        assert_eq!(
            rows(None, vec![rule("nc", "Enabled", "", None)]),
            Status::Pass,
            "noncurrent-only rules do not expire current log files"
        );
    }

    #[test]
    fn object_lock_overrides_short_lifecycle() {
        let row = run(None, |b| {
            b.lifecycle_rules = vec![rule("r", "Enabled", "", Some(365))];
            b.object_lock = Some(ObjectLock {
                enabled: true,
                mode: Some("COMPLIANCE".into()),
                days: None,
                years: Some(6),
            });
        });
        assert_eq!(row.status, Status::Pass);
        assert_eq!(
            row.reason,
            "bucket `org-cloudtrail-logs` has Object Lock (COMPLIANCE) retaining log files 6 years"
        );
        let short_lock = run(None, |b| {
            b.lifecycle_rules = vec![rule("r", "Enabled", "", Some(365))];
            b.object_lock = Some(ObjectLock {
                enabled: true,
                mode: Some("GOVERNANCE".into()),
                days: Some(365),
                years: None,
            });
        });
        assert_eq!(short_lock.status, Status::Fail);
        let five_years = run(None, |b| {
            b.object_lock = Some(ObjectLock {
                enabled: true,
                mode: Some("COMPLIANCE".into()),
                days: None,
                years: Some(5),
            });
        });
        assert_eq!(
            five_years.status,
            Status::Pass,
            "no expiring rule: kept anyway"
        );
        assert!(
            five_years.reason.contains("kept indefinitely"),
            "{}",
            five_years.reason
        );
    }

    #[test]
    fn bucket_elsewhere_is_manual() {
        let rows = Fixture::new().with(trail("org", |_| {})).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Manual);
        assert_eq!(
            rows[0].reason,
            "bucket `org-cloudtrail-logs` is not in the inventory; verify retention in the account that owns bucket `org-cloudtrail-logs`"
        );
    }

    #[test]
    fn unreadable_lifecycle_is_an_error() {
        let mut bucket = s3_bucket("org-cloudtrail-logs", |_| {});
        bucket.errors.push(FieldError {
            field: "lifecycle_rules".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(trail("org", |_| {}))
            .with(bucket)
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
        assert_eq!(
            rows[0].reason,
            "`lifecycle_rules` of bucket `org-cloudtrail-logs` could not be read (AccessDenied)"
        );
    }

    #[test]
    fn report() {
        let row = run(Some("org"), |b| {
            b.lifecycle_rules = vec![rule("expire-after-a-year", "Enabled", "", Some(365))];
        });
        insta::assert_snapshot!(render(&[row]));
    }
}
