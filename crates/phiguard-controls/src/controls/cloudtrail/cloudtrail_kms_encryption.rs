use crate::prelude::*;

control! {
    /// # Requirement
    /// Every CloudTrail trail encrypts its log files with a KMS key (SSE-KMS).
    ///
    /// # Rationale
    /// CloudTrail logs name the principals, resources and sometimes the request parameters of
    /// actions on PHI systems. With SSE-KMS, reading a log file needs both S3 read access and
    /// `kms:Decrypt` on a customer managed key whose policy you control, and every decryption
    /// is itself logged. HIPAA addresses encryption of ePHI at rest and protection of audit
    /// records.
    ///
    /// # Evaluation
    /// Reads `kms_key_id` of every trail in the inventory. Passes when a key is set; fails when
    /// the trail relies on the bucket's default (SSE-S3) encryption only.
    ///
    /// # Remediation
    /// Create a customer managed KMS key whose policy lets CloudTrail encrypt, and configure the
    /// trail to use it.
    ///
    /// - Console: CloudTrail → Trails → trail → General details → Edit → Log file SSE-KMS
    ///   encryption: Enabled, choose or create the key.
    /// - CLI: `aws cloudtrail update-trail --name TRAIL --kms-key-id arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`
    ///   (the key policy must allow `cloudtrail.amazonaws.com` `kms:GenerateDataKey*`).
    /// - Terraform: `resource "aws_cloudtrail" "org" { ... kms_key_id = aws_kms_key.cloudtrail.arn }`
    /// - CloudFormation: `AWS::CloudTrail::Trail` with `KMSKeyId`.
    ///
    /// # References
    /// - AWS Config rule `cloud-trail-encryption-enabled`; Prowler
    ///   `cloudtrail_kms_encryption_enabled`; CIS AWS Foundations 3.5
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html>
    id: "CLOUDTRAIL-003",
    slug: "cloudtrail-kms-encryption",
    title: "CloudTrail trails encrypt log files with a KMS key",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: [
        "308(a)(1)(ii)(B)", "308(a)(1)(ii)(D)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)",
        "312(c)(1)", "312(c)(2)", "312(e)(2)(ii)",
    ],
    config_rules: ["cloud-trail-encryption-enabled"],
    prowler_checks: ["cloudtrail_kms_encryption_enabled"],
    resource_kinds: [Trail],
    inputs: [Regional(CloudtrailTrails)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, trail) in ctx.trails() {
        let evidence = evidence!["kms_key_id" => trail.kms_key_id.as_deref()];
        match trail.kms_key_id.as_deref() {
            Some(key) if !key.is_empty() => out.pass(
                ctx.subject(resource),
                format!("log files are encrypted with KMS key `{key}`"),
                evidence,
            ),
            _ => out.fail(
                ctx.subject(resource),
                "log files are not encrypted with a KMS key (SSE-S3 only)",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(trail("org", |_| {})),
        fail: Fixture::new().with(trail("org", |t| t.kms_key_id = None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    use phiguard_model::FieldError;

    #[test]
    fn empty_key_fails_and_unreadable_key_is_an_error() {
        let rows = Fixture::new()
            .with(trail("empty", |t| t.kms_key_id = Some(String::new())))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        let mut unreadable = trail("t", |t| t.kms_key_id = None);
        unreadable.errors.push(FieldError {
            field: "kms_key_id".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(unreadable).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .with(trail("encrypted", |_| {}))
            .with(trail("plain", |t| t.kms_key_id = None))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
