use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket with versioning enabled has an enabled lifecycle rule.
    ///
    /// # Rationale
    /// Versioning keeps every overwritten and deleted object; without a lifecycle rule those
    /// noncurrent versions accumulate forever, PHI that the retention policy says should be
    /// gone stays recoverable (and billable), and nobody decides how long recovery copies are
    /// kept. A lifecycle rule turns versioning into a deliberate backup-retention policy, as
    /// HIPAA's data backup plan and the covered entity's retention rules require.
    ///
    /// # Evaluation
    /// Reads `versioning` and `lifecycle_rules` of every S3 bucket. Buckets whose versioning
    /// is not `Enabled` are not applicable. Passes when at least one lifecycle rule has
    /// status `Enabled`; fails otherwise. The evidence lists the noncurrent-version
    /// expiration of each enabled rule.
    ///
    /// # Remediation
    /// Add a lifecycle rule that expires (or transitions) noncurrent versions after your
    /// retention period, and removes expired delete markers.
    ///
    /// - Console: S3 → bucket → Management → Create lifecycle rule → apply to all objects →
    ///   Permanently delete noncurrent versions of objects → days after objects become
    ///   noncurrent → Create rule.
    /// - CLI: `aws s3api put-bucket-lifecycle-configuration --bucket BUCKET --lifecycle-configuration
    ///   '{"Rules":[{"ID":"noncurrent","Status":"Enabled","Filter":{},
    ///   "NoncurrentVersionExpiration":{"NoncurrentDays":365}}]}'`
    /// - Terraform: `resource "aws_s3_bucket_lifecycle_configuration" "phi" { bucket =
    ///   aws_s3_bucket.phi.id rule { id = "noncurrent" status = "Enabled" filter {}
    ///   noncurrent_version_expiration { noncurrent_days = 365 } } }`
    ///
    /// # References
    /// - AWS Config rule `s3-version-lifecycle-policy-check`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html>
    id: "S3-101",
    slug: "s3-versioned-bucket-lifecycle",
    title: "Versioned S3 buckets have a lifecycle rule",
    severity: Low,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(7)(i)", "308(a)(7)(ii)(A)", "308(a)(7)(ii)(B)"],
    config_rules: ["s3-version-lifecycle-policy-check"],
    prowler_checks: ["s3_bucket_lifecycle_enabled"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let enabled: Vec<&LifecycleRule> = bucket
            .lifecycle_rules
            .iter()
            .filter(|r| r.status == "Enabled")
            .collect();
        let rules: Vec<String> = enabled
            .iter()
            .map(|r| match r.noncurrent_expiration_days {
                Some(d) => format!("{}: noncurrent versions expire after {d} days", r.id),
                None => format!("{}: no noncurrent expiration", r.id),
            })
            .collect();
        let evidence = evidence![
            "versioning" => bucket.versioning.as_deref(),
            "lifecycle_rules" => rules.join("; "),
        ];
        if bucket.versioning.as_deref() != Some("Enabled") {
            out.not_applicable(subject, "versioning is not enabled", evidence);
            continue;
        }
        out.check(
            subject,
            !enabled.is_empty(),
            format!("{} enabled lifecycle rule(s)", enabled.len()),
            "versioning is on but no lifecycle rule is enabled: noncurrent versions are kept forever",
            evidence,
        );
    }
}

#[cfg(test)]
fn rule(id: &str, status: &str, noncurrent: Option<u32>) -> LifecycleRule {
    LifecycleRule {
        id: id.into(),
        status: status.into(),
        prefix: String::new(),
        expiration_days: None,
        noncurrent_expiration_days: noncurrent,
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(s3_bucket("phi-records", |b| {
            b.versioning = Some("Enabled".into());
            b.lifecycle_rules = vec![rule("noncurrent", "Enabled", Some(365))];
        })),
        fail: Fixture::new().with(s3_bucket("phi-records", |b| {
            b.versioning = Some("Enabled".into());
            b.lifecycle_rules = vec![rule("noncurrent", "Disabled", Some(365))];
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn versioned_unversioned_and_unreadable() {
        let mut denied = s3_bucket("denied", |b| b.versioning = Some("Enabled".into()));
        denied.errors.push(phiguard_model::FieldError {
            field: "lifecycle_rules".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(s3_bucket("a-kept", |b| {
                b.versioning = Some("Enabled".into());
                b.lifecycle_rules = vec![rule("expire", "Enabled", None)];
            }))
            .with(s3_bucket("b-forever", |b| {
                b.versioning = Some("Enabled".into())
            }))
            .with(s3_bucket("c-plain", |_| {}))
            .with(denied)
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::a-kept", Status::Pass),
                ("arn:aws:s3:::b-forever", Status::Fail),
                ("arn:aws:s3:::c-plain", Status::NotApplicable),
                ("arn:aws:s3:::denied", Status::Error),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
