use crate::prelude::*;

control! {
    /// # Requirement
    /// Every DynamoDB table that holds PHI is encrypted at rest with a KMS key in the
    /// account (the AWS managed `aws/dynamodb` key or, preferably, a customer managed key),
    /// not with the default AWS-owned key.
    ///
    /// # Rationale
    /// DynamoDB always encrypts at rest, but with the default AWS-owned key nothing about the
    /// key is visible to you: no key policy to restrict who can decrypt, no CloudTrail record
    /// of its use, no way to revoke access to the data by disabling the key. With a KMS key
    /// in the account every use is logged and access to PHI can be controlled and cut off at
    /// the key. HIPAA requires encryption of ePHI at rest (addressable) with a mechanism the
    /// covered entity controls and can audit.
    ///
    /// # Evaluation
    /// Reads `sse_type` and `kms_key_arn` (dynamodb:DescribeTable `SSEDescription`) of every
    /// DynamoDB table in PHI scope. Passes when `sse_type` is `KMS` (AWS managed or customer
    /// managed key, as Prowler's `dynamodb_tables_kms_cmk_encryption_enabled` does; the
    /// evidence names the key); fails when there is no SSE description (AWS-owned key) or any
    /// other type. Unlike Prowler, which fails every table on the AWS-owned key, tables
    /// outside PHI scope are not applicable here: their data is still encrypted at rest, and
    /// the extra audit trail matters for PHI.
    ///
    /// # Remediation
    /// Switch the table's encryption to a customer managed KMS key; the change is online and
    /// takes effect without downtime.
    ///
    /// - Console: DynamoDB → Tables → table → Additional settings → Encryption → Manage
    ///   encryption → Stored in your account, owned and managed by you → choose the key → Save.
    /// - CLI: `aws dynamodb update-table --table-name TABLE --sse-specification
    ///   Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY_ARN`
    /// - Terraform: `server_side_encryption { enabled = true kms_key_arn = aws_kms_key.phi.arn }`
    ///   on `aws_dynamodb_table`.
    ///
    /// # References
    /// - Prowler `dynamodb_tables_kms_cmk_encryption_enabled`
    /// - <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html>
    id: "DYNAMODB-001",
    slug: "dynamodb-table-kms-encrypted",
    title: "DynamoDB tables holding PHI are encrypted with a KMS key",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: [],
    prowler_checks: ["dynamodb_tables_kms_cmk_encryption_enabled"],
    resource_kinds: [DynamodbTable],
    inputs: [Regional(DynamodbTables)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, table) in ctx.dynamodb_tables() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "sse_type" => table.sse_type.as_deref(),
            "kms_key_arn" => table.kms_key_arn.as_deref(),
        ];
        if !subject.phi {
            out.not_applicable(subject, "table is not in PHI scope", evidence);
            continue;
        }
        match (table.sse_type.as_deref(), table.kms_key_arn.as_deref()) {
            (Some("KMS"), Some(key)) => out.pass(
                subject,
                format!("table is encrypted with the KMS key `{key}`"),
                evidence,
            ),
            (Some("KMS"), None) => out.pass(subject, "table is encrypted with a KMS key", evidence),
            (Some(other), _) => out.fail(
                subject,
                format!("table encryption is `{other}`, not a KMS key in the account"),
                evidence,
            ),
            (None, _) => out.fail(
                subject,
                "table is encrypted with the AWS-owned key, which you cannot audit or restrict",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
pub(crate) fn table(name: &str, edit: impl FnOnce(&mut DynamodbTable)) -> Resource {
    let mut table = DynamodbTable {
        status: "ACTIVE".into(),
        ..DynamodbTable::default()
    };
    edit(&mut table);
    crate::testkit::resource(
        &format!("arn:aws:dynamodb:us-east-1:111122223333:table/{name}"),
        table,
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let key = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000004";
    crate::control::Examples {
        pass: Fixture::new().with(
            table("appointments", |t| {
                t.sse_type = Some("KMS".into());
                t.kms_key_arn = Some(key.into());
            })
            .tag("PHI", "Yes"),
        ),
        fail: Fixture::new().with(table("appointments", |_| {}).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn key_kinds_and_scope() {
        let rows = Fixture::new()
            .with(
                table("cmk", |t| {
                    t.sse_type = Some("KMS".into());
                    t.kms_key_arn = Some(
                        "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000004"
                            .into(),
                    );
                })
                .tag("PHI", "Yes"),
            )
            .with(table("kms-no-arn", |t| t.sse_type = Some("KMS".into())).tag("PHI", "Yes"))
            .with(table("owned", |_| {}).tag("PHI", "Yes"))
            .with(table("legacy", |t| t.sse_type = Some("AES256".into())).tag("PHI", "Yes"))
            .with(table("sessions", |_| {}))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
