use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket that holds PHI encrypts new objects by default with AWS KMS (SSE-KMS or
    /// DSSE-KMS), preferably with a customer managed key.
    ///
    /// # Rationale
    /// SSE-S3 encrypts data at rest, but anyone allowed to read the object reads it in clear:
    /// the key is not an access control. With SSE-KMS every read needs `kms:Decrypt` on the
    /// key as well, every use of the key is recorded in CloudTrail, and access to PHI can be
    /// cut off at once by disabling the key. A customer managed key adds a key policy you
    /// control and lets you restrict or revoke access independently of S3 permissions; the
    /// AWS managed `aws/s3` key cannot be restricted by key policy.
    ///
    /// # Evaluation
    /// Reads `encryption` of every S3 bucket in PHI scope (by tag or account). Passes when the
    /// default algorithm is `aws:kms` or `aws:kms:dsse`; the reason and the evidence
    /// (`kms_key_id`) say whether a key you chose or the AWS managed `aws/s3` key is used (no
    /// key id, or the `alias/aws/s3` alias). Fails for `AES256` (SSE-S3) or no default rule.
    /// Buckets outside PHI scope are not applicable.
    ///
    /// # Remediation
    /// Make SSE-KMS with a customer managed key the default encryption of the bucket, and
    /// enable S3 Bucket Keys to keep KMS request costs down.
    ///
    /// - Console: S3 → bucket → Properties → Default encryption → Edit → Server-side encryption
    ///   with AWS KMS keys (SSE-KMS) → choose your key → Bucket Key: Enable → Save changes.
    /// - CLI: `aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration
    ///   '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"KEY_ARN"},"BucketKeyEnabled":true}]}'`
    /// - Terraform: `resource "aws_s3_bucket_server_side_encryption_configuration" "phi" {
    ///   bucket = aws_s3_bucket.phi.id rule { apply_server_side_encryption_by_default {
    ///   sse_algorithm = "aws:kms" kms_master_key_id = aws_kms_key.phi.arn }
    ///   bucket_key_enabled = true } }`
    ///
    /// Existing objects keep their old encryption: copy them in place
    /// (`aws s3 cp s3://BUCKET s3://BUCKET --recursive --sse aws:kms --sse-kms-key-id KEY_ARN`)
    /// or use S3 Batch Operations.
    ///
    /// # References
    /// - AWS Config rule `s3-default-encryption-kms`; Prowler `s3_bucket_kms_encryption`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html>
    id: "S3-002",
    slug: "s3-phi-bucket-sse-kms",
    title: "S3 buckets holding PHI use SSE-KMS by default",
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
    config_rules: ["s3-default-encryption-kms"],
    prowler_checks: ["s3_bucket_kms_encryption"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

/// Whether a KMS key id names the AWS managed `aws/s3` key (or none, which means the same).
fn is_aws_managed(key: Option<&str>) -> bool {
    key.is_none_or(|k| k.is_empty() || k.ends_with("alias/aws/s3"))
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let algorithm = bucket.encryption.as_ref().map(|e| e.algorithm.as_str());
        let key = bucket
            .encryption
            .as_ref()
            .and_then(|e| e.kms_key_id.as_deref());
        let evidence = evidence!["encryption" => algorithm, "kms_key_id" => key];
        if !subject.phi {
            out.not_applicable(subject, "bucket is not in PHI scope", evidence);
            continue;
        }
        match algorithm {
            Some(a @ ("aws:kms" | "aws:kms:dsse")) if is_aws_managed(key) => out.pass(
                subject,
                format!("default encryption is `{a}` with the AWS managed `aws/s3` key; a customer managed key allows a key policy you control"),
                evidence,
            ),
            Some(a @ ("aws:kms" | "aws:kms:dsse")) => out.pass(
                subject,
                format!("default encryption is `{a}` with the key `{}`", key.unwrap_or_default()),
                evidence,
            ),
            Some(other) => out.fail(
                subject,
                format!("default encryption is `{other}`, not SSE-KMS"),
                evidence,
            ),
            None => out.fail(subject, "bucket has no default encryption rule", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let kms = |b: &mut S3Bucket| {
        b.encryption = Some(S3Encryption {
            algorithm: "aws:kms".into(),
            kms_key_id: Some(
                "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001"
                    .into(),
            ),
            bucket_key_enabled: true,
        });
    };
    let sse_s3 = |b: &mut S3Bucket| {
        b.encryption = Some(S3Encryption {
            algorithm: "AES256".into(),
            kms_key_id: None,
            bucket_key_enabled: false,
        });
    };
    crate::control::Examples {
        pass: Fixture::new().with(s3_bucket("phi-records", kms).tag("PHI", "Yes")),
        fail: Fixture::new().with(s3_bucket("phi-records", sse_s3).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn sse(algorithm: &str, key: Option<&str>) -> impl FnOnce(&mut S3Bucket) {
        let encryption = S3Encryption {
            algorithm: algorithm.into(),
            kms_key_id: key.map(Into::into),
            bucket_key_enabled: true,
        };
        move |b| b.encryption = Some(encryption)
    }

    #[test]
    fn key_kinds_algorithms_and_scope() {
        let cmk = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001";
        let rows = Fixture::new()
            .with(s3_bucket("cmk", sse("aws:kms", Some(cmk))).tag("PHI", "Yes"))
            .with(s3_bucket("aws-managed", sse("aws:kms", None)).tag("PHI", "Yes"))
            .with(
                s3_bucket(
                    "alias",
                    sse(
                        "aws:kms",
                        Some("arn:aws:kms:us-east-1:111122223333:alias/aws/s3"),
                    ),
                )
                .tag("PHI", "Yes"),
            )
            .with(s3_bucket("dsse", sse("aws:kms:dsse", Some(cmk))).tag("PHI", "Yes"))
            .with(s3_bucket("sse-s3", sse("AES256", None)).tag("PHI", "Yes"))
            .with(s3_bucket("none", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("website", sse("AES256", None)))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::cmk", Status::Pass),
                ("arn:aws:s3:::aws-managed", Status::Pass),
                ("arn:aws:s3:::alias", Status::Pass),
                ("arn:aws:s3:::dsse", Status::Pass),
                ("arn:aws:s3:::sse-s3", Status::Fail),
                ("arn:aws:s3:::none", Status::Fail),
                ("arn:aws:s3:::website", Status::NotApplicable),
            ]
        );
        assert!(rows[1].reason.contains("aws/s3"), "{}", rows[1].reason);
        assert!(rows[2].reason.contains("aws/s3"), "{}", rows[2].reason);
        assert!(rows[0].reason.contains(cmk), "{}", rows[0].reason);
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn phi_account_puts_every_bucket_in_scope() {
        let rows = Fixture::new()
            .settings(|s| s.phi_accounts = vec![ACCOUNT.into()])
            .with(s3_bucket("untagged", sse("AES256", None)))
            .run(&CONTROL);
        assert_eq!(statuses(&rows), [("arn:aws:s3:::untagged", Status::Fail)]);
        assert!(rows[0].phi);
    }
}
