use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket that holds PHI keeps a copy its own users cannot destroy: Object Lock
    /// is enabled on the bucket, or an enabled replication rule copies it to another bucket.
    ///
    /// # Rationale
    /// Versioning (S3-007) protects against overwrites, but anyone who can delete versions,
    /// ransomware running with stolen credentials included, can still destroy every copy in
    /// the bucket. Object Lock makes versions immutable for a retention period; replication
    /// to a bucket in another account or region keeps a copy outside the blast radius of the
    /// source. HIPAA requires a data backup plan with retrievable exact copies of ePHI and a
    /// disaster recovery plan; a backup that lives and dies with the original is neither.
    ///
    /// # Evaluation
    /// Reads `object_lock` and `replication_rules` of every S3 bucket in PHI scope. Passes
    /// when Object Lock is enabled with a default retention mode and period (the evidence
    /// shows them) or when at least one replication rule has status `Enabled` (the evidence
    /// names the destinations). Fails when neither holds, including when Object Lock is
    /// enabled without a default retention (objects uploaded without their own retention are
    /// not locked, and per-object settings are not collected) and when replication rules
    /// exist but are all disabled. Buckets outside PHI scope are not applicable. AWS Backup protection of S3
    /// buckets is judged by the AWS Backup controls.
    ///
    /// # Remediation
    /// Replicate the bucket to a bucket in a separate backup account (or region), or enable
    /// Object Lock with a default retention.
    ///
    /// - Console: S3 → bucket → Management → Replication rules → Create replication rule →
    ///   destination bucket in another account → IAM role → Save; or Properties → Object
    ///   Lock → Edit → Enable, default retention mode Governance or Compliance.
    /// - CLI: `aws s3api put-bucket-replication --bucket BUCKET --replication-configuration
    ///   file://replication.json`, or `aws s3api put-object-lock-configuration --bucket BUCKET
    ///   --object-lock-configuration
    ///   '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":365}}}'`
    /// - Terraform: `aws_s3_bucket_replication_configuration` with a `rule { status = "Enabled"
    ///   destination { bucket = aws_s3_bucket.backup.arn } }`, or
    ///   `aws_s3_bucket_object_lock_configuration` with a `default_retention`.
    ///
    /// # References
    /// - AWS Config rules `s3-bucket-replication-enabled`, `s3-bucket-default-lock-enabled`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html>
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html>
    id: "S3-008",
    slug: "s3-phi-bucket-object-lock-or-replication",
    title: "S3 buckets holding PHI have Object Lock or replication",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: [
        "308(a)(1)(ii)(B)",
        "308(a)(7)(i)",
        "308(a)(7)(ii)(A)",
        "308(a)(7)(ii)(B)",
    ],
    config_rules: ["s3-bucket-replication-enabled", "s3-bucket-default-lock-enabled"],
    prowler_checks: [],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

/// Object Lock as evidence, and whether it locks new objects by default.
fn describe_lock(lock: Option<&ObjectLock>) -> (Option<String>, bool) {
    let Some(lock) = lock.filter(|l| l.enabled) else {
        return (None, false);
    };
    match (lock.mode.as_deref(), lock.retention_days()) {
        (Some(mode), Some(days)) if days > 0 => (Some(format!("{mode} for {days} day(s)")), true),
        _ => (Some("enabled, no default retention".to_string()), false),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let (lock, locks_by_default) = describe_lock(bucket.object_lock.as_ref());
        let destinations: Vec<&'a str> = bucket
            .replication_rules
            .iter()
            .filter(|r| r.status == "Enabled")
            .map(|r| r.destination_bucket.as_str())
            .collect();
        let evidence = evidence![
            "object_lock" => lock.clone(),
            "replication_rules" => Value::List(destinations.iter().copied().map(Value::from).collect()),
        ];
        if !subject.phi {
            out.not_applicable(subject, "bucket is not in PHI scope", evidence);
            continue;
        }
        match (&lock, destinations.first()) {
            (Some(lock), _) if locks_by_default => {
                out.pass(subject, format!("Object Lock is on ({lock})"), evidence);
            }
            (_, Some(first)) => out.pass(
                subject,
                format!("objects are replicated to `{first}`"),
                evidence,
            ),
            (Some(_), None) => out.fail(
                subject,
                "Object Lock has no default retention, so new objects are not locked, and there is no enabled replication",
                evidence,
            ),
            (None, None) if !bucket.replication_rules.is_empty() => out.fail(
                subject,
                "replication rules exist but none is enabled, and Object Lock is off",
                evidence,
            ),
            (None, None) => out.fail(
                subject,
                "bucket has neither Object Lock nor replication",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(
            s3_bucket("phi-records", |b| {
                b.replication_rules = vec![ReplicationRule {
                    status: "Enabled".into(),
                    destination_bucket: "arn:aws:s3:::phi-records-backup".into(),
                    destination_account: Some(OTHER_ACCOUNT.into()),
                }];
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

    fn rule(status: &str) -> ReplicationRule {
        ReplicationRule {
            status: status.into(),
            destination_bucket: "arn:aws:s3:::backup".into(),
            destination_account: None,
        }
    }

    #[test]
    fn lock_replication_and_scope() {
        let rows = Fixture::new()
            .with(
                s3_bucket("locked", |b| {
                    b.object_lock = Some(ObjectLock {
                        enabled: true,
                        mode: Some("COMPLIANCE".into()),
                        days: None,
                        years: Some(6),
                    });
                })
                .tag("PHI", "Yes"),
            )
            .with(
                s3_bucket("lock-no-default", |b| {
                    b.object_lock = Some(ObjectLock {
                        enabled: true,
                        mode: None,
                        days: None,
                        years: None,
                    });
                })
                .tag("PHI", "Yes"),
            )
            .with(
                s3_bucket("replicated", |b| {
                    b.replication_rules = vec![rule("Disabled"), rule("Enabled")];
                })
                .tag("PHI", "Yes"),
            )
            .with(
                s3_bucket("disabled-rule", |b| {
                    b.replication_rules = vec![rule("Disabled")]
                })
                .tag("PHI", "Yes"),
            )
            .with(s3_bucket("nothing", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("assets", |_| {}))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Fail,
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable
            ]
        );
        assert!(rows[0].reason.contains("2192 day"), "{}", rows[0].reason);
        insta::assert_snapshot!(render(&rows));
    }
}
