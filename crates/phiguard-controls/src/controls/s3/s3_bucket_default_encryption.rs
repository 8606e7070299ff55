use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket has a default server-side encryption rule (SSE-S3, SSE-KMS or DSSE-KMS),
    /// so that every object written to it is encrypted at rest.
    ///
    /// # Rationale
    /// HIPAA makes encryption of ePHI at rest an addressable implementation specification:
    /// the covered entity must encrypt or document why an equivalent measure is reasonable.
    /// A default encryption rule is the only way to make sure that no object, whoever uploads
    /// it and however, lands in the bucket unencrypted. Since January 2023 S3 applies SSE-S3
    /// to new buckets automatically, so a bucket without a rule is usually an old one that
    /// has never been reviewed.
    ///
    /// # Evaluation
    /// Reads `encryption` (GetBucketEncryption) of every S3 bucket, in PHI scope or not.
    /// Passes when a default rule exists with any algorithm (`AES256`, `aws:kms`,
    /// `aws:kms:dsse`); fails when there is none. Whether PHI buckets use a KMS key is
    /// checked separately by S3-002.
    ///
    /// # Remediation
    /// Set a default encryption rule on the bucket: SSE-KMS with a customer managed key for
    /// buckets that hold PHI, at least SSE-S3 for the others.
    ///
    /// - Console: S3 → bucket → Properties → Default encryption → Edit → choose SSE-KMS (or
    ///   SSE-S3) → Save changes.
    /// - CLI: `aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration
    ///   '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"KEY_ARN"},"BucketKeyEnabled":true}]}'`
    /// - Terraform: `resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
    ///   bucket = aws_s3_bucket.this.id rule { apply_server_side_encryption_by_default {
    ///   sse_algorithm = "aws:kms" kms_master_key_id = aws_kms_key.phi.arn }
    ///   bucket_key_enabled = true } }`
    /// - CloudFormation: `BucketEncryption.ServerSideEncryptionConfiguration` on the
    ///   `AWS::S3::Bucket`.
    ///
    /// # References
    /// - AWS Config rule `s3-bucket-server-side-encryption-enabled`; Prowler
    ///   `s3_bucket_default_encryption`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html>
    id: "S3-001",
    slug: "s3-bucket-default-encryption",
    title: "S3 buckets have default server-side encryption",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: [
        "308(a)(1)(ii)(B)",
        "308(a)(4)(ii)(A)",
        "312(a)(2)(iv)",
        "312(c)(1)",
        "312(c)(2)",
        "312(e)(2)(ii)",
    ],
    config_rules: ["s3-bucket-server-side-encryption-enabled"],
    prowler_checks: ["s3_bucket_default_encryption"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let algorithm = bucket.encryption.as_ref().map(|e| e.algorithm.as_str());
        let evidence = evidence!["encryption" => algorithm];
        match algorithm {
            Some(algorithm) => out.pass(
                subject,
                format!("default encryption is `{algorithm}`"),
                evidence,
            ),
            None => out.fail(subject, "bucket has no default encryption rule", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(s3_bucket("records", |b| {
            b.encryption = Some(S3Encryption {
                algorithm: "AES256".into(),
                kms_key_id: None,
                bucket_key_enabled: false,
            });
        })),
        fail: Fixture::new().with(s3_bucket("legacy", |_| {})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn sse(algorithm: &str) -> Option<S3Encryption> {
        Some(S3Encryption {
            algorithm: algorithm.into(),
            kms_key_id: None,
            bucket_key_enabled: true,
        })
    }

    #[test]
    fn every_algorithm_passes_and_none_fails() {
        let rows = Fixture::new()
            .with(s3_bucket("s3", |b| b.encryption = sse("AES256")))
            .with(s3_bucket("kms", |b| b.encryption = sse("aws:kms")).tag("PHI", "Yes"))
            .with(s3_bucket("dsse", |b| b.encryption = sse("aws:kms:dsse")))
            .with(s3_bucket("none", |_| {}).tag("PHI", "Yes"))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::s3", Status::Pass),
                ("arn:aws:s3:::kms", Status::Pass),
                ("arn:aws:s3:::dsse", Status::Pass),
                ("arn:aws:s3:::none", Status::Fail),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_encryption_is_an_error() {
        let mut bucket = s3_bucket("phi", |_| {}).tag("PHI", "Yes");
        bucket.errors.push(phiguard_model::FieldError {
            field: "encryption".into(),
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
