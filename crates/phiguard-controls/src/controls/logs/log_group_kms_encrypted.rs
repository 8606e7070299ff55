use crate::prelude::*;

control! {
    /// # Requirement
    /// Every CloudWatch Logs log group is encrypted with a KMS key.
    ///
    /// # Rationale
    /// Logs routinely carry PHI by accident: a stack trace with a patient's name, a request
    /// body, a query string with a record number. CloudWatch Logs always encrypts at rest, but
    /// with a key AWS owns; associating a customer managed KMS key means reading the logs also
    /// needs `kms:Decrypt` under a key policy you control, every decryption is logged, and
    /// disabling the key makes the data unreadable. HIPAA addresses encryption of ePHI at
    /// rest as an implementation specification.
    ///
    /// # Evaluation
    /// Reads `kms_key_id` of every log group. Passes when a key is associated; fails otherwise.
    ///
    /// # Remediation
    /// Create a KMS key whose policy allows `logs.REGION.amazonaws.com` to use it, and
    /// associate it with the log group (new events are encrypted with it).
    ///
    /// - Console: CloudWatch → Log groups → group → Actions → Edit → KMS key ARN (the key
    ///   policy must allow the CloudWatch Logs service principal).
    /// - CLI: `aws logs associate-kms-key --log-group-name LOG_GROUP --kms-key-id arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`
    /// - Terraform: `resource "aws_cloudwatch_log_group" "app" { name = "app" kms_key_id = aws_kms_key.logs.arn }`
    /// - CloudFormation: `AWS::Logs::LogGroup` with `KmsKeyId`.
    ///
    /// # References
    /// - Prowler `cloudwatch_log_group_kms_encryption_enabled`; AWS Config rule
    ///   `cloudwatch-log-group-encrypted`
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html>
    id: "LOGS-002",
    slug: "log-group-kms-encrypted",
    title: "CloudWatch Logs log groups are encrypted with a KMS key",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["cloudwatch-log-group-encrypted"],
    prowler_checks: ["cloudwatch_log_group_kms_encryption_enabled"],
    resource_kinds: [LogGroup],
    inputs: [Regional(LogsLogGroups)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, group) in ctx.log_groups() {
        let subject = ctx.subject(resource);
        let key = group.kms_key_id.as_deref().filter(|k| !k.is_empty());
        let evidence = evidence!["kms_key_id" => key];
        match key {
            Some(key) => out.pass(subject, format!("encrypted with KMS key `{key}`"), evidence),
            None => out.fail(
                subject,
                "no KMS key is associated (encrypted only with a key AWS owns)",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::logs::fixtures::log_group;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(log_group("app", |g| {
            g.kms_key_id = Some(
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    .into(),
            );
        })),
        fail: Fixture::new().with(log_group("app", |_| {})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::logs::fixtures::log_group;
    use crate::testkit::*;

    #[test]
    fn phi_flag_follows_tags_and_every_group_is_evaluated() {
        let rows = Fixture::new()
            .with(log_group("patients-api", |_| {}).tag("PHI", "Yes"))
            .with(log_group("empty-key", |g| {
                g.kms_key_id = Some(String::new())
            }))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        assert!(rows[0].phi);
        assert_eq!(rows[1].status, Status::Fail, "an empty key id is no key");
        insta::assert_snapshot!(render(&rows));
    }
}
