use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket that holds PHI has server access logging enabled, delivering a record
    /// of every request to a separate log bucket.
    ///
    /// # Rationale
    /// HIPAA requires mechanisms that record and examine activity in systems that contain
    /// ePHI, and regular review of that activity. Server access logs record each request to
    /// the bucket (requester, operation, object key, response, source IP), including
    /// anonymous and denied requests that CloudTrail data events do not always show; they are
    /// what an investigation of a suspected disclosure starts from.
    ///
    /// # Evaluation
    /// Reads `logging` (GetBucketLogging) of every S3 bucket in PHI scope. Passes when a
    /// target bucket is configured (the reason names it); fails when logging is off. Buckets
    /// outside PHI scope are not applicable. CloudTrail S3 data events for PHI buckets are
    /// checked by the CloudTrail controls; both are recommended.
    ///
    /// # Remediation
    /// Enable server access logging to a dedicated log bucket in the same region.
    ///
    /// - Console: S3 → bucket → Properties → Server access logging → Edit → Enable → choose the
    ///   destination bucket and prefix → Save changes.
    /// - CLI: `aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status
    ///   '{"LoggingEnabled":{"TargetBucket":"LOG_BUCKET","TargetPrefix":"BUCKET/"}}'`
    /// - Terraform: `resource "aws_s3_bucket_logging" "phi" { bucket = aws_s3_bucket.phi.id
    ///   target_bucket = aws_s3_bucket.logs.id target_prefix = "phi/" }`
    ///
    /// The log bucket needs a policy allowing the `logging.s3.amazonaws.com` service principal
    /// to write, a retention that meets your HIPAA documentation retention (six years), and
    /// must not log to itself.
    ///
    /// # References
    /// - AWS Config rule `s3-bucket-logging-enabled`; Prowler
    ///   `s3_bucket_server_access_logging_enabled`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html>
    id: "S3-006",
    slug: "s3-bucket-server-access-logging",
    title: "S3 buckets holding PHI have server access logging enabled",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: [
        "308(a)(1)(ii)(D)",
        "308(a)(3)(ii)(A)",
        "308(a)(6)(ii)",
        "312(b)",
        "312(e)(2)(i)",
    ],
    config_rules: ["s3-bucket-logging-enabled"],
    prowler_checks: ["s3_bucket_server_access_logging_enabled"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let target = bucket.logging.as_ref().map(|l| l.target_bucket.as_str());
        let evidence = evidence!["logging" => target];
        if !subject.phi {
            out.not_applicable(subject, "bucket is not in PHI scope", evidence);
            continue;
        }
        match &bucket.logging {
            Some(logging) => out.pass(
                subject,
                format!(
                    "server access logs go to `{}/{}`",
                    logging.target_bucket, logging.target_prefix
                ),
                evidence,
            ),
            None => out.fail(subject, "server access logging is off", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(
            s3_bucket("phi-records", |b| {
                b.logging = Some(S3Logging {
                    target_bucket: "clinic-access-logs".into(),
                    target_prefix: "phi-records/".into(),
                });
            })
            .tag("PHI", "Yes"),
        ),
        fail: Fixture::new().with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn phi_scope_and_states() {
        let rows = Fixture::new()
            .with(
                s3_bucket("logged", |b| {
                    b.logging = Some(S3Logging {
                        target_bucket: "logs".into(),
                        target_prefix: String::new(),
                    });
                })
                .tag("PHI", "true"),
            )
            .with(s3_bucket("silent", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("assets", |_| {}))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::logged", Status::Pass),
                ("arn:aws:s3:::silent", Status::Fail),
                ("arn:aws:s3:::assets", Status::NotApplicable),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_logging_is_an_error() {
        let mut bucket = s3_bucket("phi", |_| {}).tag("PHI", "Yes");
        bucket.errors.push(phiguard_model::FieldError {
            field: "logging".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(bucket).run(&CONTROL);
        assert_eq!(statuses(&rows), [("arn:aws:s3:::phi", Status::Error)]);
    }
}
