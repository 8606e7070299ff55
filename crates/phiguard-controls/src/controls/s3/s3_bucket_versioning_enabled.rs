use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket that holds PHI has versioning enabled, so that an overwritten or deleted
    /// object can be recovered.
    ///
    /// # Rationale
    /// HIPAA requires retrievable exact copies of ePHI (data backup plan) and protection from
    /// improper alteration or destruction (integrity). Versioning keeps every prior version of
    /// an object, which turns an accidental or malicious overwrite into a recoverable event.
    ///
    /// # Evaluation
    /// Reads `versioning` of every S3 bucket in PHI scope (by tag or account). Passes when it
    /// is `Enabled`; fails when it is `Suspended` or was never enabled. Buckets outside PHI
    /// scope are not applicable.
    ///
    /// # Remediation
    /// Enable versioning on the bucket, then add a lifecycle rule that expires noncurrent
    /// versions after your retention period.
    ///
    /// - Console: S3 → bucket → Properties → Bucket Versioning → Edit → Enable.
    /// - CLI: `aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled`
    /// - Terraform: `resource "aws_s3_bucket_versioning" "phi" { bucket = aws_s3_bucket.phi.id
    ///   versioning_configuration { status = "Enabled" } }`
    ///
    /// # References
    /// - AWS Config rule `s3-bucket-versioning-enabled`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html>
    id: "S3-007",
    slug: "s3-bucket-versioning-enabled",
    title: "S3 buckets holding PHI have versioning enabled",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(7)(ii)(A)", "312(c)(1)"],
    config_rules: ["s3-bucket-versioning-enabled"],
    prowler_checks: ["s3_bucket_object_versioning"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let evidence = evidence!["versioning" => bucket.versioning.as_deref()];
        if !subject.phi {
            out.not_applicable(subject, "bucket is not in PHI scope", evidence);
            continue;
        }
        match bucket.versioning.as_deref() {
            Some("Enabled") => out.pass(subject, "versioning is enabled", evidence),
            Some("Suspended") => out.fail(subject, "versioning is suspended", evidence),
            _ => out.fail(subject, "versioning was never enabled", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(
            s3_bucket("phi-records", |b| b.versioning = Some("Enabled".into())).tag("PHI", "Yes"),
        ),
        fail: Fixture::new().with(
            s3_bucket("phi-records", |b| b.versioning = Some("Suspended".into())).tag("PHI", "Yes"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn phi_scope_and_states() {
        let rows = Fixture::new()
            .with(s3_bucket("never", |_| {}).tag("PHI", "true"))
            .with(
                s3_bucket("on", |b| b.versioning = Some("Enabled".into()))
                    .tag("DataSensitivity", "phi"),
            )
            .with(s3_bucket("public-site", |_| {}))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::never", Status::Fail),
                ("arn:aws:s3:::on", Status::Pass),
                ("arn:aws:s3:::public-site", Status::NotApplicable)
            ]
        );
        assert_eq!(rows[0].reason, "versioning was never enabled");
    }

    #[test]
    fn unreadable_versioning_is_an_error() {
        let mut bucket = s3_bucket("phi", |_| {}).tag("PHI", "Yes");
        bucket.errors.push(phiguard_model::FieldError {
            field: "versioning".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(bucket).run(&CONTROL);
        assert_eq!(statuses(&rows), [("arn:aws:s3:::phi", Status::Error)]);
        assert!(
            rows[0].reason.contains("AccessDenied"),
            "{}",
            rows[0].reason
        );
    }
}
