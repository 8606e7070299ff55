use crate::prelude::*;

control! {
    /// # Requirement
    /// Every DynamoDB table has point-in-time recovery (PITR) enabled.
    ///
    /// # Rationale
    /// PITR keeps continuous backups of a table for up to 35 days and can restore it to any
    /// second in that window. It is what undoes an application bug that overwrote records, a
    /// mistaken bulk delete, or a malicious change, none of which on-demand backups taken
    /// yesterday would fully cover. HIPAA requires a data backup plan that creates
    /// retrievable exact copies of ePHI, and a disaster recovery plan to restore it.
    ///
    /// # Evaluation
    /// Reads `pitr_enabled` (dynamodb:DescribeContinuousBackups) of every DynamoDB table, in
    /// PHI scope or not. Passes when point-in-time recovery is enabled; fails otherwise. A
    /// table whose continuous-backup status could not be read is an error, not a failure.
    ///
    /// # Remediation
    /// Turn on point-in-time recovery for the table.
    ///
    /// - Console: DynamoDB → Tables → table → Backups → Point-in-time recovery → Edit → Turn
    ///   on point-in-time recovery → Save changes.
    /// - CLI: `aws dynamodb update-continuous-backups --table-name TABLE
    ///   --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`
    /// - Terraform: `point_in_time_recovery { enabled = true }` on `aws_dynamodb_table`.
    ///
    /// # References
    /// - AWS Config rule `dynamodb-pitr-enabled`; Prowler `dynamodb_tables_pitr_enabled`
    /// - <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html>
    id: "DYNAMODB-002",
    slug: "dynamodb-pitr-enabled",
    title: "DynamoDB tables have point-in-time recovery enabled",
    severity: Medium,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: [
        "308(a)(1)(ii)(B)",
        "308(a)(7)(i)",
        "308(a)(7)(ii)(A)",
        "308(a)(7)(ii)(B)",
        "308(a)(7)(ii)(C)",
        "312(a)(2)(ii)",
    ],
    config_rules: ["dynamodb-pitr-enabled"],
    prowler_checks: ["dynamodb_tables_pitr_enabled"],
    resource_kinds: [DynamodbTable],
    inputs: [Regional(DynamodbTables)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, table) in ctx.dynamodb_tables() {
        out.check(
            ctx.subject(resource),
            table.pitr_enabled,
            "point-in-time recovery is enabled",
            "point-in-time recovery is off",
            evidence!["pitr_enabled" => table.pitr_enabled],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use super::dynamodb_table_kms_encrypted::table;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(table("appointments", |t| t.pitr_enabled = true)),
        fail: Fixture::new().with(table("appointments", |t| t.pitr_enabled = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::dynamodb_table_kms_encrypted::table;
    use super::*;
    use crate::testkit::*;

    #[test]
    fn on_off_and_unreadable() {
        let mut unreadable = table("unknown", |_| {});
        unreadable.errors.push(phiguard_model::FieldError {
            field: "pitr_enabled".into(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(table("on", |t| t.pitr_enabled = true).tag("PHI", "Yes"))
            .with(table("off", |_| {}))
            .with(unreadable)
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Fail, Status::Error]);
        insta::assert_snapshot!(render(&rows));
    }
}
