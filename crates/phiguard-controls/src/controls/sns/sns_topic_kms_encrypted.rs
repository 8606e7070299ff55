use crate::prelude::*;

control! {
    /// # Requirement
    /// Every SNS topic encrypts messages at rest with a KMS key (server-side encryption).
    ///
    /// # Rationale
    /// SNS messages are stored until delivered, and notifications about patients (an
    /// appointment, a lab result ready, an alarm quoting a log line) easily carry PHI. HIPAA
    /// addresses encryption of ePHI at rest; with SSE the stored messages are encrypted under a
    /// KMS key whose use is logged, and a customer managed key lets you control who can
    /// publish and read.
    ///
    /// # Evaluation
    /// Reads `kms_master_key_id` of every SNS topic. Passes when a key is set (the AWS managed
    /// `alias/aws/sns` counts, as in the AWS Config rule; a customer managed key is better);
    /// fails when the topic is not encrypted.
    ///
    /// # Remediation
    /// Enable server-side encryption on the topic with a KMS key (a customer managed key whose
    /// policy allows the publishing services, for CloudWatch alarms and EventBridge).
    ///
    /// - Console: SNS → Topics → topic → Edit → Encryption → Enable encryption, choose the key.
    /// - CLI: `aws sns set-topic-attributes --topic-arn TOPIC_ARN --attribute-name KmsMasterKeyId --attribute-value alias/KEY_ALIAS`
    /// - Terraform: `resource "aws_sns_topic" "alerts" { name = "alerts" kms_master_key_id = aws_kms_key.sns.id }`
    /// - CloudFormation: `AWS::SNS::Topic` with `KmsMasterKeyId`.
    ///
    /// # References
    /// - AWS Config rule `sns-encrypted-kms`; Prowler `sns_topics_kms_encryption_at_rest_enabled`
    /// - <https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html>
    id: "SNS-001",
    slug: "sns-topic-kms-encrypted",
    title: "SNS topics are encrypted with a KMS key",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["sns-encrypted-kms"],
    prowler_checks: ["sns_topics_kms_encryption_at_rest_enabled"],
    resource_kinds: [SnsTopic],
    inputs: [Regional(SnsTopics)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, topic) in ctx.sns_topics() {
        let subject = ctx.subject(resource);
        let key = topic.kms_master_key_id.as_deref().filter(|k| !k.is_empty());
        let evidence = evidence!["kms_master_key_id" => key];
        match key {
            Some(key) => out.pass(subject, format!("encrypted with KMS key `{key}`"), evidence),
            None => out.fail(subject, "messages are not encrypted at rest", evidence),
        }
    }
}

#[cfg(test)]
fn topic(name: &str, key: Option<&str>) -> Resource {
    use crate::testkit::*;
    resource(
        &format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}"),
        SnsTopic {
            kms_master_key_id: key.map(str::to_string),
            subscriptions: Vec::new(),
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(topic("appointments", Some("alias/phi-sns"))),
        fail: Fixture::new().with(topic("appointments", None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn keys() {
        let rows = Fixture::new()
            .with(topic(
                "cmk",
                Some("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            ))
            .with(topic("aws-managed", Some("alias/aws/sns")))
            .with(topic("empty", Some("")))
            .with(topic("plain", None).tag("PHI", "true"))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Pass, Status::Fail, Status::Fail]
        );
        assert!(rows[3].phi);
        insta::assert_snapshot!(render(&rows));
    }
}
