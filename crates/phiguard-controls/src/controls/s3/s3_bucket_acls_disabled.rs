use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket has ACLs disabled: Object Ownership is `BucketOwnerEnforced`.
    ///
    /// # Rationale
    /// Access control lists are a second, per-object permission system beside IAM and bucket
    /// policies. An ACL written by an uploader or an old tool can quietly grant another account
    /// or everyone access to an object holding PHI, and no policy review will see it. With
    /// Object Ownership set to `BucketOwnerEnforced`, ACLs are ignored and cannot be set, so
    /// access is decided by policies alone. HIPAA requires access to ePHI to be limited to
    /// authorised persons.
    ///
    /// # Evaluation
    /// Reads `object_ownership` (GetBucketOwnershipControls) of every S3 bucket. Passes when it
    /// is `BucketOwnerEnforced`; fails when it is `BucketOwnerPreferred`, `ObjectWriter` or
    /// absent (no ownership controls: ACLs are in effect); `error` when it could not be read.
    /// An AWS Config item without `BucketOwnershipControls` reads as absent, so such imports
    /// fail rather than pass.
    ///
    /// # Remediation
    /// Check that no access depends on ACLs (S3 server access logging to this bucket needs a
    /// bucket policy instead of the log-delivery ACL), then disable ACLs.
    ///
    /// - Console: S3 → the bucket → Permissions → Object Ownership → Edit → ACLs disabled
    ///   (recommended) → Save.
    /// - CLI: `aws s3api put-bucket-ownership-controls --bucket BUCKET --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`.
    /// - Terraform: `aws_s3_bucket_ownership_controls` with
    ///   `rule { object_ownership = "BucketOwnerEnforced" }`.
    ///
    /// # References
    /// - AWS Config rule `s3-bucket-acl-prohibited`; Security Hub S3.12
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html>
    id: "S3-201",
    slug: "s3-bucket-acls-disabled",
    title: "S3 buckets have ACLs disabled",
    severity: Medium,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)"],
    config_rules: ["s3-bucket-acl-prohibited"],
    prowler_checks: [],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let ownership = bucket.object_ownership.as_deref();
        let evidence = evidence!["object_ownership" => ownership];
        let subject = ctx.subject(resource);
        match ownership {
            Some("BucketOwnerEnforced") => {
                out.pass(subject, "ACLs are disabled (BucketOwnerEnforced)", evidence);
            }
            Some(other) => out.fail(
                subject,
                format!("ACLs are in effect (object ownership `{other}`)"),
                evidence,
            ),
            None => out.fail(
                subject,
                "ACLs are in effect (no object ownership controls)",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(s3_bucket("phi-records", |b| {
            b.object_ownership = Some("BucketOwnerEnforced".into());
        })),
        fail: Fixture::new().with(s3_bucket("phi-records", |b| {
            b.object_ownership = Some("ObjectWriter".into());
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use phiguard_model::FieldError;

    #[test]
    fn only_bucket_owner_enforced_passes() {
        let mut unreadable = s3_bucket("unreadable", |_| {});
        unreadable.errors.push(FieldError {
            field: "object_ownership".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(s3_bucket("enforced", |b| {
                b.object_ownership = Some("BucketOwnerEnforced".into());
            }))
            .with(s3_bucket("preferred", |b| {
                b.object_ownership = Some("BucketOwnerPreferred".into());
            }))
            .with(s3_bucket("none", |_| {}).tag("PHI", "Yes"))
            .with(unreadable)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
